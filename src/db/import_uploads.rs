//! Files uploaded on the import page, kept between the preview and the
//! confirmation. An upload is read back only by its uploader, within its
//! hour, and confirmed at most once: [`claim_for_import`] marks it only
//! when nobody has, so two confirmations cannot both win.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::import_uploads;

/// An upload to store.
#[derive(Debug, Clone)]
pub struct NewUpload<'a> {
    pub uploaded_by: Uuid,
    /// `startups` or `challenges`.
    pub kind: &'a str,
    pub file_name: &'a str,
    pub sheet: Option<&'a str>,
    pub create_organisations: bool,
    pub content: &'a [u8],
    pub sha256: &'a [u8],
    pub expires_at: DateTime<Utc>,
}

/// A stored upload, with its content.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = import_uploads)]
pub struct UploadRow {
    pub id: Uuid,
    pub kind: String,
    pub file_name: String,
    pub sheet: Option<String>,
    pub create_organisations: bool,
    pub content: Vec<u8>,
    pub sha256: Vec<u8>,
    pub expires_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

/// Stores `upload`; its id.
pub fn insert(connection: &mut PgConnection, upload: &NewUpload<'_>) -> QueryResult<Uuid> {
    diesel::insert_into(import_uploads::table)
        .values((
            import_uploads::uploaded_by.eq(upload.uploaded_by),
            import_uploads::kind.eq(upload.kind),
            import_uploads::file_name.eq(upload.file_name),
            import_uploads::sheet.eq(upload.sheet),
            import_uploads::create_organisations.eq(upload.create_organisations),
            import_uploads::content.eq(upload.content),
            import_uploads::sha256.eq(upload.sha256),
            import_uploads::expires_at.eq(upload.expires_at),
        ))
        .returning(import_uploads::id)
        .get_result(connection)
}

/// Deletes the uploads past their expiry, content and report alike; how many.
pub fn delete_expired(connection: &mut PgConnection, now: DateTime<Utc>) -> QueryResult<usize> {
    diesel::delete(import_uploads::table.filter(import_uploads::expires_at.le(now)))
        .execute(connection)
}

/// The upload `id` of `uploader`, whatever its state.
pub fn find_own(
    connection: &mut PgConnection,
    id: Uuid,
    uploader: Uuid,
) -> QueryResult<Option<UploadRow>> {
    import_uploads::table
        .filter(import_uploads::id.eq(id))
        .filter(import_uploads::uploaded_by.eq(uploader))
        .select(UploadRow::as_select())
        .first(connection)
        .optional()
}

/// Marks the upload `id` as imported at `now`, when it was neither imported
/// nor expired, and drops its content (the caller read it with
/// [`find_own`]); whether this call was the one that marked it.
pub fn claim_for_import(
    connection: &mut PgConnection,
    id: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let claimed = diesel::update(
        import_uploads::table
            .filter(import_uploads::id.eq(id))
            .filter(import_uploads::confirmed_at.is_null())
            .filter(import_uploads::expires_at.gt(now)),
    )
    .set((
        import_uploads::confirmed_at.eq(now),
        import_uploads::content.eq(Vec::<u8>::new()),
    ))
    .execute(connection)?;
    Ok(claimed == 1)
}

/// Keeps `report_csv` as the report of the upload `id`.
pub fn store_report(connection: &mut PgConnection, id: Uuid, report_csv: &[u8]) -> QueryResult<()> {
    diesel::update(import_uploads::table.filter(import_uploads::id.eq(id)))
        .set(import_uploads::report_csv.eq(report_csv))
        .execute(connection)?;
    Ok(())
}

/// The file name and stored report of the upload `id` of `uploader`, while
/// it has not expired.
pub fn find_report(
    connection: &mut PgConnection,
    id: Uuid,
    uploader: Uuid,
    now: DateTime<Utc>,
) -> QueryResult<Option<(String, Option<Vec<u8>>)>> {
    import_uploads::table
        .filter(import_uploads::id.eq(id))
        .filter(import_uploads::uploaded_by.eq(uploader))
        .filter(import_uploads::expires_at.gt(now))
        .select((import_uploads::file_name, import_uploads::report_csv))
        .first(connection)
        .optional()
}
