//! Replicas that start at the same moment on a new, empty database, as a
//! fresh two-replica site does (scripts/production-drill.sh, scenario 2).

use std::sync::{Arc, Barrier};

use diesel::RunQueryDsl;

use crate::helpers::TestDatabase;

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
