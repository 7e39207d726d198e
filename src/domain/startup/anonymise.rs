//! The anonymous card of a start-up: what identifies the company, for the
//! redaction of its texts (`domain::redaction`).

use super::StartupProfile;
use crate::domain::redaction::{RedactionSubject, Redactor};

impl StartupProfile {
    /// What identifies this start-up, with the names of its `people` (the
    /// organisation's users); the profile's contact person is added.
    pub fn redaction_subject(&self, mut people: Vec<String>) -> RedactionSubject {
        people.extend(self.contact.name.iter().cloned());
        RedactionSubject {
            company_name: self.name.clone(),
            city: self.city.clone(),
            website: self.website.clone(),
            kvk_number: self.kvk_number.as_ref().map(|kvk| kvk.as_str().to_owned()),
            email: self
                .contact
                .email
                .as_ref()
                .map(|email| email.as_str().to_owned()),
            phone: self.contact.phone.clone(),
            people,
        }
    }

    /// The redactor of this start-up's texts.
    pub fn redactor(&self, people: Vec<String>) -> Redactor {
        Redactor::new(&self.redaction_subject(people))
    }

    /// This start-up's texts as its anonymous card shows them.
    pub fn anonymous_texts(&self, redactor: &Redactor) -> AnonymousTexts {
        AnonymousTexts {
            description: redactor.redact(&self.description),
            keywords: redactor.redact_all(&self.keywords),
        }
    }
}

/// A start-up's description and keywords with what identifies it redacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnonymousTexts {
    pub description: String,
    pub keywords: Vec<String>,
}
