//! The import page (`/import`) over HTTP: a ROM office's own spreadsheet
//! (semicolons, Windows-1252, Dutch headers, labels, DD-MM-YYYY) uploaded,
//! previewed row by row, confirmed once; a ROM officer's rows outside their
//! provinces rejected, also on confirm; procurement and start-ups refused;
//! errors beside the field, in Dutch for a Dutch visitor.

use std::path::Path;

use defmatch::db::schema::{audit_events, startups};
use defmatch::domain::account::OrganisationKind;
use defmatch::domain::region::Rom;
use diesel::prelude::*;
use serde_json::Value;

use crate::helpers::{spawn_app, Reply, TestApp};
use crate::web_pages::{html, signed_in, WebVisitor};

const BOUNDARY: &str = "----defmatchTestBoundary7MA4YWxk";

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/import")
            .join(name),
    )
    .expect("read the fixture")
}

/// A file to upload: its name and bytes.
struct Upload<'a> {
    file_name: &'a str,
    content: &'a [u8],
    kind: &'a str,
    sheet: &'a str,
    create_organisations: bool,
}

impl<'a> Upload<'a> {
    fn startups(file_name: &'a str, content: &'a [u8]) -> Self {
        Upload {
            file_name,
            content,
            kind: "startups",
            sheet: "",
            create_organisations: false,
        }
    }
}

/// The form as a browser sends it, with the visitor's CSRF token.
fn multipart_body(csrf: &str, upload: &Upload<'_>) -> Vec<u8> {
    let mut body = Vec::new();
    let mut text_field = |name: &str, value: &str| {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    };
    text_field("csrf", csrf);
    text_field("kind", upload.kind);
    text_field("sheet", upload.sheet);
    if upload.create_organisations {
        text_field("create_organisations", "yes");
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            upload.file_name
        )
        .as_bytes(),
    );
    body.extend_from_slice(upload.content);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// POSTs `upload` to `/import` as `visitor`'s browser would.
async fn upload_file(app: &TestApp, visitor: &WebVisitor<'_>, upload: &Upload<'_>) -> Reply {
    let csrf = visitor
        .cookies
        .get("defmatch_csrf")
        .cloned()
        .unwrap_or_default();
    post_multipart(app, visitor, multipart_body(&csrf, upload)).await
}

async fn post_multipart(app: &TestApp, visitor: &WebVisitor<'_>, body: Vec<u8>) -> Reply {
    let cookies = visitor
        .cookies
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("; ");
    let client = awc::Client::builder()
        .disable_redirects()
        .timeout(std::time::Duration::from_secs(60))
        .finish();
    let mut response = client
        .post(format!("{}/import", app.address))
        .insert_header(("Accept", "text/html"))
        .insert_header(("Cookie", cookies))
        .insert_header((
            "Content-Type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        ))
        .send_body(body)
        .await
        .expect("upload sent");
    let bytes = response
        .body()
        .limit(16 * 1024 * 1024)
        .await
        .expect("read body");
    Reply {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: Value::String(String::from_utf8_lossy(&bytes).into_owned()),
    }
}

/// The preview an accepted upload goes to.
fn preview_path(reply: &Reply) -> String {
    let location = reply.header("location").expect("a redirect to the preview");
    assert!(location.starts_with("/import/"), "{location}");
    location
}

/// The row of the line `line` in the tables of rows (below the counts), as text.
fn row_of_line(page: &str, line: usize) -> String {
    let rows = page
        .split_once("id=\"rejections-heading\"")
        .map_or("", |(_, rows)| rows);
    rows.split("<tr")
        .find(|row| row.contains(&format!("<td>{line}</td>")))
        .unwrap_or_else(|| panic!("no row for line {line} in {page}"))
        .to_owned()
}

fn stored_startups(app: &TestApp) -> Vec<String> {
    let mut connection = app.database.connect();
    let mut ids: Vec<String> = startups::table
        .select(startups::external_id)
        .load::<Option<String>>(&mut connection)
        .expect("start-ups")
        .into_iter()
        .flatten()
        .collect();
    ids.sort();
    ids
}

fn import_audit_details(app: &TestApp) -> Vec<Value> {
    let mut connection = app.database.connect();
    audit_events::table
        .filter(audit_events::action.eq("import"))
        .select(audit_events::detail)
        .load(&mut connection)
        .expect("audit events")
}

#[actix_web::test]
async fn an_admin_previews_the_rom_spreadsheet_row_by_row_and_confirm_imports_the_good_rows_once() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let mut visitor = signed_in(&app, &admin.email).await;
    let form = visitor.get("/import").await.expect(200);
    assert!(html(&form).contains("enctype=\"multipart/form-data\""));
    assert!(html(&form).contains("name=\"create_organisations\""));

    let spreadsheet = fixture("rom-startups.csv");
    let uploaded = upload_file(
        &app,
        &visitor,
        &Upload::startups("rom-startups.csv", &spreadsheet),
    )
    .await
    .expect(303);
    let preview_at = preview_path(&uploaded);
    let preview = visitor.get(&preview_at).await.expect(200);
    let page = html(&preview);
    assert!(
        page.contains("CSV separated by semicolons, Windows-1252"),
        "{page}"
    );
    assert!(row_of_line(page, 2).contains("S-01"));
    assert!(row_of_line(page, 2).contains("Would be created"));
    assert!(row_of_line(page, 3).contains("Would be created"));
    assert!(row_of_line(page, 4).contains("S-03"));
    assert!(
        row_of_line(page, 4).contains("KvK"),
        "{}",
        row_of_line(page, 4)
    );
    assert!(row_of_line(page, 5).contains("Warpaandrijving"));
    assert!(row_of_line(page, 6).contains("Would be created"));
    assert!(page.contains("<code>Sector</code>"), "the ignored column");
    assert_eq!(
        stored_startups(&app),
        Vec::<String>::new(),
        "a preview writes nothing"
    );

    let confirm_at = format!("{preview_at}/confirm");
    let imported = visitor.post_form(&confirm_at, &[]).await.expect(200);
    let page = html(&imported);
    assert!(page.contains("Imported: rom-startups.csv"), "{page}");
    assert!(row_of_line(page, 2).contains("Created"));
    assert!(row_of_line(page, 4).contains("KvK"));
    assert_eq!(stored_startups(&app), vec!["S-01", "S-02", "S-05"]);
    let audited = import_audit_details(&app);
    assert_eq!(audited.len(), 1);
    assert_eq!(audited[0]["created"], 3);
    assert_eq!(audited[0]["rejected"], 2);
    assert_eq!(audited[0]["file"], "rom-startups.csv");

    let report = visitor
        .get(&format!("{preview_at}/report.csv"))
        .await
        .expect(200);
    let csv = html(&report);
    assert!(csv.starts_with("file,line,outcome,reason"), "{csv}");
    assert!(csv.contains("rom-startups.csv,4,rejected,"), "{csv}");
    assert!(csv.contains("rom-startups.csv,5,rejected,"), "{csv}");
    assert!(csv.contains("ignored column,Sector"), "{csv}");

    let again = visitor.post_form(&confirm_at, &[]).await.expect(409);
    assert!(
        html(&again).contains("imported already"),
        "{}",
        html(&again)
    );
    assert!(visitor.get(&preview_at).await.expect(409).status == 409);
    assert_eq!(import_audit_details(&app).len(), 1, "one import, once");
}

#[actix_web::test]
async fn a_rom_officer_imports_start_ups_of_their_provinces_only_also_on_confirm() {
    let app = spawn_app().await;
    // One start-up of Utrecht exists already, imported by an admin.
    let admin = app.admin().await;
    let mut admin_visitor = signed_in(&app, &admin.email).await;
    let utrecht = "Kenmerk;Naam;KvK-nummer;Plaats;Provincie;Omschrijving\r\nU-01;Stichtse Sensoren B.V.;81230001;Utrecht;Utrecht;Sensoren voor drones.\r\n".as_bytes();
    let uploaded = upload_file(
        &app,
        &admin_visitor,
        &Upload::startups("utrecht.csv", utrecht),
    )
    .await
    .expect(303);
    admin_visitor
        .post_form(&format!("{}/confirm", preview_path(&uploaded)), &[])
        .await
        .expect(200);

    let bom = app.rom_officer(Rom::Bom).await;
    let mut officer = signed_in(&app, &bom.email).await;
    let form = officer.get("/import").await.expect(200);
    assert!(html(&form).contains("outside your ROM"));
    assert!(!html(&form).contains("create_organisations"));

    let spreadsheet = fixture("rom-startups.csv");
    let uploaded = upload_file(
        &app,
        &officer,
        &Upload::startups("rom-startups.csv", &spreadsheet),
    )
    .await
    .expect(303);
    let preview_at = preview_path(&uploaded);
    let preview = officer.get(&preview_at).await.expect(200);
    let page = html(&preview);
    assert!(row_of_line(page, 2).contains("Would be created"));
    assert!(
        row_of_line(page, 3).contains("Utrecht (NL-UT) is outside the provinces of BOM"),
        "{}",
        row_of_line(page, 3)
    );
    assert!(row_of_line(page, 6).contains("Friesland (Fryslân) (NL-FR) is outside"));

    let imported = officer
        .post_form(&format!("{preview_at}/confirm"), &[])
        .await
        .expect(200);
    assert!(row_of_line(html(&imported), 3).contains("is outside the provinces"));
    assert_eq!(stored_startups(&app), vec!["S-01", "U-01"]);

    // A row inside the officer's provinces may not take over a start-up of another region.
    let moved = "Kenmerk;Naam;KvK-nummer;Plaats;Provincie;Omschrijving\r\nU-01;Stichtse Sensoren B.V.;81230001;Breda;Noord-Brabant;Sensoren voor drones.\r\n".as_bytes();
    let uploaded = upload_file(&app, &officer, &Upload::startups("moved.csv", moved))
        .await
        .expect(303);
    let preview = officer.get(&preview_path(&uploaded)).await.expect(200);
    assert!(
        row_of_line(html(&preview), 2).contains("is a start-up in Utrecht (NL-UT)"),
        "{}",
        html(&preview)
    );

    // Challenges are not theirs to import.
    let challenges = fixture("rom-uitdagingen.csv");
    let refused = upload_file(
        &app,
        &officer,
        &Upload {
            kind: "challenges",
            ..Upload::startups("rom-uitdagingen.csv", &challenges)
        },
    )
    .await
    .expect(403);
    assert!(html(&refused).contains("ROM officers import start-ups"));

    // Nor is another person's upload theirs to see.
    admin_visitor.get(&preview_at).await.expect(404);
}

#[actix_web::test]
async fn an_admin_previews_dutch_challenges_with_every_reason_in_dutch_and_in_english() {
    let app = spawn_app().await;
    for name in [
        "Defensie Materieel Organisatie (DMO)",
        "Koninklijke Marine",
        "Commando Landstrijdkrachten (CLAS)",
    ] {
        app.create_organisation(OrganisationKind::Defence, name, None);
    }
    let admin = app.admin().await;
    let mut visitor = signed_in(&app, &admin.email).await;
    visitor
        .cookies
        .insert("defmatch_lang".to_owned(), "nl".to_owned());
    let challenges = fixture("rom-uitdagingen.csv");
    let uploaded = upload_file(
        &app,
        &visitor,
        &Upload {
            kind: "challenges",
            ..Upload::startups("rom-uitdagingen.csv", &challenges)
        },
    )
    .await
    .expect(303);
    let preview = visitor.get(&preview_path(&uploaded)).await.expect(200);
    let page = html(&preview);
    assert!(page.contains("Voorbeeld van rom-uitdagingen.csv"), "{page}");
    assert!(page.contains("CSV gescheiden door puntkomma's, Windows-1252"));
    assert!(row_of_line(page, 2).contains("Zou worden aangemaakt"));
    assert!(page.contains("<code>Notities</code>") && page.contains("<code>Sector</code>"));
    // CLAS is the abbreviation of an organisation that exists here.
    assert!(row_of_line(page, 10).contains("Zou worden aangemaakt"));
    let rejected = page.matches("class=\"rejected-row\"").count();
    assert_eq!(rejected, 5, "{page}");

    // Every reason in Dutch, with the closest valid choices.
    let dutch_reasons = [
        (
            6,
            "technologies: onbekende technologie `Warpaandrijving`; het meest lijken erop: ",
        ),
        (
            7,
            "closes_at: `31-02-2027` is geen datum (schrijf JJJJ-MM-DD of DD-MM-JJJJ)",
        ),
        (
            8,
            "external_id `ROM-001` staat twee keer in het bestand: op regel 2 en op regel 8",
        ),
        (
            9,
            "organisation: er is geen defensieorganisatie met de naam `Koninklijke Marechausee`; bedoel je `",
        ),
        (11, "De laagste TRL mag niet hoger zijn dan de hoogste."),
    ];
    for (line, reason) in dutch_reasons {
        let row = row_of_line(page, line);
        assert!(row.contains(reason), "line {line}: {row}");
        assert!(!row.contains("lang=\"en\""), "line {line}: {row}");
    }
    assert!(row_of_line(page, 6).contains("geldige codes: ai-data, "));
    assert!(row_of_line(page, 9).contains("`Koninklijke Marine`"));
    assert!(!page.contains("in het Engels"), "{page}");

    // The same preview for an English visitor keeps the English reasons.
    visitor
        .cookies
        .insert("defmatch_lang".to_owned(), "en".to_owned());
    let preview = visitor.get(&preview_path(&uploaded)).await.expect(200);
    let page = html(&preview);
    let english_reasons = [
        (
            6,
            "technologies: unknown technology `Warpaandrijving`; closest: ",
        ),
        (
            7,
            "closes_at: `31-02-2027` is not a date (write YYYY-MM-DD or DD-MM-YYYY)",
        ),
        (
            8,
            "external_id `ROM-001` appears twice in the file: on line 2 and on line 8",
        ),
        (
            9,
            "organisation: no defence organisation is called `Koninklijke Marechausee`; did you mean `",
        ),
        (11, "trl_min must not be greater than trl_max"),
    ];
    for (line, reason) in english_reasons {
        let row = row_of_line(page, line);
        assert!(row.contains(reason), "line {line}: {row}");
    }
}

#[actix_web::test]
async fn procurement_and_start_ups_are_refused_and_visitors_must_log_in() {
    let app = spawn_app().await;
    let procurement = app.procurement("DMO").await;
    let mut officer = signed_in(&app, &procurement.email).await;
    officer.get("/import").await.expect(403);
    let spreadsheet = fixture("rom-startups.csv");
    upload_file(
        &app,
        &officer,
        &Upload::startups("rom-startups.csv", &spreadsheet),
    )
    .await
    .expect(403);
    let founder = app.startup_account("Radarwerk").await;
    let mut founder = signed_in(&app, &founder.email).await;
    founder.get("/import").await.expect(403);

    let mut stranger = WebVisitor::new(&app);
    let redirected = stranger.get("/import").await.expect(303);
    assert!(redirected
        .header("location")
        .is_some_and(|to| to.starts_with("/login")));
    assert!(stored_startups(&app).is_empty());
}

#[actix_web::test]
async fn upload_errors_stand_beside_the_file_field_in_dutch() {
    let app = spawn_app().await;
    let bom = app.rom_officer(Rom::Bom).await;
    let mut officer = signed_in(&app, &bom.email).await;
    officer
        .cookies
        .insert("defmatch_lang".to_owned(), "nl".to_owned());
    officer.get("/import").await.expect(200);

    let nothing = upload_file(&app, &officer, &Upload::startups("", b""))
        .await
        .expect(400);
    assert!(
        file_error(&nothing).contains("Dit veld is verplicht."),
        "{}",
        html(&nothing)
    );

    let pdf = upload_file(
        &app,
        &officer,
        &Upload::startups("startups.pdf", b"%PDF-1.7"),
    )
    .await
    .expect(400);
    assert!(file_error(&pdf).contains("Kies een .csv- of .xlsx-bestand"));

    let broken = upload_file(
        &app,
        &officer,
        &Upload::startups("startups.xlsx", b"PK\x03\x04 not a zip"),
    )
    .await
    .expect(400);
    assert!(file_error(&broken).contains("Dit bestand kan niet worden gelezen"));

    // Just over the limit is read and refused; far over it is not even read whole.
    let too_large = vec![b'a'; 10 * 1024 * 1024 + 1];
    let refused = upload_file(&app, &officer, &Upload::startups("big.csv", &too_large))
        .await
        .expect(400);
    assert!(file_error(&refused).contains("groter dan 10 MB"));
    let far_too_large = vec![b'a'; 11 * 1024 * 1024];
    let refused = upload_file(&app, &officer, &Upload::startups("big.csv", &far_too_large))
        .await
        .expect(413);
    assert!(file_error(&refused).contains("groter dan 10 MB"));

    let forged = post_multipart(
        &app,
        &officer,
        multipart_body(
            "forged",
            &Upload::startups("rom-startups.csv", b"Kenmerk\r\nS-01\r\n"),
        ),
    )
    .await
    .expect(403);
    assert!(!html(&forged).is_empty());
    assert!(stored_startups(&app).is_empty());
}

/// The error shown beside the file field.
fn file_error(reply: &Reply) -> String {
    html(reply)
        .split("id=\"error-file\"")
        .nth(1)
        .and_then(|rest| rest.split("</p>").next())
        .unwrap_or_default()
        .to_owned()
}
