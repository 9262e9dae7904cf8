//! `relais-bench gen DIR PEOPLE`: writes `units.csv` and `people.csv` for an
//! institute of PEOPLE people (the demo's generator, so the data looks real).
//! `bench/run.sh` uses them to time `relais import` and start-up.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("gen") if args.len() == 4 => {
            let dir = PathBuf::from(&args[2]);
            let Ok(people) = args[3].parse::<usize>() else {
                eprintln!("PEOPLE must be a number");
                return ExitCode::FAILURE;
            };
            let demo = relais_directory::demo_data::generate(relais_directory::demo::SEED, people);
            let write = |name: &str, text: &str| std::fs::write(dir.join(name), text);
            if let Err(e) = std::fs::create_dir_all(&dir)
                .and_then(|_| write("units.csv", &demo.units_csv))
                .and_then(|_| write("people.csv", &demo.people_csv))
            {
                eprintln!("cannot write into {}: {e}", dir.display());
                return ExitCode::FAILURE;
            }
            println!(
                "wrote {}/units.csv and {}/people.csv ({people} people)",
                dir.display(),
                dir.display()
            );
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("usage: relais-bench gen DIR PEOPLE");
            ExitCode::FAILURE
        }
    }
}
