//! The invitation mail, in Dutch and English in one message (the invited
//! person has no account, so no language setting, yet).

use crate::domain::account::Role;

/// What the mail says the invitation is for.
pub(super) struct InvitationLetter<'a> {
    pub token: &'a str,
    pub role: Role,
    /// The organisation the account will belong to (none for admins).
    pub organisation_name: Option<&'a str>,
    /// The imported profile to claim, by its company name.
    pub claimed_startup: Option<&'a str>,
    pub ttl_days: i64,
}

fn role_in_dutch(role: Role) -> &'static str {
    match role {
        Role::Startup => "start-up",
        Role::Procurement => "inkoper",
        Role::RomOfficer => "ROM-medewerker",
        Role::Admin => "beheerder",
    }
}

fn role_in_english(role: Role) -> &'static str {
    match role {
        Role::Startup => "start-up",
        Role::Procurement => "procurement officer",
        Role::RomOfficer => "ROM officer",
        Role::Admin => "admin",
    }
}

/// The subject and text of the mail; its link is
/// `{public_url}/invitation?token=…`.
pub(super) fn invitation_mail(letter: &InvitationLetter<'_>, public_url: &str) -> (String, String) {
    let link = format!("{public_url}/invitation?token={}", letter.token);
    let days = letter.ttl_days;
    let (dutch_what, english_what) = match (letter.claimed_startup, letter.organisation_name) {
        (Some(company), _) => (
            format!("het profiel van {company} op defmatch over te nemen"),
            format!("take over the profile of {company} on defmatch"),
        ),
        (None, Some(organisation)) => (
            format!(
                "als {} van {organisation} mee te doen op defmatch",
                role_in_dutch(letter.role)
            ),
            format!(
                "join defmatch as {} of {organisation}",
                role_in_english(letter.role)
            ),
        ),
        (None, None) => (
            format!("als {} mee te doen op defmatch", role_in_dutch(letter.role)),
            format!("join defmatch as {}", role_in_english(letter.role)),
        ),
    };
    let subject = "Uitnodiging voor defmatch / Your invitation to defmatch".to_owned();
    let body = format!(
        "Goedendag,\n\n\
         U bent uitgenodigd om {dutch_what}. \
         Open deze link binnen {days} dagen, kies uw naam en een wachtwoord, en u bent ingelogd:\n\n\
         {link}\n\n\
         De link werkt één keer. Verwachtte u deze uitnodiging niet? Negeer dan deze mail.\n\n\
         ---\n\n\
         Hello,\n\n\
         You are invited to {english_what}. \
         Open this link within {days} days, choose your name and a password, and you are signed in:\n\n\
         {link}\n\n\
         The link works once. If you did not expect this invitation, ignore this mail.\n"
    );
    (subject, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mail_names_the_claim_or_the_role_in_both_languages_and_holds_the_link() {
        let claim = InvitationLetter {
            token: "abc",
            role: Role::Startup,
            organisation_name: Some("Radar Works"),
            claimed_startup: Some("Radar Works"),
            ttl_days: 7,
        };
        let (subject, body) = invitation_mail(&claim, "https://defmatch.example");
        assert!(subject.contains("Your invitation"));
        assert!(body.contains("https://defmatch.example/invitation?token=abc"));
        assert!(body.contains("het profiel van Radar Works"));
        assert!(body.contains("take over the profile of Radar Works"));
        let staff = InvitationLetter {
            role: Role::Procurement,
            organisation_name: Some("Navy"),
            claimed_startup: None,
            ..claim
        };
        let (_, body) = invitation_mail(&staff, "https://defmatch.example");
        assert!(body.contains("als inkoper van Navy"));
        assert!(body.contains("as procurement officer of Navy"));
    }
}
