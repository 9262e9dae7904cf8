//! The hotline: a call is logged (who called, when, about what, how urgent,
//! whether a callback is due and by when), a caller without an account is
//! recorded on the fly, and a ticket can be opened for them there and then.
//! The callback list puts the most urgent and the most overdue first.

use relais_core::{Error, Principal, Result, Timestamp};
use relais_db::audit::{self, Actor};
use relais_db::{DbResultExt, SqlBuf};
use serde::Deserialize;

use crate::access::DeskStaff;
use crate::model::{Channel, Urgency};
use crate::tickets::{self, Draft, Requester};
use crate::{Desk, clean, public, required};

/// A call as the hotline agent types it during the conversation.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewCall {
    /// A person of the institute, by email…
    #[serde(default)]
    pub person_email: String,
    /// …or an outside caller, recorded now.
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub organisation: String,
    pub about: String,
    #[serde(default)]
    pub urgency: String,
    /// Minutes until a callback is due; empty for none.
    #[serde(default)]
    pub callback_minutes: String,
    /// Open a ticket with this call.
    #[serde(default)]
    pub open_ticket: Option<String>,
    #[serde(default)]
    pub category: String,
}

/// Logs a call; returns (call id, ticket id if one was opened).
pub async fn log_call(desk: &Desk, p: &Principal, c: NewCall) -> Result<(i64, Option<i64>)> {
    let staff = DeskStaff::for_principal(p)?;
    let about = required(&c.about, "about", 5_000)?;
    let urgency =
        tickets::parse_urgency(Some(c.urgency.as_str()).filter(|u| !u.trim().is_empty()))?;
    let callback = match c.callback_minutes.trim() {
        "" => None,
        m => Some(
            m.parse::<i64>()
                .ok()
                .filter(|m| (0..=60 * 24 * 30).contains(m))
                .ok_or_else(|| Error::invalid("callback_minutes", "desk-error-callback"))?,
        ),
    };
    let person_email = c.person_email.trim();
    let now = desk.clock.now();
    let person = if person_email.is_empty() {
        None
    } else {
        let email = relais_core::values::Email::parse(person_email)
            .map_err(|_| Error::invalid("person_email", "desk-error-unknown-person"))?;
        Some(
            relais_directory::accounts::person_by_email(&desk.db, &email)
                .await?
                .ok_or_else(|| Error::invalid("person_email", "desk-error-unknown-person"))?,
        )
    };
    let external = if person.is_none() {
        let name = required(&c.name, "name", 200)?;
        let email = match c.email.trim() {
            "" => None,
            e => Some(relais_core::values::Email::parse(e)?.as_str().to_string()),
        };
        let phone = clean(&c.phone, "phone", 40)?;
        if email.is_none() && phone.is_empty() {
            return Err(Error::invalid("phone", "desk-error-contact"));
        }
        Some((
            name,
            email,
            phone,
            clean(&c.organisation, "organisation", 200)?,
        ))
    } else {
        None
    };
    let category = tickets::parse_category(
        Some(c.category.as_str()).filter(|c| !c.trim().is_empty()),
        &about,
    )?;
    let mut tx = desk.db.begin().await.db()?;
    let result = async {
        let (requester, external_id) = match (&person, &external) {
            (Some(pid), _) => (Requester::Person(relais_directory::people::brief_in(&mut tx, *pid).await?), None),
            (None, Some((name, email, phone, org))) => {
                let id = public::new_external(&mut tx, name, email.as_deref(), phone, org, now).await?;
                (Requester::External { id, name: name.clone(), email: email.clone() }, Some(id))
            }
            (None, None) => return Err(Error::internal("call without a caller")),
        };
        let ticket = if c.open_ticket.is_some() {
            let subject: String = about.lines().next().unwrap_or("").chars().take(120).collect();
            let draft = Draft {
                subject,
                description: about.clone(),
                category,
                urgency,
                channel: Channel::Phone,
                requester,
                opened_by: Some(p.person_id),
                delegation: if staff.everywhere() { None } else { staff.delegations().first().map(|d| relais_core::DelegationId(*d)) },
                equipment: None,
            };
            Some(tickets::insert(&mut tx, desk, draft, Vec::new(), Actor::of(p), now).await?)
        } else {
            None
        };
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO desk_calls (requester_person_id, requester_external_id, agent_id, at, about, urgency, ticket_id, callback_due)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(person.map(|p| p.0))
        .bind(external_id)
        .bind(p.person_id.0)
        .bind(now.0)
        .bind(&about)
        .bind(urgency.as_str())
        .bind(ticket)
        .bind(callback.map(|m| now.plus_secs(m * 60).0))
        .fetch_one(&mut *tx)
        .await
        .db()?;
        audit::record(&mut tx, now, Actor::of(p), "desk.call.log", &format!("call:{id}"), serde_json::json!({ "ticket": ticket, "callback": callback })).await.db()?;
        Ok((id, ticket))
    }
    .await;
    relais_db::finish(tx, result).await
}

/// A line of the call log or of the callback list.
#[derive(Debug, Clone)]
pub struct Call {
    pub id: i64,
    pub caller: String,
    pub contact: String,
    pub organisation: String,
    pub about: String,
    pub urgency: Urgency,
    pub at: Timestamp,
    pub agent: String,
    pub ticket: Option<i64>,
    pub callback_due: Option<Timestamp>,
    pub callback_done: Option<Timestamp>,
}

const CALLS: &str = "SELECT c.id, COALESCE(p.first_name || ' ' || p.last_name, x.name, ''),
    COALESCE(p.email, x.email, x.phone, ''), COALESCE(x.organisation, ''), c.about, c.urgency, c.at,
    COALESCE(a.first_name || ' ' || a.last_name, ''), c.ticket_id, c.callback_due, c.callback_done_at
    FROM desk_calls c LEFT JOIN people p ON p.id = c.requester_person_id
    LEFT JOIN desk_external_requesters x ON x.id = c.requester_external_id
    LEFT JOIN people a ON a.id = c.agent_id";

type Row = (
    i64,
    String,
    String,
    String,
    String,
    String,
    i64,
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

fn call(r: Row) -> Call {
    Call {
        id: r.0,
        caller: r.1,
        contact: r.2,
        organisation: r.3,
        about: r.4,
        urgency: Urgency::parse(&r.5).unwrap_or(Urgency::Normal),
        at: Timestamp(r.6),
        agent: r.7,
        ticket: r.8,
        callback_due: r.9.map(Timestamp),
        callback_done: r.10.map(Timestamp),
    }
}

/// The latest calls.
pub async fn recent(desk: &Desk, _staff: &DeskStaff, limit: i64) -> Result<Vec<Call>> {
    let mut sql = SqlBuf::new(CALLS);
    sql.push(" ORDER BY c.at DESC, c.id DESC LIMIT ")
        .bind(limit);
    let rows: Vec<Row> = sql.query_as().fetch_all(desk.db.pool()).await.db()?;
    Ok(rows.into_iter().map(call).collect())
}

/// Callbacks still to make: most urgent first, then the earliest due.
pub async fn callbacks(desk: &Desk, _staff: &DeskStaff) -> Result<Vec<Call>> {
    let mut sql = SqlBuf::new(CALLS);
    sql.push(
        " WHERE c.callback_due IS NOT NULL AND c.callback_done_at IS NULL
          ORDER BY CASE c.urgency WHEN 'high' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END, c.callback_due, c.id LIMIT 500",
    );
    let rows: Vec<Row> = sql.query_as().fetch_all(desk.db.pool()).await.db()?;
    Ok(rows.into_iter().map(call).collect())
}

pub async fn callback_done(desk: &Desk, p: &Principal, id: i64) -> Result<()> {
    DeskStaff::for_principal(p)?;
    let now = desk.clock.now();
    let mut tx = desk.db.begin().await.db()?;
    let result = async {
        let done = sqlx::query("UPDATE desk_calls SET callback_done_at = $1 WHERE id = $2 AND callback_due IS NOT NULL AND callback_done_at IS NULL")
            .bind(now.0).bind(id).execute(&mut *tx).await.db()?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound);
        }
        audit::record(&mut tx, now, Actor::of(p), "desk.call.callback", &format!("call:{id}"), serde_json::json!({})).await.db()?;
        Ok(())
    }
    .await;
    relais_db::finish(tx, result).await
}
