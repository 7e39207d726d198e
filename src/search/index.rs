//! The on-disk tantivy index: opening (and deciding to rebuild), writing
//! documents, and committing them together with the outbox position they
//! reflect, so that the index always knows exactly how far it is.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::Context;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicI64, Ordering};

use tantivy::directory::{Directory, DirectoryLock, Lock, MmapDirectory};
use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, TextAnalyzer};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};
use uuid::Uuid;

use super::analysis::{build_analyzer, TextLanguage};
use super::corpus::CorpusTables;
use super::ranking::TermsView;
use super::schema::{build_schema, Fields, SCHEMA_VERSION};
use super::semantic::{SemanticModel, TrainingCorpus, MIN_DOCUMENTS};

/// What a commit records besides the documents.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CommitPayload {
    pub schema_version: u32,
    /// Id of the last search-outbox row whose change the index holds.
    pub outbox_position: i64,
    /// The database the index was built from.
    #[serde(default)]
    pub database_id: Option<String>,
}

/// Why an index is being rebuilt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RebuildReason {
    Missing,
    Corrupt(String),
    OtherSchemaVersion(Option<u32>),
    /// Built from another database, or ahead of this database's outbox.
    OtherDatabase,
    /// Behind the outbox that retention kept: changes it needs are gone.
    BehindRetainedOutbox,
}

impl std::fmt::Display for RebuildReason {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RebuildReason::Missing => write!(formatter, "no index yet"),
            RebuildReason::Corrupt(error) => {
                write!(formatter, "the index cannot be opened: {error}")
            }
            RebuildReason::OtherDatabase => {
                write!(formatter, "the index was built from another database")
            }
            RebuildReason::BehindRetainedOutbox => write!(
                formatter,
                "the index is behind the retained search outbox (away longer than the retention period)"
            ),
            RebuildReason::OtherSchemaVersion(version) => write!(
                formatter,
                "the index has schema version {version:?}, this binary {SCHEMA_VERSION}"
            ),
        }
    }
}

/// The lock file that marks a directory as in use by one process.
const DIRECTORY_LOCK_FILE: &str = "defmatch.lock";

/// The file in the index directory that names this replica in
/// `search_replicas`: made once, kept across rebuilds.
const REPLICA_ID_FILE: &str = "defmatch-replica-id";

/// Bytes of stored fields compressed together. Ranking reads the stored
/// fields of 30 scattered candidates a match (50 with a mark), each from a
/// block of its own, so a block is decompressed for each; tantivy's 16 KB
/// blocks made that a tenth of a match's time.
const DOCSTORE_BLOCK_BYTES: usize = 4 * 1024;

fn index_settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings {
        docstore_blocksize: DOCSTORE_BLOCK_BYTES,
        ..tantivy::IndexSettings::default()
    }
}

/// Memory the writer may buffer before it flushes a segment.
const WRITER_HEAP_BYTES: usize = 64 * 1024 * 1024;

/// The index, its one writer and its one reader.
pub struct SearchIndex {
    /// Held for the life of the index: no other process may clear or write
    /// this directory meanwhile (tantivy's own writer lock is taken later,
    /// after we may have had to clear the directory).
    _directory_lock: DirectoryLock,
    directory: PathBuf,
    /// This replica's id in `search_replicas`.
    replica_id: Uuid,
    /// Outbox position that searchers see (set after each reader reload).
    visible_position: AtomicI64,
    /// The database this index follows; written into every commit.
    database_id: Mutex<Option<String>>,
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter<TantivyDocument>>,
    fields: Fields,
    /// Statistics of the newest searcher generation asked for.
    corpus_tables: Mutex<Option<Arc<CorpusTables>>>,
    /// The semantic space learnt from the documents, once there are enough.
    semantic_model: std::sync::RwLock<Option<Arc<SemanticModel>>>,
    /// Set while a background training runs, so that only one does.
    semantic_training: std::sync::atomic::AtomicBool,
}

fn register_analyzers(index: &Index) {
    let tokenizers = index.tokenizers();
    tokenizers.register(
        TextLanguage::English.analyzer_name(),
        build_analyzer(TextLanguage::English),
    );
    tokenizers.register(
        TextLanguage::Dutch.analyzer_name(),
        build_analyzer(TextLanguage::Dutch),
    );
    tokenizers.register(
        "defmatch_name",
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .build(),
    );
}

impl SearchIndex {
    /// Opens the index in `directory`; when it is missing, unreadable or of
    /// another schema version it is replaced by an empty one and the reason
    /// is returned, so that the caller rebuilds it from the database.
    pub fn open(directory: &Path) -> anyhow::Result<(SearchIndex, Option<RebuildReason>)> {
        std::fs::create_dir_all(directory)
            .with_context(|| format!("failed to create index directory {}", directory.display()))?;
        let lock = MmapDirectory::open(directory)
            .with_context(|| format!("failed to open {}", directory.display()))?
            .acquire_lock(&Lock {
                filepath: PathBuf::from(DIRECTORY_LOCK_FILE),
                is_blocking: false,
            })
            .map_err(|error| {
                anyhow::anyhow!(
                    "the index directory {} is in use by another process ({error}); give each server its own INDEX_DIR",
                    directory.display()
                )
            })?;
        let replica_id = read_or_make_replica_id(directory)?;
        let (schema, fields) = build_schema();
        let existing = if directory.join("meta.json").exists() {
            open_existing(directory, &schema)
        } else {
            Err(RebuildReason::Missing)
        };
        let (index, writer, reader, rebuild) = match existing {
            Ok((index, writer, reader)) => {
                remove_orphan_files(&writer);
                (index, writer, reader, None)
            }
            Err(reason) => {
                clear_directory(directory)?;
                let mmap = MmapDirectory::open(directory)
                    .with_context(|| format!("failed to open {}", directory.display()))?;
                let index = Index::create(mmap, schema, index_settings())
                    .context("failed to create the search index")?;
                let (writer, reader) =
                    open_writer_and_reader(&index).map_err(|error| anyhow::anyhow!("{error}"))?;
                (index, writer, reader, Some(reason))
            }
        };
        let visible_position =
            AtomicI64::new(read_payload(&index).map_or(0, |payload| payload.outbox_position));
        Ok((
            SearchIndex {
                _directory_lock: lock,
                directory: directory.to_owned(),
                replica_id,
                visible_position,
                database_id: Mutex::new(None),
                index,
                reader,
                writer: Mutex::new(writer),
                fields,
                corpus_tables: Mutex::new(None),
                semantic_model: std::sync::RwLock::new(None),
                semantic_training: std::sync::atomic::AtomicBool::new(false),
            },
            rebuild,
        ))
    }

    /// Where the index lives.
    pub fn directory(&self) -> &Path {
        &self.directory
    }

    /// This replica's id, stored in the index directory.
    pub fn replica_id(&self) -> Uuid {
        self.replica_id
    }

    /// The field handles.
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// A searcher on the last reloaded commit; one per request.
    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// The corpus statistics of `searcher`'s generation: built once, then
    /// shared by every request on that generation.
    pub fn corpus_tables(&self, searcher: &Searcher) -> anyhow::Result<Arc<CorpusTables>> {
        let generation = searcher.generation().generation_id();
        let mut cached = self
            .corpus_tables
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(tables) = cached
            .as_ref()
            .filter(|tables| tables.generation() == generation)
        {
            return Ok(tables.clone());
        }
        let tables = Arc::new(CorpusTables::build(searcher, &self.fields)?);
        // A request on an older searcher must not evict the newer tables.
        if cached
            .as_ref()
            .is_none_or(|newest| newest.generation() < generation)
        {
            *cached = Some(tables.clone());
        }
        Ok(tables)
    }

    /// The semantic model, when one has been trained.
    pub fn semantic_model(&self) -> Option<Arc<SemanticModel>> {
        self.semantic_model
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Trains the semantic model on every document searchers now see and
    /// puts it in use; below [`MIN_DOCUMENTS`] the model is dropped. Returns
    /// how many documents it learnt from (0 for no model).
    pub fn train_semantic_model(&self) -> anyhow::Result<usize> {
        let searcher = self.searcher();
        let mut corpus = TrainingCorpus::default();
        for segment in searcher.segment_readers() {
            let store = segment.get_store_reader(64)?;
            for doc_id in segment.doc_ids_alive() {
                let document: TantivyDocument = store.get(doc_id)?;
                let Some(stored) = document
                    .get_first(self.fields.vector)
                    .and_then(|value| tantivy::schema::Value::as_str(&value))
                else {
                    continue;
                };
                // The content orders the documents for training, so that
                // one corpus always trains one model, whatever its ids and
                // however its segments happen to be laid out.
                let mut hasher = rustc_hash::FxHasher::default();
                std::hash::Hash::hash(stored, &mut hasher);
                corpus.add(
                    &TermsView::parse(None, stored),
                    std::hash::Hasher::finish(&hasher),
                );
            }
        }
        let model = SemanticModel::train(corpus).map(Arc::new);
        let learnt = model.as_ref().map_or(0, |model| model.documents());
        *self
            .semantic_model
            .write()
            .unwrap_or_else(PoisonError::into_inner) = model;
        Ok(learnt)
    }

    /// Retrains the semantic model in a background thread when there is
    /// none yet (and enough documents for one) or the number of documents
    /// has changed by a tenth since it was trained. Requests meanwhile use
    /// the model they find: a text's place in the space changes little as
    /// the corpus grows, and training a large corpus takes seconds.
    pub fn refresh_semantic_model(self: &Arc<Self>) {
        let now = self.searcher().num_docs() as usize;
        let trained = self.semantic_model().map(|model| model.documents());
        let stale = match trained {
            None => now >= MIN_DOCUMENTS,
            Some(trained) => now.abs_diff(trained) * 10 >= trained,
        };
        if !stale
            || self
                .semantic_training
                .swap(true, std::sync::atomic::Ordering::SeqCst)
        {
            return;
        }
        let index = Arc::clone(self);
        std::thread::spawn(move || {
            let started = std::time::Instant::now();
            match index.train_semantic_model() {
                Ok(documents) => tracing::info!(
                    documents,
                    seconds = started.elapsed().as_secs_f32(),
                    "semantic model trained"
                ),
                Err(error) => tracing::warn!(
                    error = %format!("{error:#}"),
                    "failed to train the semantic model"
                ),
            }
            index
                .semantic_training
                .store(false, std::sync::atomic::Ordering::SeqCst);
        });
    }

    /// Waits, up to `limit`, until no training runs and a model is in use
    /// (or there are too few documents for one); returns how many documents
    /// the model learnt from (0 for none).
    pub fn wait_for_semantic_model(&self, limit: std::time::Duration) -> usize {
        let deadline = std::time::Instant::now() + limit;
        loop {
            let training = self
                .semantic_training
                .load(std::sync::atomic::Ordering::SeqCst);
            let model = self.semantic_model();
            let settled = !training
                && (model.is_some() || (self.searcher().num_docs() as usize) < MIN_DOCUMENTS);
            if settled || std::time::Instant::now() >= deadline {
                return model.map_or(0, |model| model.documents());
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// Ties the index to the database `id`: later commits record it.
    pub fn follow_database(&self, id: String) {
        *self
            .database_id
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(id);
    }

    /// The database of the last commit, if recorded.
    pub fn committed_database(&self) -> Option<String> {
        read_payload(&self.index).and_then(|payload| payload.database_id)
    }

    /// The outbox position that searches already see.
    pub fn visible_position(&self) -> i64 {
        self.visible_position.load(Ordering::SeqCst)
    }

    /// The outbox position of the last commit, if any.
    pub fn committed_position(&self) -> Option<i64> {
        read_payload(&self.index).map(|payload| payload.outbox_position)
    }

    fn writer(&self) -> std::sync::MutexGuard<'_, IndexWriter<TantivyDocument>> {
        // A panic while holding the writer leaves uncommitted changes at
        // worst; the next commit or a rebuild makes the index whole again.
        self.writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Replaces (or removes, with `None`) the document of `id`.
    pub fn replace(&self, id: Uuid, document: Option<TantivyDocument>) -> anyhow::Result<()> {
        let writer = self.writer();
        writer.delete_term(Term::from_field_text(self.fields.id, &id.to_string()));
        if let Some(document) = document {
            writer.add_document(document)?;
        }
        Ok(())
    }

    /// Adds a document that the index does not hold (a rebuild after
    /// [`Self::clear`]): no delete to queue and apply at the commit.
    pub fn add(&self, document: TantivyDocument) -> anyhow::Result<()> {
        self.writer().add_document(document)?;
        Ok(())
    }

    /// Removes every document (before a rebuild).
    pub fn clear(&self) -> anyhow::Result<()> {
        self.writer().delete_all_documents()?;
        Ok(())
    }

    /// Commits what was written as reflecting the outbox up to `position`,
    /// then makes it visible to searchers.
    pub fn commit(&self, position: i64) -> anyhow::Result<()> {
        let database_id = self
            .database_id
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        let payload = serde_json::to_string(&CommitPayload {
            schema_version: SCHEMA_VERSION,
            outbox_position: position,
            database_id,
        })?;
        {
            let mut writer = self.writer();
            let mut prepared = writer
                .prepare_commit()
                .context("failed to prepare the index commit")?;
            prepared.set_payload(&payload);
            prepared.commit().context("failed to commit the index")?;
        }
        self.reader
            .reload()
            .context("failed to reload the index reader")?;
        // Built here rather than by the first request after the commit, so
        // that requests never wait for it.
        if let Err(error) = self.corpus_tables(&self.reader.searcher()) {
            tracing::warn!(error = %format!("{error:#}"), "failed to read corpus statistics");
        }
        self.visible_position.store(position, Ordering::SeqCst);
        Ok(())
    }

    /// Drops what was written since the last commit (a crash does the same).
    pub fn rollback(&self) -> anyhow::Result<()> {
        self.writer().rollback()?;
        Ok(())
    }
}

/// Opens an existing index with its writer and reader; any failure, down to
/// a missing segment file, is a reason to rebuild.
fn open_existing(
    directory: &Path,
    schema: &tantivy::schema::Schema,
) -> Result<(Index, IndexWriter<TantivyDocument>, IndexReader), RebuildReason> {
    let index =
        Index::open_in_dir(directory).map_err(|error| RebuildReason::Corrupt(error.to_string()))?;
    let version = read_payload(&index).map(|payload| payload.schema_version);
    if version != Some(SCHEMA_VERSION) || index.schema() != *schema {
        return Err(RebuildReason::OtherSchemaVersion(version));
    }
    let (writer, reader) = open_writer_and_reader(&index).map_err(RebuildReason::Corrupt)?;
    Ok((index, writer, reader))
}

/// Removes the files of segments that were written but never committed (a
/// reindex or a batch killed midway leaves them) before anything else is
/// written. Tantivy registers every file it creates, so it knows which ones
/// no commit uses. A failure only leaves the files for the next commit to
/// collect, as before.
fn remove_orphan_files(writer: &IndexWriter<TantivyDocument>) {
    match writer.garbage_collect_files().wait() {
        Ok(collected) if !collected.deleted_files.is_empty() => tracing::info!(
            files = collected.deleted_files.len(),
            "removed index files that an interrupted write left behind"
        ),
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "failed to remove orphan index files"),
    }
}

fn open_writer_and_reader(
    index: &Index,
) -> Result<(IndexWriter<TantivyDocument>, IndexReader), String> {
    register_analyzers(index);
    let writer = index
        .writer_with_num_threads(1, WRITER_HEAP_BYTES)
        .map_err(|error| format!("failed to open the index writer: {error}"))?;
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map_err(|error| format!("failed to open the index reader: {error}"))?;
    Ok((writer, reader))
}

fn read_payload(index: &Index) -> Option<CommitPayload> {
    let metas = index.load_metas().ok()?;
    serde_json::from_str(metas.payload.as_deref()?).ok()
}

/// Empties the index directory, keeping the directory itself (and a
/// `.gitkeep`, so that the default `index/` stays in the repository).
fn clear_directory(directory: &Path) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(directory)? {
        let path = entry?.path();
        let keep = path
            .file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| {
                name == ".gitkeep" || name == REPLICA_ID_FILE || name.ends_with(".lock")
            });
        if keep {
            continue;
        }
        if path.is_dir() {
            std::fs::remove_dir_all(&path)?;
        } else {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

/// The replica id stored in `directory`, made (a random UUID) when there is
/// none or it cannot be read. A copied directory shares its original's id;
/// that only makes retention keep less for one of them, which then rebuilds
/// (see docs/decisions.md).
fn read_or_make_replica_id(directory: &Path) -> anyhow::Result<Uuid> {
    let path = directory.join(REPLICA_ID_FILE);
    if let Some(id) = std::fs::read_to_string(&path)
        .ok()
        .and_then(|text| text.trim().parse().ok())
    {
        return Ok(id);
    }
    let id = Uuid::new_v4();
    std::fs::write(&path, format!("{id}\n"))
        .with_context(|| format!("failed to write {}", path.display()))?;
    Ok(id)
}
