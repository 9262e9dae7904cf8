//! Delegations, units (with their partner institutions), teams and sites.

use relais_core::text::{fold, like_escape};
use relais_core::{DelegationId, Error, Page, PageRequest, Result, SiteId, UnitId};
use relais_db::{Db, DbResultExt, SqlBuf, Tx};
use serde::Serialize;
use utoipa::ToSchema;

use crate::access::DirectoryView;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Delegation {
    #[schema(value_type = i64)]
    pub id: DelegationId,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Unit {
    #[schema(value_type = i64)]
    pub id: UnitId,
    pub code: String,
    pub name: String,
    #[schema(value_type = i64)]
    pub delegation_id: DelegationId,
    pub delegation_code: String,
    pub delegation_name: String,
    /// Partner institutions of a joint unit; empty for the institute's own units.
    pub partners: Vec<String>,
    /// Number of people in the unit.
    pub people: i64,
}

/// The delegation with this code, created with `name` if it does not exist.
pub async fn ensure_delegation(tx: &mut Tx, code: &str, name: &str) -> Result<DelegationId> {
    sqlx::query(
        "INSERT INTO delegations (code, name) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING",
    )
    .bind(code)
    .bind(name)
    .execute(&mut **tx)
    .await
    .db()?;
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM delegations WHERE code = $1")
        .bind(code)
        .fetch_one(&mut **tx)
        .await
        .db()?;
    Ok(DelegationId(id))
}

/// The site with this name in `delegation`, created if it does not exist.
pub async fn ensure_site(
    tx: &mut Tx,
    delegation: DelegationId,
    name: &str,
    city: &str,
) -> Result<SiteId> {
    sqlx::query(
        "INSERT INTO sites (delegation_id, name, city) VALUES ($1, $2, $3) ON CONFLICT (delegation_id, name) DO NOTHING",
    )
    .bind(delegation.0)
    .bind(name)
    .bind(city)
    .execute(&mut **tx)
    .await
    .db()?;
    let (id,): (i64,) =
        sqlx::query_as("SELECT id FROM sites WHERE delegation_id = $1 AND name = $2")
            .bind(delegation.0)
            .bind(name)
            .fetch_one(&mut **tx)
            .await
            .db()?;
    Ok(SiteId(id))
}

pub async fn delegations(db: &Db) -> Result<Vec<Delegation>> {
    let rows: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, code, name FROM delegations ORDER BY name")
            .fetch_all(db.pool())
            .await
            .db()?;
    Ok(rows
        .into_iter()
        .map(|(id, code, name)| Delegation {
            id: DelegationId(id),
            code,
            name,
        })
        .collect())
}

#[derive(Debug, Clone, Default)]
pub struct UnitFilter {
    pub q: Option<String>,
    pub delegation: Option<DelegationId>,
}

type UnitRow = (i64, String, String, i64, String, String, i64);

pub async fn units(
    db: &Db,
    view: &DirectoryView,
    filter: &UnitFilter,
    page: PageRequest,
) -> Result<Page<Unit>> {
    let filtered = |sql: &mut SqlBuf| {
        sql.push(" WHERE 1 = 1");
        view.restrict(sql);
        if let Some(d) = filter.delegation {
            sql.push(" AND u.delegation_id = ").bind(d.0);
        }
        for word in filter
            .q
            .as_deref()
            .map(fold)
            .unwrap_or_default()
            .split_whitespace()
        {
            sql.push(" AND u.search_key LIKE ")
                .bind(format!("%{}%", like_escape(word)))
                .push(" ESCAPE '\\'");
        }
    };
    let mut count = SqlBuf::new("SELECT COUNT(*) FROM units u");
    filtered(&mut count);
    let (total,): (i64,) = count.query_as().fetch_one(db.pool()).await.db()?;
    let mut list = SqlBuf::new(
        "SELECT u.id, u.code, u.name, d.id, d.code, d.name,
                (SELECT COUNT(*) FROM people p WHERE p.unit_id = u.id)
         FROM units u JOIN delegations d ON d.id = u.delegation_id",
    );
    filtered(&mut list);
    list.push(" ORDER BY u.code LIMIT ")
        .bind(page.limit())
        .push(" OFFSET ")
        .bind(page.offset());
    let rows: Vec<UnitRow> = list.query_as().fetch_all(db.pool()).await.db()?;
    let items = with_partners(db, rows).await?;
    Ok(Page {
        items,
        page: page.page,
        per_page: page.per_page,
        total: total as u64,
    })
}

async fn with_partners(db: &Db, rows: Vec<UnitRow>) -> Result<Vec<Unit>> {
    let mut sql = SqlBuf::new("SELECT unit_id, partner FROM unit_partners WHERE unit_id IN ");
    sql.bind_list(rows.iter().map(|r| r.0))
        .push(" ORDER BY partner");
    let partners: Vec<(i64, String)> = sql.query_as().fetch_all(db.pool()).await.db()?;
    Ok(rows
        .into_iter()
        .map(|(id, code, name, did, dcode, dname, people)| Unit {
            id: UnitId(id),
            code,
            name,
            delegation_id: DelegationId(did),
            delegation_code: dcode,
            delegation_name: dname,
            partners: partners
                .iter()
                .filter(|(u, _)| *u == id)
                .map(|(_, p)| p.clone())
                .collect(),
            people,
        })
        .collect())
}

pub async fn unit(db: &Db, view: &DirectoryView, id: UnitId) -> Result<Unit> {
    let row: Option<UnitRow> = sqlx::query_as(
        "SELECT u.id, u.code, u.name, d.id, d.code, d.name,
                (SELECT COUNT(*) FROM people p WHERE p.unit_id = u.id)
         FROM units u JOIN delegations d ON d.id = u.delegation_id WHERE u.id = $1",
    )
    .bind(id.0)
    .fetch_optional(db.pool())
    .await
    .db()?;
    let row = row.ok_or(Error::NotFound)?;
    if !view.covers(UnitId(row.0), DelegationId(row.3)) {
        return Err(Error::Forbidden);
    }
    Ok(with_partners(db, vec![row]).await?.remove(0))
}
