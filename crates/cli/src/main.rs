//! `relais`: one binary for the web pages, the API, the job worker and the
//! operator's commands.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use relais::config::{Config, Sources};
use relais::ops;
use relais_core::values::{Email, NewPassword};
use relais_core::{Clock, SystemClock};
use relais_db::Db;
use relais_db::audit::{self, Actor, Verdict};
use relais_directory::access::DirectoryAdmin;
use relais_directory::import::{self, ImportOptions, ImportReport};
use relais_directory::{accounts, demo, tokens};

/// mimalloc rather than the C library's allocator: under a registration
/// burst glibc's malloc and free took a fifth of the server's CPU
/// (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "relais",
    version,
    about = "Relais: the support services of a research institute, in a crisis and after."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web pages and the API, with a job worker.
    Serve {
        /// Address to listen on (RELAIS_LISTEN, default 127.0.0.1:8080).
        #[arg(long)]
        listen: Option<String>,
        /// Do not run jobs in this process (run `relais worker` elsewhere).
        #[arg(long)]
        no_worker: bool,
    },
    /// Run background jobs only.
    Worker,
    /// Load the demo institute (once) and serve it.
    Demo {
        #[arg(long)]
        listen: Option<String>,
    },
    /// Apply database migrations.
    Migrate,
    /// Check the configuration.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Import units or people from CSV.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Accounts and tokens.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Write a consistent copy of the SQLite database, even while it serves.
    Backup { file: PathBuf },
    /// Replace the SQLite database with a backup (refused while a server runs).
    Restore { file: PathBuf },
    /// Take one mail for the IT desk on standard input, as an MTA pipe
    /// delivers it; exits 65 (refused, with the reason) or 75 (try again).
    Mailgate,
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Load and validate the configuration, and print it with secrets masked.
    Check,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain; name the first broken entry.
    Verify,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// `code;name;delegation;partners`
    Units {
        file: PathBuf,
        #[arg(long)]
        skip_invalid: bool,
    },
    /// `employee_number;email;first_name;last_name;unit_code;team;manager_employee_number;job_category;phd_supervisor;language`
    People {
        file: PathBuf,
        #[arg(long)]
        skip_invalid: bool,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Give a person a password (read from standard input) and roles.
    CreateUser {
        #[arg(long)]
        email: String,
        /// ROLE[:SCOPE], SCOPE being institute, delegation:CODE or unit:CODE; repeatable.
        #[arg(long = "role")]
        roles: Vec<String>,
    },
    /// Print a new API token for a person, alone on its line.
    Token {
        #[arg(long)]
        email: String,
        /// Days before it expires.
        #[arg(long, default_value_t = 90)]
        expires: i64,
        #[arg(long, default_value = "relais admin token")]
        label: String,
    },
}

fn init_logs(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("RELAIS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn open(cfg: &Config) -> anyhow::Result<Db> {
    let db = Db::connect(&cfg.database_url)
        .await
        .with_context(|| format!("database {}", cfg.database_url))?;
    db.migrate().await.context("migrations failed")?;
    Ok(db)
}

fn load_config(default_db: &str, listen: Option<String>) -> anyhow::Result<Config> {
    let sources = Sources::from_process().map_err(anyhow::Error::msg)?;
    let mut cfg =
        Config::load(&sources, default_db).map_err(|e| anyhow::anyhow!("configuration: {e}"))?;
    if let Some(l) = listen {
        cfg.listen = l
            .parse()
            .with_context(|| format!("--listen {l:?} is not an address like 127.0.0.1:8080"))?;
        if sources.file.is_none() && std::env::var("RELAIS_PUBLIC_URL").is_err() {
            cfg.public_url = format!("http://{}", cfg.listen);
        }
    }
    Ok(cfg)
}

fn progress_bar(what: &str) -> ProgressBar {
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::new(0)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar
}

/// The operator's language, from the locale (`LANG=fr_FR.UTF-8` → French); English otherwise.
fn cli_lang() -> relais_core::Lang {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .and_then(|v| relais_core::Lang::parse(&v))
        .unwrap_or(relais_core::Lang::En)
}

/// A domain error as a sentence in the operator's language.
fn explain(e: &relais_core::Error) -> String {
    let t = relais_web::T(cli_lang());
    match e {
        relais_core::Error::Invalid { msg, .. } | relais_core::Error::Conflict { msg, .. } => {
            t.msg(msg)
        }
        other => other.to_string(),
    }
}

fn print_report(report: &ImportReport) {
    let t = relais_web::T(cli_lang());
    for e in &report.errors {
        let field = e.field.map(|f| format!(" [{f}]")).unwrap_or_default();
        eprintln!("line {}{field}: {}", e.line, t.msg(&e.msg));
    }
    if !report.written {
        eprintln!("nothing was written (use --skip-invalid to write the good lines)");
    }
    println!("{}", report.summary());
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let default_db = match cli.command {
        Command::Demo { .. } => "sqlite://relais-demo.db",
        _ => "sqlite://relais.db",
    };
    let listen = match &cli.command {
        Command::Serve { listen, .. } | Command::Demo { listen } => listen.clone(),
        _ => None,
    };
    let cfg = load_config(default_db, listen)?;
    init_logs(cfg.log_json);
    let clock = SystemClock;
    match cli.command {
        Command::Serve { no_worker, .. } => {
            let db = open(&cfg).await?;
            ops::serve(&cfg, db, !no_worker).await?;
        }
        Command::Worker => {
            let db = open(&cfg).await?;
            ops::worker(&cfg, db).await?;
        }
        Command::Demo { .. } => {
            let mut cfg = cfg;
            if cfg.smtp_url.is_none() && cfg.mail_folder.is_none() {
                cfg.mail_folder = Some(PathBuf::from("relais-demo-mail"));
            }
            let db = open(&cfg).await?;
            if !demo::is_loaded(&db).await? {
                eprintln!("Loading the demo institute ({} people)…", demo::PEOPLE);
                let bar = progress_bar("people");
                let b = bar.clone();
                let directory = demo::load(
                    &db,
                    &clock,
                    demo::SEED,
                    demo::PEOPLE,
                    &move |done, total| {
                        b.set_length(total);
                        b.set_position(done);
                    },
                )
                .await?;
                bar.finish_and_clear();
                eprintln!("Loading a year of trainings…");
                let training = relais_training::registrations::Training::new(
                    db.clone(),
                    Arc::new(SystemClock),
                    &cfg.web(),
                );
                relais_training::demo::load(&training, &directory, demo::SEED).await?;
                eprintln!(
                    "Loading the March-2020 lockdown: sessions, registrants, providers, plans, survey…"
                );
                relais_training::demo_crisis::load(&training, demo::SEED).await?;
                eprintln!("Loading six weeks of the IT desk…");
                let desk = relais_desk::Desk::new(db.clone(), Arc::new(SystemClock), &cfg.web());
                relais_desk::demo::load(&desk, &directory, demo::SEED).await?;
            }
            println!("Relais demo: open {}/", cfg.public_url);
            println!("Every demo account's password is: {}", demo::PASSWORD);
            for (email, role) in demo::ACCOUNTS {
                println!("  {role:<17} {email}");
            }
            if let Some(dir) = &cfg.mail_folder {
                println!(
                    "Mail is written to {}/ (and listed at {}/admin/mail).",
                    dir.display(),
                    cfg.public_url
                );
            }
            ops::serve(&cfg, db, true).await?;
        }
        Command::Migrate => {
            let db = Db::connect(&cfg.database_url).await?;
            let applied = db.migrate().await?;
            println!("{} migration(s) applied", applied.len());
        }
        Command::Config {
            command: ConfigCommand::Check,
        } => {
            println!("{cfg:#?}");
            let db = Db::connect(&cfg.database_url)
                .await
                .with_context(|| format!("database {}", cfg.database_url))?;
            println!("database answers: {}", db.ping().await);
            println!("configuration is valid");
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let db = open(&cfg).await?;
            match audit::verify(&db).await? {
                Verdict::Intact { entries } => println!("audit log intact: {entries} entries"),
                Verdict::BrokenAt { id, reason } => {
                    bail!("audit log broken at entry {id}: {reason}")
                }
            }
        }
        Command::Import { what } => {
            let db = open(&cfg).await?;
            let (file, skip_invalid, people) = match what {
                ImportCommand::Units { file, skip_invalid } => (file, skip_invalid, false),
                ImportCommand::People { file, skip_invalid } => (file, skip_invalid, true),
            };
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let bar = progress_bar(if people { "people" } else { "units" });
            let b = bar.clone();
            let progress = move |done, total| {
                b.set_length(total);
                b.set_position(done);
            };
            let opts = ImportOptions { skip_invalid };
            let cap = DirectoryAdmin::operator();
            let report = if people {
                import::import_people(&db, &clock, Actor::SYSTEM, cap, &bytes, opts, &progress)
                    .await?
            } else {
                import::import_units(&db, &clock, Actor::SYSTEM, cap, &bytes, opts, &progress)
                    .await?
            };
            bar.finish_and_clear();
            print_report(&report);
            if !report.written {
                std::process::exit(1);
            }
        }
        Command::Admin {
            command: AdminCommand::CreateUser { email, roles },
        } => {
            let db = open(&cfg).await?;
            let email = Email::parse(&email)
                .map_err(|_| anyhow::anyhow!("--email: not an email address"))?;
            let mut grants = Vec::new();
            for r in &roles {
                grants.push(
                    accounts::parse_grant(&db, r)
                        .await
                        .map_err(|e| anyhow::anyhow!("--role {r}: {}", explain(&e)))?,
                );
            }
            if std::io::stdin().is_terminal() {
                eprint!("Password for {email} (at least 12 characters), then Enter: ");
            }
            let mut input = String::new();
            std::io::stdin().read_to_string(&mut input)?;
            let password = input.lines().next().unwrap_or("");
            let password = NewPassword::parse(password)
                .map_err(|e| anyhow::anyhow!("password: {}", explain(&e)))?;
            let person = accounts::create_user(&db, &clock, &email, &grants, &password)
                .await
                .map_err(|e| anyhow::anyhow!("{}", explain(&e)))?;
            println!("account ready for {email} (person {person})");
        }
        Command::Admin {
            command:
                AdminCommand::Token {
                    email,
                    expires,
                    label,
                },
        } => {
            let db = open(&cfg).await?;
            let email = Email::parse(&email)
                .map_err(|_| anyhow::anyhow!("--email: not an email address"))?;
            let person = accounts::person_by_email(&db, &email)
                .await?
                .with_context(|| format!("no person with email {email}"))?;
            let clock: Arc<dyn Clock> = Arc::new(clock);
            let (_, token) =
                tokens::create(&db, clock.as_ref(), Actor::SYSTEM, person, &label, expires)
                    .await
                    .map_err(|e| anyhow::anyhow!("{}", explain(&e)))?;
            println!("{token}");
        }
        Command::Backup { file } => {
            let db = Db::connect(&cfg.database_url).await?;
            ops::backup(&db, &file).await?;
            println!("backup written to {}", file.display());
        }
        Command::Restore { file } => {
            ops::restore(&cfg, &file).await?;
            println!("database restored from {}", file.display());
        }
        Command::Mailgate => {
            let code = relais::mailgate(&cfg).await;
            std::process::exit(code);
        }
    }
    Ok(())
}
