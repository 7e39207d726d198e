//! Restrictions as tantivy queries: who may see what (built from the
//! scopes of `domain::policy`, like the SQL filters of `db`) and the
//! user's filters.

use std::ops::Bound;

use chrono::{DateTime, Utc};
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;
use uuid::Uuid;

use super::schema::{DocumentKind, Fields, NATIONAL};
use crate::domain::challenge::ChallengeStatus;
use crate::domain::policy::ChallengeScope;
use crate::domain::readiness::Trl;
use crate::domain::region::Province;
use crate::domain::taxonomy::Technology;

/// A query matching documents whose `field` holds `value`.
pub fn term(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
}

/// A query matching documents whose `field` holds any of `values`.
pub fn any_of(field: Field, values: &[&str]) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        values
            .iter()
            .map(|value| (Occur::Should, term(field, value)))
            .collect(),
    ))
}

/// All restrictions together, none of them adding to the score.
#[derive(Default)]
pub struct Restrictions {
    clauses: Vec<(Occur, Box<dyn Query>)>,
}

impl Restrictions {
    /// Documents must match `query`.
    pub fn require(&mut self, query: Box<dyn Query>) {
        self.clauses.push((Occur::Must, query));
    }

    /// Documents must not match `query`.
    pub fn exclude(&mut self, query: Box<dyn Query>) {
        self.clauses.push((Occur::MustNot, query));
    }

    /// One query that matches what every restriction allows, scoring 0.
    pub fn into_query(self) -> Box<dyn Query> {
        let mut clauses = self.clauses;
        // A boolean query of only MustNot clauses matches nothing; anchor it.
        clauses.push((Occur::Must, Box::new(AllQuery)));
        Box::new(ConstScoreQuery::new(
            Box::new(BooleanQuery::new(clauses)),
            0.0,
        ))
    }
}

/// Only documents of `kind`.
pub fn of_kind(fields: &Fields, kind: DocumentKind) -> Box<dyn Query> {
    term(fields.kind, kind.as_str())
}

/// Only the challenges of `scope`, the rule behind `Viewer::can_see_challenge`.
pub fn challenges_within(fields: &Fields, scope: &ChallengeScope) -> Box<dyn Query> {
    let ChallengeScope::Restricted {
        own_organisation,
        statuses,
        visibilities,
    } = scope
    else {
        return Box::new(AllQuery);
    };
    let statuses: Vec<&str> = statuses.iter().map(|status| status.as_str()).collect();
    let visibilities: Vec<&str> = visibilities
        .iter()
        .map(|visibility| visibility.as_str())
        .collect();
    let visible_outside: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
        (Occur::Must, any_of(fields.status, &statuses)),
        (Occur::Must, any_of(fields.visibility, &visibilities)),
    ]));
    match own_organisation {
        Some(organisation_id) => Box::new(BooleanQuery::new(vec![
            (
                Occur::Should,
                term(fields.organisation, &organisation_id.to_string()),
            ),
            (Occur::Should, visible_outside),
        ])),
        None => visible_outside,
    }
}

/// Filters a user may put on challenges.
#[derive(Debug, Clone, Default)]
pub struct ChallengeFilters {
    pub technology: Option<Technology>,
    /// Challenges preferring this province, or national ones.
    pub province: Option<Province>,
    /// Any of these statuses; empty means any.
    pub statuses: Vec<ChallengeStatus>,
    /// Challenges whose TRL range holds this level.
    pub trl: Option<Trl>,
    pub closes_before: Option<DateTime<Utc>>,
    pub closes_after: Option<DateTime<Utc>>,
    pub organisation_id: Option<Uuid>,
}

/// Adds challenge filters to `restrictions`.
pub fn restrict_challenges(
    fields: &Fields,
    filters: &ChallengeFilters,
    restrictions: &mut Restrictions,
) {
    if let Some(technology) = filters.technology {
        restrictions.require(term(fields.technology, technology.as_str()));
    }
    if let Some(province) = filters.province {
        restrictions.require(any_of(fields.province, &[province.as_str(), NATIONAL]));
    }
    if !filters.statuses.is_empty() {
        let statuses: Vec<&str> = filters
            .statuses
            .iter()
            .map(|status| status.as_str())
            .collect();
        restrictions.require(any_of(fields.status, &statuses));
    }
    if let Some(trl) = filters.trl {
        let level = trl.get() as u64;
        restrictions.require(Box::new(RangeQuery::new(
            Bound::Unbounded,
            Bound::Included(Term::from_field_u64(fields.trl_min, level)),
        )));
        restrictions.require(Box::new(RangeQuery::new(
            Bound::Included(Term::from_field_u64(fields.trl_max, level)),
            Bound::Unbounded,
        )));
    }
    if let Some(before) = filters.closes_before {
        restrictions.require(Box::new(RangeQuery::new(
            Bound::Unbounded,
            Bound::Excluded(Term::from_field_i64(fields.closes_at, before.timestamp())),
        )));
    }
    if let Some(after) = filters.closes_after {
        restrictions.require(Box::new(RangeQuery::new(
            Bound::Excluded(Term::from_field_i64(fields.closes_at, after.timestamp())),
            Bound::Included(Term::from_field_i64(
                fields.closes_at,
                super::schema::NO_DEADLINE - 1,
            )),
        )));
    }
    if let Some(organisation_id) = filters.organisation_id {
        restrictions.require(term(fields.organisation, &organisation_id.to_string()));
    }
}

/// Filters a user may put on start-ups.
#[derive(Debug, Clone, Default)]
pub struct StartupFilters {
    pub technology: Option<Technology>,
    pub province: Option<Province>,
    /// Start-ups located in any of these provinces (a ROM officer's scope).
    pub within_provinces: Option<Vec<Province>>,
    pub trl_min: Option<Trl>,
    pub trl_max: Option<Trl>,
}

/// Adds start-up filters to `restrictions`.
pub fn restrict_startups(
    fields: &Fields,
    filters: &StartupFilters,
    restrictions: &mut Restrictions,
) {
    if let Some(technology) = filters.technology {
        restrictions.require(term(fields.technology, technology.as_str()));
    }
    if let Some(province) = filters.province {
        restrictions.require(term(fields.province, province.as_str()));
    }
    if let Some(provinces) = &filters.within_provinces {
        let codes: Vec<&str> = provinces.iter().map(|province| province.as_str()).collect();
        restrictions.require(any_of(fields.province, &codes));
    }
    let lower = filters.trl_min.map(|trl| trl.get() as u64);
    let upper = filters.trl_max.map(|trl| trl.get() as u64);
    if lower.is_some() || upper.is_some() {
        restrictions.require(Box::new(RangeQuery::new(
            Bound::Included(Term::from_field_u64(fields.trl, lower.unwrap_or(1))),
            Bound::Included(Term::from_field_u64(fields.trl, upper.unwrap_or(9))),
        )));
    }
}
