//! The search outbox without a global lock, and bounded: concurrent writers
//! never have a change passed over, even one that commits after a later
//! one; retention deletes only what every live replica has passed; a
//! replica left behind the retained range rebuilds and finds everything.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use defmatch::db::outbox::{self, SearchEntity};
use defmatch::db::search_replicas::{self, apply_retention, RetentionPass};
use defmatch::search::engine::SearchEngine;
use defmatch::search::index::SearchIndex;
use defmatch::search::indexer::catch_up;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Uuid as SqlUuid};
use diesel::PgConnection;
use uuid::Uuid;

use crate::helpers::{TempDirectory, TestDatabase};
use crate::indexing::{built_index, defence_organisation, found, insert_open_challenge};

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// Records one change in a transaction of its own; returns its position.
fn change(connection: &mut PgConnection) -> i64 {
    connection
        .transaction::<_, diesel::result::Error, _>(|connection| {
            outbox::record_change(connection, SearchEntity::Challenge, Uuid::new_v4())
        })
        .expect("record a change");
    outbox::last_position(connection).expect("position")
}

/// Makes every outbox row at or below `position` two days old.
fn age_rows_through(connection: &mut PgConnection, position: i64) {
    diesel::sql_query(
        "UPDATE search_outbox SET created_at = now() - interval '2 days' WHERE transaction_id <= $1",
    )
    .bind::<BigInt, _>(position)
    .execute(connection)
    .expect("age outbox rows");
}

/// A replica at `position`, last seen `seen_ago` ago.
fn replica_at(connection: &mut PgConnection, position: i64, seen_ago: Duration) -> Uuid {
    let id = Uuid::new_v4();
    search_replicas::record_position(connection, id, "/elsewhere/index", position)
        .expect("record replica");
    diesel::sql_query(
        "UPDATE search_replicas SET last_seen = now() - make_interval(secs => $2) WHERE id = $1",
    )
    .bind::<SqlUuid, _>(id)
    .bind::<diesel::sql_types::Double, _>(seen_ago.as_secs_f64())
    .execute(connection)
    .expect("set last seen");
    id
}

fn positions(connection: &mut PgConnection) -> Vec<i64> {
    use defmatch::db::schema::search_outbox;
    search_outbox::table
        .select(search_outbox::transaction_id)
        .order(search_outbox::transaction_id)
        .load(connection)
        .expect("outbox positions")
}

/// The changes a follower reads from the start, once it reads any: a
/// transaction of another test that the horizon cannot place (it ended
/// unseen) holds the horizon back for a moment, as it would hold a follower.
/// A transaction that really holds it keeps the read empty to the end.
fn changes_once_settled(connection: &mut PgConnection) -> Vec<Uuid> {
    let mut read = Vec::new();
    for _ in 0..300 {
        read = outbox::changes_after(connection, 0, 100).expect("read");
        if !read.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    read.into_iter().map(|change| change.entity_id).collect()
}

// ------------------------------------------------------------ ordering

#[test]
fn a_change_that_commits_after_a_later_one_is_not_passed_over() {
    let database = TestDatabase::create();
    let mut early = database.connect();
    let mut late = database.connect();
    let mut reader = database.connect();

    diesel::sql_query("BEGIN")
        .execute(&mut early)
        .expect("begin");
    let slow = Uuid::new_v4();
    outbox::record_change(&mut early, SearchEntity::Challenge, slow).expect("slow change");
    let quick = Uuid::new_v4();
    late.transaction::<_, diesel::result::Error, _>(|connection| {
        outbox::record_change(connection, SearchEntity::Startup, quick)
    })
    .expect("quick change");

    // The later transaction has committed, the earlier one not yet: a
    // reader that took the later one now would move past the earlier one.
    assert_eq!(
        outbox::changes_after(&mut reader, 0, 100).expect("read"),
        Vec::new(),
        "nothing is read past a transaction of this database that may still commit"
    );

    diesel::sql_query("COMMIT")
        .execute(&mut early)
        .expect("commit");
    let read = changes_once_settled(&mut reader);
    assert_eq!(read, vec![slow, quick], "both, in transaction order");
}

#[test]
fn a_long_transaction_in_another_database_does_not_hold_the_outbox_back() {
    let database = TestDatabase::create();
    let other = TestDatabase::create();
    let mut elsewhere = other.connect();
    diesel::sql_query("BEGIN")
        .execute(&mut elsewhere)
        .expect("begin");
    outbox::record_change(&mut elsewhere, SearchEntity::Challenge, Uuid::new_v4())
        .expect("a write in the other database");

    let mut connection = database.connect();
    let id = Uuid::new_v4();
    connection
        .transaction::<_, diesel::result::Error, _>(|connection| {
            outbox::record_change(connection, SearchEntity::Challenge, id)
        })
        .expect("change");
    let read = changes_once_settled(&mut connection);
    assert_eq!(read, vec![id]);
    diesel::sql_query("ROLLBACK")
        .execute(&mut elsewhere)
        .expect("rollback");
}

/// Eight writers commit changes in random order (each holds its
/// transaction open a random moment after taking its row id, and a tenth
/// roll back) while a follower reads and advances as fast as it can. The
/// follower must end with exactly the committed changes.
#[test]
fn concurrent_writers_never_have_a_change_skipped() {
    const WRITERS: usize = 8;
    const CHANGES_PER_WRITER: usize = 60;
    let database = TestDatabase::create();
    let committed = Mutex::new(Vec::<(i64, usize, Uuid)>::new());
    let commit_order = AtomicUsize::new(0);
    let writers_done = AtomicUsize::new(0);
    let mut read = BTreeSet::new();
    let mut duplicates = 0;
    std::thread::scope(|scope| {
        for writer in 0..WRITERS {
            let (committed, commit_order, writers_done, url) = (
                &committed,
                &commit_order,
                &writers_done,
                database.url.clone(),
            );
            scope.spawn(move || {
                let mut connection = PgConnection::establish(&url).expect("connect");
                let mut state = 0x9E37_79B9_7F4A_7C15_u64 ^ (writer as u64 + 1);
                for _ in 0..CHANGES_PER_WRITER {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    let id = Uuid::new_v4();
                    let roll_back = state % 10 == 0;
                    let outcome =
                        connection.transaction::<i64, diesel::result::Error, _>(|connection| {
                            outbox::record_change(connection, SearchEntity::Challenge, id)?;
                            let row_id: i64 = diesel::select(diesel::dsl::sql::<BigInt>(
                                "currval('search_outbox_id_seq')",
                            ))
                            .get_result(connection)?;
                            std::thread::sleep(Duration::from_micros(state % 4000));
                            if roll_back {
                                return Err(diesel::result::Error::RollbackTransaction);
                            }
                            Ok(row_id)
                        });
                    if let Ok(row_id) = outcome {
                        let order = commit_order.fetch_add(1, Ordering::SeqCst);
                        committed.lock().unwrap().push((row_id, order, id));
                    }
                }
                writers_done.fetch_add(1, Ordering::SeqCst);
            });
        }
        let mut connection = database.connect();
        let mut position = 0;
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let finished = writers_done.load(Ordering::SeqCst) == WRITERS;
            let changes = outbox::changes_after(&mut connection, position, 7).expect("read");
            for change in &changes {
                duplicates += usize::from(!read.insert(change.entity_id));
            }
            match changes.last() {
                Some(last) => position = last.position,
                // Empty can also mean a moment's held horizon, so the end
                // is when the last change was read.
                None if finished
                    && position >= outbox::last_position(&mut connection).expect("last") =>
                {
                    break
                }
                None => std::thread::sleep(Duration::from_micros(300)),
            }
            assert!(Instant::now() < deadline, "the follower never caught up");
        }
    });
    let committed = committed.into_inner().unwrap();
    // The case that matters happened: a row id committed after a higher one.
    let out_of_order = committed
        .iter()
        .filter(|(row_id, order, _)| {
            committed
                .iter()
                .any(|(other_id, other_order, _)| other_id > row_id && other_order < order)
        })
        .count();
    assert!(out_of_order > 0, "the writers never committed out of order");
    let expected: BTreeSet<Uuid> = committed.iter().map(|(_, _, id)| *id).collect();
    assert!(
        expected.len() < WRITERS * CHANGES_PER_WRITER,
        "some rolled back"
    );
    assert_eq!(duplicates, 0, "no change read twice");
    let missed = expected.difference(&read).count();
    let extra = read.difference(&expected).count();
    assert_eq!(
        (missed, extra),
        (0, 0),
        "the follower read every committed change and nothing rolled back ({out_of_order} committed out of order)"
    );
}

// ----------------------------------------------------------- retention

#[test]
fn retention_deletes_only_rows_every_live_replica_has_passed_and_older_than_the_period() {
    let database = TestDatabase::create();
    let mut connection = database.connect();
    let first = change(&mut connection);
    let second = change(&mut connection);
    let third = change(&mut connection);
    age_rows_through(&mut connection, third);
    let fourth = change(&mut connection); // young
    let ahead = replica_at(&mut connection, fourth, Duration::from_secs(5));
    let behind = replica_at(&mut connection, second, Duration::from_secs(5));
    // Silent for longer than the period: no longer holds rows back.
    replica_at(&mut connection, 0, 2 * DAY);

    let pass = apply_retention(&mut connection, DAY).expect("retention");

    assert_eq!(
        pass,
        RetentionPass {
            deleted: 2,
            deleted_through: second,
            remaining: 2
        }
    );
    assert_eq!(positions(&mut connection), vec![third, fourth]);
    assert!(first < second);

    // Once the slow replica passes the third change, it goes; the fourth
    // is younger than the period and stays, though every replica passed it.
    search_replicas::record_position(&mut connection, behind, "/elsewhere/index", fourth)
        .expect("advance");
    let pass = apply_retention(&mut connection, DAY).expect("retention");
    assert_eq!((pass.deleted, pass.deleted_through), (1, third));
    assert_eq!(positions(&mut connection), vec![fourth]);
    let _ = ahead;

    // With no live replica at all, nothing is deleted.
    age_rows_through(&mut connection, fourth);
    diesel::sql_query("UPDATE search_replicas SET last_seen = now() - interval '3 days'")
        .execute(&mut connection)
        .expect("silence replicas");
    assert_eq!(
        apply_retention(&mut connection, DAY)
            .expect("retention")
            .deleted,
        0
    );
    assert_eq!(positions(&mut connection), vec![fourth]);
}

/// A replica whose index stopped at one position, while another live
/// replica went on and retention deleted everything after the first's
/// position: the changes it would need are gone.
fn left_behind(connection: &mut PgConnection, directory: &TempDirectory) -> (Uuid, Uuid) {
    let organisation = defence_organisation(connection);
    let before = insert_open_challenge(connection, organisation, "Quokkatron");
    drop(built_index(&directory.path, connection));
    let after = insert_open_challenge(connection, organisation, "Wombatscope");
    let latest = outbox::last_position(connection).expect("position");
    age_rows_through(connection, latest);
    diesel::sql_query("UPDATE search_replicas SET last_seen = now() - interval '2 days'")
        .execute(connection)
        .expect("the replica went silent");
    replica_at(connection, latest, Duration::ZERO);
    let pass = apply_retention(connection, DAY).expect("retention");
    assert_eq!(pass.remaining, 0, "every change was deleted");
    (before, after)
}

#[test]
fn a_replica_that_returns_behind_the_retained_outbox_rebuilds_and_finds_everything() {
    let database = TestDatabase::create();
    let directory = TempDirectory::new("defmatch-behind-index");
    let mut connection = database.connect();
    let (before, after) = left_behind(&mut connection, &directory);

    let pool = defmatch::db::build_pool(&database.url, 2);
    let mut search = defmatch::server::start_search(&directory.path, &pool).expect("start");
    search.stop();

    assert_eq!(found(&search.engine, "quokkatron"), vec![before]);
    assert_eq!(found(&search.engine, "wombatscope"), vec![after]);
    let deleted_through = search_replicas::deleted_through(&mut connection).expect("mark");
    assert!(search.engine.index().committed_position() >= Some(deleted_through));
}

#[test]
fn a_running_follower_left_behind_by_retention_rebuilds_instead_of_skipping() {
    let database = TestDatabase::create();
    let directory = TempDirectory::new("defmatch-behind-index");
    let mut connection = database.connect();
    let (before, after) = left_behind(&mut connection, &directory);
    let (index, reason) = SearchIndex::open(&directory.path).expect("reopen");
    assert_eq!(reason, None);
    let engine = SearchEngine::new(std::sync::Arc::new(index));
    assert_eq!(found(&engine, "wombatscope"), Vec::<Uuid>::new());

    catch_up(engine.index(), &mut connection).expect("catch up");

    assert_eq!(found(&engine, "quokkatron"), vec![before]);
    assert_eq!(found(&engine, "wombatscope"), vec![after]);
    // Its position is on record again, so retention keeps what it needs.
    let recorded: i64 = defmatch::db::schema::search_replicas::table
        .find(engine.index().replica_id())
        .select(defmatch::db::schema::search_replicas::position)
        .first(&mut connection)
        .expect("the replica is on record");
    assert_eq!(Some(recorded), engine.index().committed_position());
}
