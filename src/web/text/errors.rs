//! What went wrong, in the visitor's language: every reason an operation
//! of `app` can give ([`AppError`]) worded for a page. English takes the
//! reasons' own wording (the same the API sends); Dutch is written here.

use super::startup::name_of;
use super::Language;
use crate::app::{AppError, Conflict, InvalidTransition, NotEditable, Subject};
use crate::domain::introduction::TransitionRefused;
use crate::domain::policy::Refusal;
use crate::domain::Rule;

/// `error` as one sentence for a page.
pub fn app_error_message(error: &AppError, language: Language) -> String {
    let text = &language.text().common;
    match error {
        AppError::NotFound { subject, .. } => not_found(*subject, language),
        AppError::Forbidden(refusal) => refusal_message(*refusal, language),
        AppError::Invalid(errors) => errors
            .first()
            .map(|error| rule_message(&error.rule, language))
            .unwrap_or_default(),
        AppError::Unstorable => match language {
            Language::English => sentence(&Rule::Unstorable.to_string()),
            Language::Dutch => rule_message(&Rule::Unstorable, language),
        },
        AppError::Conflict(conflict) => conflict_message(conflict, language),
        AppError::InvalidTransition(refused) => transition_message(refused, language),
        AppError::NotEditable(why) => not_editable_message(why, language),
        AppError::Stale { .. } => text.stale_edit.to_owned(),
        AppError::WrongCredentials => text.login_failed.to_owned(),
        AppError::AccountDisabled => match language {
            Language::English => "This account has been disabled.".to_owned(),
            Language::Dutch => "Dit account is uitgeschakeld.".to_owned(),
        },
        AppError::InvalidToken | AppError::TokenExpired | AppError::InvalidRefreshToken => {
            match language {
                Language::English => "Your session has ended; log in again.".to_owned(),
                Language::Dutch => "Je sessie is verlopen; log opnieuw in.".to_owned(),
            }
        }
        AppError::TooManyAttempts { .. } => text.too_many_attempts.to_owned(),
        AppError::Unavailable => text.unavailable_text.to_owned(),
        AppError::Internal => text.internal_text.to_owned(),
    }
}

/// "Not found" for `subject`.
fn not_found(subject: Subject, language: Language) -> String {
    match language {
        Language::English => sentence(&format!("{subject} not found")),
        Language::Dutch => {
            let what = match subject {
                Subject::Challenge => "Deze uitdaging",
                Subject::Startup => "Deze start-up",
                Subject::Introduction => "Deze introductie",
                Subject::Question => "Deze vraag",
                Subject::Notification => "Deze melding",
                Subject::SavedSearch => "Deze bewaarde zoekopdracht",
                Subject::User => "Deze gebruiker",
                Subject::Organisation => "Deze organisatie",
                Subject::Resource => "Dit",
            };
            format!("{what} bestaat niet, of je hebt er geen toegang toe.")
        }
    }
}

/// Why a rule of `domain::policy` said no.
pub fn refusal_message(refusal: Refusal, language: Language) -> String {
    if language == Language::English {
        return sentence(&refusal.to_string());
    }
    match refusal {
        Refusal::OnlyProcurementPostsChallenges => {
            "Alleen inkopers plaatsen uitdagingen, voor hun eigen organisatie."
        }
        Refusal::OnlyOwnerChangesChallenge => {
            "Alleen inkopers van de eigen organisatie mogen deze uitdaging wijzigen."
        }
        Refusal::OnlyStartupsCreateProfiles => {
            "Alleen start-upaccounts maken een profiel, voor hun eigen bedrijf."
        }
        Refusal::OnlyStartupEditsProfile => "Alleen de start-up zelf mag haar profiel wijzigen.",
        Refusal::StartupsSearchChallenges => {
            "Start-ups zoeken uitdagingen, geen andere start-ups."
        }
        Refusal::OnlyPartiesMarkMatches => {
            "Alleen wie de matches krijgt markeert ze: de start-up, de organisatie van de uitdaging of een ROM-medewerker van de provincie van de start-up."
        }
        Refusal::CandidatesForOwnerAndBrokers => {
            "Alleen de organisatie van de uitdaging, ROM-medewerkers en beheerders zien de kandidaten."
        }
        Refusal::InviteToOwnChallengesOnly => {
            "Inkopers nodigen start-ups uit voor uitdagingen van hun eigen organisatie."
        }
        Refusal::PipelineForBrokers => "De pijplijn is voor ROM-medewerkers en beheerders.",
        Refusal::NoRom => "Dit account hoort bij geen enkele ROM.",
        Refusal::OwnRomOnly => "Een ROM-medewerker ziet alleen de pijplijn van de eigen ROM.",
        Refusal::OwnerDoesNotAsk => {
            "De eigen organisatie beantwoordt vragen; ze stelt er geen."
        }
        Refusal::OnlyOwnerAnswers => {
            "Alleen de eigen organisatie beantwoordt vragen over haar uitdaging."
        }
        Refusal::AdminsOnly => "Alleen beheerders mogen dit.",
        Refusal::OnlyAdminsChangeRights => {
            "Alleen beheerders wijzigen rollen of schakelen accounts uit."
        }
        Refusal::OnlyVettersVet => "Alleen beheerders en inkopers mogen gebruikers screenen.",
        Refusal::CalendarForStartups => "De kalender met deadlines is er voor start-ups.",
        Refusal::RenameYourselfOnly => "Je mag alleen je eigen naam wijzigen.",
        Refusal::NoSelfDemotion => {
            "Beheerders kunnen zichzelf niet uitschakelen of degraderen; vraag een andere beheerder."
        }
        Refusal::NoOrganisationFilterOnAnonymousCards => {
            "Anonieme kaarten kunnen niet op organisatie worden gefilterd."
        }
        Refusal::NoStartupFilterOnAnonymousCards => {
            "Introducties met anonieme start-ups kunnen niet op start-up worden gefilterd."
        }
        Refusal::VerifyAddressFirst => {
            "Bevestig eerst je e-mailadres: open de link in de mail die we je stuurden."
        }
        Refusal::InvitersOnly => "Alleen beheerders en ROM-medewerkers nodigen mensen uit.",
        Refusal::RomInvitesStartupsOnly => {
            "ROM-medewerkers nodigen alleen start-ups uit; medewerkers worden door een beheerder uitgenodigd."
        }
        Refusal::InviteOwnProvincesOnly => {
            "ROM-medewerkers nodigen alleen start-ups uit hun eigen provincies uit."
        }
        Refusal::StartupAlreadyClaimed => {
            "Deze start-up heeft al een account; haar mensen nodigen hun collega's uit."
        }
        Refusal::OwnInvitationsOnly => {
            "Alleen beheerders en wie de uitnodiging stuurde mogen haar opnieuw sturen of intrekken."
        }
        Refusal::ImportersOnly => "Alleen beheerders en ROM-medewerkers importeren bestanden.",
        Refusal::RomImportsStartupsOnly => {
            "ROM-medewerkers importeren start-ups; uitdagingen importeert een beheerder."
        }
        Refusal::OnlyRomOfficersWriteStartupNotes => {
            "Alleen ROM-medewerkers van de provincies van de start-up schrijven notities over haar."
        }
    }
    .to_owned()
}

/// Why a change conflicts with what is stored.
fn conflict_message(conflict: &Conflict, language: Language) -> String {
    if language == Language::English {
        return sentence(&conflict.to_string());
    }
    let statuses = language.text().common.challenge_statuses;
    match conflict {
        Conflict::Duplicate { .. } => "Dit bestaat al.".to_owned(),
        Conflict::LiveIntroduction => {
            "Deze start-up en deze uitdaging hebben al een lopende introductie.".to_owned()
        }
        Conflict::ChallengeClosedMeanwhile => {
            "De uitdaging sloot terwijl de introductie werd gemaakt.".to_owned()
        }
        Conflict::ChallengeNotTakingIntroductions(status) => format!(
            "Introducties worden gemaakt bij gepubliceerde of open uitdagingen; deze is {}.",
            name_of(statuses, status.as_str()).to_lowercase()
        ),
        Conflict::StartupNotVetted => {
            "De uitdaging is alleen voor gescreende gebruikers en niemand van deze start-up is gescreend."
                .to_owned()
        }
        Conflict::IntroductionCannotComplete => {
            "Deze introductie kan nu niet worden afgerond.".to_owned()
        }
        Conflict::StartupWithoutClearance => {
            "De uitdaging vraagt een ABDO-machtiging en de start-up heeft die niet.".to_owned()
        }
        Conflict::StartupAddressUnverified => {
            "Deze start-up heeft haar e-mailadres nog niet bevestigd; introduceren kan zodra ze dat heeft gedaan."
                .to_owned()
        }
        Conflict::ProfileNeeded => {
            "Maak eerst het profiel van je start-up voordat je interesse toont.".to_owned()
        }
        Conflict::QuestionsClosed => {
            "Vragen kunnen gesteld worden zolang de uitdaging in voorpublicatie of open is, tot de sluitingsdatum."
                .to_owned()
        }
        Conflict::AccountExists => {
            "Er is al een account met dit e-mailadres.".to_owned()
        }
        Conflict::InvitationPending => {
            "Er staat al een uitnodiging voor dit adres open; stuur die opnieuw of trek haar in.".to_owned()
        }
        Conflict::InvitationNotPending => {
            "Deze uitnodiging is al aangenomen of ingetrokken.".to_owned()
        }
        Conflict::UploadSpent => {
            "Dit bestand is al geïmporteerd, of de upload is verlopen (na een uur); upload het opnieuw om het nog eens te importeren.".to_owned()
        }
        Conflict::TooManySavedSearches { max } => {
            format!("Je kunt hooguit {max} zoekopdrachten bewaren; verwijder er eerst een.")
        }
    }
}

/// A move its lifecycle does not allow.
fn transition_message(refused: &InvalidTransition, language: Language) -> String {
    if language == Language::English {
        return sentence(&refused.to_string());
    }
    let common = &language.text().common;
    let startup = &language.text().startup;
    let status = |status: crate::domain::challenge::ChallengeStatus| {
        name_of(common.challenge_statuses, status.as_str()).to_lowercase()
    };
    let state = |state: crate::domain::introduction::IntroductionState| {
        name_of(startup.states, state.as_str()).to_lowercase()
    };
    let side = |side: crate::domain::introduction::Side| {
        name_of(startup.sides, side.as_str()).to_lowercase()
    };
    match refused {
        InvalidTransition::Challenge { from, to, allowed } => {
            let allowed = if allowed.is_empty() {
                "geen".to_owned()
            } else {
                allowed
                    .iter()
                    .map(|next| status(*next))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            format!(
                "Een uitdaging die {} is, kan niet {} worden; wel: {allowed}.",
                status(*from),
                status(*to)
            )
        }
        InvalidTransition::Introduction(refused) => match refused {
            TransitionRefused::NoLongerLive(now) => {
                format!(
                    "De introductie is {} en kan niet meer veranderen.",
                    state(*now)
                )
            }
            TransitionRefused::AlreadyIntroduced(now) => {
                format!("De introductie is al {}.", state(*now))
            }
            TransitionRefused::BrokerDoesNotAccept => {
                "Alleen de start-up en de inkoper accepteren; een bemiddelaar stelt voor."
                    .to_owned()
            }
            TransitionRefused::AlreadyAccepted(who) => {
                format!("De kant {} heeft al geaccepteerd.", side(*who))
            }
            TransitionRefused::BrokerDoesNotDecline => {
                "Alleen de start-up of de inkoper kan afwijzen; een bemiddelaar trekt in."
                    .to_owned()
            }
            TransitionRefused::TooLateToDecline(now) => format!(
                "Een introductie die {} is, kan niet meer afgewezen worden; leg de uitkomst vast.",
                state(*now)
            ),
            TransitionRefused::OnlyInitiatorWithdraws(initiator) => format!(
                "Alleen de kant {}, die haar begon, kan haar intrekken; wijs haar anders af.",
                side(*initiator)
            ),
            TransitionRefused::InitiatorWithdraws(initiator) => format!(
                "De kant {} begon haar en trekt haar in; afwijzen kan alleen de andere kant.",
                side(*initiator)
            ),
            TransitionRefused::MeetingBeforeIntroduction(now) => format!(
                "Een gesprek kan vastgelegd worden na de introductie; de introductie is {}.",
                state(*now)
            ),
            TransitionRefused::OutcomeBeforeMeeting(now) => format!(
                "Een uitkomst kan vastgelegd worden na het gesprek; de introductie is {}.",
                state(*now)
            ),
        },
    }
}

/// Why something can no longer be changed this way.
fn not_editable_message(why: &NotEditable, language: Language) -> String {
    if language == Language::English {
        return sentence(&why.to_string());
    }
    match why {
        NotEditable::ChallengeContent(status) => format!(
            "Een uitdaging die {} is, kan niet meer bewerkt worden.",
            name_of(language.text().common.challenge_statuses, status.as_str()).to_lowercase()
        ),
        NotEditable::OnlyDraftsDeleted => {
            "Alleen concepten kunnen verwijderd worden; trek de uitdaging anders in.".to_owned()
        }
    }
}

/// The rule an input value breaks.
pub fn rule_message(rule: &Rule, language: Language) -> String {
    if language == Language::English {
        return sentence(&rule.to_string());
    }
    match rule {
        Rule::Required => "Dit veld is verplicht.".to_owned(),
        Rule::Empty => "Dit veld mag niet leeg zijn.".to_owned(),
        Rule::TooShort { min } => format!("Gebruik minstens {min} tekens."),
        Rule::TooLong { max } => format!("Gebruik hooguit {max} tekens."),
        Rule::OutOfRange { min, max } => format!("Kies een waarde van {min} tot en met {max}."),
        Rule::NotWholeNumber => "Vul een heel getal in.".to_owned(),
        Rule::NotOneOf { .. } | Rule::UnknownChoice => {
            "Kies een van de aangeboden mogelijkheden.".to_owned()
        }
        Rule::NotADate => "Vul een datum in, als JJJJ-MM-DD.".to_owned(),
        Rule::Malformed { .. } => "Deze waarde is niet geldig.".to_owned(),
        Rule::EndBeforeStart { .. } => "Het einde moet na het begin liggen.".to_owned(),
        Rule::TooManyKeywords { max } => format!("Gebruik hooguit {max} trefwoorden."),
        Rule::KeywordTooLong { max } => format!("Een trefwoord heeft hooguit {max} tekens."),
        Rule::TooManyTechnologies { max } => format!("Kies hooguit {max} technologieën."),
        Rule::TrlRangeInverted => "De laagste TRL mag niet hoger zijn dan de hoogste.".to_owned(),
        Rule::BudgetIncomplete => {
            "Vul beide kanten van het budget in, of geen van beide.".to_owned()
        }
        Rule::BudgetOutOfRange { max } => format!("Kies een bedrag van 0 tot en met {max} euro."),
        Rule::BudgetInverted => {
            "Het laagste budget mag niet hoger zijn dan het hoogste.".to_owned()
        }
        Rule::PreReleaseAfterOpening => {
            "De voorpublicatie mag niet na de openingsdatum liggen.".to_owned()
        }
        Rule::DeadlineNotAfterOpening => {
            "De sluitingsdatum moet na de openingsdatum liggen.".to_owned()
        }
        Rule::DeadlineNotAfterPreRelease => {
            "De sluitingsdatum moet na de voorpublicatie liggen.".to_owned()
        }
        Rule::DeadlinePassed => "De sluitingsdatum is al verstreken.".to_owned(),
        Rule::DateOutOfRange { earliest, latest } => {
            format!("Kies een datum in de jaren {earliest} tot en met {latest}.")
        }
        Rule::DateTooFarAhead { years } => {
            format!("Kies een datum die hooguit {years} jaar vooruit ligt.")
        }
        Rule::PreReleaseNeedsOpening => "Een voorpublicatie heeft een openingsdatum nodig.".to_owned(),
        Rule::OpeningStillAhead => "De openingsdatum ligt nog in de toekomst; publiceer de uitdaging als voorpublicatie, dan opent ze vanzelf op die datum, of verzet de openingsdatum.".to_owned(),
        Rule::PublishedKeepsOpening => {
            "Een uitdaging in voorpublicatie houdt haar openingsdatum.".to_owned()
        }
        Rule::NotWebAddress => "Vul een adres in dat begint met http:// of https://.".to_owned(),
        Rule::ProvinceRequired => "Een Nederlandse start-up vult haar provincie in.".to_owned(),
        Rule::ProvinceOnlyInNetherlands => {
            "Alleen start-ups in Nederland hebben een provincie.".to_owned()
        }
        Rule::KvkRequired => "Een Nederlandse start-up vult haar KvK-nummer in.".to_owned(),
        Rule::KvkFormat => "Een KvK-nummer heeft precies 8 cijfers.".to_owned(),
        Rule::EmployeesOutOfRange => "Kies een aantal van 0 tot en met 1.000.000.".to_owned(),
        Rule::FoundedYearOutOfRange { earliest, latest } => {
            format!("Kies een jaar van {earliest} tot en met {latest}.")
        }
        Rule::OutcomeOnlyWithRecordOutcome => {
            "Alleen bij het vastleggen van een uitkomst hoort een uitkomst.".to_owned()
        }
        Rule::ReasonNotTaken => {
            "Alleen bij afwijzen, intrekken en een uitkomst hoort een reden.".to_owned()
        }
        Rule::OutcomeRequired => "Kies een uitkomst: pilot, contract of geen match.".to_owned(),
        Rule::NoFitNeedsReason => {
            "Zeg waarom het geen match was: de andere kant leert ervan.".to_owned()
        }
        Rule::AdminHasNoOrganisation => "Beheerders horen bij geen organisatie.".to_owned(),
        Rule::RoleNeedsOrganisation { .. } => {
            "Deze rol heeft een organisatie van de juiste soort nodig.".to_owned()
        }
        Rule::RoleOrganisationMismatch { .. } => {
            "Deze rol past niet bij de soort organisatie.".to_owned()
        }
        Rule::RoleDoesNotFitOrganisation => "De nieuwe rol past niet bij de organisatie van de gebruiker; maak een nieuw account.".to_owned(),
        Rule::NoSuchOrganisation => "Deze organisatie bestaat niet.".to_owned(),
        Rule::RomOnlyForRomOrganisations => {
            "Kies een ROM bij een ROM-organisatie, en alleen daar.".to_owned()
        }
        Rule::EmailWithoutAt => "Een e-mailadres bevat een @.".to_owned(),
        Rule::EmailInvalid => "Dit is geen geldig e-mailadres.".to_owned(),
        Rule::PasswordTooShort { min } => {
            format!("Een wachtwoord heeft minstens {min} tekens.")
        }
        Rule::PasswordTooLong { max } => format!("Een wachtwoord heeft hooguit {max} tekens."),
        Rule::ResetLinkInvalid => "Deze link werkt niet meer: hij is al gebruikt, verlopen of nooit verstuurd. Vraag een nieuwe aan.".to_owned(),
        Rule::WrongCurrentPassword => "Het huidige wachtwoord klopt niet.".to_owned(),
        Rule::VerificationLinkInvalid => "Deze bevestigingslink werkt niet meer: hij is al gebruikt, verlopen of nooit verstuurd. Vraag een nieuwe aan.".to_owned(),
        Rule::EmailDomainInvalid => "Geef een domeinnaam zoals voorbeeld.nl, zonder @ of spaties.".to_owned(),
        Rule::InvitationLinkInvalid => "Deze uitnodigingslink klopt niet; kopieer de hele link uit de mail.".to_owned(),
        Rule::InvitationUsed => "Deze uitnodiging is al aangenomen; log in, of vraag een nieuw wachtwoord aan.".to_owned(),
        Rule::InvitationExpired => "Deze uitnodiging is verlopen; vraag wie je uitnodigde om haar opnieuw te sturen.".to_owned(),
        Rule::InvitationRevoked => "Deze uitnodiging is ingetrokken.".to_owned(),
        Rule::InvitationRoleMismatch => "Deze rol past niet bij de gekozen organisatie: een start-up hoort bij een start-upbedrijf, een inkoper bij een defensieorganisatie, een ROM-medewerker bij een ROM en een beheerder bij geen.".to_owned(),
        Rule::NoContactEmail => "Deze start-up heeft geen contactadres; vul het adres in om uit te nodigen.".to_owned(),
        Rule::WrongPassword => "Het wachtwoord klopt niet.".to_owned(),
        Rule::DigestOfChallengesOnly => {
            "Alleen zoekopdrachten naar uitdagingen sturen een dagelijkse samenvatting.".to_owned()
        }
        Rule::PrivacyNotAccepted => {
            "Ga akkoord met de privacyverklaring om te registreren.".to_owned()
        }
        Rule::FilterNotAllowed => "Op dit veld kun je hier niet filteren.".to_owned(),
        Rule::Unstorable => "De invoer bevat tekens die niet opgeslagen kunnen worden.".to_owned(),
        Rule::FileTooLarge { max_megabytes } => format!(
            "Het bestand is groter dan {max_megabytes} MB; splits het, of importeer het met `defmatch import`."
        ),
        Rule::FileType => {
            "Kies een .csv- of .xlsx-bestand (of JSON Lines, .jsonl).".to_owned()
        }
        Rule::FileUnreadable { detail } => {
            format!("Dit bestand kan niet worden gelezen ({detail}).")
        }
        // ---- brokering (introductions, the pipeline, notifications)
        Rule::StartupToIntroduceMissing => "Kies de start-up die je wilt voorstellen.".to_owned(),
        // ---- users, organisations and audit
        Rule::NotBefore { .. } => "Het einde mag niet voor het begin liggen.".to_owned(),
        Rule::NotAnId => {
            "Vul een volledig id in, zoals 0b6e4c1e-8f9a-4d4b-9a51-0c8a2f3e7d10.".to_owned()
        }
    }
}

/// The API's reasons are lowercase clauses; a page shows them as sentences.
pub fn sentence(message: &str) -> String {
    let mut characters = message.chars();
    let Some(first) = characters.next() else {
        return String::new();
    };
    let mut text: String = first.to_uppercase().chain(characters).collect();
    if !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_reads_as_a_sentence_in_either_language() {
        let rule = Rule::TooLong { max: 300 };
        assert_eq!(
            rule_message(&rule, Language::English),
            "May have at most 300 characters."
        );
        assert_eq!(
            rule_message(&rule, Language::Dutch),
            "Gebruik hooguit 300 tekens."
        );
    }

    #[test]
    fn a_refusal_is_dutch_for_a_dutch_visitor() {
        let message = app_error_message(
            &AppError::Forbidden(Refusal::OnlyOwnerChangesChallenge),
            Language::Dutch,
        );
        assert!(message.starts_with("Alleen inkopers"), "{message}");
    }
}
