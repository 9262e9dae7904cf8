//! Each person's calendar: their confirmed sessions as iCalendar, at
//! `/api/v1/me/calendar.ics` for them and at a secret feed URL that calendar
//! applications subscribe to (webcal). The secret is shown once when made and
//! can be reset, which kills the old URL; only its SHA-256 is kept.

use axum::http::header;
use axum::response::IntoResponse;
use relais_core::{PersonId, Result, Timestamp};
use relais_db::audit::{self, Actor};
use relais_db::{DbResultExt, SqlBuf};
use relais_mail::ical::{self, Method};
use sha2::{Digest, Sha256};

use crate::notices;
use crate::registrations::Training;
use crate::sessions;

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The person's sessions (confirmed registrations) as a `METHOD:PUBLISH` calendar.
pub async fn feed(t: &Training, person: PersonId) -> Result<String> {
    let now: Timestamp = t.clock.now();
    let mut events: Vec<_> = sessions::confirmed_for(&t.db, t.clock.as_ref(), person)
        .await?
        .iter()
        .map(|s| notices::event(t, s, None, false, now))
        .collect();
    events.sort_by(|a, b| (a.starts_at_micros, &a.uid).cmp(&(b.starts_at_micros, &b.uid)));
    Ok(ical::calendar(Method::Publish, &events))
}

pub fn response(ics: String) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "inline; filename=\"relais.ics\"",
            ),
        ],
        ics,
    )
}

/// Makes (or remakes, killing the old one) the person's secret feed token.
pub async fn reset_feed(t: &Training, person: PersonId) -> Result<String> {
    let token = relais_web::ctx::random_token();
    let now = t.clock.now();
    let mut tx = t.db.begin().await.db()?;
    let result = async {
        sqlx::query(
            "INSERT INTO calendar_feeds (person_id, token_hash, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (person_id) DO UPDATE SET token_hash = $2, created_at = $3",
        )
        .bind(person.0)
        .bind(hash(&token))
        .bind(now.0)
        .execute(&mut *tx)
        .await
        .db()?;
        audit::record(
            &mut tx,
            now,
            Actor::person(person),
            "calendar.feed_reset",
            &format!("person:{person}"),
            serde_json::json!({}),
        )
        .await
        .db()?;
        Ok(token)
    }
    .await;
    relais_db::finish(tx, result).await
}

/// Does the person have a feed URL already?
pub async fn has_feed(t: &Training, person: PersonId) -> Result<bool> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT person_id FROM calendar_feeds WHERE person_id = $1")
            .bind(person.0)
            .fetch_optional(t.db.pool())
            .await
            .db()?;
    Ok(row.is_some())
}

/// The person behind a feed token.
pub async fn feed_owner(t: &Training, token: &str) -> Result<Option<PersonId>> {
    let mut sql = SqlBuf::new("SELECT person_id FROM calendar_feeds WHERE token_hash = ");
    sql.bind(hash(token));
    let row: Option<(i64,)> = sql.query_as().fetch_optional(t.db.pool()).await.db()?;
    Ok(row.map(|r| PersonId(r.0)))
}
