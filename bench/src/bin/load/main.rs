//! `relais-load`: a small HTTP load driver for `bench/registrations.sh`.
//!
//! - `register`: N clients POST `/api/v1/sessions/{id}/registrations`, tokens
//!   taken round-robin from a file; request `i` uses token `k = i mod T` and
//!   session `(k + i div T) mod S`, so no (person, session) pair repeats before
//!   `T × S` requests, and sending the same requests again meets 409s.
//! - `read`: N clients GET one path with one identity (a bearer token, or a
//!   session cookie got by signing in through the `/login` form).
//! - `sessions`: creates COUNT webinar courses with one session each, as a
//!   training officer, and prints the session ids separated by commas.
//!
//! Every run is bounded by a request count and a time limit, and only talks to
//! loopback addresses. It prints throughput, latency percentiles, the count of
//! each HTTP status, and a final `RESULT` line that scripts can pick up.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::{Method, Request, header};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

#[derive(Parser)]
#[command(name = "relais-load", about = "Loopback load driver for Relais")]
struct Cli {
    /// Base URL of the server, e.g. http://127.0.0.1:18712 (loopback only).
    #[arg(long, global = true, default_value = "http://127.0.0.1:8080")]
    base: String,
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
    /// A name for the RESULT line.
    #[arg(long, default_value = "run")]
    label: String,
}

#[derive(Subcommand)]
enum Command {
    /// POST /api/v1/sessions/{id}/registrations with many tokens.
    Register {
        /// File of bearer tokens, one per line.
        #[arg(long)]
        tokens: std::path::PathBuf,
        /// Session ids, comma-separated.
        #[arg(long, value_delimiter = ',', required = true)]
        sessions: Vec<i64>,
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

/// Where to connect: a loopback socket address and the Host header.
#[derive(Clone)]
struct Target {
    addr: SocketAddr,
    host: String,
}

async fn target(base: &str) -> anyhow::Result<Target> {
    let Some(rest) = base.strip_prefix("http://") else {
        bail!("--base must start with http:// (plain HTTP on loopback)");
    };
    let host = rest.trim_end_matches('/').to_string();
    if host.contains('/') {
        bail!("--base takes no path: {base}");
    }
    let with_port = if host
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
    {
        host.clone()
    } else {
        format!("{host}:80")
    };
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host(&with_port)
        .await
        .with_context(|| format!("cannot resolve {with_port}"))?
        .collect();
    let Some(addr) = addrs.first().copied() else {
        bail!("{with_port} resolves to nothing");
    };
    if !addrs.iter().all(|a| a.ip().is_loopback()) {
        bail!("{with_port} is not a loopback address; this driver only loads local servers");
    }
    Ok(Target { addr, host })
}

type Sender = SendRequest<Full<Bytes>>;

async fn connect(t: &Target) -> anyhow::Result<Sender> {
    let stream = TcpStream::connect(t.addr).await?;
    stream.set_nodelay(true)?;
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(sender)
}

struct Reply {
    status: u16,
    headers: hyper::HeaderMap,
    body: Bytes,
}

/// One client: a keep-alive connection, opened again if the server closed it.
struct Client {
    target: Target,
    sender: Option<Sender>,
}

impl Client {
    fn new(target: Target) -> Self {
        Client {
            target,
            sender: None,
        }
    }

    async fn send(
        &mut self,
        method: Method,
        path: &str,
        headers: &[(header::HeaderName, String)],
        body: Bytes,
    ) -> anyhow::Result<Reply> {
        if let Some(s) = &mut self.sender
            && s.ready().await.is_err()
        {
            self.sender = None;
        }
        if self.sender.is_none() {
            self.sender = Some(connect(&self.target).await?);
        }
        let sender = self.sender.as_mut().expect("connected above");
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, &self.target.host)
            .header(header::CONTENT_LENGTH, body.len());
        for (k, v) in headers {
            req = req.header(k, v);
        }
        let res = match sender.send_request(req.body(Full::new(body))?).await {
            Ok(r) => r,
            Err(e) => {
                self.sender = None;
                return Err(e.into());
            }
        };
        let status = res.status().as_u16();
        let (parts, body) = res.into_parts();
        let body = match body.collect().await {
            Ok(b) => b.to_bytes(),
            Err(e) => {
                self.sender = None;
                return Err(e.into());
            }
        };
        Ok(Reply {
            status,
            headers: parts.headers,
            body,
        })
    }
}

/// What one client saw.
#[derive(Default)]
struct Tally {
    /// Microseconds, one per completed request (any status).
    latencies: Vec<u64>,
    statuses: BTreeMap<String, u64>,
    /// The `status` field of 201 answers (confirmed, waitlisted, pending).
    outcomes: BTreeMap<String, u64>,
    /// The first body seen for each unexpected status.
    samples: BTreeMap<String, String>,
}

impl Tally {
    fn merge(&mut self, o: Tally) {
        self.latencies.extend(o.latencies);
        for (k, v) in o.statuses {
            *self.statuses.entry(k).or_default() += v;
        }
        for (k, v) in o.outcomes {
            *self.outcomes.entry(k).or_default() += v;
        }
        for (k, v) in o.samples {
            self.samples.entry(k).or_insert(v);
        }
    }
}

/// The request to send for the i-th slot.
type Plan = dyn Fn(u64) -> (Method, String, Vec<(header::HeaderName, String)>) + Send + Sync;

async fn run(target: Target, bounds: &Bounds, plan: Arc<Plan>) -> Tally {
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(bounds.time_limit);
    let timeout = Duration::from_secs(bounds.request_timeout);
    let mut workers = Vec::new();
    for _ in 0..bounds.concurrency.max(1) {
        let next = next.clone();
        let plan = plan.clone();
        let target = target.clone();
        let total = bounds.requests;
        workers.push(tokio::spawn(async move {
            let mut client = Client::new(target);
            let mut tally = Tally::default();
            loop {
                if Instant::now() >= deadline {
                    break;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let (method, path, headers) = plan(i);
                let t0 = Instant::now();
                let r = tokio::time::timeout(
                    timeout,
                    client.send(method, &path, &headers, Bytes::new()),
                )
                .await;
                let micros = t0.elapsed().as_micros() as u64;
                let key = match r {
                    Err(_) => {
                        client.sender = None;
                        "timeout".to_string()
                    }
                    Ok(Err(e)) => {
                        let k = "error".to_string();
                        tally.samples.entry(k.clone()).or_insert(format!("{e:#}"));
                        k
                    }
                    Ok(Ok(reply)) => {
                        tally.latencies.push(micros);
                        let k = reply.status.to_string();
                        if reply.status == 201 {
                            let outcome = serde_json::from_slice::<serde_json::Value>(&reply.body)
                                .ok()
                                .and_then(|v| v.get("status")?.as_str().map(str::to_string))
                                .unwrap_or_else(|| "?".into());
                            *tally.outcomes.entry(outcome).or_default() += 1;
                        } else if reply.status != 200 {
                            tally.samples.entry(k.clone()).or_insert_with(|| {
                                String::from_utf8_lossy(&reply.body)
                                    .chars()
                                    .take(300)
                                    .collect()
                            });
                        }
                        k
                    }
                };
                *tally.statuses.entry(key).or_default() += 1;
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
    all
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1] as f64 / 1000.0
}

fn report(mode: &str, bounds: &Bounds, mut tally: Tally, elapsed: Duration) {
    tally.latencies.sort_unstable();
    let l = &tally.latencies;
    let sent: u64 = tally.statuses.values().sum();
    let secs = elapsed.as_secs_f64();
    let rps = sent as f64 / secs;
    let (p50, p95, p99) = (
        percentile(l, 0.50),
        percentile(l, 0.95),
        percentile(l, 0.99),
    );
    let max = l.last().map_or(f64::NAN, |m| *m as f64 / 1000.0);
    let mean = if l.is_empty() {
        f64::NAN
    } else {
        l.iter().sum::<u64>() as f64 / l.len() as f64 / 1000.0
    };
    let join = |m: &BTreeMap<String, u64>| {
        m.iter()
            .map(|(k, v)| format!("{k}:{v}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    println!(
        "{mode} [{}]: {sent} of {} requests, {} clients, {secs:.2} s{}",
        bounds.label,
        bounds.requests,
        bounds.concurrency,
        if sent < bounds.requests {
            " (stopped by the time limit)"
        } else {
            ""
        }
    );
    println!("  throughput  {rps:.1} requests/s");
    println!(
        "  latency ms  p50 {p50:.2}  p95 {p95:.2}  p99 {p99:.2}  max {max:.2}  mean {mean:.2}"
    );
    println!("  statuses    {}", join(&tally.statuses));
    if !tally.outcomes.is_empty() {
        println!("  201 bodies  {}", join(&tally.outcomes));
    }
    for (k, v) in &tally.samples {
        println!("  first {k}: {v}");
    }
    println!(
        "RESULT label={} mode={mode} requests={sent} concurrency={} seconds={secs:.2} rps={rps:.1} p50_ms={p50:.2} p95_ms={p95:.2} p99_ms={p99:.2} max_ms={max:.2} statuses={} outcomes={}",
        bounds.label,
        bounds.concurrency,
        join(&tally.statuses),
        join(&tally.outcomes)
    );
}

fn set_cookies(h: &hyper::HeaderMap, jar: &mut BTreeMap<String, String>) {
    for v in h.get_all(header::SET_COOKIE) {
        let Ok(v) = v.to_str() else { continue };
        let pair = v.split(';').next().unwrap_or("");
        if let Some((k, val)) = pair.split_once('=') {
            jar.insert(k.trim().to_string(), val.trim().to_string());
        }
    }
}

fn cookie_header(jar: &BTreeMap<String, String>) -> String {
    jar.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Signs in through the form, as a browser would; returns the Cookie header.
async fn sign_in(t: &Target, email: &str, password: &str) -> anyhow::Result<String> {
    let mut c = Client::new(t.clone());
    let mut jar = BTreeMap::new();
    let page = c.send(Method::GET, "/login", &[], Bytes::new()).await?;
    if page.status != 200 {
        bail!("GET /login answered {}", page.status);
    }
    set_cookies(&page.headers, &mut jar);
    let html = String::from_utf8_lossy(&page.body);
    let marker = "name=\"_csrf\" value=\"";
    let csrf = match html.find(marker) {
        Some(at) => {
            let rest = &html[at + marker.len()..];
            rest[..rest.find('"').unwrap_or(0)].to_string()
        }
        None => jar.get("relais_csrf").cloned().unwrap_or_default(),
    };
    let form = serde_urlencoded::to_string([
        ("_csrf", csrf.as_str()),
        ("email", email),
        ("password", password),
        ("next", "/"),
    ])?;
    let r = c
        .send(
            Method::POST,
            "/login",
            &[
                (
                    header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded".to_string(),
                ),
                (header::COOKIE, cookie_header(&jar)),
            ],
            Bytes::from(form),
        )
        .await?;
    set_cookies(&r.headers, &mut jar);
    if !jar.contains_key("relais_session") {
        bail!(
            "signing in as {email} failed: {} {}",
            r.status,
            String::from_utf8_lossy(&r.body)
                .chars()
                .take(200)
                .collect::<String>()
        );
    }
    Ok(cookie_header(&jar))
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
    let auth = (header::AUTHORIZATION, format!("Bearer {token}"));
    let json = (header::CONTENT_TYPE, "application/json".to_string());
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
                    &[auth.clone(), json.clone()],
                    Bytes::from(body.to_string()),
                )
                .await?;
            if r.status != 201 {
                bail!(
                    "POST {path} answered {}: {}",
                    r.status,
                    String::from_utf8_lossy(&r.body)
                );
            }
            let v: serde_json::Value = serde_json::from_slice(&r.body)?;
            v.get("id")
                .and_then(serde_json::Value::as_i64)
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
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("relais-load: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn start(cli: Cli) -> anyhow::Result<()> {
    let target = target(&cli.base).await?;
    match cli.command {
        Command::Register {
            tokens,
            sessions,
            bounds,
        } => {
            let tokens: Vec<String> = std::fs::read_to_string(&tokens)
                .with_context(|| format!("cannot read {}", tokens.display()))?
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|t| format!("Bearer {t}"))
                .collect();
            if tokens.is_empty() {
                bail!("no token in the file");
            }
            let paths: Vec<String> = sessions
                .iter()
                .map(|s| format!("/api/v1/sessions/{s}/registrations"))
                .collect();
            let nt = tokens.len() as u64;
            let ns = paths.len() as u64;
            let plan: Arc<Plan> = Arc::new(move |i| {
                let k = i % nt;
                let token = &tokens[k as usize];
                let path = &paths[((k + i / nt) % ns) as usize];
                (
                    Method::POST,
                    path.clone(),
                    vec![(header::AUTHORIZATION, token.clone())],
                )
            });
            let started = Instant::now();
            let tally = run(target, &bounds, plan).await;
            report("register", &bounds, tally, started.elapsed());
        }
        Command::Read {
            path,
            token,
            email,
            password,
            bounds,
        } => {
            let header = match (token, email, password) {
                (Some(t), _, _) => (header::AUTHORIZATION, format!("Bearer {t}")),
                (None, Some(e), Some(p)) => (header::COOKIE, sign_in(&target, &e, &p).await?),
                _ => bail!("give --token, or --email and --password"),
            };
            let plan: Arc<Plan> =
                Arc::new(move |_| (Method::GET, path.clone(), vec![header.clone()]));
            let started = Instant::now();
            let tally = run(target, &bounds, plan).await;
            report("read", &bounds, tally, started.elapsed());
        }
        Command::Sessions {
            token,
            count,
            capacity,
            starts_at,
            ends_at,
        } => {
            let ids =
                create_sessions(&target, &token, count, capacity, &starts_at, &ends_at).await?;
            println!(
                "{}",
                ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
            );
        }
    }
    Ok(())
}
