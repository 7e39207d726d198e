//! Importing an Excel workbook (`.xlsx`) directly: the same columns,
//! values and report as the CSV path, dates and numbers as a person typed
//! them, Excel's row numbers as line numbers, the first or a named sheet,
//! and `defmatch import --sheet` on the command line. The workbooks are
//! written by the tests themselves (rust_xlsxwriter).

use std::process::Command;

use chrono::{DateTime, Utc};
use defmatch::db::organisations::{self, NewOrganisation};
use defmatch::db::{challenges as challenge_rows, startups as startup_rows};
use defmatch::domain::account::OrganisationKind;
use defmatch::domain::region::Province;
use defmatch::domain::taxonomy::Technology;
use defmatch::import::{import_source, read_bytes, ImportOptions, ImportReport, RecordKind};
use diesel::PgConnection;
use rust_xlsxwriter::{Format, Workbook, Worksheet};

use crate::helpers::{TempDirectory, TestDatabase};

const STRICT: ImportOptions = ImportOptions {
    create_organisations: false,
    dry_run: false,
    reach: defmatch::domain::policy::ImportReach::Everywhere,
};

fn write_row(sheet: &mut Worksheet, row: u32, cells: &[&str]) {
    for (column, cell) in cells.iter().enumerate() {
        let column = u16::try_from(column).expect("few columns");
        sheet.write_string(row, column, *cell).expect("write cell");
    }
}

/// A workbook whose first sheet is notes and whose second, "Startups",
/// holds start-ups as a ROM office keeps them: Dutch headers, TRL and head
/// count as numbers, an empty row, and two bad rows.
fn startup_workbook() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let notes = workbook.add_worksheet();
    notes.set_name("Notities").expect("name");
    notes
        .write_string(0, 0, "Bijgewerkt door de ROM")
        .expect("write");
    let sheet = workbook.add_worksheet();
    sheet.set_name("Startups").expect("name");
    write_row(
        sheet,
        0,
        &[
            "Kenmerk",
            "Naam",
            "KvK-nummer",
            "Plaats",
            "Provincie",
            "Omschrijving",
            "Technologieën",
            "TRL",
            "Medewerkers",
            "Sector",
        ],
    );
    write_row(
        sheet,
        1,
        &[
            "X-01",
            "Radarwerk B.V.",
            "81234567",
            "Eindhoven",
            "Noord-Brabant",
            "Passieve radar die kleine drones detecteert.",
            "Drones, Beeldvorming, sensoren en radar",
        ],
    );
    sheet.write_number(1, 7, 6.0).expect("trl");
    sheet.write_number(1, 8, 12.0).expect("employees");
    sheet.write_string(1, 9, "Defensie").expect("sector");
    // Row 3 (index 2) stays empty: Excel's row numbers go on counting.
    write_row(
        sheet,
        3,
        &[
            "X-02",
            "Zonder KvK",
            "",
            "Utrecht",
            "Utrecht",
            "Een bedrijf zonder KvK-nummer.",
            "cyber",
        ],
    );
    write_row(
        sheet,
        4,
        &[
            "X-03",
            "Warp B.V.",
            "81234569",
            "Leeuwarden",
            "Fryslân",
            "Sneller dan het licht.",
            "Warpaandrijving",
        ],
    );
    write_row(
        sheet,
        5,
        &[
            "X-04",
            "Fryslân Fotonica",
            "81234570",
            "Leeuwarden",
            "Fryslân",
            "Fotonische sensoren.",
            "fotonica",
        ],
    );
    sheet.write_number(5, 7, 4.0).expect("trl");
    workbook.save_to_buffer().expect("save workbook")
}

fn import(
    connection: &mut PgConnection,
    bytes: Vec<u8>,
    file_name: &str,
    sheet: Option<&str>,
    kind: RecordKind,
) -> ImportReport {
    let source = read_bytes(bytes, file_name, sheet).expect("read the workbook");
    let (format, report) =
        import_source(connection, kind, source, STRICT, &|_, _| {}).expect("import");
    assert!(format.sheet.is_some(), "read as a workbook");
    report
}

fn rejected_lines(report: &ImportReport) -> Vec<usize> {
    report
        .rejected
        .iter()
        .map(|rejection| rejection.line)
        .collect()
}

#[test]
fn a_named_sheet_of_start_ups_imports_like_its_csv_with_excels_row_numbers() {
    let database = TestDatabase::create();
    let mut connection = database.connect();

    let report = import(
        &mut connection,
        startup_workbook(),
        "startups.xlsx",
        Some("startups"),
        RecordKind::Startups,
    );

    assert_eq!(report.inserted, 2, "{:?}", report.rejected);
    assert_eq!(rejected_lines(&report), vec![4, 5]);
    assert!(
        report.rejected[0].reason.to_string().contains("kvk_number"),
        "{:?}",
        report.rejected
    );
    assert!(
        report.rejected[1]
            .reason
            .to_string()
            .contains("Warpaandrijving"),
        "{:?}",
        report.rejected
    );
    assert_eq!(
        report.ignored_fields.iter().collect::<Vec<_>>(),
        vec!["Sector"]
    );
    let radar = startup_rows::find_by_external_id(&mut connection, "X-01")
        .expect("query")
        .expect("X-01 imported");
    assert_eq!(radar.province, Some(Province::NoordBrabant));
    assert_eq!(radar.trl.map(|trl| trl.get()), Some(6), "6.0 is TRL 6");
    assert_eq!(radar.employees, Some(12));
    assert_eq!(
        radar.technologies,
        vec![Technology::AutonomyDrones, Technology::ImagingSensing]
    );
}

#[test]
fn the_first_sheet_is_read_unless_one_is_named_and_an_unknown_sheet_is_named_back() {
    let first = read_bytes(startup_workbook(), "export.xlsx", None).expect("read");
    assert_eq!(first.sheet.as_deref(), Some("Notities"));
    assert!(
        first.records.is_empty(),
        "the notes sheet has a header only"
    );

    // Detected by the ZIP signature, whatever the file is called.
    let named = read_bytes(startup_workbook(), "export.bin", Some("Startups")).expect("read");
    assert_eq!(named.records.len(), 4);

    let error = read_bytes(startup_workbook(), "export.xlsx", Some("Blad1"))
        .expect_err("no such sheet")
        .to_string();
    assert!(
        error.contains("Blad1") && error.contains("Startups"),
        "{error}"
    );
}

#[test]
fn date_cells_and_serial_dates_are_days_and_amounts_lose_their_fraction() {
    let database = TestDatabase::create();
    let mut connection = database.connect();
    let dmo = organisations::insert(
        &mut connection,
        &NewOrganisation {
            kind: OrganisationKind::Defence,
            name: "Defensie Materieel Organisatie (DMO)",
            rom: None,
        },
    )
    .expect("insert organisation")
    .id;
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    write_row(
        sheet,
        0,
        &[
            "Kenmerk",
            "Titel",
            "Organisatie",
            "Technologieën",
            "Budget",
            "Sluitingsdatum",
        ],
    );
    let date_format = Format::new().set_num_format("dd-mm-yyyy");
    for (row, id) in [(1, "R-01"), (2, "R-02")] {
        write_row(
            sheet,
            row,
            &[id, "Drone-detectie op vliegbases", "DMO", "Drones"],
        );
        sheet.write_number(row, 4, 250000.0).expect("budget");
    }
    // A date cell, and the same day as a bare serial number.
    sheet
        .write_number_with_format(1, 5, 46478.0, &date_format)
        .expect("date cell");
    sheet.write_number(2, 5, 46478.0).expect("serial date");
    let bytes = workbook.save_to_buffer().expect("save");

    let report = import(
        &mut connection,
        bytes,
        "uitdagingen.xlsx",
        None,
        RecordKind::Challenges,
    );

    assert_eq!(report.inserted, 2, "{:?}", report.rejected);
    let deadline: DateTime<Utc> = "2027-04-01T21:59:59Z".parse().expect("instant");
    for id in ["R-01", "R-02"] {
        let challenge = challenge_rows::find_by_external_id(&mut connection, id)
            .expect("query")
            .expect("imported");
        assert_eq!(challenge.organisation_id, dmo);
        assert_eq!(
            challenge.closes_at,
            Some(deadline),
            "{id}: the end of 1 April 2027 in Amsterdam"
        );
        assert_eq!(challenge.budget_min_eur, Some(250_000));
    }
}

#[test]
fn defmatch_import_reads_a_named_sheet_of_a_workbook() {
    let database = TestDatabase::create();
    let files = TempDirectory::new("defmatch-import-xlsx");
    let path = files.path.join("rom-startups.xlsx");
    std::fs::write(&path, startup_workbook()).expect("write workbook");

    let output = Command::new(env!("CARGO_BIN_EXE_defmatch"))
        .env("DATABASE_URL", &database.url)
        .args(["import", "--dry-run", "--sheet", "Startups", "--startups"])
        .arg(&path)
        .output()
        .expect("run defmatch");

    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert!(
        stdout.contains("an .xlsx workbook, sheet `Startups`"),
        "{stdout}"
    );
    assert!(stdout.contains("2 would be created"), "{stdout}");
    assert!(
        stdout.contains("line 4: rejected") && stdout.contains("line 5: rejected"),
        "{stdout}"
    );
    let mut connection = database.connect();
    assert!(
        startup_rows::find_by_external_id(&mut connection, "X-01")
            .expect("query")
            .is_none(),
        "a dry run writes nothing"
    );
}
