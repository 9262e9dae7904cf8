//! Remote sessions (the tool, its session code, the user's consent, start
//! and end, the technician) and on-site visits (site, date, what was done),
//! recorded on a ticket and gathered in the desk's week view.

use relais_core::{Error, Principal, Result, Timestamp};
use relais_db::DbResultExt;
use relais_db::audit::{self, Actor};
use serde::Deserialize;

use crate::access::DeskStaff;
use crate::{Desk, required};

/// A date and time typed in a form (`YYYY-MM-DDTHH:MM`, local time).
pub fn parse_local(field: &'static str, s: &str, tz: &str) -> Result<Timestamp> {
    let dt: jiff::civil::DateTime = s
        .trim()
        .parse()
        .map_err(|_| Error::invalid(field, "desk-error-date"))?;
    let z = dt
        .in_tz(tz)
        .map_err(|_| Error::invalid(field, "desk-error-date"))?;
    Ok(Timestamp::from_jiff(z.timestamp()))
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewRemoteSession {
    pub tool: String,
    pub code: String,
    /// The user said yes to the technician taking control.
    #[serde(default)]
    pub consent: Option<String>,
    pub started_at: String,
    #[serde(default)]
    pub ended_at: String,
}

pub async fn add_remote(
    desk: &Desk,
    p: &Principal,
    ticket: i64,
    r: NewRemoteSession,
) -> Result<i64> {
    crate::tickets::access(desk, p, ticket)
        .await?
        .require_staff()?;
    let tool = required(&r.tool, "tool", 100)?;
    let code = required(&r.code, "code", 100)?;
    if r.consent.is_none() {
        return Err(Error::invalid("consent", "desk-error-consent"));
    }
    let started = parse_local("started_at", &r.started_at, &desk.time_zone)?;
    let ended = match r.ended_at.trim() {
        "" => None,
        e => Some(parse_local("ended_at", e, &desk.time_zone)?),
    };
    if ended.is_some_and(|e| e < started) {
        return Err(Error::invalid("ended_at", "desk-error-end-before-start"));
    }
    let now = desk.clock.now();
    let mut tx = desk.db.begin().await.db()?;
    let result = async {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO desk_remote_sessions (ticket_id, tool, code, consent_at, started_at, ended_at, technician_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $4) RETURNING id",
        )
        .bind(ticket).bind(&tool).bind(&code).bind(now.0).bind(started.0).bind(ended.map(|e| e.0)).bind(p.person_id.0)
        .fetch_one(&mut *tx).await.db()?;
        audit::record(&mut tx, now, Actor::of(p), "desk.remote_session.add", &format!("ticket:{ticket}"), serde_json::json!({ "tool": tool })).await.db()?;
        Ok(id)
    }
    .await;
    relais_db::finish(tx, result).await
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewVisit {
    pub site: String,
    pub visit_at: String,
    pub done: String,
}

pub async fn add_visit(desk: &Desk, p: &Principal, ticket: i64, v: NewVisit) -> Result<i64> {
    crate::tickets::access(desk, p, ticket)
        .await?
        .require_staff()?;
    let site = required(&v.site, "site", 200)?;
    let at = parse_local("visit_at", &v.visit_at, &desk.time_zone)?;
    let now = desk.clock.now();
    // A visit ahead is planned: what was done comes after (see `record_visit`).
    let done = if v.done.trim().is_empty() && at.0 > now.0 {
        String::new()
    } else {
        required(&v.done, "done", 5_000)?
    };
    let mut tx = desk.db.begin().await.db()?;
    let result = async {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO desk_visits (ticket_id, site, visit_at, done, technician_id, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(ticket).bind(&site).bind(at.0).bind(&done).bind(p.person_id.0).bind(now.0)
        .fetch_one(&mut *tx).await.db()?;
        audit::record(&mut tx, now, Actor::of(p), "desk.visit.add", &format!("ticket:{ticket}"), serde_json::json!({ "site": site })).await.db()?;
        Ok(id)
    }
    .await;
    relais_db::finish(tx, result).await
}

/// Records what was done on a planned visit of `ticket`.
pub async fn record_visit(
    desk: &Desk,
    p: &Principal,
    ticket: i64,
    visit: i64,
    done: &str,
) -> Result<()> {
    crate::tickets::access(desk, p, ticket)
        .await?
        .require_staff()?;
    let done = required(done, "done", 5_000)?;
    let now = desk.clock.now();
    let mut tx = desk.db.begin().await.db()?;
    let result = async {
        let changed = sqlx::query(
            "UPDATE desk_visits SET done = $1 WHERE id = $2 AND ticket_id = $3 AND done = ''",
        )
        .bind(&done)
        .bind(visit)
        .bind(ticket)
        .execute(&mut *tx)
        .await
        .db()?;
        if changed.rows_affected() != 1 {
            return Err(Error::NotFound);
        }
        audit::record(
            &mut tx,
            now,
            Actor::of(p),
            "desk.visit.record",
            &format!("ticket:{ticket}"),
            serde_json::json!({ "visit": visit }),
        )
        .await
        .db()?;
        Ok(())
    }
    .await;
    relais_db::finish(tx, result).await
}

/// A remote session or a visit, as the ticket page and the week view show it.
#[derive(Debug, Clone)]
pub struct Intervention {
    pub id: i64,
    pub ticket: i64,
    pub remote: bool,
    /// The tool and code, or the site.
    pub what: String,
    pub detail: String,
    pub at: Timestamp,
    pub until: Option<Timestamp>,
    pub technician: String,
}

const UNION: &str = "SELECT r.id, r.ticket_id, 1, r.tool || ' · ' || r.code, '', r.started_at, r.ended_at, COALESCE(p.first_name || ' ' || p.last_name, '')
    FROM desk_remote_sessions r LEFT JOIN people p ON p.id = r.technician_id WHERE WHERE_R
    UNION ALL
    SELECT v.id, v.ticket_id, 0, v.site, v.done, v.visit_at, NULL, COALESCE(p.first_name || ' ' || p.last_name, '')
    FROM desk_visits v LEFT JOIN people p ON p.id = v.technician_id WHERE WHERE_V";

type Row = (i64, i64, i64, String, String, i64, Option<i64>, String);

fn rows(r: Vec<Row>) -> Vec<Intervention> {
    r.into_iter()
        .map(|r| Intervention {
            id: r.0,
            ticket: r.1,
            remote: r.2 == 1,
            what: r.3,
            detail: r.4,
            at: Timestamp(r.5),
            until: r.6.map(Timestamp),
            technician: r.7,
        })
        .collect()
}

pub async fn for_ticket(desk: &Desk, ticket: i64) -> Result<Vec<Intervention>> {
    let sql = UNION
        .replace("WHERE_R", "r.ticket_id = $1")
        .replace("WHERE_V", "v.ticket_id = $2")
        + " ORDER BY 6";
    let r: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(ticket)
        .bind(ticket)
        .fetch_all(desk.db.pool())
        .await
        .db()?;
    Ok(rows(r))
}

/// Interventions between two instants, on tickets in the staff member's scope.
pub async fn between(
    desk: &Desk,
    staff: &DeskStaff,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<Intervention>> {
    let scoped = |alias: &str| {
        if staff.everywhere() {
            String::new()
        } else {
            let ds: Vec<String> = staff.delegations().iter().map(|d| d.to_string()).collect();
            format!(
                " AND {alias}.ticket_id IN (SELECT id FROM desk_tickets WHERE delegation_id IS NULL OR delegation_id IN ({}))",
                if ds.is_empty() {
                    "NULL".into()
                } else {
                    ds.join(", ")
                }
            )
        }
    };
    let sql = UNION
        .replace(
            "WHERE_R",
            &format!("r.started_at >= $1 AND r.started_at < $2{}", scoped("r")),
        )
        .replace(
            "WHERE_V",
            &format!("v.visit_at >= $3 AND v.visit_at < $4{}", scoped("v")),
        )
        + " ORDER BY 6";
    let r: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(from.0)
        .bind(to.0)
        .bind(from.0)
        .bind(to.0)
        .fetch_all(desk.db.pool())
        .await
        .db()?;
    Ok(rows(r))
}
