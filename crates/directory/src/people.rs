//! Finding and reading people. Everyone sees their own profile, their direct
//! reports and their PhD students; browsing beyond that needs a
//! `DirectoryView`, limited to its scopes.

use relais_core::text::{fold, like_escape};
use relais_core::{
    DelegationId, Error, Lang, Page, PageRequest, PersonId, Principal, Result, UnitId,
};
use relais_db::{Db, DbResultExt, SqlBuf};
use serde::Serialize;
use utoipa::ToSchema;

use crate::access::DirectoryView;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonSummary {
    #[schema(value_type = i64)]
    pub id: PersonId,
    pub employee_number: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub job_category: Option<String>,
    #[schema(value_type = Option<i64>)]
    pub unit_id: Option<UnitId>,
    pub unit_code: Option<String>,
    pub unit_name: Option<String>,
    #[schema(value_type = Option<i64>)]
    pub delegation_id: Option<DelegationId>,
    pub delegation_name: Option<String>,
}

impl PersonSummary {
    pub fn display_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// Another person named on a profile.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonRef {
    #[schema(value_type = i64)]
    pub id: PersonId,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoleView {
    pub role: String,
    pub scope: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonDetail {
    #[serde(flatten)]
    pub summary: PersonSummary,
    pub team: Option<String>,
    pub manager: Option<PersonRef>,
    pub phd_supervisor: Option<PersonRef>,
    pub language: Option<String>,
    pub site: Option<String>,
    pub reports: Vec<PersonRef>,
    pub phd_students: Vec<PersonRef>,
    pub roles: Vec<RoleView>,
}

#[derive(Debug, Clone, Default)]
pub struct PeopleFilter {
    pub q: Option<String>,
    pub unit: Option<UnitId>,
    pub delegation: Option<DelegationId>,
}

const SUMMARY_COLUMNS: &str =
    "p.id, p.employee_number, p.first_name, p.last_name, p.email, p.job_category,
    u.id, u.code, u.name, d.id, d.name";
const SUMMARY_FROM: &str = " FROM people p LEFT JOIN units u ON u.id = p.unit_id LEFT JOIN delegations d ON d.id = u.delegation_id";

type SummaryRow = (
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
);

fn summary(r: SummaryRow) -> PersonSummary {
    PersonSummary {
        id: PersonId(r.0),
        employee_number: r.1,
        first_name: r.2,
        last_name: r.3,
        email: r.4,
        job_category: r.5,
        unit_id: r.6.map(UnitId),
        unit_code: r.7,
        unit_name: r.8,
        delegation_id: r.9.map(DelegationId),
        delegation_name: r.10,
    }
}

/// The words people type, folded, each of which must match (name, email, employee number or unit code).
pub fn search_key(
    first: &str,
    last: &str,
    email: &str,
    employee_number: &str,
    unit_code: &str,
) -> String {
    fold(&format!(
        "{first} {last} {email} {employee_number} {unit_code}"
    ))
}

pub async fn search(
    db: &Db,
    view: &DirectoryView,
    filter: &PeopleFilter,
    page: PageRequest,
) -> Result<Page<PersonSummary>> {
    let filtered = |sql: &mut SqlBuf| {
        sql.push(" WHERE 1 = 1");
        view.restrict(sql);
        if let Some(u) = filter.unit {
            sql.push(" AND p.unit_id = ").bind(u.0);
        }
        if let Some(d) = filter.delegation {
            sql.push(" AND u.delegation_id = ").bind(d.0);
        }
        for word in filter
            .q
            .as_deref()
            .map(fold)
            .unwrap_or_default()
            .split_whitespace()
            .take(8)
        {
            sql.push(" AND p.search_key LIKE ")
                .bind(format!("%{}%", like_escape(word)))
                .push(" ESCAPE '\\'");
        }
    };
    let mut count = SqlBuf::new("SELECT COUNT(*)");
    count.push(SUMMARY_FROM);
    filtered(&mut count);
    let (total,): (i64,) = count.query_as().fetch_one(db.pool()).await.db()?;
    let mut list = SqlBuf::new("SELECT ");
    list.push(SUMMARY_COLUMNS).push(SUMMARY_FROM);
    filtered(&mut list);
    list.push(" ORDER BY p.last_name, p.first_name, p.id LIMIT ")
        .bind(page.limit())
        .push(" OFFSET ")
        .bind(page.offset());
    let rows: Vec<SummaryRow> = list.query_as().fetch_all(db.pool()).await.db()?;
    Ok(Page {
        items: rows.into_iter().map(summary).collect(),
        page: page.page,
        per_page: page.per_page,
        total: total as u64,
    })
}

async fn refs(db: &Db, sql: &'static str, id: PersonId) -> Result<Vec<PersonRef>> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(sql)
        .bind(id.0)
        .fetch_all(db.pool())
        .await
        .db()?;
    Ok(rows
        .into_iter()
        .map(|(id, first, last)| PersonRef {
            id: PersonId(id),
            name: format!("{first} {last}"),
        })
        .collect())
}

/// A person's profile, for someone allowed to see it.
pub async fn get(db: &Db, viewer: &Principal, id: PersonId) -> Result<PersonDetail> {
    let mut sql = SqlBuf::new("SELECT ");
    sql.push(SUMMARY_COLUMNS)
        .push(", t.name, p.manager_id, p.phd_supervisor_id, p.language, s.name")
        .push(SUMMARY_FROM)
        .push(" LEFT JOIN teams t ON t.id = p.team_id LEFT JOIN sites s ON s.id = p.site_id WHERE p.id = ")
        .bind(id.0);
    let row = sql
        .query()
        .fetch_optional(db.pool())
        .await
        .db()?
        .ok_or(Error::NotFound)?;
    use sqlx::Row;
    let get = |i: usize| -> Result<Option<i64>> { row.try_get(i).db() };
    let s = summary((
        row.try_get(0).db()?,
        row.try_get(1).db()?,
        row.try_get(2).db()?,
        row.try_get(3).db()?,
        row.try_get(4).db()?,
        row.try_get(5).db()?,
        get(6)?,
        row.try_get(7).db()?,
        row.try_get(8).db()?,
        get(9)?,
        row.try_get(10).db()?,
    ));
    let manager_id = get(12)?;
    let supervisor_id = get(13)?;
    let allowed = viewer.person_id == id
        || manager_id == Some(viewer.person_id.0)
        || supervisor_id == Some(viewer.person_id.0)
        || match (
            DirectoryView::for_principal(viewer),
            s.unit_id,
            s.delegation_id,
        ) {
            (Ok(view), Some(u), Some(d)) => view.covers(u, d),
            (Ok(view), _, _) => view.everywhere(),
            _ => false,
        };
    if !allowed {
        return Err(Error::Forbidden);
    }
    let person_ref = |pid: Option<i64>| async move {
        match pid {
            Some(pid) => Ok::<_, Error>(
                refs(
                    db,
                    "SELECT id, first_name, last_name FROM people WHERE id = $1",
                    PersonId(pid),
                )
                .await?
                .pop(),
            ),
            None => Ok(None),
        }
    };
    let grants: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT g.role, g.scope_kind, COALESCE(d.name, u.code)
         FROM role_grants g
         LEFT JOIN delegations d ON g.scope_kind = 'delegation' AND d.id = g.scope_id
         LEFT JOIN units u ON g.scope_kind = 'unit' AND u.id = g.scope_id
         WHERE g.person_id = $1 ORDER BY g.role",
    )
    .bind(id.0)
    .fetch_all(db.pool())
    .await
    .db()?;
    Ok(PersonDetail {
        team: row.try_get(11).db()?,
        manager: person_ref(manager_id).await?,
        phd_supervisor: person_ref(supervisor_id).await?,
        language: row.try_get(14).db()?,
        site: row.try_get(15).db()?,
        reports: refs(
            db,
            "SELECT id, first_name, last_name FROM people WHERE manager_id = $1 ORDER BY last_name, first_name",
            id,
        )
        .await?,
        phd_students: refs(
            db,
            "SELECT id, first_name, last_name FROM people WHERE phd_supervisor_id = $1 ORDER BY last_name, first_name",
            id,
        )
        .await?,
        roles: grants
            .into_iter()
            .map(|(role, kind, name)| RoleView {
                role,
                scope: match name {
                    Some(n) => format!("{kind}: {n}"),
                    None => kind,
                },
            })
            .collect(),
        summary: s,
    })
}

/// Keeps a person's language (a change they make, so it is audited).
pub async fn set_language(
    db: &Db,
    clock: &dyn relais_core::Clock,
    person: PersonId,
    lang: Lang,
) -> Result<()> {
    let mut tx = db.begin().await.db()?;
    let result = async {
        sqlx::query("UPDATE people SET language = $1 WHERE id = $2")
            .bind(lang.code())
            .bind(person.0)
            .execute(&mut *tx)
            .await
            .db()?;
        relais_db::audit::record(
            &mut tx,
            clock.now(),
            relais_db::audit::Actor::person(person),
            "person.set_language",
            &format!("person:{person}"),
            serde_json::json!({ "language": lang.code() }),
        )
        .await
        .db()?;
        Ok(())
    }
    .await;
    relais_db::finish(tx, result).await
}

/// What other features may know of a person: enough to write to them, to
/// decide who may register for what, and who approves their requests.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonBrief {
    #[schema(value_type = i64)]
    pub id: PersonId,
    pub name: String,
    pub email: String,
    pub language: Option<String>,
    #[schema(value_type = Option<i64>)]
    pub unit_id: Option<UnitId>,
    pub unit_code: Option<String>,
    #[schema(value_type = Option<i64>)]
    pub delegation_id: Option<DelegationId>,
    pub delegation_name: Option<String>,
    #[schema(value_type = Option<i64>)]
    pub manager_id: Option<PersonId>,
    /// Supervises at least one PhD student.
    pub supervises_phd: bool,
    /// Has at least one direct report.
    pub manages: bool,
}

type BriefRow = (
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<i64>,
    i64,
    i64,
);

/// Briefs of these people, in no particular order; unknown ids are left out.
pub async fn briefs(db: &Db, ids: &[PersonId]) -> Result<Vec<PersonBrief>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut conn = db.pool().acquire().await.db()?;
    briefs_on(&mut conn, ids).await
}

/// The brief of one person, read inside the caller's transaction (so that a
/// service holding a lock never waits for a second connection from the pool).
pub async fn brief_in(tx: &mut relais_db::Tx, id: PersonId) -> Result<PersonBrief> {
    briefs_on(&mut *tx, &[id])
        .await?
        .pop()
        .ok_or(Error::NotFound)
}

/// Briefs of these people, read inside the caller's transaction.
pub async fn briefs_in(tx: &mut relais_db::Tx, ids: &[PersonId]) -> Result<Vec<PersonBrief>> {
    briefs_on(&mut *tx, ids).await
}

/// Briefs of these people by id, read inside the caller's transaction, each
/// once however often it is named.
pub async fn brief_map_in(
    tx: &mut relais_db::Tx,
    ids: impl IntoIterator<Item = PersonId>,
) -> Result<std::collections::HashMap<PersonId, PersonBrief>> {
    let mut ids: Vec<PersonId> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(briefs_on(&mut *tx, &ids)
        .await?
        .into_iter()
        .map(|b| (b.id, b))
        .collect())
}

async fn briefs_on(conn: &mut sqlx::AnyConnection, ids: &[PersonId]) -> Result<Vec<PersonBrief>> {
    let mut all = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let mut sql = SqlBuf::new(
            "SELECT p.id, p.first_name, p.last_name, p.email, p.language, u.id, u.code, d.id, d.name, p.manager_id,
                    (SELECT COUNT(*) FROM people s WHERE s.phd_supervisor_id = p.id),
                    (SELECT COUNT(*) FROM people r WHERE r.manager_id = p.id)
             FROM people p LEFT JOIN units u ON u.id = p.unit_id LEFT JOIN delegations d ON d.id = u.delegation_id
             WHERE p.id IN ",
        );
        sql.bind_list(chunk.iter().map(|p| p.0));
        let rows: Vec<BriefRow> = sql.query_as().fetch_all(&mut *conn).await.db()?;
        all.extend(rows.into_iter().map(|r| PersonBrief {
            id: PersonId(r.0),
            name: format!("{} {}", r.1, r.2).trim().to_string(),
            email: r.3,
            language: r.4,
            unit_id: r.5.map(UnitId),
            unit_code: r.6,
            delegation_id: r.7.map(DelegationId),
            delegation_name: r.8,
            manager_id: r.9.map(PersonId),
            supervises_phd: r.10 > 0,
            manages: r.11 > 0,
        }));
    }
    Ok(all)
}

pub async fn brief(db: &Db, id: PersonId) -> Result<PersonBrief> {
    briefs(db, &[id]).await?.pop().ok_or(Error::NotFound)
}
