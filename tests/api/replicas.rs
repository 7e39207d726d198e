//! Replicas on one database: they start at the same moment on a new, empty
//! database, as a fresh two-replica site does, and one stops while the
//! others go on writing (scripts/production-drill.sh, scenarios 1 and 2).

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use defmatch::db::outbox::{self, SearchEntity};
use defmatch::search::index::SearchIndex;
use defmatch::search::indexer::{catch_up_to, spawn_follower, StopSignal};
use diesel::{Connection, RunQueryDsl};
use uuid::Uuid;

use crate::helpers::{TempDirectory, TestDatabase};

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    count: i64,
}

fn count(database: &TestDatabase, query: &str) -> i64 {
    diesel::sql_query(query)
        .get_result::<Count>(&mut database.connect())
        .expect("count")
        .count
}

#[test]
fn replicas_starting_together_migrate_once_and_seed_the_demo_once() {
    const REPLICAS: usize = 4;
    let database = TestDatabase::create_empty();
    let start = Arc::new(Barrier::new(REPLICAS));
    let replicas: Vec<_> = (0..REPLICAS)
        .map(|_| {
            let url = database.url.clone();
            let start = start.clone();
            std::thread::spawn(move || {
                start.wait();
                // what `defmatch serve --demo` does before it listens
                let applied = defmatch::server::migrate_with_retry(&url)?;
                let pool = defmatch::db::build_pool(&url, 2);
                defmatch::server::seed_demo_if_empty(&pool, "127.0.0.1:8080")?;
                anyhow::Ok(applied.len())
            })
        })
        .collect();
    let applied: Vec<usize> = replicas
        .into_iter()
        .map(|replica| {
            replica
                .join()
                .expect("no panic")
                .expect("every replica starts")
        })
        .collect();

    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .expect("migrations directory")
        .count();
    assert_eq!(
        applied.iter().filter(|&&count| count > 0).count(),
        1,
        "exactly one replica migrates: {applied:?}"
    );
    assert_eq!(applied.iter().sum::<usize>(), migrations);
    assert_eq!(
        count(
            &database,
            "SELECT count(*) AS count FROM __diesel_schema_migrations"
        ),
        migrations as i64
    );
    assert_eq!(
        count(
            &database,
            "SELECT count(*) AS count FROM users WHERE email = 'admin@defmatch.example'"
        ),
        1,
        "the demo is seeded once"
    );
    assert_eq!(
        count(
            &database,
            "SELECT count(*) AS count FROM (SELECT title FROM challenges GROUP BY title HAVING count(*) > 1) duplicated"
        ),
        0
    );
}

/// Writes `changes` outbox entries for records that no longer exist (each one
/// only a delete to apply), in transactions of 100 as writers would; returns
/// the last position. A batch of the follower ends only between transactions.
fn write_backlog(database: &TestDatabase, changes: usize) -> i64 {
    let mut connection = database.connect();
    for chunk in 0..changes.div_ceil(100) {
        let in_chunk = (changes - chunk * 100).min(100);
        connection
            .transaction::<_, diesel::result::Error, _>(|connection| {
                for _ in 0..in_chunk {
                    outbox::record_change(connection, SearchEntity::Challenge, Uuid::new_v4())?;
                }
                Ok(())
            })
            .expect("write a backlog");
    }
    outbox::last_position(&mut connection).expect("last position")
}

/// An empty index in a temporary directory, following `database`.
fn empty_index(database: &TestDatabase) -> (SearchIndex, TempDirectory) {
    let directory = TempDirectory::new("defmatch-replica-index");
    let (index, _) = SearchIndex::open(&directory.path).expect("open index");
    index.follow_database(outbox::database_identity(&mut database.connect()).expect("identity"));
    (index, directory)
}

/// A starting replica catches up to the outbox as it stood when it started;
/// what others write meanwhile is left to its follower, or the start would
/// last as long as their writes go on.
#[test]
fn a_starting_replica_catches_up_to_the_position_it_read_and_no_further() {
    let database = TestDatabase::create();
    let at_start = write_backlog(&database, 700);
    let written_since = write_backlog(&database, 2000);
    let (index, _directory) = empty_index(&database);

    let batches = catch_up_to(&index, &mut database.connect(), at_start).expect("catch up");

    let reached = index.committed_position().expect("a commit");
    // 700 changes are two batches of 500, or more when a transaction of
    // another test held the horizon back for a moment.
    assert!(batches >= 2, "{batches} batches for 700 changes");
    assert!(
        (at_start..written_since).contains(&reached),
        "caught up to {reached}; at the start the outbox stood at {at_start}, now at {written_since}"
    );
}

/// While the other replicas write, a stopping replica's index never quite
/// catches up; its follower must stop after the batch in hand, or the
/// replica's shutdown lasts as long as the others' writes.
#[test]
fn a_stopping_follower_ends_after_the_batch_in_hand_while_writes_go_on() {
    let database = TestDatabase::create();
    let last = write_backlog(&database, 3000); // six batches of the follower
    let (index, _directory) = empty_index(&database);
    let index = Arc::new(index);
    let stop = StopSignal::default();
    let follower = spawn_follower(
        index.clone(),
        defmatch::db::build_pool(&database.url, 2),
        Duration::from_millis(100),
        defmatch::search::indexer::DEFAULT_OUTBOX_RETENTION,
        stop.clone(),
    );

    let deadline = Instant::now() + Duration::from_secs(60);
    while index.committed_position().unwrap_or(0) == 0 {
        assert!(Instant::now() < deadline, "the follower committed nothing");
        std::thread::sleep(Duration::from_millis(1));
    }
    stop.stop();
    follower.join().expect("the follower ends");

    let reached = index.committed_position().expect("a commit");
    assert!(
        reached < last,
        "asked to stop after its first batch, the follower went on to position {reached} of {last}"
    );
}
