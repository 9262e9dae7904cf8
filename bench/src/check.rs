//! The invariants after a burst, from the database itself:
//! - no session holds more seats than its capacity, and none has a waitlist
//!   beside a free seat; nobody holds two live registrations for one session;
//!   the counts each session keeps on its row match its registrations;
//! - every registration the server acknowledged (a 2xx) exists with the status
//!   it was answered (or a later one it may have reached without the driver
//!   hearing of it), and every registration in the database comes from a
//!   request the driver made;
//! - every notice the audit log says was due (confirmation, waitlist, offer,
//!   acceptance, cancellation) was queued exactly once, under the Message-ID
//!   it must carry, and nothing else was queued;
//! - no job failed, none is left ready or running once the worker had time;
//! - when given what an SMTP listener received: every notice arrived, and how
//!   many arrived more than once (a crash between the SMTP server's "250" and
//!   the job's "done" repeats a mail, under the same Message-ID);
//! - the audit chain verifies.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use relais_core::{Clock, SystemClock, Timestamp};
use relais_db::sqlx;
use relais_db::{DatabaseUrl, Db, SqlBuf, audit};
use relais_training::notices;
use serde_json::Value;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, env = "RELAIS_DATABASE_URL")]
    database_url: String,
    /// The answers files the driver wrote.
    #[arg(long, required = true)]
    answers: Vec<PathBuf>,
    /// The agents' person ids, one per line, in the order of their tokens.
    #[arg(long)]
    people: PathBuf,
    /// The burst's sessions, comma-separated.
    #[arg(long, value_delimiter = ',', required = true)]
    sessions: Vec<i64>,
    /// Message-IDs an SMTP listener received, one per line.
    #[arg(long)]
    sink: Option<PathBuf>,
    /// Seconds to wait for the job worker to finish what is due.
    #[arg(long, default_value_t = 120)]
    wait: u64,
    /// How many mails may arrive twice under one Message-ID (a kill -9 while
    /// mails are being handed to the SMTP server may repeat the ones in flight).
    #[arg(long, default_value_t = 0)]
    allow_redelivered: usize,
}

/// What the driver was told about one registration.
#[derive(Default)]
struct Told {
    person: i64,
    session: i64,
    status: String,
    /// Statuses an operation that got no answer may have led to.
    maybe: Vec<&'static str>,
}

struct Report {
    ok: bool,
}

impl Report {
    fn line(&mut self, name: &str, pass: bool, detail: String) {
        println!(
            "CHECK {name:<28} {}  {detail}",
            if pass { "ok    " } else { "FAILED" }
        );
        self.ok &= pass;
    }
}

fn read_lines(p: &PathBuf) -> anyhow::Result<Vec<String>> {
    Ok(std::fs::read_to_string(p)
        .with_context(|| format!("cannot read {}", p.display()))?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.trim().to_string())
        .collect())
}

pub async fn run(a: Args) -> anyhow::Result<bool> {
    let db = Db::connect(&DatabaseUrl::new(&a.database_url)).await?;
    let mut r = Report { ok: true };
    let people: Vec<i64> = read_lines(&a.people)?
        .iter()
        .map(|l| l.parse::<i64>().context("a person id is not a number"))
        .collect::<anyhow::Result<_>>()?;

    // What the server acknowledged.
    let mut told: HashMap<i64, Told> = HashMap::new();
    let mut doubted: HashSet<(i64, i64)> = HashSet::new();
    let mut acked = 0usize;
    for f in &a.answers {
        for (n, line) in read_lines(f)?.iter().enumerate() {
            let v: Value = serde_json::from_str(line)
                .with_context(|| format!("{}:{}: not JSON", f.display(), n + 1))?;
            let doubt = v["doubt"].as_bool().unwrap_or(false);
            let reg = v["reg"].as_i64();
            match (v["op"].as_str(), reg, doubt) {
                (Some("register"), Some(reg), false) => {
                    acked += 1;
                    let agent = v["agent"].as_u64().unwrap_or(u64::MAX) as usize;
                    told.insert(
                        reg,
                        Told {
                            person: people.get(agent).copied().unwrap_or(-1),
                            session: v["session"].as_i64().unwrap_or(-1),
                            status: v["status"].as_str().unwrap_or("").to_string(),
                            maybe: Vec::new(),
                        },
                    );
                }
                (Some("register"), None, true) => {
                    let agent = v["agent"].as_u64().unwrap_or(u64::MAX) as usize;
                    if let Some(p) = people.get(agent) {
                        doubted.insert((v["session"].as_i64().unwrap_or(-1), *p));
                    }
                }
                (Some(op @ ("cancel" | "accept")), Some(reg), _) => {
                    let to = if op == "cancel" {
                        "cancelled"
                    } else {
                        "confirmed"
                    };
                    if let Some(t) = told.get_mut(&reg) {
                        if doubt {
                            t.maybe.push(to);
                        } else {
                            acked += 1;
                            t.status = to.to_string();
                            t.maybe.clear();
                        }
                    }
                }
                _ => {}
            }
        }
    }

    // Let the worker finish what is due, then read the state.
    let started = Instant::now();
    let mut waiting;
    loop {
        let now = SystemClock.now();
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM jobs WHERE (state = 'queued' AND run_at <= $1) OR state = 'running'",
        )
        .bind(now.0)
        .fetch_one(db.pool())
        .await?;
        waiting = n;
        if n == 0 || started.elapsed() >= Duration::from_secs(a.wait) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    println!(
        "jobs: waited {:.1} s for the worker; {waiting} still due or running",
        started.elapsed().as_secs_f64()
    );

    let mut q = SqlBuf::new(
        "SELECT s.id, s.capacity, r.id, r.person_id, r.status FROM training_sessions s
         LEFT JOIN registrations r ON r.session_id = s.id WHERE s.id IN ",
    );
    q.bind_list(a.sessions.iter().copied());
    let rows: Vec<(i64, i64, Option<i64>, Option<i64>, Option<String>)> =
        q.query_as().fetch_all(db.pool()).await?;
    let mut capacity: BTreeMap<i64, i64> = BTreeMap::new();
    let mut held: BTreeMap<i64, i64> = BTreeMap::new();
    let mut waitlisted: BTreeMap<i64, i64> = BTreeMap::new();
    let mut live: HashMap<(i64, i64), i64> = HashMap::new();
    let mut in_db: HashMap<i64, (i64, i64, String)> = HashMap::new();
    let mut counted: BTreeMap<i64, [i64; 4]> = BTreeMap::new();
    for (s, cap, reg, person, status) in rows {
        capacity.insert(s, cap);
        let counts = counted.entry(s).or_default();
        let (Some(reg), Some(person), Some(status)) = (reg, person, status) else {
            continue;
        };
        if let Some(i) = ["confirmed", "offered", "waitlisted", "pending"]
            .iter()
            .position(|k| *k == status)
        {
            counts[i] += 1;
        }
        match status.as_str() {
            "confirmed" | "offered" => *held.entry(s).or_default() += 1,
            "waitlisted" => *waitlisted.entry(s).or_default() += 1,
            _ => {}
        }
        if !matches!(status.as_str(), "cancelled" | "refused") {
            *live.entry((s, person)).or_default() += 1;
        }
        in_db.insert(reg, (s, person, status));
    }
    let seats: i64 = capacity.values().sum();
    let over: Vec<String> = capacity
        .iter()
        .filter(|(s, c)| held.get(s).copied().unwrap_or(0) > **c)
        .map(|(s, c)| format!("session {s}: {} of {c}", held[s]))
        .collect();
    r.line(
        "no session over capacity",
        over.is_empty(),
        format!(
            "{} sessions, {seats} seats, {} held{}",
            capacity.len(),
            held.values().sum::<i64>(),
            if over.is_empty() {
                String::new()
            } else {
                format!(": {}", over.join("; "))
            }
        ),
    );
    let idle: Vec<i64> = capacity
        .iter()
        .filter(|(s, c)| {
            held.get(s).copied().unwrap_or(0) < **c && waitlisted.get(s).copied().unwrap_or(0) > 0
        })
        .map(|(s, _)| *s)
        .collect();
    r.line(
        "no waitlist beside a seat",
        idle.is_empty(),
        format!(
            "{} waitlisted; sessions with both: {idle:?}",
            waitlisted.values().sum::<i64>()
        ),
    );
    // The counts each session keeps on its row (the seat rules read them)
    // against its registrations.
    let mut q = SqlBuf::new(
        "SELECT id, seats_confirmed, seats_offered, seats_waitlisted, seats_pending FROM training_sessions WHERE id IN ",
    );
    q.bind_list(a.sessions.iter().copied());
    let stored: Vec<(i64, i64, i64, i64, i64)> = q.query_as().fetch_all(db.pool()).await?;
    let drift: Vec<String> = stored
        .iter()
        .filter_map(|&(s, c, o, w, p)| {
            let real = counted.get(&s).copied().unwrap_or_default();
            (real != [c, o, w, p])
                .then(|| format!("session {s}: kept {:?}, counted {real:?}", [c, o, w, p]))
        })
        .collect();
    r.line(
        "seat counts kept right",
        drift.is_empty() && stored.len() == capacity.len(),
        format!(
            "{} sessions' confirmed/offered/waitlisted/pending counts{}",
            stored.len(),
            if drift.is_empty() {
                String::new()
            } else {
                format!(": {}", drift.join("; "))
            }
        ),
    );
    let twice = live.values().filter(|n| **n > 1).count();
    r.line(
        "nobody registered twice",
        twice == 0,
        format!("{twice} (session, person) pairs twice"),
    );

    let mut wrong = Vec::new();
    for (reg, t) in &told {
        let allowed: Vec<&str> = match t.status.as_str() {
            "waitlisted" => vec!["waitlisted", "offered"],
            s => vec![s],
        };
        match in_db.get(reg) {
            None => wrong.push(format!(
                "registration {reg} answered {} is missing",
                t.status
            )),
            Some((s, p, status)) => {
                if *s != t.session || *p != t.person {
                    wrong.push(format!("registration {reg}: session/person differ"));
                } else if !allowed.contains(&status.as_str()) && !t.maybe.contains(&status.as_str())
                {
                    wrong.push(format!(
                        "registration {reg} answered {} is {status}",
                        t.status
                    ));
                }
            }
        }
    }
    r.line(
        "acknowledged answers kept",
        wrong.is_empty(),
        format!(
            "{acked} answers, {} registrations; {}",
            told.len(),
            wrong.iter().take(5).cloned().collect::<Vec<_>>().join("; ")
        ),
    );
    let phantom: Vec<i64> = in_db
        .iter()
        .filter(|(reg, (s, p, _))| !told.contains_key(reg) && !doubted.contains(&(*s, *p)))
        .map(|(reg, _)| *reg)
        .collect();
    r.line(
        "no registration unaccounted",
        phantom.is_empty(),
        format!(
            "{} in the database, {} without an answer because the answer was lost{}",
            in_db.len(),
            in_db.len() - told.len().min(in_db.len()),
            if phantom.is_empty() {
                String::new()
            } else {
                format!("; from nowhere: {:?}", &phantom[..phantom.len().min(5)])
            }
        ),
    );

    // Notices: what the audit log says was due, and what was queued.
    let audit_rows: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT at, action, target, details FROM audit_log WHERE action IN
         ('registration.create', 'registration.promote', 'registration.accept',
          'registration.cancel', 'registration.offer_lapsed')",
    )
    .fetch_all(db.pool())
    .await?;
    let domain: Option<(String,)> = sqlx::query_as(
        "SELECT payload FROM jobs WHERE kind = 'mail.send' ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(db.pool())
    .await?;
    let domain = domain
        .and_then(|(p,)| serde_json::from_str::<Value>(&p).ok())
        .and_then(|v| {
            let id = v["message_id"].as_str()?.to_string();
            Some(id.rsplit_once('@')?.1.trim_end_matches('>').to_string())
        })
        .unwrap_or_default();
    let mut due: HashMap<String, String> = HashMap::new();
    let mut since = i64::MAX;
    for (at, action, target, details) in &audit_rows {
        let Some(reg) = target
            .strip_prefix("registration:")
            .and_then(|t| t.parse::<i64>().ok())
        else {
            continue;
        };
        let Some((session, _, _)) = in_db.get(&reg) else {
            continue;
        };
        let d: Value = serde_json::from_str(details).unwrap_or(Value::Null);
        let key = match action.as_str() {
            "registration.create" => d["status"].as_str().unwrap_or("").to_string(),
            "registration.promote" if d["mode"] == "automatic" => "confirmed".into(),
            "registration.promote" => "offered".into(),
            "registration.accept" => "confirmed".into(),
            "registration.cancel" => "cancelled".into(),
            _ => "offer-lapsed".into(),
        };
        since = since.min(*at);
        due.insert(
            notices::message_id(&domain, reg, &key, *session, Timestamp(*at)),
            format!("{key} for registration {reg}"),
        );
    }
    let queued: Vec<(Option<String>, String)> = sqlx::query_as(
        "SELECT dedup_key, state FROM jobs WHERE kind = 'mail.send' AND created_at >= $1",
    )
    .bind(since)
    .fetch_all(db.pool())
    .await?;
    let queued_ids: HashMap<String, String> = queued
        .into_iter()
        // Mail jobs are deduplicated on "mail:" and the Message-ID.
        .filter_map(|(k, s)| Some((k?.strip_prefix("mail:")?.to_string(), s)))
        .collect();
    let missing: Vec<&String> = due
        .keys()
        .filter(|m| !queued_ids.contains_key(*m))
        .collect();
    let extra = queued_ids.keys().filter(|m| !due.contains_key(*m)).count();
    r.line(
        "each notice queued once",
        missing.is_empty() && extra == 0,
        format!(
            "{} due from the audit log, {} queued; missing {}{}, unexplained {extra}",
            due.len(),
            queued_ids.len(),
            missing.len(),
            missing
                .first()
                .map_or(String::new(), |m| format!(" (first: {})", due[*m]))
        ),
    );

    let now = SystemClock.now();
    let (failed,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM jobs WHERE state = 'failed'")
        .fetch_one(db.pool())
        .await?;
    let (stuck,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM jobs WHERE (state = 'queued' AND run_at <= $1) OR state = 'running'",
    )
    .bind(now.0)
    .fetch_one(db.pool())
    .await?;
    let (later,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM jobs WHERE state = 'queued' AND run_at > $1")
            .bind(now.0)
            .fetch_one(db.pool())
            .await?;
    r.line(
        "no job failed or stuck",
        failed == 0 && stuck == 0,
        format!("{failed} failed, {stuck} due or running after the wait ({later} scheduled later, such as offer expiries)"),
    );

    if let Some(sink) = &a.sink {
        let got = read_lines(sink)?;
        let mut count: HashMap<&str, usize> = HashMap::new();
        for m in &got {
            *count.entry(m.as_str()).or_default() += 1;
        }
        let lost = due
            .keys()
            .filter(|m| !count.contains_key(m.as_str()))
            .count();
        let again: usize = due
            .keys()
            .map(|m| {
                count
                    .get(m.as_str())
                    .copied()
                    .unwrap_or(0)
                    .saturating_sub(1)
            })
            .sum();
        let other = count.keys().filter(|m| !due.contains_key(**m)).count();
        r.line(
            "every notice delivered",
            lost == 0,
            format!(
                "{} mails received at the SMTP listener; {lost} of {} notices never arrived",
                got.len(),
                due.len()
            ),
        );
        r.line(
            "no notice delivered twice",
            again <= a.allow_redelivered,
            format!("{again} arrived a second time under the same Message-ID (allowed: {}); {other} other mails", a.allow_redelivered),
        );
    }

    match audit::verify(&db).await? {
        audit::Verdict::Intact { entries } => {
            r.line("audit chain intact", true, format!("{entries} entries"))
        }
        audit::Verdict::BrokenAt { id, reason } => r.line(
            "audit chain intact",
            false,
            format!("broken at {id}: {reason}"),
        ),
    }
    db.close().await;
    println!(
        "{}",
        if r.ok {
            "INVARIANTS OK"
        } else {
            "INVARIANTS BROKEN"
        }
    );
    Ok(r.ok)
}
