//! The annual training plan: periods (semesters) with what each can still
//! take, the volume planned per course and delegation, and the load view —
//! planned, held, to come, cancelled and carried over, per period and per
//! delegation — that shows where the work went when a lockdown hit.

use std::collections::BTreeMap;

use relais_core::{Error, Result, Timestamp};
use relais_db::audit::{self, Actor};
use relais_db::{Db, DbResultExt, SqlBuf};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::TrainingOffice;

const DAY: i64 = 86_400_000_000;

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewPeriod {
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// First day, `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub starts_on: String,
    /// Last day, `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub ends_on: String,
    /// Trainee-days the period can take.
    #[schema(minimum = 0)]
    pub capacity_days: i64,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewPlan {
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// One or more periods, in order, without overlap; the plan runs from the first's start to the last's end.
    pub periods: Vec<NewPeriod>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewLine {
    pub period_id: i64,
    pub course_id: i64,
    pub delegation_id: Option<i64>,
    #[schema(minimum = 0)]
    pub sessions: i64,
    #[schema(minimum = 0)]
    pub trainee_days: i64,
    #[schema(minimum = 0)]
    pub budget_cents: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Period {
    pub id: i64,
    pub name: String,
    pub starts_at: String,
    pub ends_at: String,
    pub capacity_days: i64,
    #[serde(skip)]
    pub starts: Timestamp,
    #[serde(skip)]
    pub ends: Timestamp,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Plan {
    pub id: i64,
    pub name: String,
    pub starts_at: String,
    pub ends_at: String,
    pub periods: Vec<Period>,
}

/// Volumes of one period (and one delegation, or all).
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Load {
    pub planned_sessions: i64,
    pub planned_trainee_days: i64,
    pub planned_budget_cents: i64,
    pub held_sessions: i64,
    pub held_trainee_days: i64,
    pub coming_sessions: i64,
    pub coming_trainee_days: i64,
    pub cancelled_sessions: i64,
    /// Postponed to a date to be set: work to carry over.
    pub postponed_sessions: i64,
    pub postponed_trainee_days: i64,
    /// Moved into this period by a disruption.
    pub rescheduled_in: i64,
    /// Postponed from this period and re-planned (a proposal accepted) into another or the same.
    pub carried_out: i64,
    /// Re-planned into this period after being postponed.
    pub carried_in: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeriodLoad {
    pub period: Period,
    pub total: Load,
    /// Trainee-days the period can still take: its capacity less what is held and to come.
    pub remaining_days: i64,
    pub by_delegation: Vec<DelegationLoad>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DelegationLoad {
    pub delegation_id: Option<i64>,
    pub delegation: String,
    pub load: Load,
}

fn day(field: &'static str, s: &str, tz: &str, next: bool) -> Result<Timestamp> {
    crate::sessions::day_in(s, tz, next).ok_or_else(|| Error::invalid(field, "plan-error-date"))
}

pub async fn create(
    db: &Db,
    now: Timestamp,
    actor: Actor,
    office: &TrainingOffice,
    tz: &str,
    p: NewPlan,
) -> Result<i64> {
    if !office.national() {
        return Err(Error::Forbidden);
    }
    let name = p.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::invalid("name", "plan-error-name"));
    }
    if p.periods.is_empty() || p.periods.len() > 12 {
        return Err(Error::invalid("periods", "plan-error-periods"));
    }
    let mut periods = Vec::new();
    for q in &p.periods {
        let starts = day("starts_on", &q.starts_on, tz, false)?;
        let ends = day("ends_on", &q.ends_on, tz, true)?;
        if ends <= starts {
            return Err(Error::invalid("ends_on", "plan-error-order"));
        }
        if periods
            .last()
            .is_some_and(|(_, e, ..): &(Timestamp, Timestamp, &str, i64)| starts < *e)
        {
            return Err(Error::invalid("periods", "plan-error-overlap"));
        }
        let pname = q.name.trim();
        if pname.is_empty() || pname.chars().count() > 100 {
            return Err(Error::invalid("name", "plan-error-name"));
        }
        if !(0..=10_000_000).contains(&q.capacity_days) {
            return Err(Error::invalid("capacity_days", "plan-error-capacity"));
        }
        periods.push((starts, ends, pname, q.capacity_days));
    }
    let (first, last) = (periods[0].0, periods[periods.len() - 1].1);
    let mut tx = db.begin().await.db()?;
    let result = async {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO training_plans (name, starts_at, ends_at, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(name)
        .bind(first.0)
        .bind(last.0)
        .bind(now.0)
        .fetch_one(&mut *tx)
        .await
        .db()?;
        for (s, e, n, c) in &periods {
            sqlx::query("INSERT INTO training_plan_periods (plan_id, name, starts_at, ends_at, capacity_days) VALUES ($1, $2, $3, $4, $5)")
                .bind(id)
                .bind(*n)
                .bind(s.0)
                .bind(e.0)
                .bind(c)
                .execute(&mut *tx)
                .await
                .db()?;
        }
        audit::record(&mut tx, now, actor, "plan.create", &format!("plan:{id}"), serde_json::json!({ "name": name, "periods": periods.len() }))
            .await
            .db()?;
        Ok(id)
    }
    .await;
    relais_db::finish(tx, result).await
}

pub async fn add_line(
    db: &Db,
    now: Timestamp,
    actor: Actor,
    office: &TrainingOffice,
    plan: i64,
    l: NewLine,
) -> Result<()> {
    office.check(l.delegation_id.map(relais_core::DelegationId))?;
    if !(0..=100_000).contains(&l.sessions)
        || !(0..=10_000_000).contains(&l.trainee_days)
        || !(0..=100_000_000_000).contains(&l.budget_cents)
    {
        return Err(Error::invalid("sessions", "plan-error-capacity"));
    }
    let found: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM training_plan_periods WHERE id = $1 AND plan_id = $2")
            .bind(l.period_id)
            .bind(plan)
            .fetch_optional(db.pool())
            .await
            .db()?;
    if found.is_none() {
        return Err(Error::invalid("period_id", "plan-error-period"));
    }
    let mut tx = db.begin().await.db()?;
    let result = async {
        sqlx::query(
            "INSERT INTO training_plan_lines (period_id, course_id, delegation_id, sessions, trainee_days, budget_cents) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(l.period_id)
        .bind(l.course_id)
        .bind(l.delegation_id)
        .bind(l.sessions)
        .bind(l.trainee_days)
        .bind(l.budget_cents)
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            if e.as_database_error().is_some_and(|d| d.is_foreign_key_violation()) {
                // An unknown course or delegation.
                Error::invalid("course_id", "plan-error-course")
            } else {
                Error::internal(e)
            }
        })?;
        audit::record(&mut tx, now, actor, "plan.line", &format!("plan:{plan}"), serde_json::json!({ "period": l.period_id, "course": l.course_id }))
            .await
            .db()?;
        Ok(())
    }
    .await;
    relais_db::finish(tx, result).await
}

pub async fn list(db: &Db) -> Result<Vec<Plan>> {
    let ids: Vec<(i64,)> = sqlx::query_as("SELECT id FROM training_plans ORDER BY starts_at, id")
        .fetch_all(db.pool())
        .await
        .db()?;
    let mut out = Vec::new();
    for (id,) in ids {
        out.push(get(db, id).await?);
    }
    Ok(out)
}

pub async fn get(db: &Db, id: i64) -> Result<Plan> {
    let row: Option<(i64, String, i64, i64)> =
        sqlx::query_as("SELECT id, name, starts_at, ends_at FROM training_plans WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await
            .db()?;
    let (id, name, starts, ends) = row.ok_or(Error::NotFound)?;
    let periods: Vec<(i64, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT id, name, starts_at, ends_at, capacity_days FROM training_plan_periods WHERE plan_id = $1 ORDER BY starts_at",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await
    .db()?;
    Ok(Plan {
        id,
        name,
        starts_at: Timestamp(starts).rfc3339(),
        ends_at: Timestamp(ends).rfc3339(),
        periods: periods
            .into_iter()
            .map(|(id, name, s, e, c)| Period {
                id,
                name,
                starts_at: Timestamp(s).rfc3339(),
                ends_at: Timestamp(e).rfc3339(),
                capacity_days: c,
                starts: Timestamp(s),
                ends: Timestamp(e),
            })
            .collect(),
    })
}

/// How many days a session lasts, counted as trainee-days per person (at least one).
pub fn days_of(starts: Timestamp, ends: Timestamp) -> i64 {
    ((ends.0 - starts.0 + DAY - 1) / DAY).max(1)
}

type SessionRow = (i64, Option<i64>, i64, i64, String, i64, i64);

/// The load view of a plan: each period, in all and per delegation.
pub async fn load(db: &Db, now: Timestamp, plan: &Plan) -> Result<Vec<PeriodLoad>> {
    let names: BTreeMap<i64, String> =
        sqlx::query_as::<_, (i64, String)>("SELECT id, name FROM delegations")
            .fetch_all(db.pool())
            .await
            .db()?
            .into_iter()
            .collect();
    // Re-planned sessions: where they were before their first postponement, and where they are now.
    let rows: Vec<(i64, Option<i64>, String, i64)> = sqlx::query_as(
        "SELECT s.id, s.delegation_id, i.before, s.starts_at FROM training_proposals p
         JOIN training_sessions s ON s.id = p.session_id
         JOIN training_disruption_items i ON i.session_id = p.session_id AND i.action = 'postpone'
         JOIN training_disruptions d ON d.id = i.disruption_id AND d.status <> 'undone'
         WHERE p.status = 'accepted' ORDER BY s.id, i.disruption_id",
    )
    .fetch_all(db.pool())
    .await
    .db()?;
    let mut carried: Vec<(Option<i64>, i64, i64)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (id, d, before, now_starts) in rows {
        if !seen.insert(id) {
            continue;
        }
        let was = serde_json::from_str::<serde_json::Value>(&before)
            .ok()
            .and_then(|b| b["starts_at"].as_i64())
            .unwrap_or(now_starts);
        carried.push((d, was, now_starts));
    }
    let mut out = Vec::new();
    for p in &plan.periods {
        let mut by: BTreeMap<Option<i64>, Load> = BTreeMap::new();
        let lines: Vec<(Option<i64>, i64, i64, i64)> = sqlx::query_as(
            "SELECT delegation_id, CAST(SUM(sessions) AS BIGINT), CAST(SUM(trainee_days) AS BIGINT), CAST(SUM(budget_cents) AS BIGINT) FROM training_plan_lines WHERE period_id = $1 GROUP BY delegation_id",
        )
        .bind(p.id)
        .fetch_all(db.pool())
        .await
        .db()?;
        for (d, s, td, b) in lines {
            let l = by.entry(d).or_default();
            l.planned_sessions += s;
            l.planned_trainee_days += td;
            l.planned_budget_cents += b;
        }
        let mut sql = SqlBuf::new(
            "SELECT s.id, s.delegation_id, s.starts_at, s.ends_at, s.status,
                s.seats_confirmed + s.seats_offered,
                (SELECT COUNT(*) FROM training_disruption_items i JOIN training_disruptions d ON d.id = i.disruption_id
                  WHERE i.session_id = s.id AND i.action = 'reschedule' AND d.status <> 'undone')
             FROM training_sessions s WHERE s.starts_at >= ",
        );
        sql.bind(p.starts.0)
            .push(" AND s.starts_at < ")
            .bind(p.ends.0);
        let rows: Vec<SessionRow> = sql.query_as().fetch_all(db.pool()).await.db()?;
        for (_, d, s, e, status, seats, moved) in rows {
            let l = by.entry(d).or_default();
            let td = seats * days_of(Timestamp(s), Timestamp(e));
            match status.as_str() {
                "cancelled" => l.cancelled_sessions += 1,
                "postponed" => {
                    l.postponed_sessions += 1;
                    l.postponed_trainee_days += td;
                }
                _ if e <= now.0 => {
                    l.held_sessions += 1;
                    l.held_trainee_days += td;
                }
                _ => {
                    l.coming_sessions += 1;
                    l.coming_trainee_days += td;
                }
            }
            if moved > 0 {
                l.rescheduled_in += 1;
            }
        }
        let within = |t: i64| p.starts.0 <= t && t < p.ends.0;
        for (d, was, now_starts) in &carried {
            if within(*was) {
                by.entry(*d).or_default().carried_out += 1;
            }
            if within(*now_starts) {
                by.entry(*d).or_default().carried_in += 1;
            }
        }
        let mut total = Load::default();
        for l in by.values() {
            total.planned_sessions += l.planned_sessions;
            total.planned_trainee_days += l.planned_trainee_days;
            total.planned_budget_cents += l.planned_budget_cents;
            total.held_sessions += l.held_sessions;
            total.held_trainee_days += l.held_trainee_days;
            total.coming_sessions += l.coming_sessions;
            total.coming_trainee_days += l.coming_trainee_days;
            total.cancelled_sessions += l.cancelled_sessions;
            total.postponed_sessions += l.postponed_sessions;
            total.postponed_trainee_days += l.postponed_trainee_days;
            total.rescheduled_in += l.rescheduled_in;
            total.carried_out += l.carried_out;
            total.carried_in += l.carried_in;
        }
        out.push(PeriodLoad {
            remaining_days: (p.capacity_days - total.held_trainee_days - total.coming_trainee_days)
                .max(0),
            period: p.clone(),
            total,
            by_delegation: by
                .into_iter()
                .map(|(d, load)| DelegationLoad {
                    delegation_id: d,
                    delegation: d.and_then(|d| names.get(&d).cloned()).unwrap_or_default(),
                    load,
                })
                .collect(),
        });
    }
    Ok(out)
}

/// The end of the last plan, if any: nothing is moved beyond it.
pub async fn last_end(conn: &mut sqlx::AnyConnection) -> Result<Option<Timestamp>> {
    let (end,): (Option<i64>,) = sqlx::query_as("SELECT MAX(ends_at) FROM training_plans")
        .fetch_one(&mut *conn)
        .await
        .db()?;
    Ok(end.map(Timestamp))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_counts_at_least_one_day() {
        let h = 3_600_000_000;
        assert_eq!(days_of(Timestamp(0), Timestamp(3 * h)), 1);
        assert_eq!(days_of(Timestamp(0), Timestamp(DAY + 8 * h)), 2);
        assert_eq!(days_of(Timestamp(0), Timestamp(3 * DAY)), 3);
    }
}
