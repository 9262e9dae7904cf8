//! S1, the registration burst: each agent (its own bearer token) registers
//! once for one of the sessions, all clients at once, so that every session
//! fills and many race for its last seats. Mixed in as answers come back:
//! some confirmed agents cancel, the next on that session's waitlist looks
//! for the timed offer this makes and accepts it.
//!
//! Every answer the server acknowledged (a 2xx) is written to the answers
//! file, one JSON object per line, for `relais-bench check` to compare with
//! the database. A request that got no answer (the server was killed, say)
//! is tried again on the next server until the time limit, and written as
//! "in doubt" so that the check allows either outcome for it.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, VecDeque};
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use hyper::Method;
use hyper::body::Bytes;
use relais_bench::http::{Client, Target, bearer};
use relais_bench::stats::Tally;
use serde_json::{Value, json};

pub struct Burst {
    pub tokens: Vec<String>,
    pub sessions: Vec<i64>,
    pub targets: Vec<Target>,
    pub concurrency: usize,
    pub time_limit: Duration,
    pub request_timeout: Duration,
    /// Percent of confirmed agents who then cancel.
    pub cancel_percent: u64,
    /// How long after their confirmation they cancel.
    pub cancel_after: Duration,
    pub answers: PathBuf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Work {
    Register {
        agent: usize,
        session: i64,
    },
    Cancel {
        agent: usize,
        session: i64,
        reg: i64,
    },
    /// Look for an offer on this session in the agent's registrations.
    Poll {
        agent: usize,
        session: i64,
    },
    Accept {
        agent: usize,
        reg: i64,
    },
}

impl Work {
    fn kind(&self) -> &'static str {
        match self {
            Work::Register { .. } => "register",
            Work::Cancel { .. } => "cancel",
            Work::Poll { .. } => "poll",
            Work::Accept { .. } => "accept",
        }
    }
}

#[derive(Default)]
struct Plan {
    ready: VecDeque<(Work, bool)>,
    /// Work that may start at an instant (cancellations come a little later).
    later: BinaryHeap<Reverse<(Instant, Work, bool)>>,
    /// Per session, the waitlisted registrations the driver was told of, by id
    /// (the server offers freed seats in that order).
    waitlists: HashMap<i64, BTreeMap<i64, usize>>,
    running: usize,
    answers: Vec<Value>,
}

enum Next {
    Go(Work, bool),
    Wait,
    Done,
}

impl Plan {
    fn next(&mut self, now: Instant) -> Next {
        while let Some(Reverse((at, ..))) = self.later.peek() {
            if *at > now {
                break;
            }
            let Some(Reverse((_, w, retried))) = self.later.pop() else {
                break;
            };
            self.ready.push_front((w, retried));
        }
        match self.ready.pop_front() {
            Some((w, retried)) => {
                self.running += 1;
                Next::Go(w, retried)
            }
            None if self.running == 0 && self.later.is_empty() => Next::Done,
            None => Next::Wait,
        }
    }
}

/// Whether agent `k` cancels once confirmed: a fixed pseudo-random choice.
fn cancels(agent: usize, percent: u64) -> bool {
    (agent as u64).wrapping_mul(2_654_435_761) % 100 < percent
}

pub async fn run(b: Burst) -> anyhow::Result<(Tally, f64)> {
    let mut plan = Plan::default();
    let n = b.tokens.len();
    for agent in 0..n {
        let session = b.sessions[agent % b.sessions.len()];
        plan.ready
            .push_back((Work::Register { agent, session }, false));
    }
    let plan = Arc::new(Mutex::new(plan));
    let b = Arc::new(b);
    let started = Instant::now();
    let deadline = started + b.time_limit;
    let mut workers = Vec::new();
    for i in 0..b.concurrency.max(1) {
        let (plan, b) = (plan.clone(), b.clone());
        workers.push(tokio::spawn(async move {
            let mut at = i % b.targets.len();
            let mut client = Client::new(b.targets[at].clone());
            let mut tally = Tally::default();
            loop {
                if Instant::now() >= deadline {
                    break;
                }
                let next = plan.lock().expect("plan").next(Instant::now());
                let (work, retried) = match next {
                    Next::Done => break,
                    Next::Wait => {
                        tokio::time::sleep(Duration::from_millis(5)).await;
                        continue;
                    }
                    Next::Go(w, r) => (w, r),
                };
                let (method, path, agent) = match work {
                    Work::Register { agent, session } => (
                        Method::POST,
                        format!("/api/v1/sessions/{session}/registrations"),
                        agent,
                    ),
                    Work::Cancel { agent, reg, .. } => {
                        (Method::DELETE, format!("/api/v1/registrations/{reg}"), agent)
                    }
                    Work::Poll { agent, .. } => {
                        (Method::GET, "/api/v1/me/registrations".to_string(), agent)
                    }
                    Work::Accept { agent, reg } => (
                        Method::POST,
                        format!("/api/v1/registrations/{reg}/accept"),
                        agent,
                    ),
                };
                let headers = [bearer(&b.tokens[agent])];
                let t0 = Instant::now();
                let r = tokio::time::timeout(
                    b.request_timeout,
                    client.send(method, &path, &headers, Bytes::new()),
                )
                .await;
                let micros = t0.elapsed().as_micros() as u64;
                let kind = work.kind();
                let reply = match r {
                    Ok(Ok(reply)) => reply,
                    failed => {
                        let (what, detail) = match failed {
                            Err(_) => ("timeout", "no answer in time".to_string()),
                            Ok(Err(e)) => ("error", format!("{e:#}")),
                            Ok(Ok(_)) => unreachable!(),
                        };
                        tally.failed(kind, what, detail);
                        // The outcome is unknown: note it, and try again on the
                        // next server a little later.
                        client.reset();
                        at = (at + 1) % b.targets.len();
                        client = Client::new(b.targets[at].clone());
                        let mut p = plan.lock().expect("plan");
                        p.running -= 1;
                        if !retried {
                            p.answers.push(doubt(&work));
                        }
                        p.later.push(Reverse((
                            Instant::now() + Duration::from_millis(200),
                            work,
                            true,
                        )));
                        continue;
                    }
                };
                tally.answered(kind, micros, reply.status);
                let body = reply.json();
                let mut p = plan.lock().expect("plan");
                p.running -= 1;
                match (work, reply.status) {
                    (Work::Register { agent, session }, 201) => {
                        let id = body.as_ref().and_then(|v| v["id"].as_i64());
                        let status = body
                            .as_ref()
                            .and_then(|v| v["status"].as_str().map(str::to_string))
                            .unwrap_or_default();
                        tally.outcome(kind, &status);
                        if let Some(reg) = id {
                            p.answers.push(json!({"op": "register", "agent": agent, "session": session, "reg": reg, "status": status}));
                            if status == "confirmed" && cancels(agent, b.cancel_percent) {
                                p.later.push(Reverse((
                                    Instant::now() + b.cancel_after,
                                    Work::Cancel { agent, session, reg },
                                    false,
                                )));
                            } else if status == "waitlisted" {
                                p.waitlists.entry(session).or_default().insert(reg, agent);
                            }
                        }
                    }
                    (Work::Register { .. }, 409) if retried => {
                        tally.outcome(kind, "existed");
                    }
                    (Work::Cancel { session, reg, .. }, 200) => {
                        p.answers.push(json!({"op": "cancel", "reg": reg, "status": "cancelled"}));
                        // The first on the waitlist should now hold an offer.
                        let first = p.waitlists.get_mut(&session).and_then(|w| w.pop_first());
                        if let Some((_, agent)) = first {
                            p.ready.push_back((Work::Poll { agent, session }, false));
                        }
                    }
                    (Work::Poll { agent, session }, 200) => {
                        let offered = body.as_ref().and_then(|v| {
                            v.as_array()?.iter().find_map(|r| {
                                (r["session_id"].as_i64() == Some(session)
                                    && r["status"].as_str() == Some("offered"))
                                .then(|| r["id"].as_i64())
                                .flatten()
                            })
                        });
                        match offered {
                            Some(reg) => {
                                tally.outcome(kind, "offered");
                                p.ready.push_back((Work::Accept { agent, reg }, false));
                            }
                            None => tally.outcome(kind, "no-offer"),
                        }
                    }
                    (Work::Accept { reg, .. }, 200) => {
                        p.answers.push(json!({"op": "accept", "reg": reg, "status": "confirmed"}));
                        tally.outcome(kind, "confirmed");
                    }
                    (Work::Cancel { .. } | Work::Accept { .. }, 422) if retried => {
                        tally.outcome(kind, "done-before");
                    }
                    (_, status) => {
                        drop(p);
                        tally.sample(kind, status, reply.excerpt());
                    }
                }
            }
            tally
        }));
    }
    let mut all = Tally::default();
    for w in workers {
        all.merge(w.await.context("a client task failed")?);
    }
    let secs = started.elapsed().as_secs_f64();
    let answers = std::mem::take(&mut plan.lock().expect("plan").answers);
    let mut f = std::io::BufWriter::new(
        std::fs::File::create(&b.answers)
            .with_context(|| format!("cannot write {}", b.answers.display()))?,
    );
    for a in answers {
        writeln!(f, "{a}")?;
    }
    f.flush()?;
    Ok((all, secs))
}

/// An answer that never came: the check allows the state before and after.
fn doubt(work: &Work) -> Value {
    match *work {
        Work::Register { agent, session } => {
            json!({"op": "register", "agent": agent, "session": session, "doubt": true})
        }
        Work::Cancel { reg, .. } => json!({"op": "cancel", "reg": reg, "doubt": true}),
        Work::Accept { reg, .. } => json!({"op": "accept", "reg": reg, "doubt": true}),
        Work::Poll { agent, session } => {
            json!({"op": "poll", "agent": agent, "session": session, "doubt": true})
        }
    }
}
