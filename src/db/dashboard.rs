//! Aggregates of the introductions pipeline for the ROM dashboard, over
//! the start-ups of a set of provinces (or the whole country).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Double, Nullable, Text, Timestamptz};

use super::startups::StartupRow;
use crate::domain::policy::RegionScope;

/// The province codes of `scope` for the SQL filter; `None` for the whole country.
fn province_codes(scope: &RegionScope) -> Option<Vec<String>> {
    match scope {
        RegionScope::Country => None,
        RegionScope::Provinces(provinces) => Some(
            provinces
                .iter()
                .map(|province| province.as_str().to_owned())
                .collect(),
        ),
    }
}

/// The scope filter on `s` (startups) and the period filter on `i`
/// (introductions, by when they started) shared by the aggregates here.
const IN_SCOPE: &str = "($1::text[] IS NULL OR s.province = ANY($1))
    AND ($2::timestamptz IS NULL OR i.created_at >= $2)
    AND ($3::timestamptz IS NULL OR i.created_at <= $3)";

/// The introductions counted: those started within these instants
/// (either end open when `None`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StartedBetween {
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

#[derive(Debug, QueryableByName)]
struct Count {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = BigInt)]
    count: i64,
}

/// Runs a `key, count` query over the introductions in `scope`.
fn counts(
    connection: &mut PgConnection,
    scope: &RegionScope,
    period: StartedBetween,
    query: String,
) -> QueryResult<Vec<(String, i64)>> {
    let rows: Vec<Count> = diesel::sql_query(query)
        .bind::<Nullable<Array<Text>>, _>(province_codes(scope))
        .bind::<Nullable<Timestamptz>, _>(period.from)
        .bind::<Nullable<Timestamptz>, _>(period.until)
        .load(connection)?;
    Ok(rows.into_iter().map(|row| (row.key, row.count)).collect())
}

/// Introductions per state.
pub fn by_state(
    connection: &mut PgConnection,
    scope: &RegionScope,
    period: StartedBetween,
) -> QueryResult<Vec<(String, i64)>> {
    counts(
        connection,
        scope,
        period,
        format!(
            "SELECT i.state AS key, count(*) AS count
               FROM introductions i JOIN startups s ON s.id = i.startup_id
              WHERE {IN_SCOPE}
              GROUP BY i.state"
        ),
    )
}

/// Introductions per technology code of the start-up, most first.
pub fn by_technology(
    connection: &mut PgConnection,
    scope: &RegionScope,
    period: StartedBetween,
) -> QueryResult<Vec<(String, i64)>> {
    counts(
        connection,
        scope,
        period,
        format!(
            "SELECT technology.code AS key, count(*) AS count
               FROM introductions i JOIN startups s ON s.id = i.startup_id
              CROSS JOIN LATERAL unnest(s.technologies) AS technology(code)
              WHERE {IN_SCOPE}
              GROUP BY technology.code
              ORDER BY count(*) DESC, technology.code"
        ),
    )
}

/// How far introductions got, counted per step reached.
#[derive(Debug, Clone, QueryableByName)]
pub struct Conversion {
    #[diesel(sql_type = BigInt)]
    pub started: i64,
    #[diesel(sql_type = BigInt)]
    pub introduced: i64,
    #[diesel(sql_type = BigInt)]
    pub meeting_held: i64,
    #[diesel(sql_type = BigInt)]
    pub pilot_or_contract: i64,
    /// Median days from start to introduction, among those introduced.
    #[diesel(sql_type = Nullable<Double>)]
    pub median_days_to_introduction: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    pub median_days_introduction_to_meeting: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    pub median_days_meeting_to_outcome: Option<f64>,
}

/// The conversion counts and the median days between steps.
pub fn conversion(
    connection: &mut PgConnection,
    scope: &RegionScope,
    period: StartedBetween,
) -> QueryResult<Conversion> {
    // percentile_cont ignores nulls, so each median covers exactly the
    // introductions that took that step.
    diesel::sql_query(format!(
        "SELECT count(*) AS started,
                count(i.introduced_at) AS introduced,
                count(i.meeting_held_at) AS meeting_held,
                count(*) FILTER (WHERE i.state IN ('pilot', 'contract')) AS pilot_or_contract,
                percentile_cont(0.5) WITHIN GROUP (
                    ORDER BY extract(epoch FROM i.introduced_at - i.created_at) / 86400.0)
                    AS median_days_to_introduction,
                percentile_cont(0.5) WITHIN GROUP (
                    ORDER BY extract(epoch FROM i.meeting_held_at - i.introduced_at) / 86400.0)
                    AS median_days_introduction_to_meeting,
                percentile_cont(0.5) WITHIN GROUP (
                    ORDER BY extract(epoch FROM
                        CASE WHEN i.state IN ('pilot', 'contract', 'no_fit') THEN i.ended_at END
                        - i.meeting_held_at) / 86400.0)
                    AS median_days_meeting_to_outcome
           FROM introductions i JOIN startups s ON s.id = i.startup_id
          WHERE {IN_SCOPE}"
    ))
    .bind::<Nullable<Array<Text>>, _>(province_codes(scope))
    .bind::<Nullable<Timestamptz>, _>(period.from)
    .bind::<Nullable<Timestamptz>, _>(period.until)
    .get_result(connection)
}

/// Start-ups in scope that never had an introduction: the most recently
/// updated `limit` of them, and how many there are in all.
pub fn startups_without_introduction(
    connection: &mut PgConnection,
    scope: &RegionScope,
    limit: i64,
) -> QueryResult<(Vec<StartupRow>, i64)> {
    use super::schema::{introductions, startups};
    let build = || {
        let mut query = startups::table
            .filter(diesel::dsl::not(diesel::dsl::exists(
                introductions::table.filter(introductions::startup_id.eq(startups::id)),
            )))
            .into_boxed();
        if let RegionScope::Provinces(provinces) = scope {
            query = query.filter(startups::province.eq_any(provinces.clone()));
        }
        query
    };
    let total = build().count().get_result(connection)?;
    let rows = build()
        .order((startups::updated_at.desc(), startups::id))
        .limit(limit)
        .select(StartupRow::as_select())
        .load(connection)?;
    Ok((rows, total))
}
