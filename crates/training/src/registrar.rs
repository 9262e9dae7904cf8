//! Registrations written in groups. Every registration goes through
//! [`register_many`]: the seat rules are decided in order, in memory, for a
//! whole group of requests, under one lock of their sessions, and the group
//! is written in one transaction with a few multi-row statements (the
//! registrations, their audit entries, their notices). A group of one is the
//! plain case.
//!
//! [`Registrar`] is what makes groups under load: requests that arrive while
//! one group is being written wait and form the next group. On SQLite (one
//! writer) and on PostgreSQL (where every audited change queues on the audit
//! chain's head row until it commits) this turns a dozen round trips and one
//! commit per registration into about ten round trips and one commit per group.

use std::collections::{HashMap, HashSet};

use relais_core::{DelegationId, Error, Msg, PersonId, Principal, Result, Timestamp};
use relais_db::audit::{self, Actor, Entry};
use relais_db::{DbResultExt, SqlBuf, Tx};
use relais_directory::people::{self, PersonBrief};
use tokio::sync::{mpsc, oneshot};

use crate::access::TrainingOffice;
use crate::model::RegistrationStatus;
use crate::notices::{self, Notice};
use crate::registrations::{Training, in_audience};
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

type Answer = Result<(i64, RegistrationStatus)>;

fn active_key(session: i64, person: PersonId) -> String {
    format!("{session}:{}", person.0)
}

/// Registers each ask, in order, as if one after the other; one answer per ask.
pub async fn register_many(t: &Training, asks: Vec<Ask>) -> Vec<Answer> {
    let n = asks.len();
    let mut out: Vec<Option<Answer>> = (0..n).map(|_| None).collect();
    let persons: Vec<PersonId> = asks
        .iter()
        .map(|a| a.for_person.unwrap_or(a.caller.person_id))
        .collect();
    // Who acts as a training office, and for whom (outside the transaction).
    let mut offices = Vec::with_capacity(n);
    for (i, a) in asks.iter().enumerate() {
        let by_officer = a.for_person.is_some_and(|p| p != a.caller.person_id)
            || a.over_capacity_reason.is_some();
        offices.push(if by_officer {
            TrainingOffice::for_principal(&a.caller)
                .map_err(|e| out[i] = Some(Err(e)))
                .ok()
        } else {
            None
        });
    }
    let mut unique = persons.clone();
    unique.sort_unstable();
    unique.dedup();
    let read_at = std::time::Instant::now();
    let briefs: HashMap<PersonId, PersonBrief> = match people::briefs(&t.db, &unique).await {
        Ok(v) => v.into_iter().map(|b| (b.id, b)).collect(),
        Err(e) => return (0..n).map(|_| Err(e.clone())).collect(),
    };
    for (i, p) in persons.iter().enumerate() {
        if out[i].is_none() && !briefs.contains_key(p) {
            out[i] = Some(Err(Error::invalid(
                "person_id",
                "training-error-unknown-person",
            )));
        }
    }
    let live: Vec<usize> = (0..n).filter(|i| out[*i].is_none()).collect();
    tracing::debug!(size = n, read = ?read_at.elapsed(), "registration group people read");
    if !live.is_empty() {
        let group = Group {
            t,
            now: t.clock.now(),
            asks: &asks,
            offices: &offices,
            persons: &persons,
            briefs: &briefs,
        };
        match group.write(&live).await {
            Ok(answers) => {
                for (i, a) in answers {
                    out[i] = Some(a);
                }
            }
            // Something the rules did not foresee failed the whole group (a
            // unique index, say): write each alone, so that it fails only
            // the request that caused it.
            Err(_) if live.len() > 1 => {
                for &i in &live {
                    out[i] = Some(match group.write(&[i]).await {
                        Ok(mut a) => a
                            .pop()
                            .map_or_else(|| Err(Error::internal("no answer")), |x| x.1),
                        Err(e) => Err(e),
                    });
                }
            }
            Err(e) => {
                for &i in &live {
                    out[i] = Some(Err(e.clone()));
                }
            }
        }
    }
    out.into_iter()
        .map(|a| a.unwrap_or_else(|| Err(Error::internal("registration left unanswered"))))
        .collect()
}

struct Group<'a> {
    t: &'a Training,
    now: Timestamp,
    asks: &'a [Ask],
    offices: &'a [Option<TrainingOffice>],
    persons: &'a [PersonId],
    briefs: &'a HashMap<PersonId, PersonBrief>,
}

/// A registration decided, to be written.
struct Decided {
    ask: usize,
    status: RegistrationStatus,
    over: Option<String>,
}

impl Group<'_> {
    /// Writes the asks `live` in one transaction; answers per ask index.
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
        let ids: Vec<i64> = live.iter().map(|i| self.asks[*i].session_id).collect();
        let mut sessions = sessions::lock_many(tx, t.db.backend(), now, &ids).await?;
        // Who already holds a live registration for one of these sessions.
        let mut keys = SqlBuf::new("SELECT active_key FROM registrations WHERE active_key IN ");
        keys.bind_list(
            live.iter()
                .map(|i| active_key(self.asks[*i].session_id, self.persons[*i])),
        );
        let mut taken: HashSet<String> = keys
            .query_as::<(String,)>()
            .fetch_all(&mut **tx)
            .await
            .db()?
            .into_iter()
            .map(|(k,)| k)
            .collect();
        let mut answers = Vec::with_capacity(live.len());
        let mut decided = Vec::with_capacity(live.len());
        for &i in live {
            match self.decide(&mut sessions, i, &mut taken) {
                Ok(d) => decided.push(d),
                Err(e) => answers.push((i, Err(e))),
            }
        }
        if decided.is_empty() {
            return Ok(answers);
        }
        let locked = clock.elapsed();
        let mut made: HashMap<String, i64> = HashMap::with_capacity(decided.len());
        for chunk in decided.chunks(32) {
            let mut sql = SqlBuf::new(
                "INSERT INTO registrations (session_id, person_id, status, queued_at, over_capacity_reason, created_at, updated_at, active_key) VALUES ",
            );
            for (n, d) in chunk.iter().enumerate() {
                let a = &self.asks[d.ask];
                if n > 0 {
                    sql.push(", ");
                }
                sql.push("(")
                    .bind(a.session_id)
                    .push(", ")
                    .bind(self.persons[d.ask].0)
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
                    .bind(active_key(a.session_id, self.persons[d.ask]))
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
        let inserted = clock.elapsed();
        let mut entries = Vec::with_capacity(decided.len());
        let mut mails = Vec::with_capacity(decided.len());
        for d in decided {
            let a = &self.asks[d.ask];
            let person = self.persons[d.ask];
            let Some(&id) = made.get(&active_key(a.session_id, person)) else {
                return Err(Error::internal("a registration was not written"));
            };
            entries.push(Entry {
                at: now,
                actor: Actor::of(&a.caller),
                action: "registration.create".into(),
                target: format!("registration:{id}"),
                details: serde_json::json!({ "session": a.session_id, "person": person.0, "status": d.status.as_str(), "over_capacity_reason": d.over }),
            });
            let notice = match d.status {
                RegistrationStatus::Confirmed => Some(Notice::Confirmed),
                RegistrationStatus::Waitlisted => Some(Notice::Waitlisted),
                RegistrationStatus::Pending => Some(Notice::Pending),
                _ => None,
            };
            if let (Some(n), Some(s)) = (notice, sessions.get(&a.session_id)) {
                mails.push(notices::mail(t, n, id, s, &self.briefs[&person], now));
            }
            answers.push((d.ask, Ok((id, d.status))));
        }
        let rendered = clock.elapsed();
        audit::record_many(tx, &entries).await.db()?;
        let audited = clock.elapsed();
        relais_mail::enqueue_many(tx, now, &mails).await.db()?;
        tracing::debug!(
            size = live.len(),
            ?locked,
            ?inserted,
            ?rendered,
            ?audited,
            queued = ?clock.elapsed(),
            "registration group timings"
        );
        Ok(answers)
    }

    /// The seat rules for ask `i`, given what the asks before it in the
    /// group took (the counts in `sessions` move as seats are taken).
    fn decide(
        &self,
        sessions: &mut HashMap<i64, Session>,
        i: usize,
        taken: &mut HashSet<String>,
    ) -> Result<Decided> {
        let a = &self.asks[i];
        let office = self.offices[i].as_ref();
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
            if !in_audience(s, &self.briefs[&self.persons[i]]) {
                return Err(Error::invalid("session", "training-error-not-in-audience"));
            }
        } else if now >= s.ends {
            return Err(Error::invalid(
                "session",
                "training-error-registration-closed",
            ));
        }
        let key = active_key(a.session_id, self.persons[i]);
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
        match status {
            RegistrationStatus::Confirmed => s.confirmed += 1,
            RegistrationStatus::Pending => s.pending += 1,
            RegistrationStatus::Waitlisted => s.waitlisted += 1,
            _ => {}
        }
        s.seats_left = s.seats().left();
        taken.insert(key);
        Ok(Decided {
            ask: i,
            status,
            over: reason.filter(|_| left == 0),
        })
    }
}

/// Forms groups under load: requests that arrive while a group is being
/// written wait for the next one. One per process; clones share it.
#[derive(Clone)]
pub struct Registrar {
    queue: mpsc::Sender<(Ask, oneshot::Sender<Answer>)>,
}

impl std::fmt::Debug for Registrar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Registrar")
    }
}

impl Registrar {
    /// Starts the task that writes the groups (on the current tokio runtime).
    /// It stops when the last clone of the registrar is dropped.
    pub fn start(t: Training) -> Registrar {
        let (queue, mut rx) = mpsc::channel::<(Ask, oneshot::Sender<Answer>)>(4 * MAX_GROUP);
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut group = vec![first];
                while group.len() < MAX_GROUP {
                    match rx.try_recv() {
                        Ok(next) => group.push(next),
                        Err(_) => break,
                    }
                }
                let (asks, replies): (Vec<Ask>, Vec<_>) = group.into_iter().unzip();
                let size = asks.len();
                let answers = register_many(&t, asks).await;
                tracing::debug!(size, "registration group written");
                for (answer, reply) in answers.into_iter().zip(replies) {
                    // The caller may have gone (a closed connection): the
                    // registration stands, as it would without the group.
                    let _ = reply.send(answer);
                }
            }
        });
        Registrar { queue }
    }

    pub async fn register(&self, ask: Ask) -> Answer {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send((ask, reply))
            .await
            .map_err(|_| Error::internal("the registrar has stopped"))?;
        answer
            .await
            .map_err(|_| Error::internal("the registrar dropped a request"))?
    }
}
