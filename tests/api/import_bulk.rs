//! The bulk write of an import: a batch that breaks a database rule still
//! rejects only the row that breaks it, companies that share a name are
//! told apart, and a file imported again gets a verdict per row with an
//! outbox entry for exactly the rows written.

use std::path::PathBuf;

use defmatch::db::schema::{organisations, search_outbox, startups};
use defmatch::domain::account::OrganisationKind;
use defmatch::import::{
    import_records, read_records, ImportOptions, ImportReport, RecordKind, Written, BATCH_RECORDS,
};
use diesel::prelude::*;
use diesel::PgConnection;
use uuid::Uuid;

use crate::helpers::{TempDirectory, TestDatabase};

struct BulkFixture {
    _database: TestDatabase,
    files: TempDirectory,
    connection: PgConnection,
}

impl BulkFixture {
    fn new() -> Self {
        let database = TestDatabase::create();
        let connection = database.connect();
        BulkFixture {
            _database: database,
            files: TempDirectory::new("defmatch-import-bulk"),
            connection,
        }
    }

    fn import_startups(&mut self, name: &str, lines: &[String]) -> ImportReport {
        self.import_startups_reporting(name, lines, &|_, _| {})
    }

    fn import_startups_reporting(
        &mut self,
        name: &str,
        lines: &[String],
        progress: &dyn Fn(u64, u64),
    ) -> ImportReport {
        let path: PathBuf = self.files.path.join(name);
        std::fs::write(&path, lines.join("\n") + "\n").expect("write import file");
        let source = read_records(&path).expect("read import file");
        import_records(
            &mut self.connection,
            RecordKind::Startups,
            source.records,
            ImportOptions {
                create_organisations: true,
                ..ImportOptions::default()
            },
            progress,
        )
        .expect("import")
    }

    fn startup_count(&mut self) -> i64 {
        startups::table
            .count()
            .get_result(&mut self.connection)
            .expect("count start-ups")
    }

    fn outbox_count(&mut self) -> i64 {
        search_outbox::table
            .count()
            .get_result(&mut self.connection)
            .expect("count outbox rows")
    }

    fn company_names(&mut self) -> Vec<String> {
        organisations::table
            .filter(organisations::kind.eq(OrganisationKind::StartupCompany))
            .select(organisations::name)
            .load::<String>(&mut self.connection)
            .map(|mut names| {
                names.sort();
                names
            })
            .expect("company names")
    }
}

/// A Dutch start-up record as a JSON line.
fn startup(external_id: &str, name: &str, kvk: &str, description: &str) -> String {
    format!(
        r#"{{"id":"{external_id}","name":"{name}","kvk_number":"{kvk}","description":"{description}","technologies":["imaging-sensing"],"keywords":["radar"],"province":"NL-NH"}}"#
    )
}

fn verdicts(report: &ImportReport) -> Vec<(usize, Written)> {
    report
        .written
        .iter()
        .map(|row| (row.line, row.verdict))
        .collect()
}

#[test]
fn a_start_up_whose_kvk_number_another_has_is_rejected_and_the_rest_of_its_batch_kept() {
    let mut fixture = BulkFixture::new();

    let report = fixture.import_startups(
        "kvk.jsonl",
        &[
            startup("s-1", "Radar Works", "81234567", "Passive radar."),
            startup("s-2", "Copy Cat", "81234567", "The same KvK number."),
            startup("s-3", "Sonar Works", "81234568", "Active sonar."),
        ],
    );

    assert_eq!(
        verdicts(&report),
        vec![(1, Written::Inserted), (3, Written::Inserted)]
    );
    assert_eq!(report.rejected.len(), 1, "{:?}", report.rejected);
    assert_eq!(report.rejected[0].line, 2);
    assert_eq!(
        report.rejected[0].reason.to_string(),
        "breaks database rule startups_kvk_number_key"
    );
    assert_eq!(fixture.startup_count(), 2);
    assert_eq!(
        fixture.outbox_count(),
        2,
        "one outbox entry per stored start-up"
    );
    assert_eq!(
        fixture.company_names(),
        vec!["Radar Works".to_owned(), "Sonar Works".to_owned()],
        "the rejected row left no company behind"
    );
}

#[test]
fn a_file_of_several_batches_keeps_its_good_rows_rejects_a_later_repeat_and_reports_each_batch() {
    let mut fixture = BulkFixture::new();
    let count = BATCH_RECORDS * 2 + 10;
    let mut lines: Vec<String> = (0..count)
        .map(|row| {
            startup(
                &format!("s-{row}"),
                &format!("Company {row}"),
                &format!("{:08}", 81_000_000 + row),
                "Passive radar.",
            )
        })
        .collect();
    // In the third batch: a repeat of the first row's id, and a row with no
    // description.
    lines[BATCH_RECORDS * 2 + 3] = startup("s-0", "Late Copy", "89999999", "A repeat.");
    lines[BATCH_RECORDS * 2 + 5] = startup("s-x", "Empty", "89999998", "");
    let reported = std::cell::RefCell::new(Vec::new());

    let report = fixture.import_startups_reporting("batches.jsonl", &lines, &|done, total| {
        reported.borrow_mut().push((done, total))
    });

    let total = count as u64;
    assert_eq!(
        reported.into_inner(),
        vec![
            (BATCH_RECORDS as u64, total),
            (2 * BATCH_RECORDS as u64, total),
            (total, total)
        ]
    );
    assert_eq!(report.inserted, count - 2);
    let rejected: Vec<(usize, String)> = report
        .rejected
        .iter()
        .map(|rejection| (rejection.line, rejection.reason.to_string()))
        .collect();
    assert_eq!(rejected.len(), 2, "{rejected:?}");
    let repeat_line = BATCH_RECORDS * 2 + 4;
    assert_eq!(rejected[0].0, repeat_line);
    assert!(
        rejected[0]
            .1
            .contains(&format!("on line 1 and on line {repeat_line}")),
        "{}",
        rejected[0].1
    );
    assert_eq!(rejected[1].0, BATCH_RECORDS * 2 + 6);
    assert!(rejected[1].1.contains("description"), "{}", rejected[1].1);
    assert_eq!(fixture.startup_count(), (count - 2) as i64);
    assert_eq!(fixture.outbox_count(), (count - 2) as i64);
}

#[test]
fn companies_that_share_a_name_are_told_apart_by_external_id_within_a_file_and_across_files() {
    let mut fixture = BulkFixture::new();

    let first = fixture.import_startups(
        "first.jsonl",
        &[
            startup("s-1", "Radar Works", "81234567", "Passive radar."),
            startup(
                "s-2",
                "radar works",
                "81234568",
                "Another firm of that name.",
            ),
        ],
    );
    let second = fixture.import_startups(
        "second.jsonl",
        &[startup("s-3", "Radar Works", "81234569", "A third one.")],
    );

    assert_eq!(first.inserted, 2, "{:?}", first.rejected);
    assert_eq!(second.inserted, 1, "{:?}", second.rejected);
    assert_eq!(
        fixture.company_names(),
        vec![
            "Radar Works".to_owned(),
            "Radar Works [s-3]".to_owned(),
            "radar works [s-2]".to_owned(),
        ]
    );
}

#[test]
fn a_file_imported_again_gets_a_verdict_per_row_and_outbox_entries_for_the_rows_written() {
    let mut fixture = BulkFixture::new();
    fixture.import_startups(
        "first.jsonl",
        &[
            startup("s-1", "Radar Works", "81234567", "Passive radar."),
            startup("s-2", "Sonar Works", "81234568", "Active sonar."),
        ],
    );
    let outbox_before = fixture.outbox_count();

    let report = fixture.import_startups(
        "again.jsonl",
        &[
            startup("s-1", "Radar Works", "81234567", "Passive radar."),
            startup(
                "s-2",
                "Sonar Works",
                "81234568",
                "Active and passive sonar.",
            ),
            startup("s-3", "Lidar Works", "81234569", "Lidar."),
        ],
    );

    assert_eq!(
        verdicts(&report),
        vec![
            (1, Written::Unchanged),
            (2, Written::Updated),
            (3, Written::Inserted)
        ]
    );
    assert_eq!(
        (report.inserted, report.updated, report.unchanged),
        (1, 1, 1)
    );
    assert_eq!(fixture.startup_count(), 3);
    assert_eq!(
        fixture.outbox_count() - outbox_before,
        2,
        "the changed and the new start-up, not the unchanged one"
    );
    let description: String = startups::table
        .filter(startups::external_id.eq("s-2"))
        .select(startups::description)
        .first(&mut fixture.connection)
        .expect("s-2");
    assert_eq!(description, "Active and passive sonar.");
}

#[test]
fn a_start_up_imported_in_bulk_gets_the_card_its_own_save_would_give_naming_neither_it_nor_its_city(
) {
    let mut fixture = BulkFixture::new();
    // Enough records for a second batch, so the card is redacted on the
    // import's validating thread as well as for the first batch.
    let mut lines: Vec<String> = (0..BATCH_RECORDS + 5)
        .map(|index| {
            startup(
                &format!("s-{index}"),
                &format!("Filler {index}"),
                &format!("8{index:07}"),
                "Passive radar.",
            )
        })
        .collect();
    let canary = r#"{"id":"s-canary","name":"Quetzalradar","kvk_number":"87654321","website":"https://quetzalradar.example","city":"Zaltbommel","description":"Quetzalradar of Zaltbommel builds passive radar; see quetzalradar.example.","technologies":["imaging-sensing"],"keywords":["Quetzalradar radar","passive radar"],"province":"NL-GE"}"#;
    lines.push(canary.to_owned());
    let report = fixture.import_startups("canary.jsonl", &lines);
    assert_eq!(report.inserted, BATCH_RECORDS + 6, "{:?}", report.rejected);

    let card = |connection: &mut PgConnection| -> (Uuid, String, Vec<String>) {
        startups::table
            .filter(startups::external_id.eq("s-canary"))
            .select((
                startups::id,
                startups::description_anonymised,
                startups::keywords_redacted,
            ))
            .first(connection)
            .expect("the canary's card")
    };
    let (id, description, keywords) = card(&mut fixture.connection);
    for text in std::iter::once(&description).chain(&keywords) {
        let folded = text.to_lowercase();
        assert!(
            !folded.contains("quetzalradar") && !folded.contains("zaltbommel"),
            "the card names the company or its city: {text}"
        );
    }
    assert!(description.contains("passive radar"), "{description}");
    assert!(
        keywords.contains(&"passive radar".to_owned()),
        "{keywords:?}"
    );

    // The card a save of the profile makes (its organisation's people read
    // from the database) is the one the import wrote.
    defmatch::db::startups::refresh_redaction(&mut fixture.connection, id).expect("redact again");
    assert_eq!(
        card(&mut fixture.connection),
        (id, description, keywords),
        "redacting again changed the imported card"
    );
}
