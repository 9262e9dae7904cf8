//! Working a ticket: replies (mailed to the requester), internal notes,
//! status, priority, category, assignment, merging duplicates, and the mail
//! held for review. Every change is audited and done in one transaction.

use relais_core::{Error, Principal, Result, Timestamp};
use relais_db::audit::{self, Actor};
use relais_db::{DbResultExt, Tx, dialect};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::access::{DeskStaff, TicketRole};
use crate::attachments::{self, Upload};
use crate::model::{Category, MessageKind, Priority, Status};
use crate::tickets::{self, event};
use crate::{Desk, autoclose, notices, required};

/// A reply: only `body` is needed; `internal: true` makes it a note IT keeps to itself.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct NewReply {
    /// 1 to 20,000 characters, not only spaces; line breaks and tabs allowed.
    #[schema(
        min_length = 1,
        max_length = 20000,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*\S[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$"
    )]
    pub body: String,
    #[serde(default)]
    pub internal: bool,
}

/// The row of a ticket a change needs, locked until the transaction ends.
pub(crate) struct Locked {
    pub status: Status,
    pub subject: String,
    pub first_response_at: Option<i64>,
    pub merged_into: Option<i64>,
}

pub(crate) async fn lock(tx: &mut Tx, desk: &Desk, id: i64) -> Result<Locked> {
    let sql = format!(
        "SELECT status, subject, first_response_at, merged_into FROM desk_tickets WHERE id = $1{}",
        dialect::for_update(desk.db.backend())
    );
    let row: Option<(String, String, Option<i64>, Option<i64>)> =
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&mut **tx)
            .await
            .db()?;
    let r = row.ok_or(Error::NotFound)?;
    Ok(Locked {
        status: Status::parse(&r.0).unwrap_or(Status::New),
        subject: r.1,
        first_response_at: r.2,
        merged_into: r.3,
    })
}

pub(crate) async fn write_status(
    tx: &mut Tx,
    id: i64,
    status: Status,
    now: Timestamp,
) -> Result<()> {
    let sql = match status {
        Status::Resolved => {
            "UPDATE desk_tickets SET status = $1, updated_at = $2, resolved_at = $2, closed_at = NULL WHERE id = $3"
        }
        Status::Closed => {
            "UPDATE desk_tickets SET status = $1, updated_at = $2, resolved_at = COALESCE(resolved_at, $2), closed_at = $2 WHERE id = $3"
        }
        _ => {
            "UPDATE desk_tickets SET status = $1, updated_at = $2, resolved_at = NULL, closed_at = NULL WHERE id = $3"
        }
    };
    sqlx::query(sql)
        .bind(status.as_str())
        .bind(now.0)
        .bind(id)
        .execute(&mut **tx)
        .await
        .db()?;
    Ok(())
}

/// Adds a reply or a note. A requester's reply reopens a resolved or waiting
/// ticket (and so cancels its automatic closing); IT's first public reply
/// stops the first-answer clock. Public replies from IT are mailed.
pub async fn reply(
    desk: &Desk,
    p: &Principal,
    id: i64,
    r: NewReply,
    uploads: Vec<Upload>,
) -> Result<i64> {
    let a = tickets::access(desk, p, id).await?;
    let body = required(&r.body, "body", 20_000)?;
    if r.internal && !a.sees_internal() {
        return Err(Error::Forbidden);
    }
    attachments::check_all(&uploads)?;
    let now = desk.clock.now();
    let mut tx = desk.db.begin().await.db()?;
    let result = async {
        let t = lock(&mut tx, desk, id).await?;
        if t.status == Status::Closed || t.merged_into.is_some() {
            return Err(Error::invalid("body", "desk-error-ticket-closed"));
        }
        let kind = if r.internal { MessageKind::Internal } else { MessageKind::Public };
        let (mid,): (i64,) = sqlx::query_as(
            "INSERT INTO desk_messages (ticket_id, kind, author_person_id, body, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(id)
        .bind(kind.as_str())
        .bind(p.person_id.0)
        .bind(&body)
        .bind(now.0)
        .fetch_one(&mut *tx)
        .await
        .db()?;
        for u in &uploads {
            attachments::store(&mut tx, id, Some(mid), u, now).await?;
        }
        let it_answers = a.acts_for_it() && !r.internal;
        if it_answers && t.first_response_at.is_none() {
            sqlx::query("UPDATE desk_tickets SET first_response_at = $1 WHERE id = $2")
                .bind(now.0)
                .bind(id)
                .execute(&mut *tx)
                .await
                .db()?;
        }
        let next = match (a.role, t.status) {
            (TicketRole::Requester, Status::Waiting | Status::Resolved) => Some(Status::InProgress),
            (TicketRole::Staff | TicketRole::Correspondent, Status::New) if !r.internal => Some(Status::InProgress),
            _ => None,
        };
        if let Some(s) = next {
            write_status(&mut tx, id, s, now).await?;
        } else {
            sqlx::query("UPDATE desk_tickets SET updated_at = $1 WHERE id = $2").bind(now.0).bind(id).execute(&mut *tx).await.db()?;
        }
        audit::record(&mut tx, now, Actor::of(p), if r.internal { "desk.ticket.note" } else { "desk.ticket.reply" },
            &format!("ticket:{id}"), serde_json::json!({ "message": mid })).await.db()?;
        if it_answers {
            notices::reply(&mut tx, desk, id, mid, &t.subject, &body, now).await?;
        }
        Ok(mid)
    }
    .await;
    relais_db::finish(tx, result).await
}

/// Changes the status. Requesters may only close their own ticket as solved
/// or reopen it; IT may set any status. Resolving schedules automatic closing.
pub async fn set_status(desk: &Desk, p: &Principal, id: i64, status: Status) -> Result<()> {
    let a = tickets::access(desk, p, id).await?;
    let now = desk.clock.now();
    let mut tx = desk.db.begin().await.db()?;
    let result = async {
        let t = lock(&mut tx, desk, id).await?;
        if t.merged_into.is_some() {
            return Err(Error::invalid("status", "desk-error-ticket-closed"));
        }
        if a.role == TicketRole::Requester
            && !matches!(status, Status::Resolved | Status::InProgress)
        {
            return Err(Error::Forbidden);
        }
        if t.status == status {
            return Ok(());
        }
        write_status(&mut tx, id, status, now).await?;
        event(
            &mut tx,
            id,
            Some(p.person_id),
            &format!("status:{}", status.as_str()),
            now,
        )
        .await?;
        if status == Status::Resolved {
            autoclose::schedule(&mut tx, id, now).await?;
        }
        audit::record(
            &mut tx,
            now,
            Actor::of(p),
            "desk.ticket.status",
            &format!("ticket:{id}"),
            serde_json::json!({ "from": t.status.as_str(), "to": status.as_str() }),
        )
        .await
        .db()?;
        Ok(())
    }
    .await;
    relais_db::finish(tx, result).await
}

/// What IT staff may change on a ticket at once.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct TicketUpdate {
    pub priority: Option<String>,
    pub category: Option<String>,
    /// A person id, or 0 to leave it unassigned.
    pub assignee_id: Option<i64>,
    pub equipment: Option<String>,
}

pub async fn update(desk: &Desk, p: &Principal, id: i64, u: TicketUpdate) -> Result<()> {
    let a = tickets::access(desk, p, id).await?;
    a.require_staff()?;
    let priority = u
        .priority
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| {
            Priority::parse(s).ok_or_else(|| Error::invalid("priority", "desk-error-priority"))
        })
        .transpose()?;
    let category = u
        .category
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| {
            Category::parse(s).ok_or_else(|| Error::invalid("category", "desk-error-category"))
        })
        .transpose()?;
    let equipment = u
        .equipment
        .as_deref()
        .map(|e| crate::clean(e, "equipment", 200))
        .transpose()?;
    let now = desk.clock.now();
    let mut tx = desk.db.begin().await.db()?;
    let result = async {
        lock(&mut tx, desk, id).await?;
        if let Some(assignee) = u.assignee_id {
            let value = if assignee == 0 { None } else {
                let ok: Option<(i64,)> = sqlx::query_as(
                    "SELECT person_id FROM role_grants WHERE person_id = $1 AND role IN ('it_staff', 'admin')")
                    .bind(assignee).fetch_optional(&mut *tx).await.db()?;
                if ok.is_none() {
                    return Err(Error::invalid("assignee_id", "desk-error-assignee"));
                }
                Some(assignee)
            };
            sqlx::query("UPDATE desk_tickets SET assignee_id = $1, updated_at = $2 WHERE id = $3")
                .bind(value).bind(now.0).bind(id).execute(&mut *tx).await.db()?;
            event(&mut tx, id, Some(p.person_id), &format!("assigned:{}", value.unwrap_or(0)), now).await?;
        }
        if priority.is_some() || category.is_some() {
            let (cat, prio, created): (String, String, i64) =
                sqlx::query_as("SELECT category, priority, created_at FROM desk_tickets WHERE id = $1")
                    .bind(id).fetch_one(&mut *tx).await.db()?;
            let cat = category.unwrap_or(Category::parse(&cat).unwrap_or(Category::Other));
            let prio = priority.unwrap_or(Priority::parse(&prio).unwrap_or(Priority::Normal));
            // The targets follow the new priority, counted from the opening.
            let (first, res) = tickets::sla_targets(&mut tx, cat, prio).await?;
            let created = Timestamp(created);
            sqlx::query("UPDATE desk_tickets SET category = $1, priority = $2, first_response_due = $3, resolution_due = $4, updated_at = $5 WHERE id = $6")
                .bind(cat.as_str()).bind(prio.as_str()).bind(created.plus_secs(first * 60).0)
                .bind(created.plus_secs(res * 60).0).bind(now.0).bind(id).execute(&mut *tx).await.db()?;
        }
        if let Some(e) = &equipment {
            sqlx::query("UPDATE desk_tickets SET equipment = $1 WHERE id = $2")
                .bind(if e.is_empty() { None } else { Some(e.clone()) }).bind(id).execute(&mut *tx).await.db()?;
        }
        audit::record(&mut tx, now, Actor::of(p), "desk.ticket.update", &format!("ticket:{id}"),
            serde_json::json!({ "priority": priority.map(|p| p.as_str()), "category": category.map(|c| c.as_str()), "assignee": u.assignee_id })).await.db()?;
        Ok(())
    }
    .await;
    relais_db::finish(tx, result).await
}

/// Merges a duplicate into another ticket: the duplicate is closed and
/// points to the one that stays; its requester is told where to follow.
pub async fn merge(desk: &Desk, p: &Principal, duplicate: i64, into: i64) -> Result<()> {
    if duplicate == into {
        return Err(Error::invalid("into", "desk-error-merge-self"));
    }
    tickets::access(desk, p, duplicate).await?.require_staff()?;
    match tickets::access(desk, p, into).await {
        Ok(a) => a.require_staff()?,
        Err(Error::NotFound) => return Err(Error::invalid("into", "desk-error-merge-unknown")),
        Err(e) => return Err(e),
    }
    let now = desk.clock.now();
    let mut tx = desk.db.begin().await.db()?;
    let result = async {
        let dup = lock(&mut tx, desk, duplicate).await?;
        let target = lock(&mut tx, desk, into).await?;
        if dup.merged_into.is_some() || target.merged_into.is_some() || target.status == Status::Closed {
            return Err(Error::invalid("into", "desk-error-merge-unknown"));
        }
        sqlx::query("UPDATE desk_tickets SET merged_into = $1, status = 'closed', closed_at = $2, updated_at = $2 WHERE id = $3")
            .bind(into).bind(now.0).bind(duplicate).execute(&mut *tx).await.db()?;
        event(&mut tx, duplicate, Some(p.person_id), &format!("merged-into:{into}"), now).await?;
        event(&mut tx, into, Some(p.person_id), &format!("merged-from:{duplicate}"), now).await?;
        audit::record(&mut tx, now, Actor::of(p), "desk.ticket.merge", &format!("ticket:{duplicate}"),
            serde_json::json!({ "into": into })).await.db()?;
        notices::merged(&mut tx, desk, duplicate, into, &dup.subject, now).await?;
        Ok(())
    }
    .await;
    relais_db::finish(tx, result).await
}

/// A mail held because its sender is not on the ticket.
#[derive(Debug, Clone)]
pub struct HeldMail {
    pub message_id: i64,
    pub ticket_id: i64,
    pub subject: String,
    pub from: String,
    pub body: String,
    pub at: Timestamp,
}

pub async fn held(desk: &Desk, staff: &DeskStaff) -> Result<Vec<HeldMail>> {
    let mut sql = relais_db::SqlBuf::new(
        "SELECT m.id, t.id, t.subject, COALESCE(m.author_email, ''), m.body, m.created_at FROM desk_messages m
         JOIN desk_tickets t ON t.id = m.ticket_id WHERE m.held_at IS NOT NULL AND m.released_at IS NULL",
    );
    staff.filter(&mut sql);
    sql.push(" ORDER BY m.created_at LIMIT 200");
    let rows: Vec<(i64, i64, String, String, String, i64)> =
        sql.query_as().fetch_all(desk.db.pool()).await.db()?;
    Ok(rows
        .into_iter()
        .map(|r| HeldMail {
            message_id: r.0,
            ticket_id: r.1,
            subject: r.2,
            from: r.3,
            body: r.4,
            at: Timestamp(r.5),
        })
        .collect())
}

/// Lets a held mail into the thread (`accept`), or discards it.
pub async fn release(desk: &Desk, p: &Principal, message: i64, accept: bool) -> Result<i64> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT ticket_id FROM desk_messages WHERE id = $1 AND held_at IS NOT NULL AND released_at IS NULL")
        .bind(message).fetch_optional(desk.db.pool()).await.db()?;
    let ticket = row.ok_or(Error::NotFound)?.0;
    tickets::access(desk, p, ticket).await?.require_staff()?;
    let now = desk.clock.now();
    let mut tx = desk.db.begin().await.db()?;
    let result = async {
        if accept {
            sqlx::query("UPDATE desk_messages SET released_at = $1 WHERE id = $2")
                .bind(now.0)
                .bind(message)
                .execute(&mut *tx)
                .await
                .db()?;
        } else {
            sqlx::query("DELETE FROM desk_attachments WHERE message_id = $1")
                .bind(message)
                .execute(&mut *tx)
                .await
                .db()?;
            sqlx::query("DELETE FROM desk_messages WHERE id = $1")
                .bind(message)
                .execute(&mut *tx)
                .await
                .db()?;
        }
        audit::record(
            &mut tx,
            now,
            Actor::of(p),
            if accept {
                "desk.mail.release"
            } else {
                "desk.mail.discard"
            },
            &format!("ticket:{ticket}"),
            serde_json::json!({ "message": message }),
        )
        .await
        .db()?;
        Ok(ticket)
    }
    .await;
    relais_db::finish(tx, result).await
}
