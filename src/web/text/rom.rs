//! Strings of the rom pages.

/// The rom pages' strings.
pub struct RomText {
    /// Title of the area's first page.
    pub title: &'static str,
}

/// English.
pub const ENGLISH: RomText = RomText { title: "rom" };
