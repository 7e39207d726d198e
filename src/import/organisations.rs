//! Finding the defence organisation a challenge row names, as people write
//! it: the full name, the abbreviation in its name ("DMO" for "Defensie
//! Materieel Organisatie (DMO)"), the name without it, or the initials of
//! its words. A name that matches nothing is created only when the import
//! was asked to; otherwise the row is rejected and the nearest names given.

use diesel::PgConnection;
use uuid::Uuid;

use crate::db::organisations::{self, NewOrganisation};
use crate::db::Page;
use crate::domain::account::OrganisationKind;

/// The defence organisations known to an import, and the names by which each
/// may be written.
pub struct OrganisationMatcher {
    known: Vec<Known>,
}

struct Known {
    id: Uuid,
    name: String,
    keys: Vec<String>,
}

/// What became of an organisation's name.
pub enum Found {
    Existing(Uuid),
    /// Not known: these are the nearest names (possibly none).
    Unknown(Vec<String>),
}

/// The most organisations an import loads to match against.
const MAX_ORGANISATIONS: i64 = 10_000;

impl OrganisationMatcher {
    /// Loads every defence organisation.
    pub fn load(connection: &mut PgConnection) -> diesel::QueryResult<Self> {
        let rows = organisations::list(
            connection,
            Some(OrganisationKind::Defence),
            Page {
                number: 1,
                size: MAX_ORGANISATIONS,
            },
        )?
        .rows;
        let mut matcher = OrganisationMatcher { known: Vec::new() };
        for row in rows {
            matcher.remember(row.id, &row.name);
        }
        Ok(matcher)
    }

    /// Adds an organisation (one the import has just created).
    pub fn remember(&mut self, id: Uuid, name: &str) {
        self.known.push(Known {
            id,
            name: name.to_owned(),
            keys: keys_of(name),
        });
    }

    /// The organisation `written` stands for. A full name wins over an
    /// abbreviation; an abbreviation two organisations share matches neither.
    pub fn find(&self, written: &str) -> Found {
        let wanted = fold(written);
        if let Some(known) = self.known.iter().find(|known| fold(&known.name) == wanted) {
            return Found::Existing(known.id);
        }
        let matching: Vec<&Known> = self
            .known
            .iter()
            .filter(|known| known.keys.contains(&wanted))
            .collect();
        if let [only] = matching.as_slice() {
            return Found::Existing(only.id);
        }
        if matching.len() > 1 {
            return Found::Unknown(matching.iter().map(|known| known.name.clone()).collect());
        }
        let mut scored: Vec<(f64, &Known)> = self
            .known
            .iter()
            .map(|known| {
                let best = known
                    .keys
                    .iter()
                    .map(|key| strsim::jaro_winkler(&wanted, key))
                    .fold(0.0_f64, f64::max);
                (best, known)
            })
            .filter(|(score, _)| *score >= 0.75)
            .collect();
        scored.sort_by(|left, right| right.0.total_cmp(&left.0));
        Found::Unknown(
            scored
                .into_iter()
                .take(3)
                .map(|(_, known)| known.name.clone())
                .collect(),
        )
    }

    /// Creates the defence organisation `name` and remembers it.
    pub fn create(
        &mut self,
        connection: &mut PgConnection,
        name: &str,
    ) -> diesel::QueryResult<Uuid> {
        let row = organisations::insert(
            connection,
            &NewOrganisation {
                kind: OrganisationKind::Defence,
                name,
                rom: None,
            },
        )?;
        self.remember(row.id, &row.name);
        Ok(row.id)
    }
}

/// The names an organisation answers to: its name, its name without a
/// parenthesised abbreviation, that abbreviation, and its initials.
fn keys_of(name: &str) -> Vec<String> {
    let mut keys = vec![fold(name)];
    if let (Some(open), Some(close)) = (name.rfind('('), name.rfind(')')) {
        if open < close {
            keys.push(fold(&name[open + 1..close]));
            keys.push(fold(&name[..open]));
        }
    }
    let bare = name.split('(').next().unwrap_or(name);
    let words: Vec<&str> = bare.split_whitespace().collect();
    if words.len() >= 2 {
        let initials: String = words
            .iter()
            .filter_map(|word| word.chars().next())
            .filter(|initial| initial.is_uppercase())
            .collect();
        if initials.chars().count() >= 2 {
            keys.push(fold(&initials));
        }
    }
    keys.retain(|key| !key.is_empty());
    keys.dedup();
    keys
}

fn fold(text: &str) -> String {
    text.to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher() -> OrganisationMatcher {
        let mut matcher = OrganisationMatcher { known: Vec::new() };
        matcher.remember(Uuid::from_u128(1), "Defensie Materieel Organisatie (DMO)");
        matcher.remember(Uuid::from_u128(2), "Koninklijke Marine");
        matcher.remember(Uuid::from_u128(3), "Commando Landstrijdkrachten (CLAS)");
        matcher
    }

    fn found(written: &str) -> Option<u128> {
        match matcher().find(written) {
            Found::Existing(id) => Some(id.as_u128()),
            Found::Unknown(_) => None,
        }
    }

    #[test]
    fn an_organisation_is_found_by_name_abbreviation_or_initials() {
        assert_eq!(found("Defensie Materieel Organisatie (DMO)"), Some(1));
        assert_eq!(found("DMO"), Some(1));
        assert_eq!(found("dmo"), Some(1));
        assert_eq!(found("Defensie Materieel Organisatie"), Some(1));
        assert_eq!(found("koninklijke  marine"), Some(2));
        assert_eq!(found("KM"), Some(2));
        assert_eq!(found("CLAS"), Some(3));
    }

    #[test]
    fn an_unknown_organisation_is_answered_with_the_nearest_names() {
        match matcher().find("Koninklijke Marinie") {
            Found::Unknown(near) => {
                assert_eq!(near.first().map(String::as_str), Some("Koninklijke Marine"))
            }
            Found::Existing(_) => panic!("a misspelt name is not a match"),
        }
        match matcher().find("NATO") {
            Found::Unknown(near) => assert!(near.is_empty(), "{near:?}"),
            Found::Existing(_) => panic!("NATO is not known"),
        }
    }
}
