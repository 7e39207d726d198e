//! Importing start-ups and challenges from JSON Lines and CSV: valid
//! records are kept, each bad line is reported with its number and what is
//! wrong with it, importing again updates, the benchmark's US data fits,
//! and every imported record reaches the search index through the outbox.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use defmatch::db::schema::{challenges, search_outbox, startups};
use defmatch::db::{challenges as challenge_rows, startups as startup_rows};
use defmatch::domain::account::Role;
use defmatch::domain::challenge::ChallengeStatus;
use defmatch::domain::policy::{Member, Viewer};
use defmatch::domain::security::Visibility;
use defmatch::domain::taxonomy::Technology;
use defmatch::import::{
    import_records, read_records, ImportOptions, ImportReport, RecordKind, Rejection,
};
use defmatch::search::engine::SearchEngine;
use defmatch::search::filters::{ChallengeFilters, StartupFilters};
use defmatch::search::index::SearchIndex;
use defmatch::search::indexer::rebuild;
use defmatch::search::query::parse_query;
use defmatch::search::text_search::{HitPage, SearchSort};
use diesel::prelude::*;
use diesel::PgConnection;
use uuid::Uuid;

use crate::helpers::{TempDirectory, TestDatabase};

// ------------------------------------------------------------- helpers

/// A database and a directory for the files of one test.
struct ImportFixture {
    _database: TestDatabase,
    files: TempDirectory,
    connection: PgConnection,
}

impl ImportFixture {
    fn new() -> Self {
        let database = TestDatabase::create();
        let connection = database.connect();
        ImportFixture {
            _database: database,
            files: TempDirectory::new("defmatch-import"),
            connection,
        }
    }

    /// Writes `lines` to the file `name`, one per line.
    fn file(&self, name: &str, lines: &[&str]) -> PathBuf {
        let path = self.files.path.join(name);
        std::fs::write(&path, lines.join("\n") + "\n").expect("write import file");
        path
    }

    /// Reads and imports a file as `defmatch import --create-organisations`
    /// does; lines that could not even be read are reported with the
    /// rejected records.
    fn import(&mut self, path: &Path, kind: RecordKind) -> ImportReport {
        let options = ImportOptions {
            create_organisations: true,
            dry_run: false,
            reach: defmatch::domain::policy::ImportReach::Everywhere,
        };
        self.import_with(path, kind, options)
    }

    fn import_with(
        &mut self,
        path: &Path,
        kind: RecordKind,
        options: ImportOptions,
    ) -> ImportReport {
        let source = read_records(path).expect("read import file");
        let mut report = import_records(
            &mut self.connection,
            kind,
            source.records,
            options,
            &|_, _| {},
        )
        .expect("import");
        report.rejected.extend(source.rejections);
        report.rejected.sort_by_key(|rejection| rejection.line);
        report
    }

    fn startup_count(&mut self) -> i64 {
        startups::table
            .count()
            .get_result(&mut self.connection)
            .expect("count start-ups")
    }

    fn challenge_count(&mut self) -> i64 {
        challenges::table
            .count()
            .get_result(&mut self.connection)
            .expect("count challenges")
    }

    fn startup(&mut self, external_id: &str) -> startup_rows::StartupRow {
        startup_rows::find_by_external_id(&mut self.connection, external_id)
            .expect("query start-up")
            .unwrap_or_else(|| panic!("start-up {external_id} was imported"))
    }

    fn challenge(&mut self, external_id: &str) -> challenge_rows::ChallengeRow {
        challenge_rows::find_by_external_id(&mut self.connection, external_id)
            .expect("query challenge")
            .unwrap_or_else(|| panic!("challenge {external_id} was imported"))
    }
}

/// The rejection of `line`, which must be the only one of that line.
#[track_caller]
fn rejection_of(report: &ImportReport, line: usize) -> &Rejection {
    let found: Vec<&Rejection> = report
        .rejected
        .iter()
        .filter(|rejection| rejection.line == line)
        .collect();
    match found.as_slice() {
        [rejection] => rejection,
        _ => panic!(
            "expected one rejection of line {line}, got {:?}",
            report.rejected
        ),
    }
}

/// The lines that were rejected.
fn rejected_lines(report: &ImportReport) -> Vec<usize> {
    report
        .rejected
        .iter()
        .map(|rejection| rejection.line)
        .collect()
}

#[track_caller]
fn assert_reason_names(rejection: &Rejection, words: &[&str]) {
    for word in words {
        assert!(
            rejection.reason.to_string().contains(word),
            "the reason for line {} should name `{word}`: {}",
            rejection.line,
            rejection.reason
        );
    }
}

const DUTCH_STARTUP: &str = r#"{"id":"kvk:1","name":"Radar Works","kvk_number":"81234567","description":"Passive radar that detects small drones.","technologies":["imaging-sensing"],"keywords":["radar"],"province":"NL-NH"}"#;
const FOREIGN_STARTUP: &str = r#"{"id":"de:1","name":"Lidar GmbH","description":"Lidar for perimeter security.","country":"DE","technologies":["imaging-sensing"]}"#;

// ---------------------------------------------------------- JSON Lines

#[test]
fn json_lines_keep_the_valid_start_ups_and_reject_each_bad_line_with_its_reason() {
    let mut fixture = ImportFixture::new();
    let path = fixture.file(
        "startups.jsonl",
        &[
            DUTCH_STARTUP,
            r#"{"id":"kvk:2","name":"Broken" "description":"missing comma"}"#,
            r#"{"name":"Nameless","kvk_number":"81234568","description":"No id.","province":"NL-UT"}"#,
            r#"{"id":"kvk:4","name":"Short KvK","kvk_number":"1234","description":"A KvK number of four digits.","province":"NL-UT"}"#,
            r#"{"id":"kvk:5","name":"Warp","kvk_number":"81234569","description":"Faster than light.","technologies":["warp drives"],"province":"NL-UT"}"#,
            "",
            FOREIGN_STARTUP,
        ],
    );

    let report = fixture.import(&path, RecordKind::Startups);

    assert_eq!(report.inserted, 2);
    assert_eq!(rejected_lines(&report), vec![2, 3, 4, 5]);
    assert_reason_names(rejection_of(&report, 2), &["malformed JSON"]);
    assert_reason_names(rejection_of(&report, 3), &["external_id", "id"]);
    assert_reason_names(rejection_of(&report, 4), &["kvk_number", "8 digits"]);
    assert_reason_names(
        rejection_of(&report, 5),
        &["unknown technology", "warp drives"],
    );
    assert_eq!(fixture.startup_count(), 2);
    let dutch = fixture.startup("kvk:1");
    assert_eq!(dutch.name, "Radar Works");
    assert_eq!(dutch.technologies, vec![Technology::ImagingSensing]);
    assert_eq!(fixture.startup("de:1").country.as_str(), "DE");
}

#[test]
fn json_lines_keep_the_valid_challenges_and_reject_each_bad_line_with_its_reason() {
    let mut fixture = ImportFixture::new();
    let path = fixture.file(
        "challenges.jsonl",
        &[
            r#"{"id":"ch:1","organisation":"Koninklijke Marine","title":"Detect small drones at sea","summary":"Early warning.","description":"Ships need early warning of small drones.","technologies":["autonomy-drones"],"trl_min":4,"trl_max":7,"status":"published","opens_at":"2030-01-01T00:00:00Z","visibility":"registered"}"#,
            r#"{"id":"ch:2","title":"Counter-drone lasers","trl_min":8,"trl_max":3}"#,
            r#"["a list, not a record"]"#,
            r#"{"id":"ch:4","title":"Wearable power","status":"postponed"}"#,
            r#"{"id":"ch:5","title":"Secure field radio","description":"Mesh radio for dismounted soldiers."}"#,
        ],
    );

    let report = fixture.import(&path, RecordKind::Challenges);

    assert_eq!(report.inserted, 2);
    assert_eq!(rejected_lines(&report), vec![2, 3, 4]);
    assert_reason_names(rejection_of(&report, 2), &["trl_min"]);
    assert_reason_names(rejection_of(&report, 3), &["JSON object"]);
    assert_reason_names(rejection_of(&report, 4), &["status", "postponed"]);
    assert_eq!(fixture.challenge_count(), 2);
    let full = fixture.challenge("ch:1");
    assert_eq!(full.status, ChallengeStatus::Published);
    assert_eq!(full.visibility, Visibility::Registered);
    assert_eq!((full.trl_min.get(), full.trl_max.get()), (4, 7));
    // What a record of history leaves out gets the defaults of an import.
    let minimal = fixture.challenge("ch:5");
    assert_eq!(minimal.status, ChallengeStatus::Open);
    assert_eq!(minimal.visibility, Visibility::Public);
    assert_eq!((minimal.trl_min.get(), minimal.trl_max.get()), (1, 9));
    assert_eq!(minimal.summary, "Mesh radio for dismounted soldiers.");
}

// ----------------------------------------------------------------- CSV

#[test]
fn csv_splits_list_columns_on_semicolons_and_reads_booleans() {
    let mut fixture = ImportFixture::new();
    let path = fixture.file(
        "startups.csv",
        &[
            "id,name,kvk_number,description,technologies,keywords,province,trl,dual_use",
            r#"csv:1,Radar Works,81234567,"Radar, lidar and sensor fusion.",ai-data; Sensors,radar;lidar;C-UAS,NL-NH,6,ja"#,
            "csv:2,Dual Doubt,81234568,Undecided about dual use.,ai-data,,NL-UT,5,maybe",
            "csv:3,Quiet Labs,81234569,Acoustic detection.,,,NL-ZH,,no",
        ],
    );

    let report = fixture.import(&path, RecordKind::Startups);

    assert_eq!(report.inserted, 2);
    assert_eq!(rejected_lines(&report), vec![3], "the header is line 1");
    assert_reason_names(rejection_of(&report, 3), &["dual_use"]);
    let radar = fixture.startup("csv:1");
    assert_eq!(radar.description, "Radar, lidar and sensor fusion.");
    assert_eq!(
        radar.technologies,
        vec![Technology::AiData, Technology::ImagingSensing]
    );
    assert_eq!(radar.keywords, vec!["radar", "lidar", "C-UAS"]);
    assert_eq!(radar.trl.map(|trl| trl.get()), Some(6));
    assert!(radar.dual_use);
    let quiet = fixture.startup("csv:3");
    assert_eq!(quiet.technologies, Vec::<Technology>::new());
    assert_eq!(quiet.trl, None);
    assert!(!quiet.dual_use);
}

#[test]
fn csv_challenges_take_their_preferred_provinces_as_a_list() {
    let mut fixture = ImportFixture::new();
    let path = fixture.file(
        "challenges.csv",
        &[
            "id,title,description,technologies,keywords,preferred_provinces,abdo_required",
            "csv:1,Harbour surveillance,Watch the harbour day and night.,Sensors;Air Platform,harbour;camera,NL-NH; NL-ZH,yes",
            "csv:2,Nowhere,Prefers a province that does not exist.,,,NL-XX,no",
        ],
    );

    let report = fixture.import(&path, RecordKind::Challenges);

    assert_eq!(report.inserted, 1);
    assert_eq!(rejected_lines(&report), vec![3]);
    assert_reason_names(rejection_of(&report, 3), &["preferred_provinces", "NL-XX"]);
    let harbour = fixture.challenge("csv:1");
    let provinces: Vec<&str> = harbour
        .preferred_provinces
        .iter()
        .map(|province| province.as_str())
        .collect();
    assert_eq!(provinces, vec!["NL-NH", "NL-ZH"]);
    assert_eq!(
        harbour.technologies,
        vec![Technology::ImagingSensing, Technology::AutonomyDrones]
    );
    assert_eq!(harbour.keywords, vec!["harbour", "camera"]);
    assert!(harbour.abdo_required);
}

/// Excel's "CSV UTF-8" and Notepad save files that start with a byte-order
/// mark; it is not part of the first column's name.
#[test]
fn a_csv_file_with_a_byte_order_mark_imports() {
    let mut fixture = ImportFixture::new();
    let path = fixture.file(
        "startups.csv",
        &[
            "\u{feff}id,name,kvk_number,description,province",
            "csv:1,Radar Works,81234567,Passive radar.,NL-NH",
        ],
    );

    let report = fixture.import(&path, RecordKind::Startups);

    assert_eq!(report.inserted, 1, "rejected: {:?}", report.rejected);
    assert_eq!(fixture.startup("csv:1").name, "Radar Works");
}

#[test]
fn a_json_lines_file_with_a_byte_order_mark_imports() {
    let mut fixture = ImportFixture::new();
    let path = fixture.file(
        "startups.jsonl",
        &[&format!("\u{feff}{DUTCH_STARTUP}"), FOREIGN_STARTUP],
    );

    let report = fixture.import(&path, RecordKind::Startups);

    assert_eq!(report.inserted, 2, "rejected: {:?}", report.rejected);
}

#[test]
fn a_csv_row_with_the_wrong_number_of_cells_is_rejected_with_its_line() {
    let mut fixture = ImportFixture::new();
    let path = fixture.file(
        "startups.csv",
        &[
            "id,name,kvk_number,description,province",
            "csv:1,Radar Works,81234567,Passive radar.,NL-NH",
            "csv:2,Too Short,81234568",
            "csv:3,Lidar Works,81234569,Lidar.,NL-UT",
        ],
    );

    let report = fixture.import(&path, RecordKind::Startups);

    assert_eq!(report.inserted, 2);
    assert_eq!(rejected_lines(&report), vec![3]);
    assert_reason_names(rejection_of(&report, 3), &["malformed CSV"]);
}

// ---------------------------------------------------------- re-import

#[test]
fn importing_the_same_file_again_updates_instead_of_duplicating() {
    let mut fixture = ImportFixture::new();
    let startups = fixture.file("startups.jsonl", &[DUTCH_STARTUP, FOREIGN_STARTUP]);
    let challenges = fixture.file(
        "challenges.jsonl",
        &[r#"{"id":"ch:1","title":"Secure field radio","description":"Mesh radio."}"#],
    );
    let first = fixture.import(&startups, RecordKind::Startups);
    fixture.import(&challenges, RecordKind::Challenges);
    assert_eq!((first.inserted, first.updated), (2, 0));

    let again = fixture.import(&startups, RecordKind::Startups);
    let challenges_again = fixture.import(&challenges, RecordKind::Challenges);

    // Stored exactly so already: counted as unchanged, not written again.
    assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 2));
    assert_eq!(
        (
            challenges_again.inserted,
            challenges_again.updated,
            challenges_again.unchanged
        ),
        (0, 0, 1)
    );
    assert!(again.rejected.is_empty(), "{:?}", again.rejected);
    assert_eq!(fixture.startup_count(), 2);
    assert_eq!(fixture.challenge_count(), 1);
}

#[test]
fn a_changed_record_imported_again_replaces_the_stored_one() {
    let mut fixture = ImportFixture::new();
    let before = fixture.file("before.jsonl", &[DUTCH_STARTUP]);
    fixture.import(&before, RecordKind::Startups);
    let after = fixture.file(
        "after.jsonl",
        &[&DUTCH_STARTUP.replace(
            "Passive radar that detects small drones.",
            "Passive radar that now also tracks birds.",
        )],
    );

    let report = fixture.import(&after, RecordKind::Startups);

    assert_eq!((report.inserted, report.updated), (0, 1));
    assert_eq!(
        fixture.startup("kvk:1").description,
        "Passive radar that now also tracks birds."
    );
    assert_eq!(fixture.startup_count(), 1);
}

// ----------------------------------------------------------- benchmark

#[test]
fn a_benchmark_firm_imports_as_a_foreign_start_up_and_its_unknown_fields_are_reported() {
    let mut fixture = ImportFixture::new();
    let path = fixture.file(
        "firms.jsonl",
        &[
            r#"{"id":"firm:1","name":"X","description":"Thermal imaging cameras for small unmanned aircraft.","keywords":["thermal","infrared"],"technologies":["Sensors"],"country":"US","us_state":"FL","employees":12}"#,
        ],
    );

    let report = fixture.import(&path, RecordKind::Startups);

    assert_eq!(report.inserted, 1, "rejected: {:?}", report.rejected);
    assert_eq!(
        report.ignored_fields,
        BTreeSet::from(["us_state".to_owned()])
    );
    let firm = fixture.startup("firm:1");
    assert_eq!(firm.name, "X");
    assert_eq!(firm.country.as_str(), "US");
    assert_eq!(firm.province, None);
    assert_eq!(firm.kvk_number, None);
    assert_eq!(firm.technologies, vec![Technology::ImagingSensing]);
    assert_eq!(firm.keywords, vec!["thermal", "infrared"]);
    assert_eq!(firm.employees, Some(12));
}

#[test]
fn a_benchmark_topic_without_a_description_takes_its_title_as_description() {
    let mut fixture = ImportFixture::new();
    let path = fixture.file(
        "topics.jsonl",
        &[
            r#"{"id":"topic:1","title":"Compact lidar for small unmanned aircraft","description":"","technologies":["Air Platform","Sensors"],"agency":"DoD"}"#,
        ],
    );

    let report = fixture.import(&path, RecordKind::Challenges);

    assert_eq!(report.inserted, 1, "rejected: {:?}", report.rejected);
    assert!(report.ignored_fields.contains("agency"));
    let topic = fixture.challenge("topic:1");
    assert_eq!(
        topic.description,
        "Compact lidar for small unmanned aircraft"
    );
    assert_eq!(topic.summary, "Compact lidar for small unmanned aircraft");
    assert_eq!(
        topic.technologies,
        vec![Technology::AutonomyDrones, Technology::ImagingSensing]
    );
}

/// The table of `src/import/technology_areas.rs`.
const DOD_TECHNOLOGY_AREAS: [(&str, &str); 13] = [
    ("Air Platform", "autonomy-drones"),
    ("Battlespace", "communications"),
    ("Biomedical", "biotech-health"),
    ("Chemical/Biological Defense", "process-tech"),
    ("Electronics", "semiconductors"),
    ("Ground/Sea Vehicles", "mechatronics-robotics"),
    ("Human Systems", "biotech-health"),
    ("Information Systems", "ai-data"),
    ("Materials/Processes", "materials-manufacturing"),
    ("Nuclear Technology", "energy-propulsion"),
    ("Sensors", "imaging-sensing"),
    ("Space Platforms", "space"),
    ("Weapons", "hypersonics"),
];

#[test]
fn the_dod_technology_areas_map_onto_defmatch_codes_as_documented() {
    let mut fixture = ImportFixture::new();
    let lines: Vec<String> = DOD_TECHNOLOGY_AREAS
        .iter()
        .enumerate()
        .map(|(number, (area, _))| {
            serde_json::json!({
                "id": format!("area:{number}"),
                "title": format!("A need in {area}"),
                "technologies": [area],
            })
            .to_string()
        })
        .collect();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let path = fixture.file("areas.jsonl", &lines);

    let report = fixture.import(&path, RecordKind::Challenges);

    assert_eq!(report.inserted, 13, "rejected: {:?}", report.rejected);
    for (number, (area, code)) in DOD_TECHNOLOGY_AREAS.iter().enumerate() {
        let stored = fixture.challenge(&format!("area:{number}")).technologies;
        let codes: Vec<&str> = stored
            .iter()
            .map(|technology| technology.as_str())
            .collect();
        assert_eq!(codes, vec![*code], "{area}");
    }
}

#[test]
fn technology_areas_are_matched_whatever_their_case_and_named_once() {
    let mut fixture = ImportFixture::new();
    let path = fixture.file(
        "areas.jsonl",
        &[
            r#"{"id":"area:1","title":"Field medicine","technologies":["BIOMEDICAL","human systems","biotech-health"]}"#,
        ],
    );

    let report = fixture.import(&path, RecordKind::Challenges);

    assert_eq!(report.inserted, 1, "rejected: {:?}", report.rejected);
    assert_eq!(
        fixture.challenge("area:1").technologies,
        vec![Technology::BiotechHealth]
    );
}

// ------------------------------------------------------ search outbox

/// Someone who may see every challenge.
fn admin() -> Viewer {
    Viewer::Member(Member {
        user_id: Uuid::new_v4(),
        role: Role::Admin,
        organisation_id: None,
        vetted: true,
        email_verified: true,
        rom: None,
    })
}

fn first_page() -> HitPage {
    HitPage {
        sort: SearchSort::Relevance,
        offset: 0,
        limit: 10,
    }
}

#[test]
fn every_imported_record_is_written_to_the_search_outbox_and_the_index_follows() {
    let mut fixture = ImportFixture::new();
    let index_directory = TempDirectory::new("defmatch-import-index");
    let (index, _) = SearchIndex::open(&index_directory.path).expect("open index");
    rebuild(&index, &mut fixture.connection, &|_, _| {}).expect("rebuild");
    let startups = fixture.file(
        "startups.jsonl",
        &[
            DUTCH_STARTUP,
            FOREIGN_STARTUP,
            // Same KvK number as the first: refused by the database.
            r#"{"id":"kvk:9","name":"Copycat","kvk_number":"81234567","description":"Copied.","province":"NL-UT"}"#,
        ],
    );
    let challenges = fixture.file(
        "challenges.jsonl",
        &[r#"{"id":"ch:1","title":"Hydrophone arrays","description":"Listen for submarines."}"#],
    );

    let startup_report = fixture.import(&startups, RecordKind::Startups);
    let challenge_report = fixture.import(&challenges, RecordKind::Challenges);

    assert_eq!(startup_report.inserted, 2);
    assert_reason_names(rejection_of(&startup_report, 3), &["kvk_number"]);
    assert_eq!(challenge_report.inserted, 1);
    let changed: BTreeSet<(String, Uuid)> = search_outbox::table
        .select((search_outbox::entity, search_outbox::entity_id))
        .load::<(String, Uuid)>(&mut fixture.connection)
        .expect("outbox rows")
        .into_iter()
        .collect();
    let imported = BTreeSet::from([
        ("startup".to_owned(), fixture.startup("kvk:1").id),
        ("startup".to_owned(), fixture.startup("de:1").id),
        ("challenge".to_owned(), fixture.challenge("ch:1").id),
    ]);
    assert_eq!(
        changed, imported,
        "one change per imported record, none for the rejected one"
    );

    crate::indexing::caught_up(&index, &mut fixture.connection);
    let engine = SearchEngine::new(std::sync::Arc::new(index));
    let found_startups = engine
        .search_startups(
            &StartupFilters::default(),
            &parse_query("perimeter").expect("query"),
            true,
            first_page(),
        )
        .expect("search start-ups");
    let found_challenges = engine
        .search_challenges(
            &admin().challenge_scope(),
            &ChallengeFilters::default(),
            &parse_query("submarines").expect("query"),
            first_page(),
        )
        .expect("search challenges");
    assert_eq!(
        found_startups
            .hits
            .iter()
            .map(|(id, _)| *id)
            .collect::<Vec<_>>(),
        vec![fixture.startup("de:1").id]
    );
    assert_eq!(
        found_challenges
            .hits
            .iter()
            .map(|(id, _)| *id)
            .collect::<Vec<_>>(),
        vec![fixture.challenge("ch:1").id]
    );
}
