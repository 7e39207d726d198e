//! "Who sees this challenge" is answered three times: by the domain check
//! (`Viewer::can_see_challenge`), by the SQL filter of `db::challenges::list`
//! and by the index filter of `search_challenges`, the last two built from
//! `Viewer::challenge_scope`. For random users and random challenges, the
//! three answers must be the same set.

use std::cell::RefCell;
use std::collections::BTreeSet;

use defmatch::db;
use defmatch::db::challenges::{ChallengeFilter, ChallengeOrigin};
use defmatch::domain::account::{OrganisationKind, Role};
use defmatch::domain::challenge::{ChallengeInput, ChallengeStatus};
use defmatch::domain::policy::{ChallengeExposure, Member, Viewer};
use defmatch::domain::region::Rom;
use defmatch::domain::security::Visibility;
use defmatch::search::filters::ChallengeFilters;
use defmatch::search::query::ParsedQuery;
use defmatch::search::text_search::{HitPage, SearchSort};
use diesel::Connection;
use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};
use uuid::Uuid;

use crate::helpers::{challenge_body, spawn_app, TestApp};

/// The organisations of one case: they own its challenges, and its users
/// belong to one of them or to none.
const ORGANISATIONS: usize = 3;
/// Challenges each case adds to the database.
const CHALLENGES: usize = 30;
/// Logged-in users of one case (an anonymous visitor is always added).
const USERS: usize = 8;

/// A user as the rules see them; the organisation is an index into the
/// organisations of the case.
#[derive(Debug, Clone)]
struct UserCase {
    role: Role,
    organisation: Option<usize>,
    vetted: bool,
    rom: Option<Rom>,
}

/// A challenge's facts that decide who sees it.
#[derive(Debug, Clone, Copy)]
struct ChallengeCase {
    status: ChallengeStatus,
    visibility: Visibility,
    owner: usize,
}

fn user_case() -> impl Strategy<Value = UserCase> {
    (
        prop::sample::select(Role::ALL),
        prop::option::of(0..ORGANISATIONS),
        any::<bool>(),
        prop::option::of(prop::sample::select(Rom::ALL)),
    )
        .prop_map(|(role, organisation, vetted, rom)| UserCase {
            role,
            organisation,
            vetted,
            rom,
        })
}

fn challenge_case() -> impl Strategy<Value = ChallengeCase> {
    (
        prop::sample::select(ChallengeStatus::ALL),
        prop::sample::select(Visibility::ALL),
        0..ORGANISATIONS,
    )
        .prop_map(|(status, visibility, owner)| ChallengeCase {
            status,
            visibility,
            owner,
        })
}

/// The challenges of `cases`, inserted as `db` inserts them (with their
/// outbox rows for the index), in one transaction; their ids and exposures.
fn insert_challenges(
    app: &TestApp,
    organisations: &[Uuid],
    cases: &[ChallengeCase],
) -> Vec<(Uuid, ChallengeExposure)> {
    let mut connection = app.database.connect();
    connection
        .transaction::<_, diesel::result::Error, _>(|connection| {
            let mut stored = Vec::with_capacity(cases.len());
            for (number, case) in cases.iter().enumerate() {
                let body = challenge_body(&format!("Challenge number {number}"));
                let input: ChallengeInput =
                    serde_json::from_value(body).expect("a valid challenge body");
                let mut content = input.validate().expect("valid content");
                content.visibility = case.visibility;
                let origin = ChallengeOrigin {
                    organisation_id: organisations[case.owner],
                    created_by: None,
                    external_id: None,
                    status: case.status,
                };
                let row = db::challenges::insert(connection, &origin, &content)?;
                let exposure = ChallengeExposure {
                    organisation_id: organisations[case.owner],
                    status: case.status,
                    visibility: case.visibility,
                };
                assert_eq!(row.exposure(), exposure, "stored as generated");
                stored.push((row.id, exposure));
            }
            Ok(stored)
        })
        .expect("insert challenges")
}

/// One case: a batch of `challenges` of new organisations added to the
/// database (and so to its index), then every one of `users` of those
/// organisations, and an anonymous visitor, asked three ways which of all
/// the challenges stored so far they see.
async fn three_answers_agree(
    app: &TestApp,
    stored: &RefCell<Vec<(Uuid, ChallengeExposure)>>,
    users: Vec<UserCase>,
    challenges: Vec<ChallengeCase>,
) -> Result<(), TestCaseError> {
    let organisations: Vec<Uuid> = (0..ORGANISATIONS)
        .map(|_| {
            app.create_organisation(
                OrganisationKind::Defence,
                &format!("Defence organisation {}", Uuid::new_v4()),
                None,
            )
        })
        .collect();
    let batch = insert_challenges(app, &organisations, &challenges);
    stored.borrow_mut().extend(batch);
    app.wait_for_index().await;

    let mut viewers = vec![Viewer::Anonymous];
    viewers.extend(users.iter().map(|user| {
        Viewer::Member(Member {
            user_id: Uuid::new_v4(),
            role: user.role,
            organisation_id: user.organisation.map(|index| organisations[index]),
            vetted: user.vetted,
            email_verified: true,
            rom: user.rom,
        })
    }));
    let mut connection = app.database.connect();
    let everything = db::Page {
        number: 1,
        size: 10_000,
    };
    let all_hits = HitPage {
        sort: SearchSort::Newest,
        offset: 0,
        limit: 10_000,
    };
    for viewer in &viewers {
        let scope = viewer.challenge_scope();
        let by_domain: BTreeSet<Uuid> = stored
            .borrow()
            .iter()
            .filter(|(_, exposure)| viewer.can_see_challenge(*exposure))
            .map(|(id, _)| *id)
            .collect();

        let listed = db::challenges::list(
            &mut connection,
            &scope,
            &ChallengeFilter::default(),
            everything,
        )
        .expect("list challenges");
        let by_sql: BTreeSet<Uuid> = listed.rows.iter().map(|row| row.id).collect();
        prop_assert_eq!(listed.total, by_sql.len() as i64);
        let disagreements = differences(&by_domain, &by_sql, &stored.borrow());
        prop_assert!(
            disagreements.is_empty(),
            "the SQL filter disagrees with the domain for {:?}: {}",
            viewer,
            disagreements
        );

        let found = app
            .search
            .engine
            .search_challenges(
                &scope,
                &ChallengeFilters::default(),
                &ParsedQuery::default(),
                all_hits,
            )
            .expect("search challenges");
        let by_index: BTreeSet<Uuid> = found.hits.iter().map(|(id, _)| *id).collect();
        prop_assert_eq!(found.total, by_index.len());
        let disagreements = differences(&by_domain, &by_index, &stored.borrow());
        prop_assert!(
            disagreements.is_empty(),
            "the index filter disagrees with the domain for {:?}: {}",
            viewer,
            disagreements
        );
    }
    Ok(())
}

/// The challenges on which `other` disagrees with `domain`, at most five
/// of them, with what decides their visibility; empty when both agree.
fn differences(
    domain: &BTreeSet<Uuid>,
    other: &BTreeSet<Uuid>,
    stored: &[(Uuid, ChallengeExposure)],
) -> String {
    let described: Vec<String> = stored
        .iter()
        .filter(|(id, _)| domain.contains(id) != other.contains(id))
        .take(5)
        .map(|(id, exposure)| {
            let answer = if other.contains(id) {
                "shown, but the domain hides it"
            } else {
                "hidden, but the domain shows it"
            };
            format!("{id} {exposure:?} {answer}")
        })
        .collect();
    described.join("; ")
}

/// One test database and index for all cases; each case adds its batch of
/// challenges, so the answers are compared over a growing, mixed database.
/// Few cases, as each waits for the index; a failure shrinks only so far,
/// and nothing is written to proptest-regressions/.
#[test]
fn the_domain_the_sql_filter_and_the_index_filter_agree_on_who_sees_a_challenge() {
    let system = actix_web::rt::System::new();
    let app = system.block_on(spawn_app());
    let stored = RefCell::new(Vec::new());
    let mut runner = TestRunner::new(ProptestConfig {
        cases: 24,
        max_shrink_iters: 32,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let cases = (
        prop::collection::vec(user_case(), USERS),
        prop::collection::vec(challenge_case(), CHALLENGES),
    );
    let outcome = runner.run(&cases, |(users, challenges)| {
        system.block_on(three_answers_agree(&app, &stored, users, challenges))
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}
