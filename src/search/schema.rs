//! The tantivy schema. Start-ups and challenges live in one index, told
//! apart by `kind`, with text fields of their own so that BM25 statistics
//! (document frequencies, average lengths) are those of each corpus.
//!
//! Bump [`SCHEMA_VERSION`] whenever the fields, the analysis, how a document
//! becomes text (`ranking::TEXT_SHAPE`) or the meaning of the stored outbox
//! position change: an index built with another version is rebuilt from
//! PostgreSQL at start-up.

use tantivy::schema::{
    FacetOptions, Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions,
    FAST, INDEXED, STORED, STRING,
};

use super::analysis::TextLanguage;

/// Version of the schema and analysis; part of every commit's payload.
/// (3: outbox positions are transaction ids, no longer row ids; 4: a
/// challenge's title is written once in its text, no longer twice; 5: the
/// id is also in two columns, `id_high` and `id_low`.)
pub const SCHEMA_VERSION: u32 = 5;

/// The kind of document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    Startup,
    Challenge,
}

impl DocumentKind {
    /// The value of the `kind` field.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Startup => "startup",
            DocumentKind::Challenge => "challenge",
        }
    }
}

/// Handles of every field.
#[derive(Debug, Clone)]
pub struct Fields {
    /// `startup` or `challenge`, and `startup:en`, `challenge:nl`… per language.
    pub kind: Field,
    /// The UUID of the row, as text: the term that finds or deletes it.
    pub id: Field,
    /// The same UUID as two columns of its high and low 64 bits, so that a
    /// search hit's id is read without decompressing its stored document.
    /// (tantivy's 128-bit column, made for IP addresses, opens slowly for
    /// random values: it maps the gaps between them.)
    pub id_high: Field,
    pub id_low: Field,
    /// Analysed text of start-ups, by language.
    pub startup_text_en: Field,
    pub startup_text_nl: Field,
    /// Analysed redacted text of start-ups, by language: what those who
    /// see anonymous cards search (the original text would find a card by
    /// its city or its founders).
    pub startup_redacted_en: Field,
    pub startup_redacted_nl: Field,
    /// Analysed text of challenges, by language.
    pub challenge_text_en: Field,
    pub challenge_text_nl: Field,
    /// The start-up's name, searchable only by those who may see names.
    pub startup_name: Field,
    /// Technology codes.
    pub technology: Field,
    /// Start-up province, or a challenge's preferred provinces.
    pub province: Field,
    /// ISO country of a start-up.
    pub country: Field,
    /// Challenge status, visibility and owning organisation.
    pub status: Field,
    pub visibility: Field,
    pub organisation: Field,
    /// Start-up TRL; challenge TRL range.
    pub trl: Field,
    pub trl_min: Field,
    pub trl_max: Field,
    /// Challenge deadline (seconds since the epoch; far future for a rolling call).
    pub closes_at: Field,
    /// When the row was created (microseconds since the epoch, so that
    /// rows created in one second still sort).
    pub created_at: Field,
    /// `/technology/<code>`, `/province/<code>`, `/status/<status>` for facet counts.
    pub facets: Field,
    /// `en` or `nl`: which text field holds the document.
    pub language: Field,
    /// The analysed term frequencies of the document (see `ranking::TermVector`),
    /// stored so that ranking can score both directions without re-analysing.
    pub vector: Field,
}

/// The names of the `id_high` and `id_low` fields, by which their columns
/// are opened.
pub const ID_HIGH: &str = "id_high";
pub const ID_LOW: &str = "id_low";

/// The `province` value of a challenge without a preferred province.
pub const NATIONAL: &str = "national";

/// Far-future deadline of a rolling call, so that deadline sorting puts it last.
pub const NO_DEADLINE: i64 = i64::MAX / 2;

fn text_options(language: TextLanguage) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(language.analyzer_name())
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}

/// Builds the schema and the field handles.
pub fn build_schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let numeric = NumericOptions::default() | FAST | INDEXED;
    let name_options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("defmatch_name")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        kind: builder.add_text_field("kind", STRING),
        id: builder.add_text_field("id", STRING | STORED),
        id_high: builder.add_u64_field(ID_HIGH, FAST),
        id_low: builder.add_u64_field(ID_LOW, FAST),
        startup_text_en: builder
            .add_text_field("startup_text_en", text_options(TextLanguage::English)),
        startup_text_nl: builder
            .add_text_field("startup_text_nl", text_options(TextLanguage::Dutch)),
        startup_redacted_en: builder
            .add_text_field("startup_redacted_en", text_options(TextLanguage::English)),
        startup_redacted_nl: builder
            .add_text_field("startup_redacted_nl", text_options(TextLanguage::Dutch)),
        challenge_text_en: builder
            .add_text_field("challenge_text_en", text_options(TextLanguage::English)),
        challenge_text_nl: builder
            .add_text_field("challenge_text_nl", text_options(TextLanguage::Dutch)),
        startup_name: builder.add_text_field("startup_name", name_options),
        technology: builder.add_text_field("technology", STRING | FAST | STORED),
        province: builder.add_text_field("province", STRING | FAST | STORED),
        country: builder.add_text_field("country", STRING | STORED),
        status: builder.add_text_field("status", STRING | FAST),
        visibility: builder.add_text_field("visibility", STRING),
        organisation: builder.add_text_field("organisation", STRING),
        trl: builder.add_u64_field("trl", numeric.clone() | STORED),
        trl_min: builder.add_u64_field("trl_min", numeric.clone() | STORED),
        trl_max: builder.add_u64_field("trl_max", numeric.clone() | STORED),
        closes_at: builder.add_i64_field("closes_at", numeric.clone()),
        created_at: builder.add_i64_field("created_at", numeric),
        facets: builder.add_facet_field("facets", FacetOptions::default()),
        language: builder.add_text_field("language", STRING | STORED),
        vector: builder.add_text_field("vector", STORED),
    };
    (builder.build(), fields)
}

impl Fields {
    /// The redacted start-up text field in `language`.
    pub fn startup_redacted(&self, language: TextLanguage) -> Field {
        match language {
            TextLanguage::English => self.startup_redacted_en,
            TextLanguage::Dutch => self.startup_redacted_nl,
        }
    }

    /// The text field of `kind` in `language`.
    pub fn text(&self, kind: DocumentKind, language: TextLanguage) -> Field {
        match (kind, language) {
            (DocumentKind::Startup, TextLanguage::English) => self.startup_text_en,
            (DocumentKind::Startup, TextLanguage::Dutch) => self.startup_text_nl,
            (DocumentKind::Challenge, TextLanguage::English) => self.challenge_text_en,
            (DocumentKind::Challenge, TextLanguage::Dutch) => self.challenge_text_nl,
        }
    }
}
