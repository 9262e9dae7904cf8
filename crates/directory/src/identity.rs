//! The directory's answer to the web layer's question "who is this?".

use std::sync::Arc;

use relais_core::{
    Clock, DelegationId, Grant, Lang, PersonId, Principal, Result, Role, Scope, UnitId,
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

/// Loads the principal of a person with a live account.
pub async fn load_principal(db: &Db, person: PersonId) -> Result<Option<Principal>> {
    let row: Option<(
        String,
        String,
        String,
        Option<String>,
        Option<i64>,
        Option<i64>,
    )> = sqlx::query_as(
        "SELECT p.first_name, p.last_name, p.email, p.language, p.unit_id, u.delegation_id
         FROM people p JOIN accounts a ON a.person_id = p.id LEFT JOIN units u ON u.id = p.unit_id
         WHERE p.id = $1 AND a.disabled_at IS NULL",
    )
    .bind(person.0)
    .fetch_optional(db.pool())
    .await
    .db()?;
    let Some((first, last, email, lang, unit, delegation)) = row else {
        return Ok(None);
    };
    let grants: Vec<(String, String, Option<i64>)> =
        sqlx::query_as("SELECT role, scope_kind, scope_id FROM role_grants WHERE person_id = $1")
            .bind(person.0)
            .fetch_all(db.pool())
            .await
            .db()?;
    let grants = grants
        .into_iter()
        .filter_map(|(role, kind, id)| {
            Some(Grant {
                role: Role::parse(&role)?,
                scope: Scope::from_parts(&kind, id)?,
            })
        })
        .collect();
    Ok(Some(Principal {
        person_id: person,
        display_name: format!("{first} {last}").trim().to_string(),
        email,
        lang: lang.as_deref().and_then(Lang::parse),
        unit: unit.map(UnitId),
        delegation: delegation.map(DelegationId),
        grants,
        token: None,
    }))
}

#[async_trait::async_trait]
impl relais_web::Identity for DirectoryIdentity {
    async fn principal(&self, person: PersonId) -> Result<Option<Principal>> {
        load_principal(&self.db, person).await
    }

    async fn principal_for_token(&self, token: &str) -> Result<Option<Principal>> {
        let Some((person, token_id)) =
            crate::tokens::resolve(&self.db, self.clock.as_ref(), &self.uses, token).await?
        else {
            return Ok(None);
        };
        Ok(load_principal(&self.db, person).await?.map(|mut p| {
            p.token = Some(token_id);
            p
        }))
    }

    async fn set_language(&self, person: PersonId, lang: Lang) -> Result<()> {
        crate::people::set_language(&self.db, self.clock.as_ref(), person, lang).await
    }
}
