//! Importing spreadsheets as a Dutch ROM office exports them from Excel:
//! separated by semicolons, in Windows-1252, with Dutch headers, labels
//! instead of codes, `DD-MM-YYYY` dates and organisations by abbreviation.
//! Every good row is kept and every bad row explained, by its physical line
//! number and in file order. The files are under tests/fixtures/import.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Utc};
use defmatch::db::organisations::{self, NewOrganisation};
use defmatch::db::schema::{challenges, organisations as organisation_table};
use defmatch::db::{challenges as challenge_rows, startups as startup_rows};
use defmatch::domain::account::OrganisationKind;
use defmatch::domain::region::Province;
use defmatch::domain::taxonomy::Technology;
use defmatch::import::decode::Encoding;
use defmatch::import::{
    import_source, read_records, summary_text, write_report_csv, FileFormat, ImportOptions,
    ImportReport, RecordKind,
};
use diesel::prelude::*;
use diesel::PgConnection;
use uuid::Uuid;

use crate::helpers::{TempDirectory, TestDatabase};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

/// A database with the defence organisations of the demo.
struct RomOffice {
    _database: TestDatabase,
    connection: PgConnection,
    dmo: Uuid,
    navy: Uuid,
    army: Uuid,
}

impl RomOffice {
    fn new() -> Self {
        let database = TestDatabase::create();
        let mut connection = database.connect();
        let mut defence = |name: &str| {
            organisations::insert(
                &mut connection,
                &NewOrganisation {
                    kind: OrganisationKind::Defence,
                    name,
                    rom: None,
                },
            )
            .expect("insert organisation")
            .id
        };
        let dmo = defence("Defensie Materieel Organisatie (DMO)");
        let navy = defence("Koninklijke Marine");
        let army = defence("Commando Landstrijdkrachten (CLAS)");
        RomOffice {
            _database: database,
            connection,
            dmo,
            navy,
            army,
        }
    }

    /// Reads and imports `path` as `defmatch import` does.
    fn import(
        &mut self,
        path: &Path,
        kind: RecordKind,
        options: ImportOptions,
    ) -> (FileFormat, ImportReport) {
        let source = read_records(path).expect("read the import file");
        import_source(&mut self.connection, kind, source, options, &|_, _| {}).expect("import")
    }

    fn challenge(&mut self, external_id: &str) -> challenge_rows::ChallengeRow {
        challenge_rows::find_by_external_id(&mut self.connection, external_id)
            .expect("query challenge")
            .unwrap_or_else(|| panic!("challenge {external_id} was imported"))
    }

    fn startup(&mut self, external_id: &str) -> startup_rows::StartupRow {
        startup_rows::find_by_external_id(&mut self.connection, external_id)
            .expect("query start-up")
            .unwrap_or_else(|| panic!("start-up {external_id} was imported"))
    }

    fn challenge_count(&mut self) -> i64 {
        challenges::table
            .count()
            .get_result(&mut self.connection)
            .expect("count challenges")
    }

    fn organisation_names(&mut self) -> Vec<String> {
        organisation_table::table
            .select(organisation_table::name)
            .order(organisation_table::name)
            .load(&mut self.connection)
            .expect("organisation names")
    }
}

fn rejected_lines(report: &ImportReport) -> Vec<usize> {
    report
        .rejected
        .iter()
        .map(|rejection| rejection.line)
        .collect()
}

#[track_caller]
fn reason_of(report: &ImportReport, line: usize) -> String {
    let found: Vec<String> = report
        .rejected
        .iter()
        .filter(|rejection| rejection.line == line)
        .map(|rejection| rejection.reason.to_string())
        .collect();
    match found.as_slice() {
        [reason] => reason.clone(),
        _ => panic!(
            "expected one rejection of line {line}: {:?}",
            report.rejected
        ),
    }
}

#[track_caller]
fn assert_names(reason: &str, words: &[&str]) {
    for word in words {
        assert!(reason.contains(word), "`{word}` missing from: {reason}");
    }
}

fn instant(text: &str) -> DateTime<Utc> {
    text.parse().expect("an instant")
}

const STRICT: ImportOptions = ImportOptions {
    create_organisations: false,
    dry_run: false,
    reach: defmatch::domain::policy::ImportReach::Everywhere,
};

#[test]
fn a_dutch_excel_export_of_challenges_keeps_every_good_row_and_explains_every_bad_one() {
    let mut office = RomOffice::new();

    let (format, report) = office.import(
        &fixture("rom-uitdagingen.csv"),
        RecordKind::Challenges,
        STRICT,
    );

    assert_eq!(format.encoding, Encoding::Windows1252);
    assert_eq!(format.delimiter, Some(b';'));
    assert_eq!(
        (report.inserted, report.updated),
        (3, 0),
        "{:?}",
        report.rejected
    );
    // ROM-002's description spans lines 3 to 5: the rows after it keep their
    // physical line numbers, and the rejections come in file order.
    assert_eq!(rejected_lines(&report), vec![6, 7, 8, 9, 11]);
    assert_names(
        &reason_of(&report, 6),
        &["Warpaandrijving", "closest:", "valid codes:", "ai-data"],
    );
    assert_names(
        &reason_of(&report, 7),
        &["closes_at", "31-02-2027", "DD-MM-YYYY"],
    );
    assert_names(&reason_of(&report, 8), &["ROM-001", "line 2", "line 8"]);
    assert_names(
        &reason_of(&report, 9),
        &[
            "Koninklijke Marechausee",
            "Koninklijke Marine",
            "--create-organisations",
        ],
    );
    assert_names(&reason_of(&report, 11), &["trl"]);
    assert_eq!(
        report.ignored_fields,
        BTreeSet::from(["Notities".to_owned(), "Sector".to_owned()])
    );

    let drones = office.challenge("ROM-001");
    assert_eq!(
        drones.organisation_id, office.dmo,
        "DMO is the existing organisation"
    );
    assert_eq!(
        drones.technologies,
        vec![Technology::AutonomyDrones, Technology::AiData]
    );
    assert_eq!(drones.preferred_provinces, vec![Province::NoordBrabant]);
    assert_eq!((drones.trl_min.get(), drones.trl_max.get()), (4, 7));
    assert_eq!(drones.budget_max_eur, Some(250_000));
    // 1 April 2027 in Amsterdam (summer time) ends at 21:59:59 UTC.
    assert_eq!(drones.closes_at, Some(instant("2027-04-01T21:59:59Z")));

    let radio = office.challenge("ROM-002");
    assert_eq!(radio.organisation_id, office.navy);
    assert_eq!(
        radio.description,
        "Meshradio voor uitgestegen eenheden.\nMoet werken zonder GPS;\nook in de winter."
    );
    assert_eq!(radio.technologies, vec![Technology::Communications]);
    assert_eq!(
        radio.preferred_provinces,
        vec![Province::Zeeland, Province::ZuidHolland]
    );
    assert_eq!(radio.budget_max_eur, Some(1_000_000));
    assert_eq!(radio.closes_at, Some(instant("2027-06-30T21:59:59Z")));

    let cyber = office.challenge("ROM-006");
    assert_eq!(
        cyber.organisation_id, office.army,
        "CLAS is the army's abbreviation"
    );
    assert_eq!(
        cyber.technologies,
        vec![Technology::AutonomyDrones, Technology::Cybersecurity],
        "a Dutch label with a comma in it is one technology"
    );
    // 15 January 2027 is winter time: the day ends at 22:59:59 UTC.
    assert_eq!(cyber.closes_at, Some(instant("2027-01-15T22:59:59Z")));

    assert_eq!(office.challenge_count(), 3);
    assert_eq!(
        office.organisation_names(),
        vec![
            "Commando Landstrijdkrachten (CLAS)",
            "Defensie Materieel Organisatie (DMO)",
            "Koninklijke Marine",
        ],
        "no second DMO, no organisation for the rejected row"
    );
}

#[test]
fn the_summary_gives_how_the_file_was_read_the_counts_every_rejection_and_the_ignored_columns() {
    let mut office = RomOffice::new();
    let (format, report) = office.import(
        &fixture("rom-uitdagingen.csv"),
        RecordKind::Challenges,
        STRICT,
    );

    let summary = summary_text("rom-uitdagingen.csv", format.clone(), &report, 50);

    assert_names(
        &summary,
        &[
            "read as CSV separated by semicolons, Windows-1252",
            "8 record(s) read: 3 created, 0 updated, 0 unchanged, 5 rejected",
            "ignored column(s), not known to defmatch: Notities, Sector",
        ],
    );
    let lines: Vec<&str> = summary
        .lines()
        .filter(|line| line.contains(": rejected:"))
        .collect();
    assert_eq!(lines.len(), 5, "{summary}");
    assert!(lines[0].starts_with("  line 6: rejected:"), "{summary}");
    assert!(lines[4].starts_with("  line 11: rejected:"), "{summary}");
    let short = summary_text("rom-uitdagingen.csv", format, &report, 2);
    assert_names(&short, &["line 6:", "line 7:", "… and 3 more rejection(s)"]);
    assert!(!short.contains("line 8:"), "{short}");
}

#[test]
fn the_report_file_holds_every_rejection_and_ignored_column() {
    let mut office = RomOffice::new();
    let (_, report) = office.import(
        &fixture("rom-uitdagingen.csv"),
        RecordKind::Challenges,
        STRICT,
    );
    let directory = TempDirectory::new("defmatch-import-report");
    let path = directory.path.join("report.csv");

    write_report_csv(&path, &[("rom-uitdagingen.csv".to_owned(), &report)]).expect("write report");

    let mut reader = csv::Reader::from_path(&path).expect("open report");
    let rows: Vec<(String, String)> = reader
        .records()
        .map(|row| {
            let row = row.expect("report row");
            (row[1].to_owned(), row[2].to_owned())
        })
        .collect();
    let rejected: Vec<&str> = rows
        .iter()
        .filter(|(_, outcome)| outcome == "rejected")
        .map(|(line, _)| line.as_str())
        .collect();
    assert_eq!(rejected, vec!["6", "7", "8", "9", "11"]);
    assert_eq!(
        rows.iter()
            .filter(|(_, outcome)| outcome == "ignored column")
            .count(),
        2
    );
}

#[test]
fn an_unknown_organisation_is_created_only_when_asked() {
    let mut office = RomOffice::new();
    let options = ImportOptions {
        create_organisations: true,
        dry_run: false,
        reach: defmatch::domain::policy::ImportReach::Everywhere,
    };

    let (_, report) = office.import(
        &fixture("rom-uitdagingen.csv"),
        RecordKind::Challenges,
        options,
    );

    assert_eq!(report.inserted, 4, "{:?}", report.rejected);
    assert_eq!(rejected_lines(&report), vec![6, 7, 8, 11]);
    assert_eq!(
        report.created_organisations,
        vec!["Koninklijke Marechausee"]
    );
    assert_eq!(
        office.organisation_names().len(),
        4,
        "one new organisation, not a second DMO"
    );
}

#[test]
fn a_dry_run_reports_what_would_happen_and_writes_nothing() {
    let mut office = RomOffice::new();
    let options = ImportOptions {
        create_organisations: true,
        dry_run: true,
        reach: defmatch::domain::policy::ImportReach::Everywhere,
    };

    let (format, report) = office.import(
        &fixture("rom-uitdagingen.csv"),
        RecordKind::Challenges,
        options,
    );

    assert!(report.dry_run);
    assert_eq!((report.inserted, report.rejected.len()), (4, 4));
    assert_eq!(office.challenge_count(), 0);
    assert_eq!(office.organisation_names().len(), 3);
    let summary = summary_text("rom-uitdagingen.csv", format, &report, 50);
    assert_names(
        &summary,
        &[
            "4 would be created",
            "dry run: nothing was written",
            "organisation(s) would be created: Koninklijke Marechausee",
        ],
    );
}

#[test]
fn importing_the_dutch_file_again_leaves_the_same_challenges_unchanged() {
    let mut office = RomOffice::new();
    office.import(
        &fixture("rom-uitdagingen.csv"),
        RecordKind::Challenges,
        STRICT,
    );

    let (_, again) = office.import(
        &fixture("rom-uitdagingen.csv"),
        RecordKind::Challenges,
        STRICT,
    );

    assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 3));
    assert_eq!(rejected_lines(&again), vec![6, 7, 8, 9, 11]);
    assert_eq!(office.challenge_count(), 3);
    assert_eq!(
        office.challenge("ROM-001").version,
        1,
        "an unchanged row is not written again"
    );
}

#[test]
fn a_dutch_excel_export_of_start_ups_imports_with_labels_names_and_accents() {
    let mut office = RomOffice::new();

    let (format, report) =
        office.import(&fixture("rom-startups.csv"), RecordKind::Startups, STRICT);

    assert_eq!(format.encoding, Encoding::Windows1252);
    assert_eq!(report.inserted, 3, "{:?}", report.rejected);
    assert_eq!(rejected_lines(&report), vec![4, 5]);
    assert_names(&reason_of(&report, 4), &["kvk_number"]);
    assert_names(&reason_of(&report, 5), &["Warpaandrijving", "valid codes:"]);
    assert_eq!(report.ignored_fields, BTreeSet::from(["Sector".to_owned()]));
    let radar = office.startup("S-01");
    assert_eq!(radar.name, "Radarwerk B.V.");
    assert_eq!(radar.city.as_deref(), Some("Eindhoven"));
    assert_eq!(radar.province, Some(Province::NoordBrabant));
    assert_eq!(
        radar.technologies,
        vec![Technology::AutonomyDrones, Technology::ImagingSensing]
    );
    assert!(radar.dual_use);
    assert_eq!(radar.employees, Some(12));
    assert_eq!(office.startup("S-02").name, "Coöperatieve Sleutel U.A.");
    assert_eq!(
        office.startup("S-02").technologies,
        vec![Technology::Cybersecurity]
    );
    let photonics = office.startup("S-05");
    assert_eq!(photonics.name, "Fryslân Fotonica");
    assert_eq!(photonics.province, Some(Province::Friesland));
    assert_eq!(photonics.technologies, vec![Technology::Photonics]);
}

#[test]
fn a_comma_separated_utf8_file_with_a_multi_line_cell_reports_physical_lines() {
    let mut office = RomOffice::new();
    let directory = TempDirectory::new("defmatch-import-lines");
    let path = directory.path.join("challenges.csv");
    std::fs::write(
        &path,
        "id,title,description,closes_at,organisation\n\
         a,Radar on masts,\"Line one,\nline two,\nline three\",2027-04-01,DMO\n\
         b,Bad date,Text,tomorrow,DMO\n\
         c,No org,Text,2027-04-01,Nobody Knows\n",
    )
    .expect("write file");

    let (format, report) = office.import(&path, RecordKind::Challenges, STRICT);

    assert_eq!(format.encoding, Encoding::Utf8);
    assert_eq!(format.delimiter, Some(b','));
    assert_eq!(report.inserted, 1);
    assert_eq!(rejected_lines(&report), vec![5, 6]);
    assert_names(&reason_of(&report, 5), &["closes_at", "tomorrow"]);
    assert_eq!(
        office.challenge("a").closes_at,
        Some(instant("2027-04-01T21:59:59Z"))
    );
}

#[test]
fn import_help_describes_every_flag_and_columns_lists_the_dutch_names() {
    let run = |arguments: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_defmatch"))
            .args(arguments)
            .output()
            .expect("run defmatch");
        assert!(output.status.success(), "{arguments:?}: {output:?}");
        String::from_utf8(output.stdout).expect("UTF-8 output")
    };

    let help = run(&["import", "--help"]);
    for flag in [
        "--startups",
        "--challenges",
        "--dry-run",
        "--create-organisations",
        "--report",
        "--max-rejections",
        "--columns",
        "--sheet",
    ] {
        let described = help
            .lines()
            .skip_while(|line| !line.trim_start().starts_with(flag))
            .nth(1)
            .unwrap_or_default();
        assert!(
            help.contains(flag) && !described.trim().is_empty(),
            "{flag} is described:\n{help}"
        );
    }
    let columns = run(&["import", "--columns"]);
    assert_names(
        &columns,
        &[
            "titel",
            "sluitingsdatum",
            "technologieen",
            "provincie",
            "kvk_nummer",
            "omschrijving",
        ],
    );
}
