//! Loading the benchmark's data: a work directory, a scratch database with
//! the generated data imported through the real import path, the index
//! built from it, and the search side started over it. The benchmark and
//! the soak both start from here.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use defmatch::cli::{import_file, progress_bar};
use defmatch::import::RecordKind;
use defmatch::search::document::ChallengeDocument;
use defmatch::search::index::SearchIndex;
use defmatch::search::indexer::rebuild;
use diesel::{Connection, PgConnection, RunQueryDsl};
use uuid::Uuid;

use super::http_client::query_value;
use super::random::SplitMix64;
use super::sample::SampledStartup;
use super::{
    generate, note_memory, postgres_fts, queries, round, sample, seconds_since, BenchOptions,
    DISTINCT_QUERIES, INPROCESS_CHALLENGES, LOAD_STARTUPS, RESULTS, SEED, SERVER_POOL_SIZE,
};
use crate::scratch::ScratchDatabase;

/// A directory under the system's temporary directory, removed on drop.
pub(super) struct WorkDirectory(pub(super) PathBuf);

impl WorkDirectory {
    pub(super) fn create() -> anyhow::Result<Self> {
        let path = std::env::temp_dir().join(format!("defmatch-bench-{}", Uuid::new_v4().simple()));
        std::fs::create_dir_all(&path)
            .with_context(|| format!("failed to create {}", path.display()))?;
        Ok(WorkDirectory(path))
    }
}

impl Drop for WorkDirectory {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// How loading the data went.
pub(super) struct Loading {
    pub(super) generate_seconds: f64,
    pub(super) import_seconds: f64,
    pub(super) pg_fts_setup_seconds: f64,
    pub(super) index_seconds: f64,
    pub(super) index_mb: f64,
    pub(super) database_mb: f64,
    pub(super) rejected_records: usize,
}

/// What the measurements ask: sampled start-ups and challenges, and short
/// search queries.
pub(super) struct Workload {
    pub(super) startups: Vec<SampledStartup>,
    pub(super) challenges: Vec<ChallengeDocument>,
    pub(super) queries: Vec<String>,
}

impl Workload {
    /// `GET /startups/{id}/matches` of each sampled start-up.
    pub(super) fn match_paths(&self) -> Vec<String> {
        self.startups
            .iter()
            .map(|startup| format!("/api/v1/startups/{}/matches?limit={RESULTS}", startup.id))
            .collect()
    }

    /// `GET /search/challenges?q=` of each query.
    pub(super) fn search_paths(&self) -> Vec<String> {
        self.queries
            .iter()
            .map(|text| {
                format!(
                    "/api/v1/search/challenges?q={}&per_page={RESULTS}",
                    query_value(text)
                )
            })
            .collect()
    }
}

/// The loaded data and the search side over it, ready to serve: what the
/// benchmark and the soak share.
pub(super) struct Prepared {
    pub(super) loading: Loading,
    pub(super) search: defmatch::server::RunningSearch,
    pub(super) pool: defmatch::db::DbPool,
    pub(super) connection: PgConnection,
    pub(super) scratch: ScratchDatabase,
    /// Removed last, once nothing reads the index any more.
    pub(super) work: WorkDirectory,
}

impl Prepared {
    /// Generates and loads the data into a scratch database named after
    /// `scratch_name`, builds the index and starts following it, with the
    /// semantic model in use.
    pub(super) fn load(
        server_url: &str,
        scratch_name: &str,
        options: &BenchOptions,
    ) -> anyhow::Result<Self> {
        let work = WorkDirectory::create()?;
        let scratch = ScratchDatabase::create(server_url, scratch_name)?;
        let mut connection = PgConnection::establish(&scratch.url)
            .context("failed to connect to the scratch database")?;
        let index_directory = work.0.join("index");
        let loading = load_data(&work.0, &index_directory, &mut connection, options)?;
        // A server never imports in its own process (`defmatch import` is a
        // process of its own): the heap the import freed goes back to the
        // system, so that the memory figures are the serving process's.
        defmatch::server::memory::release_free_heap();
        note_memory("returning the import's free heap");

        let pool = defmatch::db::build_pool(&scratch.url, SERVER_POOL_SIZE);
        let search = defmatch::server::start_search(&index_directory, &pool)?;
        // The follower trains the semantic model in the background on start;
        // measure only once it is in use, as on a server that has been up.
        let started = Instant::now();
        let semantic_documents = search
            .engine
            .index()
            .wait_for_semantic_model(Duration::from_secs(900));
        eprintln!(
            "semantic model in use ({semantic_documents} documents) after {:.1}s",
            started.elapsed().as_secs_f64()
        );
        Ok(Prepared {
            loading,
            search,
            pool,
            connection,
            scratch,
            work,
        })
    }

    /// Samples the start-ups, challenges and queries of the load.
    pub(super) fn workload(&mut self, random: &mut SplitMix64) -> anyhow::Result<Workload> {
        let workload = Workload {
            startups: sample::startups(&mut self.connection, LOAD_STARTUPS, random)?,
            challenges: sample::challenges(&mut self.connection, INPROCESS_CHALLENGES, random)?,
            queries: queries::short_queries(DISTINCT_QUERIES, random),
        };
        if workload.startups.is_empty() || workload.challenges.is_empty() {
            anyhow::bail!("the benchmark needs at least one start-up and one challenge");
        }
        Ok(workload)
    }

    /// Stops the indexer, then drops the database and the directory;
    /// returns how loading went, for the report.
    pub(super) fn finish(mut self) -> Loading {
        self.search.stop();
        drop(self.pool);
        drop(self.connection);
        drop(self.scratch);
        drop(self.work);
        self.loading
    }
}

/// Generates the data, imports it, adds the PostgreSQL baseline's column
/// and builds the index.
fn load_data(
    work_directory: &Path,
    index_directory: &Path,
    connection: &mut PgConnection,
    options: &BenchOptions,
) -> anyhow::Result<Loading> {
    eprintln!(
        "generating {} start-ups and {} challenges",
        options.startups, options.challenges
    );
    let started = Instant::now();
    let files = generate::write_data_set(
        work_directory,
        options.startups,
        options.challenges,
        SEED,
        chrono::Utc::now(),
    )?;
    let generate_seconds = seconds_since(started);

    eprintln!("importing");
    let started = Instant::now();
    let mut rejected_records = import_file(
        connection,
        &files.challenges,
        RecordKind::Challenges,
        "challenges",
    )?;
    rejected_records += import_file(
        connection,
        &files.startups,
        RecordKind::Startups,
        "start-ups",
    )?;
    let import_seconds = seconds_since(started);
    note_memory("the import");
    // Fresh tables have no planner statistics yet; in service, autovacuum
    // gathers them within a minute of a large import.
    diesel::sql_query("ANALYZE").execute(connection)?;
    let database_mb = database_mb(connection)?;

    let started = Instant::now();
    postgres_fts::prepare(connection)?;
    let pg_fts_setup_seconds = seconds_since(started);

    eprintln!("building the index");
    let started = Instant::now();
    build_index(connection, index_directory)?;
    let index_seconds = seconds_since(started);
    note_memory("the index build");
    Ok(Loading {
        generate_seconds,
        import_seconds,
        pg_fts_setup_seconds,
        index_seconds,
        index_mb: directory_mb(index_directory)?,
        database_mb,
        rejected_records,
    })
}

/// The files of `directory` (an index has no subdirectories), in MB.
fn directory_mb(directory: &Path) -> anyhow::Result<f64> {
    let mut bytes = 0_u64;
    for entry in std::fs::read_dir(directory)
        .with_context(|| format!("failed to read {}", directory.display()))?
    {
        bytes += entry?.metadata()?.len();
    }
    Ok(round(bytes as f64 / 1e6, 1))
}

#[derive(diesel::QueryableByName)]
struct DatabaseSize {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    bytes: i64,
}

/// The size of the connected database, in MB.
fn database_mb(connection: &mut PgConnection) -> anyhow::Result<f64> {
    let size: DatabaseSize =
        diesel::sql_query("SELECT pg_database_size(current_database()) AS bytes")
            .get_result(connection)?;
    Ok(round(size.bytes as f64 / 1e6, 1))
}

/// Builds the index from the database as `defmatch reindex` does, so that
/// the server then finds it current and only follows the outbox.
fn build_index(connection: &mut PgConnection, directory: &Path) -> anyhow::Result<()> {
    let (index, _) = SearchIndex::open(directory)?;
    index.follow_database(defmatch::db::outbox::database_identity(connection)?);
    let bar = progress_bar("indexing");
    rebuild(&index, connection, &|done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })?;
    bar.finish_and_clear();
    Ok(())
}
