//! `relais-desk-bench`: the IT desk's benchmarks (`bench/desk.sh`).
//!
//! - `kb DATABASE_URL`: loads 10,000 published articles through the desk's
//!   own service (its inverted index), then times 2,000 searches of varied
//!   French queries (whole words and words being typed) through the service
//!   the API calls, and prints the latency percentiles.
//! - `tickets`: N clients POST `/api/v1/tickets` over keep-alive HTTP/1.1
//!   with bearer tokens taken round-robin from a file; loopback only.
//! - `mailgate`: runs `relais mailgate` once per message (one process each,
//!   as an MTA pipe does), P at a time, and prints messages per second.
//!
//! Every run is bounded by a count and a time limit and prints a `RESULT` line.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::bail;
use clap::{Parser, Subcommand};
use hyper::Method;
use hyper::body::Bytes;
use relais_bench::http;
use relais_bench::stats::{self, Tally};
use relais_core::Clock;

#[derive(Parser)]
#[command(name = "relais-desk-bench", about = "Benchmarks of the Relais IT desk")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Knowledge-base search over many articles.
    Kb {
        database_url: String,
        #[arg(long, default_value_t = 10_000)]
        articles: usize,
        #[arg(long, default_value_t = 2_000)]
        queries: usize,
    },
    /// Ticket creation over HTTP.
    Tickets {
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        base: String,
        #[arg(long)]
        tokens: std::path::PathBuf,
        #[arg(long, default_value_t = 64)]
        concurrency: usize,
        #[arg(long, default_value_t = 5_000)]
        requests: u64,
        #[arg(long, default_value_t = 180)]
        time_limit: u64,
    },
    /// `relais mailgate`, one process per message.
    Mailgate {
        /// The relais binary.
        #[arg(long)]
        relais: std::path::PathBuf,
        database_url: String,
        #[arg(long, default_value_t = 1_000)]
        messages: usize,
        #[arg(long, default_value_t = 2)]
        parallel: usize,
    },
}

/// p50, p95, p99 and max of latencies in microseconds, in ms.
fn percentiles(mut v: Vec<u64>) -> String {
    v.sort_unstable();
    let p = |q: f64| stats::percentile(&v, q);
    format!(
        "p50={:.2} p95={:.2} p99={:.2} max={:.2}",
        p(0.50),
        p(0.95),
        p(0.99),
        p(1.0)
    )
}

const WORDS: &[&str] = &[
    "box",
    "wifi",
    "fibre",
    "débit",
    "visioconférence",
    "micro",
    "caméra",
    "VPN",
    "passerelle",
    "mot de passe",
    "compte",
    "certificat",
    "carte professionnelle",
    "imprimante",
    "portable",
    "écran",
    "station d'accueil",
    "partage",
    "réseau",
    "messagerie",
    "agenda",
    "sauvegarde",
    "antivirus",
    "mise à jour",
    "navigateur",
    "session",
    "téléphone",
    "4G",
    "routeur",
    "câble",
    "enceinte",
    "casque",
    "Zoom",
    "Teams",
    "Rendez-vous",
    "serveur",
    "fichiers",
    "synchronisation",
];

const QUERIES: &[&str] = &[
    "ma box ne marche plus",
    "connexion lente",
    "pas de son en visio",
    "caméra noire",
    "VPN refuse mon mot de passe",
    "mot de passe oublié",
    "compte verrouillé",
    "certificat de décès",
    "carte professionnelle",
    "imprimer",
    "deux écrans",
    "portable ne démarre plus",
    "partage réseau",
    "wifi coupe",
    "redémarrer la box",
    "visio",
    "redem",
    "synchro",
    "mise à jour navigateur",
    "fibre débit",
];

async fn kb(url: &str, articles: usize, queries: usize) -> anyhow::Result<()> {
    use rand::seq::IndexedRandom;
    use rand::{Rng, SeedableRng};
    let db = relais_db::Db::connect(&relais_db::DatabaseUrl::new(url)).await?;
    db.migrate().await?;
    let clock: Arc<dyn Clock> = Arc::new(relais_core::SystemClock);
    let web = relais_web::WebConfig::default();
    let desk = relais_desk::Desk::new(db.clone(), clock.clone(), &web);
    let email = relais_core::values::Email::parse("bench-kb@relais.test")?;
    let person = match relais_directory::accounts::person_by_email(&db, &email).await? {
        Some(p) => p,
        None => {
            relais_directory::accounts::create_user(
                &db,
                clock.as_ref(),
                &email,
                &[relais_core::Grant {
                    role: relais_core::Role::Admin,
                    scope: relais_core::Scope::Institute,
                }],
                &relais_core::values::NewPassword::parse("bench password 1234")?,
            )
            .await?
        }
    };
    let admin = relais_core::Principal {
        person_id: person,
        display_name: "bench".into(),
        email: email.as_str().into(),
        lang: None,
        unit: None,
        delegation: None,
        grants: vec![relais_core::Grant {
            role: relais_core::Role::Admin,
            scope: relais_core::Scope::Institute,
        }],
        token: None,
    };
    let (have,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM desk_articles WHERE status = 'published'")
            .fetch_one(db.pool())
            .await?;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(10_000);
    let base = relais_desk::demo_data::articles();
    let started = Instant::now();
    for i in have as usize..articles {
        let a = &base[i % base.len()];
        let extra: Vec<&str> = (0..40)
            .map(|_| *WORDS.choose(&mut rng).unwrap_or(&"box"))
            .collect();
        let input = relais_desk::kb::ArticleInput {
            title: format!("{} — fiche {i}", a.title),
            body: format!("{}\n\nVoir aussi : {}.", a.body, extra.join(", ")),
            category: a.category.into(),
            audience: ["public", "agents", "agents", "it_staff"][rng.random_range(0..4)].into(),
            status: "published".into(),
            review_on: None,
        };
        relais_desk::kb::create(&desk, &admin, input, None).await?;
    }
    println!(
        "articles: {articles} (loaded {} in {:.1} s)",
        articles.saturating_sub(have as usize),
        started.elapsed().as_secs_f64()
    );
    let (terms,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM desk_article_terms")
        .fetch_one(db.pool())
        .await?;
    println!("index rows: {terms}");
    let reader = relais_core::Principal {
        grants: Vec::new(),
        ..admin.clone()
    };
    // Warm up, then time.
    for q in QUERIES {
        relais_desk::kb::search(&db, Some(&reader), q, 10).await?;
    }
    let mut lat = Vec::with_capacity(queries);
    let mut per_query: Vec<Vec<u64>> = vec![Vec::new(); QUERIES.len()];
    let mut hits = 0usize;
    let t0 = Instant::now();
    for i in 0..queries {
        let q = QUERIES[i % QUERIES.len()];
        let s = Instant::now();
        let r = relais_desk::kb::search(&db, Some(&reader), q, 10).await?;
        let us = s.elapsed().as_micros() as u64;
        lat.push(us);
        per_query[i % QUERIES.len()].push(us);
        hits += usize::from(!r.is_empty());
    }
    let secs = t0.elapsed().as_secs_f64();
    // Each query is a twentieth of the samples: the slowest one alone makes p99.
    for (q, v) in QUERIES.iter().zip(per_query) {
        println!("  {q:<28} {}", percentiles(v));
    }
    println!(
        "searches: {queries} in {secs:.2} s, {hits} with results; latency ms {}",
        percentiles(lat.clone())
    );
    println!(
        "RESULT bench=kb backend={} articles={articles} queries={queries} {}",
        if url.starts_with("postgres") {
            "postgres"
        } else {
            "sqlite"
        },
        percentiles(lat)
    );
    db.close().await;
    Ok(())
}

/// POST /api/v1/tickets with `concurrency` clients, tokens round robin.
async fn tickets(
    base: &str,
    tokens: &std::path::Path,
    concurrency: usize,
    requests: u64,
    time_limit: u64,
) -> anyhow::Result<()> {
    let target = http::target(base).await?;
    let tokens: Arc<Vec<String>> = Arc::new(
        std::fs::read_to_string(tokens)?
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect(),
    );
    if tokens.is_empty() {
        bail!("no tokens");
    }
    let next = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(time_limit);
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (tokens, next, target) = (tokens.clone(), next.clone(), target.clone());
        tasks.push(tokio::spawn(async move {
            let mut client = http::Client::new(target);
            let mut tally = Tally::default();
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= requests || Instant::now() > deadline {
                    break;
                }
                let body = serde_json::json!({"subject": format!("Ma box ne marche plus ({i})"), "description": "Le voyant clignote en rouge depuis ce matin, plus d'internet."}).to_string();
                let headers = [
                    http::bearer(&tokens[i as usize % tokens.len()]),
                    http::json_body(),
                ];
                let start = Instant::now();
                let sent = client.send(Method::POST, "/api/v1/tickets", &headers, Bytes::from(body));
                match tokio::time::timeout(Duration::from_secs(30), sent).await {
                    Ok(Ok(r)) => tally.answered("ticket", start.elapsed().as_micros() as u64, r.status),
                    Ok(Err(e)) => tally.failed("ticket", "error", format!("{e:#}")),
                    Err(_) => {
                        client.reset();
                        tally.failed("ticket", "timeout", "no answer in time".into());
                    }
                }
            }
            tally
        }));
    }
    let mut all = Tally::default();
    for t in tasks {
        all.merge(t.await?);
    }
    stats::report(
        "tickets",
        &format!("{concurrency}-clients"),
        &all,
        t0.elapsed().as_secs_f64(),
        "",
    );
    Ok(())
}

fn mailgate(
    relais: &std::path::Path,
    url: &str,
    messages: usize,
    parallel: usize,
) -> anyhow::Result<()> {
    use std::io::Write;
    let next = Arc::new(AtomicU64::new(0));
    let failures = Arc::new(AtomicU64::new(0));
    let t0 = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..parallel.max(1) {
            let (next, failures) = (next.clone(), failures.clone());
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst) as usize;
                    if i >= messages {
                        break;
                    }
                    // Half new requests, half answers to earlier ones by their reference.
                    let subject = if i % 2 == 1 { format!("Re: [#{}] Ma box", i / 2 + 1) } else { format!("Ma box ne marche plus ({i})") };
                    let raw = format!(
                        "From: Agent {i} <agent{}@bench.example>\r\nTo: support@relais.test\r\nSubject: {subject}\r\nMessage-ID: <bench-{i}-{}@bench.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour,\r\nle voyant de la box clignote en rouge.\r\n",
                        i % 50,
                        std::process::id()
                    );
                    let child = std::process::Command::new(relais)
                        .arg("mailgate")
                        .env("RELAIS_DATABASE_URL", url)
                        .env("RELAIS_LOG", "error")
                        .stdin(std::process::Stdio::piped())
                        .stdout(std::process::Stdio::null())
                        .stderr(std::process::Stdio::piped())
                        .spawn();
                    let ok = child.and_then(|mut c| {
                        if let Some(mut stdin) = c.stdin.take() {
                            stdin.write_all(raw.as_bytes())?;
                        }
                        c.wait_with_output()
                    });
                    match ok {
                        Ok(o) if o.status.success() => {}
                        Ok(o) => {
                            failures.fetch_add(1, Ordering::SeqCst);
                            eprintln!("message {i}: {}", String::from_utf8_lossy(&o.stderr).trim());
                        }
                        Err(e) => {
                            failures.fetch_add(1, Ordering::SeqCst);
                            eprintln!("message {i}: {e}");
                        }
                    }
                }
            });
        }
    });
    let secs = t0.elapsed().as_secs_f64();
    let failed = failures.load(Ordering::SeqCst);
    println!(
        "messages: {messages} in {secs:.2} s, {:.0}/s, {parallel} at a time, {failed} refused",
        messages as f64 / secs
    );
    println!(
        "RESULT bench=mailgate parallel={parallel} messages={messages} per_second={:.0} failed={failed}",
        messages as f64 / secs
    );
    if failed > 0 {
        bail!("{failed} messages refused");
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Kb {
            database_url,
            articles,
            queries,
        } => kb(&database_url, articles, queries).await,
        Command::Tickets {
            base,
            tokens,
            concurrency,
            requests,
            time_limit,
        } => tickets(&base, &tokens, concurrency, requests, time_limit).await,
        Command::Mailgate {
            relais,
            database_url,
            messages,
            parallel,
        } => {
            tokio::task::spawn_blocking(move || {
                mailgate(&relais, &database_url, messages, parallel)
            })
            .await?
        }
    }
}
