//! The knowledge base: Markdown articles rendered to sanitised HTML, each
//! with a category, an audience (public, agents, IT staff), a review date,
//! and a counter of "this answered my question" (tickets avoided). Search
//! is French full text over the inverted index in `desk_article_terms`,
//! ranked by BM25 and highlighted (see [`crate::search`]).

use std::collections::HashMap;

use relais_core::{Error, Principal, Result, Timestamp};
use relais_db::audit::{self, Actor};
use relais_db::{Db, DbResultExt, SqlBuf, Tx};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::DeskStaff;
use crate::model::{ArticleAudience, ArticleStatus, Category};
use crate::search::{self, Posting};
use crate::{Desk, clean, required};

/// Markdown to HTML that cannot run anything: raw HTML and scripts are
/// stripped by ammonia, links get `rel="noopener noreferrer"`.
pub fn render_markdown(md: &str) -> String {
    let parser = pulldown_cmark::Parser::new_ext(
        md,
        pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_STRIKETHROUGH,
    );
    let mut html = String::with_capacity(md.len() * 2);
    pulldown_cmark::html::push_html(&mut html, parser);
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into())
        .clean(&html)
        .to_string()
}

/// The plain text of an article, for snippets.
pub fn plain_text(md: &str) -> String {
    let mut out = String::new();
    for ev in pulldown_cmark::Parser::new(md) {
        match ev {
            pulldown_cmark::Event::Text(t) | pulldown_cmark::Event::Code(t) => out.push_str(&t),
            pulldown_cmark::Event::SoftBreak
            | pulldown_cmark::Event::HardBreak
            | pulldown_cmark::Event::End(_) => out.push(' '),
            _ => {}
        }
    }
    out
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ArticleInput {
    pub title: String,
    /// Markdown.
    pub body: String,
    pub category: String,
    /// public, agents or it_staff.
    pub audience: String,
    /// draft or published.
    pub status: String,
    /// YYYY-MM-DD: when to check it is still right.
    pub review_on: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Article {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub category: Category,
    pub audience: ArticleAudience,
    pub status: ArticleStatus,
    pub review_on: Option<String>,
    pub helpful: i64,
    pub source_ticket_id: Option<i64>,
    pub updated_at: String,
}

/// The audiences a reader may see: everyone the public ones, signed-in
/// people the agents' ones, IT staff all.
pub fn audiences(p: Option<&Principal>) -> Vec<&'static str> {
    match p {
        None => vec!["public"],
        Some(p) if DeskStaff::is_staff(p) => vec!["public", "agents", "it_staff"],
        Some(_) => vec!["public", "agents"],
    }
}

/// The audience as a level: a reader sees the levels up to theirs.
pub fn level(a: ArticleAudience) -> i64 {
    match a {
        ArticleAudience::Public => 0,
        ArticleAudience::Agents => 1,
        ArticleAudience::ItStaff => 2,
    }
}

fn reader_level(p: Option<&Principal>) -> i64 {
    match p {
        None => 0,
        Some(p) if DeskStaff::is_staff(p) => 2,
        Some(_) => 1,
    }
}

/// Moves the published-articles statistics of one level.
async fn adjust_stats(tx: &mut Tx, level: i64, articles: i64, length: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO desk_kb_stats (level, articles, length) VALUES ($1, $2, $3)
         ON CONFLICT (level) DO UPDATE SET articles = desk_kb_stats.articles + excluded.articles,
                                           length = desk_kb_stats.length + excluded.length",
    )
    .bind(level)
    .bind(articles)
    .bind(length)
    .execute(&mut **tx)
    .await
    .db()?;
    Ok(())
}

fn parse_day(s: &str, tz: &str) -> Result<Timestamp> {
    let d: jiff::civil::Date = s
        .trim()
        .parse()
        .map_err(|_| Error::invalid("review_on", "desk-error-date"))?;
    let z = d
        .in_tz(tz)
        .map_err(|_| Error::invalid("review_on", "desk-error-date"))?;
    Ok(Timestamp::from_jiff(z.timestamp()))
}

fn day_of(t: Timestamp, tz: &str) -> String {
    let zone = jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC);
    t.to_jiff().to_zoned_datetime(zone).date().to_string()
}

struct Checked {
    title: String,
    body: String,
    category: Category,
    audience: ArticleAudience,
    status: ArticleStatus,
    review: Option<Timestamp>,
}

fn check(a: &ArticleInput, tz: &str) -> Result<Checked> {
    Ok(Checked {
        title: required(&a.title, "title", 200)?,
        body: required(&a.body, "body", 100_000)?,
        category: Category::parse(&a.category)
            .ok_or_else(|| Error::invalid("category", "desk-error-category"))?,
        audience: ArticleAudience::parse(&a.audience)
            .ok_or_else(|| Error::invalid("audience", "desk-error-audience"))?,
        status: if a.status.trim().is_empty() {
            ArticleStatus::Draft
        } else {
            ArticleStatus::parse(&a.status)
                .ok_or_else(|| Error::invalid("status", "desk-error-article-status"))?
        },
        review: a
            .review_on
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| parse_day(s, tz))
            .transpose()?,
    })
}

/// Rewrites the index rows of one article (none unless published).
async fn reindex(tx: &mut Tx, id: i64, c: &Checked) -> Result<i64> {
    let old: Vec<(String, i64)> =
        sqlx::query_as("SELECT term, level FROM desk_article_terms WHERE article_id = $1")
            .bind(id)
            .fetch_all(&mut **tx)
            .await
            .db()?;
    if let Some((_, old_level)) = old.first() {
        for chunk in old.chunks(200) {
            let mut sql = SqlBuf::new("UPDATE desk_kb_df SET df = df - 1 WHERE level = ");
            sql.bind(*old_level)
                .push(" AND term IN ")
                .bind_list(chunk.iter().map(|(t, _)| t.as_str()));
            sql.query().execute(&mut **tx).await.db()?;
        }
    }
    sqlx::query("DELETE FROM desk_article_terms WHERE article_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await
        .db()?;
    let (weights, length) = search::weights(&c.title, &plain_text(&c.body));
    if c.status == ArticleStatus::Published {
        let mut terms: Vec<(&String, &i64)> = weights.iter().collect();
        terms.sort();
        for chunk in terms.chunks(100) {
            let mut sql = SqlBuf::new(
                "INSERT INTO desk_article_terms (term, article_id, weight, prefix, level, length) VALUES ",
            );
            for (i, (t, w)) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                let prefix: String = t.chars().take(3).collect();
                sql.push("(")
                    .bind(t.as_str())
                    .push(", ")
                    .bind(id)
                    .push(", ")
                    .bind(**w)
                    .push(", ")
                    .bind(prefix)
                    .push(", ")
                    .bind(level(c.audience))
                    .push(", ")
                    .bind(length)
                    .push(")");
            }
            sql.query().execute(&mut **tx).await.db()?;
            let mut df = SqlBuf::new("INSERT INTO desk_kb_df (term, level, prefix, df) VALUES ");
            for (i, (t, _)) in chunk.iter().enumerate() {
                if i > 0 {
                    df.push(", ");
                }
                let prefix: String = t.chars().take(3).collect();
                df.push("(")
                    .bind(t.as_str())
                    .push(", ")
                    .bind(level(c.audience))
                    .push(", ")
                    .bind(prefix)
                    .push(", 1)");
            }
            df.push(" ON CONFLICT (term, level) DO UPDATE SET df = desk_kb_df.df + 1");
            df.query().execute(&mut **tx).await.db()?;
        }
    }
    Ok(length)
}

/// Writes a new article (IT staff); `source_ticket` when drafted from a ticket.
pub async fn create(
    desk: &Desk,
    p: &Principal,
    a: ArticleInput,
    source_ticket: Option<i64>,
) -> Result<i64> {
    DeskStaff::for_principal(p)?;
    let c = check(&a, &desk.time_zone)?;
    let now = desk.clock.now();
    let mut tx = desk.db.begin().await.db()?;
    let result = async {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO desk_articles (title, body, category, audience, status, review_at, source_ticket_id, author_id, length, helpful, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, 0, $9, $9) RETURNING id",
        )
        .bind(&c.title).bind(&c.body).bind(c.category.as_str()).bind(c.audience.as_str()).bind(c.status.as_str())
        .bind(c.review.map(|r| r.0)).bind(source_ticket).bind(p.person_id.0).bind(now.0)
        .fetch_one(&mut *tx).await.db()?;
        let length = reindex(&mut tx, id, &c).await?;
        sqlx::query("UPDATE desk_articles SET length = $1 WHERE id = $2").bind(length).bind(id).execute(&mut *tx).await.db()?;
        if c.status == ArticleStatus::Published {
            adjust_stats(&mut tx, level(c.audience), 1, length).await?;
        }
        audit::record(&mut tx, now, Actor::of(p), "desk.article.create", &format!("article:{id}"), serde_json::json!({ "title": c.title, "status": c.status.as_str() })).await.db()?;
        Ok(id)
    }
    .await;
    relais_db::finish(tx, result).await
}

pub async fn update(desk: &Desk, p: &Principal, id: i64, a: ArticleInput) -> Result<()> {
    DeskStaff::for_principal(p)?;
    let c = check(&a, &desk.time_zone)?;
    let now = desk.clock.now();
    let mut tx = desk.db.begin().await.db()?;
    let result = async {
        let old: Option<(String, String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT status, audience, length FROM desk_articles WHERE id = $1{}",
            relais_db::dialect::for_update(desk.db.backend())
        )))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .db()?;
        let (old_status, old_audience, old_length) = old.ok_or(Error::NotFound)?;
        if old_status == ArticleStatus::Published.as_str() {
            let old_level = level(ArticleAudience::parse(&old_audience).unwrap_or(ArticleAudience::Agents));
            adjust_stats(&mut tx, old_level, -1, -old_length).await?;
        }
        let length = reindex(&mut tx, id, &c).await?;
        if c.status == ArticleStatus::Published {
            adjust_stats(&mut tx, level(c.audience), 1, length).await?;
        }
        let done = sqlx::query(
            "UPDATE desk_articles SET title = $1, body = $2, category = $3, audience = $4, status = $5, review_at = $6, length = $7, updated_at = $8 WHERE id = $9",
        )
        .bind(&c.title).bind(&c.body).bind(c.category.as_str()).bind(c.audience.as_str()).bind(c.status.as_str())
        .bind(c.review.map(|r| r.0)).bind(length).bind(now.0).bind(id)
        .execute(&mut *tx).await.db()?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound);
        }
        audit::record(&mut tx, now, Actor::of(p), "desk.article.update", &format!("article:{id}"), serde_json::json!({ "status": c.status.as_str() })).await.db()?;
        Ok(())
    }
    .await;
    relais_db::finish(tx, result).await
}

type Row = (
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<i64>,
    i64,
    Option<i64>,
    i64,
);

/// An article its reader may see (drafts for IT staff only).
pub async fn get(desk: &Desk, p: Option<&Principal>, id: i64) -> Result<Article> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT id, title, body, category, audience, status, review_at, helpful, source_ticket_id, updated_at FROM desk_articles WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(desk.db.pool())
    .await
    .db()?;
    let r = row.ok_or(Error::NotFound)?;
    let staff = p.is_some_and(DeskStaff::is_staff);
    if !audiences(p).contains(&r.4.as_str()) || (r.5 != "published" && !staff) {
        return Err(Error::NotFound);
    }
    Ok(Article {
        id: r.0,
        title: r.1,
        body: r.2,
        category: Category::parse(&r.3).unwrap_or(Category::Other),
        audience: ArticleAudience::parse(&r.4).unwrap_or(ArticleAudience::Agents),
        status: ArticleStatus::parse(&r.5).unwrap_or(ArticleStatus::Draft),
        review_on: r.6.map(|t| day_of(Timestamp(t), &desk.time_zone)),
        helpful: r.7,
        source_ticket_id: r.8,
        updated_at: Timestamp(r.9).rfc3339(),
    })
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Hit {
    pub id: i64,
    pub title: String,
    /// The title as HTML, matches in `<mark>`.
    pub title_html: String,
    /// A passage of the article as HTML, matches in `<mark>`.
    pub snippet_html: String,
    pub category: Category,
    pub score: f64,
}

/// Postings read per term, best weights first: the ranking is exact when a
/// term is in no more readable articles than this, and otherwise leaves out
/// only articles where that term weighs least.
pub const POSTINGS_PER_TERM: i64 = 200;

/// Words completing the one being typed that a search reads, most frequent first.
pub const MAX_COMPLETIONS: usize = 32;

/// Searches the published articles `p` may read. The last word of the query
/// also matches as a prefix, so that suggestions follow the typing.
pub async fn search(db: &Db, p: Option<&Principal>, q: &str, limit: usize) -> Result<Vec<Hit>> {
    let mut terms = search::query_terms(q, 8);
    let typing = q.chars().last().is_some_and(char::is_alphanumeric);
    let prefix = if typing {
        relais_core::text::fold(q)
            .split(|c: char| !c.is_alphanumeric())
            .rfind(|w| !w.is_empty())
            .map(str::to_string)
    } else {
        None
    };
    let prefix = prefix.filter(|w| w.len() >= 3);
    if terms.is_empty() && prefix.is_none() {
        return Ok(Vec::new());
    }
    let reader = reader_level(p);
    let head: String = prefix
        .as_deref()
        .map(|w| w.chars().take(3).collect())
        .unwrap_or_default();
    let like = prefix
        .as_deref()
        .map(|w| format!("{}%", relais_core::text::like_escape(w)))
        .unwrap_or_default();
    // Round trip 1: how many readable articles hold each query term and each
    // word completing the one being typed (equality on the indexed
    // three-letter prefix, then LIKE within it: the same rows on both
    // backends, whatever their collation), and the collection's size.
    let mut sql =
        SqlBuf::new("SELECT 1, term, CAST(SUM(df) AS BIGINT), 0 FROM desk_kb_df WHERE level <= ");
    sql.bind(reader).push(" AND (");
    if terms.is_empty() {
        sql.push("1 = 0");
    } else {
        sql.push("term IN ")
            .bind_list(terms.iter().map(String::as_str));
    }
    if prefix.is_some() {
        sql.push(" OR (prefix = ")
            .bind(head)
            .push(" AND term LIKE ")
            .bind(like)
            .push(" ESCAPE '\\')");
    }
    sql.push(
        ") GROUP BY term HAVING SUM(df) > 0 UNION ALL SELECT 0, '', CAST(COALESCE(SUM(articles), 0) AS BIGINT), CAST(COALESCE(SUM(length), 0) AS BIGINT) FROM desk_kb_stats WHERE level <= ",
    )
    .bind(reader);
    let rows: Vec<(i64, String, i64, i64)> = sql.query_as().fetch_all(db.pool()).await.db()?;
    let (mut n, mut total) = (0, 0);
    let mut df: HashMap<String, i64> = HashMap::new();
    let mut completions: Vec<(String, i64)> = Vec::new();
    for (kind, term, count, length) in rows {
        if kind == 0 {
            (n, total) = (count, length);
        } else if terms.contains(&term) {
            df.insert(term, count);
        } else {
            completions.push((term, count));
        }
    }
    // The most frequent completions only: a three-letter start may match
    // many words, and each costs a subquery.
    completions.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    completions.truncate(MAX_COMPLETIONS);
    // Round trip 2: each term's best-weighted postings, straight from the
    // covering index read backwards (weight, then id, descending).
    let read: Vec<&str> = terms
        .iter()
        .filter(|t| df.contains_key(*t))
        .map(String::as_str)
        .chain(completions.iter().map(|c| c.0.as_str()))
        .collect();
    let mut postings: Vec<Posting> = Vec::new();
    if !read.is_empty() {
        let mut sql = SqlBuf::new("");
        for (i, t) in read.iter().enumerate() {
            if i > 0 {
                sql.push(" UNION ALL ");
            }
            sql.push("SELECT * FROM (SELECT term, article_id, weight, length FROM desk_article_terms WHERE term = ")
                .bind(*t)
                .push(" AND level <= ")
                .bind(reader)
                .push(" ORDER BY weight DESC, article_id DESC LIMIT ")
                .bind(POSTINGS_PER_TERM)
                .push(&format!(") AS p{i}"));
        }
        let rows: Vec<(String, i64, i64, i64)> = sql.query_as().fetch_all(db.pool()).await.db()?;
        let mut typed: Vec<Posting> = Vec::new();
        for (term, article, weight, length) in rows {
            let posting = Posting {
                term,
                article,
                weight,
                length,
            };
            if df.contains_key(&posting.term) {
                postings.push(posting);
            } else {
                typed.push(posting);
            }
        }
        if let (Some(pre), Some(most)) = (&prefix, completions.first()) {
            // Words completing the one being typed count as one more term,
            // as frequent as the most frequent of them: their best-weighted
            // postings, one per article (its best completion).
            let key = format!("{pre}*");
            df.insert(key.clone(), most.1);
            typed.sort_by(|a, b| b.weight.cmp(&a.weight).then(b.article.cmp(&a.article)));
            let mut seen = std::collections::HashSet::new();
            postings.extend(
                typed
                    .into_iter()
                    .take(POSTINGS_PER_TERM as usize)
                    .filter(|p| seen.insert(p.article))
                    .map(|p| Posting {
                        term: key.clone(),
                        ..p
                    }),
            );
        }
    }
    if let Some(pre) = &prefix {
        terms.retain(|t| t != pre);
    }
    let avg = if n > 0 { total as f64 / n as f64 } else { 1.0 };
    let ranked = search::rank(&postings, &df, n, avg);
    let top: Vec<(i64, f64)> = ranked.into_iter().take(limit).collect();
    if top.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = SqlBuf::new("SELECT id, title, body, category FROM desk_articles WHERE id IN ");
    sql.bind_list(top.iter().map(|t| t.0));
    let docs: Vec<(i64, String, String, String)> =
        sql.query_as().fetch_all(db.pool()).await.db()?;
    Ok(top
        .into_iter()
        .filter_map(|(id, score)| {
            let d = docs.iter().find(|d| d.0 == id)?;
            let text = plain_text(&d.2);
            Some(Hit {
                id,
                title_html: search::highlight(&d.1, &terms, prefix.as_deref()),
                snippet_html: search::highlight(
                    &search::snippet(&text, &terms, 30),
                    &terms,
                    prefix.as_deref(),
                ),
                title: d.1.clone(),
                category: Category::parse(&d.3).unwrap_or(Category::Other),
                score: (score * 1000.0).round() / 1000.0,
            })
        })
        .collect())
}

/// Articles for the editor's list (IT staff: drafts too), newest first.
pub async fn list(
    desk: &Desk,
    p: Option<&Principal>,
    category: Option<Category>,
    limit: i64,
) -> Result<Vec<Article>> {
    let staff = p.is_some_and(DeskStaff::is_staff);
    let mut sql = SqlBuf::new(
        "SELECT id, title, body, category, audience, status, review_at, helpful, source_ticket_id, updated_at FROM desk_articles WHERE audience IN ",
    );
    sql.bind_list(audiences(p));
    if !staff {
        sql.push(" AND status = 'published'");
    }
    if let Some(c) = category {
        sql.push(" AND category = ").bind(c.as_str());
    }
    sql.push(" ORDER BY updated_at DESC, id DESC LIMIT ")
        .bind(limit);
    let rows: Vec<Row> = sql.query_as().fetch_all(desk.db.pool()).await.db()?;
    Ok(rows
        .into_iter()
        .map(|r| Article {
            id: r.0,
            title: r.1,
            body: r.2,
            category: Category::parse(&r.3).unwrap_or(Category::Other),
            audience: ArticleAudience::parse(&r.4).unwrap_or(ArticleAudience::Agents),
            status: ArticleStatus::parse(&r.5).unwrap_or(ArticleStatus::Draft),
            review_on: r.6.map(|t| day_of(Timestamp(t), &desk.time_zone)),
            helpful: r.7,
            source_ticket_id: r.8,
            updated_at: Timestamp(r.9).rfc3339(),
        })
        .collect())
}

/// "This answered my question": a ticket avoided.
/// A signed-in person's "this answered my question" counts once per article
/// in this many hours (pressing it again, or reloading, is not another
/// request avoided).
const HELPFUL_ONCE_HOURS: i64 = 24;

pub async fn helpful(desk: &Desk, p: Option<&Principal>, id: i64) -> Result<()> {
    get(desk, p, id).await?;
    let now = desk.clock.now();
    let mut tx = desk.db.begin().await.db()?;
    let result = async {
        if let Some(p) = p {
            let (already,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM desk_avoided WHERE article_id = $1 AND person_id = $2 AND at > $3",
            )
            .bind(id)
            .bind(p.person_id.0)
            .bind(now.0 - HELPFUL_ONCE_HOURS * 3_600_000_000)
            .fetch_one(&mut *tx)
            .await
            .db()?;
            if already > 0 {
                return Ok(());
            }
        }
        sqlx::query("INSERT INTO desk_avoided (article_id, person_id, at) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(p.map(|p| p.person_id.0))
            .bind(now.0)
            .execute(&mut *tx)
            .await
            .db()?;
        sqlx::query("UPDATE desk_articles SET helpful = helpful + 1 WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .db()?;
        Ok(())
    }
    .await;
    relais_db::finish(tx, result).await
}

/// A draft article from a resolved ticket: its subject, the question, and
/// the public answers (never internal notes nor who asked).
pub async fn draft_from_ticket(desk: &Desk, p: &Principal, ticket: i64) -> Result<i64> {
    let a = crate::tickets::access(desk, p, ticket).await?;
    a.require_staff()?;
    let t = crate::tickets::get(desk, &a).await?;
    if t.status.is_open() {
        return Err(Error::invalid("ticket", "desk-error-not-resolved"));
    }
    let answers: Vec<String> = t
        .messages
        .iter()
        .filter(|m| m.kind == crate::model::MessageKind::Public && !m.held)
        .map(|m| m.body.clone())
        .collect();
    let body = format!(
        "## Question\n\n{}\n\n## Réponse\n\n{}\n",
        t.description,
        answers.join("\n\n")
    );
    let input = ArticleInput {
        title: clean(&t.subject, "title", 200)?,
        body,
        category: t.category.as_str().into(),
        audience: "agents".into(),
        status: "draft".into(),
        review_on: None,
    };
    create(desk, p, input, Some(ticket)).await
}

/// Articles whose review date has passed (IT staff's list).
pub async fn due_for_review(desk: &Desk, p: &Principal) -> Result<Vec<(i64, String)>> {
    DeskStaff::for_principal(p)?;
    sqlx::query_as("SELECT id, title FROM desk_articles WHERE review_at IS NOT NULL AND review_at < $1 ORDER BY review_at LIMIT 100")
        .bind(desk.clock.now().0)
        .fetch_all(desk.db.pool())
        .await
        .db()
}
