//! Known issues: the crisis banner. IT staff publish one; it shows on the
//! home page, on the request form as people type and on the hotline's call
//! screen; new tickets that match it are attached to it; when it is fixed,
//! one answer resolves every attached ticket and tells each requester.

use relais_core::{Error, Principal, Result, Timestamp};
use relais_db::audit::{self, Actor};
use relais_db::{Db, DbResultExt, SqlBuf, Tx};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::DeskStaff;
use crate::model::{Category, KnownIssueStatus, MessageKind, Status};
use crate::{Desk, autoclose, clean, notices, required, search};

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct NewKnownIssue {
    pub title: String,
    pub body: String,
    /// Only tickets of this category match, when given.
    pub category: Option<String>,
    /// Comma-separated phrases; a ticket matches when it holds every word of one.
    pub keywords: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct KnownIssue {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub category: Option<Category>,
    pub keywords: String,
    pub status: KnownIssueStatus,
    pub created_at: String,
    pub resolved_at: Option<String>,
    pub resolution: Option<String>,
    /// Tickets attached to it.
    pub tickets: i64,
}

type Row = (
    i64,
    String,
    String,
    Option<String>,
    String,
    String,
    i64,
    Option<i64>,
    Option<String>,
    i64,
);

const SELECT: &str = "SELECT k.id, k.title, k.body, k.category, k.keywords, k.status, k.created_at, k.resolved_at, k.resolution,
    (SELECT COUNT(*) FROM desk_tickets t WHERE t.known_issue_id = k.id) FROM desk_known_issues k";

fn from_row(r: Row) -> KnownIssue {
    KnownIssue {
        id: r.0,
        title: r.1,
        body: r.2,
        category: r.3.as_deref().and_then(Category::parse),
        keywords: r.4,
        status: KnownIssueStatus::parse(&r.5).unwrap_or(KnownIssueStatus::Active),
        created_at: Timestamp(r.6).rfc3339(),
        resolved_at: r.7.map(|t| Timestamp(t).rfc3339()),
        resolution: r.8,
        tickets: r.9,
    }
}

pub async fn active(db: &Db) -> Result<Vec<KnownIssue>> {
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE k.status = 'active' ORDER BY k.created_at DESC, k.id DESC"
    )))
    .fetch_all(db.pool())
    .await
    .db()?;
    Ok(rows.into_iter().map(from_row).collect())
}

pub async fn all(db: &Db) -> Result<Vec<KnownIssue>> {
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} ORDER BY k.status, k.created_at DESC, k.id DESC LIMIT 200"
    )))
    .fetch_all(db.pool())
    .await
    .db()?;
    Ok(rows.into_iter().map(from_row).collect())
}

pub async fn get(db: &Db, id: i64) -> Result<KnownIssue> {
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE k.id = $1")))
        .bind(id)
        .fetch_optional(db.pool())
        .await
        .db()?;
    row.map(from_row).ok_or(Error::NotFound)
}

/// Does `text` hold every word of one of the comma-separated `keywords`?
pub fn matches(keywords: &str, text: &str) -> bool {
    let terms = search::terms(text);
    keywords.split(',').any(|phrase| {
        let words = search::terms(phrase);
        !words.is_empty() && words.iter().all(|w| terms.contains(w))
    })
}

/// Active issues that a text being typed matches.
pub async fn matching_text(db: &Db, text: &str) -> Result<Vec<KnownIssue>> {
    Ok(active(db)
        .await?
        .into_iter()
        .filter(|k| matches(&k.keywords, text))
        .collect())
}

/// The newest active issue a new ticket matches: (id, title).
pub(crate) async fn matching(
    tx: &mut Tx,
    category: Category,
    text: &str,
) -> Result<Option<(i64, String)>> {
    let rows: Vec<(i64, String, Option<String>, String)> = sqlx::query_as(
        "SELECT id, title, category, keywords FROM desk_known_issues WHERE status = 'active' ORDER BY created_at DESC, id DESC",
    )
    .fetch_all(&mut **tx)
    .await
    .db()?;
    Ok(rows
        .into_iter()
        .find(|r| r.2.as_deref().is_none_or(|c| c == category.as_str()) && matches(&r.3, text))
        .map(|r| (r.0, r.1)))
}

pub async fn publish(desk: &Desk, p: &Principal, k: NewKnownIssue) -> Result<i64> {
    DeskStaff::for_principal(p)?;
    let title = required(&k.title, "title", 200)?;
    let body = required(&k.body, "body", 10_000)?;
    let keywords = required(&k.keywords, "keywords", 500)?;
    if keywords.split(',').all(|p| search::terms(p).is_empty()) {
        return Err(Error::invalid("keywords", "desk-error-keywords"));
    }
    let category = match k
        .category
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        None => None,
        Some(c) => Some(
            Category::parse(c).ok_or_else(|| Error::invalid("category", "desk-error-category"))?,
        ),
    };
    let now = desk.clock.now();
    let mut tx = desk.db.begin().await.db()?;
    let result = async {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO desk_known_issues (title, body, category, keywords, status, published_by, created_at)
             VALUES ($1, $2, $3, $4, 'active', $5, $6) RETURNING id",
        )
        .bind(&title)
        .bind(&body)
        .bind(category.map(|c| c.as_str()))
        .bind(&keywords)
        .bind(p.person_id.0)
        .bind(now.0)
        .fetch_one(&mut *tx)
        .await
        .db()?;
        audit::record(&mut tx, now, Actor::of(p), "desk.known_issue.publish", &format!("known_issue:{id}"), serde_json::json!({ "title": title })).await.db()?;
        Ok(id)
    }
    .await;
    relais_db::finish(tx, result).await
}

/// Attaches a ticket to an issue by hand (IT staff).
pub async fn attach(desk: &Desk, p: &Principal, ticket: i64, issue: i64) -> Result<()> {
    crate::tickets::access(desk, p, ticket)
        .await?
        .require_staff()?;
    let k = get(&desk.db, issue)
        .await
        .map_err(|_| Error::invalid("known_issue_id", "desk-error-known-issue"))?;
    if k.status != KnownIssueStatus::Active {
        return Err(Error::invalid("known_issue_id", "desk-error-known-issue"));
    }
    let now = desk.clock.now();
    let mut tx = desk.db.begin().await.db()?;
    let result = async {
        sqlx::query("UPDATE desk_tickets SET known_issue_id = $1, updated_at = $2 WHERE id = $3")
            .bind(issue)
            .bind(now.0)
            .bind(ticket)
            .execute(&mut *tx)
            .await
            .db()?;
        audit::record(
            &mut tx,
            now,
            Actor::of(p),
            "desk.known_issue.attach",
            &format!("ticket:{ticket}"),
            serde_json::json!({ "known_issue": issue }),
        )
        .await
        .db()?;
        Ok(())
    }
    .await;
    relais_db::finish(tx, result).await
}

/// One answer resolves every open ticket attached: each gets the answer as
/// a public reply, is resolved (and will close by itself), and its
/// requester is mailed. Returns how many tickets were resolved.
pub async fn resolve(desk: &Desk, p: &Principal, issue: i64, answer: &str) -> Result<usize> {
    DeskStaff::for_principal(p)?;
    let answer = required(answer, "resolution", 10_000)?;
    let answer = clean(&answer, "resolution", 10_000)?;
    let now = desk.clock.now();
    let mut tx = desk.db.begin().await.db()?;
    let result = async {
        let updated = sqlx::query("UPDATE desk_known_issues SET status = 'resolved', resolved_at = $1, resolution = $2 WHERE id = $3 AND status = 'active'")
            .bind(now.0).bind(&answer).bind(issue).execute(&mut *tx).await.db()?;
        if updated.rows_affected() == 0 {
            return Err(Error::invalid("resolution", "desk-error-known-issue"));
        }
        let open: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, subject FROM desk_tickets WHERE known_issue_id = $1 AND merged_into IS NULL AND status IN ('new', 'in_progress', 'waiting') ORDER BY id",
        )
        .bind(issue)
        .fetch_all(&mut *tx)
        .await
        .db()?;
        let ids: Vec<i64> = open.iter().map(|(id, _)| *id).collect();
        if !ids.is_empty() {
            // The answer on every ticket, and every ticket resolved, in two statements.
            let mut replies = SqlBuf::new(
                "INSERT INTO desk_messages (ticket_id, kind, author_person_id, body, created_at) SELECT id, ",
            );
            replies
                .bind(MessageKind::Public.as_str())
                .push(", ")
                .bind(p.person_id.0)
                .push(", ")
                .bind(answer.clone())
                .push(", ")
                .bind(now.0)
                .push(" FROM desk_tickets WHERE id IN ")
                .bind_list(ids.iter().copied())
                .push(" ORDER BY id");
            replies.query().execute(&mut *tx).await.db()?;
            let mut resolved = SqlBuf::new("UPDATE desk_tickets SET first_response_at = COALESCE(first_response_at, ");
            resolved
                .bind(now.0)
                .push("), status = ")
                .bind(Status::Resolved.as_str())
                .push(", updated_at = ")
                .bind(now.0)
                .push(", resolved_at = ")
                .bind(now.0)
                .push(", closed_at = NULL WHERE id IN ")
                .bind_list(ids.iter().copied());
            resolved.query().execute(&mut *tx).await.db()?;
            autoclose::schedule_many(&mut tx, &ids, now).await?;
        }
        for (id, subject) in &open {
            notices::known_issue_resolved(&mut tx, desk, *id, issue, subject, &answer, now).await?;
        }
        audit::record(&mut tx, now, Actor::of(p), "desk.known_issue.resolve", &format!("known_issue:{issue}"), serde_json::json!({ "tickets": open.len() })).await.db()?;
        Ok(open.len())
    }
    .await;
    relais_db::finish(tx, result).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_ticket_matches_every_word_of_one_phrase() {
        assert!(super::matches(
            "box, coupure internet",
            "Ma box ne marche plus"
        ));
        assert!(super::matches(
            "coupure internet",
            "Coupure de l'Internet ce matin"
        ));
        assert!(!super::matches("coupure internet", "internet lent"));
        assert!(!super::matches("vpn", "Ma box ne marche plus"));
    }
}
