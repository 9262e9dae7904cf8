//! The desk's dashboard: tickets per category per day (a surge shows), the
//! backlog, time to first answer, SLA breaches and tickets avoided by the
//! knowledge base, over a period, within the staff member's scope.

use std::collections::BTreeMap;

use relais_core::{Result, Timestamp};
use relais_db::{DbResultExt, SqlBuf};

use crate::Desk;
use crate::access::DeskStaff;
use crate::model::Category;

#[derive(Debug, Clone)]
pub struct Dashboard {
    /// Local days, oldest first, each with its count per category (in `Category::ALL` order).
    pub days: Vec<(String, Vec<i64>)>,
    pub opened: i64,
    pub backlog: Vec<(&'static str, i64)>,
    pub answered: i64,
    pub median_first_answer_minutes: Option<i64>,
    pub mean_first_answer_minutes: Option<i64>,
    pub breaches: i64,
    pub avoided: i64,
}

fn local_day(t: Timestamp, tz: &jiff::tz::TimeZone) -> String {
    t.to_jiff().to_zoned_datetime(tz.clone()).date().to_string()
}

/// The figures for the `days` days up to now.
pub async fn compute(desk: &Desk, staff: &DeskStaff, days: i64) -> Result<Dashboard> {
    let now = desk.clock.now();
    let days = days.clamp(1, 366);
    let from = now.plus_secs(-days * 86_400);
    let tz = jiff::tz::TimeZone::get(&desk.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let mut sql = SqlBuf::new(
        "SELECT t.category, t.created_at, t.first_response_at, t.first_response_due, t.resolved_at, t.resolution_due
         FROM desk_tickets t WHERE t.merged_into IS NULL AND t.created_at >= ",
    );
    sql.bind(from.0);
    staff.filter(&mut sql);
    let rows: Vec<(String, i64, Option<i64>, i64, Option<i64>, i64)> =
        sql.query_as().fetch_all(desk.db.pool()).await.db()?;
    let mut per_day: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    let mut d = from;
    while d <= now {
        per_day.insert(local_day(d, &tz), vec![0; Category::ALL.len()]);
        d = d.plus_secs(86_400);
    }
    per_day
        .entry(local_day(now, &tz))
        .or_insert_with(|| vec![0; Category::ALL.len()]);
    let mut waits = Vec::new();
    let mut breaches = 0;
    for r in &rows {
        let cat = Category::ALL
            .iter()
            .position(|c| c.as_str() == r.0)
            .unwrap_or(Category::ALL.len() - 1);
        if let Some(counts) = per_day.get_mut(&local_day(Timestamp(r.1), &tz)) {
            counts[cat] += 1;
        }
        if let Some(first) = r.2 {
            waits.push((first - r.1) / 60_000_000);
        }
        let late_first = r.2.map_or(now.0 > r.3, |a| a > r.3);
        let late_res = r.4.map_or(now.0 > r.5, |a| a > r.5);
        if late_first || late_res {
            breaches += 1;
        }
    }
    waits.sort_unstable();
    let mut backlog_sql = SqlBuf::new(
        "SELECT t.status, COUNT(*) FROM desk_tickets t WHERE t.merged_into IS NULL AND t.status IN ('new', 'in_progress', 'waiting')",
    );
    staff.filter(&mut backlog_sql);
    backlog_sql.push(" GROUP BY t.status");
    let counts: Vec<(String, i64)> = backlog_sql
        .query_as()
        .fetch_all(desk.db.pool())
        .await
        .db()?;
    let backlog = ["new", "in_progress", "waiting"]
        .into_iter()
        .map(|s| (s, counts.iter().find(|c| c.0 == s).map_or(0, |c| c.1)))
        .collect();
    let (avoided,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM desk_avoided WHERE at >= $1")
        .bind(from.0)
        .fetch_one(desk.db.pool())
        .await
        .db()?;
    Ok(Dashboard {
        days: per_day.into_iter().collect(),
        opened: rows.len() as i64,
        backlog,
        answered: waits.len() as i64,
        median_first_answer_minutes: waits.get(waits.len() / 2).copied(),
        mean_first_answer_minutes: (!waits.is_empty())
            .then(|| waits.iter().sum::<i64>() / waits.len() as i64),
        breaches,
        avoided,
    })
}
