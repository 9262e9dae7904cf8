//! Sessions of a course: when, where, who teaches, how many seats, who may
//! register and until when, and what happens to the waitlist.

use std::collections::HashMap;

use relais_core::{
    Clock, DelegationId, Error, Msg, Page, PageRequest, PersonId, Result, Timestamp,
};
use relais_db::audit::{self, Actor};
use relais_db::{Db, DbResultExt, SqlBuf, Tx};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::TrainingOffice;
use crate::courses;
use crate::model::{Audience, Format, RegistrationStatus, Seats, SessionStatus, WaitlistMode};

/// What it takes to create a session: only the times and the capacity are required.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewSession {
    /// RFC 3339, e.g. `2020-03-24T09:00:00+01:00`.
    #[schema(format = DateTime)]
    pub starts_at: String,
    /// RFC 3339, after `starts_at`.
    #[schema(format = DateTime)]
    pub ends_at: String,
    #[schema(minimum = 1, maximum = 100000)]
    pub capacity: i64,
    pub site_id: Option<i64>,
    pub venue_address: Option<String>,
    pub video_link: Option<String>,
    #[serde(default)]
    pub trainers: Vec<String>,
    /// Default: from now.
    #[schema(format = DateTime)]
    pub registration_opens_at: Option<String>,
    /// Default: the start; after the opening, at the latest the end.
    #[schema(format = DateTime)]
    pub registration_closes_at: Option<String>,
    /// Default: everyone.
    pub audience: Option<Audience>,
    #[serde(default)]
    pub requires_approval: bool,
    /// `timed_offer` (default) or `automatic`.
    #[schema(value_type = Option<WaitlistMode>)]
    pub waitlist_mode: Option<String>,
    /// How long a waitlist offer stays open, in hours (default 48).
    #[schema(minimum = 1, maximum = 720)]
    pub offer_hours: Option<i64>,
    pub delegation_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Session {
    pub id: i64,
    pub course_id: i64,
    pub course_title: String,
    pub format: Format,
    pub starts_at: String,
    pub ends_at: String,
    #[serde(skip)]
    pub starts: Timestamp,
    #[serde(skip)]
    pub ends: Timestamp,
    pub site: Option<String>,
    pub venue_address: Option<String>,
    pub video_link: Option<String>,
    pub trainers: Vec<String>,
    pub capacity: i64,
    pub confirmed: i64,
    pub offered: i64,
    pub waitlisted: i64,
    pub pending: i64,
    pub seats_left: i64,
    pub registration_opens_at: String,
    pub registration_closes_at: String,
    #[serde(skip)]
    pub opens: Timestamp,
    #[serde(skip)]
    pub closes: Timestamp,
    pub audience: Audience,
    pub requires_approval: bool,
    pub waitlist_mode: WaitlistMode,
    pub offer_hours: i64,
    pub status: SessionStatus,
    pub delegation_id: Option<i64>,
    pub site_id: Option<i64>,
    /// Not taking place at these dates: cancelled or postponed.
    #[serde(skip)]
    pub cancelled: bool,
    #[serde(skip)]
    pub stored: Stored,
    #[serde(skip)]
    pub sequence: i64,
}

impl Session {
    /// Moves one registration from status `from` to status `to` in the
    /// counts (none: it was not there, or is no longer counted).
    pub(crate) fn recount(
        &mut self,
        from: Option<RegistrationStatus>,
        to: Option<RegistrationStatus>,
    ) {
        for (status, by) in [(from, -1), (to, 1)] {
            match status {
                Some(RegistrationStatus::Confirmed) => self.confirmed += by,
                Some(RegistrationStatus::Offered) => self.offered += by,
                Some(RegistrationStatus::Waitlisted) => self.waitlisted += by,
                Some(RegistrationStatus::Pending) => self.pending += by,
                _ => {}
            }
        }
        self.seats_left = self.seats().left();
    }

    pub fn seats(&self) -> Seats {
        Seats {
            capacity: self.capacity,
            confirmed: self.confirmed,
            offered: self.offered,
            waitlisted: self.waitlisted,
            pending: self.pending,
        }
    }

    pub fn fill_rate(&self) -> f64 {
        if self.capacity == 0 {
            0.0
        } else {
            self.confirmed as f64 / self.capacity as f64
        }
    }
}

pub fn status_at(
    now: Timestamp,
    stored: Stored,
    opens: Timestamp,
    closes: Timestamp,
    ends: Timestamp,
    seats: &Seats,
) -> SessionStatus {
    if stored == Stored::Cancelled {
        SessionStatus::Cancelled
    } else if stored == Stored::Postponed {
        SessionStatus::Postponed
    } else if now >= ends {
        SessionStatus::Held
    } else if now >= closes {
        SessionStatus::Closed
    } else if now < opens {
        SessionStatus::Planned
    } else if seats.left() == 0 {
        SessionStatus::Full
    } else {
        SessionStatus::Open
    }
}

/// What is kept of a session's standing; the rest is worked out from its dates and seats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    Scheduled,
    Cancelled,
    /// To a date to be set: its registrants are held, in their order.
    Postponed,
}

impl Stored {
    pub fn parse(s: &str) -> Stored {
        match s {
            "cancelled" => Stored::Cancelled,
            "postponed" => Stored::Postponed,
            _ => Stored::Scheduled,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Stored::Scheduled => "scheduled",
            Stored::Cancelled => "cancelled",
            Stored::Postponed => "postponed",
        }
    }
}

fn invalid(field: &'static str, key: &'static str) -> Error {
    Error::Invalid {
        field,
        msg: Msg::new(key),
    }
}

/// The start of the day `YYYY-MM-DD` in `tz` (with `next`, of the day
/// after it: the end of that day); None when it is not such a day.
pub fn day_in(s: &str, tz: &str, next: bool) -> Option<Timestamp> {
    let d: jiff::civil::Date = s.trim().parse().ok()?;
    let d = if next { d.tomorrow().ok()? } else { d };
    Some(Timestamp::from_jiff(d.in_tz(tz).ok()?.timestamp()))
}

pub fn parse_time(field: &'static str, s: &str) -> Result<Timestamp> {
    s.trim()
        .parse::<jiff::Timestamp>()
        .map(Timestamp::from_jiff)
        .map_err(|_| invalid(field, "training-error-time"))
}

pub async fn create(
    db: &Db,
    clock: &dyn Clock,
    actor: Actor,
    office: &TrainingOffice,
    course: i64,
    s: NewSession,
) -> Result<i64> {
    let c = courses::get(db, course).await?;
    office.check(s.delegation_id.or(c.owner_delegation_id).map(DelegationId))?;
    if !c.format.has_sessions() {
        return Err(invalid("course", "training-error-not-session-based"));
    }
    let starts = parse_time("starts_at", &s.starts_at)?;
    let ends = parse_time("ends_at", &s.ends_at)?;
    if ends <= starts {
        return Err(invalid("ends_at", "training-error-end-before-start"));
    }
    if s.capacity <= 0 || s.capacity > 100_000 {
        return Err(invalid("capacity", "training-error-capacity"));
    }
    let now = clock.now();
    let opens = s
        .registration_opens_at
        .as_deref()
        .map(|t| parse_time("registration_opens_at", t))
        .transpose()?
        .unwrap_or(now);
    let closes = s
        .registration_closes_at
        .as_deref()
        .map(|t| parse_time("registration_closes_at", t))
        .transpose()?
        .unwrap_or(starts);
    if closes <= opens || closes > ends {
        return Err(invalid("registration_closes_at", "training-error-window"));
    }
    let mode = match s.waitlist_mode.as_deref() {
        None => WaitlistMode::TimedOffer,
        Some(m) => WaitlistMode::parse(m)
            .ok_or_else(|| invalid("waitlist_mode", "training-error-waitlist-mode"))?,
    };
    let offer_hours = s.offer_hours.unwrap_or(48);
    if !(1..=24 * 30).contains(&offer_hours) {
        return Err(invalid("offer_hours", "training-error-offer-hours"));
    }
    if let Some(link) = &s.video_link
        && !(link.starts_with("https://") || link.starts_with("http://"))
    {
        return Err(invalid("video_link", "training-error-link"));
    }
    let audience = s.audience.unwrap_or(Audience::Everyone);
    let mut tx = db.begin().await.db()?;
    let result = async {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO training_sessions (course_id, starts_at, ends_at, site_id, venue_address, video_link, trainers, capacity,
                registration_opens_at, registration_closes_at, audience, approval, waitlist_mode, offer_hours, status,
                delegation_id, ics_sequence, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'scheduled', $15, 0, $16, $16) RETURNING id",
        )
        .bind(course)
        .bind(starts.0)
        .bind(ends.0)
        .bind(s.site_id)
        .bind(s.venue_address.as_deref().map(str::trim))
        .bind(&s.video_link)
        .bind(s.trainers.iter().map(|t| t.trim()).filter(|t| !t.is_empty()).collect::<Vec<_>>().join("|"))
        .bind(s.capacity)
        .bind(opens.0)
        .bind(closes.0)
        .bind(audience.kind())
        .bind(if s.requires_approval { "manager" } else { "none" })
        .bind(mode.as_str())
        .bind(offer_hours)
        .bind(s.delegation_id.or(c.owner_delegation_id))
        .bind(now.0)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            if e.as_database_error().is_some_and(|d| d.is_foreign_key_violation()) {
                invalid("site_id", "training-error-unknown-site")
            } else {
                Error::internal(e)
            }
        })?;
        if let Audience::Delegations(ids) | Audience::Units(ids) = &audience {
            let kind = if matches!(audience, Audience::Delegations(_)) { "delegation" } else { "unit" };
            for t in ids {
                sqlx::query("INSERT INTO session_audience (session_id, kind, target_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                    .bind(id)
                    .bind(kind)
                    .bind(t)
                    .execute(&mut *tx)
                    .await
                    .db()?;
            }
        }
        audit::record(&mut tx, now, actor, "session.create", &format!("session:{id}"), serde_json::json!({ "course": course, "capacity": s.capacity }))
            .await
            .db()?;
        Ok(id)
    }
    .await;
    relais_db::finish(tx, result).await
}

const COLUMNS: &str = "s.id, s.course_id, c.title, s.starts_at, s.ends_at, st.name, s.venue_address, s.video_link, s.trainers,
    s.capacity, s.registration_opens_at, s.registration_closes_at, s.audience, s.approval, s.waitlist_mode, s.offer_hours,
    s.status, s.delegation_id, s.ics_sequence,
    s.seats_confirmed, s.seats_offered, s.seats_waitlisted, s.seats_pending,
    c.format, s.mode, s.site_id";
const FROM: &str = " FROM training_sessions s JOIN courses c ON c.id = s.course_id LEFT JOIN sites st ON st.id = s.site_id";

fn row_to_session(
    now: Timestamp,
    r: &sqlx::any::AnyRow,
    audience_ids: Vec<i64>,
) -> Result<Session> {
    use sqlx::Row;
    let g = |i: usize| -> Result<i64> { r.try_get::<i64, _>(i).db() };
    let t = |i: usize| -> Result<String> { r.try_get::<String, _>(i).db() };
    let o = |i: usize| -> Result<Option<String>> { r.try_get::<Option<String>, _>(i).db() };
    let starts = Timestamp(g(3)?);
    let ends = Timestamp(g(4)?);
    let opens = Timestamp(g(10)?);
    let closes = Timestamp(g(11)?);
    let stored = Stored::parse(&t(16)?);
    let online = o(24)?.as_deref() == Some("online");
    let seats = Seats {
        capacity: g(9)?,
        confirmed: g(19)?,
        offered: g(20)?,
        waitlisted: g(21)?,
        pending: g(22)?,
    };
    Ok(Session {
        id: g(0)?,
        course_id: g(1)?,
        course_title: t(2)?,
        format: if online {
            Format::Webinar
        } else {
            Format::parse(&t(23)?).unwrap_or(Format::InPerson)
        },
        starts_at: starts.rfc3339(),
        ends_at: ends.rfc3339(),
        starts,
        ends,
        site: o(5)?,
        venue_address: o(6)?,
        video_link: o(7)?,
        trainers: t(8)?
            .split('|')
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect(),
        capacity: seats.capacity,
        confirmed: seats.confirmed,
        offered: seats.offered,
        waitlisted: seats.waitlisted,
        pending: seats.pending,
        seats_left: seats.left(),
        registration_opens_at: opens.rfc3339(),
        registration_closes_at: closes.rfc3339(),
        opens,
        closes,
        audience: Audience::from_parts(&t(12)?, audience_ids)?,
        requires_approval: t(13)? == "manager",
        waitlist_mode: WaitlistMode::parse(&t(14)?).unwrap_or(WaitlistMode::TimedOffer),
        offer_hours: g(15)?,
        status: status_at(now, stored, opens, closes, ends, &seats),
        delegation_id: r.try_get::<Option<i64>, _>(17).db()?,
        site_id: r.try_get::<Option<i64>, _>(25).db()?,
        cancelled: stored != Stored::Scheduled,
        stored,
        sequence: g(18)?,
    })
}

/// The delegations or units named by the audiences of the sessions in
/// `rows` (read with [`COLUMNS`]), by session. Only those whose audience
/// names some are asked for: most sessions are open to everyone, and then
/// no statement is sent.
async fn audiences<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    rows: &[sqlx::any::AnyRow],
) -> Result<HashMap<i64, Vec<i64>>> {
    use sqlx::Row;
    let mut ids = Vec::new();
    for r in rows {
        let kind: String = r.try_get(12).db()?;
        if matches!(kind.as_str(), "delegations" | "units") {
            ids.push(r.try_get::<i64, _>(0).db()?);
        }
    }
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut sql =
        SqlBuf::new("SELECT session_id, target_id FROM session_audience WHERE session_id IN ");
    sql.bind_list(ids).push(" ORDER BY target_id");
    for (s, t) in sql.query_as::<(i64, i64)>().fetch_all(conn).await.db()? {
        out.entry(s).or_default().push(t);
    }
    Ok(out)
}

/// Sessions from rows read with [`COLUMNS`], with their audiences.
async fn sessions_of<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    now: Timestamp,
    rows: &[sqlx::any::AnyRow],
) -> Result<Vec<Session>> {
    let mut audience = audiences(conn, rows).await?;
    rows.iter()
        .map(|r| {
            let id: i64 = sqlx::Row::try_get(r, 0).db()?;
            row_to_session(now, r, audience.remove(&id).unwrap_or_default())
        })
        .collect()
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SessionFilter {
    pub course: Option<i64>,
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    /// Only sessions whose registration is open now.
    pub open: bool,
    pub delegation: Option<i64>,
    pub with_seats_left: bool,
    pub q: Option<String>,
    pub format: Option<Format>,
    pub theme: Option<String>,
}

/// Every session matching `filter` that `keep` keeps, for what SQL cannot
/// filter on: read 200 at a time, `pages` pages at most.
pub async fn gather(
    db: &Db,
    clock: &dyn Clock,
    filter: &SessionFilter,
    pages: u32,
    keep: impl Fn(&Session) -> bool,
) -> Result<Vec<Session>> {
    let mut kept = Vec::new();
    for n in 1..=pages {
        let page = list(db, clock, filter, PageRequest::new(Some(n), Some(200))).await?;
        let more = page.has_next();
        kept.extend(page.items.into_iter().filter(|s| keep(s)));
        if !more {
            break;
        }
    }
    Ok(kept)
}

pub async fn list(
    db: &Db,
    clock: &dyn Clock,
    filter: &SessionFilter,
    page: PageRequest,
) -> Result<Page<Session>> {
    let now = clock.now();
    let filtered = |sql: &mut SqlBuf| {
        sql.push(" WHERE 1 = 1");
        if let Some(c) = filter.course {
            sql.push(" AND s.course_id = ").bind(c);
        }
        if let Some(f) = filter.from {
            sql.push(" AND s.ends_at >= ").bind(f.0);
        }
        if let Some(t) = filter.to {
            sql.push(" AND s.starts_at <= ").bind(t.0);
        }
        if filter.open {
            sql.push(" AND s.status = 'scheduled' AND s.registration_opens_at <= ")
                .bind(now.0)
                .push(" AND s.registration_closes_at > ")
                .bind(now.0);
        }
        if let Some(d) = filter.delegation {
            sql.push(" AND s.delegation_id = ").bind(d);
        }
        if filter.with_seats_left {
            sql.push(" AND s.capacity > s.seats_confirmed + s.seats_offered");
        }
        if let Some(f) = filter.format {
            sql.push(" AND c.format = ").bind(f.as_str());
        }
        if let Some(t) = filter.theme.as_deref().filter(|t| !t.is_empty()) {
            sql.push(" AND ('|' || c.themes || '|') LIKE ")
                .bind(format!("%|{}|%", relais_core::text::like_escape(t)))
                .push(" ESCAPE '\\'");
        }
        courses::match_words(sql, "c.search_key", filter.q.as_deref());
    };
    let mut list = SqlBuf::new("SELECT ");
    list.push(COLUMNS).push(FROM);
    filtered(&mut list);
    list.push(" ORDER BY s.starts_at, s.id LIMIT ")
        .bind(page.limit())
        .push(" OFFSET ")
        .bind(page.offset());
    let rows = list.query().fetch_all(db.pool()).await.db()?;
    // A page neither full nor past the end is the last: its rows give the
    // total, and most lists (a course's sessions, the catalogue's last
    // page) need no count of their own.
    let n = rows.len() as i64;
    let total = if (0 < n && n < page.limit()) || (n == 0 && page.offset() == 0) {
        page.offset() + n
    } else {
        let mut count = SqlBuf::new("SELECT COUNT(*)");
        count.push(FROM);
        filtered(&mut count);
        let (total,): (i64,) = count.query_as().fetch_one(db.pool()).await.db()?;
        total
    };
    let items = sessions_of(db.pool(), now, &rows).await?;
    Ok(Page {
        items,
        page: page.page,
        per_page: page.per_page,
        total: total as u64,
    })
}

pub async fn get(db: &Db, clock: &dyn Clock, id: i64) -> Result<Session> {
    let mut sql = SqlBuf::new("SELECT ");
    sql.push(COLUMNS).push(FROM).push(" WHERE s.id = ").bind(id);
    let row = sql
        .query()
        .fetch_optional(db.pool())
        .await
        .db()?
        .ok_or(Error::NotFound)?;
    sessions_of(db.pool(), clock.now(), &[row])
        .await?
        .pop()
        .ok_or(Error::NotFound)
}

/// Locks several sessions (in id order, so that two callers never wait on
/// each other) and reads them with their counts. Missing ids are left out.
pub async fn lock_many(
    tx: &mut Tx,
    backend: relais_db::Backend,
    now: Timestamp,
    ids: &[i64],
) -> Result<HashMap<i64, Session>> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    // Locked and read by one statement, in id order. On SQLite the write
    // transaction (`BEGIN IMMEDIATE`) already excludes every other writer:
    // there is no row to lock.
    let lock = format!(
        " ORDER BY s.id{}",
        relais_db::dialect::for_update_of(backend, "s")
    );
    read_many(tx, now, &ids, &lock).await
}

/// Several sessions with their counts, by id, in one query (two when an
/// audience names delegations or units). Missing ids are left out.
pub async fn get_many(db: &Db, clock: &dyn Clock, ids: &[i64]) -> Result<HashMap<i64, Session>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut conn = db.pool().acquire().await.db()?;
    read_many(&mut conn, clock.now(), ids, "").await
}

/// Sessions by id, the statement ending with `tail` (an order and a lock).
async fn read_many(
    conn: &mut sqlx::AnyConnection,
    now: Timestamp,
    ids: &[i64],
    tail: &str,
) -> Result<HashMap<i64, Session>> {
    let mut sql = SqlBuf::new("SELECT ");
    sql.push(COLUMNS)
        .push(FROM)
        .push(" WHERE s.id IN ")
        .bind_list(ids.iter().copied())
        .push(tail);
    let rows = sql.query().fetch_all(&mut *conn).await.db()?;
    Ok(sessions_of(&mut *conn, now, &rows)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect())
}

/// The sessions in which `person` holds a confirmed seat, with their
/// counts, in one query (two when an audience names delegations or units).
pub async fn confirmed_for(db: &Db, clock: &dyn Clock, person: PersonId) -> Result<Vec<Session>> {
    let mut sql = SqlBuf::new("SELECT ");
    sql.push(COLUMNS).push(FROM).push(
        " WHERE s.id IN (SELECT r.session_id FROM registrations r WHERE r.status = 'confirmed' AND r.person_id = ",
    );
    sql.bind(person.0).push(")");
    let mut conn = db.pool().acquire().await.db()?;
    let rows = sql.query().fetch_all(&mut *conn).await.db()?;
    sessions_of(&mut *conn, clock.now(), &rows).await
}

/// Locks one session and reads it with its counts; `NotFound` when it does not exist.
pub async fn lock(
    tx: &mut Tx,
    backend: relais_db::Backend,
    now: Timestamp,
    id: i64,
) -> Result<Session> {
    lock_many(tx, backend, now, &[id])
        .await?
        .remove(&id)
        .ok_or(Error::NotFound)
}
