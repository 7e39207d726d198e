//! Every user-facing string of the web pages, in one place so that a second
//! language is a second set of constants, not a hunt through templates.
//!
//! Each area of the site has its own struct (one file each); [`Text`] bundles
//! them, and [`ENGLISH`] is the one language so far.

pub mod admin;
pub mod common;
pub mod procurement;
pub mod rom;
pub mod startup;

/// All the strings of the site in one language.
pub struct Text {
    pub common: common::CommonText,
    pub startup: startup::StartupText,
    pub procurement: procurement::ProcurementText,
    pub rom: rom::RomText,
    pub admin: admin::AdminText,
}

/// English, the first language of the site.
pub static ENGLISH: Text = Text {
    common: common::ENGLISH,
    startup: startup::ENGLISH,
    procurement: procurement::ENGLISH,
    rom: rom::ENGLISH,
    admin: admin::ENGLISH,
};
