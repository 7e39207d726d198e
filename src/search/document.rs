//! What the index holds about a start-up or a challenge, built from the
//! domain types so that a saved row and an unsaved draft are analysed alike.

use chrono::{DateTime, Utc};
use tantivy::schema::Facet;
use tantivy::TantivyDocument;
use uuid::Uuid;

use super::analysis::{detect_language, Analyzers, TextLanguage};
use super::ranking::{weights, TermVector};
use super::schema::{DocumentKind, Fields, NO_DEADLINE};
use crate::db::challenges::ChallengeRow;
use crate::db::startups::StartupRow;
use crate::domain::challenge::{ChallengeContent, ChallengeStatus};
use crate::domain::readiness::Trl;
use crate::domain::region::Province;
use crate::domain::security::Visibility;
use crate::domain::startup::StartupProfile;
use crate::domain::taxonomy::Technology;

/// Repeats `text` `times` times, space-separated, so that BM25 counts it
/// `times` times: how keywords and titles get their weight in one field.
fn repeated(text: &str, times: usize) -> String {
    vec![text; times].join(" . ")
}

/// The searchable text of a start-up: its description and its keywords
/// (never its name, which has a field of its own); the original for
/// matching and ranking, the redacted one for anonymous search.
pub fn startup_text(description: &str, keywords: &[String]) -> String {
    let keywords = keywords.join(" . ");
    format!(
        "{description} . {}",
        repeated(&keywords, weights().text_shape.keyword_repeat)
    )
}

/// The searchable text of a challenge: title, summary, description, desired
/// outcome and keywords.
pub fn challenge_text(content: &ChallengeContent) -> String {
    let keywords = content.keywords.join(" . ");
    format!(
        "{} . {} . {} . {} . {}",
        repeated(&content.title, weights().text_shape.title_repeat),
        content.summary,
        content.description,
        content.desired_outcome,
        repeated(&keywords, weights().text_shape.keyword_repeat)
    )
}

/// The fields every document has: kind (also per language, for corpus
/// statistics), id, language, the text and its stored term vector.
fn add_identity(
    document: &mut TantivyDocument,
    fields: &Fields,
    kind: DocumentKind,
    id: Uuid,
    language: TextLanguage,
    text: &str,
) {
    document.add_text(fields.kind, kind.as_str());
    document.add_text(fields.kind, kind_in_language(kind, language));
    document.add_text(fields.id, id.to_string());
    let (high, low) = id.as_u64_pair();
    document.add_u64(fields.id_high, high);
    document.add_u64(fields.id_low, low);
    document.add_text(fields.language, language.code());
    document.add_text(fields.text(kind, language), text);
    let vector = TermVector::analyse(&mut Analyzers::default(), language, text);
    document.add_text(fields.vector, vector.serialise());
}

/// The `kind` value that counts the documents of one kind in one language.
pub fn kind_in_language(kind: DocumentKind, language: TextLanguage) -> String {
    format!("{}:{}", kind.as_str(), language.code())
}

/// A start-up as the index and the ranking see it.
#[derive(Debug, Clone)]
pub struct StartupDocument {
    pub id: Uuid,
    pub name: String,
    /// The original text: what matching ranks.
    pub text: String,
    /// The redacted text: what callers who see anonymous cards search.
    pub redacted_text: String,
    pub language: TextLanguage,
    pub technologies: Vec<Technology>,
    pub province: Option<Province>,
    pub country: String,
    pub trl: Option<Trl>,
    pub created_at: DateTime<Utc>,
}

/// A challenge as the index and the ranking see it.
#[derive(Debug, Clone)]
pub struct ChallengeDocument {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub text: String,
    pub language: TextLanguage,
    pub technologies: Vec<Technology>,
    pub preferred_provinces: Vec<Province>,
    pub status: ChallengeStatus,
    pub visibility: Visibility,
    pub trl_min: Trl,
    pub trl_max: Trl,
    pub closes_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl StartupDocument {
    /// From a profile, saved (`id`) or not, redacted without its people.
    pub fn from_profile(id: Uuid, profile: &StartupProfile, created_at: DateTime<Utc>) -> Self {
        let redactor = profile.redactor(Vec::new());
        StartupDocument {
            id,
            name: profile.name.clone(),
            text: startup_text(&profile.description, &profile.keywords),
            redacted_text: startup_text(
                &redactor.redact(&profile.description),
                &redactor.redact_all(&profile.keywords),
            ),
            language: detect_language(&profile.description),
            technologies: profile.technologies.clone(),
            province: profile.province,
            country: profile.country.as_str().to_owned(),
            trl: profile.trl,
            created_at,
        }
    }

    /// From a stored row.
    pub fn from_row(row: &StartupRow) -> Self {
        StartupDocument {
            id: row.id,
            name: row.name.clone(),
            text: startup_text(&row.description, &row.keywords),
            redacted_text: startup_text(&row.description_anonymised, &row.keywords_redacted),
            language: detect_language(&row.description),
            technologies: row.technologies.clone(),
            province: row.province,
            country: row.country.as_str().to_owned(),
            trl: row.trl,
            created_at: row.created_at,
        }
    }

    /// The tantivy document.
    pub fn to_tantivy(&self, fields: &Fields) -> TantivyDocument {
        let mut document = TantivyDocument::default();
        add_identity(
            &mut document,
            fields,
            DocumentKind::Startup,
            self.id,
            self.language,
            &self.text,
        );
        document.add_text(fields.startup_redacted(self.language), &self.redacted_text);
        document.add_text(fields.startup_name, &self.name);
        for technology in &self.technologies {
            document.add_text(fields.technology, technology.as_str());
            document.add_facet(
                fields.facets,
                Facet::from_path(["technology", technology.as_str()]),
            );
        }
        if let Some(province) = self.province {
            document.add_text(fields.province, province.as_str());
            document.add_facet(
                fields.facets,
                Facet::from_path(["province", province.as_str()]),
            );
        }
        document.add_text(fields.country, &self.country);
        if let Some(trl) = self.trl {
            document.add_u64(fields.trl, trl.get() as u64);
        }
        document.add_i64(fields.created_at, self.created_at.timestamp_micros());
        document
    }
}

impl ChallengeDocument {
    /// From content, saved (`id`) or not.
    pub fn from_content(
        id: Uuid,
        organisation_id: Uuid,
        status: ChallengeStatus,
        content: &ChallengeContent,
        created_at: DateTime<Utc>,
    ) -> Self {
        ChallengeDocument {
            id,
            organisation_id,
            text: challenge_text(content),
            language: detect_language(&format!("{} {}", content.summary, content.description)),
            technologies: content.technologies.clone(),
            preferred_provinces: content.preferred_provinces.clone(),
            status,
            visibility: content.visibility,
            trl_min: content.trl_range.min(),
            trl_max: content.trl_range.max(),
            closes_at: content.schedule.closes_at,
            created_at,
        }
    }

    /// From a stored row.
    pub fn from_row(row: &ChallengeRow) -> Self {
        ChallengeDocument::from_content(
            row.id,
            row.organisation_id,
            row.status,
            &row.content(),
            row.created_at,
        )
    }

    /// The tantivy document.
    pub fn to_tantivy(&self, fields: &Fields) -> TantivyDocument {
        let mut document = TantivyDocument::default();
        add_identity(
            &mut document,
            fields,
            DocumentKind::Challenge,
            self.id,
            self.language,
            &self.text,
        );
        for technology in &self.technologies {
            document.add_text(fields.technology, technology.as_str());
            document.add_facet(
                fields.facets,
                Facet::from_path(["technology", technology.as_str()]),
            );
        }
        for province in &self.preferred_provinces {
            document.add_text(fields.province, province.as_str());
            document.add_facet(
                fields.facets,
                Facet::from_path(["province", province.as_str()]),
            );
        }
        if self.preferred_provinces.is_empty() {
            document.add_text(fields.province, super::schema::NATIONAL);
        }
        document.add_text(fields.status, self.status.as_str());
        document.add_facet(
            fields.facets,
            Facet::from_path(["status", self.status.as_str()]),
        );
        document.add_text(fields.visibility, self.visibility.as_str());
        document.add_text(fields.organisation, self.organisation_id.to_string());
        document.add_u64(fields.trl_min, self.trl_min.get() as u64);
        document.add_u64(fields.trl_max, self.trl_max.get() as u64);
        document.add_i64(
            fields.closes_at,
            self.closes_at
                .map_or(NO_DEADLINE, |closes| closes.timestamp()),
        );
        document.add_i64(fields.created_at, self.created_at.timestamp_micros());
        document
    }
}
