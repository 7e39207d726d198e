//! The columns of an import file: their English names (the fields of the
//! API), the Dutch and other names a spreadsheet may use for them, and how a
//! cell of each is read. docs/import.md holds the same table for people;
//! `defmatch import --columns` prints it.

use serde_json::{Map, Value};

use super::run::RecordKind;

/// How the text of a cell becomes a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    Text,
    /// Several values in one cell (see `values::split_list`).
    List,
    /// ja/nee, yes/no, true/false, 1/0.
    Boolean,
    /// An amount in euros: `100000`, `100.000`, `€ 100.000,00`.
    Euros,
    /// A date (`YYYY-MM-DD`, `DD-MM-YYYY`) or a full RFC 3339 timestamp;
    /// `true` for a deadline, which means the end of the date.
    Date {
        deadline: bool,
    },
}

/// One column: its field name, the other names it is known by, its kind
/// and what it holds.
pub struct Column {
    pub field: &'static str,
    pub aliases: &'static [&'static str],
    pub kind: CellKind,
    pub meaning: &'static str,
}

const fn column(
    field: &'static str,
    aliases: &'static [&'static str],
    kind: CellKind,
    meaning: &'static str,
) -> Column {
    Column {
        field,
        aliases,
        kind,
        meaning,
    }
}

use CellKind::{Boolean, Date, Euros, List, Text};

/// Columns of every file.
const EXTERNAL_ID: Column = column(
    "external_id",
    &["id", "extern_id", "externe_id", "kenmerk", "referentie"],
    Text,
    "your key of the record; importing it again updates the record (required)",
);

/// The columns of a start-up file.
pub const STARTUP_COLUMNS: &[Column] = &[
    EXTERNAL_ID,
    column(
        "name",
        &["naam", "bedrijfsnaam", "bedrijf"],
        Text,
        "company name (required)",
    ),
    column(
        "kvk_number",
        &["kvk", "kvk_nummer", "kvknummer"],
        Text,
        "KvK number, 8 digits (required in the Netherlands)",
    ),
    column("website", &["url", "webadres"], Text, "https://…"),
    column(
        "description",
        &["omschrijving", "beschrijving"],
        Text,
        "what the company does (required)",
    ),
    column(
        "technologies",
        &["technologie", "technologieen", "technologiegebieden"],
        List,
        "codes, English or Dutch labels, or synonyms (drones, AI, cyber)",
    ),
    column(
        "keywords",
        &["trefwoorden", "zoekwoorden", "kernwoorden"],
        List,
        "free keywords",
    ),
    column(
        "province",
        &["provincie"],
        Text,
        "NL-NH or a name (Noord-Holland, Fryslân)",
    ),
    column("country", &["land"], Text, "ISO code, NL when absent"),
    column(
        "city",
        &["plaats", "stad", "vestigingsplaats"],
        Text,
        "town",
    ),
    column("trl", &[], Text, "technology readiness level 1 to 9"),
    column(
        "employees",
        &["medewerkers", "werknemers", "aantal_medewerkers"],
        Text,
        "head count",
    ),
    column(
        "founded_year",
        &["opgericht", "oprichtingsjaar"],
        Text,
        "year",
    ),
    column("dual_use", &["tweeledig_gebruik"], Boolean, "ja/nee"),
    column(
        "abdo_clearance",
        &["abdo", "abdo_goedkeuring"],
        Text,
        "TBB1 to TBB4",
    ),
    column(
        "export_control_categories",
        &["exportcontrole"],
        List,
        "export control categories",
    ),
    column(
        "contact_name",
        &["contactpersoon", "contact"],
        Text,
        "contact person",
    ),
    column(
        "contact_email",
        &["email", "e_mail", "e_mailadres", "emailadres"],
        Text,
        "contact e-mail",
    ),
    column(
        "contact_phone",
        &["telefoon", "telefoonnummer", "tel"],
        Text,
        "contact phone",
    ),
];

/// The columns of a challenge file.
pub const CHALLENGE_COLUMNS: &[Column] = &[
    EXTERNAL_ID,
    column("organisation", &["organisatie", "opdrachtgever"], Text, "defence organisation: name, abbreviation (DMO) or initials; \"Imported challenges\" when absent"),
    column("status", &[], Text, "draft, pre_release, published, open, closed, awarded or withdrawn; open when absent"),
    column("title", &["titel"], Text, "title (required)"),
    column("summary", &["samenvatting"], Text, "short summary; the start of the description when absent"),
    column("description", &["omschrijving", "beschrijving"], Text, "the problem; the title when absent"),
    column("desired_outcome", &["gewenst_resultaat", "beoogd_resultaat"], Text, "what a solution delivers"),
    column("technologies", &["technologie", "technologieen", "technologiegebieden"], List, "codes, English or Dutch labels, or synonyms (drones, AI, cyber)"),
    column("keywords", &["trefwoorden", "zoekwoorden", "kernwoorden"], List, "free keywords"),
    column("preferred_provinces", &["provincie", "provincies", "voorkeursprovincies", "regio"], List, "NL-NH or names; national when absent"),
    column("trl_min", &["min_trl", "trl_minimum", "trl_van"], Text, "lowest TRL, 1 when absent"),
    column("trl_max", &["max_trl", "trl_maximum", "trl_tot"], Text, "highest TRL, 9 when absent"),
    column("budget_min_eur", &["budget_min", "minimaal_budget", "budget_van"], Euros, "euros: 100000, 100.000 or € 100.000,00"),
    column("budget_max_eur", &["budget_max", "maximaal_budget", "budget_tot"], Euros, "euros"),
    column("budget", &["bedrag"], Euros, "one amount: both ends of the budget range"),
    column("pre_release_at", &["vooraankondiging", "aankondiging", "aangekondigd_op"], Date { deadline: false }, "date announced (start of the day in Europe/Amsterdam)"),
    column("opens_at", &["opent", "openingsdatum", "open_vanaf", "startdatum"], Date { deadline: false }, "date it opens (start of the day in Europe/Amsterdam)"),
    column("closes_at", &["sluitingsdatum", "sluit", "deadline", "einddatum"], Date { deadline: true }, "deadline (end of the day in Europe/Amsterdam)"),
    column("visibility", &["zichtbaarheid"], Text, "public, registered or vetted; public when absent"),
    column("abdo_required", &["abdo", "abdo_vereist"], Boolean, "ja/nee"),
];

/// The columns of files of `kind`.
pub fn columns(kind: RecordKind) -> &'static [Column] {
    match kind {
        RecordKind::Startups => STARTUP_COLUMNS,
        RecordKind::Challenges => CHALLENGE_COLUMNS,
    }
}

/// A header as compared: lower case, accents dropped, spaces, dashes and
/// dots as `_` ("Technologieën" → `technologieen`, "KvK-nummer" →
/// `kvk_nummer`).
pub fn normalise_header(header: &str) -> String {
    let mut normalised = String::with_capacity(header.len());
    for character in header.trim().chars().flat_map(char::to_lowercase) {
        let plain = match character {
            'á' | 'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            ' ' | '-' | '.' | '/' => '_',
            other => other,
        };
        if plain == '_' && (normalised.is_empty() || normalised.ends_with('_')) {
            continue;
        }
        normalised.push(plain);
    }
    normalised.trim_end_matches('_').to_owned()
}

/// The column a header names, if any.
pub fn column_for(kind: RecordKind, header: &str) -> Option<&'static Column> {
    let normalised = normalise_header(header);
    columns(kind)
        .iter()
        .find(|column| column.field == normalised || column.aliases.contains(&normalised.as_str()))
}

/// Renames the fields of a record to the field names of `kind`; a field
/// no column claims keeps its name (and is reported as ignored later). Two
/// headers for one column keep the first non-empty one.
pub fn canonical_fields(kind: RecordKind, fields: Map<String, Value>) -> Map<String, Value> {
    let mut renamed = Map::new();
    for (header, value) in fields {
        let name = column_for(kind, &header).map_or(header, |column| column.field.to_owned());
        if !renamed.contains_key(&name) {
            renamed.insert(name, value);
        }
    }
    renamed
}

/// The table `defmatch import --columns` prints.
pub fn columns_text() -> String {
    let mut text = String::new();
    for (title, kind) in [
        ("Start-up files (--startups)", RecordKind::Startups),
        ("Challenge files (--challenges)", RecordKind::Challenges),
    ] {
        text.push_str(title);
        text.push('\n');
        for column in columns(kind) {
            let aliases = if column.aliases.is_empty() {
                String::new()
            } else {
                format!(" (also: {})", column.aliases.join(", "))
            };
            text.push_str(&format!(
                "  {}{aliases}\n      {}\n",
                column.field, column.meaning
            ));
        }
        text.push('\n');
    }
    text.push_str(
        "Headers are matched whatever their case, accents, spaces or dashes (\"Technologieën\", \"KvK-nummer\").\n\
         Lists in one cell: separated by ; or | in a comma file, by , or | in a semicolon file, or one per line.\n\
         Columns not named here are ignored and listed in the report.\n",
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_headers_name_the_english_fields() {
        let challenge =
            |header| column_for(RecordKind::Challenges, header).map(|column| column.field);
        assert_eq!(challenge("Technologieën"), Some("technologies"));
        assert_eq!(challenge(" Sluitingsdatum "), Some("closes_at"));
        assert_eq!(challenge("Titel"), Some("title"));
        assert_eq!(challenge("Provincie"), Some("preferred_provinces"));
        assert_eq!(challenge("sector"), None);
        let startup = |header| column_for(RecordKind::Startups, header).map(|column| column.field);
        assert_eq!(startup("KvK-nummer"), Some("kvk_number"));
        assert_eq!(startup("Plaats"), Some("city"));
        assert_eq!(startup("E-mail"), Some("contact_email"));
    }

    #[test]
    fn no_name_belongs_to_two_columns_of_one_kind() {
        for kind in [RecordKind::Startups, RecordKind::Challenges] {
            let mut names: Vec<&str> = columns(kind)
                .iter()
                .flat_map(|column| {
                    std::iter::once(column.field).chain(column.aliases.iter().copied())
                })
                .collect();
            let all = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), all, "{kind:?}");
        }
    }

    #[test]
    fn docs_import_md_names_every_column_and_every_other_name() {
        let documentation = include_str!("../../docs/import.md");
        for kind in [RecordKind::Startups, RecordKind::Challenges] {
            for column in columns(kind) {
                assert!(
                    documentation.contains(&format!("| `{}` |", column.field)),
                    "{} is documented",
                    column.field
                );
                for alias in column.aliases {
                    assert!(
                        documentation.contains(&format!("`{alias}`")),
                        "{alias} is documented"
                    );
                }
            }
        }
    }

    #[test]
    fn every_field_of_the_inputs_has_a_column() {
        use crate::domain::challenge::ChallengeInput;
        use crate::domain::startup::StartupInput;
        for field in StartupInput::FIELDS {
            assert!(column_for(RecordKind::Startups, field).is_some(), "{field}");
        }
        for field in ChallengeInput::FIELDS {
            assert!(
                column_for(RecordKind::Challenges, field).is_some(),
                "{field}"
            );
        }
    }
}
