//! The directory's answer to the web layer's question "who is this?".

use std::sync::Arc;

use relais_core::{
    Clock, DelegationId, Grant, Lang, PersonId, Principal, Result, Role, Scope, TokenId, UnitId,
};
use relais_db::{Db, DbResultExt};

#[derive(Clone)]
pub struct DirectoryIdentity {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    /// When tokens were last used, written a moment later in groups.
    pub uses: crate::tokens::Uses,
}

impl DirectoryIdentity {
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> Self {
        DirectoryIdentity {
            db,
            clock,
            uses: Default::default(),
        }
    }
}

/// What a principal is read from, one row per role grant (a person without
/// any grant gives one row whose grant columns are NULL): one statement
/// instead of one for the person and one for the grants, since every request
/// reads it. The last three columns depend on what the principal is read
/// for: a token's id and when it was last used; a sign-in session's last
/// use, end and the audit log's head; NULL where they do not apply.
pub(crate) const PRINCIPAL_COLUMNS: &str = "p.id, p.first_name, p.last_name, p.email, p.language, p.unit_id, u.delegation_id, g.role, g.scope_kind, g.scope_id";
/// Joined to `people p`: only people with a live account.
pub(crate) const PRINCIPAL_JOINS: &str =
    "JOIN accounts a ON a.person_id = p.id AND a.disabled_at IS NULL
     LEFT JOIN units u ON u.id = p.unit_id LEFT JOIN role_grants g ON g.person_id = p.id";

pub(crate) type PrincipalRow = (
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

/// The principal of rows read with [`PRINCIPAL_COLUMNS`]; none without rows.
pub(crate) fn principal_of(rows: &[PrincipalRow]) -> Option<Principal> {
    let (person, first, last, email, lang, unit, delegation, ..) = rows.first()?.clone();
    let grants = rows
        .iter()
        .filter_map(|r| {
            Some(Grant {
                role: Role::parse(r.7.as_deref()?)?,
                scope: Scope::from_parts(r.8.as_deref()?, r.9)?,
            })
        })
        .collect();
    Some(Principal {
        person_id: PersonId(person),
        display_name: format!("{first} {last}").trim().to_string(),
        email,
        lang: lang.as_deref().and_then(Lang::parse),
        unit: unit.map(UnitId),
        delegation: delegation.map(DelegationId),
        grants,
        token: rows[0].10.map(TokenId),
    })
}

/// Loads the principal of a person with a live account.
pub async fn load_principal(db: &Db, person: PersonId) -> Result<Option<Principal>> {
    let rows: Vec<PrincipalRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {PRINCIPAL_COLUMNS}, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT) FROM people p {PRINCIPAL_JOINS} WHERE p.id = $1"
    )))
    .bind(person.0)
    .fetch_all(db.pool())
    .await
    .db()?;
    Ok(principal_of(&rows))
}

#[async_trait::async_trait]
impl relais_web::Identity for DirectoryIdentity {
    async fn principal_for_token(&self, token: &str) -> Result<Option<Principal>> {
        crate::tokens::principal(&self.db, self.clock.as_ref(), &self.uses, token).await
    }

    async fn session(&self, id: &str) -> Result<Option<relais_web::session::Held>> {
        // The session's two instants come in the token's two columns, and
        // the audit log's head in the third, read by the same statement (so
        // no later than the session) to spare a signed-in request a second
        // round trip.
        let mut rows: Vec<PrincipalRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {PRINCIPAL_COLUMNS}, w.last_seen_at, w.expires_at, (SELECT h.last_id FROM audit_head h WHERE h.id = 1)
             FROM web_sessions w JOIN people p ON p.id = w.person_id {PRINCIPAL_JOINS} WHERE w.id = $1"
        )))
        .bind(id)
        .fetch_all(self.db.pool())
        .await
        .db()?;
        let Some(&(.., Some(last_seen_at), Some(expires_at), head)) = rows.first() else {
            return Ok(None);
        };
        for r in &mut rows {
            (r.10, r.11, r.12) = (None, None, None);
        }
        Ok(
            principal_of(&rows).map(|principal| relais_web::session::Held {
                principal,
                last_seen_at,
                expires_at,
                head: head.unwrap_or(0),
            }),
        )
    }

    async fn set_language(&self, person: PersonId, lang: Lang) -> Result<()> {
        crate::people::set_language(&self.db, self.clock.as_ref(), person, lang).await
    }
}
