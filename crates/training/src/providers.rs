//! Outside providers (trainers, venues, hotels) and their contract lines,
//! each with a cancellation schedule, and the expiring single-purpose links
//! through which a provider answers without an account.

use std::collections::HashMap;

use relais_core::{Error, Result, Timestamp};
use relais_db::audit::{self, Actor};
use relais_db::{Db, DbResultExt, SqlBuf, Tx};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::TrainingOffice;
use crate::sessions;

macro_rules! kinds {
    ($($variant:ident => $text:literal),+ $(,)?) => {
        /// What a provider supplies.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum ProviderKind { $($variant),+ }

        impl ProviderKind {
            pub const ALL: &'static [ProviderKind] = &[$(ProviderKind::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(ProviderKind::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<ProviderKind> {
                match s { $($text => Some(ProviderKind::$variant),)+ _ => None }
            }
        }
    };
}

kinds!(Trainer => "trainer", Venue => "venue", Hotel => "hotel", Other => "other");

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewProvider {
    pub kind: ProviderKind,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    pub contact_name: Option<String>,
    /// Where notices go.
    #[schema(min_length = 3, max_length = 320)]
    pub email: String,
    pub phone: Option<String>,
    /// `fr` (default) or `en`: the language of its notices.
    pub language: Option<String>,
    /// Where a venue or hotel is.
    pub delegation_id: Option<i64>,
    /// How many a venue seats (the planner places sessions in venues large enough).
    #[schema(minimum = 1, maximum = 100000)]
    pub seats: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Provider {
    pub id: i64,
    pub kind: ProviderKind,
    pub name: String,
    pub contact_name: Option<String>,
    pub email: String,
    pub phone: Option<String>,
    pub language: Option<String>,
    pub delegation_id: Option<i64>,
    pub seats: Option<i64>,
}

/// One step of a cancellation schedule: cancelling at least
/// `until_days_before` days before the session costs `percent` of the amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Term {
    #[schema(minimum = 0, maximum = 3650)]
    pub until_days_before: i64,
    #[schema(minimum = 0, maximum = 100)]
    pub percent: i64,
}

/// A cancellation schedule: steps from the earliest to the latest; closer to
/// the session than the last step, the whole amount is owed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Terms(pub Vec<Term>);

impl Terms {
    /// Checks and orders the steps: from the farthest to the nearest date,
    /// each at a distinct number of days and costing no less than the one before.
    pub fn new(mut steps: Vec<Term>) -> Result<Terms> {
        if steps.len() > 20 {
            return Err(Error::invalid("terms", "provider-error-terms-count"));
        }
        if steps
            .iter()
            .any(|t| !(0..=3650).contains(&t.until_days_before) || !(0..=100).contains(&t.percent))
        {
            return Err(Error::invalid("terms", "provider-error-terms-range"));
        }
        steps.sort_by_key(|t| std::cmp::Reverse(t.until_days_before));
        for w in steps.windows(2) {
            if w[0].until_days_before == w[1].until_days_before {
                return Err(Error::invalid("terms", "provider-error-terms-overlap"));
            }
            if w[1].percent < w[0].percent {
                return Err(Error::invalid("terms", "provider-error-terms-decreasing"));
            }
        }
        Ok(Terms(steps))
    }

    /// The share owed, in percent, when cancelling `days_before` days before.
    pub fn percent_at(&self, days_before: i64) -> i64 {
        self.0
            .iter()
            .find(|t| days_before >= t.until_days_before)
            .map_or(100, |t| t.percent)
    }

    /// "0 % until 30 days before, 50 % until 7 days before, 100 % after".
    pub fn describe(&self, tr: &relais_web::T) -> String {
        let mut parts: Vec<String> = self
            .0
            .iter()
            .map(|t| {
                tr.ta(
                    "provider-term-step",
                    &[
                        ("percent", t.percent.to_string()),
                        ("days", t.until_days_before.to_string()),
                    ],
                )
            })
            .collect();
        parts.push(tr.t("provider-term-after"));
        parts.join(", ")
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewContract {
    #[schema(min_length = 1, max_length = 200)]
    pub label: String,
    /// In cents of a euro.
    #[schema(minimum = 0)]
    pub amount_cents: i64,
    #[schema(min_length = 1, max_length = 100)]
    pub budget_line: String,
    /// The cancellation schedule; empty: the whole amount is owed whenever it is cancelled.
    #[serde(default)]
    pub terms: Vec<Term>,
    /// The sessions it is for (at least one).
    pub sessions: Vec<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Contract {
    pub id: i64,
    pub provider_id: i64,
    pub label: String,
    pub amount_cents: i64,
    pub budget_line: String,
    #[schema(value_type = Vec<Term>)]
    pub terms: Terms,
    pub sessions: Vec<i64>,
}

impl Contract {
    /// The part of its amount that goes with one of its sessions: shared
    /// evenly, the cents left over going with its last session, so that the
    /// parts add up to the amount.
    pub fn share(&self, session: i64) -> i64 {
        let n = self.sessions.len().max(1) as i64;
        let even = self.amount_cents / n;
        if self.sessions.last() == Some(&session) {
            self.amount_cents - even * (n - 1)
        } else {
            even
        }
    }

    /// What cancelling its part for one session costs `days_before` the
    /// session (in the institute's calendar days): percent, cents.
    pub fn cost(&self, session: i64, days_before: i64) -> (i64, i64) {
        let percent = self.terms.percent_at(days_before);
        let cost = self.share(session) as i128 * percent as i128 / 100;
        (percent, cost as i64)
    }
}

fn text(field: &'static str, value: &str, max: usize) -> Result<String> {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > max {
        return Err(Error::invalid(field, "provider-error-text"));
    }
    Ok(v.to_string())
}

fn optional(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| v.chars().take(200).collect())
}

pub async fn create(
    db: &Db,
    now: Timestamp,
    actor: Actor,
    _office: &TrainingOffice,
    p: NewProvider,
) -> Result<i64> {
    let name = text("name", &p.name, 200)?;
    let email = relais_core::values::Email::parse(&p.email)?;
    if p.seats.is_some_and(|s| !(1..=100_000).contains(&s)) {
        return Err(Error::invalid("seats", "provider-error-seats"));
    }
    let language = match p.language.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(l @ ("fr" | "en")) => Some(l.to_string()),
        Some(_) => return Err(Error::invalid("language", "provider-error-language")),
    };
    let mut tx = db.begin().await.db()?;
    let result = async {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO training_providers (kind, name, contact_name, email, phone, language, delegation_id, seats, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        )
        .bind(p.kind.as_str())
        .bind(&name)
        .bind(optional(&p.contact_name))
        .bind(email.as_str())
        .bind(optional(&p.phone))
        .bind(language)
        .bind(p.delegation_id)
        .bind(p.seats)
        .bind(now.0)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            if e.as_database_error().is_some_and(|d| d.is_foreign_key_violation()) {
                Error::invalid("delegation_id", "survey-error-delegation")
            } else {
                Error::internal(e)
            }
        })?;
        audit::record(&mut tx, now, actor, "provider.create", &format!("provider:{id}"), serde_json::json!({ "kind": p.kind.as_str(), "name": name }))
            .await
            .db()?;
        Ok(id)
    }
    .await;
    relais_db::finish(tx, result).await
}

type ProviderRow = (
    i64,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<i64>,
);

fn provider(r: ProviderRow) -> Provider {
    Provider {
        id: r.0,
        kind: ProviderKind::parse(&r.1).unwrap_or(ProviderKind::Other),
        name: r.2,
        contact_name: r.3,
        email: r.4,
        phone: r.5,
        language: r.6,
        delegation_id: r.7,
        seats: r.8,
    }
}

const PROVIDER: &str = "SELECT id, kind, name, contact_name, email, phone, language, delegation_id, seats FROM training_providers";

pub async fn list(db: &Db) -> Result<Vec<Provider>> {
    let rows: Vec<ProviderRow> = SqlBuf::new(PROVIDER)
        .push(" ORDER BY name, id")
        .query_as()
        .fetch_all(db.pool())
        .await
        .db()?;
    Ok(rows.into_iter().map(provider).collect())
}

pub async fn get(db: &Db, id: i64) -> Result<Provider> {
    let row: Option<ProviderRow> = SqlBuf::new(PROVIDER)
        .push(" WHERE id = ")
        .bind(id)
        .query_as()
        .fetch_optional(db.pool())
        .await
        .db()?;
    row.map(provider).ok_or(Error::NotFound)
}

pub(crate) async fn get_many(
    conn: &mut sqlx::AnyConnection,
    ids: &[i64],
) -> Result<HashMap<i64, Provider>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut sql = SqlBuf::new(PROVIDER);
    sql.push(" WHERE id IN ").bind_list(ids.iter().copied());
    let rows: Vec<ProviderRow> = sql.query_as().fetch_all(&mut *conn).await.db()?;
    Ok(rows.into_iter().map(|r| (r.0, provider(r))).collect())
}

/// Adds a contract line to a provider; its sessions must be in the office's scope.
pub async fn add_contract(
    db: &Db,
    now: Timestamp,
    actor: Actor,
    office: &TrainingOffice,
    provider_id: i64,
    c: NewContract,
) -> Result<i64> {
    let label = text("label", &c.label, 200)?;
    let budget_line = text("budget_line", &c.budget_line, 100)?;
    if c.amount_cents < 0 || c.amount_cents > 100_000_000_000 {
        return Err(Error::invalid("amount_cents", "provider-error-amount"));
    }
    let terms = Terms::new(c.terms)?;
    let mut ids = c.sessions.clone();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() || ids.len() > 500 {
        return Err(Error::invalid("sessions", "provider-error-sessions"));
    }
    get(db, provider_id).await?;
    let mut tx = db.begin().await.db()?;
    let result = async {
        let found = sessions::lock_many(&mut tx, db.backend(), now, &ids).await?;
        if found.len() != ids.len() {
            return Err(Error::invalid("sessions", "provider-error-unknown-session"));
        }
        for s in found.values() {
            office.check(s.delegation_id.map(relais_core::DelegationId))?;
        }
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO training_contracts (provider_id, label, amount_cents, budget_line, terms, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        )
        .bind(provider_id)
        .bind(&label)
        .bind(c.amount_cents)
        .bind(&budget_line)
        .bind(serde_json::to_string(&terms).map_err(Error::internal)?)
        .bind(now.0)
        .fetch_one(&mut *tx)
        .await
        .db()?;
        let mut sql = SqlBuf::new("INSERT INTO training_contract_sessions (contract_id, session_id) VALUES ");
        for (i, s) in ids.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push("(").bind(id).push(", ").bind(*s).push(")");
        }
        sql.query().execute(&mut *tx).await.db()?;
        audit::record(&mut tx, now, actor, "provider.contract", &format!("contract:{id}"),
            serde_json::json!({ "provider": provider_id, "amount_cents": c.amount_cents, "sessions": ids }))
            .await
            .db()?;
        Ok(id)
    }
    .await;
    relais_db::finish(tx, result).await
}

type ContractRow = (i64, i64, String, i64, String, String);

/// The contract lines tied to any of `sessions`, each with all its sessions.
pub(crate) async fn contracts_for_sessions(
    conn: &mut sqlx::AnyConnection,
    sessions: &[i64],
) -> Result<Vec<Contract>> {
    if sessions.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = SqlBuf::new(
        "SELECT c.id, c.provider_id, c.label, c.amount_cents, c.budget_line, c.terms FROM training_contracts c
         WHERE c.id IN (SELECT contract_id FROM training_contract_sessions WHERE session_id IN ",
    );
    sql.bind_list(sessions.iter().copied())
        .push(") ORDER BY c.id");
    let rows: Vec<ContractRow> = sql.query_as().fetch_all(&mut *conn).await.db()?;
    contracts(conn, rows).await
}

pub async fn contracts_of(db: &Db, provider_id: i64) -> Result<Vec<Contract>> {
    let rows: Vec<ContractRow> = sqlx::query_as(
        "SELECT id, provider_id, label, amount_cents, budget_line, terms FROM training_contracts WHERE provider_id = $1 ORDER BY id",
    )
    .bind(provider_id)
    .fetch_all(db.pool())
    .await
    .db()?;
    let mut conn = db.pool().acquire().await.db()?;
    contracts(&mut conn, rows).await
}

async fn contracts(
    conn: &mut sqlx::AnyConnection,
    rows: Vec<ContractRow>,
) -> Result<Vec<Contract>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut links = SqlBuf::new(
        "SELECT contract_id, session_id FROM training_contract_sessions WHERE contract_id IN ",
    );
    links
        .bind_list(rows.iter().map(|r| r.0))
        .push(" ORDER BY session_id");
    let mut of: HashMap<i64, Vec<i64>> = HashMap::new();
    for (c, s) in links
        .query_as::<(i64, i64)>()
        .fetch_all(&mut *conn)
        .await
        .db()?
    {
        of.entry(c).or_default().push(s);
    }
    rows.into_iter()
        .map(|r| {
            Ok(Contract {
                id: r.0,
                provider_id: r.1,
                label: r.2,
                amount_cents: r.3,
                budget_line: r.4,
                terms: serde_json::from_str(&r.5).map_err(Error::internal)?,
                sessions: of.remove(&r.0).unwrap_or_default(),
            })
        })
        .collect()
}

/// What a provider's link lets them do, once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Acknowledge a disruption's notice.
    Acknowledge,
    /// State availability for the coming months and propose new dates.
    Availability,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Acknowledge => "acknowledge",
            Purpose::Availability => "availability",
        }
    }

    fn parse(s: &str) -> Option<Purpose> {
        match s {
            "acknowledge" => Some(Purpose::Acknowledge),
            "availability" => Some(Purpose::Availability),
            _ => None,
        }
    }
}

/// How long a provider's link stays valid.
pub const LINK_DAYS: i64 = 30;

/// Makes a link in the caller's transaction; answers the token for the URL.
pub async fn make_link(
    tx: &mut Tx,
    now: Timestamp,
    provider_id: i64,
    purpose: Purpose,
    disruption: Option<i64>,
) -> Result<String> {
    let token = relais_web::ctx::random_token();
    sqlx::query(
        "INSERT INTO training_provider_links (provider_id, purpose, disruption_id, token_hash, expires_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(provider_id)
    .bind(purpose.as_str())
    .bind(disruption)
    .bind(relais_web::session::hash_token(&token))
    .bind(now.0 + LINK_DAYS * 86_400_000_000)
    .bind(now.0)
    .execute(&mut **tx)
    .await
    .db()?;
    Ok(token)
}

/// A link as its provider sees it.
#[derive(Debug, Clone)]
pub struct Link {
    pub id: i64,
    pub provider: Provider,
    pub purpose: Purpose,
    pub disruption: Option<i64>,
    pub expires_at: Timestamp,
}

/// The link behind a token, if it can still be used: unknown, expired and
/// used links are refused, each with its own message.
pub async fn open_link(db: &Db, now: Timestamp, token: &str) -> Result<Link> {
    let mut conn = db.pool().acquire().await.db()?;
    open_link_in(&mut conn, now, token).await
}

async fn open_link_in(conn: &mut sqlx::AnyConnection, now: Timestamp, token: &str) -> Result<Link> {
    let row: Option<(i64, i64, String, Option<i64>, i64, Option<i64>)> = sqlx::query_as(
        "SELECT id, provider_id, purpose, disruption_id, expires_at, used_at FROM training_provider_links WHERE token_hash = $1",
    )
    .bind(relais_web::session::hash_token(token))
    .fetch_optional(&mut *conn)
    .await
    .db()?;
    let (id, provider_id, purpose, disruption, expires, used) = row.ok_or(Error::NotFound)?;
    if used.is_some() {
        return Err(Error::Conflict {
            field: "link",
            msg: relais_core::Msg::new("provider-error-link-used"),
        });
    }
    if expires <= now.0 {
        return Err(Error::Conflict {
            field: "link",
            msg: relais_core::Msg::new("provider-error-link-expired"),
        });
    }
    let purpose = Purpose::parse(&purpose).ok_or(Error::NotFound)?;
    let mut providers = get_many(conn, &[provider_id]).await?;
    Ok(Link {
        id,
        provider: providers.remove(&provider_id).ok_or(Error::NotFound)?,
        purpose,
        disruption,
        expires_at: Timestamp(expires),
    })
}

/// Marks a link used in the caller's transaction; a second use (even a
/// concurrent one) is refused.
async fn use_link(tx: &mut Tx, now: Timestamp, token: &str, purpose: Purpose) -> Result<Link> {
    let link = open_link_in(tx, now, token).await?;
    if link.purpose != purpose {
        return Err(Error::NotFound);
    }
    let done = sqlx::query(
        "UPDATE training_provider_links SET used_at = $1 WHERE id = $2 AND used_at IS NULL",
    )
    .bind(now.0)
    .bind(link.id)
    .execute(&mut **tx)
    .await
    .db()?;
    if done.rows_affected() != 1 {
        return Err(Error::Conflict {
            field: "link",
            msg: relais_core::Msg::new("provider-error-link-used"),
        });
    }
    Ok(link)
}

/// The provider acknowledges the notice the link came with.
pub async fn acknowledge(db: &Db, now: Timestamp, token: &str) -> Result<Link> {
    let mut tx = db.begin().await.db()?;
    let result = async {
        let link = use_link(&mut tx, now, token, Purpose::Acknowledge).await?;
        audit::record(
            &mut tx,
            now,
            Actor::SYSTEM,
            "provider.acknowledge",
            &format!("provider:{}", link.provider.id),
            serde_json::json!({ "disruption": link.disruption }),
        )
        .await
        .db()?;
        Ok(link)
    }
    .await;
    relais_db::finish(tx, result).await
}

/// The sessions of a link's disruption that the provider has a contract for.
pub async fn link_sessions(conn: &mut sqlx::AnyConnection, link: &Link) -> Result<Vec<i64>> {
    let Some(d) = link.disruption else {
        return Ok(Vec::new());
    };
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT DISTINCT i.session_id FROM training_disruption_items i
         JOIN training_contract_sessions cs ON cs.session_id = i.session_id
         JOIN training_contracts c ON c.id = cs.contract_id
         WHERE i.disruption_id = $1 AND c.provider_id = $2 ORDER BY i.session_id",
    )
    .bind(d)
    .bind(link.provider.id)
    .fetch_all(&mut *conn)
    .await
    .db()?;
    Ok(rows.into_iter().map(|(s,)| s).collect())
}

/// New dates a provider proposed: session, course, proposed start.
pub async fn proposals_of(db: &Db, provider_id: i64) -> Result<Vec<(i64, String, Timestamp)>> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT p.session_id, c.title, p.starts_at FROM training_provider_proposals p
         JOIN training_sessions s ON s.id = p.session_id JOIN courses c ON c.id = s.course_id
         WHERE p.provider_id = $1 ORDER BY p.id DESC LIMIT 200",
    )
    .bind(provider_id)
    .fetch_all(db.pool())
    .await
    .db()?;
    Ok(rows
        .into_iter()
        .map(|(s, c, t)| (s, c, Timestamp(t)))
        .collect())
}

/// What a provider states through an availability link.
#[derive(Debug, Clone, Default)]
pub struct Availability {
    /// Months (`YYYY-MM`) and whether the provider can work in them.
    pub months: Vec<(String, bool)>,
    /// New dates proposed for sessions of the disruption.
    pub proposals: Vec<(i64, Timestamp)>,
}

/// Records a provider's availability and proposed dates, once per link.
pub async fn state_availability(
    db: &Db,
    now: Timestamp,
    token: &str,
    a: Availability,
) -> Result<Link> {
    if a.months.iter().any(|(m, _)| !crate::surveys::month_ok(m)) {
        return Err(Error::invalid("month", "provider-error-month"));
    }
    if a.months.len() > 36 || a.proposals.len() > 500 {
        return Err(Error::invalid("month", "provider-error-month"));
    }
    if a.proposals.iter().any(|(_, t)| *t <= now) {
        return Err(Error::invalid("starts_at", "provider-error-proposal-past"));
    }
    let mut tx = db.begin().await.db()?;
    let result = async {
        let link = use_link(&mut tx, now, token, Purpose::Availability).await?;
        let allowed = link_sessions(&mut tx, &link).await?;
        if a.proposals.iter().any(|(s, _)| !allowed.contains(s)) {
            return Err(Error::invalid("session", "provider-error-unknown-session"));
        }
        for (month, available) in &a.months {
            sqlx::query(
                "INSERT INTO training_provider_availability (provider_id, month, available, updated_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (provider_id, month) DO UPDATE SET available = excluded.available, updated_at = excluded.updated_at",
            )
            .bind(link.provider.id)
            .bind(month)
            .bind(i64::from(*available))
            .bind(now.0)
            .execute(&mut *tx)
            .await
            .db()?;
        }
        for (session, at) in &a.proposals {
            sqlx::query("INSERT INTO training_provider_proposals (provider_id, session_id, starts_at, created_at) VALUES ($1, $2, $3, $4)")
                .bind(link.provider.id)
                .bind(session)
                .bind(at.0)
                .bind(now.0)
                .execute(&mut *tx)
                .await
                .db()?;
        }
        audit::record(&mut tx, now, Actor::SYSTEM, "provider.availability", &format!("provider:{}", link.provider.id),
            serde_json::json!({ "months": a.months.len(), "proposals": a.proposals.len() }))
            .await
            .db()?;
        Ok(link)
    }
    .await;
    relais_db::finish(tx, result).await
}

/// A provider's stated availability, month by month.
pub async fn availability_of(db: &Db, provider_id: i64) -> Result<Vec<(String, bool)>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT month, available FROM training_provider_availability WHERE provider_id = $1 ORDER BY month",
    )
    .bind(provider_id)
    .fetch_all(db.pool())
    .await
    .db()?;
    Ok(rows.into_iter().map(|(m, a)| (m, a != 0)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(d: i64, p: i64) -> Term {
        Term {
            until_days_before: d,
            percent: p,
        }
    }

    #[test]
    fn a_schedule_is_read_from_the_farthest_step() {
        let terms = Terms::new(vec![t(7, 50), t(30, 0)]).unwrap();
        assert_eq!(terms.percent_at(45), 0);
        assert_eq!(terms.percent_at(30), 0);
        assert_eq!(terms.percent_at(29), 50);
        assert_eq!(terms.percent_at(7), 50);
        assert_eq!(terms.percent_at(6), 100);
        assert_eq!(Terms::new(vec![]).unwrap().percent_at(400), 100);
    }

    #[test]
    fn overlapping_or_decreasing_terms_are_refused() {
        let field = |r: Result<Terms>| match r {
            Err(Error::Invalid { msg, .. }) => msg.key,
            other => panic!("accepted: {other:?}"),
        };
        assert_eq!(
            field(Terms::new(vec![t(30, 0), t(30, 50)])),
            "provider-error-terms-overlap"
        );
        assert_eq!(
            field(Terms::new(vec![t(30, 50), t(7, 20)])),
            "provider-error-terms-decreasing"
        );
        assert_eq!(
            field(Terms::new(vec![t(30, 150)])),
            "provider-error-terms-range"
        );
    }

    #[test]
    fn a_contract_shares_its_amount_between_its_sessions() {
        let c = Contract {
            id: 1,
            provider_id: 1,
            label: "Salle".into(),
            amount_cents: 100_000,
            budget_line: "B".into(),
            terms: Terms::new(vec![t(30, 0), t(7, 50)]).unwrap(),
            sessions: vec![1, 2, 3, 4],
        };
        assert_eq!(c.cost(1, 40), (0, 0));
        assert_eq!(c.cost(1, 10), (50, 12_500));
        assert_eq!(c.cost(1, 1), (100, 25_000));
        // A thousand euros over three sessions adds up to a thousand euros.
        let c = Contract {
            amount_cents: 100_000,
            sessions: vec![1, 2, 3],
            ..c
        };
        let all: i64 = [1, 2, 3].iter().map(|s| c.cost(*s, 0).1).sum();
        assert_eq!(all, 100_000);
    }
}
