//! The `defmatch` command: parses the command line and calls the library.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use defmatch::config::{database_url_from_env, Settings};
use defmatch::domain::account::{EmailAddress, NewPassword, Role};
use secrecy::ExposeSecret;

/// Matchmaking between dual-use start-ups and Dutch defence challenges.
#[derive(Debug, Parser)]
#[command(name = "defmatch", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API (migrates the database first).
    Serve {
        /// Address to listen on [env: DEFMATCH_BIND] [default: 127.0.0.1:8080]
        #[arg(long)]
        bind: Option<SocketAddr>,
        /// Seed the demo data if the database is empty, and allow a generated JWT secret.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Write data into the database.
    Seed {
        /// The demo dataset (only into an empty database).
        #[arg(long, required = true)]
        demo: bool,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Import start-ups and/or challenges from CSV, .xlsx or JSON Lines files (upsert by external id).
    ///
    /// CSV files may be separated by commas, semicolons or tabs and be UTF-8 or
    /// Windows-1252 (both detected); headers may be English or Dutch. Every
    /// rejected row is reported with its line number. The columns: `defmatch
    /// import --columns` and docs/import.md.
    Import {
        /// File of start-ups (.csv, .xlsx, .jsonl).
        #[arg(long, value_name = "FILE")]
        startups: Option<PathBuf>,
        /// File of challenges (.csv, .xlsx, .jsonl); imported before the start-ups.
        #[arg(long, value_name = "FILE")]
        challenges: Option<PathBuf>,
        /// Report what would be created, updated and rejected; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Create a defence organisation a challenge names that does not exist
        /// (otherwise the row is rejected with the nearest known names).
        #[arg(long)]
        create_organisations: bool,
        /// Write every rejection and ignored column to FILE as CSV.
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        /// How many rejections to print per file; the rest are counted.
        #[arg(long, value_name = "N", default_value_t = 50)]
        max_rejections: usize,
        /// Print the columns a file may have, in English and Dutch, and exit.
        #[arg(long)]
        columns: bool,
        /// The sheet to read of an .xlsx workbook (default: its first sheet).
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
    },
    /// Rebuild the search index in INDEX_DIR from the database.
    Reindex,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create an account of any role.
    Create {
        /// startup, procurement, rom_officer or admin
        #[arg(long)]
        role: String,
        #[arg(long)]
        email: String,
        /// Display name [default: the e-mail address]
        #[arg(long)]
        name: Option<String>,
        /// Organisation id (for every role but admin)
        #[arg(long)]
        organisation: Option<uuid::Uuid>,
        /// The password is read from this environment variable.
        #[arg(long, default_value = "DEFMATCH_NEW_PASSWORD")]
        password_env: String,
    },
}

fn main() -> anyhow::Result<()> {
    defmatch::server::memory::bound_allocator_memory();
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    defmatch::telemetry::init(
        std::env::var("DEFMATCH_LOG_FORMAT").is_ok_and(|format| format == "json"),
    );
    match cli.command {
        Command::Serve { bind, demo } => {
            let settings = Settings::from_env(bind, demo)?;
            actix_web::rt::System::new().block_on(defmatch::server::serve(settings, demo))
        }
        Command::Migrate => {
            let url = database_url_from_env()?;
            let applied = defmatch::server::migrate_with_retry(url.expose_secret())?;
            println!("applied {} migration(s) {:?}", applied.len(), applied);
            Ok(())
        }
        Command::Seed { demo: _ } => {
            let url = database_url_from_env()?;
            defmatch::server::migrate_with_retry(url.expose_secret())?;
            let pool = defmatch::db::build_pool(url.expose_secret(), 2);
            defmatch::server::seed_demo_if_empty(&pool, defmatch::config::DEFAULT_BIND)
        }
        Command::User { command } => match command {
            UserCommand::Create {
                role,
                email,
                name,
                organisation,
                password_env,
            } => create_user(&role, &email, name, organisation, &password_env),
        },
        Command::Openapi => {
            println!("{}", defmatch::api::openapi::document_json()?);
            Ok(())
        }
        Command::Import {
            startups,
            challenges,
            dry_run,
            create_organisations,
            report,
            max_rejections,
            columns,
            sheet,
        } => {
            if columns {
                print!("{}", defmatch::import::columns::columns_text());
                return Ok(());
            }
            let url = database_url_from_env()?;
            defmatch::cli::import(
                url.expose_secret(),
                &defmatch::cli::ImportRequest {
                    challenges: challenges.as_deref(),
                    startups: startups.as_deref(),
                    options: defmatch::import::ImportOptions {
                        create_organisations,
                        dry_run,
                        reach: defmatch::domain::policy::ImportReach::Everywhere,
                    },
                    report: report.as_deref(),
                    max_rejections,
                    sheet: sheet.as_deref(),
                },
            )
        }
        Command::Reindex => {
            let url = database_url_from_env()?;
            defmatch::cli::reindex(url.expose_secret(), &defmatch::config::index_dir_from_env())
        }
    }
}

fn create_user(
    role: &str,
    email: &str,
    name: Option<String>,
    organisation: Option<uuid::Uuid>,
    password_env: &str,
) -> anyhow::Result<()> {
    let role: Role = role.parse()?;
    let email = EmailAddress::try_from(email.to_owned()).map_err(|error| anyhow::anyhow!(error))?;
    let password = std::env::var(password_env).with_context(|| {
        format!("set the new password in the environment variable {password_env}")
    })?;
    let password = NewPassword::try_from(password).map_err(|error| anyhow::anyhow!(error))?;
    let url = database_url_from_env()?;
    defmatch::server::migrate_with_retry(url.expose_secret())?;
    let mut connection = defmatch::db::establish(url.expose_secret())?;
    let display_name = name.unwrap_or_else(|| email.as_str().to_owned());
    let account = defmatch::auth::accounts::NewAccount {
        email: &email,
        display_name: &display_name,
        role,
        organisation_id: organisation,
    };
    let user = defmatch::auth::accounts::create_account(
        &mut connection,
        &account,
        &password,
        chrono::Utc::now(),
    )?;
    println!(
        "created {} {} ({})",
        user.role,
        user.email.as_str(),
        user.id
    );
    Ok(())
}
