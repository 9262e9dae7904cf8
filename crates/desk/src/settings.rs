//! The desk's settings, changed by institute-wide IT staff (or an
//! administrator) from `/desk/settings`: the delay before resolved requests
//! close by themselves, and the targets (SLA) per category and priority.
//! A category without its own target follows the default (`*`) of its
//! priority. New targets apply to requests opened or re-prioritised after
//! the change; the delay applies to requests resolved after it.

use relais_core::{Error, Msg, Principal, Result};
use relais_db::audit::{self, Actor};
use relais_db::{DbResultExt, Tx};

use crate::Desk;
use crate::access::DeskStaff;
use crate::autoclose;
use crate::model::{Category, Priority};

/// The longest target, in hours (a year).
const MAX_HOURS: i64 = 366 * 24;

/// One line of targets: `category` is `*` for a priority's default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub category: String,
    pub priority: Priority,
    /// Minutes to the first answer and to resolution; `None` follows the default.
    pub minutes: Option<(i64, i64)>,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub autoclose_days: i64,
    /// The default of each priority first, then each category's, in order.
    pub targets: Vec<Target>,
}

fn may_change(p: &Principal) -> Result<()> {
    if DeskStaff::for_principal(p)?.everywhere() {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

/// Every (category, priority) the page shows, defaults first.
pub fn lines() -> impl Iterator<Item = (&'static str, Priority)> {
    std::iter::once("*")
        .chain(Category::ALL.iter().map(|c| c.as_str()))
        .flat_map(|c| Priority::ALL.iter().map(move |p| (c, *p)))
}

pub async fn read(desk: &Desk, p: &Principal) -> Result<Settings> {
    may_change(p)?;
    let autoclose_days = autoclose::days_of(
        sqlx::query_as(autoclose::DELAY_SQL)
            .fetch_optional(desk.db.pool())
            .await
            .db()?,
    );
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT category, priority, first_response_minutes, resolution_minutes FROM desk_sla",
    )
    .fetch_all(desk.db.pool())
    .await
    .db()?;
    let targets = lines()
        .map(|(c, pr)| Target {
            category: c.to_string(),
            priority: pr,
            minutes: rows
                .iter()
                .find(|r| r.0 == c && r.1 == pr.as_str())
                .map(|r| (r.2, r.3)),
        })
        .collect();
    Ok(Settings {
        autoclose_days,
        targets,
    })
}

/// What the settings form sends: hours as typed, empty for "follow the default".
#[derive(Debug, Clone)]
pub struct TargetInput {
    pub category: String,
    pub priority: Priority,
    pub first_hours: String,
    pub resolution_hours: String,
}

/// The field name of a target's input on the page.
pub fn field(category: &str, priority: Priority, which: &str) -> String {
    format!("sla-{category}-{}-{which}", priority.as_str())
}

/// A refused target: the message names its line (`category`, `priority`)
/// and carries the input to mark (`input`).
fn refuse(c: &str, pr: Priority, which: &str, key: &'static str) -> Error {
    Error::Invalid {
        field: "targets",
        msg: Msg::new(key)
            .arg("input", field(c, pr, which))
            .arg("category", c)
            .arg("priority", pr.as_str()),
    }
}

fn hours(c: &str, pr: Priority, which: &str, v: &str) -> Result<Option<i64>> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    match v.parse::<i64>() {
        Ok(h) if (1..=MAX_HOURS).contains(&h) => Ok(Some(h)),
        _ => Err(refuse(c, pr, which, "desk-error-sla-hours")),
    }
}

/// Checks every line; the first bad one is refused with its field, and
/// nothing is written.
fn check(targets: &[TargetInput]) -> Result<Vec<Target>> {
    let mut out = Vec::new();
    for (c, pr) in lines() {
        let t = targets
            .iter()
            .find(|t| t.category == c && t.priority == pr)
            .ok_or_else(|| refuse(c, pr, "first", "desk-error-sla-default"))?;
        let first = hours(c, pr, "first", &t.first_hours)?;
        let resolution = hours(c, pr, "resolution", &t.resolution_hours)?;
        let minutes = match (first, resolution) {
            (Some(f), Some(r)) if f <= r => Some((f * 60, r * 60)),
            (Some(_), Some(_)) => {
                return Err(refuse(c, pr, "resolution", "desk-error-sla-order"));
            }
            (None, None) if c != "*" => None,
            (first, _) => {
                let which = if first.is_none() {
                    "first"
                } else {
                    "resolution"
                };
                let msg = if c == "*" {
                    "desk-error-sla-default"
                } else {
                    "desk-error-sla-both"
                };
                return Err(refuse(c, pr, which, msg));
            }
        };
        out.push(Target {
            category: c.to_string(),
            priority: pr,
            minutes,
        });
    }
    Ok(out)
}

/// Writes the delay and every target in one transaction, audited.
pub async fn save(
    desk: &Desk,
    p: &Principal,
    autoclose_days: &str,
    targets: &[TargetInput],
) -> Result<()> {
    may_change(p)?;
    let days = autoclose_days
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|d| (0..=365).contains(d))
        .ok_or_else(|| Error::invalid("autoclose_days", "desk-error-autoclose-days"))?;
    let targets = check(targets)?;
    let now = desk.clock.now();
    let mut tx = desk.db.begin().await.db()?;
    let result = write(&mut tx, days, &targets).await;
    let result = match result {
        Ok(()) => audit::record(
            &mut tx,
            now,
            Actor::of(p),
            "desk.settings.update",
            "desk:settings",
            serde_json::json!({
                "autoclose_days": days,
                "targets": targets
                    .iter()
                    .filter_map(|t| t.minutes.map(|m| (format!("{}/{}", t.category, t.priority.as_str()), m)))
                    .collect::<std::collections::BTreeMap<_, _>>(),
            }),
        )
        .await
        .db(),
        Err(e) => Err(e),
    };
    relais_db::finish(tx, result).await
}

async fn write(tx: &mut Tx, days: i64, targets: &[Target]) -> Result<()> {
    autoclose::set_delay_days(tx, days).await?;
    sqlx::query("DELETE FROM desk_sla")
        .execute(&mut **tx)
        .await
        .db()?;
    for t in targets {
        if let Some((first, resolution)) = t.minutes {
            sqlx::query(
                "INSERT INTO desk_sla (category, priority, first_response_minutes, resolution_minutes) VALUES ($1, $2, $3, $4)",
            )
            .bind(&t.category)
            .bind(t.priority.as_str())
            .bind(first)
            .bind(resolution)
            .execute(&mut **tx)
            .await
            .db()?;
        }
    }
    Ok(())
}
