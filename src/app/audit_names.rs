//! The audit trail with names: who acted (name and e-mail address) and
//! what the event was about (a person, a challenge's title, an
//! introduction's start-up and challenge, an invitation's address), for the
//! admin's audit page. Admins may see all of these; the API keeps the ids.

use std::collections::HashMap;

use uuid::Uuid;

use super::audit::{list_among, AuditEventView, AuditListFilter};
use super::text_filter::{checked_text_filter, MAX_TEXT_FILTER_CHARS};
use super::{AppError, AppState};
use crate::db::audit_names;
use crate::domain::audit::AuditSubject;
use crate::domain::policy::Member;
use crate::domain::Rule;

/// A person, as the audit page names them.
#[derive(Debug, Clone)]
pub struct PersonName {
    pub name: String,
    pub email: String,
}

/// What an event was about, by name.
#[derive(Debug, Clone)]
pub enum SubjectName {
    Person(PersonName),
    Challenge { title: String },
    Introduction { startup: String, challenge: String },
    Invitation { email: String, role: String },
}

/// An event with the names behind its ids; a name is `None` when the
/// thing is gone (or the event names nobody).
#[derive(Debug)]
pub struct NamedAuditEvent {
    pub event: AuditEventView,
    pub actor: Option<PersonName>,
    pub subject: Option<SubjectName>,
}

/// One page of named events.
#[derive(Debug)]
pub struct NamedAuditPage {
    pub items: Vec<NamedAuditEvent>,
    /// The page number, from 1.
    pub page: i64,
    pub per_page: i64,
    /// Events on all pages together.
    pub total: i64,
}

/// One page of the events that pass `filter` and whose actor `actor_search`
/// names (exactly their e-mail address, else part of a name or address),
/// newest first, with names, for `admin`.
pub async fn list_named(
    state: &AppState,
    admin: &Member,
    filter: AuditListFilter,
    actor_search: Option<String>,
) -> Result<NamedAuditPage, AppError> {
    admin.may_administer()?;
    let actor_search = checked_text_filter(actor_search.as_deref()).map_err(|_| {
        AppError::invalid(
            "actor",
            Rule::TooLong {
                max: MAX_TEXT_FILTER_CHARS,
            },
        )
    })?;
    let actor_among = match actor_search {
        Some(search) => Some(
            state
                .with_connection(move |connection| {
                    Ok(audit_names::actors_named(connection, &search)?)
                })
                .await?,
        ),
        None => None,
    };
    let listed = list_among(state, admin, filter, actor_among).await?;
    let names = names_of(state, &listed.items).await?;
    let items = listed
        .items
        .into_iter()
        .map(|event| {
            let actor = event.actor_id.and_then(|id| names.people.get(&id).cloned());
            let subject = event
                .subject_id
                .and_then(|id| names.subject(event.subject_type, id));
            NamedAuditEvent {
                event,
                actor,
                subject,
            }
        })
        .collect();
    Ok(NamedAuditPage {
        items,
        page: listed.page,
        per_page: listed.per_page,
        total: listed.total,
    })
}

/// The names behind the ids of one page of events.
#[derive(Default)]
struct Names {
    people: HashMap<Uuid, PersonName>,
    challenges: HashMap<Uuid, String>,
    introductions: HashMap<Uuid, (String, String)>,
    invitations: HashMap<Uuid, (String, String)>,
}

impl Names {
    fn subject(&self, kind: AuditSubject, id: Uuid) -> Option<SubjectName> {
        match kind {
            AuditSubject::User => self.people.get(&id).cloned().map(SubjectName::Person),
            AuditSubject::Challenge => {
                self.challenges
                    .get(&id)
                    .map(|title| SubjectName::Challenge {
                        title: title.clone(),
                    })
            }
            AuditSubject::Introduction => {
                self.introductions
                    .get(&id)
                    .map(|(startup, challenge)| SubjectName::Introduction {
                        startup: startup.clone(),
                        challenge: challenge.clone(),
                    })
            }
            AuditSubject::Invitation => {
                self.invitations
                    .get(&id)
                    .map(|(email, role)| SubjectName::Invitation {
                        email: email.clone(),
                        role: role.clone(),
                    })
            }
            AuditSubject::Export | AuditSubject::Import => None,
        }
    }
}

async fn names_of(state: &AppState, events: &[AuditEventView]) -> Result<Names, AppError> {
    let of_kind = |kind: AuditSubject| -> Vec<Uuid> {
        events
            .iter()
            .filter(|event| event.subject_type == kind)
            .filter_map(|event| event.subject_id)
            .collect()
    };
    let mut people: Vec<Uuid> = events.iter().filter_map(|event| event.actor_id).collect();
    people.extend(of_kind(AuditSubject::User));
    let challenges = of_kind(AuditSubject::Challenge);
    let introductions = of_kind(AuditSubject::Introduction);
    let invitations = of_kind(AuditSubject::Invitation);
    state
        .with_connection(move |connection| {
            Ok(Names {
                people: audit_names::people(connection, &people)?
                    .into_iter()
                    .map(|(id, name, email)| (id, PersonName { name, email }))
                    .collect(),
                challenges: audit_names::challenge_titles(connection, &challenges)?
                    .into_iter()
                    .collect(),
                introductions: audit_names::introduction_pairs(connection, &introductions)?
                    .into_iter()
                    .map(|(id, startup, challenge)| (id, (startup, challenge)))
                    .collect(),
                invitations: audit_names::invitation_addresses(connection, &invitations)?
                    .into_iter()
                    .map(|(id, email, role)| (id, (email, role)))
                    .collect(),
            })
        })
        .await
}
