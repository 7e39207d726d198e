//! The language an account's mail is written in, chosen in the account
//! (`PUT /api/v1/me/language`, the account page). Dutch by default: the
//! people defmatch serves are Dutch regions and ministries.

use crate::text_enum;

text_enum! {
    /// A language of the account's mail and pages.
    #[derive(Default)]
    pub enum Language {
        #[default]
        Dutch => "nl",
        English => "en",
    }
}

impl Language {
    /// The text of this language out of a pair.
    pub fn pick<'a>(self, dutch: &'a str, english: &'a str) -> &'a str {
        match self {
            Language::Dutch => dutch,
            Language::English => english,
        }
    }
}

/// A text in both languages; the recipient's is chosen when it is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Localized {
    pub dutch: String,
    pub english: String,
}

impl Localized {
    /// The text in `language`.
    pub fn in_language(&self, language: Language) -> &str {
        language.pick(&self.dutch, &self.english)
    }
}
