//! An audit event read as a sentence in the visitor's language ("Changed
//! the role of *Anna* from *Start-up* to *Admin*"), from its action, its
//! recorded detail and the names behind its ids.

use maud::{html, Markup};
use serde_json::Value;

use super::label_of;
use crate::app::audit_names::{NamedAuditEvent, SubjectName};
use crate::domain::audit::AuditAction;
use crate::web::text::Language;

/// A string fact of the event's detail.
fn detail_text<'a>(event: &'a NamedAuditEvent, key: &str) -> Option<&'a str> {
    event.event.detail.get(key).and_then(Value::as_str)
}

/// The subject by name, or its short id when it is gone.
fn subject_words(event: &NamedAuditEvent, language: Language) -> String {
    let text = &language.text().audit;
    match &event.subject {
        Some(SubjectName::Person(person)) => format!("{} <{}>", person.name, person.email),
        Some(SubjectName::Challenge { title }) => title.clone(),
        Some(SubjectName::Introduction { startup, challenge }) => {
            format!("{startup}{}{challenge}", text.pair_joiner)
        }
        Some(SubjectName::Invitation { email, .. }) => email.clone(),
        None => match event.event.subject_id {
            Some(id) => format!("{} {}", short_id(id), text.gone),
            None => text.gone.to_owned(),
        },
    }
}

/// The first eight characters of an id.
pub(super) fn short_id(id: uuid::Uuid) -> String {
    id.to_string().chars().take(8).collect()
}

/// The summary template's key and the values of its placeholders.
fn template_and_values(
    event: &NamedAuditEvent,
    language: Language,
) -> (String, Vec<(&'static str, String)>) {
    let text = language.text();
    let roles = text.admin.roles;
    let states = text.rom.states;
    let subject = subject_words(event, language);
    let action = event.event.action;
    let mut values = vec![("subject", subject)];
    let key = match action {
        AuditAction::Login => match detail_text(event, "method") {
            Some("single_sign_on") => "login_single_sign_on".to_owned(),
            Some("invitation") => "login_invitation".to_owned(),
            _ => "login".to_owned(),
        },
        AuditAction::LoginFailed => {
            let email = detail_text(event, "email").unwrap_or(text.audit.gone);
            let reason = detail_text(event, "reason").unwrap_or_default();
            values = vec![
                ("email", email.to_owned()),
                ("reason", label_of(text.audit.failure_reasons, reason)),
            ];
            "login_failed".to_owned()
        }
        AuditAction::RoleChanged => {
            for (placeholder, key) in [("from", "old_role"), ("to", "new_role")] {
                let role = detail_text(event, key).unwrap_or_default();
                values.push((placeholder, label_of(roles, role)));
            }
            "role_changed".to_owned()
        }
        AuditAction::IntroductionStateChanged => {
            let to = detail_text(event, "to").unwrap_or_default();
            values.push(("to", label_of(states, to)));
            match detail_text(event, "from") {
                Some(from) => {
                    values.push(("from", label_of(states, from)));
                    "introduction_state_changed".to_owned()
                }
                None => "introduction_started".to_owned(),
            }
        }
        AuditAction::Export => {
            let rows = event
                .event
                .detail
                .get("rows")
                .and_then(Value::as_u64)
                .unwrap_or_default();
            values.push(("rows", rows.to_string()));
            "export".to_owned()
        }
        AuditAction::InvitationSent
        | AuditAction::InvitationResent
        | AuditAction::InvitationRevoked
        | AuditAction::InvitationAccepted => {
            let (email, role) = match &event.subject {
                Some(SubjectName::Invitation { email, role }) => (email.clone(), role.clone()),
                _ => (
                    text.audit.gone.to_owned(),
                    detail_text(event, "role").unwrap_or_default().to_owned(),
                ),
            };
            values.push(("email", email));
            values.push(("role", label_of(roles, &role)));
            action.as_str().to_owned()
        }
        AuditAction::Import => {
            let count = |key: &str| {
                event
                    .event
                    .detail
                    .get(key)
                    .and_then(Value::as_u64)
                    .unwrap_or_default()
                    .to_string()
            };
            let file = detail_text(event, "file").unwrap_or_default().to_owned();
            values = vec![
                ("file", file),
                ("created", count("created")),
                ("updated", count("updated")),
                ("rejected", count("rejected")),
            ];
            "import".to_owned()
        }
        AuditAction::ChallengeStatusChanged => {
            let statuses = text.common.challenge_statuses;
            for placeholder in ["from", "to"] {
                let status = detail_text(event, placeholder).unwrap_or_default();
                values.push((placeholder, label_of(statuses, status)));
            }
            action.as_str().to_owned()
        }
        AuditAction::MatchMarked => {
            let mark = detail_text(event, "mark").unwrap_or_default();
            values.push(("mark", label_of(text.audit.marks, mark)));
            action.as_str().to_owned()
        }
        _ => action.as_str().to_owned(),
    };
    (key, values)
}

/// The event as a sentence, its facts emphasised.
pub(super) fn summary(event: &NamedAuditEvent, language: Language) -> Markup {
    let (key, values) = template_and_values(event, language);
    let template = language
        .text()
        .audit
        .summaries
        .iter()
        .find(|(known, _)| *known == key)
        .map(|(_, template)| *template)
        .unwrap_or_default();
    filled(template, &values)
}

/// `template` with each `{name}` replaced by its value, emphasised; an
/// unknown placeholder is left as written.
fn filled(template: &str, values: &[(&str, String)]) -> Markup {
    let mut pieces: Vec<(bool, String)> = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|close| open + close) else {
            break;
        };
        pieces.push((false, rest[..open].to_owned()));
        let name = &rest[open + 1..close];
        match values.iter().find(|(known, _)| *known == name) {
            Some((_, value)) => pieces.push((true, value.clone())),
            None => pieces.push((false, rest[open..=close].to_owned())),
        }
        rest = &rest[close + 1..];
    }
    pieces.push((false, rest.to_owned()));
    html! {
        @for (emphasised, piece) in pieces {
            @if emphasised { em { (piece) } } @else { (piece) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_emphasised_and_the_rest_is_escaped() {
        let markup = filled(
            "Changed {subject} from {from} to {to} {unknown}",
            &[
                ("subject", "<b>Radar</b>".to_owned()),
                ("from", "open".to_owned()),
                ("to", "closed".to_owned()),
            ],
        );
        assert_eq!(
            markup.into_string(),
            "Changed <em>&lt;b&gt;Radar&lt;/b&gt;</em> from <em>open</em> to <em>closed</em> {unknown}"
        );
    }
}
