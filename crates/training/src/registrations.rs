//! Registrations: the seat rules, the waitlist and its timed offers, manager
//! approval, moves between sessions. Every change locks its session first,
//! so that no two requests, on any instance, can both take the last seat.

use std::collections::HashMap;
use std::sync::Arc;

use relais_core::{Clock, Error, Msg, PersonId, Principal, Result, Timestamp};
use relais_db::audit::{self, Actor};
use relais_db::{Db, DbResultExt, SqlBuf, Tx};
use relais_directory::people::{self, PersonBrief};
use relais_jobs::{JobError, JobHandler, NewJob};
use serde::Serialize;
use utoipa::ToSchema;

use crate::access::TrainingOffice;
use crate::model::{Audience, RegistrationStatus, WaitlistMode};
use crate::notices::{self, Notice};
use crate::registrar::{Ask, Op, Registrar, register_many, write_group};
use crate::sessions::{self, Session};

pub const OFFER_EXPIRY_JOB: &str = "training.offer_expiry";

/// What the training services need beyond the database.
#[derive(Clone)]
pub struct Training {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    /// For links in notices.
    pub public_url: String,
    /// For Message-IDs and calendar UIDs.
    pub mail_domain: String,
    /// The institute's time zone, for dates in notices.
    pub time_zone: String,
    /// Groups registrations under load (the web server has one).
    pub registrar: Option<Registrar>,
    /// How long a disruption can be undone before its notices leave, in seconds.
    pub undo_secs: i64,
}

impl Training {
    pub fn new(db: Db, clock: Arc<dyn Clock>, web: &relais_web::WebConfig) -> Self {
        Training {
            db,
            clock,
            public_url: web.public_url.clone(),
            mail_domain: web.mail_domain.clone(),
            time_zone: web.time_zone.clone(),
            registrar: None,
            undo_secs: web.undo_secs,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Registration {
    pub id: i64,
    pub session_id: i64,
    pub person_id: i64,
    pub status: RegistrationStatus,
    /// Place on the waitlist (1 = next), when waitlisted.
    pub position: Option<i64>,
    pub offer_expires_at: Option<String>,
    pub over_capacity_reason: Option<String>,
    pub decision_comment: Option<String>,
}

fn invalid(field: &'static str, key: &'static str) -> Error {
    Error::Invalid {
        field,
        msg: Msg::new(key),
    }
}

/// The columns of a [`Row`], of `registrations r`.
macro_rules! row_columns {
    () => {
        "r.id, r.session_id, r.person_id, r.status, r.queued_at, r.offer_expires_at, r.over_capacity_reason, r.decision_comment"
    };
}

pub(crate) type Row = (
    i64,
    i64,
    i64,
    String,
    i64,
    Option<i64>,
    Option<String>,
    Option<String>,
);

/// Reads a registration after its session was locked, checking that it is
/// still in that session (a concurrent move could have changed it between
/// finding the session and locking it).
async fn load_locked(tx: &mut Tx, id: i64, locked_session: i64) -> Result<Row> {
    let row = load(tx, id).await?;
    still_in(&row, locked_session)?;
    Ok(row)
}

/// Refuses a registration found in one session and read, after that
/// session was locked, in another: the caller should try again.
fn still_in(row: &Row, locked_session: i64) -> Result<()> {
    if row.1 != locked_session {
        return Err(Error::Conflict {
            field: "registration",
            msg: Msg::new("training-error-changed-retry"),
        });
    }
    Ok(())
}

async fn load(tx: &mut Tx, id: i64) -> Result<Row> {
    load_many(tx, &[id])
        .await?
        .remove(&id)
        .ok_or(Error::NotFound)
}

async fn session_of(tx: &mut Tx, id: i64) -> Result<i64> {
    let (s,): (i64,) = sqlx::query_as("SELECT session_id FROM registrations WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
        .db()?
        .ok_or(Error::NotFound)?;
    Ok(s)
}

async fn set_status(
    tx: &mut Tx,
    now: Timestamp,
    id: i64,
    status: RegistrationStatus,
    offer_expires: Option<Timestamp>,
) -> Result<()> {
    set_status_many(tx, now, &[id], status, offer_expires).await
}

/// Gives these registrations one status, in one statement.
async fn set_status_many(
    tx: &mut Tx,
    now: Timestamp,
    ids: &[i64],
    status: RegistrationStatus,
    offer_expires: Option<Timestamp>,
) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut q = SqlBuf::new("UPDATE registrations SET status = ");
    q.bind(status.as_str())
        .push(", offer_expires_at = ")
        .bind(offer_expires.map(|t| t.0))
        .push(", updated_at = ")
        .bind(now.0);
    if !status.is_active() {
        q.push(", active_key = NULL");
    }
    q.push(" WHERE id IN ").bind_list(ids.iter().copied());
    q.query().execute(&mut **tx).await.db()?;
    Ok(())
}

/// May `person` register for `s` on their own?
pub fn in_audience(s: &Session, person: &PersonBrief) -> bool {
    match &s.audience {
        Audience::Everyone => true,
        Audience::Delegations(ids) => person.delegation_id.is_some_and(|d| ids.contains(&d.0)),
        Audience::Units(ids) => person.unit_id.is_some_and(|u| ids.contains(&u.0)),
        Audience::PhdSupervisors => person.supervises_phd,
        Audience::Managers => person.manages,
    }
}

/// Registers `for_person` (or the caller) for a session. Agents register
/// themselves within the window and the audience; a training officer may
/// register anyone, and go beyond capacity with a reason that is logged.
/// Through the service's [`Registrar`] when it has one (the web server),
/// so that requests arriving together are written together.
pub async fn register(
    t: &Training,
    caller: &Principal,
    session_id: i64,
    for_person: Option<PersonId>,
    over_capacity_reason: Option<String>,
) -> Result<(i64, RegistrationStatus)> {
    let ask = Ask {
        caller: caller.clone(),
        session_id,
        for_person,
        over_capacity_reason,
    };
    match &t.registrar {
        Some(r) => r.register(ask).await,
        None => register_many(t, vec![ask])
            .await
            .pop()
            .unwrap_or_else(|| Err(Error::internal("no answer"))),
    }
}

/// What a change writes besides its own rows: audit entries, mails and
/// jobs, written at the end of its transaction in a few multi-row
/// statements, however many changes the transaction holds.
#[derive(Default)]
pub(crate) struct Outbox {
    pub entries: Vec<audit::Entry>,
    pub mails: Vec<relais_mail::OutgoingMail>,
    pub jobs: Vec<NewJob>,
}

impl Outbox {
    pub(crate) fn audit(
        &mut self,
        at: Timestamp,
        actor: Actor,
        action: &str,
        registration: i64,
        details: serde_json::Value,
    ) {
        self.entries.push(audit::Entry {
            at,
            actor,
            action: action.to_string(),
            target: format!("registration:{registration}"),
            details,
        });
    }

    pub(crate) async fn flush(self, tx: &mut Tx, now: Timestamp) -> Result<()> {
        audit::record_many(tx, &self.entries).await.db()?;
        relais_mail::enqueue_many(tx, now, &self.mails).await.db()?;
        relais_jobs::enqueue_many(tx, now, self.jobs).await.db()?;
        Ok(())
    }
}

/// Fills free seats from the waitlist, in order: an offer for a limited
/// time, or a confirmed seat at once in automatic mode.
pub(crate) async fn promote(tx: &mut Tx, t: &Training, s: &Session, now: Timestamp) -> Result<()> {
    let mut out = Outbox::default();
    promote_into(tx, t, &[s], now, &mut out).await?;
    out.flush(tx, now).await
}

/// [`promote`] for several sessions at once (a handful of statements
/// whatever their number), leaving the audit entries, mails and jobs in
/// `out`; the session and the new status of each registration promoted.
pub(crate) async fn promote_into(
    tx: &mut Tx,
    t: &Training,
    sessions: &[&Session],
    now: Timestamp,
    out: &mut Outbox,
) -> Result<Vec<(i64, RegistrationStatus)>> {
    let mut open: Vec<&Session> = sessions
        .iter()
        .copied()
        .filter(|s| !s.cancelled && now < s.starts)
        .collect();
    open.sort_unstable_by_key(|s| s.id);
    open.dedup_by_key(|s| s.id);
    if open.is_empty() {
        return Ok(Vec::new());
    }
    // The counts as the transaction's writes left them (those in `sessions`
    // may be older), kept on the session rows by the database's triggers.
    let mut q = SqlBuf::new(
        "SELECT id, seats_confirmed + seats_offered, seats_waitlisted FROM training_sessions WHERE id IN ",
    );
    q.bind_list(open.iter().map(|s| s.id));
    let counts: HashMap<i64, (i64, i64)> = q
        .query_as::<(i64, i64, i64)>()
        .fetch_all(&mut **tx)
        .await
        .db()?
        .into_iter()
        .map(|(id, taken, waiting)| (id, (taken, waiting)))
        .collect();
    let left: HashMap<i64, i64> = open
        .iter()
        .filter_map(|s| {
            let &(taken, waiting) = counts.get(&s.id)?;
            Some((s.id, s.capacity - taken)).filter(|_| waiting > 0)
        })
        .filter(|(_, l)| *l > 0)
        .collect();
    let Some(&most) = left.values().max() else {
        return Ok(Vec::new());
    };
    // The head of each waitlist, as many as it has seats to fill.
    let mut q = SqlBuf::new(
        "SELECT id, session_id, person_id, n FROM (SELECT id, session_id, person_id,
           ROW_NUMBER() OVER (PARTITION BY session_id ORDER BY queued_at, id) AS n
         FROM registrations WHERE status = 'waitlisted' AND session_id IN ",
    );
    q.bind_list(left.keys().copied())
        .push(") w WHERE n <= ")
        .bind(most)
        .push(" ORDER BY session_id, n");
    let next: Vec<(i64, i64, i64, i64)> = q.query_as().fetch_all(&mut **tx).await.db()?;
    let next: Vec<_> = next.into_iter().filter(|r| r.3 <= left[&r.1]).collect();
    if next.is_empty() {
        return Ok(Vec::new());
    }
    let people = people::brief_map_in(tx, next.iter().map(|r| PersonId(r.2))).await?;
    let mut confirmed = Vec::new();
    let mut promoted = Vec::with_capacity(next.len());
    for s in open {
        let ids: Vec<(i64, &PersonBrief)> = next
            .iter()
            .filter(|r| r.1 == s.id)
            .map(|r| Ok((r.0, people.get(&PersonId(r.2)).ok_or(Error::NotFound)?)))
            .collect::<Result<_>>()?;
        if ids.is_empty() {
            continue;
        }
        let expires = now.plus_secs(s.offer_hours * 3600).min(s.starts);
        let to = match s.waitlist_mode {
            WaitlistMode::Automatic => RegistrationStatus::Confirmed,
            WaitlistMode::TimedOffer => RegistrationStatus::Offered,
        };
        if s.waitlist_mode == WaitlistMode::TimedOffer {
            let offered: Vec<i64> = ids.iter().map(|(id, _)| *id).collect();
            set_status_many(
                tx,
                now,
                &offered,
                RegistrationStatus::Offered,
                Some(expires),
            )
            .await?;
        }
        for (id, person) in ids {
            match s.waitlist_mode {
                WaitlistMode::Automatic => {
                    confirmed.push(id);
                    out.mails
                        .push(notices::mail(t, Notice::Confirmed, id, s, person, now));
                }
                WaitlistMode::TimedOffer => {
                    out.jobs.push(
                        NewJob::new(OFFER_EXPIRY_JOB, serde_json::json!({ "registration": id }))
                            .dedup(format!("offer-expiry:{id}"))
                            .at(expires),
                    );
                    out.mails.push(notices::mail(
                        t,
                        Notice::Offered { expires },
                        id,
                        s,
                        person,
                        now,
                    ));
                }
            }
            promoted.push((s.id, to));
            out.audit(
                now,
                Actor::SYSTEM,
                "registration.promote",
                id,
                serde_json::json!({ "mode": s.waitlist_mode.as_str() }),
            );
        }
    }
    set_status_many(tx, now, &confirmed, RegistrationStatus::Confirmed, None).await?;
    Ok(promoted)
}

/// A change a person asks of one of their registrations (or, for a
/// cancellation, the session's training office).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Cancel,
    /// Accept a waitlist offer before it lapses.
    Accept,
}

/// A change found possible, to be written.
pub(crate) struct Checked {
    change: Change,
    actor: Actor,
    id: i64,
    pub person_id: i64,
    /// The status it had.
    pub status: RegistrationStatus,
}

impl Checked {
    /// The status the registration takes.
    pub fn next(&self) -> RegistrationStatus {
        match self.change {
            Change::Cancel => RegistrationStatus::Cancelled,
            Change::Accept => RegistrationStatus::Confirmed,
        }
    }

    /// Whether the change frees a seat for the waitlist.
    pub fn frees_seat(&self) -> bool {
        self.change == Change::Cancel && self.status.holds_seat()
    }
}

/// Registrations by id, read in one statement (those missing are left out).
pub(crate) async fn load_many(tx: &mut Tx, ids: &[i64]) -> Result<HashMap<i64, Row>> {
    let mut q = SqlBuf::new(concat!(
        "SELECT ",
        row_columns!(),
        " FROM registrations r WHERE r.id IN "
    ));
    q.bind_list(ids.iter().copied());
    let rows: Vec<Row> = q.query_as().fetch_all(&mut **tx).await.db()?;
    Ok(rows.into_iter().map(|r| (r.0, r)).collect())
}

/// Checks a change to registration `row`, found in session `s` and read
/// again after `s` was locked. Only reads.
pub(crate) fn check_change(
    change: Change,
    caller: &Principal,
    row: &Row,
    s: &Session,
    now: Timestamp,
) -> Result<Checked> {
    still_in(row, s.id)?;
    let (id, _, person_id, ref status, _, expires, ..) = *row;
    let parsed = RegistrationStatus::parse(status);
    match change {
        Change::Cancel => {
            if person_id != caller.person_id.0 {
                TrainingOffice::for_principal(caller)?
                    .check(s.delegation_id.map(relais_core::DelegationId))?;
            }
            if !parsed.is_some_and(|st| st.is_active()) {
                return Err(invalid("registration", "training-error-not-active"));
            }
        }
        Change::Accept => {
            if person_id != caller.person_id.0 {
                return Err(Error::Forbidden);
            }
            if s.cancelled || now >= s.starts {
                return Err(invalid("registration", "training-error-session-cancelled"));
            }
            match (parsed, expires) {
                (Some(RegistrationStatus::Offered), Some(e)) if e > now.0 => {}
                (Some(RegistrationStatus::Offered), _)
                | (Some(RegistrationStatus::Cancelled), Some(_)) => {
                    return Err(invalid("registration", "training-error-offer-lapsed"));
                }
                _ => return Err(invalid("registration", "training-error-no-offer")),
            }
        }
    }
    Ok(Checked {
        change,
        actor: Actor::of(caller),
        id,
        person_id,
        status: parsed.unwrap_or(RegistrationStatus::Cancelled),
    })
}

/// The audit entry and the notice of a checked change, into `out`; the
/// caller writes the new status (see [`write_changes`]).
pub(crate) fn note_change(
    t: &Training,
    c: &Checked,
    s: &Session,
    person: &PersonBrief,
    now: Timestamp,
    out: &mut Outbox,
) {
    let (action, details, notice) = match c.change {
        Change::Cancel => (
            "registration.cancel",
            serde_json::json!({ "was": c.status.as_str() }),
            Notice::Cancelled {
                had_seat: c.status == RegistrationStatus::Confirmed,
            },
        ),
        Change::Accept => (
            "registration.accept",
            serde_json::json!({}),
            Notice::Confirmed,
        ),
    };
    out.audit(now, c.actor, action, c.id, details);
    out.mails
        .push(notices::mail(t, notice, c.id, s, person, now));
}

/// Writes the new statuses of checked changes (a statement per status),
/// then fills the seats they freed from the waitlists of `freed`; the
/// promotions made, as [`promote_into`] gives them.
pub(crate) async fn write_changes(
    tx: &mut Tx,
    t: &Training,
    changes: &[Checked],
    freed: &[&Session],
    now: Timestamp,
    out: &mut Outbox,
) -> Result<Vec<(i64, RegistrationStatus)>> {
    for next in [RegistrationStatus::Cancelled, RegistrationStatus::Confirmed] {
        let ids: Vec<i64> = changes
            .iter()
            .filter(|c| c.next() == next)
            .map(|c| c.id)
            .collect();
        set_status_many(tx, now, &ids, next, None).await?;
    }
    promote_into(tx, t, freed, now, out).await
}

async fn change(t: &Training, caller: &Principal, id: i64, change: Change) -> Result<()> {
    let op = Op::Change {
        change,
        caller: caller.clone(),
        id,
    };
    // A change joins the next group, where the group's changes are written
    // together (measured in docs/performance.md).
    let answer = match &t.registrar {
        Some(r) => r.submit(op).await,
        None => write_group(t, vec![op])
            .await
            .pop()
            .unwrap_or_else(|| Err(Error::internal("no answer"))),
    };
    answer.map(|_| ())
}

/// Cancels a registration: its person may, and so may the session's training
/// office. On SQLite, through the service's [`Registrar`] when it has one,
/// written with the registrations and other changes that arrive with it.
pub async fn cancel(t: &Training, caller: &Principal, id: i64) -> Result<()> {
    change(t, caller, id, Change::Cancel).await
}

/// Accepts a waitlist offer before it lapses.
pub async fn accept(t: &Training, caller: &Principal, id: i64) -> Result<()> {
    change(t, caller, id, Change::Accept).await
}

/// Lapses an offer whose time has come, and offers the seat to the next person.
pub async fn expire_offer(t: &Training, id: i64) -> Result<bool> {
    let now = t.clock.now();
    let mut tx = t.db.begin().await.db()?;
    let result = async {
        let session_id = session_of(&mut tx, id).await?;
        let s = sessions::lock(&mut tx, t.db.backend(), now, session_id).await?;
        let (_, _, person_id, status, _, expires, ..) = load_locked(&mut tx, id, session_id).await?;
        if status != RegistrationStatus::Offered.as_str() || expires.is_none_or(|e| e > now.0) {
            return Ok(false);
        }
        // A postponed session keeps its offers: they are renewed with its new dates.
        if s.stored == sessions::Stored::Postponed {
            return Ok(false);
        }
        // The offer keeps its expiry, so that a late acceptance is told it lapsed.
        sqlx::query("UPDATE registrations SET status = 'cancelled', active_key = NULL, decision_comment = 'offer lapsed', updated_at = $1 WHERE id = $2")
            .bind(now.0)
            .bind(id)
            .execute(&mut *tx)
            .await
            .db()?;
        audit::record(&mut tx, now, Actor::SYSTEM, "registration.offer_lapsed", &format!("registration:{id}"), serde_json::json!({}))
            .await
            .db()?;
        let person = people::brief_in(&mut tx, PersonId(person_id)).await?;
        notices::send(&mut tx, t, Notice::OfferLapsed, id, &s, &person, now).await?;
        promote(&mut tx, t, &s, now).await?;
        Ok(true)
    }
    .await;
    relais_db::finish(tx, result).await
}

/// The job that lapses offers on time.
pub struct OfferExpiryJob(pub Training);

#[async_trait::async_trait]
impl JobHandler for OfferExpiryJob {
    fn kind(&self) -> &'static str {
        OFFER_EXPIRY_JOB
    }

    async fn run(&self, payload: &serde_json::Value) -> Result<(), JobError> {
        let id = payload["registration"]
            .as_i64()
            .ok_or_else(|| JobError::Fatal("no registration in payload".into()))?;
        match expire_offer(&self.0, id).await {
            Ok(_) | Err(Error::NotFound) => Ok(()),
            Err(e) => Err(JobError::Retry(e.to_string())),
        }
    }
}

/// A manager approves or refuses a pending request of someone who reports to them.
pub async fn decide(
    t: &Training,
    manager: &Principal,
    id: i64,
    approve: bool,
    comment: Option<String>,
) -> Result<RegistrationStatus> {
    let now = t.clock.now();
    let mut tx = t.db.begin().await.db()?;
    let result = async {
        let session_id = session_of(&mut tx, id).await?;
        let s = sessions::lock(&mut tx, t.db.backend(), now, session_id).await?;
        let (_, _, person_id, status, ..) = load_locked(&mut tx, id, session_id).await?;
        let person = people::brief_in(&mut tx, PersonId(person_id)).await?;
        if person.manager_id != Some(manager.person_id) {
            return Err(Error::Forbidden);
        }
        if status != RegistrationStatus::Pending.as_str() {
            return Err(invalid("registration", "training-error-not-pending"));
        }
        if approve && (s.cancelled || now >= s.starts) {
            return Err(invalid("registration", "training-error-session-cancelled"));
        }
        let next = match (approve, s.seats().left() > 0) {
            (false, _) => RegistrationStatus::Refused,
            (true, true) => RegistrationStatus::Confirmed,
            (true, false) => RegistrationStatus::Waitlisted,
        };
        let comment = comment
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty());
        set_status(&mut tx, now, id, next, None).await?;
        sqlx::query(
            "UPDATE registrations SET decided_by = $1, decision_comment = $2 WHERE id = $3",
        )
        .bind(manager.person_id.0)
        .bind(&comment)
        .bind(id)
        .execute(&mut *tx)
        .await
        .db()?;
        audit::record(
            &mut tx,
            now,
            Actor::of(manager),
            if approve {
                "registration.approve"
            } else {
                "registration.refuse"
            },
            &format!("registration:{id}"),
            serde_json::json!({ "result": next.as_str(), "comment": comment }),
        )
        .await
        .db()?;
        let notice = match next {
            RegistrationStatus::Confirmed => Notice::Confirmed,
            RegistrationStatus::Waitlisted => Notice::Waitlisted,
            _ => Notice::Refused {
                comment: comment.clone(),
            },
        };
        notices::send(&mut tx, t, notice, id, &s, &person, now).await?;
        Ok(next)
    }
    .await;
    relais_db::finish(tx, result).await
}

/// Moves a registrant to another session of the same course, keeping their
/// place: a confirmed seat needs a free seat there; a waitlisted person keeps
/// their arrival time on the other waitlist.
pub async fn move_to(
    t: &Training,
    caller: &Principal,
    id: i64,
    target: i64,
) -> Result<RegistrationStatus> {
    let office = TrainingOffice::for_principal(caller)?;
    let now = t.clock.now();
    let mut tx = t.db.begin().await.db()?;
    let result = async {
        let source_id = session_of(&mut tx, id).await?;
        if source_id == target {
            return Err(invalid("session_id", "training-error-same-session"));
        }
        // Lock in id order, so that two opposite moves cannot deadlock.
        let (first, second) = if source_id < target { (source_id, target) } else { (target, source_id) };
        let a = sessions::lock(&mut tx, t.db.backend(), now, first).await?;
        let b = sessions::lock(&mut tx, t.db.backend(), now, second).await?;
        let (source, dest) = if a.id == source_id { (a, b) } else { (b, a) };
        office.check(source.delegation_id.map(relais_core::DelegationId))?;
        office.check(dest.delegation_id.map(relais_core::DelegationId))?;
        if source.course_id != dest.course_id {
            return Err(invalid("session_id", "training-error-other-course"));
        }
        if dest.cancelled || now >= dest.ends {
            return Err(invalid("session_id", "training-error-session-cancelled"));
        }
        let (_, _, person_id, status, ..) = load_locked(&mut tx, id, source_id).await?;
        let status = RegistrationStatus::parse(&status).unwrap_or(RegistrationStatus::Cancelled);
        if !status.is_active() {
            return Err(invalid("registration", "training-error-not-active"));
        }
        let next = if status.holds_seat() {
            if dest.seats().left() == 0 {
                return Err(invalid("session_id", "training-error-target-full"));
            }
            RegistrationStatus::Confirmed
        } else {
            status
        };
        sqlx::query("UPDATE registrations SET session_id = $1, status = $2, offer_expires_at = NULL, active_key = $3, updated_at = $4 WHERE id = $5")
            .bind(dest.id)
            .bind(next.as_str())
            .bind(format!("{}:{person_id}", dest.id))
            .bind(now.0)
            .bind(id)
            .execute(&mut *tx)
            .await
            .on_unique("session_id", "training-error-already-registered")?;
        audit::record(&mut tx, now, Actor::of(caller), "registration.move", &format!("registration:{id}"), serde_json::json!({ "from": source.id, "to": dest.id }))
            .await
            .db()?;
        let person = people::brief_in(&mut tx, PersonId(person_id)).await?;
        if status == RegistrationStatus::Confirmed {
            notices::send(&mut tx, t, Notice::Cancelled { had_seat: true }, id, &source, &person, now).await?;
        }
        if next == RegistrationStatus::Confirmed {
            notices::send(&mut tx, t, Notice::Moved, id, &dest, &person, now).await?;
        }
        if status.holds_seat() {
            promote(&mut tx, t, &source, now).await?;
        }
        // A waitlisted person moved where seats are free is offered one at once.
        if next == RegistrationStatus::Waitlisted {
            let dest = sessions::lock(&mut tx, t.db.backend(), now, dest.id).await?;
            promote(&mut tx, t, &dest, now).await?;
        }
        let (now_status,): (String,) = sqlx::query_as("SELECT status FROM registrations WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await
            .db()?;
        Ok(RegistrationStatus::parse(&now_status).unwrap_or(next))
    }
    .await;
    relais_db::finish(tx, result).await
}

/// A registration as read, with its place on its waitlist (`place` gives
/// it for one that is waitlisted).
fn registration(row: Row, place: impl FnOnce() -> Option<i64>) -> Registration {
    let (id, session_id, person_id, status, _, expires, over, comment) = row;
    let status = RegistrationStatus::parse(&status).unwrap_or(RegistrationStatus::Cancelled);
    Registration {
        id,
        session_id,
        person_id,
        status,
        position: (status == RegistrationStatus::Waitlisted)
            .then(place)
            .flatten(),
        offer_expires_at: expires.map(|e| Timestamp(e).rfc3339()),
        over_capacity_reason: over,
        decision_comment: comment,
    }
}

/// Registrations in order of arrival, their places counted as they come.
fn with_positions(rows: Vec<Row>) -> Vec<Registration> {
    let mut position = HashMap::<i64, i64>::new();
    rows.into_iter()
        .map(|row| {
            let session = row.1;
            registration(row, || {
                let p = position.entry(session).or_insert(0);
                *p += 1;
                Some(*p)
            })
        })
        .collect()
}

/// The registrations of a session, in order of arrival (training office only).
pub async fn for_session(
    t: &Training,
    caller: &Principal,
    session: &Session,
) -> Result<Vec<Registration>> {
    TrainingOffice::for_principal(caller)?
        .check(session.delegation_id.map(relais_core::DelegationId))?;
    let rows: Vec<Row> = sqlx::query_as(concat!(
        "SELECT ",
        row_columns!(),
        " FROM registrations r WHERE r.session_id = $1 ORDER BY r.queued_at, r.id"
    ))
    .bind(session.id)
    .fetch_all(t.db.pool())
    .await
    .db()?;
    Ok(with_positions(rows))
}

/// A registration's columns, then its place on its waitlist when it is
/// waitlisted: those ahead of it counted on the waitlist's index, so that
/// reading one registration never reads the whole waitlist.
const WITH_POSITION: &str = concat!(
    "SELECT ",
    row_columns!(),
    ", CASE WHEN r.status = 'waitlisted' THEN
      (SELECT COUNT(*) FROM registrations w WHERE w.session_id = r.session_id AND w.status = 'waitlisted'
         AND (w.queued_at < r.queued_at OR (w.queued_at = r.queued_at AND w.id <= r.id)))
    END
  FROM registrations r WHERE "
);

type PositionRow = (
    i64,
    i64,
    i64,
    String,
    i64,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<i64>,
);

fn positioned(row: PositionRow) -> Registration {
    let (a, b, c, d, e, f, g, h, place) = row;
    registration((a, b, c, d, e, f, g, h), || place)
}

/// A person's registrations, with their place on each waitlist.
pub async fn for_person(t: &Training, person: PersonId) -> Result<Vec<Registration>> {
    let mut q = SqlBuf::new(WITH_POSITION);
    q.push("r.person_id = ")
        .bind(person.0)
        .push(" ORDER BY r.session_id, r.queued_at, r.id");
    let rows: Vec<PositionRow> = q.query_as().fetch_all(t.db.pool()).await.db()?;
    Ok(rows.into_iter().map(positioned).collect())
}

/// One registration, for its person or the training office.
pub async fn get(t: &Training, caller: &Principal, id: i64) -> Result<Registration> {
    let mut q = SqlBuf::new(WITH_POSITION);
    q.push("r.id = ").bind(id);
    let row: PositionRow = q
        .query_as()
        .fetch_optional(t.db.pool())
        .await
        .db()?
        .ok_or(Error::NotFound)?;
    let r = positioned(row);
    if r.person_id != caller.person_id.0 {
        let s = sessions::get(&t.db, t.clock.as_ref(), r.session_id).await?;
        TrainingOffice::for_principal(caller)?
            .check(s.delegation_id.map(relais_core::DelegationId))?;
    }
    Ok(r)
}

/// Pending requests of the people who report to `manager`.
pub async fn pending_for_manager(
    t: &Training,
    manager: PersonId,
) -> Result<Vec<(Registration, PersonBrief)>> {
    let rows: Vec<Row> = sqlx::query_as(concat!(
        "SELECT ",
        row_columns!(),
        " FROM registrations r WHERE r.status = 'pending' ORDER BY r.queued_at, r.id"
    ))
    .fetch_all(t.db.pool())
    .await
    .db()?;
    let regs = with_positions(rows);
    let people = people::briefs(
        &t.db,
        &regs
            .iter()
            .map(|r| PersonId(r.person_id))
            .collect::<Vec<_>>(),
    )
    .await?;
    Ok(regs
        .into_iter()
        .filter_map(|r| {
            let p = people
                .iter()
                .find(|p| p.id.0 == r.person_id && p.manager_id == Some(manager))?
                .clone();
            Some((r, p))
        })
        .collect())
}

/// Registrations made each day (in the institute's time zone) for these sessions, oldest first.
pub async fn per_day(t: &Training, sessions: &[i64], tz: &str) -> Result<Vec<(String, i64)>> {
    let mut sql =
        relais_db::SqlBuf::new("SELECT created_at FROM registrations WHERE session_id IN ");
    sql.bind_list(sessions.iter().copied())
        .push(" ORDER BY created_at");
    let rows: Vec<(i64,)> = sql.query_as().fetch_all(t.db.pool()).await.db()?;
    let zone = jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC);
    let mut days: Vec<(String, i64)> = Vec::new();
    for (at,) in rows {
        let day = Timestamp(at)
            .to_jiff()
            .to_zoned_datetime(zone.clone())
            .strftime("%Y-%m-%d")
            .to_string();
        match days.last_mut() {
            Some((d, n)) if *d == day => *n += 1,
            _ => days.push((day, 1)),
        }
    }
    Ok(days)
}
