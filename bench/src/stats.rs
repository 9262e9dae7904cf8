//! What a run saw: latencies and statuses per kind of request, and the
//! resident memory and CPU time of the server processes while it ran.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// What one kind of request saw.
#[derive(Default, Clone)]
pub struct OpTally {
    /// Microseconds, one per answered request (any status).
    pub latencies: Vec<u64>,
    /// When each of `latencies` began, in microseconds since the run did,
    /// where the scenario notes it (S0, S2); empty otherwise.
    pub starts: Vec<u64>,
    /// Count per HTTP status, plus `error` (transport) and `timeout`.
    pub statuses: BTreeMap<String, u64>,
    /// Count per outcome the driver read in answers (e.g. `confirmed`).
    pub outcomes: BTreeMap<String, u64>,
    /// The first body seen for each unexpected status.
    pub samples: BTreeMap<String, String>,
}

/// Per kind of request (`register`, `cancel`, `healthz`…).
#[derive(Default, Clone)]
pub struct Tally(pub BTreeMap<&'static str, OpTally>);

impl Tally {
    pub fn op(&mut self, kind: &'static str) -> &mut OpTally {
        self.0.entry(kind).or_default()
    }

    /// Records an answered request.
    pub fn answered(&mut self, kind: &'static str, micros: u64, status: u16) {
        let t = self.op(kind);
        t.latencies.push(micros);
        *t.statuses.entry(status.to_string()).or_default() += 1;
    }

    /// Records a request that got no answer (`error` or `timeout`).
    pub fn failed(&mut self, kind: &'static str, what: &str, detail: String) {
        let t = self.op(kind);
        *t.statuses.entry(what.to_string()).or_default() += 1;
        t.samples.entry(what.to_string()).or_insert(detail);
    }

    pub fn outcome(&mut self, kind: &'static str, outcome: &str) {
        *self
            .op(kind)
            .outcomes
            .entry(outcome.to_string())
            .or_default() += 1;
    }

    pub fn sample(&mut self, kind: &'static str, status: u16, body: String) {
        self.op(kind)
            .samples
            .entry(status.to_string())
            .or_insert(body);
    }

    pub fn merge(&mut self, o: Tally) {
        for (k, v) in o.0 {
            let t = self.op(k);
            t.latencies.extend(v.latencies);
            t.starts.extend(v.starts);
            for (s, n) in v.statuses {
                *t.statuses.entry(s).or_default() += n;
            }
            for (s, n) in v.outcomes {
                *t.outcomes.entry(s).or_default() += n;
            }
            for (s, b) in v.samples {
                t.samples.entry(s).or_insert(b);
            }
        }
    }

    /// Everything in one tally, for the totals.
    pub fn total(&self) -> OpTally {
        let mut all = OpTally::default();
        for t in self.0.values() {
            all.latencies.extend(&t.latencies);
            for (s, n) in &t.statuses {
                *all.statuses.entry(s.clone()).or_default() += n;
            }
        }
        all
    }

    /// Requests answered with a 5xx.
    pub fn server_errors(&self) -> u64 {
        self.count(|s| s.starts_with('5'))
    }

    /// Requests that got no answer (a transport error or a timeout).
    pub fn unanswered(&self) -> u64 {
        self.count(|s| s == "error" || s == "timeout")
    }

    fn count(&self, which: impl Fn(&str) -> bool) -> u64 {
        self.0
            .values()
            .flat_map(|t| t.statuses.iter())
            .filter(|(s, _)| which(s))
            .map(|(_, n)| n)
            .sum()
    }
}

pub fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1] as f64 / 1000.0
}

fn join(m: &BTreeMap<String, u64>) -> String {
    if m.is_empty() {
        return "-".into();
    }
    m.iter()
        .map(|(k, v)| format!("{k}:{v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The figures of one kind of request.
pub struct Figures {
    pub requests: u64,
    pub rps: f64,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

pub fn figures(t: &OpTally, secs: f64) -> Figures {
    let mut l = t.latencies.clone();
    l.sort_unstable();
    let requests: u64 = t.statuses.values().sum();
    Figures {
        requests,
        rps: requests as f64 / secs.max(1e-9),
        p50: percentile(&l, 0.50),
        p95: percentile(&l, 0.95),
        p99: percentile(&l, 0.99),
        max: l.last().map_or(f64::NAN, |m| *m as f64 / 1000.0),
    }
}

/// Prints a readable block and one `RESULT` line per kind of request (and
/// one for all of them), for scripts to pick up.
pub fn report(scenario: &str, label: &str, tally: &Tally, secs: f64, extra: &str) {
    println!("{scenario} [{label}]: {secs:.2} s");
    let mut rows: Vec<(&str, OpTally)> = tally.0.iter().map(|(k, v)| (*k, v.clone())).collect();
    if rows.len() > 1 {
        rows.push(("all", tally.total()));
    }
    for (kind, t) in rows {
        let f = figures(&t, secs);
        println!(
            "  {kind:<10} {:>7} requests {:>9.1}/s  p50 {:.2}  p95 {:.2}  p99 {:.2}  max {:.2} ms  statuses {}  outcomes {}",
            f.requests,
            f.rps,
            f.p50,
            f.p95,
            f.p99,
            f.max,
            join(&t.statuses),
            join(&t.outcomes)
        );
        for (k, v) in &t.samples {
            println!("             first {k}: {v}");
        }
        println!(
            "RESULT scenario={scenario} label={label} op={kind} requests={} seconds={secs:.2} rps={:.1} p50_ms={:.2} p95_ms={:.2} p99_ms={:.2} max_ms={:.2} statuses={} outcomes={}{extra}",
            f.requests,
            f.rps,
            f.p50,
            f.p95,
            f.p99,
            f.max,
            join(&t.statuses),
            join(&t.outcomes)
        );
    }
}

/// Samples the resident memory of some processes every 50 ms and keeps the
/// largest sum seen; counts the CPU time they (and the driver itself) used.
pub struct ProcessWatch {
    peak_kib: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    task: Option<tokio::task::JoinHandle<()>>,
    pids: Vec<u32>,
    cpu_at_start: (u64, u64),
}

/// What the watched processes used during a run.
pub struct Watched {
    /// The largest resident memory seen, summed over the processes.
    pub rss_mib: f64,
    /// CPU seconds (user and system) the watched processes used.
    pub server_cpu_s: f64,
    /// CPU seconds the driver itself used.
    pub driver_cpu_s: f64,
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// User plus system time of a process and all its threads, in clock ticks
/// (fields 14 and 15 of `/proc/PID/stat`, after the command in parentheses).
fn cpu_ticks(pid: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            let rest = &s[s.rfind(')')? + 2..];
            let f: Vec<&str> = rest.split(' ').collect();
            Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
        })
        .unwrap_or(0)
}

/// (watched processes, the driver) in clock ticks.
fn cpu_now(pids: &[u32]) -> (u64, u64) {
    (
        pids.iter().map(|p| cpu_ticks(&p.to_string())).sum(),
        cpu_ticks("self"),
    )
}

/// Linux counts CPU time in ticks of 1/100 s (`getconf CLK_TCK`).
const TICKS_PER_S: f64 = 100.0;

impl ProcessWatch {
    pub fn start(pids: Vec<u32>) -> ProcessWatch {
        let peak_kib = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let cpu_at_start = cpu_now(&pids);
        let task = (!pids.is_empty()).then(|| {
            let (peak, stop, pids) = (peak_kib.clone(), stop.clone(), pids.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let sum: u64 = pids.iter().map(|p| rss_kib(*p)).sum();
                    peak.fetch_max(sum, Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            })
        });
        ProcessWatch {
            peak_kib,
            stop,
            task,
            pids,
            cpu_at_start,
        }
    }

    /// Stops sampling; None when no process was watched. A process killed
    /// and restarted during the run counts only from its restart.
    pub async fn finish(mut self) -> Option<Watched> {
        self.stop.store(true, Ordering::Relaxed);
        let task = self.task.take()?;
        let _ = task.await;
        let (server, driver) = cpu_now(&self.pids);
        Some(Watched {
            rss_mib: self.peak_kib.load(Ordering::Relaxed) as f64 / 1024.0,
            server_cpu_s: server.saturating_sub(self.cpu_at_start.0) as f64 / TICKS_PER_S,
            driver_cpu_s: driver.saturating_sub(self.cpu_at_start.1) as f64 / TICKS_PER_S,
        })
    }
}
