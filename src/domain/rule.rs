//! Every rule an input value can break, as a closed set.
//!
//! A rule is data, not a sentence: the API words it in English (its
//! `Display`), the pages in the visitor's language (`web::text::rules`). No
//! rule carries the offending value, so an error can never echo a large or
//! hostile input back.

use std::fmt;

use super::account::{OrganisationKind, Role};

/// A rule that a value of an input field breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// A required value is missing.
    Required,
    /// Text that must not be empty is.
    Empty,
    /// Text shorter than `min` characters.
    TooShort { min: usize },
    /// Text longer than `max` characters.
    TooLong { max: usize },
    /// A number outside `min..=max`.
    OutOfRange { min: i64, max: i64 },
    /// Not a whole number.
    NotWholeNumber,
    /// A value that names no member of a closed set.
    NotOneOf { expected: String },
    /// A choice that the form did not offer.
    UnknownChoice,
    /// Not a date (`YYYY-MM-DD`).
    NotADate,
    /// A value of the right type that still cannot be read (a search query,
    /// a date); `detail` says why, in English, without the value.
    Malformed { detail: String },
    /// The end of a range lies before its start (`closes_before`, `until`).
    EndBeforeStart { start_field: &'static str },
    /// More keywords than allowed.
    TooManyKeywords { max: usize },
    /// One keyword longer than allowed.
    KeywordTooLong { max: usize },
    /// More technologies than allowed.
    TooManyTechnologies { max: usize },
    /// A TRL range whose lower end is above its upper end.
    TrlRangeInverted,
    /// Only one end of the budget range is given.
    BudgetIncomplete,
    /// A budget outside `0..=max` euro.
    BudgetOutOfRange { max: i64 },
    /// The lower budget is above the upper one.
    BudgetInverted,
    /// The pre-release date lies after the opening date.
    PreReleaseAfterOpening,
    /// The deadline is not after the opening date.
    DeadlineNotAfterOpening,
    /// The deadline is not after the pre-release date.
    DeadlineNotAfterPreRelease,
    /// The deadline has passed already.
    DeadlinePassed,
    /// A date outside the years `earliest..=latest` (`domain::instant`).
    DateOutOfRange { earliest: i32, latest: i32 },
    /// A date more than `years` years ahead.
    DateTooFarAhead { years: u32 },
    /// A pre-release without an opening date.
    PreReleaseNeedsOpening,
    /// Opening now a challenge whose opening date lies ahead.
    OpeningStillAhead,
    /// Clearing the opening date of a challenge in pre-release.
    PublishedKeepsOpening,
    /// A website that is not an http(s) address.
    NotWebAddress,
    /// A Dutch start-up without its province.
    ProvinceRequired,
    /// A province for a start-up abroad.
    ProvinceOnlyInNetherlands,
    /// A Dutch start-up without its KvK number.
    KvkRequired,
    /// A KvK number that is not eight digits.
    KvkFormat,
    /// A headcount outside 0 to 1,000,000.
    EmployeesOutOfRange,
    /// A founding year outside `earliest..=latest`.
    FoundedYearOutOfRange { earliest: i32, latest: i32 },
    /// An outcome given with an action other than `record_outcome`.
    OutcomeOnlyWithRecordOutcome,
    /// A reason given with an action that takes none.
    ReasonNotTaken,
    /// `record_outcome` without an outcome.
    OutcomeRequired,
    /// `no_fit` without a reason.
    NoFitNeedsReason,
    /// An admin account given an organisation.
    AdminHasNoOrganisation,
    /// An account of `role` without the organisation it needs.
    RoleNeedsOrganisation { role: Role, kind: OrganisationKind },
    /// An account of `role` in an organisation of the wrong kind.
    RoleOrganisationMismatch {
        role: Role,
        kind: OrganisationKind,
        actual: OrganisationKind,
    },
    /// A role change that does not fit the user's organisation.
    RoleDoesNotFitOrganisation,
    /// An organisation id that names no organisation.
    NoSuchOrganisation,
    /// `rom` given for an organisation that is not a ROM, or missing for one that is.
    RomOnlyForRomOrganisations,
    /// An e-mail address without `@`.
    EmailWithoutAt,
    /// An e-mail address that cannot be one.
    EmailInvalid,
    /// A password shorter than `min` characters.
    PasswordTooShort { min: usize },
    /// A password longer than `max` characters.
    PasswordTooLong { max: usize },
    /// A password reset link that is unknown, used, expired or of a disabled account.
    ResetLinkInvalid,
    /// The current password given to change it is wrong.
    WrongCurrentPassword,
    /// An e-mail verification link that is unknown, used, expired or of a disabled account.
    VerificationLinkInvalid,
    /// An e-mail domain for single sign-on that is not a domain name.
    EmailDomainInvalid,
    /// An invitation token that names no invitation (forged or mistyped).
    InvitationLinkInvalid,
    /// An invitation that was accepted already.
    InvitationUsed,
    /// An invitation past its expiry.
    InvitationExpired,
    /// An invitation that was withdrawn.
    InvitationRevoked,
    /// A role that the invitation cannot give with the organisation chosen.
    InvitationRoleMismatch,
    /// A claim of a start-up that has no contact e-mail to send it to.
    NoContactEmail,
    /// The password that confirms erasing the account is wrong.
    WrongPassword,
    /// Registration without accepting the privacy notice.
    PrivacyNotAccepted,
    /// A daily digest asked of a saved search of start-ups.
    DigestOfChallengesOnly,
    /// A filter that the caller's kind of search does not have.
    FilterNotAllowed,
    /// Text with characters PostgreSQL cannot store.
    Unstorable,
    // ---- imports (the import page)
    /// An uploaded file larger than `max_megabytes` MB.
    FileTooLarge { max_megabytes: usize },
    /// An uploaded file of a kind the import does not read.
    FileType,
    /// An uploaded file that cannot be read as what it claims to be;
    /// `detail` says why, in English, without the content.
    FileUnreadable { detail: String },
    // ---- brokering (introductions, the pipeline, notifications)
    /// An introduction started by a broker or procurement without naming the start-up.
    StartupToIntroduceMissing,
    // ---- users, organisations and audit
    /// The end of a range lies before its start; equal ends are fine (`until`).
    NotBefore { start_field: &'static str },
    /// Text that is not a whole id (a UUID).
    NotAnId,
}

impl fmt::Display for Rule {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Required => formatter.write_str("is required"),
            Rule::Empty => formatter.write_str("must not be empty"),
            Rule::TooShort { min } => write!(formatter, "needs at least {min} characters"),
            Rule::TooLong { max } => write!(formatter, "may have at most {max} characters"),
            Rule::OutOfRange { min, max } => write!(formatter, "must be between {min} and {max}"),
            Rule::NotWholeNumber => formatter.write_str("must be a whole number"),
            Rule::NotOneOf { expected } => write!(formatter, "must be one of: {expected}"),
            Rule::UnknownChoice => formatter.write_str("choose one of the options offered"),
            Rule::NotADate => formatter.write_str("must be a date, as YYYY-MM-DD"),
            Rule::Malformed { detail } => formatter.write_str(detail),
            Rule::EndBeforeStart { start_field } => {
                write!(formatter, "must be later than {start_field}")
            }
            Rule::TooManyKeywords { max } => write!(formatter, "at most {max} keywords are allowed"),
            Rule::KeywordTooLong { max } => {
                write!(formatter, "a keyword may have at most {max} characters")
            }
            Rule::TooManyTechnologies { max } => {
                write!(formatter, "at most {max} technologies are allowed")
            }
            Rule::TrlRangeInverted => {
                formatter.write_str("trl_min must not be greater than trl_max")
            }
            Rule::BudgetIncomplete => {
                formatter.write_str("give both ends of the budget range, or neither")
            }
            Rule::BudgetOutOfRange { max } => write!(formatter, "must be between 0 and {max} euro"),
            Rule::BudgetInverted => {
                formatter.write_str("budget_min_eur must not be greater than budget_max_eur")
            }
            Rule::PreReleaseAfterOpening => {
                formatter.write_str("the pre-release date must not be after the opening date")
            }
            Rule::DeadlineNotAfterOpening => {
                formatter.write_str("the deadline must be after the opening date")
            }
            Rule::DeadlineNotAfterPreRelease => {
                formatter.write_str("the deadline must be after the pre-release date")
            }
            Rule::DeadlinePassed => formatter.write_str("the deadline has already passed"),
            Rule::DateOutOfRange { earliest, latest } => write!(
                formatter,
                "must be a date in the years {earliest} to {latest}"
            ),
            Rule::DateTooFarAhead { years } => {
                write!(formatter, "must lie at most {years} years ahead")
            }
            Rule::PreReleaseNeedsOpening => {
                formatter.write_str("a pre-release needs an opening date")
            }
            Rule::OpeningStillAhead => formatter.write_str(
                "the opening date is still ahead; publish it as a pre-release and it opens by itself on that date, or move the opening date",
            ),
            Rule::PublishedKeepsOpening => {
                formatter.write_str("a published challenge (pre-release) keeps its opening date")
            }
            Rule::NotWebAddress => formatter.write_str("must be an http:// or https:// address"),
            Rule::ProvinceRequired => {
                formatter.write_str("a Dutch start-up needs its province (ISO 3166-2:NL code)")
            }
            Rule::ProvinceOnlyInNetherlands => {
                formatter.write_str("only start-ups in the Netherlands have a province")
            }
            Rule::KvkRequired => formatter.write_str("a Dutch start-up needs its KvK number"),
            Rule::KvkFormat => formatter.write_str("a KvK number has exactly 8 digits"),
            Rule::EmployeesOutOfRange => formatter.write_str("must be between 0 and 1,000,000"),
            Rule::FoundedYearOutOfRange { earliest, latest } => {
                write!(formatter, "must be between {earliest} and {latest}")
            }
            Rule::OutcomeOnlyWithRecordOutcome => {
                formatter.write_str("only the action record_outcome takes an outcome")
            }
            Rule::ReasonNotTaken => {
                formatter.write_str("only decline, withdraw and record_outcome take a reason")
            }
            Rule::OutcomeRequired => {
                formatter.write_str("record_outcome needs an outcome: pilot, contract or no_fit")
            }
            Rule::NoFitNeedsReason => {
                formatter.write_str("say why there was no fit: the other side learns from it")
            }
            Rule::AdminHasNoOrganisation => formatter.write_str("admins belong to no organisation"),
            Rule::RoleNeedsOrganisation { role, kind } => {
                write!(formatter, "a {role} needs an organisation of kind {kind}")
            }
            Rule::RoleOrganisationMismatch { role, kind, actual } => write!(
                formatter,
                "a {role} belongs to an organisation of kind {kind}, not {actual}"
            ),
            Rule::RoleDoesNotFitOrganisation => formatter.write_str(
                "the new role does not fit the kind of the user's organisation; create a new account instead",
            ),
            Rule::NoSuchOrganisation => formatter.write_str("no such organisation"),
            Rule::RomOnlyForRomOrganisations => {
                formatter.write_str("give `rom` for an organisation of kind rom, and only then")
            }
            Rule::EmailWithoutAt => formatter.write_str("an e-mail address needs an @"),
            Rule::EmailInvalid => formatter.write_str("this is not a valid e-mail address"),
            Rule::PasswordTooShort { min } => {
                write!(formatter, "a password needs at least {min} characters")
            }
            Rule::PasswordTooLong { max } => {
                write!(formatter, "a password may have at most {max} characters")
            }
            Rule::ResetLinkInvalid => formatter.write_str(
                "this reset link is not valid: it was used already, has expired, or was never sent; ask for a new one",
            ),
            Rule::WrongCurrentPassword => formatter.write_str("the current password is wrong"),
            Rule::VerificationLinkInvalid => formatter.write_str(
                "this verification link is not valid: it was used already, has expired, or was never sent; ask for a new one",
            ),
            Rule::EmailDomainInvalid => formatter
                .write_str("give a domain name such as example.org, without @ or spaces"),
            Rule::InvitationLinkInvalid => formatter.write_str(
                "this invitation link is not valid; check that you copied the whole link from the mail",
            ),
            Rule::InvitationUsed => formatter.write_str(
                "this invitation was accepted already; log in, or reset your password",
            ),
            Rule::InvitationExpired => formatter
                .write_str("this invitation has expired; ask the person who invited you to resend it"),
            Rule::InvitationRevoked => formatter.write_str("this invitation was withdrawn"),
            Rule::InvitationRoleMismatch => formatter.write_str(
                "a start-up invitation names a start-up company, a procurement invitation a defence organisation, a ROM invitation a ROM, and an admin invitation none",
            ),
            Rule::NoContactEmail => formatter
                .write_str("this start-up has no contact e-mail address; give the address to invite"),
            Rule::WrongPassword => formatter.write_str("the password is wrong"),
            Rule::DigestOfChallengesOnly => {
                formatter.write_str("only searches of challenges can send a daily digest")
            }
            Rule::PrivacyNotAccepted => {
                formatter.write_str("accept the privacy notice (/privacy) to register")
            }
            Rule::FilterNotAllowed => formatter.write_str("this search cannot be filtered by it"),
            Rule::Unstorable => {
                formatter.write_str("the input contains characters that cannot be stored")
            }
            Rule::FileTooLarge { max_megabytes } => write!(
                formatter,
                "the file is larger than {max_megabytes} MB; split it, or import it with `defmatch import`"
            ),
            Rule::FileType => formatter
                .write_str("choose a .csv or .xlsx file (or JSON Lines, .jsonl)"),
            Rule::FileUnreadable { detail } => {
                write!(formatter, "the file cannot be read: {detail}")
            }
            // ---- brokering (introductions, the pipeline, notifications)
            Rule::StartupToIntroduceMissing => formatter.write_str("name the start-up to introduce"),
            // ---- users, organisations and audit
            Rule::NotBefore { start_field } => {
                write!(formatter, "must not be before {start_field}")
            }
            Rule::NotAnId => formatter
                .write_str("enter a full id, such as 0b6e4c1e-8f9a-4d4b-9a51-0c8a2f3e7d10"),
        }
    }
}

impl std::error::Error for Rule {}
