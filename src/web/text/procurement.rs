//! Strings of the procurement pages.

/// The procurement pages' strings.
pub struct ProcurementText {
    /// Title of the area's first page.
    pub title: &'static str,
}

/// English.
pub const ENGLISH: ProcurementText = ProcurementText {
    title: "procurement",
};
