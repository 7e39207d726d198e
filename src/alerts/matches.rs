//! Alerts on new matches: a challenge that became visible alerts the
//! start-ups it matches and the ROM officers of their provinces; a new or
//! changed start-up profile alerts the owners of the challenges it matches.

use std::collections::BTreeMap;

use anyhow::Context;
use diesel::PgConnection;
use uuid::Uuid;

use super::digests::{collect_for_digests, send_digests, Delivery, IMPORT_BATCH};
use super::{TickReport, BATCH};
use crate::db::challenges::{self, ChallengeRow};
use crate::db::introductions::{organisation_has_vetted_user, startup_may_see};
use crate::db::notifications::{
    self, active_members, notify, record_alert_run, NewNotification, CHALLENGE_VISIBLE_EVENT,
};
use crate::db::startups::{self, StartupRow};
use crate::db::users::may_see_challenge;
use crate::domain::challenge::ChallengeStatus;
use crate::domain::notification::{
    NotificationKind, NotificationSubject, ALERT_MAX_MATCHES, ALERT_MIN_CONTENT_SCORE,
    ALERT_MIN_CONTENT_SCORE_WITH_MEANING,
};
use crate::domain::notification_text;
use crate::domain::policy::{Member, Viewer};
use crate::domain::region::Province;
use crate::search::document::{ChallengeDocument, StartupDocument};
use crate::search::engine::{RankedMatch, SearchEngine};
use crate::search::filters::{ChallengeFilters, StartupFilters};

/// How a start-up company would see challenges: as one of its own users.
fn startup_viewer(connection: &mut PgConnection, startup: &StartupRow) -> anyhow::Result<Viewer> {
    Ok(Viewer::Member(Member::startup_company(
        startup.organisation_id,
        organisation_has_vetted_user(connection, startup.organisation_id)?,
    )))
}

/// The content part of a match: its text and technology parts.
fn content_score(ranked: &RankedMatch) -> f32 {
    let parts = &ranked.explanation.parts;
    parts.text + parts.technology
}

/// Whether a challenge matched to a start-up is good enough in substance
/// to alert its owner.
fn challenge_clears_threshold(ranked: &RankedMatch) -> bool {
    content_score(ranked) >= ALERT_MIN_CONTENT_SCORE
}

/// Whether a start-up matched to a challenge is good enough in substance
/// to be told; the bar is higher when the semantic view took part.
fn startup_clears_threshold(ranked: &RankedMatch) -> bool {
    let threshold = match ranked.explanation.semantic_similarity {
        Some(_) => ALERT_MIN_CONTENT_SCORE_WITH_MEANING,
        None => ALERT_MIN_CONTENT_SCORE,
    };
    content_score(ranked) >= threshold
}

/// The start-ups that match `challenge` well enough to be told, best
/// first, among those allowed to see it.
pub(super) fn matching_startups(
    connection: &mut PgConnection,
    engine: &SearchEngine,
    challenge: &ChallengeRow,
) -> anyhow::Result<Vec<StartupRow>> {
    let ranked = engine.match_startups(
        &ChallengeDocument::from_row(challenge),
        &StartupFilters::default(),
        ALERT_MAX_MATCHES,
    )?;
    let ids: Vec<Uuid> = ranked
        .iter()
        .filter(|ranked| startup_clears_threshold(ranked))
        .map(|ranked| ranked.id)
        .collect();
    let mut rows: BTreeMap<Uuid, StartupRow> = startups::find_many(connection, &ids)?
        .into_iter()
        .map(|row| (row.id, row))
        .collect();
    let mut matching = Vec::new();
    for id in ids {
        let Some(startup) = rows.remove(&id) else {
            continue;
        };
        if startup_may_see(connection, &startup, challenge)?.is_ok() {
            matching.push(startup);
        }
    }
    Ok(matching)
}

/// Notifies every active member of `organisation_id` who may see
/// `challenge` themselves (vetting is per person, not per company);
/// returns how many notifications were new.
pub(super) fn notify_members(
    connection: &mut PgConnection,
    organisation_id: Uuid,
    challenge: &ChallengeRow,
    template: &NewNotification,
) -> anyhow::Result<usize> {
    let mut sent = 0;
    for user_id in active_members(connection, organisation_id)? {
        if !may_see_challenge(connection, user_id, challenge)? {
            continue;
        }
        let notification = NewNotification {
            user_id,
            ..template.clone()
        };
        sent += usize::from(notify(connection, &notification)?);
    }
    Ok(sent)
}

/// Alerts the start-ups and ROM officers of the challenges that await
/// their alerts: first those published or opened in defmatch, newest first,
/// so that a new one is alerted in the next tick whatever an import left
/// waiting; then a batch of imported ones, whose alerts are collected into
/// one digest per recipient, sent once the import's backlog is through.
pub(super) fn alert_challenges(
    connection: &mut PgConnection,
    engine: &SearchEngine,
    report: &mut TickReport,
) -> anyhow::Result<()> {
    for challenge in notifications::challenges_awaiting_alerts(connection, false, BATCH)? {
        // One challenge that cannot be alerted must not hold up the others.
        if let Err(error) = alert_challenge(connection, engine, &challenge, Delivery::Now, report) {
            tracing::warn!(challenge_id = %challenge.id, error = %format!("{error:#}"), "alerting a challenge failed");
        }
    }
    let imported = notifications::challenges_awaiting_alerts(connection, true, IMPORT_BATCH)?;
    for challenge in &imported {
        if let Err(error) = alert_challenge(connection, engine, challenge, Delivery::Digest, report)
        {
            tracing::warn!(challenge_id = %challenge.id, error = %format!("{error:#}"), "alerting an imported challenge failed");
        }
    }
    if imported.len() < IMPORT_BATCH as usize {
        send_digests(connection, report)?;
    }
    Ok(())
}

fn alert_challenge(
    connection: &mut PgConnection,
    engine: &SearchEngine,
    challenge: &ChallengeRow,
    delivery: Delivery,
    report: &mut TickReport,
) -> anyhow::Result<()> {
    let matching = matching_startups(connection, engine, challenge)
        .with_context(|| format!("matching challenge {}", challenge.id))?;
    if delivery == Delivery::Digest {
        collect_for_digests(connection, challenge, &matching)?;
        if record_alert_run(
            connection,
            NotificationSubject::Challenge,
            challenge.id,
            CHALLENGE_VISIBLE_EVENT,
            matching.len() as i32,
        )? {
            report.challenges_alerted += 1;
        }
        return Ok(());
    }
    let mut per_province: BTreeMap<Province, usize> = BTreeMap::new();
    for startup in &matching {
        report.notifications += notify_members(
            connection,
            startup.organisation_id,
            challenge,
            &NewNotification {
                user_id: Uuid::nil(),
                kind: NotificationKind::ChallengeMatch,
                subject: NotificationSubject::Challenge,
                subject_id: challenge.id,
                text: notification_text::challenge_match(&challenge.title, &challenge.summary),
                link: format!("/challenges/{}", challenge.id),
                dedup_key: format!("challenge-match:{}", challenge.id),
            },
        )?;
        if let Some(province) = startup.province {
            *per_province.entry(province).or_default() += 1;
        }
    }
    let mut per_rom: BTreeMap<crate::domain::region::Rom, usize> = BTreeMap::new();
    for (province, count) in per_province {
        *per_rom.entry(province.rom()).or_default() += count;
    }
    for (rom, count) in per_rom {
        for officer in notifications::rom_officers(connection, rom)? {
            if !may_see_challenge(connection, officer, challenge)? {
                continue;
            }
            report.notifications += usize::from(notify(
                connection,
                &NewNotification {
                    user_id: officer,
                    kind: NotificationKind::RegionMatch,
                    subject: NotificationSubject::Challenge,
                    subject_id: challenge.id,
                    text: notification_text::region_match(
                        count,
                        &challenge.title,
                        &challenge.summary,
                    ),
                    link: format!("/challenges/{}", challenge.id),
                    dedup_key: format!("region-match:{}", challenge.id),
                },
            )?);
        }
    }
    if record_alert_run(
        connection,
        NotificationSubject::Challenge,
        challenge.id,
        CHALLENGE_VISIBLE_EVENT,
        matching.len() as i32,
    )? {
        report.challenges_alerted += 1;
    }
    Ok(())
}

/// Alerts the owners of the challenges that a batch of new or changed
/// start-up profiles match.
pub(super) fn alert_startups(
    connection: &mut PgConnection,
    engine: &SearchEngine,
    report: &mut TickReport,
) -> anyhow::Result<()> {
    let open = ChallengeFilters {
        statuses: vec![ChallengeStatus::Open, ChallengeStatus::Published],
        ..ChallengeFilters::default()
    };
    for (startup_id, fingerprint) in notifications::startups_awaiting_alerts(connection, BATCH)? {
        let startup = startups::find(connection, startup_id)?;
        let viewer = startup_viewer(connection, &startup)?;
        let ranked = engine
            .match_challenges(
                &StartupDocument::from_row(&startup),
                &viewer.challenge_scope(),
                &open,
                ALERT_MAX_MATCHES,
            )
            .with_context(|| format!("matching start-up {startup_id}"))?;
        let mut told = 0;
        for ranked in ranked
            .iter()
            .filter(|ranked| challenge_clears_threshold(ranked))
        {
            let challenge = challenges::find(connection, ranked.id)?;
            let Some(owner) = challenge.created_by else {
                continue;
            };
            // Vetting is matched by the search; ABDO clearance is not.
            if startup_may_see(connection, &startup, &challenge)?.is_err() {
                continue;
            }
            // Procurement sees start-ups anonymously: no name in the message.
            let technologies: Vec<&str> = startup
                .technologies
                .iter()
                .map(|technology| technology.as_str())
                .collect();
            told += usize::from(notify(
                connection,
                &NewNotification {
                    user_id: owner,
                    kind: NotificationKind::StartupMatch,
                    // About the challenge: the start-up's id would name
                    // the anonymous card to procurement.
                    subject: NotificationSubject::Challenge,
                    subject_id: challenge.id,
                    text: notification_text::startup_match(
                        &challenge.title,
                        &technologies,
                        startup.province.map(|province| province.name()),
                        startup.trl.map(|trl| trl.get()),
                    ),
                    link: format!("/my/challenges/{}/candidates", challenge.id),
                    dedup_key: format!(
                        "startup-match:{}:{fingerprint}:{}",
                        startup.id, challenge.id
                    ),
                },
            )?);
        }
        report.notifications += told;
        if record_alert_run(
            connection,
            NotificationSubject::Startup,
            startup.id,
            &fingerprint,
            told as i32,
        )? {
            report.startups_alerted += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::ranking::{FitParts, MatchExplanation, MatchedTerms, RegionFit, ScoreParts};

    /// A match whose text and technology parts add up to `content`.
    fn ranked(content: f32, semantic_similarity: Option<f32>) -> RankedMatch {
        let parts = ScoreParts {
            text: content - 0.1,
            technology: 0.1,
            region: 0.2,
            trl: 0.1,
            marks: 0.0,
        };
        RankedMatch {
            id: Uuid::nil(),
            explanation: MatchExplanation {
                fit: 0,
                fit_parts: FitParts::default(),
                score: content + 0.3,
                parts,
                matched_terms: MatchedTerms {
                    query_to_result: Vec::new(),
                    result_to_query: Vec::new(),
                },
                semantic_similarity,
                shared_technologies: Vec::new(),
                region: RegionFit {
                    relation: None,
                    national: true,
                    value: 1.0,
                },
                trl_in_range: None,
                marked_like: None,
            },
        }
    }

    #[test]
    fn start_ups_matched_with_the_semantic_view_need_the_higher_bar() {
        // Between the two bars: enough for the BM25 mix, not with meaning.
        let between = (ALERT_MIN_CONTENT_SCORE + ALERT_MIN_CONTENT_SCORE_WITH_MEANING) / 2.0;
        assert!(startup_clears_threshold(&ranked(between, None)));
        assert!(!startup_clears_threshold(&ranked(between, Some(0.9))));
        assert!(startup_clears_threshold(&ranked(
            ALERT_MIN_CONTENT_SCORE_WITH_MEANING + 0.01,
            Some(0.9)
        )));
        // Challenges matched to a start-up keep the one bar.
        assert!(challenge_clears_threshold(&ranked(between, Some(0.9))));
        assert!(!challenge_clears_threshold(&ranked(
            ALERT_MIN_CONTENT_SCORE - 0.01,
            Some(0.9)
        )));
    }
}
