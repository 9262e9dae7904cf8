//! Disruptions: a lockdown is announced and the training office cancels,
//! moves online, postpones or reschedules many sessions at once. A preview
//! shows every person and provider affected and what each contract costs on
//! that day; applying is one transaction; the notices (one per registrant and
//! session, one per provider) leave after a short delay during which the
//! whole change can be undone.

use std::collections::{BTreeMap, HashMap};

use relais_core::{DelegationId, Error, Lang, Msg, PersonId, Result, Timestamp};
use relais_db::audit::{self, Actor, Entry};
use relais_db::{Db, DbResultExt, SqlBuf, Tx};
use relais_directory::people;
use relais_jobs::{JobError, JobHandler, NewJob};
use relais_mail::OutgoingMail;
use relais_web::T;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::TrainingOffice;
use crate::model::{Format, RegistrationStatus};
use crate::notices::{self, Notice};
use crate::providers::{self, Contract, Provider, ProviderKind, Purpose};
use crate::registrations::Training;
use crate::sessions::{self, Session, Stored, parse_time};

pub const NOTIFY_JOB: &str = "training.disruption.notify";

/// The most sessions one disruption may change.
pub const MAX_SESSIONS: usize = 2_000;

const DAY: i64 = 86_400_000_000;

/// What is done to a session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Cancelled: every provider is released.
    #[default]
    Cancel,
    /// Given as a webinar: the venue and the hotel are released, the trainer kept.
    Online,
    /// To a date to be set: registrants are held in their order, venue and hotel released.
    Postpone,
    /// To given dates: registrants keep their seats, venue and hotel released.
    Reschedule,
}

impl Action {
    pub const ALL: &'static [Action] = &[
        Action::Cancel,
        Action::Online,
        Action::Postpone,
        Action::Reschedule,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Cancel => "cancel",
            Action::Online => "online",
            Action::Postpone => "postpone",
            Action::Reschedule => "reschedule",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.as_str() == s)
    }

    /// Does this action release a provider of this kind (and so owe its cancellation terms)?
    pub fn releases(self, kind: ProviderKind) -> bool {
        self == Action::Cancel || kind != ProviderKind::Trainer
    }
}

/// A different choice for one session of the selection.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct SessionChange {
    pub session: i64,
    /// Default: the request's action.
    pub action: Option<Action>,
    /// For `online`: default, the request's link.
    pub video_link: Option<String>,
    /// For `reschedule`, RFC 3339.
    #[schema(format = DateTime)]
    pub starts_at: Option<String>,
    /// For `reschedule`, RFC 3339.
    #[schema(format = DateTime)]
    pub ends_at: Option<String>,
}

/// Which sessions, and what to do with them. The selection is the sessions
/// still to come whose start falls in [`from`, `to`] and which match every
/// filter given, plus those listed in `sessions`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct DisruptionRequest {
    /// A day (`2020-03-16`, from its start in the institute's time zone) or an RFC 3339 instant.
    pub from: Option<String>,
    /// A day (`2020-04-30`, to its end) or an RFC 3339 instant.
    pub to: Option<String>,
    pub delegation: Option<i64>,
    pub format: Option<Format>,
    pub site: Option<i64>,
    pub course: Option<i64>,
    /// Sessions chosen one by one, with or beside the filters.
    #[serde(default)]
    pub sessions: Vec<i64>,
    /// What to do with every selected session, unless `changes` says otherwise.
    pub action: Action,
    /// For `online`: the video link given to every session moved online.
    pub video_link: Option<String>,
    #[serde(default)]
    pub changes: Vec<SessionChange>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AffectedSession {
    pub id: i64,
    pub course_title: String,
    pub starts_at: String,
    pub delegation_id: Option<i64>,
    pub site: Option<String>,
    pub action: Action,
    pub video_link: Option<String>,
    pub new_starts_at: Option<String>,
    pub new_ends_at: Option<String>,
    /// Confirmed, offered, pending and waitlisted registrations.
    pub registrants: i64,
    #[serde(skip)]
    pub starts: Timestamp,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AffectedPerson {
    pub registration_id: i64,
    pub person_id: i64,
    pub name: String,
    pub email: String,
    pub session_id: i64,
    pub status: RegistrationStatus,
}

/// What one contract line costs for one session.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CostLine {
    pub contract_id: i64,
    pub label: String,
    pub budget_line: String,
    pub session_id: i64,
    /// Released under its terms (else kept: the trainer of a session moved online).
    pub released: bool,
    pub days_before: i64,
    pub percent: i64,
    /// The session's share of the contract.
    pub share_cents: i64,
    pub cost_cents: i64,
    /// Already released (and charged) by an earlier disruption: not charged again.
    pub already_charged: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AffectedProvider {
    pub id: i64,
    pub name: String,
    pub kind: ProviderKind,
    pub email: String,
    pub lines: Vec<CostLine>,
    pub owed_cents: i64,
}

/// Everything a disruption would change, before it is applied.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Preview {
    pub sessions: Vec<AffectedSession>,
    pub people: Vec<AffectedPerson>,
    pub providers: Vec<AffectedProvider>,
    /// Distinct people told.
    pub people_count: i64,
    /// Mails that will leave: one per registration, one per provider.
    pub notices: i64,
    pub cost_cents: i64,
}

/// One session's fate, decided and checked.
#[derive(Debug, Clone)]
struct Decided {
    action: Action,
    video_link: Option<String>,
    times: Option<(Timestamp, Timestamp)>,
}

fn bound(field: &'static str, s: &str, tz: &str, end_of_day: bool) -> Result<Timestamp> {
    match sessions::day_in(s, tz, end_of_day) {
        Some(t) => Ok(t),
        None => parse_time(field, s),
    }
}

/// The ids of the sessions a request selects, within the office's scope:
/// those still to come and scheduled that match the filters, and those listed
/// by id (a postponed one only that way, to cancel or reschedule it).
async fn select(
    conn: &mut sqlx::AnyConnection,
    office: &TrainingOffice,
    tz: &str,
    now: Timestamp,
    r: &DisruptionRequest,
) -> Result<Vec<i64>> {
    let from = r
        .from
        .as_deref()
        .map(|s| bound("from", s, tz, false))
        .transpose()?;
    let to =
        r.to.as_deref()
            .map(|s| bound("to", s, tz, true))
            .transpose()?;
    if let (Some(f), Some(t)) = (from, to)
        && t <= f
    {
        return Err(Error::invalid("to", "disruption-error-range"));
    }
    let filtered = from.is_some()
        || to.is_some()
        || r.delegation.is_some()
        || r.format.is_some()
        || r.site.is_some()
        || r.course.is_some();
    if !filtered && r.sessions.is_empty() {
        return Err(Error::invalid("from", "disruption-error-empty-selection"));
    }
    if r.sessions.len() > MAX_SESSIONS {
        return Err(Error::invalid("sessions", "disruption-error-too-many"));
    }
    let mut sql = SqlBuf::new(
        "SELECT s.id FROM training_sessions s JOIN courses c ON c.id = s.course_id WHERE (",
    );
    if filtered {
        sql.push("(s.status = 'scheduled' AND s.ends_at > ")
            .bind(now.0);
        if let Some(f) = from {
            sql.push(" AND s.starts_at >= ").bind(f.0);
        }
        if let Some(t) = to {
            sql.push(" AND s.starts_at < ").bind(t.0);
        }
        if let Some(d) = r.delegation {
            sql.push(" AND s.delegation_id = ").bind(d);
        }
        if let Some(f) = r.format {
            sql.push(" AND (CASE WHEN s.mode = 'online' THEN 'webinar' ELSE c.format END) = ")
                .bind(f.as_str());
        }
        if let Some(site) = r.site {
            sql.push(" AND s.site_id = ").bind(site);
        }
        if let Some(course) = r.course {
            sql.push(" AND s.course_id = ").bind(course);
        }
        sql.push(")");
    } else {
        sql.push("1 = 0");
    }
    if !r.sessions.is_empty() {
        sql.push(" OR (s.id IN ")
            .bind_list(r.sessions.iter().copied())
            .push(" AND (s.status = 'postponed' OR (s.status = 'scheduled' AND s.ends_at > ")
            .bind(now.0)
            .push(")))");
    }
    sql.push(")");
    if !office.national() {
        sql.push(" AND s.delegation_id IN ")
            .bind_list(office.delegations());
    }
    sql.push(" ORDER BY s.starts_at, s.id LIMIT ")
        .bind((MAX_SESSIONS + 1) as i64);
    let ids: Vec<(i64,)> = sql.query_as().fetch_all(&mut *conn).await.db()?;
    if ids.len() > MAX_SESSIONS {
        return Err(Error::invalid("from", "disruption-error-too-many"));
    }
    if ids.is_empty() {
        return Err(Error::invalid("from", "disruption-error-nothing-selected"));
    }
    Ok(ids.into_iter().map(|(i,)| i).collect())
}

fn link_ok(link: &str) -> bool {
    (link.starts_with("https://") || link.starts_with("http://"))
        && link.len() <= 500
        && !link.chars().any(char::is_whitespace)
}

/// Decides each selected session's fate and checks it.
fn decide(
    r: &DisruptionRequest,
    sessions: &[&Session],
    now: Timestamp,
    plan_end: Option<Timestamp>,
) -> Result<Vec<Decided>> {
    let mut changes: HashMap<i64, &SessionChange> = HashMap::new();
    for c in &r.changes {
        if !sessions.iter().any(|s| s.id == c.session) {
            return Err(Error::Invalid {
                field: "changes",
                msg: Msg::new("disruption-error-not-selected").arg("session", c.session),
            });
        }
        changes.insert(c.session, c);
    }
    sessions
        .iter()
        .map(|s| {
            let c = changes.get(&s.id);
            let action = c.and_then(|c| c.action).unwrap_or(r.action);
            let mut d = Decided {
                action,
                video_link: None,
                times: None,
            };
            // A postponed session has no date to keep: it is cancelled or given new dates.
            if s.stored == Stored::Postponed
                && !matches!(action, Action::Cancel | Action::Reschedule)
            {
                return Err(Error::Invalid {
                    field: "action",
                    msg: Msg::new("disruption-error-postponed").arg("session", s.id),
                });
            }
            match action {
                Action::Online => {
                    let link = c
                        .and_then(|c| c.video_link.as_deref())
                        .or(r.video_link.as_deref())
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .or(s.video_link.as_deref())
                        .ok_or_else(|| {
                            Error::invalid("video_link", "disruption-error-video-link")
                        })?;
                    if !link_ok(link) {
                        return Err(Error::invalid("video_link", "training-error-link"));
                    }
                    d.video_link = Some(link.to_string());
                }
                Action::Reschedule => {
                    let starts = c
                        .and_then(|c| c.starts_at.as_deref())
                        .ok_or_else(|| Error::invalid("starts_at", "disruption-error-new-dates"))?;
                    let starts = parse_time("starts_at", starts)?;
                    let ends = match c.and_then(|c| c.ends_at.as_deref()) {
                        Some(e) => parse_time("ends_at", e)?,
                        // The same length as before.
                        None => Timestamp(starts.0 + (s.ends.0 - s.starts.0)),
                    };
                    if ends <= starts {
                        return Err(Error::invalid("ends_at", "training-error-end-before-start"));
                    }
                    if starts <= now {
                        return Err(Error::invalid("starts_at", "disruption-error-past"));
                    }
                    if plan_end.is_some_and(|end| ends > end) {
                        return Err(Error::Invalid {
                            field: "starts_at",
                            msg: Msg::new("disruption-error-beyond-plan")
                                .arg("end", plan_end.map(|e| e.rfc3339()).unwrap_or_default()),
                        });
                    }
                    d.times = Some((starts, ends));
                }
                Action::Cancel | Action::Postpone => {}
            }
            Ok(d)
        })
        .collect()
}

/// Works out a preview from what is read (in or out of a transaction).
/// Calendar days from `now` to `starts` in the institute's time zone (0 when past).
fn days_before(now: Timestamp, starts: Timestamp, tz: &str) -> i64 {
    let day = |t: Timestamp| t.to_jiff().in_tz(tz).map(|z| z.date());
    match (day(now), day(starts)) {
        (Ok(a), Ok(b)) => (b - a).get_days().max(0) as i64,
        _ => ((starts.0 - now.0) / DAY).max(0),
    }
}

/// The (contract, session) pairs a disruption not undone has already charged.
async fn charged(
    conn: &mut sqlx::AnyConnection,
    ids: &[i64],
) -> Result<std::collections::HashSet<(i64, i64)>> {
    let mut sql = SqlBuf::new(
        "SELECT x.contract_id, x.session_id FROM training_disruption_costs x JOIN training_disruptions d ON d.id = x.disruption_id
         WHERE d.status <> 'undone' AND x.session_id IN ",
    );
    sql.bind_list(ids.iter().copied());
    let rows: Vec<(i64, i64)> = sql.query_as().fetch_all(&mut *conn).await.db()?;
    Ok(rows.into_iter().collect())
}

async fn compute(
    conn: &mut sqlx::AnyConnection,
    office: &TrainingOffice,
    tz: &str,
    now: Timestamp,
    r: &DisruptionRequest,
    sessions: &HashMap<i64, Session>,
    ids: &[i64],
) -> Result<(Preview, Vec<Decided>, Vec<Contract>)> {
    let ordered: Vec<&Session> = ids.iter().filter_map(|i| sessions.get(i)).collect();
    for s in &ordered {
        office.check(s.delegation_id.map(DelegationId))?;
    }
    let decided = decide(r, &ordered, now, crate::plans::last_end(conn).await?)?;
    let people = affected_people(conn, ids).await?;
    let mut count: HashMap<i64, i64> = HashMap::new();
    for p in &people {
        *count.entry(p.session_id).or_default() += 1;
    }
    let contracts = providers::contracts_for_sessions(conn, ids).await?;
    let provider_ids: Vec<i64> = {
        let mut v: Vec<i64> = contracts.iter().map(|c| c.provider_id).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let known = providers::get_many(conn, &provider_ids).await?;
    let charged = charged(conn, ids).await?;
    let fate: HashMap<i64, (Action, Timestamp)> = ordered
        .iter()
        .zip(&decided)
        .map(|(s, d)| (s.id, (d.action, s.starts)))
        .collect();
    let mut by_provider: BTreeMap<i64, Vec<CostLine>> = BTreeMap::new();
    for c in &contracts {
        let Some(p) = known.get(&c.provider_id) else {
            continue;
        };
        for s in &c.sessions {
            let Some((action, starts)) = fate.get(s) else {
                continue;
            };
            let released = action.releases(p.kind);
            let already_charged = released && charged.contains(&(c.id, *s));
            let days_before = days_before(now, *starts, tz);
            let (percent, cost) = if released && !already_charged {
                c.cost(*s, days_before)
            } else {
                (0, 0)
            };
            by_provider.entry(p.id).or_default().push(CostLine {
                contract_id: c.id,
                label: c.label.clone(),
                budget_line: c.budget_line.clone(),
                session_id: *s,
                released,
                days_before,
                percent,
                share_cents: c.share(*s),
                cost_cents: cost,
                already_charged,
            });
        }
    }
    let providers: Vec<AffectedProvider> = by_provider
        .into_iter()
        .filter_map(|(id, lines)| {
            let p = known.get(&id)?;
            Some(AffectedProvider {
                id,
                name: p.name.clone(),
                kind: p.kind,
                email: p.email.clone(),
                owed_cents: lines.iter().map(|l| l.cost_cents).sum(),
                lines,
            })
        })
        .collect();
    let mut distinct: Vec<i64> = people.iter().map(|p| p.person_id).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let affected = ordered
        .iter()
        .zip(&decided)
        .map(|(s, d)| AffectedSession {
            id: s.id,
            course_title: s.course_title.clone(),
            starts_at: s.starts_at.clone(),
            delegation_id: s.delegation_id,
            site: s.site.clone(),
            action: d.action,
            video_link: d.video_link.clone(),
            new_starts_at: d.times.map(|(a, _)| a.rfc3339()),
            new_ends_at: d.times.map(|(_, b)| b.rfc3339()),
            registrants: count.get(&s.id).copied().unwrap_or(0),
            starts: s.starts,
        })
        .collect();
    let preview = Preview {
        sessions: affected,
        notices: people.len() as i64 + providers.len() as i64,
        people_count: distinct.len() as i64,
        cost_cents: providers.iter().map(|p| p.owed_cents).sum(),
        people,
        providers,
    };
    Ok((preview, decided, contracts))
}

type PersonRow = (i64, i64, i64, String, String, String, String);

async fn affected_people(
    conn: &mut sqlx::AnyConnection,
    ids: &[i64],
) -> Result<Vec<AffectedPerson>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let mut sql = SqlBuf::new(
            "SELECT r.id, r.session_id, r.person_id, r.status, p.first_name, p.last_name, p.email
             FROM registrations r JOIN people p ON p.id = r.person_id
             WHERE r.status IN ('confirmed', 'offered', 'pending', 'waitlisted') AND r.session_id IN ",
        );
        sql.bind_list(chunk.iter().copied())
            .push(" ORDER BY r.session_id, r.queued_at, r.id");
        let rows: Vec<PersonRow> = sql.query_as().fetch_all(&mut *conn).await.db()?;
        out.extend(rows.into_iter().map(|r| AffectedPerson {
            registration_id: r.0,
            session_id: r.1,
            person_id: r.2,
            status: RegistrationStatus::parse(&r.3).unwrap_or(RegistrationStatus::Confirmed),
            name: format!("{} {}", r.4, r.5).trim().to_string(),
            email: r.6,
        }));
    }
    // Sessions in the order selected, people in their order of arrival.
    let rank: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, s)| (*s, i)).collect();
    out.sort_by_key(|p| rank.get(&p.session_id).copied().unwrap_or(usize::MAX));
    Ok(out)
}

/// The sessions a request selects, in their order, within the office's scope.
pub async fn selected(
    t: &Training,
    office: &TrainingOffice,
    r: &DisruptionRequest,
) -> Result<Vec<Session>> {
    let now = t.clock.now();
    let mut conn = t.db.pool().acquire().await.db()?;
    let ids = select(&mut conn, office, &t.time_zone, now, r).await?;
    drop(conn);
    let mut found = sessions::get_many(&t.db, t.clock.as_ref(), &ids).await?;
    Ok(ids
        .iter()
        .filter_map(|i| found.remove(i))
        .filter(|s| office.covers(s.delegation_id.map(DelegationId)))
        .collect())
}

/// Shows what a disruption would change and cost, changing nothing.
pub async fn preview(
    t: &Training,
    office: &TrainingOffice,
    r: &DisruptionRequest,
) -> Result<Preview> {
    let now = t.clock.now();
    let mut conn = t.db.pool().acquire().await.db()?;
    let ids = select(&mut conn, office, &t.time_zone, now, r).await?;
    drop(conn);
    let sessions = sessions::get_many(&t.db, t.clock.as_ref(), &ids).await?;
    let mut conn = t.db.pool().acquire().await.db()?;
    Ok(
        compute(&mut conn, office, &t.time_zone, now, r, &sessions, &ids)
            .await?
            .0,
    )
}

/// The session as it was, to undo.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Before {
    status: String,
    mode: Option<String>,
    starts_at: i64,
    ends_at: i64,
    registration_closes_at: i64,
    site_id: Option<i64>,
    venue_address: Option<String>,
    video_link: Option<String>,
    ics_sequence: i64,
}

type BeforeRow = (
    i64,
    String,
    Option<String>,
    i64,
    i64,
    i64,
    Option<i64>,
    Option<String>,
    Option<String>,
    i64,
);

async fn befores(tx: &mut Tx, ids: &[i64]) -> Result<HashMap<i64, Before>> {
    let mut sql = SqlBuf::new(
        "SELECT id, status, mode, starts_at, ends_at, registration_closes_at, site_id, venue_address, video_link, ics_sequence
         FROM training_sessions WHERE id IN ",
    );
    sql.bind_list(ids.iter().copied());
    let rows: Vec<BeforeRow> = sql.query_as().fetch_all(&mut **tx).await.db()?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.0,
                Before {
                    status: r.1,
                    mode: r.2,
                    starts_at: r.3,
                    ends_at: r.4,
                    registration_closes_at: r.5,
                    site_id: r.6,
                    venue_address: r.7,
                    video_link: r.8,
                    ics_sequence: r.9,
                },
            )
        })
        .collect())
}

async fn write_session(tx: &mut Tx, id: i64, b: &Before, now: Timestamp) -> Result<()> {
    sqlx::query(
        "UPDATE training_sessions SET status = $1, mode = $2, starts_at = $3, ends_at = $4, registration_closes_at = $5,
            site_id = $6, venue_address = $7, video_link = $8, ics_sequence = $9, updated_at = $10 WHERE id = $11",
    )
    .bind(&b.status)
    .bind(&b.mode)
    .bind(b.starts_at)
    .bind(b.ends_at)
    .bind(b.registration_closes_at)
    .bind(b.site_id)
    .bind(&b.venue_address)
    .bind(&b.video_link)
    .bind(b.ics_sequence)
    .bind(now.0)
    .bind(id)
    .execute(&mut **tx)
    .await
    .db()?;
    Ok(())
}

/// Applies a disruption in one transaction; its notices leave after
/// `Training::undo_secs`. Answers its id and what it changed.
pub async fn apply(
    t: &Training,
    actor: Actor,
    office: &TrainingOffice,
    r: &DisruptionRequest,
) -> Result<(i64, Preview)> {
    let now = t.clock.now();
    let mut tx = t.db.begin().await.db()?;
    let result = async {
        let ids = select(&mut tx, office, &t.time_zone, now, r).await?;
        let locked = sessions::lock_many(&mut tx, t.db.backend(), now, &ids).await?;
        // Another officer may have changed them between the selection and the lock.
        for id in &ids {
            let ok = locked.get(id).is_some_and(|s| match s.stored {
                Stored::Scheduled => s.ends > now,
                Stored::Postponed => r.sessions.contains(id),
                Stored::Cancelled => false,
            });
            if !ok {
                return Err(Error::Conflict {
                    field: "sessions",
                    msg: Msg::new("disruption-error-changed").arg("session", id),
                });
            }
        }
        let (preview, decided, _) = compute(&mut tx, office, &t.time_zone, now, r, &locked, &ids).await?;
        let before = befores(&mut tx, &ids).await?;
        let send_at = Timestamp(now.0 + t.undo_secs * 1_000_000);
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO training_disruptions (created_by, created_at, selection, status, send_at, cost_cents)
             VALUES ($1, $2, $3, 'applied', $4, $5) RETURNING id",
        )
        .bind(actor.person.map(|p| p.0))
        .bind(now.0)
        .bind(serde_json::to_string(r).map_err(Error::internal)?)
        .bind(send_at.0)
        .bind(preview.cost_cents)
        .fetch_one(&mut *tx)
        .await
        .db()?;
        let mut entries = Vec::with_capacity(ids.len() + 1);
        for (s, d) in preview.sessions.iter().zip(&decided) {
            let was = before.get(&s.id).ok_or(Error::NotFound)?;
            let mut after = was.clone();
            after.ics_sequence += 1;
            match d.action {
                Action::Cancel => after.status = Stored::Cancelled.as_str().into(),
                Action::Postpone => after.status = Stored::Postponed.as_str().into(),
                Action::Online => {
                    after.mode = Some("online".into());
                    after.video_link = d.video_link.clone();
                    after.site_id = None;
                    after.venue_address = None;
                }
                Action::Reschedule => {
                    let (a, b) = d.times.ok_or(Error::NotFound)?;
                    after.status = Stored::Scheduled.as_str().into();
                    after.starts_at = a.0;
                    after.ends_at = b.0;
                    after.registration_closes_at = a.0;
                }
            }
            write_session(&mut tx, s.id, &after, now).await?;
            sqlx::query("INSERT INTO training_disruption_items (disruption_id, session_id, action, before) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(s.id)
                .bind(d.action.as_str())
                .bind(serde_json::to_string(was).map_err(Error::internal)?)
                .execute(&mut *tx)
                .await
                .db()?;
            entries.push(Entry {
                at: now,
                actor,
                action: format!("session.{}", d.action.as_str()),
                target: format!("session:{}", s.id),
                details: serde_json::json!({ "disruption": id, "starts_at": after.starts_at, "video_link": after.video_link }),
            });
        }
        let lines: Vec<&CostLine> = preview
            .providers
            .iter()
            .flat_map(|p| &p.lines)
            .filter(|l| l.released && !l.already_charged)
            .collect();
        for chunk in lines.chunks(100) {
            let mut sql = SqlBuf::new(
                "INSERT INTO training_disruption_costs (disruption_id, contract_id, session_id, days_before, percent, cost_cents) VALUES ",
            );
            for (i, l) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.push("(").bind(id).push(", ").bind(l.contract_id).push(", ").bind(l.session_id).push(", ")
                    .bind(l.days_before).push(", ").bind(l.percent).push(", ").bind(l.cost_cents).push(")");
            }
            sql.query().execute(&mut *tx).await.db()?;
        }
        entries.push(Entry {
            at: now,
            actor,
            action: "disruption.apply".into(),
            target: format!("disruption:{id}"),
            details: serde_json::json!({ "sessions": ids.len(), "people": preview.people_count, "cost_cents": preview.cost_cents }),
        });
        audit::record_many(&mut tx, &entries).await.db()?;
        relais_jobs::enqueue(
            &mut tx,
            now,
            NewJob::new(NOTIFY_JOB, serde_json::json!({ "disruption": id }))
                .at(send_at)
                .dedup(format!("disruption:{id}")),
        )
        .await
        .db()?;
        Ok((id, preview))
    }
    .await;
    relais_db::finish(tx, result).await
}

/// Where a disruption stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisruptionStatus {
    /// Applied; its notices have not left: it can be undone.
    Applied,
    /// Its notices have left.
    Sent,
    Undone,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DisruptionItem {
    pub session_id: i64,
    pub course_title: String,
    pub action: Action,
    pub delegation_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Disruption {
    pub id: i64,
    pub status: DisruptionStatus,
    pub created_at: String,
    /// When the notices leave (until then it can be undone).
    pub send_at: String,
    pub sent_at: Option<String>,
    pub undone_at: Option<String>,
    pub cost_cents: i64,
    pub items: Vec<DisruptionItem>,
    #[serde(skip)]
    pub send: Timestamp,
}

fn status(s: &str) -> DisruptionStatus {
    match s {
        "sent" => DisruptionStatus::Sent,
        "undone" => DisruptionStatus::Undone,
        _ => DisruptionStatus::Applied,
    }
}

type DisruptionRow = (i64, String, i64, i64, Option<i64>, Option<i64>, i64);

pub async fn get(db: &Db, id: i64) -> Result<Disruption> {
    let row: Option<DisruptionRow> = sqlx::query_as(
        "SELECT id, status, created_at, send_at, sent_at, undone_at, cost_cents FROM training_disruptions WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await
    .db()?;
    let r = row.ok_or(Error::NotFound)?;
    let items: Vec<(i64, String, String, Option<i64>)> = sqlx::query_as(
        "SELECT i.session_id, c.title, i.action, s.delegation_id FROM training_disruption_items i
         JOIN training_sessions s ON s.id = i.session_id JOIN courses c ON c.id = s.course_id
         WHERE i.disruption_id = $1 ORDER BY s.starts_at, s.id",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await
    .db()?;
    Ok(Disruption {
        id: r.0,
        status: status(&r.1),
        created_at: Timestamp(r.2).rfc3339(),
        send_at: Timestamp(r.3).rfc3339(),
        send: Timestamp(r.3),
        sent_at: r.4.map(|t| Timestamp(t).rfc3339()),
        undone_at: r.5.map(|t| Timestamp(t).rfc3339()),
        cost_cents: r.6,
        items: items
            .into_iter()
            .map(|(s, title, a, d)| DisruptionItem {
                session_id: s,
                course_title: title,
                action: Action::parse(&a).unwrap_or(Action::Cancel),
                delegation_id: d,
            })
            .collect(),
    })
}

/// A disruption, for an office that covers every session it changed.
pub async fn get_for(db: &Db, office: &TrainingOffice, id: i64) -> Result<Disruption> {
    let d = get(db, id).await?;
    if office.national()
        || d.items
            .iter()
            .all(|i| office.covers(i.delegation_id.map(DelegationId)))
    {
        Ok(d)
    } else {
        Err(Error::Forbidden)
    }
}

/// Restricts a query on sessions `s` to a regional office's delegations.
fn in_scope(sql: &mut SqlBuf, office: &TrainingOffice) {
    if !office.national() {
        sql.push(" AND s.delegation_id IN ")
            .bind_list(office.delegations());
    }
}

/// The latest disruptions, newest first.
pub async fn recent(
    db: &Db,
    office: &TrainingOffice,
    limit: i64,
) -> Result<Vec<(i64, DisruptionStatus, Timestamp, i64, i64)>> {
    let mut sql = SqlBuf::new(
        "SELECT d.id, d.status, d.created_at, d.cost_cents, (SELECT COUNT(*) FROM training_disruption_items i WHERE i.disruption_id = d.id)
         FROM training_disruptions d WHERE 1 = 1",
    );
    if !office.national() {
        // Only those whose every session is the office's. An office scoped
        // to units covers no delegation, so owns no session: `NOT IN` an
        // empty list (bound as `(NULL)`) would match no session here, and
        // so leave out no disruption.
        sql.push(
            " AND NOT EXISTS (SELECT 1 FROM training_disruption_items i JOIN training_sessions s ON s.id = i.session_id
              WHERE i.disruption_id = d.id",
        );
        let delegations = office.delegations();
        if !delegations.is_empty() {
            sql.push(" AND (s.delegation_id IS NULL OR s.delegation_id NOT IN ")
                .bind_list(delegations)
                .push(")");
        }
        sql.push(")");
    }
    sql.push(" ORDER BY d.id DESC LIMIT ").bind(limit);
    let rows: Vec<(i64, String, i64, i64, i64)> = sql.query_as().fetch_all(db.pool()).await.db()?;
    Ok(rows
        .into_iter()
        .map(|r| (r.0, status(&r.1), Timestamp(r.2), r.3, r.4))
        .collect())
}

fn conflict(key: &'static str) -> Error {
    Error::Conflict {
        field: "disruption",
        msg: Msg::new(key),
    }
}

/// Puts every session back as it was, if the notices have not left yet.
pub async fn undo(t: &Training, actor: Actor, office: &TrainingOffice, id: i64) -> Result<()> {
    let now = t.clock.now();
    let mut tx = t.db.begin().await.db()?;
    let result = async {
        // The disruption's row first, then its sessions: the order the notify job takes them in.
        let claimed = sqlx::query("UPDATE training_disruptions SET status = 'undone', undone_at = $1 WHERE id = $2 AND status = 'applied'")
            .bind(now.0)
            .bind(id)
            .execute(&mut *tx)
            .await
            .db()?;
        if claimed.rows_affected() != 1 {
            let st: Option<(String,)> = sqlx::query_as("SELECT status FROM training_disruptions WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .db()?;
            return Err(match st.map(|s| status(&s.0)) {
                None => Error::NotFound,
                Some(DisruptionStatus::Sent) => conflict("disruption-error-notices-left"),
                Some(_) => conflict("disruption-error-already-undone"),
            });
        }
        let items: Vec<(i64, String)> = sqlx::query_as(
            "SELECT session_id, before FROM training_disruption_items WHERE disruption_id = $1 ORDER BY session_id",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await
        .db()?;
        let ids: Vec<i64> = items.iter().map(|(s, _)| *s).collect();
        let locked = sessions::lock_many(&mut tx, t.db.backend(), now, &ids).await?;
        for s in locked.values() {
            office.check(s.delegation_id.map(DelegationId))?;
        }
        if !ids.is_empty() {
            let mut later = SqlBuf::new(
                "SELECT COUNT(*) FROM training_disruption_items i JOIN training_disruptions d ON d.id = i.disruption_id
                 WHERE d.status <> 'undone' AND i.disruption_id > ",
            );
            later.bind(id).push(" AND i.session_id IN ").bind_list(ids.iter().copied());
            let (n,): (i64,) = later.query_as().fetch_one(&mut *tx).await.db()?;
            if n > 0 {
                return Err(conflict("disruption-error-later-change"));
            }
        }
        let mut entries = Vec::with_capacity(items.len() + 1);
        for (session, before) in &items {
            let b: Before = serde_json::from_str(before).map_err(Error::internal)?;
            write_session(&mut tx, *session, &b, now).await?;
            entries.push(Entry {
                at: now,
                actor,
                action: "session.restore".into(),
                target: format!("session:{session}"),
                details: serde_json::json!({ "disruption": id }),
            });
        }
        entries.push(Entry {
            at: now,
            actor,
            action: "disruption.undo".into(),
            target: format!("disruption:{id}"),
            details: serde_json::json!({ "sessions": items.len() }),
        });
        audit::record_many(&mut tx, &entries).await.db()?;
        Ok(())
    }
    .await;
    relais_db::finish(tx, result).await
}

/// Sends a disruption's notices, once: one mail per registration of each
/// session changed (with the calendar update), one per provider (what is
/// released and owed, with its links). Answers how many mails were queued,
/// or None when it was undone or already sent.
pub async fn notify(t: &Training, id: i64) -> Result<Option<usize>> {
    let now = t.clock.now();
    let started = std::time::Instant::now();
    let lap = |phase: &str| {
        tracing::debug!(
            disruption = id,
            phase,
            ms = started.elapsed().as_millis() as u64,
            "notify"
        )
    };
    let mut tx = t.db.begin().await.db()?;
    let result = async {
        let claimed = sqlx::query(
            "UPDATE training_disruptions SET status = 'sent', sent_at = $1 WHERE id = $2 AND status = 'applied' AND send_at <= $1",
        )
        .bind(now.0)
        .bind(id)
        .execute(&mut *tx)
        .await
        .db()?;
        if claimed.rows_affected() != 1 {
            return Ok(None);
        }
        let (created,): (i64,) = sqlx::query_as("SELECT created_at FROM training_disruptions WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await
            .db()?;
        let at = Timestamp(created);
        let items: Vec<(i64, String)> = sqlx::query_as(
            "SELECT session_id, action FROM training_disruption_items WHERE disruption_id = $1 ORDER BY session_id",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await
        .db()?;
        let ids: Vec<i64> = items.iter().map(|(s, _)| *s).collect();
        let actions: HashMap<i64, Action> = items
            .iter()
            .map(|(s, a)| (*s, Action::parse(a).unwrap_or(Action::Cancel)))
            .collect();
        let sessions = sessions::lock_many(&mut tx, t.db.backend(), now, &ids).await?;
        lap("sessions locked");
        let people = affected_people(&mut tx, &ids).await?;
        lap("registrations read");
        let mut person_ids: Vec<PersonId> = people.iter().map(|p| PersonId(p.person_id)).collect();
        person_ids.sort_unstable_by_key(|p| p.0);
        person_ids.dedup();
        let briefs: HashMap<i64, people::PersonBrief> = people::briefs_in(&mut tx, &person_ids)
            .await?
            .into_iter()
            .map(|b| (b.id.0, b))
            .collect();
        lap("people read");
        let mut mails: Vec<OutgoingMail> = Vec::with_capacity(people.len() + 16);
        for p in &people {
            let (Some(s), Some(b), Some(action)) = (sessions.get(&p.session_id), briefs.get(&p.person_id), actions.get(&p.session_id)) else {
                continue;
            };
            // Only a confirmed seat was ever in their calendar.
            let notice = Notice::Disrupted {
                action: *action,
                had_seat: p.status == RegistrationStatus::Confirmed,
            };
            mails.push(notices::mail(t, notice, p.registration_id, s, b, at));
        }
        lap("registrants' notices written");
        // Providers: one notice each, over all their lines.
        let contracts = providers::contracts_for_sessions(&mut tx, &ids).await?;
        let costs: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT contract_id, session_id, days_before, percent, cost_cents FROM training_disruption_costs WHERE disruption_id = $1",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await
        .db()?;
        let mut pids: Vec<i64> = contracts.iter().map(|c| c.provider_id).collect();
        pids.sort_unstable();
        pids.dedup();
        let known = providers::get_many(&mut tx, &pids).await?;
        for pid in pids {
            let Some(p) = known.get(&pid) else { continue };
            let mut lines = Vec::new();
            for c in contracts.iter().filter(|c| c.provider_id == pid) {
                for s in c.sessions.iter().filter(|s| actions.contains_key(s)) {
                    let cost = costs.iter().find(|x| x.0 == c.id && x.1 == *s);
                    lines.push((c, *s, cost.map(|x| (x.3, x.4))));
                }
            }
            let ack = providers::make_link(&mut tx, now, pid, Purpose::Acknowledge, Some(id)).await?;
            let avail = providers::make_link(&mut tx, now, pid, Purpose::Availability, Some(id)).await?;
            mails.push(provider_mail(t, id, p, &lines, &sessions, &actions, &ack, &avail));
        }
        lap("providers' notices written");
        for chunk in mails.chunks(500) {
            relais_mail::enqueue_many(&mut tx, now, chunk).await.db()?;
        }
        lap("notices queued");
        audit::record(&mut tx, now, Actor::SYSTEM, "disruption.sent", &format!("disruption:{id}"), serde_json::json!({ "mails": mails.len() }))
            .await
            .db()?;
        Ok(Some(mails.len()))
    }
    .await;
    relais_db::finish(tx, result).await
}

/// An amount in euros, French style: `1 250,50 €`.
pub fn euros(cents: i64) -> String {
    let whole = (cents / 100).abs().to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push('\u{202f}');
        }
        grouped.push(c);
    }
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{grouped},{:02} €", (cents % 100).abs())
}

#[allow(clippy::too_many_arguments)]
fn provider_mail(
    t: &Training,
    disruption: i64,
    p: &Provider,
    lines: &[(&Contract, i64, Option<(i64, i64)>)],
    sessions: &HashMap<i64, Session>,
    actions: &HashMap<i64, Action>,
    ack: &str,
    avail: &str,
) -> OutgoingMail {
    let lang = p
        .language
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or_default();
    let tr = T(lang);
    let mut list = String::new();
    let mut owed = 0;
    for (c, s, cost) in lines {
        let Some(session) = sessions.get(s) else {
            continue;
        };
        let action = actions.get(s).copied().unwrap_or(Action::Cancel);
        let what = match cost {
            Some((percent, cents)) => {
                owed += cents;
                tr.ta(
                    "provider-notice-released",
                    &[("percent", percent.to_string()), ("amount", euros(*cents))],
                )
            }
            None if action.releases(p.kind) => tr.t("provider-notice-already"),
            None => tr.t("provider-notice-kept"),
        };
        list.push_str(&format!(
            "- {} — {} ({}): {} — {}\n",
            session.course_title,
            session.starts.local(&t.time_zone),
            c.label,
            tr.t(&format!("disruption-was-{}", action.as_str())),
            what
        ));
    }
    let args = [
        ("name", p.name.clone()),
        ("lines", list),
        ("owed", euros(owed)),
        (
            "acknowledge",
            format!("{}/training/providers/links/{ack}", t.public_url),
        ),
        (
            "availability",
            format!("{}/training/providers/links/{avail}", t.public_url),
        ),
        ("days", providers::LINK_DAYS.to_string()),
    ];
    OutgoingMail {
        to: p.email.clone(),
        to_name: Some(p.name.clone()),
        subject: tr.ta("provider-notice-subject", &args),
        text: tr.ta("provider-notice-body", &args),
        html: None,
        message_id: relais_mail::message_id(
            &format!("disruption:{disruption}:provider:{}", p.id),
            &t.mail_domain,
        ),
        calendar: None,
        by_a_person: false,
    }
}

/// The job that sends a disruption's notices when its undo delay is over.
pub struct NotifyJob(pub Training);

#[async_trait::async_trait]
impl JobHandler for NotifyJob {
    fn kind(&self) -> &'static str {
        NOTIFY_JOB
    }

    async fn run(&self, payload: &serde_json::Value) -> Result<(), JobError> {
        let id = payload["disruption"]
            .as_i64()
            .ok_or_else(|| JobError::Fatal("no disruption in payload".into()))?;
        match notify(&self.0, id).await {
            Ok(_) | Err(Error::NotFound) => Ok(()),
            Err(e) => Err(JobError::Retry(e.to_string())),
        }
    }
}

/// One fee in the cost ledger.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LedgerLine {
    pub disruption_id: i64,
    pub applied_at: String,
    pub provider_id: i64,
    pub provider: String,
    pub provider_kind: ProviderKind,
    pub contract_id: i64,
    pub contract: String,
    pub budget_line: String,
    pub session_id: i64,
    pub course_title: String,
    pub session_starts_at: String,
    pub action: Action,
    pub days_before: i64,
    pub percent: i64,
    pub cost_cents: i64,
}

type LedgerRow = (
    i64,
    i64,
    i64,
    String,
    String,
    i64,
    String,
    String,
    i64,
    String,
    i64,
    String,
    i64,
    i64,
    i64,
);

/// Every cancellation fee of disruptions not undone, by provider then session.
pub async fn ledger(db: &Db, office: &TrainingOffice) -> Result<Vec<LedgerLine>> {
    let mut sql = SqlBuf::new(
        "SELECT d.id, d.created_at, p.id, p.name, p.kind, k.id, k.label, k.budget_line, s.id, c.title, s.starts_at, i.action,
                x.days_before, x.percent, x.cost_cents
         FROM training_disruption_costs x
         JOIN training_disruptions d ON d.id = x.disruption_id
         JOIN training_disruption_items i ON i.disruption_id = x.disruption_id AND i.session_id = x.session_id
         JOIN training_contracts k ON k.id = x.contract_id
         JOIN training_providers p ON p.id = k.provider_id
         JOIN training_sessions s ON s.id = x.session_id
         JOIN courses c ON c.id = s.course_id
         WHERE d.status <> 'undone'",
    );
    in_scope(&mut sql, office);
    sql.push(" ORDER BY p.name, p.id, s.starts_at, k.id");
    let rows: Vec<LedgerRow> = sql.query_as().fetch_all(db.pool()).await.db()?;
    Ok(rows
        .into_iter()
        .map(|r| LedgerLine {
            disruption_id: r.0,
            applied_at: Timestamp(r.1).rfc3339(),
            provider_id: r.2,
            provider: r.3,
            provider_kind: ProviderKind::parse(&r.4).unwrap_or(ProviderKind::Other),
            contract_id: r.5,
            contract: r.6,
            budget_line: r.7,
            session_id: r.8,
            course_title: r.9,
            session_starts_at: Timestamp(r.10).rfc3339(),
            action: Action::parse(&r.11).unwrap_or(Action::Cancel),
            days_before: r.12,
            percent: r.13,
            cost_cents: r.14,
        })
        .collect())
}

/// Totals of the ledger by a key (provider, budget line), largest first.
pub fn totals<'a>(
    lines: &'a [LedgerLine],
    key: impl Fn(&'a LedgerLine) -> &'a str,
) -> Vec<(&'a str, i64)> {
    let mut by: BTreeMap<&str, i64> = BTreeMap::new();
    for l in lines {
        *by.entry(key(l)).or_default() += l.cost_cents;
    }
    let mut v: Vec<(&str, i64)> = by.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    v
}

/// The ledger as a workbook: the fees, then the totals per provider and per budget line.
pub fn ledger_xlsx(lines: &[LedgerLine], lang: Lang, tz: &str) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format as Cell, Workbook};
    let tr = T(lang);
    let mut book = Workbook::new();
    let bold = Cell::new().set_bold();
    let money = Cell::new().set_num_format("#,##0.00 €");
    let x = |e: rust_xlsxwriter::XlsxError| Error::internal(e);
    {
        let sheet = book
            .add_worksheet()
            .set_name(tr.t("ledger-sheet-fees"))
            .map_err(x)?;
        let heads = [
            "ledger-col-provider",
            "ledger-col-kind",
            "ledger-col-contract",
            "ledger-col-budget-line",
            "ledger-col-course",
            "ledger-col-session",
            "ledger-col-action",
            "ledger-col-days-before",
            "ledger-col-percent",
            "ledger-col-cost",
            "ledger-col-disruption",
        ];
        for (c, h) in heads.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, tr.t(h), &bold)
                .map_err(x)?;
        }
        for (i, l) in lines.iter().enumerate() {
            let r = i as u32 + 1;
            sheet.write_string(r, 0, &l.provider).map_err(x)?;
            sheet
                .write_string(
                    r,
                    1,
                    tr.t(&format!("provider-kind-{}", l.provider_kind.as_str())),
                )
                .map_err(x)?;
            sheet.write_string(r, 2, &l.contract).map_err(x)?;
            sheet.write_string(r, 3, &l.budget_line).map_err(x)?;
            sheet.write_string(r, 4, &l.course_title).map_err(x)?;
            let when = l
                .session_starts_at
                .parse::<jiff::Timestamp>()
                .map(|t| Timestamp::from_jiff(t).local(tz))
                .unwrap_or_default();
            sheet.write_string(r, 5, when).map_err(x)?;
            sheet
                .write_string(r, 6, tr.t(&format!("disruption-was-{}", l.action.as_str())))
                .map_err(x)?;
            sheet.write_number(r, 7, l.days_before as f64).map_err(x)?;
            sheet.write_number(r, 8, l.percent as f64).map_err(x)?;
            sheet
                .write_number_with_format(r, 9, l.cost_cents as f64 / 100.0, &money)
                .map_err(x)?;
            sheet
                .write_number(r, 10, l.disruption_id as f64)
                .map_err(x)?;
        }
        sheet.autofit();
    }
    for (name, col, key) in [
        ("ledger-sheet-providers", "ledger-col-provider", 0),
        ("ledger-sheet-budget-lines", "ledger-col-budget-line", 1),
    ] {
        let sums = if key == 0 {
            totals(lines, |l| l.provider.as_str())
        } else {
            totals(lines, |l| l.budget_line.as_str())
        };
        let sheet = book.add_worksheet().set_name(tr.t(name)).map_err(x)?;
        sheet
            .write_string_with_format(0, 0, tr.t(col), &bold)
            .map_err(x)?;
        sheet
            .write_string_with_format(0, 1, tr.t("ledger-col-cost"), &bold)
            .map_err(x)?;
        for (i, (k, v)) in sums.iter().enumerate() {
            sheet.write_string(i as u32 + 1, 0, *k).map_err(x)?;
            sheet
                .write_number_with_format(i as u32 + 1, 1, *v as f64 / 100.0, &money)
                .map_err(x)?;
        }
        sheet.autofit();
    }
    book.save_to_buffer().map_err(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_in_french() {
        assert_eq!(euros(0), "0,00 €");
        assert_eq!(euros(125_050), "1\u{202f}250,50 €");
        assert_eq!(euros(-5), "-0,05 €");
        assert_eq!(euros(123_456_789), "1\u{202f}234\u{202f}567,89 €");
    }

    #[test]
    fn a_cancellation_releases_everyone_a_move_keeps_the_trainer() {
        assert!(Action::Cancel.releases(ProviderKind::Trainer));
        assert!(!Action::Online.releases(ProviderKind::Trainer));
        assert!(!Action::Postpone.releases(ProviderKind::Trainer));
        assert!(Action::Online.releases(ProviderKind::Venue));
        assert!(Action::Reschedule.releases(ProviderKind::Hotel));
    }
}
