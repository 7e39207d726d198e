//! Strings of the admin's audit page that read an event as a sentence, and
//! its filters by actor and date. In a template, `{subject}`, `{from}`,
//! `{to}`, `{role}`, `{email}`, `{rows}`, `{reason}` and `{mark}` are replaced by the
//! event's facts, shown emphasised.

/// The audit page's summaries and filters.
pub struct AuditText {
    pub filter_actor: &'static str,
    pub filter_actor_hint: &'static str,
    pub filter_from: &'static str,
    pub filter_to: &'static str,
    pub day_hint: &'static str,
    pub column_summary: &'static str,
    pub raw_detail: &'static str,
    /// A subject that no longer exists (or was never stored).
    pub gone: &'static str,
    /// Between an introduction's start-up and challenge.
    pub pair_joiner: &'static str,
    pub marks: &'static [(&'static str, &'static str)],
    pub failure_reasons: &'static [(&'static str, &'static str)],
    /// The summary of each action, by its code; `introduction_started`
    /// is an introduction's first state (no `from`).
    pub summaries: &'static [(&'static str, &'static str)],
}

/// English.
pub const ENGLISH: AuditText = AuditText {
    filter_actor: "Who",
    filter_actor_hint: "A name or e-mail address, or part of one.",
    filter_from: "From",
    filter_to: "To",
    day_hint: "A day as YYYY-MM-DD, Amsterdam time; both days included.",
    column_summary: "What happened",
    raw_detail: "Recorded detail",
    gone: "(deleted)",
    pair_joiner: " for ",
    marks: &[
        ("interesting", "interesting"),
        ("not_relevant", "not relevant"),
    ],
    failure_reasons: &[
        ("malformed_address", "not an e-mail address"),
        ("unknown_account", "no such account"),
        ("wrong_password", "wrong password"),
        ("account_disabled", "account disabled"),
    ],
    summaries: &[
        ("login", "Logged in"),
        ("login_single_sign_on", "Logged in with single sign-on"),
        ("login_invitation", "Logged in on accepting an invitation"),
        ("login_failed", "Failed login as {email} ({reason})"),
        (
            "role_changed",
            "Changed the role of {subject} from {from} to {to}",
        ),
        ("user_vetted", "Vetted {subject}"),
        ("user_unvetted", "Withdrew the vetting of {subject}"),
        ("user_disabled", "Disabled the account of {subject}"),
        ("user_enabled", "Enabled the account of {subject}"),
        (
            "vetted_challenge_viewed",
            "Read the vetted challenge {subject}",
        ),
        (
            "introduction_state_changed",
            "Moved the introduction of {subject} from {from} to {to}",
        ),
        (
            "introduction_started",
            "Started the introduction of {subject} as {to}",
        ),
        (
            "contact_revealed",
            "Revealed the contacts of the introduction of {subject} to both sides",
        ),
        ("export", "Exported {rows} introductions"),
        (
            "import",
            "Imported {file}: {created} created, {updated} updated, {rejected} rejected",
        ),
        ("password_reset", "Set a new password with an e-mailed link"),
        ("password_changed", "Changed their password"),
        ("invitation_sent", "Invited {email} as {role}"),
        ("invitation_resent", "Sent the invitation of {email} again"),
        ("invitation_revoked", "Revoked the invitation of {email}"),
        ("invitation_accepted", "Accepted the invitation as {role}"),
        ("personal_data_exported", "Downloaded their personal data"),
        ("account_erased", "Erased their account"),
        ("match_marked", "Marked the match with {subject} as {mark}"),
        (
            "match_unmarked",
            "Took back the mark on the match with {subject}",
        ),
        (
            "challenge_status_changed",
            "Changed the status of {subject} from {from} to {to}",
        ),
    ],
};

/// Dutch.
pub const DUTCH: AuditText = AuditText {
    filter_actor: "Wie",
    filter_actor_hint: "Een naam of e-mailadres, of een deel ervan.",
    filter_from: "Van",
    filter_to: "Tot en met",
    day_hint: "Een dag als JJJJ-MM-DD, Amsterdamse tijd; beide dagen tellen mee.",
    column_summary: "Wat er gebeurde",
    raw_detail: "Vastgelegde details",
    gone: "(verwijderd)",
    pair_joiner: " voor ",
    marks: &[
        ("interesting", "interessant"),
        ("not_relevant", "niet relevant"),
    ],
    failure_reasons: &[
        ("malformed_address", "geen e-mailadres"),
        ("unknown_account", "onbekend account"),
        ("wrong_password", "verkeerd wachtwoord"),
        ("account_disabled", "account uitgeschakeld"),
    ],
    summaries: &[
        ("login", "Ingelogd"),
        ("login_single_sign_on", "Ingelogd met single sign-on"),
        (
            "login_invitation",
            "Ingelogd bij het aannemen van een uitnodiging",
        ),
        (
            "login_failed",
            "Mislukte inlogpoging als {email} ({reason})",
        ),
        (
            "role_changed",
            "Rol van {subject} gewijzigd van {from} naar {to}",
        ),
        ("user_vetted", "{subject} gescreend"),
        ("user_unvetted", "Screening van {subject} ingetrokken"),
        ("user_disabled", "Account van {subject} uitgeschakeld"),
        ("user_enabled", "Account van {subject} ingeschakeld"),
        (
            "vetted_challenge_viewed",
            "Gescreende uitdaging {subject} gelezen",
        ),
        (
            "introduction_state_changed",
            "Introductie van {subject} van {from} naar {to} gezet",
        ),
        (
            "introduction_started",
            "Introductie van {subject} gestart als {to}",
        ),
        (
            "contact_revealed",
            "Contactgegevens van de introductie van {subject} met beide kanten gedeeld",
        ),
        ("export", "{rows} introducties geëxporteerd"),
        (
            "import",
            "{file} geïmporteerd: {created} nieuw, {updated} bijgewerkt, {rejected} geweigerd",
        ),
        (
            "password_reset",
            "Nieuw wachtwoord ingesteld met een gemailde link",
        ),
        ("password_changed", "Eigen wachtwoord gewijzigd"),
        ("invitation_sent", "{email} uitgenodigd als {role}"),
        (
            "invitation_resent",
            "Uitnodiging van {email} opnieuw verstuurd",
        ),
        ("invitation_revoked", "Uitnodiging van {email} ingetrokken"),
        ("invitation_accepted", "Uitnodiging aangenomen als {role}"),
        (
            "personal_data_exported",
            "Eigen persoonsgegevens gedownload",
        ),
        ("account_erased", "Eigen account gewist"),
        ("match_marked", "Match met {subject} gemarkeerd als {mark}"),
        (
            "match_unmarked",
            "Markering van de match met {subject} ingetrokken",
        ),
        (
            "challenge_status_changed",
            "Status van {subject} gewijzigd van {from} naar {to}",
        ),
    ],
};
