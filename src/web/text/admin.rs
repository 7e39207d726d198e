//! Strings of the admin pages.

/// The admin pages' strings.
pub struct AdminText {
    /// Title of the area's first page.
    pub title: &'static str,
}

/// English.
pub const ENGLISH: AdminText = AdminText { title: "admin" };
