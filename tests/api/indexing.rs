//! The search index follows PostgreSQL through the search outbox: what is
//! written is found, a crash between the database commit and the index
//! commit is repaired on the next start, an index of another shape is
//! rebuilt, and servers sharing a database converge.

use std::path::Path;
use std::sync::Arc;

use defmatch::db::challenges::{self, ChallengeOrigin};
use defmatch::db::organisations::{self, NewOrganisation};
use defmatch::db::outbox;
use defmatch::db::schema::search_outbox;
use defmatch::domain::account::{OrganisationKind, Role};
use defmatch::domain::challenge::{ChallengeInput, ChallengeStatus};
use defmatch::domain::policy::{Member, Viewer};
use defmatch::search::engine::SearchEngine;
use defmatch::search::filters::ChallengeFilters;
use defmatch::search::index::{CommitPayload, RebuildReason, SearchIndex};
use defmatch::search::indexer::{catch_up_to, rebuild, stage_next_batch, Staged};
use defmatch::search::query::parse_query;
use defmatch::search::schema::SCHEMA_VERSION;
use defmatch::search::text_search::{HitPage, SearchSort};
use diesel::prelude::*;
use diesel::PgConnection;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{
    challenge_body, merge, spawn_app, spawn_app_with, Options, TempDirectory, TestApp, TestDatabase,
};

const DMO: &str = "Defensie Materieel en IT";

// ------------------------------------------------------------- helpers

/// A challenge body whose title carries `word`, a word no other text has.
fn challenge_about(word: &str) -> Value {
    merge(
        challenge_body(&format!("{word} for perimeter security")),
        json!({"keywords": ["perimeter"]}),
    )
}

/// Rows in the search outbox.
fn outbox_rows(connection: &mut PgConnection) -> i64 {
    search_outbox::table
        .count()
        .get_result(connection)
        .expect("count outbox rows")
}

/// The ids of the challenges found for `q` and the total the index counts.
async fn search_challenges(app: &TestApp, token: Option<&str>, q: &str) -> (Vec<Uuid>, i64) {
    let reply = app
        .get(&format!("/api/v1/search/challenges?q={q}"), token)
        .await
        .expect(200);
    let ids = reply.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|hit| {
            hit["challenge"]["id"]
                .as_str()
                .expect("challenge id")
                .parse()
                .expect("uuid")
        })
        .collect();
    (ids, reply.body["total"].as_i64().expect("total"))
}

/// Searches until the index counts `total` hits, a bounded number of
/// times, and returns the last answer. `wait_for_index` sees a commit in
/// `meta.json` a moment before the index reader has reloaded it.
async fn search_settled(
    app: &TestApp,
    token: Option<&str>,
    q: &str,
    total: i64,
) -> (Vec<Uuid>, i64) {
    app.wait_for_index().await;
    let mut answer = search_challenges(app, token, q).await;
    for _ in 0..100 {
        if answer.1 == total {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
        answer = search_challenges(app, token, q).await;
    }
    answer
}

/// A fresh access token of an existing account on `app` (every test
/// server signs tokens with a secret of its own).
async fn token_on(app: &TestApp, email: &str) -> String {
    app.log_in(email).await.expect(200).body["access_token"]
        .as_str()
        .expect("access token")
        .to_owned()
}

/// Someone who may see every challenge, drafts included.
fn admin() -> Viewer {
    Viewer::Member(Member {
        user_id: Uuid::new_v4(),
        role: Role::Admin,
        organisation_id: None,
        vetted: true,
        email_verified: true,
        rom: None,
    })
}

/// The challenges an admin finds for `q` straight in the engine.
pub(crate) fn found(engine: &SearchEngine, q: &str) -> Vec<Uuid> {
    engine
        .search_challenges(
            &admin().challenge_scope(),
            &ChallengeFilters::default(),
            &parse_query(q).expect("query parses"),
            HitPage {
                sort: SearchSort::Relevance,
                offset: 0,
                limit: 10,
            },
        )
        .expect("search runs")
        .hits
        .into_iter()
        .map(|(id, _)| id)
        .collect()
}

/// A defence organisation, straight in the database.
pub(crate) fn defence_organisation(connection: &mut PgConnection) -> Uuid {
    organisations::insert(
        connection,
        &NewOrganisation {
            kind: OrganisationKind::Defence,
            name: DMO,
            rom: None,
        },
    )
    .expect("insert organisation")
    .id
}

/// An open challenge about `word`, written through the database layer as
/// the API would write it (row and outbox change in one transaction).
pub(crate) fn insert_open_challenge(
    connection: &mut PgConnection,
    organisation_id: Uuid,
    word: &str,
) -> Uuid {
    let input: ChallengeInput =
        serde_json::from_value(challenge_about(word)).expect("challenge input");
    let content = input.validate().expect("valid challenge");
    let origin = ChallengeOrigin {
        organisation_id,
        created_by: None,
        external_id: None,
        status: ChallengeStatus::Open,
    };
    challenges::insert(connection, &origin, &content)
        .expect("insert challenge")
        .id
}

/// A search index over `database`, rebuilt from it, in `directory`, and up
/// to date with every change written before: a transaction of another test
/// that the horizon cannot place (it ended unseen) can hold the rebuild back
/// for a moment, and the catch-up waits it out.
pub(crate) fn built_index(directory: &Path, connection: &mut PgConnection) -> SearchIndex {
    let (index, _) = SearchIndex::open(directory).expect("open index");
    rebuild(&index, connection, &|_, _| {}).expect("rebuild");
    caught_up(&index, connection);
    index
}

/// Applies every change written before, waiting out a held horizon.
pub(crate) fn caught_up(index: &SearchIndex, connection: &mut PgConnection) -> usize {
    let last = outbox::last_position(connection).expect("last position");
    catch_up_to(index, connection, last).expect("catch up")
}

/// Stages the next batch, waiting out a held horizon as the follower would.
fn staged_batch(index: &SearchIndex, connection: &mut PgConnection) -> i64 {
    for _ in 0..500 {
        match stage_next_batch(index, connection).expect("stage") {
            Staged::Batch(position) => return position,
            Staged::UpToDate => std::thread::sleep(std::time::Duration::from_millis(10)),
            Staged::BehindRetention { .. } => panic!("the index is behind retention"),
        }
    }
    panic!("no change to stage");
}

/// Rewrites the payload of the last commit in `directory` with tantivy
/// itself, as another build of defmatch would have left it.
fn rewrite_commit_payload(directory: &Path, payload: &str) {
    let index = tantivy::Index::open_in_dir(directory).expect("tantivy opens the index");
    let mut writer: tantivy::IndexWriter = index
        .writer_with_num_threads(1, 50_000_000)
        .expect("tantivy writer");
    let mut prepared = writer.prepare_commit().expect("prepare commit");
    prepared.set_payload(payload);
    prepared.commit().expect("commit");
    writer.wait_merging_threads().expect("writer stops");
}

/// Copies an index directory, without its lock files: what a restarted
/// server finds on disk after the last commit of the one before. The
/// server's writer may still be merging segments in the background, writing
/// new files and deleting old ones, so the copy is taken again until the
/// commit on disk is the same before and after it.
fn copy_index(from: &Path, to: &Path) {
    let commit = || std::fs::read(from.join("meta.json")).expect("read the commit");
    for _ in 0..100 {
        let before = commit();
        let copied = copy_files(from, to);
        if copied.is_ok() && commit() == before {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("the index kept changing while it was copied");
}

fn copy_files(from: &Path, to: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(from)? {
        let path = entry?.path();
        let name = path.file_name().expect("file name").to_owned();
        if path.is_file() && !name.to_string_lossy().ends_with(".lock") {
            std::fs::copy(&path, to.join(name))?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------- write, search

#[actix_web::test]
async fn a_challenge_written_through_the_api_is_found_once_the_outbox_is_applied() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    let outbox_before = outbox_rows(&mut app.database.connect());

    let id = app
        .challenge_in_status(&officer, challenge_about("Kestrelmesh"), "open")
        .await;

    assert!(
        outbox_rows(&mut app.database.connect()) > outbox_before,
        "every write that changes a searchable document appends to the outbox"
    );
    let (ids, total) = search_settled(&app, None, "kestrelmesh", 1).await;
    assert_eq!(ids, vec![id]);
    assert_eq!(total, 1);
}

#[actix_web::test]
async fn a_deleted_draft_disappears_from_the_index() {
    let app = spawn_app().await;
    let officer = app.procurement(DMO).await;
    let created = app
        .post(
            "/api/v1/challenges",
            officer.auth(),
            challenge_about("Marmotlattice"),
        )
        .await
        .expect(201);
    let id = created.id();
    let (ids, _) = search_settled(&app, officer.auth(), "marmotlattice", 1).await;
    assert_eq!(
        ids,
        vec![id],
        "an officer finds the drafts of their organisation"
    );

    app.delete(
        &format!("/api/v1/challenges/{id}"),
        officer.auth(),
        created.etag_version(),
    )
    .await
    .expect(204);

    let (ids, total) = search_settled(&app, officer.auth(), "marmotlattice", 0).await;
    assert_eq!(ids, Vec::<Uuid>::new());
    assert_eq!(total, 0, "the index itself no longer holds the draft");
}

// ------------------------------------------------------- crash, restart

#[test]
fn after_a_crash_between_the_database_commit_and_the_index_commit_the_next_start_catches_up() {
    let database = TestDatabase::create();
    let directory = TempDirectory::new("defmatch-crash-index");
    let mut connection = database.connect();
    let organisation = defence_organisation(&mut connection);
    let earlier = insert_open_challenge(&mut connection, organisation, "Quokkatron");

    let index = built_index(&directory.path, &mut connection);
    let committed = index.committed_position();
    assert_eq!(
        committed,
        Some(outbox::last_position(&mut connection).expect("position"))
    );
    let written = insert_open_challenge(&mut connection, organisation, "Wombatscope");
    let staged = staged_batch(&index, &mut connection);
    assert!(Some(staged) > committed);
    // The process dies here: documents written, index commit never made.
    drop(index);

    let (index, rebuild_reason) = SearchIndex::open(&directory.path).expect("reopen");
    assert_eq!(rebuild_reason, None, "an index that was committed is kept");
    assert_eq!(
        index.committed_position(),
        committed,
        "the stored position is that of the last commit"
    );
    let engine = SearchEngine::new(Arc::new(index));
    assert_eq!(found(&engine, "quokkatron"), vec![earlier]);
    assert_eq!(
        found(&engine, "wombatscope"),
        Vec::<Uuid>::new(),
        "what was never committed is gone"
    );

    let batches = caught_up(engine.index(), &mut connection);

    assert!(batches >= 1);
    assert_eq!(found(&engine, "wombatscope"), vec![written]);
    assert_eq!(
        engine.index().committed_position(),
        Some(outbox::last_position(&mut connection).expect("position"))
    );
}

/// A running test server keeps its index writer (and the directory's lock)
/// for as long as it serves, and the harness cannot stop its HTTP server;
/// so the restarted server gets a copy of the index directory as the first
/// left it at its last commit, which is exactly what a restart finds.
#[actix_web::test]
async fn a_server_started_on_an_index_behind_the_database_catches_up_from_its_stored_position() {
    let first_directory = TempDirectory::new("defmatch-first-index");
    let mut first = spawn_app_with(Options {
        index_dir: Some(first_directory.path.clone()),
        ..Options::default()
    })
    .await;
    let officer = first.procurement(DMO).await;
    let indexed = first
        .challenge_in_status(&officer, challenge_about("Kestrelmesh"), "open")
        .await;
    first.wait_for_index().await;
    first.search.stop();
    assert!(
        SearchIndex::open(&first.index_dir).is_err(),
        "a directory whose index a server is using cannot be opened a second time"
    );
    let second_directory = TempDirectory::new("defmatch-second-index");
    copy_index(&first.index_dir, &second_directory.path);
    let stored = first.search.engine.index().committed_position();

    let missed = first
        .challenge_in_status(&officer, challenge_about("Ocelotbeam"), "open")
        .await;
    let mut connection = first.database.connect();
    let last = outbox::last_position(&mut connection).expect("position");
    assert!(
        Some(last) > stored,
        "the database is ahead of the stored index"
    );
    {
        let (copy, rebuild_reason) = SearchIndex::open(&second_directory.path).expect("open copy");
        assert_eq!(
            rebuild_reason, None,
            "the copy is a valid index: no rebuild"
        );
        assert_eq!(copy.committed_position(), stored);
    }

    let second = spawn_app_with(Options {
        index_dir: Some(second_directory.path.clone()),
        shared_database_url: Some(first.database.url.clone()),
        ..Options::default()
    })
    .await;

    assert!(
        second.search.engine.index().committed_position() >= Some(last),
        "the start-up caught up before serving"
    );
    let (ids, _) = search_challenges(&second, None, "ocelotbeam").await;
    assert_eq!(ids, vec![missed]);
    let (ids, _) = search_challenges(&second, None, "kestrelmesh").await;
    assert_eq!(ids, vec![indexed]);
}

// ------------------------------------------------------------- rebuilds

#[test]
fn an_index_of_another_schema_version_is_replaced_by_an_empty_one() {
    let database = TestDatabase::create();
    let directory = TempDirectory::new("defmatch-versioned-index");
    let mut connection = database.connect();
    let organisation = defence_organisation(&mut connection);
    insert_open_challenge(&mut connection, organisation, "Quokkatron");
    drop(built_index(&directory.path, &mut connection));
    let other_version = SCHEMA_VERSION + 1;
    rewrite_commit_payload(
        &directory.path,
        &serde_json::to_string(&CommitPayload {
            schema_version: other_version,
            outbox_position: outbox::last_position(&mut connection).expect("position"),
            database_id: None,
        })
        .expect("payload"),
    );

    let (index, rebuild_reason) = SearchIndex::open(&directory.path).expect("open");

    assert_eq!(
        rebuild_reason,
        Some(RebuildReason::OtherSchemaVersion(Some(other_version)))
    );
    assert_eq!(index.committed_position(), None);
    assert_eq!(index.searcher().num_docs(), 0);
}

/// An index of another version that claims to be up to date, but holds
/// nothing: only a rebuild from the tables (not a catch-up from the
/// claimed position) finds the challenge.
#[test]
fn the_server_rebuilds_an_index_of_another_schema_version_from_the_database() {
    let database = TestDatabase::create();
    let directory = TempDirectory::new("defmatch-versioned-index");
    let mut connection = database.connect();
    drop(built_index(&directory.path, &mut connection));
    let organisation = defence_organisation(&mut connection);
    let id = insert_open_challenge(&mut connection, organisation, "Quokkatron");
    let last = outbox::last_position(&mut connection).expect("position");
    rewrite_commit_payload(
        &directory.path,
        &serde_json::to_string(&CommitPayload {
            schema_version: SCHEMA_VERSION + 1,
            outbox_position: last,
            database_id: None,
        })
        .expect("payload"),
    );

    let pool = defmatch::db::build_pool(&database.url, 2);
    let mut search = defmatch::server::start_search(&directory.path, &pool).expect("start search");
    search.stop();

    assert_eq!(found(&search.engine, "quokkatron"), vec![id]);
    assert_eq!(search.engine.index().committed_position(), Some(last));
}

#[test]
fn a_payload_that_is_not_defmatch_s_counts_as_another_schema_version() {
    let database = TestDatabase::create();
    let directory = TempDirectory::new("defmatch-versioned-index");
    drop(built_index(&directory.path, &mut database.connect()));
    rewrite_commit_payload(&directory.path, "written by something else");

    let (_, rebuild_reason) = SearchIndex::open(&directory.path).expect("open");

    assert_eq!(
        rebuild_reason,
        Some(RebuildReason::OtherSchemaVersion(None))
    );
}

/// An index whose `meta.json` is garbage, over a database with one challenge.
fn corrupt_index(database: &TestDatabase) -> (TempDirectory, Uuid) {
    let directory = TempDirectory::new("defmatch-corrupt-index");
    let mut connection = database.connect();
    let organisation = defence_organisation(&mut connection);
    let id = insert_open_challenge(&mut connection, organisation, "Quokkatron");
    drop(built_index(&directory.path, &mut connection));
    std::fs::write(directory.path.join("meta.json"), b"\x00\xffnot json{{").expect("garble");
    (directory, id)
}

#[test]
fn an_index_that_cannot_be_read_is_reported_as_corrupt_and_replaced() {
    let database = TestDatabase::create();
    let (directory, _) = corrupt_index(&database);

    let (index, rebuild_reason) = SearchIndex::open(&directory.path).expect("open");

    assert!(
        matches!(rebuild_reason, Some(RebuildReason::Corrupt(_))),
        "got {rebuild_reason:?}"
    );
    assert_eq!(index.searcher().num_docs(), 0);
}

#[test]
fn the_server_rebuilds_a_corrupt_index_from_the_database() {
    let database = TestDatabase::create();
    let (directory, id) = corrupt_index(&database);

    let pool = defmatch::db::build_pool(&database.url, 2);
    let mut search = defmatch::server::start_search(&directory.path, &pool).expect("start search");
    search.stop();

    assert_eq!(found(&search.engine, "quokkatron"), vec![id]);
}

/// A segment file gone (a partial copy, a full disk): `meta.json` reads
/// fine, but the index cannot be searched.
#[test]
fn the_server_rebuilds_an_index_that_lost_a_segment_file() {
    let database = TestDatabase::create();
    let directory = TempDirectory::new("defmatch-damaged-index");
    let mut connection = database.connect();
    let organisation = defence_organisation(&mut connection);
    let id = insert_open_challenge(&mut connection, organisation, "Quokkatron");
    drop(built_index(&directory.path, &mut connection));
    let segment_file = std::fs::read_dir(&directory.path)
        .expect("read index directory")
        .map(|entry| entry.expect("index entry").path())
        .find(|path| {
            path.extension()
                .is_some_and(|extension| extension == "store")
        })
        .expect("a segment store file");
    std::fs::remove_file(segment_file).expect("remove segment file");

    let pool = defmatch::db::build_pool(&database.url, 2);
    let mut search = defmatch::server::start_search(&directory.path, &pool)
        .expect("an unreadable index is rebuilt, not a reason to refuse to start");
    search.stop();

    assert_eq!(found(&search.engine, "quokkatron"), vec![id]);
}

#[test]
fn a_missing_index_directory_is_created_and_reported_as_missing() {
    let parent = TempDirectory::new("defmatch-missing-index");
    let directory = parent.path.join("not").join("there");

    let (index, rebuild_reason) = SearchIndex::open(&directory).expect("open");

    assert_eq!(rebuild_reason, Some(RebuildReason::Missing));
    assert!(directory.join("meta.json").exists());
    assert_eq!(index.committed_position(), None);
}

#[test]
fn an_index_directory_in_use_is_never_cleared_by_a_second_opener() {
    let database = TestDatabase::create();
    let directory = TempDirectory::new("defmatch-shared-index");
    let mut connection = database.connect();
    let organisation = defence_organisation(&mut connection);
    let id = insert_open_challenge(&mut connection, organisation, "Quokkatron");
    let in_use = SearchEngine::new(Arc::new(built_index(&directory.path, &mut connection)));
    // Another build of defmatch, with another schema version, starts on
    // the same directory (a rolling deploy on a shared volume).
    let meta = std::fs::read_to_string(directory.path.join("meta.json")).expect("meta.json");
    let current = format!("\\\"schema_version\\\":{SCHEMA_VERSION}");
    assert!(meta.contains(&current), "payload in meta.json: {meta}");
    let other = format!("\\\"schema_version\\\":{}", SCHEMA_VERSION + 1);
    std::fs::write(
        directory.path.join("meta.json"),
        meta.replace(&current, &other),
    )
    .expect("rewrite meta.json");

    let second = SearchIndex::open(&directory.path);

    assert!(
        second.is_err(),
        "the directory is locked by a running writer; opening must fail, not take it over"
    );
    drop(second);
    assert!(
        directory.path.join(".tantivy-writer.lock").exists(),
        "the running writer's lock file is still there"
    );
    assert_eq!(found(&in_use, "quokkatron"), vec![id]);
}

// ------------------------------------------------------ two servers

#[actix_web::test]
async fn two_servers_on_one_database_converge() {
    let a = spawn_app().await;
    let b = spawn_app_with(Options {
        shared_database_url: Some(a.database.url.clone()),
        ..Options::default()
    })
    .await;
    assert_ne!(a.index_dir, b.index_dir, "each server has its own index");
    let officer = a.procurement(DMO).await;

    let id = a
        .challenge_in_status(&officer, challenge_about("Platypusradar"), "open")
        .await;
    let (ids, _) = search_settled(&b, None, "platypusradar", 1).await;
    assert_eq!(ids, vec![id], "written through A, found on B");

    let token = token_on(&b, &officer.email).await;
    let version = b
        .get(&format!("/api/v1/challenges/{id}"), Some(&token))
        .await
        .expect(200)
        .etag_version();
    b.patch(
        &format!("/api/v1/challenges/{id}"),
        Some(&token),
        version,
        json!({"title": "Echidnaglass for perimeter security"}),
    )
    .await
    .expect(200);

    let (ids, _) = search_settled(&a, None, "echidnaglass", 1).await;
    assert_eq!(ids, vec![id], "edited through B, found on A");
    let (ids, total) = search_settled(&a, None, "platypusradar", 0).await;
    assert_eq!(ids, Vec::<Uuid>::new());
    assert_eq!(total, 0, "A's index no longer holds the old title");
}

/// Starts search on `directory`, waiting (bounded) for an earlier follower
/// thread to let go of the directory lock.
fn start_search_when_free(directory: &Path, database_url: &str) -> defmatch::server::RunningSearch {
    let pool = defmatch::db::build_pool(database_url, 2);
    for _ in 0..100 {
        match defmatch::server::start_search(directory, &pool) {
            Ok(search) => return search,
            Err(error) if format!("{error:#}").contains("in use") => {
                std::thread::sleep(std::time::Duration::from_millis(50))
            }
            Err(error) => panic!("start search: {error:#}"),
        }
    }
    panic!("the index directory stayed locked");
}

#[test]
fn an_index_built_from_another_database_is_rebuilt_not_trusted() {
    let first = TestDatabase::create();
    let second = TestDatabase::create();
    let directory = TempDirectory::new("defmatch-moved-index");
    let mut first_connection = first.connect();
    let organisation = defence_organisation(&mut first_connection);
    let only_in_first = insert_open_challenge(&mut first_connection, organisation, "Wombatron");
    {
        let mut search = start_search_when_free(&directory.path, &first.url);
        search.stop();
        assert_eq!(found(&search.engine, "wombatron"), vec![only_in_first]);
    }
    let mut second_connection = second.connect();
    let organisation = defence_organisation(&mut second_connection);
    let only_in_second = insert_open_challenge(&mut second_connection, organisation, "Kookaburra");

    let mut search = start_search_when_free(&directory.path, &second.url);
    search.stop();
    assert!(
        found(&search.engine, "wombatron").is_empty(),
        "nothing of the first database remains"
    );
    assert_eq!(found(&search.engine, "kookaburra"), vec![only_in_second]);
}
