//! A search written down as the query string of its endpoint
//! (`GET /api/v1/search/{target}`, without `?`): the form a saved search
//! keeps. It is read with the parameters of the endpoint, so a query the
//! endpoint would refuse is refused here too; `api::handlers::search`
//! tests that the two read the same query alike.

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use uuid::Uuid;

use super::{ChallengeSearchFilter, SearchOrder, StartupSearchFilter};
use crate::app::AppError;
use crate::domain::challenge::ChallengeStatus;
use crate::domain::readiness::Trl;
use crate::domain::region::Province;
use crate::domain::taxonomy::Technology;
use crate::domain::{Rule, ValidationError};

/// The parameters of the challenge search endpoint.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChallengeParameters {
    q: Option<String>,
    technology: Option<Technology>,
    province: Option<Province>,
    /// One status or several, comma-separated.
    status: Option<String>,
    trl: Option<Trl>,
    #[serde(
        default,
        deserialize_with = "crate::domain::instant::optional_in_range"
    )]
    closes_before: Option<DateTime<Utc>>,
    #[serde(
        default,
        deserialize_with = "crate::domain::instant::optional_in_range"
    )]
    closes_after: Option<DateTime<Utc>>,
    organisation_id: Option<Uuid>,
    sort: Option<SearchOrder>,
    page: Option<i64>,
    per_page: Option<i64>,
}

/// The parameters of the start-up search endpoint.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StartupParameters {
    q: Option<String>,
    technology: Option<Technology>,
    province: Option<Province>,
    trl_min: Option<Trl>,
    trl_max: Option<Trl>,
    sort: Option<SearchOrder>,
    page: Option<i64>,
    per_page: Option<i64>,
}

/// The challenge search that `query` describes; a parameter that is
/// unknown or of the wrong kind is an error on that parameter (`query` for
/// an unknown one). The values are checked by [`ChallengeSearchFilter::checked`].
pub fn challenge_search(query: &str) -> Result<ChallengeSearchFilter, AppError> {
    let parameters: ChallengeParameters = parameters(query)?;
    Ok(ChallengeSearchFilter {
        text: parameters.q,
        technology: parameters.technology,
        province: parameters.province,
        statuses: parse_statuses(parameters.status.as_deref())?,
        trl: parameters.trl,
        closes_before: parameters.closes_before,
        closes_after: parameters.closes_after,
        organisation_id: parameters.organisation_id,
        sort: parameters.sort.unwrap_or_default(),
        page: parameters.page,
        per_page: parameters.per_page,
    })
}

/// The start-up search that `query` describes, read like [`challenge_search`].
pub fn startup_search(query: &str) -> Result<StartupSearchFilter, AppError> {
    let parameters: StartupParameters = parameters(query)?;
    Ok(StartupSearchFilter {
        text: parameters.q,
        technology: parameters.technology,
        province: parameters.province,
        trl_min: parameters.trl_min,
        trl_max: parameters.trl_max,
        sort: parameters.sort.unwrap_or_default(),
        page: parameters.page,
        per_page: parameters.per_page,
    })
}

/// A comma-separated list of statuses (`open,published`); absent means any.
pub fn parse_statuses(raw: Option<&str>) -> Result<Vec<ChallengeStatus>, ValidationError> {
    let Some(raw) = raw else {
        return Ok(Vec::new());
    };
    raw.split(',')
        .map(|part| {
            part.trim().parse::<ChallengeStatus>().map_err(|error| {
                ValidationError::new(
                    "status",
                    Rule::NotOneOf {
                        expected: error.expected,
                    },
                )
            })
        })
        .collect()
}

fn parameters<T: DeserializeOwned>(query: &str) -> Result<T, AppError> {
    let deserializer =
        serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let parameter = error.path().to_string();
        let unknown = error.inner().to_string().starts_with("unknown field");
        if unknown || parameter.is_empty() || parameter == "." {
            let detail = if unknown {
                "unknown parameter"
            } else {
                "not a query string"
            };
            return AppError::invalid(
                "query",
                Rule::Malformed {
                    detail: detail.to_owned(),
                },
            );
        }
        AppError::invalid(
            &parameter,
            Rule::Malformed {
                detail: "not a valid value".to_owned(),
            },
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_string_reads_as_the_search_it_describes() {
        let filter =
            challenge_search("q=radar&technology=ai-data&status=open,published&sort=deadline")
                .expect("a valid query");
        assert_eq!(filter.text.as_deref(), Some("radar"));
        assert_eq!(filter.technology, Some(Technology::AiData));
        assert_eq!(
            filter.statuses,
            [ChallengeStatus::Open, ChallengeStatus::Published]
        );
        assert_eq!(filter.sort, SearchOrder::Deadline);
        assert_eq!(
            challenge_search("").expect("empty"),
            ChallengeSearchFilter::default()
        );
    }

    #[test]
    fn a_bad_parameter_is_named_and_an_unknown_one_is_refused() {
        let field_of = |error: AppError| match error {
            AppError::Invalid(errors) => errors[0].field.clone(),
            other => panic!("not a validation error: {other}"),
        };
        let bad = challenge_search("technology=warp-drive").expect_err("unknown technology");
        assert_eq!(field_of(bad), "technology");
        let unknown = startup_search("colour=red").expect_err("unknown parameter");
        assert_eq!(field_of(unknown), "query");
        let status = challenge_search("status=open,dreaming").expect_err("unknown status");
        assert_eq!(field_of(status), "status");
    }
}
