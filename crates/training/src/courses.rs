//! The offer: courses, e-learning modules and external MOOCs.

use relais_core::text::{like_escape, search_key, search_words};
use relais_core::{Clock, DelegationId, Error, Msg, Page, PageRequest, PersonId, Result};
use relais_db::audit::{self, Actor};
use relais_db::{Db, DbResultExt, SqlBuf};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::TrainingOffice;
use crate::model::Format;

/// What it takes to create a course: only a title and a format are required.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct NewCourse {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[schema(value_type = Format)]
    pub format: String,
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub summary: String,
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub objectives: String,
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub audience: String,
    #[schema(minimum = 1)]
    pub duration_minutes: Option<i64>,
    #[serde(default)]
    pub themes: Vec<String>,
    /// The delegation whose training pole owns it; none for the national office.
    pub owner_delegation_id: Option<i64>,
    pub link: Option<String>,
    pub provider: Option<String>,
    #[schema(minimum = 1)]
    pub effort_minutes: Option<i64>,
    /// Delegations recommending an e-learning module or MOOC.
    #[serde(default)]
    pub recommended_by: Vec<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Course {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub objectives: String,
    pub audience: String,
    pub format: Format,
    pub duration_minutes: Option<i64>,
    pub themes: Vec<String>,
    pub owner_delegation_id: Option<i64>,
    pub link: Option<String>,
    pub provider: Option<String>,
    pub effort_minutes: Option<i64>,
    pub recommended_by: Vec<i64>,
}

fn invalid(field: &'static str, key: &'static str) -> Error {
    Error::Invalid {
        field,
        msg: Msg::new(key),
    }
}

fn clean(s: &str, field: &'static str, max: usize) -> Result<String> {
    let s = s.trim();
    if s.chars().count() > max || s.chars().any(|c| c.is_control() && c != '\n' && c != '\r') {
        return Err(invalid(field, "training-error-text-too-long"));
    }
    Ok(s.to_string())
}

pub async fn create(
    db: &Db,
    clock: &dyn Clock,
    actor: Actor,
    office: &TrainingOffice,
    c: NewCourse,
) -> Result<i64> {
    let title = clean(&c.title, "title", 200)?;
    if title.is_empty() {
        return Err(invalid("title", "error-required"));
    }
    let format =
        Format::parse(&c.format).ok_or_else(|| invalid("format", "training-error-format"))?;
    office.check(c.owner_delegation_id.map(DelegationId))?;
    if c.duration_minutes.is_some_and(|d| d <= 0) || c.effort_minutes.is_some_and(|d| d <= 0) {
        return Err(invalid("duration_minutes", "training-error-duration"));
    }
    if let Some(link) = &c.link
        && !(link.starts_with("https://") || link.starts_with("http://"))
    {
        return Err(invalid("link", "training-error-link"));
    }
    let themes: Vec<String> = c
        .themes
        .iter()
        .map(|t| clean(t, "themes", 100))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect();
    let summary = clean(&c.summary, "summary", 4000)?;
    let objectives = clean(&c.objectives, "objectives", 4000)?;
    let audience = clean(&c.audience, "audience", 1000)?;
    let key = search_key(&format!(
        "{title} {summary} {objectives} {} {}",
        themes.join(" "),
        c.provider.as_deref().unwrap_or("")
    ));
    let now = clock.now();
    let mut tx = db.begin().await.db()?;
    let result = async {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO courses (title, summary, objectives, audience, format, duration_minutes, themes, owner_delegation_id,
                                  link, provider, effort_minutes, search_key, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
        )
        .bind(&title)
        .bind(&summary)
        .bind(&objectives)
        .bind(&audience)
        .bind(format.as_str())
        .bind(c.duration_minutes)
        .bind(themes.join("|"))
        .bind(c.owner_delegation_id)
        .bind(&c.link)
        .bind(&c.provider)
        .bind(c.effort_minutes)
        .bind(&key)
        .bind(now.0)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            if e.as_database_error().is_some_and(|d| d.is_foreign_key_violation()) {
                invalid("owner_delegation_id", "training-error-unknown-delegation")
            } else {
                Error::internal(e)
            }
        })?;
        for d in &c.recommended_by {
            sqlx::query("INSERT INTO course_recommendations (course_id, delegation_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(d)
                .execute(&mut *tx)
                .await
                .map_err(|_| invalid("recommended_by", "training-error-unknown-delegation"))?;
        }
        audit::record(&mut tx, now, actor, "course.create", &format!("course:{id}"), serde_json::json!({ "title": title, "format": format.as_str() }))
            .await
            .db()?;
        Ok(id)
    }
    .await;
    relais_db::finish(tx, result).await
}

type CourseRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<i64>,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<i64>,
);

const COLUMNS: &str =
    "c.id, c.title, c.summary, c.objectives, c.audience, c.format, c.duration_minutes, c.themes,
    c.owner_delegation_id, c.link, c.provider, c.effort_minutes";

async fn hydrate(db: &Db, rows: Vec<CourseRow>) -> Result<Vec<Course>> {
    let mut sql = SqlBuf::new(
        "SELECT course_id, delegation_id FROM course_recommendations WHERE course_id IN ",
    );
    sql.bind_list(rows.iter().map(|r| r.0))
        .push(" ORDER BY delegation_id");
    let recs: Vec<(i64, i64)> = sql.query_as().fetch_all(db.pool()).await.db()?;
    Ok(rows
        .into_iter()
        .map(|r| Course {
            id: r.0,
            title: r.1,
            summary: r.2,
            objectives: r.3,
            audience: r.4,
            format: Format::parse(&r.5).unwrap_or(Format::InPerson),
            duration_minutes: r.6,
            themes: r
                .7
                .split('|')
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect(),
            owner_delegation_id: r.8,
            link: r.9,
            provider: r.10,
            effort_minutes: r.11,
            recommended_by: recs
                .iter()
                .filter(|(c, _)| *c == r.0)
                .map(|(_, d)| *d)
                .collect(),
        })
        .collect())
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CourseFilter {
    pub q: Option<String>,
    pub format: Option<Format>,
    pub theme: Option<String>,
    /// Courses recommended by, or owned by, this delegation.
    pub delegation: Option<i64>,
}

/// Appends the words of `q` as conditions on a padded search key column.
pub fn match_words(sql: &mut SqlBuf, column: &str, q: Option<&str>) {
    for w in search_words(q.unwrap_or("")).into_iter().take(8) {
        sql.push(" AND ")
            .push(column)
            .push(" LIKE ")
            .bind(format!("%{}%", like_escape(&w)))
            .push(" ESCAPE '\\'");
    }
}

pub async fn list(db: &Db, filter: &CourseFilter, page: PageRequest) -> Result<Page<Course>> {
    let filtered = |sql: &mut SqlBuf| {
        sql.push(" WHERE 1 = 1");
        match_words(sql, "c.search_key", filter.q.as_deref());
        if let Some(f) = filter.format {
            sql.push(" AND c.format = ").bind(f.as_str());
        }
        if let Some(t) = filter.theme.as_deref().filter(|t| !t.is_empty()) {
            sql.push(" AND ('|' || c.themes || '|') LIKE ")
                .bind(format!("%|{}|%", like_escape(t)))
                .push(" ESCAPE '\\'");
        }
        if let Some(d) = filter.delegation {
            sql.push(" AND (c.owner_delegation_id = ")
                .bind(d)
                .push(" OR c.id IN (SELECT course_id FROM course_recommendations WHERE delegation_id = ")
                .bind(d)
                .push("))");
        }
    };
    let mut count = SqlBuf::new("SELECT COUNT(*) FROM courses c");
    filtered(&mut count);
    let (total,): (i64,) = count.query_as().fetch_one(db.pool()).await.db()?;
    let mut list = SqlBuf::new("SELECT ");
    list.push(COLUMNS).push(" FROM courses c");
    filtered(&mut list);
    list.push(" ORDER BY c.title, c.id LIMIT ")
        .bind(page.limit())
        .push(" OFFSET ")
        .bind(page.offset());
    let rows: Vec<CourseRow> = list.query_as().fetch_all(db.pool()).await.db()?;
    Ok(Page {
        items: hydrate(db, rows).await?,
        page: page.page,
        per_page: page.per_page,
        total: total as u64,
    })
}

pub async fn get(db: &Db, id: i64) -> Result<Course> {
    let mut sql = SqlBuf::new("SELECT ");
    sql.push(COLUMNS)
        .push(" FROM courses c WHERE c.id = ")
        .bind(id);
    let rows: Vec<CourseRow> = sql.query_as().fetch_all(db.pool()).await.db()?;
    hydrate(db, rows).await?.pop().ok_or(Error::NotFound)
}

/// An agent records that they followed an e-learning module or a MOOC.
pub async fn record_completion(
    db: &Db,
    clock: &dyn Clock,
    person: PersonId,
    course: i64,
) -> Result<()> {
    let c = get(db, course).await?;
    if c.format.has_sessions() {
        return Err(invalid("course", "training-error-not-self-paced"));
    }
    let now = clock.now();
    let mut tx = db.begin().await.db()?;
    let result = async {
        sqlx::query("INSERT INTO course_completions (course_id, person_id, completed_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(course)
            .bind(person.0)
            .bind(now.0)
            .execute(&mut *tx)
            .await
            .db()?;
        audit::record(&mut tx, now, Actor::person(person), "course.completed", &format!("course:{course}"), serde_json::json!({}))
            .await
            .db()?;
        Ok(())
    }
    .await;
    relais_db::finish(tx, result).await
}

/// Has the person recorded following this self-paced course?
pub async fn completed(db: &Db, person: PersonId, course: i64) -> Result<bool> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT course_id FROM course_completions WHERE course_id = $1 AND person_id = $2",
    )
    .bind(course)
    .bind(person.0)
    .fetch_optional(db.pool())
    .await
    .db()?;
    Ok(row.is_some())
}

/// Every theme used in the offer, for the catalogue's filter.
pub async fn themes(db: &Db) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT DISTINCT themes FROM courses")
        .fetch_all(db.pool())
        .await
        .db()?;
    let mut all: Vec<String> = rows
        .iter()
        .flat_map(|(t,)| t.split('|'))
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    all.sort();
    all.dedup();
    Ok(all)
}
