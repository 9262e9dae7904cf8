//! `relais-bench`: the fixtures and checks around the load driver.
//!
//! - `gen DIR PEOPLE`: writes `units.csv` and `people.csv` for an institute of
//!   PEOPLE people (the demo's generator, so the data looks real); `bench/run.sh`
//!   times `relais import` and start-up with them.
//! - `tokens`: gives COUNT people of a database an account (no password) and
//!   an API token, fast, for the burst's distinct agents.
//! - `check`: the invariants after a burst, read from the database itself
//!   (and from what an SMTP listener received); exits non-zero when one breaks.

mod check;
mod tokens;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "relais-bench",
    about = "Fixtures and invariant checks for Relais benchmarks"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write units.csv and people.csv for PEOPLE people into DIR.
    Gen { dir: PathBuf, people: usize },
    /// Give COUNT people an account and an API token; write the tokens (and
    /// the people's ids, same order) to files.
    Tokens {
        #[arg(long, env = "RELAIS_DATABASE_URL")]
        database_url: String,
        #[arg(long, default_value_t = 10_000)]
        count: usize,
        /// One token per line.
        #[arg(long)]
        out: PathBuf,
        /// One person id per line, in the same order as the tokens.
        #[arg(long)]
        people: PathBuf,
    },
    /// Check the invariants of one or more bursts against the database.
    Check(check::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Gen { dir, people } => gen_files(&dir, people),
        Command::Tokens {
            database_url,
            count,
            out,
            people,
        } => runtime().and_then(|rt| rt.block_on(tokens::run(&database_url, count, &out, &people))),
        Command::Check(args) => runtime().and_then(|rt| rt.block_on(check::run(args))),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("relais-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

fn gen_files(dir: &std::path::Path, people: usize) -> anyhow::Result<bool> {
    let demo = relais_directory::demo_data::generate(relais_directory::demo::SEED, people);
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("units.csv"), &demo.units_csv)?;
    std::fs::write(dir.join("people.csv"), &demo.people_csv)?;
    println!(
        "wrote {}/units.csv and {}/people.csv ({people} people)",
        dir.display(),
        dir.display()
    );
    Ok(true)
}
