//! Distinct agents for the burst: COUNT people who have no account get one
//! (without a password: they act through their token only) and an API token
//! valid one day, in one transaction and one audit entry.

use std::path::Path;

use anyhow::{Context, bail};
use relais_core::{Clock, SystemClock};
use relais_db::audit::{self, Actor};
use relais_db::sqlx;
use relais_db::{DatabaseUrl, Db, SqlBuf};
use relais_directory::tokens;

pub async fn run(url: &str, count: usize, out: &Path, people_out: &Path) -> anyhow::Result<bool> {
    let db = Db::connect(&DatabaseUrl::new(url)).await?;
    let people: Vec<(i64,)> = sqlx::query_as(
        "SELECT p.id FROM people p
         WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = p.id)
         ORDER BY p.id LIMIT $1",
    )
    .bind(count as i64)
    .fetch_all(db.pool())
    .await
    .context("cannot read people")?;
    if people.len() < count {
        bail!(
            "only {} people without an account, {count} asked",
            people.len()
        );
    }
    let now = SystemClock.now();
    let expires = now.plus_secs(86_400);
    let made: Vec<(i64, String)> = people
        .iter()
        .map(|(id,)| {
            (
                *id,
                format!("{}{}", tokens::PREFIX, relais_web::ctx::random_token()),
            )
        })
        .collect();
    let mut tx = db.begin().await?;
    for chunk in made.chunks(50) {
        let mut a = SqlBuf::new("INSERT INTO accounts (person_id, created_at) VALUES ");
        let mut t = SqlBuf::new(
            "INSERT INTO api_tokens (person_id, token_hash, label, created_at, expires_at) VALUES ",
        );
        for (i, (person, token)) in chunk.iter().enumerate() {
            if i > 0 {
                a.push(", ");
                t.push(", ");
            }
            a.push("(").bind(*person).push(", ").bind(now.0).push(")");
            t.push("(")
                .bind(*person)
                .push(", ")
                .bind(tokens::hash(token))
                .push(", 'bench', ")
                .bind(now.0)
                .push(", ")
                .bind(expires.0)
                .push(")");
        }
        a.query().execute(&mut *tx).await?;
        t.query().execute(&mut *tx).await?;
    }
    audit::record(
        &mut tx,
        now,
        Actor::SYSTEM,
        "bench.tokens",
        "bench",
        serde_json::json!({ "people": made.len() }),
    )
    .await?;
    tx.commit().await?;
    let tokens: String = made.iter().map(|(_, t)| format!("{t}\n")).collect();
    let ids: String = made.iter().map(|(p, _)| format!("{p}\n")).collect();
    std::fs::write(out, tokens).with_context(|| format!("cannot write {}", out.display()))?;
    std::fs::write(people_out, ids)
        .with_context(|| format!("cannot write {}", people_out.display()))?;
    db.close().await;
    println!("{} agents with an account and a token", made.len());
    Ok(true)
}
