//! Seeds the demo dataset into an empty database.
//!
//! Dates in the dataset are relative to the moment of seeding, so the demo
//! always has challenges that close tomorrow, next week and in months.

use anyhow::{bail, Context};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use serde::Deserialize;

use crate::auth::accounts::{create_account_with_hash, NewAccount};
use crate::auth::password::hash_password;
use crate::db::challenges::{self, ChallengeOrigin};
use crate::db::organisations::{self, NewOrganisation};
use crate::db::{startups, users};
use crate::domain::account::{EmailAddress, OrganisationKind, Role};
use crate::domain::challenge::{ChallengeInput, ChallengeStatus};
use crate::domain::readiness::Trl;
use crate::domain::region::{Province, Rom};
use crate::domain::security::Visibility;
use crate::domain::startup::StartupInput;
use crate::domain::taxonomy::Technology;

/// The password of every demo account. Demo mode only.
pub const DEMO_PASSWORD: &str = "defmatch-demo";

const CHALLENGES_JSON: &str = include_str!("demo/challenges.json");
const STARTUPS_JSON: &str = include_str!("demo/startups.json");

/// The defence organisations of the demo, by the key the dataset uses.
const DEFENCE_ORGANISATIONS: [(&str, &str); 7] = [
    ("dmo", "Defensie Materieel Organisatie (DMO)"),
    ("navy", "Koninklijke Marine"),
    ("army", "Koninklijke Landmacht"),
    ("airforce", "Koninklijke Luchtmacht"),
    ("marechaussee", "Koninklijke Marechaussee"),
    ("jivc", "Joint IV Commando (JIVC)"),
    ("innovation", "Defensie Innovatie-eenheid"),
];

/// The procurement officers of the demo: (organisation key, e-mail, name).
const PROCUREMENT_OFFICERS: [(&str, &str, &str); 2] = [
    ("dmo", "inkoop.dmo@defmatch.example", "Marieke Jansen (DMO)"),
    (
        "navy",
        "inkoop.marine@defmatch.example",
        "Pieter Bakker (Koninklijke Marine)",
    ),
];

/// The admin of the demo.
pub const DEMO_ADMIN_EMAIL: &str = "admin@defmatch.example";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoChallenge {
    key: String,
    organisation: String,
    title: String,
    summary: String,
    description: String,
    desired_outcome: String,
    technologies: Vec<Technology>,
    keywords: Vec<String>,
    preferred_provinces: Vec<Province>,
    trl_min: Trl,
    trl_max: Trl,
    budget_min_eur: Option<i64>,
    budget_max_eur: Option<i64>,
    pre_release_in_days: Option<i64>,
    opens_in_days: Option<i64>,
    closes_in_days: Option<i64>,
    visibility: Visibility,
    abdo_required: bool,
    status: ChallengeStatus,
}

/// One demo login to print.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub role: Role,
    pub email: String,
    pub description: String,
}

/// What the seeder wrote.
#[derive(Debug, Clone, Default)]
pub struct SeedReport {
    pub organisations: usize,
    pub users: usize,
    pub startups: usize,
    pub challenges: usize,
    /// A selection of logins worth trying, one or more per role.
    pub logins: Vec<DemoLogin>,
}

/// Whether the database has no accounts yet.
pub fn database_is_empty(connection: &mut PgConnection) -> anyhow::Result<bool> {
    Ok(users::count(connection).context("failed to count users")? == 0)
}

/// Seeds the demo dataset in one transaction; refuses a non-empty database.
pub fn seed(connection: &mut PgConnection, now: DateTime<Utc>) -> anyhow::Result<SeedReport> {
    if !database_is_empty(connection)? {
        bail!("the database already has accounts; the demo data goes only into an empty database");
    }
    let challenges: Vec<DemoChallenge> =
        serde_json::from_str(CHALLENGES_JSON).context("demo challenges.json is invalid")?;
    let startup_records: Vec<serde_json::Value> =
        serde_json::from_str(STARTUPS_JSON).context("demo startups.json is invalid")?;
    let password_hash = hash_password(DEMO_PASSWORD)?;
    connection.transaction(|connection| {
        let mut report = SeedReport::default();
        seed_staff(connection, &password_hash, now, &mut report)?;
        seed_startups(
            connection,
            &startup_records,
            &password_hash,
            now,
            &mut report,
        )?;
        seed_challenges(connection, &challenges, now, &mut report)?;
        Ok(report)
    })
}

fn demo_email(address: &str) -> anyhow::Result<EmailAddress> {
    EmailAddress::try_from(address.to_owned()).map_err(|error| anyhow::anyhow!(error))
}

fn add_account(
    connection: &mut PgConnection,
    email: &EmailAddress,
    display_name: &str,
    role: Role,
    organisation_id: Option<uuid::Uuid>,
    password_hash: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<users::UserRow> {
    let account = NewAccount {
        email,
        display_name,
        role,
        organisation_id,
    };
    create_account_with_hash(connection, &account, password_hash, now)
        .with_context(|| format!("failed to create demo account {}", email.as_str()))
}

fn seed_staff(
    connection: &mut PgConnection,
    password_hash: &str,
    now: DateTime<Utc>,
    report: &mut SeedReport,
) -> anyhow::Result<()> {
    let admin_email = demo_email(DEMO_ADMIN_EMAIL)?;
    add_account(
        connection,
        &admin_email,
        "Platform admin",
        Role::Admin,
        None,
        password_hash,
        now,
    )?;
    report.users += 1;
    report.logins.push(DemoLogin {
        role: Role::Admin,
        email: DEMO_ADMIN_EMAIL.to_owned(),
        description: "admin: reads everything, creates users, vets".to_owned(),
    });
    for (_, name) in DEFENCE_ORGANISATIONS {
        organisations::insert(
            connection,
            &NewOrganisation {
                kind: OrganisationKind::Defence,
                name,
                rom: None,
            },
        )?;
        report.organisations += 1;
    }
    for (organisation_key, email, display_name) in PROCUREMENT_OFFICERS {
        let organisation = defence_organisation(connection, organisation_key)?;
        let email_address = demo_email(email)?;
        add_account(
            connection,
            &email_address,
            display_name,
            Role::Procurement,
            Some(organisation.id),
            password_hash,
            now,
        )?;
        report.users += 1;
        report.logins.push(DemoLogin {
            role: Role::Procurement,
            email: email.to_owned(),
            description: format!("procurement officer of {}", organisation.name),
        });
    }
    for rom in Rom::ALL {
        let organisation = organisations::insert(
            connection,
            &NewOrganisation {
                kind: OrganisationKind::Rom,
                name: rom.name(),
                rom: Some(*rom),
            },
        )?;
        report.organisations += 1;
        let email = format!("{}@defmatch.example", rom.as_str());
        let email_address = demo_email(&email)?;
        add_account(
            connection,
            &email_address,
            &format!("Defence desk {}", rom.name()),
            Role::RomOfficer,
            Some(organisation.id),
            password_hash,
            now,
        )?;
        report.users += 1;
        if matches!(rom, Rom::RomInWest | Rom::InnovationQuarter) {
            let provinces: Vec<&str> = rom
                .provinces()
                .iter()
                .map(|province| province.name())
                .collect();
            report.logins.push(DemoLogin {
                role: Role::RomOfficer,
                email,
                description: format!("ROM officer of {} ({})", rom.name(), provinces.join(", ")),
            });
        }
    }
    Ok(())
}

fn defence_organisation(
    connection: &mut PgConnection,
    key: &str,
) -> anyhow::Result<organisations::OrganisationRow> {
    let name = DEFENCE_ORGANISATIONS
        .iter()
        .find(|(candidate, _)| *candidate == key)
        .map(|(_, name)| *name)
        .with_context(|| format!("unknown demo organisation `{key}`"))?;
    organisations::find_by_name(connection, OrganisationKind::Defence, name)?
        .with_context(|| format!("demo organisation `{name}` is missing"))
}

fn seed_startups(
    connection: &mut PgConnection,
    records: &[serde_json::Value],
    password_hash: &str,
    now: DateTime<Utc>,
    report: &mut SeedReport,
) -> anyhow::Result<()> {
    for record in records {
        let mut fields = record
            .as_object()
            .cloned()
            .context("a demo start-up is not a JSON object")?;
        let key = fields
            .remove("key")
            .and_then(|key| key.as_str().map(str::to_owned))
            .context("a demo start-up has no key")?;
        let input: StartupInput = serde_json::from_value(serde_json::Value::Object(fields))
            .with_context(|| format!("demo start-up `{key}` does not parse"))?;
        let profile = input
            .validate(chrono::Datelike::year(&now))
            .with_context(|| format!("demo start-up `{key}` is invalid"))?;
        let organisation = organisations::insert(
            connection,
            &NewOrganisation {
                kind: OrganisationKind::StartupCompany,
                name: &profile.name,
                rom: None,
            },
        )?;
        report.organisations += 1;
        let login = profile
            .contact
            .email
            .clone()
            .with_context(|| format!("demo start-up `{key}` has no contact e-mail"))?;
        let display_name = profile
            .contact
            .name
            .clone()
            .unwrap_or_else(|| profile.name.clone());
        let user = add_account(
            connection,
            &login,
            &display_name,
            Role::Startup,
            Some(organisation.id),
            password_hash,
            now,
        )?;
        report.users += 1;
        // Start-ups that hold ABDO clearance have been vetted, so they see
        // the vetted challenges; the others show what vetting hides.
        if profile.abdo_clearance.is_some() {
            let changes = users::UserChanges {
                vetted_at: Some(Some(now)),
                ..Default::default()
            };
            users::update_if_version(connection, user.id, user.version, &changes)?;
        }
        let external_id = format!("demo:{key}");
        startups::insert(connection, organisation.id, Some(&external_id), &profile)?;
        report.startups += 1;
        // Show one start-up login of each kind: vetted and not.
        let vetting = if profile.abdo_clearance.is_some() {
            "vetted, holds ABDO clearance"
        } else {
            "not vetted"
        };
        let kind_shown = report.logins.iter().any(|shown| {
            shown.role == Role::Startup && shown.description.ends_with(&format!("({vetting})"))
        });
        if !kind_shown {
            report.logins.push(DemoLogin {
                role: Role::Startup,
                email: login.as_str().to_owned(),
                description: format!("start-up {} ({vetting})", profile.name),
            });
        }
    }
    Ok(())
}

fn days_from(now: DateTime<Utc>, days: Option<i64>) -> Option<DateTime<Utc>> {
    days.map(|days| now + Duration::days(days))
}

fn seed_challenges(
    connection: &mut PgConnection,
    records: &[DemoChallenge],
    now: DateTime<Utc>,
    report: &mut SeedReport,
) -> anyhow::Result<()> {
    let officers = PROCUREMENT_OFFICERS
        .iter()
        .map(|(key, email, _)| Ok((*key, demo_email(email)?)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    for record in records {
        let organisation = defence_organisation(connection, &record.organisation)?;
        let input = ChallengeInput {
            title: record.title.clone(),
            summary: record.summary.clone(),
            description: record.description.clone(),
            desired_outcome: record.desired_outcome.clone(),
            technologies: record.technologies.clone(),
            keywords: record.keywords.clone(),
            preferred_provinces: record.preferred_provinces.clone(),
            trl_min: record.trl_min,
            trl_max: record.trl_max,
            budget_min_eur: record.budget_min_eur,
            budget_max_eur: record.budget_max_eur,
            pre_release_at: days_from(now, record.pre_release_in_days),
            opens_at: days_from(now, record.opens_in_days),
            closes_at: days_from(now, record.closes_in_days),
            visibility: record.visibility,
            abdo_required: record.abdo_required,
        };
        let content = input
            .validate()
            .with_context(|| format!("demo challenge `{}` is invalid", record.key))?;
        let created_by = match officers.iter().find(|(key, _)| *key == record.organisation) {
            Some((_, email)) => users::find_by_email(connection, email)?.map(|user| user.id),
            None => None,
        };
        let external_id = format!("demo:{}", record.key);
        let origin = ChallengeOrigin {
            organisation_id: organisation.id,
            created_by,
            external_id: Some(&external_id),
            status: record.status,
        };
        challenges::insert(connection, &origin, &content)?;
        report.challenges += 1;
    }
    Ok(())
}
