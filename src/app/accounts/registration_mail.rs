//! The mails of registration, in Dutch and English (a new account has no
//! language yet): the link that confirms an address, and the notes sent
//! when someone registers an address or a company that exists already.

use crate::auth::email_verification::VERIFICATION_TOKEN_TTL_HOURS;

/// The mail with the link that confirms the address.
pub fn verification(name: &str, token: &str, public_url: &str) -> (String, String) {
    let link = format!("{public_url}/verify-email?token={token}");
    let subject =
        "Bevestig uw e-mailadres voor defmatch / Confirm your e-mail address for defmatch"
            .to_owned();
    let body = format!(
        "Beste {name},\n\n\
         Welkom bij defmatch. Bevestig uw e-mailadres door binnen {VERIFICATION_TOKEN_TTL_HOURS} uur deze link te openen:\n\n\
         {link}\n\n\
         Tot dan kunt u inloggen, uw profiel invullen en rondkijken, maar nog geen interesse tonen of introducties accepteren.\n\n\
         ---\n\n\
         Dear {name},\n\n\
         Welcome to defmatch. Confirm your e-mail address by opening this link within {VERIFICATION_TOKEN_TTL_HOURS} hours:\n\n\
         {link}\n\n\
         Until then you can log in, fill in your profile and look around, but not express interest or accept introductions.\n"
    );
    (subject, body)
}

/// To the owner of an address someone tried to register again.
pub fn address_taken(name: &str, public_url: &str) -> (String, String) {
    let subject = "Registratie bij defmatch / Registration at defmatch".to_owned();
    let body = format!(
        "Beste {name},\n\n\
         Iemand probeerde met dit e-mailadres een nieuw defmatch-account te maken. U heeft al een account. \
         Log in op {public_url}/login, of kies een nieuw wachtwoord op {public_url}/forgot-password. \
         Was u dit niet? Dan hoeft u niets te doen.\n\n\
         ---\n\n\
         Dear {name},\n\n\
         Someone tried to create a new defmatch account with this e-mail address. You already have one. \
         Log in at {public_url}/login, or choose a new password at {public_url}/forgot-password. \
         If this was not you, there is nothing to do.\n"
    );
    (subject, body)
}

/// To the people (or the ROM) of a company someone tried to register again.
pub fn company_taken(
    company: &str,
    newcomer_name: &str,
    newcomer_email: &str,
    public_url: &str,
) -> (String, String) {
    let subject = format!("Nieuwe aanmelding voor {company} / New registration for {company}");
    let body = format!(
        "Goedendag,\n\n\
         {newcomer_name} <{newcomer_email}> probeerde zich bij defmatch aan te melden voor {company}. \
         Dat bedrijf staat al op defmatch, dus er is niets nieuws aangemaakt. \
         Hoort deze persoon bij het bedrijf, nodig hem of haar dan uit via {public_url}; zo niet, dan hoeft u niets te doen.\n\n\
         ---\n\n\
         Hello,\n\n\
         {newcomer_name} <{newcomer_email}> tried to register {company} at defmatch. \
         That company is on defmatch already, so nothing new was created. \
         If this person belongs to the company, invite them through {public_url}; if not, there is nothing to do.\n"
    );
    (subject, body)
}
