//! Every user-facing string of the web pages, in one place so that a second
//! language is a second set of constants, not a hunt through templates.
//!
//! Each area of the site has its own struct (one file each); [`Text`] bundles
//! them. [`ENGLISH`] and [`DUTCH`] are the languages; [`Language`] names the
//! one a request is shown in (see `web::context` for how it is chosen).

pub mod admin;
pub mod audit;
pub mod common;
pub mod errors;
pub mod explanation;
pub mod import_reasons;
pub mod imports;
pub mod onboarding;
pub mod privacy;
pub mod procurement;
pub mod rom;
pub mod rom_startup;
pub mod rom_tools;
pub mod signin;
pub mod startup;

/// All the strings of the site in one language.
pub struct Text {
    pub common: common::CommonText,
    pub explanation: explanation::ExplanationText,
    pub startup: startup::StartupText,
    pub procurement: procurement::ProcurementText,
    pub rom: rom::RomText,
    pub rom_tools: rom_tools::RomToolsText,
    pub rom_startup: rom_startup::RomStartupText,
    pub admin: admin::AdminText,
    pub audit: audit::AuditText,
    pub signin: signin::SigninText,
    pub onboarding: onboarding::OnboardingText,
    pub privacy: privacy::PrivacyText,
    pub imports: imports::ImportsText,
}

/// English, the first language of the site.
pub static ENGLISH: Text = Text {
    common: common::ENGLISH,
    explanation: explanation::ENGLISH,
    startup: startup::ENGLISH,
    procurement: procurement::ENGLISH,
    rom: rom::ENGLISH,
    rom_tools: rom_tools::ENGLISH,
    rom_startup: rom_startup::ENGLISH,
    admin: admin::ENGLISH,
    audit: audit::ENGLISH,
    signin: signin::ENGLISH,
    onboarding: onboarding::ENGLISH,
    privacy: privacy::ENGLISH,
    imports: imports::ENGLISH,
};

/// Dutch.
pub static DUTCH: Text = Text {
    common: common::DUTCH,
    explanation: explanation::DUTCH,
    startup: startup::DUTCH,
    procurement: procurement::DUTCH,
    rom: rom::DUTCH,
    rom_tools: rom_tools::DUTCH,
    rom_startup: rom_startup::DUTCH,
    admin: admin::DUTCH,
    audit: audit::DUTCH,
    signin: signin::DUTCH,
    onboarding: onboarding::DUTCH,
    privacy: privacy::DUTCH,
    imports: imports::DUTCH,
};

/// A language the pages can be shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    /// The default: what a visitor who asked for nothing we have gets.
    #[default]
    English,
    Dutch,
}

impl Language {
    /// Every language, in the order a switch offers them.
    pub const ALL: &'static [Language] = &[Language::English, Language::Dutch];

    /// The strings of this language.
    pub fn text(self) -> &'static Text {
        match self {
            Language::English => &ENGLISH,
            Language::Dutch => &DUTCH,
        }
    }

    /// The name of a technology code in this language.
    pub fn technology_name(self, technology: crate::domain::taxonomy::Technology) -> &'static str {
        match self {
            Language::English => technology.label_en(),
            Language::Dutch => technology.label_nl(),
        }
    }

    /// The BCP 47 code, for `<html lang>`, `hreflang` and the cookie.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Dutch => "nl",
        }
    }

    /// The language of `code` ("en", "nl", any case), if the site has it.
    pub fn from_code(code: &str) -> Option<Language> {
        Language::ALL
            .iter()
            .copied()
            .find(|language| code.trim().eq_ignore_ascii_case(language.code()))
    }

    /// The language a switch offers when this one is shown.
    pub fn other(self) -> Language {
        match self {
            Language::English => Language::Dutch,
            Language::Dutch => Language::English,
        }
    }
}
