//! The demo's IT desk, loaded through the same services as real data: six
//! weeks of lockdown requests from the agents of the IT staff's delegation
//! (a surge in the first two weeks), answered and resolved as a small team
//! would; the national application's hotline with its outside callers and
//! callbacks; about 150 knowledge-base articles; one known issue in progress;
//! remote sessions and visits this week; some tickets avoided.

use std::sync::Arc;

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use relais_core::time::FakeClock;
use relais_core::{Error, Grant, PersonId, Principal, Result, Role, Scope, Timestamp};
use relais_db::DbResultExt;
use relais_directory::demo_data::DemoDirectory;

use crate::hotline::{self, NewCall};
use crate::interventions::{self, NewRemoteSession, NewVisit};
use crate::kb::{self, ArticleInput};
use crate::known_issues::{self, NewKnownIssue};
use crate::model::{Channel, Status};
use crate::thread::{self, NewReply};
use crate::tickets::{self, NewTicket};
use crate::{Desk, demo_data};

const DAY: i64 = 86_400;

fn principal(id: i64, grants: Vec<Grant>) -> Principal {
    Principal {
        person_id: PersonId(id),
        display_name: String::new(),
        email: String::new(),
        lang: None,
        unit: None,
        delegation: None,
        grants,
        token: None,
    }
}

/// The desk as it was at `t`.
fn at(desk: &Desk, t: Timestamp) -> Desk {
    Desk {
        clock: Arc::new(FakeClock::new(t)),
        ..desk.clone()
    }
}

/// Loads the desk into a directory that holds the demo institute.
pub async fn load(desk: &Desk, directory: &DemoDirectory, seed: u64) -> Result<()> {
    let db = &desk.db;
    let now = desk.clock.now();
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xDE5C);
    let (delegation,): (i64,) = sqlx::query_as("SELECT id FROM delegations WHERE code = $1")
        .bind(&directory.accounts.informatique_delegation)
        .fetch_one(db.pool())
        .await
        .db()?;
    let (staff_id,): (i64,) = sqlx::query_as("SELECT id FROM people WHERE employee_number = $1")
        .bind(&directory.accounts.informatique)
        .fetch_one(db.pool())
        .await
        .db()?;
    let staff = principal(
        staff_id,
        vec![Grant {
            role: Role::ItStaff,
            scope: Scope::Delegation(relais_core::DelegationId(delegation)),
        }],
    );
    let agents: Vec<(i64,)> = sqlx::query_as(
        "SELECT p.id FROM people p JOIN units u ON u.id = p.unit_id WHERE u.delegation_id = $1 ORDER BY p.id LIMIT 1500",
    )
    .bind(delegation)
    .fetch_all(db.pool())
    .await
    .db()?;
    if agents.is_empty() {
        return Err(Error::Internal("the demo delegation has no agents".into()));
    }

    // The knowledge base, written before the lockdown and during it.
    let start = now.plus_secs(-42 * DAY);
    let review = jiff::Timestamp::from_microsecond(now.plus_secs(120 * DAY).0)
        .map(|t| {
            t.to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .date()
                .to_string()
        })
        .unwrap_or_default();
    let mut articles = Vec::new();
    for (i, a) in demo_data::articles().into_iter().enumerate() {
        let written = at(desk, start.plus_secs(-14 * DAY + i as i64 * 3600));
        let id = kb::create(
            &written,
            &staff,
            ArticleInput {
                title: a.title,
                body: a.body,
                category: a.category.into(),
                audience: a.audience.into(),
                status: "published".into(),
                review_on: Some(review.clone()),
            },
            None,
        )
        .await?;
        articles.push(id);
    }

    // Six weeks of requests: the surge of the first two weeks, then the habit.
    let mut recent = Vec::new();
    for day in 0..42 {
        let count = if day < 14 { 40 - day } else { 18 };
        let midnight = start.plus_secs(day * DAY);
        for _ in 0..count {
            let t = midnight.plus_secs(rng.random_range(7 * 3600..19 * 3600));
            if t >= now {
                continue;
            }
            let (agent,) = *agents.choose(&mut rng).unwrap_or(&agents[0]);
            let (subject, description, category) = demo_data::request(&mut rng);
            let p = principal(agent, Vec::new());
            let nt = NewTicket {
                subject,
                description,
                category: Some(category.into()),
                urgency: Some(["low", "normal", "normal", "high"][rng.random_range(0..4)].into()),
                ..Default::default()
            };
            let id = tickets::create(&at(desk, t), &p, nt, Vec::new(), Channel::Web).await?;
            // The team answers within minutes to two days (slower in the surge).
            let delay = if day < 14 {
                rng.random_range(1800..2 * DAY)
            } else {
                rng.random_range(600..DAY / 2)
            };
            let answered = t.plus_secs(delay);
            if answered < now {
                thread::reply(&at(desk, answered), &staff, id, NewReply { body: "Bonjour, pouvez-vous redémarrer votre box et nous dire si le problème persiste ? Voir aussi la base de connaissances.".into(), internal: false }, Vec::new()).await?;
                let resolved = answered.plus_secs(rng.random_range(3600..3 * DAY));
                if resolved < now && rng.random_range(0..10) < 8 {
                    thread::set_status(&at(desk, resolved), &staff, id, Status::Resolved).await?;
                }
            }
            if t > now.plus_secs(-5 * DAY) {
                recent.push((id, t));
            }
        }
    }

    // The crisis banner: an operator's outage, two days ago.
    known_issues::publish(&at(desk, now.plus_secs(-2 * DAY)), &staff, NewKnownIssue {
        title: "Panne d'un fournisseur d'accès : box internet hors service".into(),
        body: "Un opérateur signale une panne dans plusieurs départements depuis lundi. Inutile de redémarrer votre box plusieurs fois : le rétablissement est prévu sous 48 heures. Nous vous prévenons dès que c'est réparé.".into(),
        category: None,
        keywords: "box, coupure internet".into(),
    })
    .await?;

    // The national application's hotline: doctors who call, some to call back.
    for (i, (name, email, organisation)) in demo_data::callers().into_iter().enumerate() {
        let t = now.plus_secs(-(i as i64) * 3 * 3600 - 600);
        let call = NewCall {
            name,
            email,
            phone: format!("01 23 45 {:02} {:02}", i, (i * 7) % 100),
            organisation,
            about: [
                "Impossible de valider un certificat de décès",
                "Carte professionnelle non reconnue",
                "La session expire pendant la saisie",
                "Impression du volet administratif",
            ][i % 4]
                .into(),
            urgency: ["high", "normal", "low"][i % 3].into(),
            callback_minutes: if i < 12 {
                ["30", "60", "120", "240"][i % 4].into()
            } else {
                String::new()
            },
            open_ticket: (i % 3 != 2).then(|| "1".into()),
            category: "national_app".into(),
            ..Default::default()
        };
        hotline::log_call(&at(desk, t), &staff, call).await?;
    }

    // Remote sessions and visits on the latest requests.
    let tz = &desk.time_zone;
    let local = |t: Timestamp| {
        t.to_jiff()
            .to_zoned_datetime(jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC))
            .datetime()
            .strftime("%Y-%m-%dT%H:%M")
            .to_string()
    };
    for (n, (id, t)) in recent.iter().take(12).enumerate() {
        let when = t.plus_secs(2 * 3600);
        if when >= now {
            continue;
        }
        if n % 3 == 2 {
            interventions::add_visit(
                &at(desk, when),
                &staff,
                *id,
                NewVisit {
                    site: "Site principal, bâtiment B".into(),
                    visit_at: local(when),
                    done: "Remplacement de l'alimentation du portable, remise en service.".into(),
                },
            )
            .await?;
        } else {
            interventions::add_remote(
                &at(desk, when),
                &staff,
                *id,
                NewRemoteSession {
                    tool: "TeamViewer".into(),
                    code: format!("{} {} {}", 100 + n, 200 + n * 3, 300 + n * 7),
                    consent: Some("1".into()),
                    started_at: local(when),
                    ended_at: local(when.plus_secs(1200)),
                },
            )
            .await?;
        }
    }

    // Agents for whom an article was enough.
    for _ in 0..180 {
        let t = start.plus_secs(rng.random_range(0..42 * DAY));
        let (agent,) = *agents.choose(&mut rng).unwrap_or(&agents[0]);
        let article = *articles.choose(&mut rng).unwrap_or(&articles[0]);
        kb::helpful(&at(desk, t), Some(&principal(agent, Vec::new())), article).await?;
    }

    // The mails of six past weeks are history: they are not sent now.
    sqlx::query("UPDATE jobs SET state = 'done', finished_at = $1, last_error = 'demo history, not sent' WHERE kind = 'mail.send' AND state = 'queued' AND created_at < $1")
        .bind(now.0)
        .execute(db.pool())
        .await
        .db()?;
    Ok(())
}
