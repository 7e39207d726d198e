//! Strings of the startup pages.

/// The startup pages' strings.
pub struct StartupText {
    /// Title of the area's first page.
    pub title: &'static str,
}

/// English.
pub const ENGLISH: StartupText = StartupText { title: "startup" };
