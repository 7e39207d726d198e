//! The import page's operations: upload a file, preview it (a dry run of
//! the import), confirm it (the real import of exactly the previewed
//! bytes), and download its rejections. The file is the same one
//! `defmatch import` reads (`crate::import`); what differs is who may:
//! `domain::policy::imports`. The uploaded bytes stay in the database
//! between the preview and the confirmation, for an hour and one import,
//! so the browser never sends the content twice.

mod view;

use chrono::{Duration, Utc};
use diesel::PgConnection;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{AppError, AppState, Conflict, Subject};
use crate::db::audit::{self, NewAuditEvent};
use crate::db::import_uploads::{self, NewUpload, UploadRow};
use crate::domain::audit::{AuditAction, AuditSubject};
use crate::domain::policy::{ImportReach, Member};
use crate::domain::Rule;
use crate::import::records::external_id_of;
pub use crate::import::RecordKind;
use crate::import::{import_source, read_bytes, write_report_csv_to, ImportOptions, SourceFile};

pub use view::{kind_code, kind_from_code, ImportResult, RowOutcome, RowVerdict};
// What the pages need to show a result, without reaching behind the use cases.
pub use crate::import::decode::Encoding;
pub use crate::import::rejection::{status_codes, technology_codes};
pub use crate::import::{FileFormat, RejectionReason, ValueProblem, Written};

/// The largest file the page takes; bigger ones go through `defmatch import`.
pub const MAX_FILE_MEGABYTES: usize = 10;
/// [`MAX_FILE_MEGABYTES`] in bytes.
pub const MAX_FILE_BYTES: usize = MAX_FILE_MEGABYTES * 1024 * 1024;

/// How long an upload waits for its confirmation.
const UPLOAD_LIFETIME_MINUTES: i64 = 60;

/// The extensions the page takes: what `import::read_bytes` reads.
const READABLE_EXTENSIONS: [&str; 4] = ["csv", "txt", "xlsx", "jsonl"];

/// A file uploaded to be imported.
#[derive(Debug, Clone)]
pub struct UploadRequest {
    pub kind: RecordKind,
    /// The file's name as the browser sent it; only its last part is kept.
    pub file_name: String,
    pub content: Vec<u8>,
    /// The sheet of an `.xlsx` workbook; the first when `None`.
    pub sheet: Option<String>,
    /// Create the defence organisations that challenges name and that do not exist.
    pub create_organisations: bool,
}

/// Stores an upload of `member` after checking that they may import its
/// kind and that the file can be read; the upload's id, for the preview.
pub async fn upload(
    state: &AppState,
    member: &Member,
    request: UploadRequest,
) -> Result<Uuid, AppError> {
    options_for(member, request.kind, request.create_organisations, true)?;
    let file_name = base_name(&request.file_name);
    if request.content.is_empty() || file_name.is_empty() {
        return Err(AppError::invalid("file", Rule::Required));
    }
    if request.content.len() > MAX_FILE_BYTES {
        return Err(AppError::invalid(
            "file",
            Rule::FileTooLarge {
                max_megabytes: MAX_FILE_MEGABYTES,
            },
        ));
    }
    let extension = std::path::Path::new(&file_name)
        .extension()
        .map(|extension| extension.to_string_lossy().to_ascii_lowercase());
    if !extension.is_some_and(|extension| READABLE_EXTENSIONS.contains(&extension.as_str())) {
        return Err(AppError::invalid("file", Rule::FileType));
    }
    let sheet = request
        .sheet
        .map(|sheet| sheet.trim().to_owned())
        .filter(|sheet| !sheet.is_empty());
    if sheet
        .as_ref()
        .is_some_and(|sheet| sheet.chars().count() > 100)
    {
        return Err(AppError::invalid("sheet", Rule::TooLong { max: 100 }));
    }
    let uploader = member.user_id;
    state
        .with_connection(move |connection| {
            // Read once now, so that a file that cannot be read is an error
            // beside the field, not a preview of nothing.
            read_source(request.content.clone(), &file_name, sheet.as_deref())?;
            let now = Utc::now();
            import_uploads::delete_expired(connection, now)?;
            let sha256 = Sha256::digest(&request.content);
            let id = import_uploads::insert(
                connection,
                &NewUpload {
                    uploaded_by: uploader,
                    kind: kind_code(request.kind),
                    file_name: &file_name,
                    sheet: sheet.as_deref(),
                    create_organisations: request.create_organisations,
                    content: &request.content,
                    sha256: &sha256[..],
                    expires_at: now + Duration::minutes(UPLOAD_LIFETIME_MINUTES),
                },
            )?;
            Ok(id)
        })
        .await
}

/// What importing the upload `upload_id` of `member` would do: the import
/// run and rolled back. The rules are asked again, as on confirming.
pub async fn preview(
    state: &AppState,
    member: &Member,
    upload_id: Uuid,
) -> Result<ImportResult, AppError> {
    let member = member.clone();
    state
        .with_connection(move |connection| {
            let upload = pending_upload(connection, &member, upload_id)?;
            let content = upload.content.clone();
            run(connection, &member, &upload, content, true)
        })
        .await
}

/// Imports the upload `upload_id` of `member`, exactly the bytes that were
/// previewed, once: a second confirmation, or one after the hour, is
/// refused. The import is audited with its counts.
pub async fn confirm(
    state: &AppState,
    member: &Member,
    upload_id: Uuid,
) -> Result<ImportResult, AppError> {
    let member = member.clone();
    state
        .with_connection(move |connection| {
            let upload = pending_upload(connection, &member, upload_id)?;
            if !import_uploads::claim_for_import(connection, upload_id, Utc::now())? {
                return Err(Conflict::UploadSpent.into());
            }
            let content = upload.content.clone();
            let result = run(connection, &member, &upload, content, false)?;
            let report = &result.report;
            audit::record(
                connection,
                &NewAuditEvent::new(
                    Some(member.user_id),
                    AuditAction::Import,
                    AuditSubject::Import,
                    Some(upload_id),
                )
                .with_detail(serde_json::json!({
                    "kind": kind_code(result.kind),
                    "file": result.file_name,
                    "sha256": hex::encode(&upload.sha256),
                    "created": report.inserted,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "rejected": report.rejected.len(),
                    "organisations_created": report.created_organisations.len(),
                })),
            )?;
            Ok(result)
        })
        .await
}

/// The rejections and ignored columns of the last preview or the import of
/// the upload `upload_id` of `member`, as `defmatch import --report` writes
/// them, with the file name to offer; while the upload has not expired.
pub async fn report_csv(
    state: &AppState,
    member: &Member,
    upload_id: Uuid,
) -> Result<(String, Vec<u8>), AppError> {
    let uploader = member.user_id;
    let found = state
        .with_connection(move |connection| {
            Ok(import_uploads::find_report(
                connection,
                upload_id,
                uploader,
                Utc::now(),
            )?)
        })
        .await?;
    match found {
        Some((file_name, Some(report))) => Ok((file_name, report)),
        _ => Err(AppError::not_found(Subject::Resource)),
    }
}

/// The upload `upload_id` of `member`, when it still waits for its import.
fn pending_upload(
    connection: &mut PgConnection,
    member: &Member,
    upload_id: Uuid,
) -> Result<UploadRow, AppError> {
    let upload = import_uploads::find_own(connection, upload_id, member.user_id)?
        .ok_or_else(|| AppError::not_found(Subject::Resource))?;
    if upload.confirmed_at.is_some() || upload.expires_at <= Utc::now() {
        return Err(Conflict::UploadSpent.into());
    }
    Ok(upload)
}

/// Runs the import of `content` (a dry run when `dry_run`), keeps its
/// report CSV with the upload and returns what it did, row by row.
fn run(
    connection: &mut PgConnection,
    member: &Member,
    upload: &UploadRow,
    content: Vec<u8>,
    dry_run: bool,
) -> Result<ImportResult, AppError> {
    let kind = kind_from_code(&upload.kind)
        .ok_or_else(|| AppError::internal(format!("unknown import kind {}", upload.kind)))?;
    let mut options = options_for(member, kind, upload.create_organisations, false)?;
    options.dry_run = dry_run;
    let source = read_source(content, &upload.file_name, upload.sheet.as_deref())?;
    let external_ids = source
        .records
        .iter()
        .filter_map(|record| Some((record.line, external_id_of(kind, record)?)))
        .collect();
    let (format, report) = import_source(connection, kind, source, options, &|_, _| {})
        .map_err(|error| AppError::internal(format!("import failed: {error:#}")))?;
    let mut report_csv = Vec::new();
    write_report_csv_to(&mut report_csv, &[(upload.file_name.clone(), &report)])
        .map_err(|error| AppError::internal(format!("failed to write the report: {error:#}")))?;
    import_uploads::store_report(connection, upload.id, &report_csv)?;
    Ok(ImportResult::new(
        upload.id,
        kind,
        upload.file_name.clone(),
        format,
        report,
        &external_ids,
    ))
}

/// The options of an import of `kind` by `member`, or why they may not;
/// `asked` says whether the member asked for it just now (an upload), so
/// that a ROM officer who ticked "create organisations" is refused, while
/// a stored upload is simply re-checked.
fn options_for(
    member: &Member,
    kind: RecordKind,
    create_organisations: bool,
    asked: bool,
) -> Result<ImportOptions, AppError> {
    let reach = match kind {
        RecordKind::Startups => member.may_import_startups()?,
        RecordKind::Challenges => {
            member.may_import_challenges()?;
            ImportReach::Everywhere
        }
    };
    if create_organisations && (asked || kind == RecordKind::Challenges) {
        member.may_create_organisations_by_import()?;
    }
    Ok(ImportOptions {
        create_organisations: create_organisations && kind == RecordKind::Challenges,
        dry_run: true,
        reach,
    })
}

/// Reads an uploaded file; a file that cannot be read is an error of the
/// field that chose it (the sheet, when the sheet named is the trouble).
fn read_source(
    content: Vec<u8>,
    file_name: &str,
    sheet: Option<&str>,
) -> Result<SourceFile, AppError> {
    read_bytes(content, file_name, sheet).map_err(|error| {
        let detail = format!("{error:#}");
        let field = if sheet.is_some() && detail.contains("sheet") {
            "sheet"
        } else {
            "file"
        };
        AppError::invalid(field, Rule::FileUnreadable { detail })
    })
}

/// The last part of a path a browser sent as a file name (old browsers send
/// the whole path), at most 200 characters.
fn base_name(sent: &str) -> String {
    let name = sent.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    name.chars()
        .filter(|character| !character.is_control())
        .take(200)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_last_part_of_a_sent_path_is_kept() {
        assert_eq!(base_name(r"C:\Users\rom\startups.csv"), "startups.csv");
        assert_eq!(base_name("/home/rom/startups.xlsx"), "startups.xlsx");
        assert_eq!(base_name("startups.csv"), "startups.csv");
        assert_eq!(base_name("a\u{7}b.csv"), "ab.csv");
    }
}
