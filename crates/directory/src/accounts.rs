//! Local accounts: argon2id password hashes, sign-in with throttling after
//! repeated failures, password reset by an emailed single-use link that
//! expires, roles granted with a scope, and accounts made by the operator.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use relais_core::values::{Email, NewPassword};
use relais_core::{
    Clock, DelegationId, Error, Grant, Msg, PersonId, Result, Role, Scope, Timestamp, UnitId,
};
use relais_db::audit::{self, Actor};
use relais_db::{Db, DbResultExt, Tx};
use relais_mail::OutgoingMail;
use sha2::{Digest, Sha256};

/// Failures allowed in a window before sign-in is locked for that address.
pub const MAX_FAILURES: i64 = 5;
pub const FAILURE_WINDOW_SECS: i64 = 15 * 60;
pub const LOCK_SECS: i64 = 15 * 60;
/// A reset link works this long, once.
pub const RESET_TTL_SECS: i64 = 3600;

pub fn hash_password(password: &NewPassword) -> Result<String> {
    hash_any_password(password.expose())
}

/// Hashes without the length rule: for the demo's public password only.
pub(crate) fn hash_any_password(password: &str) -> Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(Error::internal)
}

fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

fn sign_in_failed() -> Error {
    Error::Invalid {
        field: "password",
        msg: Msg::new("error-sign-in-failed"),
    }
}

/// Checks an email and password. Every attempt is counted first, in one
/// atomic statement, so that parallel guesses cannot slip past the limit:
/// after `MAX_FAILURES` failed attempts within the window the address is
/// locked for `LOCK_SECS`, right password or not. Success clears the count.
pub async fn authenticate(
    db: &Db,
    clock: &dyn Clock,
    email: &str,
    password: &str,
) -> Result<PersonId> {
    let key = email.trim().to_lowercase();
    let now = clock.now();
    let (attempts, locked_until): (i64, Option<i64>) = sqlx::query_as(
        "INSERT INTO sign_in_failures (key, failures, window_start, locked_until) VALUES ($1, 1, $2, NULL)
         ON CONFLICT (key) DO UPDATE SET
            failures = CASE WHEN sign_in_failures.window_start < $3 THEN 1 ELSE sign_in_failures.failures + 1 END,
            window_start = CASE WHEN sign_in_failures.window_start < $3 THEN $2 ELSE sign_in_failures.window_start END
         RETURNING failures, locked_until",
    )
    .bind(&key)
    .bind(now.0)
    .bind(now.plus_secs(-FAILURE_WINDOW_SECS).0)
    .fetch_one(db.pool())
    .await
    .db()?;
    if let Some(until) = locked_until
        && until > now.0
    {
        return Err(Error::TooManyAttempts {
            retry_after_secs: ((until - now.0) / 1_000_000).max(1) as u64,
        });
    }
    if attempts > MAX_FAILURES {
        let until = now.plus_secs(LOCK_SECS);
        let mut tx = db.begin().await.db()?;
        let result = async {
            sqlx::query("UPDATE sign_in_failures SET locked_until = $1 WHERE key = $2")
                .bind(until.0)
                .bind(&key)
                .execute(&mut *tx)
                .await
                .db()?;
            audit::record(
                &mut tx,
                now,
                Actor::SYSTEM,
                "account.sign_in_locked",
                &format!("email:{key}"),
                serde_json::json!({ "attempts": attempts }),
            )
            .await
            .db()
        }
        .await;
        relais_db::finish(tx, result).await?;
        return Err(Error::TooManyAttempts {
            retry_after_secs: LOCK_SECS as u64,
        });
    }
    let row: Option<(i64, Option<String>, Option<i64>)> = sqlx::query_as(
        "SELECT p.id, a.password_hash, a.disabled_at FROM people p JOIN accounts a ON a.person_id = p.id
         WHERE p.email = $1",
    )
    .bind(&key)
    .fetch_optional(db.pool())
    .await
    .db()?;
    let hash = match &row {
        Some((_, Some(hash), None)) => hash.clone(),
        // Spend the same time as a real check, so that timing does not tell which addresses exist.
        _ => dummy_hash().to_string(),
    };
    let pw = password.to_string();
    // Argon2 is deliberately slow: keep it off the async worker threads.
    let ok = tokio::task::spawn_blocking(move || verify_password(&hash, &pw))
        .await
        .map_err(Error::internal)?
        && matches!(row, Some((_, Some(_), None)));
    if !ok {
        return Err(sign_in_failed());
    }
    sqlx::query("DELETE FROM sign_in_failures WHERE key = $1")
        .bind(&key)
        .execute(db.pool())
        .await
        .db()?;
    Ok(PersonId(row.map(|r| r.0).unwrap_or_default()))
}

/// A real hash of nothing in particular, checked when the address has no account.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_any_password("no account behind this address").unwrap_or_default())
}

/// Parses `ROLE[:SCOPE]` where SCOPE is `institute`, `delegation:CODE` or `unit:CODE`.
pub async fn parse_grant(db: &Db, s: &str) -> Result<Grant> {
    let (role, scope) = match s.split_once(':') {
        Some((r, sc)) => (r, Some(sc)),
        None => (s, None),
    };
    let role = Role::parse(role).ok_or_else(|| Error::Invalid {
        field: "role",
        msg: Msg::new("error-role-unknown").arg("role", role),
    })?;
    let scope = match scope.map(|s| s.split_once(':').unwrap_or((s, ""))) {
        None | Some(("institute", "")) => Scope::Institute,
        Some(("delegation", code)) => {
            let id: Option<(i64,)> = sqlx::query_as("SELECT id FROM delegations WHERE code = $1")
                .bind(code.trim().to_uppercase())
                .fetch_optional(db.pool())
                .await
                .db()?;
            Scope::Delegation(DelegationId(id.ok_or_else(|| unknown_scope(code))?.0))
        }
        Some(("unit", code)) => {
            let id: Option<(i64,)> = sqlx::query_as("SELECT id FROM units WHERE code = $1")
                .bind(code.trim().to_uppercase())
                .fetch_optional(db.pool())
                .await
                .db()?;
            Scope::Unit(UnitId(id.ok_or_else(|| unknown_scope(code))?.0))
        }
        Some((other, _)) => return Err(unknown_scope(other)),
    };
    Ok(Grant { role, scope })
}

fn unknown_scope(s: &str) -> Error {
    Error::Invalid {
        field: "scope",
        msg: Msg::new("error-scope-unknown").arg("scope", s),
    }
}

pub async fn grant(
    tx: &mut Tx,
    now: Timestamp,
    actor: Actor,
    person: PersonId,
    g: Grant,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO role_grants (person_id, role, scope_kind, scope_id, granted_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING",
    )
    .bind(person.0)
    .bind(g.role.as_str())
    .bind(g.scope.kind())
    .bind(g.scope.id())
    .bind(now.0)
    .execute(&mut **tx)
    .await
    .db()?;
    audit::record(
        tx,
        now,
        actor,
        "role.grant",
        &format!("person:{person}"),
        serde_json::json!({ "role": g.role.as_str(), "scope": g.scope.kind(), "scope_id": g.scope.id() }),
    )
    .await
    .db()
}

/// Sets a person's password, creating their account if needed, in the caller's transaction.
pub async fn set_password(tx: &mut Tx, now: Timestamp, person: PersonId, hash: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO accounts (person_id, password_hash, created_at, password_changed_at) VALUES ($1, $2, $3, $3)
         ON CONFLICT (person_id) DO UPDATE SET password_hash = $2, password_changed_at = $3",
    )
    .bind(person.0)
    .bind(hash)
    .bind(now.0)
    .execute(&mut **tx)
    .await
    .db()?;
    Ok(())
}

/// The person with this email, if any.
pub async fn person_by_email(db: &Db, email: &Email) -> Result<Option<PersonId>> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM people WHERE email = $1")
        .bind(email.as_str())
        .fetch_optional(db.pool())
        .await
        .db()?;
    Ok(row.map(|r| PersonId(r.0)))
}

/// `relais admin create-user`: gives a person (created if the directory does
/// not have them yet) a password and roles.
pub async fn create_user(
    db: &Db,
    clock: &dyn Clock,
    email: &Email,
    grants: &[Grant],
    password: &NewPassword,
) -> Result<PersonId> {
    let hash = hash_password(password)?;
    let now = clock.now();
    let mut tx = db.begin().await.db()?;
    let result = async {
        let existing: Option<(i64,)> = sqlx::query_as("SELECT id FROM people WHERE email = $1")
            .bind(email.as_str())
            .fetch_optional(&mut *tx)
            .await
            .db()?;
        let person = match existing {
            Some((id,)) => PersonId(id),
            None => {
                let local = email.as_str().split('@').next().unwrap_or("admin");
                let number = format!(
                    "LOCAL-{}",
                    &hex::encode(Sha256::digest(email.as_str().as_bytes()))[..10]
                )
                .to_uppercase();
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO people (employee_number, email, first_name, last_name, search_key, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
                )
                .bind(&number)
                .bind(email.as_str())
                .bind(local)
                .bind("")
                .bind(crate::people::search_key(local, "", email.as_str(), &number, ""))
                .bind(now.0)
                .fetch_one(&mut *tx)
                .await
                .on_unique("email", "error-email-taken")?;
                PersonId(id)
            }
        };
        set_password(&mut tx, now, person, &hash).await?;
        audit::record(
            &mut tx,
            now,
            Actor::SYSTEM,
            "account.create",
            &format!("person:{person}"),
            serde_json::json!({ "email": email.as_str() }),
        )
        .await
        .db()?;
        for g in grants {
            grant(&mut tx, now, Actor::SYSTEM, person, *g).await?;
        }
        Ok(person)
    }
    .await;
    relais_db::finish(tx, result).await
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Starts a password reset: when the address has an account, a single-use
/// link is mailed. The answer is the same either way, so that the form does
/// not tell which addresses exist.
pub async fn request_reset(
    db: &Db,
    clock: &dyn Clock,
    public_url: &str,
    mail_domain: &str,
    email: &str,
) -> Result<()> {
    let Ok(email) = Email::parse(email) else {
        return Ok(());
    };
    let row: Option<(i64, String, String, Option<String>)> = sqlx::query_as(
        "SELECT p.id, p.first_name, p.last_name, p.language FROM people p JOIN accounts a ON a.person_id = p.id
         WHERE p.email = $1 AND a.disabled_at IS NULL",
    )
    .bind(email.as_str())
    .fetch_optional(db.pool())
    .await
    .db()?;
    let Some((id, first, last, lang)) = row else {
        return Ok(());
    };
    let token = relais_web::ctx::random_token();
    let now = clock.now();
    let link = format!("{public_url}/password/reset/{token}");
    let english = lang.as_deref() == Some("en");
    let (subject, text) = if english {
        (
            "Relais: reset your password".to_string(),
            format!(
                "Hello {first} {last},\n\nTo choose a new password for Relais, open this link within one hour:\n\n{link}\n\nThe link works once. If you did not ask for it, ignore this message: your password stays the same.\n"
            ),
        )
    } else {
        (
            "Relais : réinitialisation de votre mot de passe".to_string(),
            format!(
                "Bonjour {first} {last},\n\nPour choisir un nouveau mot de passe pour Relais, ouvrez ce lien dans l'heure :\n\n{link}\n\nLe lien ne sert qu'une fois. Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.\n"
            ),
        )
    };
    let mut tx = db.begin().await.db()?;
    let result = async {
        sqlx::query("INSERT INTO password_resets (token_hash, person_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash(&token))
            .bind(id)
            .bind(now.0)
            .bind(now.plus_secs(RESET_TTL_SECS).0)
            .execute(&mut *tx)
            .await
            .db()?;
        let mail = OutgoingMail {
            to: email.as_str().to_string(),
            to_name: Some(format!("{first} {last}")),
            subject,
            text,
            html: None,
            message_id: relais_mail::message_id(
                &format!("password-reset:{}", token_hash(&token)),
                mail_domain,
            ),
            calendar: None,
            by_a_person: false,
        };
        relais_mail::enqueue(&mut tx, now, &mail).await.db()?;
        audit::record(
            &mut tx,
            now,
            Actor::person(PersonId(id)),
            "account.reset_requested",
            &format!("person:{id}"),
            serde_json::json!({}),
        )
        .await
        .db()?;
        Ok(())
    }
    .await;
    relais_db::finish(tx, result).await
}

fn bad_link() -> Error {
    Error::Invalid {
        field: "token",
        msg: Msg::new("error-reset-link-invalid"),
    }
}

/// Is this reset link still usable? (To show the form or an error.)
pub async fn check_reset(db: &Db, clock: &dyn Clock, token: &str) -> Result<PersonId> {
    let row: Option<(i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT person_id, expires_at, used_at FROM password_resets WHERE token_hash = $1",
    )
    .bind(token_hash(token))
    .fetch_optional(db.pool())
    .await
    .db()?;
    match row {
        Some((person, expires, None)) if expires > clock.now().0 => Ok(PersonId(person)),
        _ => Err(bad_link()),
    }
}

/// Uses a reset link: sets the new password, spends the link, ends every session.
pub async fn reset_password(
    db: &Db,
    clock: &dyn Clock,
    token: &str,
    password: &NewPassword,
) -> Result<PersonId> {
    let hash = hash_password(password)?;
    let now = clock.now();
    let mut tx = db.begin().await.db()?;
    let result = async {
        // Spending the link first, conditionally, makes a second use fail even when two race.
        let spent: Option<(i64,)> = sqlx::query_as(
            "UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1
             RETURNING person_id",
        )
        .bind(now.0)
        .bind(token_hash(token))
        .fetch_optional(&mut *tx)
        .await
        .db()?;
        let person = PersonId(spent.ok_or_else(bad_link)?.0);
        set_password(&mut tx, now, person, &hash).await?;
        relais_web::session::end_all(&mut tx, person).await.db()?;
        audit::record(
            &mut tx,
            now,
            Actor::person(person),
            "account.password_reset",
            &format!("person:{person}"),
            serde_json::json!({}),
        )
        .await
        .db()?;
        Ok(person)
    }
    .await;
    relais_db::finish(tx, result).await
}
