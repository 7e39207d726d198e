//! The introductions pipeline as a broker reads it: the region dashboard
//! (counts, conversion, median days between steps, start-ups still
//! without an introduction) and the export of the introductions. ROM
//! officers read their provinces, admins the country or one ROM's
//! provinces (`Member::may_read_pipeline`). The export's CSV file is
//! written here so that the API and the pages hand out the same one.

pub mod csv_file;
mod export;
mod view;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use uuid::Uuid;

pub use self::export::{export, ExportField, ExportFilter, ExportRow, IntroductionExport};
pub use self::view::{
    BestMatch, ConversionView, DashboardView, MedianDays, TechnologyCount, UnintroducedStartup,
};
use super::{introductions, AppError, AppState};
use crate::db::challenges::{self, ChallengeRow};
use crate::db::dashboard::{self as pipeline, StartedBetween};
use crate::db::introductions::organisation_has_vetted_user;
use crate::db::startups::StartupRow;
use crate::domain::amsterdam;
use crate::domain::challenge::ChallengeStatus;
use crate::domain::introduction::IntroductionState;
use crate::domain::policy::{Member, RegionScope, Viewer};
use crate::domain::region::{Province, Rom};
use crate::domain::Rule;
use crate::search::document::StartupDocument;
use crate::search::filters::ChallengeFilters;

/// What a dashboard asks for.
#[derive(Debug, Clone, Copy, Default)]
pub struct DashboardFilter {
    /// Admins: one ROM's provinces instead of the whole country.
    pub rom: Option<Rom>,
    /// Start-ups without an introduction to list (default 20).
    pub limit: Option<i64>,
    /// The figures and charts count the introductions started on these
    /// days (Europe/Amsterdam, both included); either end may be open.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl DashboardFilter {
    /// The instants the days `from`..=`to` span in Amsterdam; a `to`
    /// before `from` breaks [`Rule::EndBeforeStart`] on `to`.
    fn period(&self) -> Result<StartedBetween, AppError> {
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if to < from {
                return Err(AppError::invalid(
                    "to",
                    Rule::EndBeforeStart {
                        start_field: "from",
                    },
                ));
            }
        }
        Ok(StartedBetween {
            from: self.from.map(amsterdam::start_of_day),
            until: self.to.map(amsterdam::end_of_day),
        })
    }
}

/// Start-ups without an introduction listed when no limit is asked for.
const DEFAULT_LIMIT: i64 = 20;
/// Most start-ups without an introduction one dashboard lists.
const MAX_LIMIT: i64 = 100;

/// Start-ups ranked per dashboard call: matching each one costs a few
/// milliseconds, so the most recently updated ones are ranked, not all.
const RANKED_WITHOUT_INTRODUCTION: i64 = 200;

/// The dashboard of the region `member` brokers for (an admin: the
/// country, or the ROM asked for): introductions per state and per
/// technology, conversion, median days between steps, and the start-ups
/// that never had an introduction, ranked by their best open match.
pub async fn region(
    state: &AppState,
    member: &Member,
    filter: DashboardFilter,
) -> Result<DashboardView, AppError> {
    let limit = filter.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(AppError::invalid(
            "limit",
            Rule::OutOfRange {
                min: 1,
                max: MAX_LIMIT,
            },
        ));
    }
    let period = filter.period()?;
    let (rom, scope) = member.may_read_pipeline(filter.rom)?;
    let provinces = match &scope {
        RegionScope::Country => Province::ALL.to_vec(),
        RegionScope::Provinces(provinces) => provinces.clone(),
    };
    let (counts, candidates) = state
        .with_connection({
            let scope = scope.clone();
            move |connection| {
                let counts = PipelineCounts {
                    by_state: pipeline::by_state(connection, &scope, period)?,
                    by_technology: pipeline::by_technology(connection, &scope, period)?,
                    conversion: pipeline::conversion(connection, &scope, period)?,
                };
                let (rows, total) = pipeline::startups_without_introduction(
                    connection,
                    &scope,
                    RANKED_WITHOUT_INTRODUCTION,
                )?;
                let mut companies = Vec::with_capacity(rows.len());
                for startup in rows {
                    let vetted = organisation_has_vetted_user(connection, startup.organisation_id)?;
                    companies.push((startup, vetted));
                }
                Ok((counts, (companies, total)))
            }
        })
        .await?;
    let (companies, without_total) = candidates;
    let mut startups_without_introduction =
        ranked_without_introduction(state, member, companies, limit).await?;
    mark_proposable(state, member, &mut startups_without_introduction).await?;
    Ok(counts.into_view(rom, provinces, startups_without_introduction, without_total))
}

/// Sets `may_propose` on each best match from the rule that proposing
/// checks (`introductions::moves_for_pairs`), so that the dashboard offers
/// Propose only where it would succeed.
async fn mark_proposable(
    state: &AppState,
    broker: &Member,
    startups: &mut [UnintroducedStartup],
) -> Result<(), AppError> {
    let pairs: Vec<(Uuid, Uuid)> = startups
        .iter()
        .filter_map(|startup| {
            let best = startup.best_match.as_ref()?;
            Some((startup.startup_id, best.challenge_id))
        })
        .collect();
    if pairs.is_empty() {
        return Ok(());
    }
    let moves = introductions::moves_for_pairs(state, broker, pairs).await?;
    for startup in startups.iter_mut() {
        let startup_id = startup.startup_id;
        if let Some(best) = startup.best_match.as_mut() {
            best.may_propose = moves
                .get(&(startup_id, best.challenge_id))
                .is_some_and(|pair| pair.may_introduce);
        }
    }
    Ok(())
}

/// The aggregates of the region, as stored.
struct PipelineCounts {
    by_state: Vec<(String, i64)>,
    by_technology: Vec<(String, i64)>,
    conversion: pipeline::Conversion,
}

impl PipelineCounts {
    fn into_view(
        self,
        rom: Option<Rom>,
        provinces: Vec<Province>,
        startups_without_introduction: Vec<UnintroducedStartup>,
        startups_without_introduction_total: i64,
    ) -> DashboardView {
        let conversion = self.conversion;
        // Every state is listed, those without introductions at 0.
        let mut by_state: BTreeMap<String, i64> = IntroductionState::ALL
            .iter()
            .map(|state| (state.as_str().to_owned(), 0))
            .collect();
        by_state.extend(self.by_state);
        let rate =
            |count: i64| (conversion.started > 0).then(|| count as f64 / conversion.started as f64);
        DashboardView {
            rom,
            provinces,
            by_state,
            by_technology: self
                .by_technology
                .into_iter()
                .map(|(technology, introductions)| TechnologyCount {
                    technology,
                    introductions,
                })
                .collect(),
            conversion: ConversionView {
                started: conversion.started,
                introduced: conversion.introduced,
                meeting_held: conversion.meeting_held,
                pilot_or_contract: conversion.pilot_or_contract,
                introduced_rate: rate(conversion.introduced),
                meeting_rate: rate(conversion.meeting_held),
                pilot_or_contract_rate: rate(conversion.pilot_or_contract),
            },
            median_days: MedianDays {
                start_to_introduction: conversion.median_days_to_introduction,
                introduction_to_meeting: conversion.median_days_introduction_to_meeting,
                meeting_to_outcome: conversion.median_days_meeting_to_outcome,
            },
            startups_without_introduction,
            startups_without_introduction_total,
        }
    }
}

/// The start-ups without an introduction (each with whether anyone of its
/// company is vetted), best open match first, at most `limit` of them.
/// Each is matched as its company would see the challenges itself; the
/// match is shown to the broker only when the broker may see the challenge
/// and the start-up may be introduced to it.
async fn ranked_without_introduction(
    state: &AppState,
    broker: &Member,
    companies: Vec<(StartupRow, bool)>,
    limit: i64,
) -> Result<Vec<UnintroducedStartup>, AppError> {
    let ranked = state
        .with_search(move |engine| {
            let filters = ChallengeFilters {
                statuses: vec![ChallengeStatus::Open, ChallengeStatus::Published],
                ..ChallengeFilters::default()
            };
            let mut ranked = Vec::with_capacity(companies.len());
            for (startup, vetted) in companies {
                let company = Member::startup_company(startup.organisation_id, vetted);
                let scope = Viewer::Member(company.clone()).challenge_scope();
                let best = engine
                    .match_challenges(&StartupDocument::from_row(&startup), &scope, &filters, 1)
                    .map_err(|error| AppError::internal(format!("matching failed: {error:#}")))?
                    .into_iter()
                    .next();
                ranked.push((startup, company, best));
            }
            Ok(ranked)
        })
        .await?;
    let challenge_ids: Vec<Uuid> = ranked
        .iter()
        .filter_map(|(_, _, best)| best.as_ref().map(|best| best.id))
        .collect();
    let challenge_rows: BTreeMap<Uuid, ChallengeRow> = state
        .with_connection(move |connection| {
            Ok(challenges::find_many(connection, &challenge_ids)?
                .into_iter()
                .map(|row| (row.id, row))
                .collect())
        })
        .await?;
    let broker = Viewer::Member(broker.clone());
    let mut shown: Vec<_> = ranked
        .into_iter()
        .map(|(startup, company, best)| {
            let best = best.and_then(|best| {
                let challenge = challenge_rows.get(&best.id)?;
                let introducible = company
                    .may_be_introduced(
                        challenge.visibility,
                        challenge.abdo_required,
                        startup.abdo_clearance.is_some(),
                    )
                    .is_ok();
                (broker.can_see_challenge(challenge.exposure()) && introducible).then(|| {
                    BestMatch {
                        challenge_id: best.id,
                        title: challenge.title.clone(),
                        fit: best.explanation.fit,
                        score: best.explanation.score,
                        may_propose: false,
                    }
                })
            });
            (startup, best)
        })
        .collect();
    shown.sort_by(|(left_startup, left), (right_startup, right)| {
        let score = |best: &Option<BestMatch>| best.as_ref().map_or(-1.0, |best| best.score);
        score(right)
            .total_cmp(&score(left))
            .then_with(|| left_startup.id.cmp(&right_startup.id))
    });
    shown.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(shown
        .into_iter()
        .map(|(startup, best_match)| UnintroducedStartup {
            startup_id: startup.id,
            name: startup.name,
            province: startup.province,
            technologies: startup.technologies,
            best_match,
        })
        .collect())
}
