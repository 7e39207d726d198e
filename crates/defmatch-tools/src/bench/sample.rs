//! The records the measurements use: start-ups and challenges chosen at
//! random from the scratch database (by external id, so the same generated
//! records on every run), with what each measurement needs of them.

use defmatch::db::schema;
use defmatch::search::document::{ChallengeDocument, StartupDocument};
use diesel::{PgConnection, QueryDsl, RunQueryDsl};
use uuid::Uuid;

use super::postgres_fts;
use super::random::SplitMix64;

/// A start-up the load generators and the in-process runs use.
pub struct SampledStartup {
    pub id: Uuid,
    pub document: StartupDocument,
    /// Its baseline query: its telling terms joined by `or`.
    pub any_of: String,
}

/// Rows read per round trip.
const CHUNK: usize = 1000;

/// `count` start-ups chosen at random, with their documents and baseline queries.
pub fn startups(
    connection: &mut PgConnection,
    count: usize,
    random: &mut SplitMix64,
) -> anyhow::Result<Vec<SampledStartup>> {
    use schema::startups::dsl;
    let ids: Vec<Uuid> = dsl::startups
        .select(dsl::id)
        .order(dsl::external_id)
        .load(connection)?;
    let chosen = random.sample(&ids, count);
    let mut sampled = Vec::with_capacity(chosen.len());
    for chunk in chosen.chunks(CHUNK) {
        for row in defmatch::db::startups::find_many(connection, chunk)? {
            let terms =
                postgres_fts::telling_terms(&row.keywords, &row.technologies, &row.description);
            sampled.push(SampledStartup {
                id: row.id,
                document: StartupDocument::from_row(&row),
                any_of: postgres_fts::any_of(&terms),
            });
        }
    }
    Ok(sampled)
}

/// `count` challenges chosen at random, as documents.
pub fn challenges(
    connection: &mut PgConnection,
    count: usize,
    random: &mut SplitMix64,
) -> anyhow::Result<Vec<ChallengeDocument>> {
    use schema::challenges::dsl;
    let ids: Vec<Uuid> = dsl::challenges
        .select(dsl::id)
        .order(dsl::external_id)
        .load(connection)?;
    let chosen = random.sample(&ids, count);
    let mut sampled = Vec::with_capacity(chosen.len());
    for chunk in chosen.chunks(CHUNK) {
        sampled.extend(
            defmatch::db::challenges::find_many(connection, chunk)?
                .iter()
                .map(ChallengeDocument::from_row),
        );
    }
    Ok(sampled)
}
