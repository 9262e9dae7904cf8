//! `relais-load`: the loopback load driver of `bench/proving.sh`.
//!
//! - `ceiling` (S0): GET /healthz, the machine's HTTP ceiling in the same run.
//! - `burst` (S1): the registration burst with cancellations, timed offers and
//!   acceptances (see `burst.rs`); writes the acknowledged answers to a file.
//! - `reads` (S2): the catalogue page, course pages and personal calendar feeds.
//! - `replay`: sends the requests of a JSON-lines file (another system's API, say).
//! - `read`: GET one path repeatedly with one identity.
//! - `sessions`: creates webinar sessions as a training officer; prints their ids.
//!
//! Every run is bounded by a request count and a time limit, only talks to
//! loopback addresses, and prints `RESULT` lines that scripts pick up. With
//! `--watch-pid` it also reports the largest resident memory of those
//! processes during the run.

mod burst;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use hyper::body::Bytes;
use hyper::{Method, header};
use relais_bench::http::{Client, Headers, Target, bearer, json_body, sign_in, target};
use relais_bench::stats::{ProcessWatch, Tally, report};

#[derive(Parser)]
#[command(name = "relais-load", about = "Loopback load driver for Relais")]
struct Cli {
    /// Base URL of a server, e.g. http://127.0.0.1:18712 (loopback only).
    /// Give it several times to spread clients over several instances.
    #[arg(long, global = true, default_value = "http://127.0.0.1:8080")]
    base: Vec<String>,
    /// Processes whose resident memory to watch during the run.
    #[arg(long, global = true)]
    watch_pid: Vec<u32>,
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct Bounds {
    /// Clients sending at the same time, each on its own keep-alive connection.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Requests to send in all.
    #[arg(long, default_value_t = 5000)]
    requests: u64,
    /// Seconds after which no new request is started.
    #[arg(long, default_value_t = 120)]
    time_limit: u64,
    /// Seconds one request may take before it counts as a timeout.
    #[arg(long, default_value_t = 30)]
    request_timeout: u64,
    /// A name for the RESULT lines.
    #[arg(long, default_value = "run")]
    label: String,
}

#[derive(Subcommand)]
enum Command {
    /// S0: GET /healthz.
    Ceiling {
        #[command(flatten)]
        bounds: Bounds,
    },
    /// S1: the registration burst.
    Burst {
        /// Bearer tokens, one agent per line.
        #[arg(long)]
        tokens: PathBuf,
        /// Session ids, comma-separated.
        #[arg(long, value_delimiter = ',', required = true)]
        sessions: Vec<i64>,
        /// Where to write the acknowledged answers (JSON lines).
        #[arg(long)]
        answers: PathBuf,
        /// Percent of confirmed agents who cancel a moment later.
        #[arg(long, default_value_t = 10)]
        cancel_percent: u64,
        /// Milliseconds between a confirmation and its cancellation.
        #[arg(long, default_value_t = 300)]
        cancel_after_ms: u64,
        #[arg(long, default_value_t = 64)]
        concurrency: usize,
        #[arg(long, default_value_t = 180)]
        time_limit: u64,
        #[arg(long, default_value_t = 30)]
        request_timeout: u64,
        #[arg(long, default_value = "S1")]
        label: String,
        /// Requests left without an answer are expected (an instance is
        /// killed during the run); without this flag they fail the run.
        #[arg(long)]
        expect_unanswered: bool,
    },
    /// S2: catalogue page (signed in), course pages, personal calendar feeds.
    Reads {
        /// An agent who signs in through the login form for the pages.
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
        /// Bearer tokens whose calendar feeds are read, one per line.
        #[arg(long)]
        tokens: PathBuf,
        /// Course ids whose pages are read, comma-separated.
        #[arg(long, value_delimiter = ',', required = true)]
        courses: Vec<i64>,
        #[command(flatten)]
        bounds: Bounds,
    },
    /// Sends the requests of a JSON-lines file, round robin: each line
    /// {"method", "path", "headers": {…}, "body": "…"}.
    Replay {
        #[arg(long)]
        plan: PathBuf,
        #[command(flatten)]
        bounds: Bounds,
    },
    /// GET one path repeatedly with one identity.
    Read {
        /// Path and query, e.g. /training or /api/v1/sessions?open=true.
        #[arg(long)]
        path: String,
        /// A bearer token (for /api/…).
        #[arg(long, conflicts_with = "email")]
        token: Option<String>,
        /// Sign in through the /login form with this email (for pages).
        #[arg(long, requires = "password")]
        email: Option<String>,
        #[arg(long)]
        password: Option<String>,
        #[command(flatten)]
        bounds: Bounds,
    },
    /// Create COUNT webinar courses with one session each; print the session ids.
    Sessions {
        /// A training officer's token.
        #[arg(long)]
        token: String,
        #[arg(long, default_value_t = 50)]
        count: u32,
        #[arg(long, default_value_t = 100)]
        capacity: i64,
        /// RFC 3339.
        #[arg(long)]
        starts_at: String,
        /// RFC 3339.
        #[arg(long)]
        ends_at: String,
    },
}

/// One request of a plan: what to send, and under which kind to count it.
#[derive(Clone)]
struct Req {
    kind: &'static str,
    method: Method,
    path: String,
    headers: Headers,
    body: Bytes,
}

/// Sends `plan(i)` for i in 0..requests with `concurrency` clients spread
/// over the targets.
async fn run(
    targets: &[Target],
    bounds: &Bounds,
    plan: Arc<dyn Fn(u64) -> Req + Send + Sync>,
) -> (Tally, f64) {
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(bounds.time_limit);
    let timeout = Duration::from_secs(bounds.request_timeout);
    let mut workers = Vec::new();
    for c in 0..bounds.concurrency.max(1) {
        let next = next.clone();
        let plan = plan.clone();
        let target = targets[c % targets.len()].clone();
        let total = bounds.requests;
        workers.push(tokio::spawn(async move {
            let mut client = Client::new(target);
            let mut tally = Tally::default();
            while Instant::now() < deadline {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let req = plan(i);
                let t0 = Instant::now();
                let r = tokio::time::timeout(
                    timeout,
                    client.send(req.method, &req.path, &req.headers, req.body),
                )
                .await;
                let micros = t0.elapsed().as_micros() as u64;
                match r {
                    Err(_) => {
                        client.reset();
                        tally.failed(req.kind, "timeout", "no answer in time".into());
                    }
                    Ok(Err(e)) => tally.failed(req.kind, "error", format!("{e:#}")),
                    Ok(Ok(reply)) => {
                        tally.answered(req.kind, micros, reply.status);
                        let at = t0.duration_since(started).as_micros() as u64;
                        tally.op(req.kind).starts.push(at);
                        if reply.status >= 300 {
                            tally.sample(req.kind, reply.status, reply.excerpt());
                        }
                    }
                }
            }
            tally
        }));
    }
    let mut all = Tally::default();
    for w in workers {
        if let Ok(t) = w.await {
            all.merge(t);
        }
    }
    (all, started.elapsed().as_secs_f64())
}

/// Appends one line per answered request to `path` (scenario, label, kind,
/// when it began and how long it took, in µs): to see when in a run the
/// slow requests came. Set `RELAIS_LOAD_TRACE` to a file to have it.
fn trace(path: &str, scenario: &str, label: &str, tally: &Tally) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("cannot open {path}"))?,
    );
    for (kind, t) in &tally.0 {
        for (at, micros) in t.starts.iter().zip(&t.latencies) {
            writeln!(out, "{scenario} {label} {kind} {at} {micros}")?;
        }
    }
    out.flush()?;
    Ok(())
}

fn lines(path: &PathBuf) -> anyhow::Result<Vec<String>> {
    let v: Vec<String> = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    if v.is_empty() {
        bail!("{} is empty", path.display());
    }
    Ok(v)
}

fn replay_plan(path: &PathBuf) -> anyhow::Result<Vec<Req>> {
    let mut out = Vec::new();
    for (n, line) in lines(path)?.iter().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not JSON", path.display(), n + 1))?;
        let method = Method::from_bytes(v["method"].as_str().unwrap_or("GET").as_bytes())
            .with_context(|| format!("{}:{}: bad method", path.display(), n + 1))?;
        let Some(p) = v["path"].as_str() else {
            bail!("{}:{}: no path", path.display(), n + 1);
        };
        let mut headers = Headers::new();
        if let Some(h) = v["headers"].as_object() {
            for (k, val) in h {
                let name = header::HeaderName::from_bytes(k.as_bytes())
                    .with_context(|| format!("{}:{}: bad header {k}", path.display(), n + 1))?;
                headers.push((name, val.as_str().unwrap_or_default().to_string()));
            }
        }
        out.push(Req {
            kind: "replay",
            method,
            path: p.to_string(),
            headers,
            body: Bytes::from(v["body"].as_str().unwrap_or_default().to_string()),
        });
    }
    Ok(out)
}

async fn create_sessions(
    t: &Target,
    token: &str,
    count: u32,
    capacity: i64,
    starts_at: &str,
    ends_at: &str,
) -> anyhow::Result<Vec<i64>> {
    let mut c = Client::new(t.clone());
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut ids = Vec::new();
    for n in 1..=count {
        let post = async |c: &mut Client, path: &str, body: serde_json::Value| {
            let r = c
                .send(
                    Method::POST,
                    path,
                    &[bearer(token), json_body()],
                    Bytes::from(body.to_string()),
                )
                .await?;
            if r.status != 201 {
                bail!("POST {path} answered {}: {}", r.status, r.excerpt());
            }
            r.json()
                .and_then(|v| v["id"].as_i64())
                .context("no id in the answer")
        };
        let course = post(
            &mut c,
            "/api/v1/courses",
            serde_json::json!({"title": format!("Webinaire de charge {n} ({stamp})"), "format": "webinar"}),
        )
        .await?;
        let session = post(
            &mut c,
            &format!("/api/v1/courses/{course}/sessions"),
            serde_json::json!({"starts_at": starts_at, "ends_at": ends_at, "capacity": capacity}),
        )
        .await?;
        ids.push(session);
    }
    Ok(ids)
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match start(Cli::parse()).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("relais-load: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Exit code 3: the run went through, but a request got a 5xx, or no
/// answer when none was expected.
async fn start(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut targets = Vec::new();
    for b in &cli.base {
        targets.push(target(b).await?);
    }
    let watch = ProcessWatch::start(cli.watch_pid.clone());
    // Whether a request left without an answer fails the run.
    let mut strict = true;
    let (scenario, label, tally, secs) = match cli.command {
        Command::Ceiling { bounds } => {
            let plan = Arc::new(|_| Req {
                kind: "healthz",
                method: Method::GET,
                path: "/healthz".into(),
                headers: Vec::new(),
                body: Bytes::new(),
            });
            let (t, s) = run(&targets, &bounds, plan).await;
            ("S0", bounds.label, t, s)
        }
        Command::Burst {
            tokens,
            sessions,
            answers,
            cancel_percent,
            cancel_after_ms,
            concurrency,
            time_limit,
            request_timeout,
            label,
            expect_unanswered,
        } => {
            strict = !expect_unanswered;
            let (t, s) = burst::run(burst::Burst {
                tokens: lines(&tokens)?,
                sessions,
                targets: targets.clone(),
                concurrency,
                time_limit: Duration::from_secs(time_limit),
                request_timeout: Duration::from_secs(request_timeout),
                cancel_percent,
                cancel_after: Duration::from_millis(cancel_after_ms),
                answers,
            })
            .await?;
            ("S1", label, t, s)
        }
        Command::Reads {
            email,
            password,
            tokens,
            courses,
            bounds,
        } => {
            let cookie = (
                header::COOKIE,
                sign_in(&targets[0], &email, &password).await?,
            );
            let tokens: Vec<String> = lines(&tokens)?;
            let plan = Arc::new(move |i: u64| {
                let (kind, path, h) = match i % 3 {
                    0 => ("catalogue", "/training".to_string(), cookie.clone()),
                    1 => (
                        "course",
                        format!(
                            "/training/courses/{}",
                            courses[(i / 3) as usize % courses.len()]
                        ),
                        cookie.clone(),
                    ),
                    _ => (
                        "calendar",
                        "/api/v1/me/calendar.ics".to_string(),
                        bearer(&tokens[(i / 3) as usize % tokens.len()]),
                    ),
                };
                Req {
                    kind,
                    method: Method::GET,
                    path,
                    headers: vec![h],
                    body: Bytes::new(),
                }
            });
            let (t, s) = run(&targets, &bounds, plan).await;
            ("S2", bounds.label, t, s)
        }
        Command::Replay { plan, bounds } => {
            let reqs = replay_plan(&plan)?;
            let plan = Arc::new(move |i: u64| reqs[i as usize % reqs.len()].clone());
            let (t, s) = run(&targets, &bounds, plan).await;
            ("replay", bounds.label, t, s)
        }
        Command::Read {
            path,
            token,
            email,
            password,
            bounds,
        } => {
            let h = match (token, email, password) {
                (Some(t), _, _) => bearer(&t),
                (None, Some(e), Some(p)) => (header::COOKIE, sign_in(&targets[0], &e, &p).await?),
                _ => bail!("give --token, or --email and --password"),
            };
            let plan = Arc::new(move |_| Req {
                kind: "read",
                method: Method::GET,
                path: path.clone(),
                headers: vec![h.clone()],
                body: Bytes::new(),
            });
            let (t, s) = run(&targets, &bounds, plan).await;
            ("read", bounds.label, t, s)
        }
        Command::Sessions {
            token,
            count,
            capacity,
            starts_at,
            ends_at,
        } => {
            let ids =
                create_sessions(&targets[0], &token, count, capacity, &starts_at, &ends_at).await?;
            println!(
                "{}",
                ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
            );
            return Ok(ExitCode::SUCCESS);
        }
    };
    let watched = watch.finish().await;
    let extra = watched.as_ref().map_or(String::new(), |w| {
        format!(
            " rss_mib={:.1} server_cpu_s={:.2} driver_cpu_s={:.2}",
            w.rss_mib, w.server_cpu_s, w.driver_cpu_s
        )
    });
    report(scenario, &label, &tally, secs, &extra);
    if let Ok(path) = std::env::var("RELAIS_LOAD_TRACE") {
        trace(&path, scenario, &label, &tally)?;
    }
    if let Some(w) = watched {
        let requests = tally.total().latencies.len().max(1) as f64;
        println!(
            "  server RSS peak during the run: {:.1} MiB; CPU: server {:.2} s ({:.0} µs per request), driver {:.2} s, over {secs:.2} s on {} cores",
            w.rss_mib,
            w.server_cpu_s,
            w.server_cpu_s * 1e6 / requests,
            w.driver_cpu_s,
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
    }
    let (errors, unanswered) = (tally.server_errors(), tally.unanswered());
    if errors > 0 || (strict && unanswered > 0) {
        println!(
            "CHECK no 5xx, no lost request       FAILED  {errors} answered 5xx, {unanswered} without an answer"
        );
        return Ok(ExitCode::from(3));
    }
    println!(
        "CHECK no 5xx, no lost request       ok      {unanswered} without an answer{}",
        if strict {
            ""
        } else {
            " (expected while an instance is down; retried)"
        }
    );
    Ok(ExitCode::SUCCESS)
}
