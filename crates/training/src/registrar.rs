//! Registrations, cancellations and acceptances written in groups. Every one
//! goes through [`write_group`]: the group's sessions are locked once, in id
//! order; the cancellations and acceptances are checked one after the other,
//! written together, and the seats they free go to the waitlists; then the
//! seat rules are decided in order, in memory, for the registrations; and
//! the whole group is written in one transaction, its audit entries and
//! notices in a few multi-row statements at the end. A group of one is the
//! plain case.
//!
//! [`Registrar`] is what makes groups under load: requests that arrive while
//! one group is being written wait and form the next group, and what they
//! need read beforehand (the people registered) is read in the meantime, so
//! that the next group's transaction can begin as soon as this one ends. On
//! SQLite (one writer) and on PostgreSQL (where every audited change queues
//! on the audit chain's head row until it commits) this turns a dozen round
//! trips and one commit per request into a few round trips per request and
//! one commit per group.

use std::collections::{HashMap, HashSet, VecDeque};

use relais_core::{DelegationId, Error, Msg, PersonId, Principal, Result, Timestamp};
use relais_db::audit::Actor;
use relais_db::{DbResultExt, SqlBuf, Tx};
use relais_directory::people::{self, PersonBrief};
use tokio::sync::{mpsc, oneshot};

use crate::access::TrainingOffice;
use crate::model::RegistrationStatus;
use crate::notices::{self, Notice};
use crate::registrations::{
    self, Change, Outbox, Training, check_change, in_audience, note_change, write_changes,
};
use crate::sessions::{self, Session};

/// The most requests written in one group.
pub const MAX_GROUP: usize = 64;

/// One registration asked for: by `caller`, for themselves, or (a training
/// officer) for `for_person`, possibly beyond capacity with a reason.
#[derive(Debug, Clone)]
pub struct Ask {
    pub caller: Principal,
    pub session_id: i64,
    pub for_person: Option<PersonId>,
    pub over_capacity_reason: Option<String>,
}

impl Ask {
    /// Whom the registration is for.
    pub fn person(&self) -> PersonId {
        self.for_person.unwrap_or(self.caller.person_id)
    }
}

/// One request of a group.
#[derive(Debug, Clone)]
pub enum Op {
    Register(Ask),
    /// A change to registration `id`, asked by `caller`.
    Change {
        change: Change,
        caller: Principal,
        id: i64,
    },
}

/// What a request of a group did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    Registered(i64, RegistrationStatus),
    Changed,
}

impl Done {
    /// The answer to a registration: its id and status.
    fn registration(self) -> Result<(i64, RegistrationStatus)> {
        match self {
            Done::Registered(id, status) => Ok((id, status)),
            Done::Changed => Err(Error::internal("a registration answered as a change")),
        }
    }
}

type Answer = Result<Done>;

fn active_key(session: i64, person: PersonId) -> String {
    format!("{session}:{}", person.0)
}

/// Registers each ask, in order, as if one after the other; one answer per ask.
pub async fn register_many(t: &Training, asks: Vec<Ask>) -> Vec<Result<(i64, RegistrationStatus)>> {
    write_group(t, asks.into_iter().map(Op::Register).collect())
        .await
        .into_iter()
        .map(|a| a?.registration())
        .collect()
}

/// A request with what its transaction needs read beforehand: who acts as
/// a training office, and (for a registration) the person's brief.
struct Prepared {
    op: Op,
    office: Option<TrainingOffice>,
    brief: Option<PersonBrief>,
}

/// Reads, outside any transaction, what each request needs before it is
/// written; a request that cannot go further (an office's rights, an
/// unknown person) gets its answer here. One statement for the group.
async fn prepare(t: &Training, ops: Vec<Op>) -> Vec<std::result::Result<Prepared, Error>> {
    let mut unique: Vec<PersonId> = ops
        .iter()
        .filter_map(|op| match op {
            Op::Register(a) => Some(a.person()),
            Op::Change { .. } => None,
        })
        .collect();
    unique.sort_unstable();
    unique.dedup();
    let read_at = std::time::Instant::now();
    let briefs: HashMap<PersonId, PersonBrief> = if unique.is_empty() {
        HashMap::new()
    } else {
        match people::briefs(&t.db, &unique).await {
            Ok(v) => v.into_iter().map(|b| (b.id, b)).collect(),
            Err(e) => return ops.iter().map(|_| Err(e.clone())).collect(),
        }
    };
    tracing::debug!(size = ops.len(), read = ?read_at.elapsed(), "registration group people read");
    ops.into_iter()
        .map(|op| {
            let Op::Register(a) = &op else {
                return Ok(Prepared {
                    op,
                    office: None,
                    brief: None,
                });
            };
            // Who acts as a training office, and for whom.
            let office = if a.for_person.is_some_and(|p| p != a.caller.person_id)
                || a.over_capacity_reason.is_some()
            {
                Some(TrainingOffice::for_principal(&a.caller)?)
            } else {
                None
            };
            let Some(brief) = briefs.get(&a.person()).cloned() else {
                return Err(Error::invalid("person_id", "training-error-unknown-person"));
            };
            Ok(Prepared {
                op,
                office,
                brief: Some(brief),
            })
        })
        .collect()
}

/// Carries out each request of a group in one transaction, as if one after
/// the other (the changes first); one answer per request.
pub async fn write_group(t: &Training, ops: Vec<Op>) -> Vec<Answer> {
    let mut out: Vec<Option<Answer>> = Vec::with_capacity(ops.len());
    let mut ready = Vec::with_capacity(ops.len());
    for p in prepare(t, ops).await {
        match p {
            Ok(p) => {
                ready.push(p);
                out.push(None);
            }
            Err(e) => out.push(Some(Err(e))),
        }
    }
    let mut answers = write_prepared(t, ready).await.into_iter();
    out.into_iter()
        .map(|a| match a {
            Some(a) => a,
            None => answers
                .next()
                .unwrap_or_else(|| Err(Error::internal("request left unanswered"))),
        })
        .collect()
}

/// Writes prepared requests in one transaction; one answer per request, in
/// their order.
async fn write_prepared(t: &Training, ready: Vec<Prepared>) -> Vec<Answer> {
    let n = ready.len();
    if n == 0 {
        return Vec::new();
    }
    let group = Group {
        t,
        now: t.clock.now(),
        items: &ready,
    };
    let live: Vec<usize> = (0..n).collect();
    let mut out: Vec<Option<Answer>> = (0..n).map(|_| None).collect();
    match group.write(&live).await {
        Ok(answers) => {
            for (i, a) in answers {
                out[i] = Some(a);
            }
        }
        // Something the rules did not foresee failed the whole group (a
        // unique index, say): write each alone, so that it fails only
        // the request that caused it.
        Err(_) if n > 1 => {
            for i in live {
                out[i] = Some(match group.write(&[i]).await {
                    Ok(mut a) => a
                        .pop()
                        .map_or_else(|| Err(Error::internal("no answer")), |x| x.1),
                    Err(e) => Err(e),
                });
            }
        }
        Err(e) => {
            for o in &mut out {
                *o = Some(Err(e.clone()));
            }
        }
    }
    out.into_iter()
        .map(|a| a.unwrap_or_else(|| Err(Error::internal("request left unanswered"))))
        .collect()
}

struct Group<'a> {
    t: &'a Training,
    now: Timestamp,
    items: &'a [Prepared],
}

/// A registration decided, to be written.
struct Decided<'a> {
    op: usize,
    ask: &'a Ask,
    status: RegistrationStatus,
    over: Option<String>,
}

impl Group<'_> {
    /// The brief of the person registered by request `i`, read when it was
    /// prepared.
    fn brief(&self, i: usize) -> Result<&PersonBrief> {
        self.items[i]
            .brief
            .as_ref()
            .ok_or_else(|| Error::internal("a registration prepared without its person"))
    }

    /// Writes the requests `live` in one transaction; answers per request index.
    async fn write(&self, live: &[usize]) -> Result<Vec<(usize, Answer)>> {
        let clock = std::time::Instant::now();
        let mut tx = self.t.db.begin().await.db()?;
        let begun = clock.elapsed();
        let result = self.write_in(&mut tx, live).await;
        let written = clock.elapsed();
        let result = relais_db::finish(tx, result).await;
        tracing::debug!(
            size = live.len(),
            ?begun,
            ?written,
            committed = ?clock.elapsed(),
            "registration group transaction"
        );
        result
    }

    async fn write_in(&self, tx: &mut Tx, live: &[usize]) -> Result<Vec<(usize, Answer)>> {
        let (t, now) = (self.t, self.now);
        let clock = std::time::Instant::now();
        let mut answers = Vec::with_capacity(live.len());
        let mut out = Outbox::default();
        // The changed registrations, read before their sessions are locked
        // (and again after, on PostgreSQL).
        let changed: Vec<i64> = live
            .iter()
            .filter_map(|i| match &self.items[*i].op {
                Op::Change { id, .. } => Some(*id),
                Op::Register(_) => None,
            })
            .collect();
        let mut rows = if changed.is_empty() {
            HashMap::new()
        } else {
            registrations::load_many(tx, &changed).await?
        };
        let session_of: HashMap<i64, i64> = rows.iter().map(|(id, r)| (*id, r.1)).collect();
        let asks: Vec<(usize, &Ask)> = live
            .iter()
            .filter_map(|&i| match &self.items[i].op {
                Op::Register(a) => Some((i, a)),
                Op::Change { .. } => None,
            })
            .collect();
        // Every session of the group, locked at once in id order, so that
        // two groups (on two instances) cannot lock each other out.
        let mut ids: Vec<i64> = asks
            .iter()
            .map(|(_, a)| a.session_id)
            .chain(session_of.values().copied())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let backend = t.db.backend();
        let mut sessions = sessions::lock_many(tx, backend, now, &ids).await?;
        if !changed.is_empty() {
            // On SQLite the transaction has excluded every other writer
            // since it began: what was read is still true.
            if backend == relais_db::Backend::Postgres {
                rows = registrations::load_many(tx, &changed).await?;
            }
            self.change_in(
                tx,
                live,
                &mut rows,
                &session_of,
                &mut sessions,
                &mut out,
                &mut answers,
            )
            .await?;
        }
        let locked = clock.elapsed();
        self.register_in(tx, &asks, &mut sessions, &mut out, &mut answers)
            .await?;
        let inserted = clock.elapsed();
        out.flush(tx, now).await?;
        tracing::debug!(
            size = live.len(),
            ?locked,
            ?inserted,
            queued = ?clock.elapsed(),
            "registration group timings"
        );
        Ok(answers)
    }

    /// The changes of the group, checked in order (each sees the ones
    /// before it) and written together; the seats they free go to the
    /// waitlists once all are written. The counts in `sessions` follow.
    #[allow(clippy::too_many_arguments)]
    async fn change_in(
        &self,
        tx: &mut Tx,
        live: &[usize],
        rows: &mut HashMap<i64, registrations::Row>,
        session_of: &HashMap<i64, i64>,
        sessions: &mut HashMap<i64, Session>,
        out: &mut Outbox,
        answers: &mut Vec<(usize, Answer)>,
    ) -> Result<()> {
        let (t, now) = (self.t, self.now);
        let people = people::brief_map_in(tx, rows.values().map(|r| PersonId(r.2))).await?;
        let mut checked = Vec::new();
        let mut freed: Vec<&Session> = Vec::new();
        let mut moves: Vec<(i64, Option<RegistrationStatus>, RegistrationStatus)> = Vec::new();
        for &i in live {
            let Op::Change { change, caller, id } = &self.items[i].op else {
                continue;
            };
            let (Some(row), Some(s)) = (
                rows.get_mut(id),
                session_of.get(id).and_then(|s| sessions.get(s)),
            ) else {
                answers.push((i, Err(Error::NotFound)));
                continue;
            };
            let c = match check_change(*change, caller, row, s, now) {
                Ok(c) => c,
                Err(e) => {
                    answers.push((i, Err(e)));
                    continue;
                }
            };
            let Some(person) = people.get(&PersonId(c.person_id)) else {
                answers.push((i, Err(Error::NotFound)));
                continue;
            };
            note_change(t, &c, s, person, now, out);
            // The next change to the same registration sees this one.
            row.3 = c.next().as_str().to_string();
            if c.frees_seat() {
                freed.push(s);
            }
            moves.push((s.id, Some(c.status), c.next()));
            checked.push(c);
            answers.push((i, Ok(Done::Changed)));
        }
        let promoted = write_changes(tx, t, &checked, &freed, now, out).await?;
        // The seat rules of the registrations that follow read these counts.
        let promoted = promoted
            .into_iter()
            .map(|(s, to)| (s, Some(RegistrationStatus::Waitlisted), to));
        for (s, from, to) in moves.into_iter().chain(promoted) {
            if let Some(s) = sessions.get_mut(&s) {
                s.recount(from, Some(to));
            }
        }
        Ok(())
    }

    /// The registrations of the group, decided in order and written with a
    /// few multi-row statements; their entries and notices go to `out`.
    async fn register_in(
        &self,
        tx: &mut Tx,
        asks: &[(usize, &Ask)],
        sessions: &mut HashMap<i64, Session>,
        out: &mut Outbox,
        answers: &mut Vec<(usize, Answer)>,
    ) -> Result<()> {
        let (t, now) = (self.t, self.now);
        if asks.is_empty() {
            return Ok(());
        }
        // Who already holds a live registration for one of these sessions.
        let mut keys = SqlBuf::new("SELECT active_key FROM registrations WHERE active_key IN ");
        keys.bind_list(
            asks.iter()
                .map(|(_, a)| active_key(a.session_id, a.person())),
        );
        let mut taken: HashSet<String> = keys
            .query_as::<(String,)>()
            .fetch_all(&mut **tx)
            .await
            .db()?
            .into_iter()
            .map(|(k,)| k)
            .collect();
        let mut decided = Vec::with_capacity(asks.len());
        for &(i, a) in asks {
            match self.decide(sessions, i, a, &mut taken) {
                Ok(d) => decided.push(d),
                Err(e) => answers.push((i, Err(e))),
            }
        }
        let mut made: HashMap<String, i64> = HashMap::with_capacity(decided.len());
        for chunk in decided.chunks(32) {
            let mut sql = SqlBuf::new(
                "INSERT INTO registrations (session_id, person_id, status, queued_at, over_capacity_reason, created_at, updated_at, active_key) VALUES ",
            );
            for (n, d) in chunk.iter().enumerate() {
                if n > 0 {
                    sql.push(", ");
                }
                sql.push("(")
                    .bind(d.ask.session_id)
                    .push(", ")
                    .bind(d.ask.person().0)
                    .push(", ")
                    .bind(d.status.as_str())
                    .push(", ")
                    .bind(now.0)
                    .push(", ")
                    .bind(d.over.clone())
                    .push(", ")
                    .bind(now.0)
                    .push(", ")
                    .bind(now.0)
                    .push(", ")
                    .bind(active_key(d.ask.session_id, d.ask.person()))
                    .push(")");
            }
            sql.push(" RETURNING id, active_key");
            let rows: Vec<(i64, String)> = sql
                .query_as()
                .fetch_all(&mut **tx)
                .await
                .on_unique("session", "training-error-already-registered")?;
            made.extend(rows.into_iter().map(|(id, k)| (k, id)));
        }
        for d in decided {
            let (a, person) = (d.ask, d.ask.person());
            let Some(&id) = made.get(&active_key(a.session_id, person)) else {
                return Err(Error::internal("a registration was not written"));
            };
            out.audit(
                now,
                Actor::of(&a.caller),
                "registration.create",
                id,
                serde_json::json!({ "session": a.session_id, "person": person.0, "status": d.status.as_str(), "over_capacity_reason": d.over }),
            );
            let notice = match d.status {
                RegistrationStatus::Confirmed => Some(Notice::Confirmed),
                RegistrationStatus::Waitlisted => Some(Notice::Waitlisted),
                RegistrationStatus::Pending => Some(Notice::Pending),
                _ => None,
            };
            if let (Some(n), Some(s)) = (notice, sessions.get(&a.session_id)) {
                out.mails
                    .push(notices::mail(t, n, id, s, self.brief(d.op)?, now));
            }
            answers.push((d.op, Ok(Done::Registered(id, d.status))));
        }
        Ok(())
    }

    /// The seat rules for `a`, request `i`, given what the requests before
    /// it in the group took (the counts in `sessions` move as seats are taken).
    fn decide<'a>(
        &self,
        sessions: &mut HashMap<i64, Session>,
        i: usize,
        a: &'a Ask,
        taken: &mut HashSet<String>,
    ) -> Result<Decided<'a>> {
        let person = a.person();
        let office = self.items[i].office.as_ref();
        let now = self.now;
        let s = sessions.get_mut(&a.session_id).ok_or(Error::NotFound)?;
        if let Some(o) = office {
            o.check(s.delegation_id.map(DelegationId))?;
        }
        if s.cancelled {
            return Err(Error::invalid(
                "session",
                "training-error-session-cancelled",
            ));
        }
        if office.is_none() {
            if now < s.opens || now >= s.closes {
                return Err(Error::invalid(
                    "session",
                    "training-error-registration-closed",
                ));
            }
            if !in_audience(s, self.brief(i)?) {
                return Err(Error::invalid("session", "training-error-not-in-audience"));
            }
        } else if now >= s.ends {
            return Err(Error::invalid(
                "session",
                "training-error-registration-closed",
            ));
        }
        let key = active_key(a.session_id, person);
        if taken.contains(&key) {
            return Err(Error::Conflict {
                field: "session",
                msg: Msg::new("training-error-already-registered"),
            });
        }
        let reason = a
            .over_capacity_reason
            .as_ref()
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty());
        let left = s.seats().left();
        let approval = s.requires_approval && office.is_none();
        let status = if left > 0 {
            if approval {
                RegistrationStatus::Pending
            } else {
                RegistrationStatus::Confirmed
            }
        } else if reason.is_some() {
            RegistrationStatus::Confirmed
        } else if approval {
            RegistrationStatus::Pending
        } else {
            RegistrationStatus::Waitlisted
        };
        s.recount(None, Some(status));
        taken.insert(key);
        Ok(Decided {
            op: i,
            ask: a,
            status,
            over: reason.filter(|_| left == 0),
        })
    }
}

/// Forms groups under load: requests that arrive while a group is being
/// written are prepared (their people read) and wait for the next one; one
/// group is written at a time, in the order the requests came. One per
/// process; clones share it.
#[derive(Clone)]
pub struct Registrar {
    queue: mpsc::Sender<(Op, oneshot::Sender<Answer>)>,
}

impl std::fmt::Debug for Registrar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Registrar")
    }
}

impl Registrar {
    /// Starts the thread that writes the groups, with a single-threaded
    /// runtime (and, on PostgreSQL, connections) of its own. It stops when
    /// the last clone of the registrar is dropped.
    pub fn start(t: Training) -> Registrar {
        let (queue, rx) = mpsc::channel::<(Op, oneshot::Sender<Answer>)>(4 * MAX_GROUP);
        // Its own thread: a group's statements follow one another without
        // queueing behind the web server's tasks for a worker thread.
        let thread = std::thread::Builder::new()
            .name("registrar".into())
            .spawn(move || {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt.block_on(async move {
                        let mut t = t;
                        // Three connections: a group's transaction, the
                        // next group's people read, and a spare.
                        match t.db.on_this_runtime(3).await {
                            Ok(db) => t.db = db,
                            Err(e) => {
                                tracing::warn!("the registrar shares the server's connections: {e}")
                            }
                        }
                        run(t, rx).await
                    }),
                    Err(e) => tracing::error!("the registrar could not start: {e}"),
                }
            });
        if let Err(e) = thread {
            tracing::error!("the registrar could not start: {e}");
        }
        Registrar { queue }
    }

    pub async fn register(&self, ask: Ask) -> Result<(i64, RegistrationStatus)> {
        self.submit(Op::Register(ask)).await?.registration()
    }

    /// Queues a request for the next group and waits for its answer.
    pub async fn submit(&self, op: Op) -> Answer {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send((op, reply))
            .await
            .map_err(|_| Error::internal("the registrar has stopped"))?;
        answer
            .await
            .map_err(|_| Error::internal("the registrar dropped a request"))?
    }
}

/// The registrar's loop: prepares requests as they come and writes them in
/// groups, one group at a time, until every sender is gone.
async fn run(t: Training, mut rx: mpsc::Receiver<(Op, oneshot::Sender<Answer>)>) {
    // Prepared requests waiting for the next group, in order.
    let mut ready: VecDeque<(Prepared, oneshot::Sender<Answer>)> = VecDeque::new();
    // The group being written, if any: one at a time.
    let mut writing: Option<tokio::task::JoinHandle<()>> = None;
    let mut open = true;
    while open || !ready.is_empty() || writing.is_some() {
        // Wait for a request, or for the group being written.
        let mut fresh = Vec::new();
        match writing.as_mut() {
            None if ready.is_empty() => match rx.recv().await {
                Some(r) => fresh.push(r),
                None => open = false,
            },
            None => {}
            Some(w) if open => {
                let written = tokio::select! {
                    _ = w => true,
                    r = rx.recv() => {
                        match r {
                            Some(r) => fresh.push(r),
                            None => open = false,
                        }
                        false
                    }
                };
                if written {
                    writing = None;
                }
            }
            Some(w) => {
                let _ = w.await;
                writing = None;
            }
        }
        while fresh.len() + ready.len() < 2 * MAX_GROUP {
            match rx.try_recv() {
                Ok(r) => fresh.push(r),
                Err(_) => break,
            }
        }
        // What the requests need read beforehand is read while the
        // group before them is written.
        if !fresh.is_empty() {
            let (ops, replies): (Vec<Op>, Vec<_>) = fresh.into_iter().unzip();
            for (p, reply) in prepare(&t, ops).await.into_iter().zip(replies) {
                match p {
                    Ok(p) => ready.push_back((p, reply)),
                    Err(e) => {
                        let _ = reply.send(Err(e));
                    }
                }
            }
        }
        if writing.as_ref().is_some_and(|w| w.is_finished()) {
            writing = None;
        }
        if writing.is_none() && !ready.is_empty() {
            let size = ready.len().min(MAX_GROUP);
            let (group, replies): (Vec<Prepared>, Vec<_>) = ready.drain(..size).unzip();
            let t = t.clone();
            writing = Some(tokio::spawn(async move {
                let answers = write_prepared(&t, group).await;
                tracing::debug!(size, "registration group written");
                for (answer, reply) in answers.into_iter().zip(replies) {
                    // The caller may have gone (a closed connection):
                    // the registration stands, as it would without
                    // the group.
                    let _ = reply.send(answer);
                }
            }));
        }
    }
}
