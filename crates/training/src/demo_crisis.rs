//! The demo's March-2020 scenario, loaded through the same services as real
//! data: about 300 in-person sessions in the next eight weeks across the
//! delegations, about 6,000 registrants, 150 provider contracts with their
//! cancellation terms, this year's and next year's plans, and a willingness
//! survey already answered by a few thousand agents. Nothing is disrupted
//! yet: the training officer does it in the demo walkthrough.

use std::collections::{BTreeMap, HashMap};

use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use relais_core::{Error, Grant, PersonId, Result, Role, Scope, Timestamp};
use relais_db::audit::Actor;
use relais_db::{DbResultExt, SqlBuf};
use relais_directory::people;

use crate::access::TrainingOffice;
use crate::demo::principal;
use crate::plans::{self, NewLine, NewPeriod, NewPlan};
use crate::providers::{self, NewContract, NewProvider, ProviderKind, Purpose, Term};
use crate::registrar::{Ask, register_many};
use crate::registrations::Training;
use crate::sessions::{self, NewSession};
use crate::surveys::{self, NewSurvey, Willingness};

/// In-person sessions per delegation in the next eight weeks.
pub const SESSIONS_PER_DELEGATION: usize = 23;
/// The demo agent who sees their sessions change.
pub const DEMO_AGENT: &str = "agent@demo.relais.test";

const DAY: i64 = 86_400;

fn terms(pairs: &[(i64, i64)]) -> Vec<Term> {
    pairs
        .iter()
        .map(|&(d, p)| Term {
            until_days_before: d,
            percent: p,
        })
        .collect()
}

/// A working day `offset` days after `today`, at `hour` in `tz` (weekends skipped forward).
fn working_day(today: jiff::civil::Date, offset: i64, hour: i8, tz: &str) -> Result<Timestamp> {
    let mut d = today
        .checked_add(jiff::Span::new().days(offset))
        .map_err(Error::internal)?;
    while matches!(
        d.weekday(),
        jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
    ) {
        d = d.tomorrow().map_err(Error::internal)?;
    }
    let z = d.at(hour, 0, 0, 0).in_tz(tz).map_err(Error::internal)?;
    Ok(Timestamp::from_jiff(z.timestamp()))
}

/// What the scenario made, for the demo guide and the benchmark.
#[derive(Debug, Clone, Default)]
pub struct Crisis {
    pub sessions: usize,
    pub registrations: usize,
    pub providers: usize,
    pub contracts: usize,
    pub survey_answers: usize,
}

pub async fn load(t: &Training, seed: u64) -> Result<Crisis> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6c6f_636b);
    let db = &t.db;
    let clock = t.clock.as_ref();
    let now = clock.now();
    let tz = t.time_zone.clone();
    let office = TrainingOffice::for_principal(&principal(
        PersonId(0),
        vec![Grant {
            role: Role::Admin,
            scope: Scope::Institute,
        }],
    ))?;
    let today = now.to_jiff().in_tz(&tz).map_err(Error::internal)?.date();
    let courses: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, title FROM courses WHERE format = 'in_person' ORDER BY id")
            .fetch_all(db.pool())
            .await
            .db()?;
    if courses.is_empty() {
        return Err(Error::Internal(
            "the crisis demo needs in-person courses".into(),
        ));
    }
    let delegations: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM delegations ORDER BY id")
            .fetch_all(db.pool())
            .await
            .db()?;
    let sites: Vec<(i64, i64)> = sqlx::query_as("SELECT id, delegation_id FROM sites ORDER BY id")
        .fetch_all(db.pool())
        .await
        .db()?;
    let agent: Option<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT p.id, u.delegation_id FROM people p LEFT JOIN units u ON u.id = p.unit_id WHERE p.email = $1",
    )
    .bind(DEMO_AGENT)
    .fetch_optional(db.pool())
    .await
    .db()?;

    // Providers: sixty trainers, and a venue and a hotel per delegation.
    let mut trainers = Vec::new();
    for i in 0..60 {
        let name = format!(
            "{} {}",
            ["Cabinet", "Dr", "Pr", "Atelier"][i % 4],
            SURNAMES[i % SURNAMES.len()]
        );
        let id = providers::create(
            db,
            now,
            Actor::SYSTEM,
            &office,
            NewProvider {
                kind: ProviderKind::Trainer,
                name: name.clone(),
                contact_name: None,
                email: format!("formateur{:02}@prestataires.demo.relais.test", i + 1),
                phone: None,
                language: Some(if i % 7 == 0 { "en" } else { "fr" }.into()),
                delegation_id: None,
                seats: None,
            },
        )
        .await?;
        trainers.push((id, name));
    }
    let mut venues = HashMap::new();
    let mut hotels = HashMap::new();
    for (d, name) in &delegations {
        let v = providers::create(
            db,
            now,
            Actor::SYSTEM,
            &office,
            NewProvider {
                kind: ProviderKind::Venue,
                name: format!("Centre de séminaires — {name}"),
                contact_name: None,
                email: format!("salles-{d}@prestataires.demo.relais.test"),
                phone: None,
                language: None,
                delegation_id: Some(*d),
                seats: Some(rng.random_range(24..=40)),
            },
        )
        .await?;
        let h = providers::create(
            db,
            now,
            Actor::SYSTEM,
            &office,
            NewProvider {
                kind: ProviderKind::Hotel,
                name: format!("Hôtel de la Gare — {name}"),
                contact_name: None,
                email: format!("hotel-{d}@prestataires.demo.relais.test"),
                phone: None,
                language: None,
                delegation_id: Some(*d),
                seats: None,
            },
        )
        .await?;
        venues.insert(*d, v);
        hotels.insert(*d, h);
    }

    // Sessions: the next eight weeks, every delegation, a day or two each.
    let mut made: Vec<(i64, i64, usize, i64, Timestamp)> = Vec::new(); // (session, delegation, trainer index, capacity, start)
    for (di, (d, _)) in delegations.iter().enumerate() {
        let own_sites: Vec<i64> = sites.iter().filter(|s| s.1 == *d).map(|s| s.0).collect();
        for k in 0..SESSIONS_PER_DELEGATION {
            let offset =
                1 + (k as i64 * 55) / SESSIONS_PER_DELEGATION as i64 + rng.random_range(0..2);
            let starts = working_day(today, offset, 9, &tz)?;
            let days = if rng.random_bool(0.3) { 2 } else { 1 };
            let ends = starts.plus_secs((days - 1) * DAY + 8 * 3600);
            let (course, _) = courses
                .choose(&mut rng)
                .cloned()
                .unwrap_or((0, String::new()));
            let trainer = (di * 5 + k) % trainers.len();
            let capacity = rng.random_range(16..=28);
            let id = sessions::create(
                db,
                clock,
                Actor::SYSTEM,
                &office,
                course,
                NewSession {
                    starts_at: starts.rfc3339(),
                    ends_at: ends.rfc3339(),
                    capacity,
                    site_id: own_sites.choose(&mut rng).copied(),
                    venue_address: None,
                    video_link: None,
                    trainers: vec![trainers[trainer].1.clone()],
                    registration_opens_at: Some(now.plus_secs(-21 * DAY).rfc3339()),
                    registration_closes_at: Some(starts.rfc3339()),
                    audience: None,
                    requires_approval: false,
                    waitlist_mode: None,
                    offer_hours: None,
                    delegation_id: Some(*d),
                },
            )
            .await?;
            made.push((id, *d, trainer, capacity, starts));
        }
    }

    // Registrants: people of the delegation, a few over capacity now and then (a waitlist).
    let mut by_delegation: HashMap<i64, Vec<i64>> = HashMap::new();
    for (p, d) in sqlx::query_as::<_, (i64, i64)>(
        "SELECT p.id, u.delegation_id FROM people p JOIN units u ON u.id = p.unit_id ORDER BY p.id",
    )
    .fetch_all(db.pool())
    .await
    .db()?
    {
        by_delegation.entry(d).or_default().push(p);
    }
    let mut asks = Vec::new();
    // The demo agent holds seats in the first three sessions of their delegation (asked first).
    if let Some((agent, Some(d))) = agent {
        for (session, ..) in made.iter().filter(|m| m.1 == d).take(3) {
            asks.push(Ask {
                caller: principal(PersonId(agent), vec![]),
                session_id: *session,
                for_person: None,
                over_capacity_reason: None,
            });
        }
    }
    for (session, d, _, capacity, _) in &made {
        let pool = by_delegation.get(d).map(Vec::as_slice).unwrap_or(&[]);
        let n = (*capacity + rng.random_range(-6..=3)).max(4) as usize;
        for p in pool.choose_multiple(&mut rng, n) {
            asks.push(Ask {
                caller: principal(PersonId(*p), vec![]),
                session_id: *session,
                for_person: None,
                over_capacity_reason: None,
            });
        }
    }
    let mut registrations = 0;
    for chunk in asks.chunks(64) {
        for answer in register_many(t, chunk.to_vec()).await {
            match answer {
                Ok(_) => registrations += 1,
                Err(Error::Conflict { .. } | Error::Invalid { .. }) => {}
                Err(e) => return Err(e),
            }
        }
    }

    // 150 contract lines: the trainers' fees, room hire by blocks, hotel blocks.
    let mut contracts = 0;
    let mut by_trainer: BTreeMap<usize, Vec<i64>> = BTreeMap::new();
    for (s, _, tr, ..) in &made {
        by_trainer.entry(*tr).or_default().push(*s);
    }
    for (tr, ids) in &by_trainer {
        providers::add_contract(
            db,
            now,
            Actor::SYSTEM,
            &office,
            trainers[*tr].0,
            NewContract {
                label: "Honoraires d'animation".into(),
                amount_cents: 90_000 * ids.len() as i64,
                budget_line: "FORM-NAT-ANIMATION".into(),
                terms: terms(&[(30, 0), (14, 50)]),
                sessions: ids.clone(),
            },
        )
        .await?;
        contracts += 1;
    }
    for (d, _) in &delegations {
        let ids: Vec<i64> = made.iter().filter(|m| m.1 == *d).map(|m| m.0).collect();
        for block in ids.chunks(5) {
            providers::add_contract(
                db,
                now,
                Actor::SYSTEM,
                &office,
                venues[d],
                NewContract {
                    label: "Location de salle".into(),
                    amount_cents: 60_000 * block.len() as i64,
                    budget_line: format!("FORM-DR{d}-LOGISTIQUE"),
                    terms: terms(&[(60, 0), (30, 30), (7, 60)]),
                    sessions: block.to_vec(),
                },
            )
            .await?;
            contracts += 1;
        }
    }
    let mut hotel_blocks: Vec<(i64, Vec<i64>)> = Vec::new();
    for (d, _) in &delegations {
        let ids: Vec<i64> = made.iter().filter(|m| m.1 == *d).map(|m| m.0).collect();
        for block in ids.chunks(10).take(2) {
            hotel_blocks.push((*d, block.to_vec()));
        }
    }
    hotel_blocks.shuffle(&mut rng);
    for (d, block) in hotel_blocks
        .into_iter()
        .take(150usize.saturating_sub(contracts))
    {
        providers::add_contract(
            db,
            now,
            Actor::SYSTEM,
            &office,
            hotels[&d],
            NewContract {
                label: "Bloc de chambres".into(),
                amount_cents: 8_500 * 12 * block.len() as i64,
                budget_line: format!("FORM-DR{d}-LOGISTIQUE"),
                terms: terms(&[(21, 0), (7, 50)]),
                sessions: block,
            },
        )
        .await?;
        contracts += 1;
    }

    // Some trainers cannot come for the next two months.
    let months = surveys::next_months(today, 6);
    for (i, (id, _)) in trainers.iter().enumerate().filter(|(i, _)| i % 4 == 0) {
        let mut tx = db.begin().await.db()?;
        let token = providers::make_link(&mut tx, now, *id, Purpose::Availability, None).await?;
        tx.commit().await.db()?;
        let answer = providers::Availability {
            months: months
                .iter()
                .enumerate()
                .map(|(k, m)| (m.clone(), k >= 2 || i % 8 != 0))
                .collect(),
            proposals: Vec::new(),
        };
        providers::state_availability(db, now, &token, answer).await?;
    }

    // This year's plan and next year's, two semesters each, with the volume planned.
    let year = today.year();
    let mut plan_ids = Vec::new();
    for y in [year, year + 1] {
        let id = plans::create(
            db,
            now,
            Actor::SYSTEM,
            &office,
            &tz,
            NewPlan {
                name: format!("Plan de formation {y}"),
                periods: vec![
                    NewPeriod {
                        name: format!("1er semestre {y}"),
                        starts_on: format!("{y}-01-01"),
                        ends_on: format!("{y}-06-30"),
                        capacity_days: 12_000,
                    },
                    NewPeriod {
                        name: format!("2d semestre {y}"),
                        starts_on: format!("{y}-07-01"),
                        ends_on: format!("{y}-12-31"),
                        capacity_days: 12_000,
                    },
                ],
            },
        )
        .await?;
        plan_ids.push(id);
    }
    let plan = plans::get(db, plan_ids[0]).await?;
    for p in &plan.periods {
        let mut sql = SqlBuf::new(
            "SELECT course_id, delegation_id, COUNT(*), CAST(SUM(capacity) AS BIGINT) FROM training_sessions WHERE starts_at >= ",
        );
        sql.bind(p.starts.0)
            .push(" AND starts_at < ")
            .bind(p.ends.0)
            .push(" GROUP BY course_id, delegation_id ORDER BY course_id, delegation_id");
        let rows: Vec<(i64, Option<i64>, i64, i64)> =
            sql.query_as().fetch_all(db.pool()).await.db()?;
        for (course, d, n, seats) in rows {
            plans::add_line(
                db,
                now,
                Actor::SYSTEM,
                &office,
                plan.id,
                NewLine {
                    period_id: p.id,
                    course_id: course,
                    delegation_id: d,
                    sessions: n,
                    trainee_days: seats,
                    budget_cents: n * 150_000,
                },
            )
            .await?;
        }
    }

    // The willingness survey, answered by 2,000 agents: few would travel soon, more later.
    let survey = surveys::create(
        db,
        now,
        Actor::SYSTEM,
        &office,
        &tz,
        NewSurvey {
            title: "Quand accepteriez-vous de vous déplacer de nouveau pour une formation ?".into(),
            months: months.clone(),
            delegations: Vec::new(),
            closes_on: today
                .checked_add(jiff::Span::new().days(21))
                .map_err(Error::internal)?
                .to_string(),
        },
    )
    .await?;
    let everyone: Vec<i64> = by_delegation.values().flatten().copied().collect();
    let mut survey_answers = 0;
    let chosen: Vec<i64> = everyone.choose_multiple(&mut rng, 2_000).copied().collect();
    let briefs =
        people::briefs(db, &chosen.iter().map(|p| PersonId(*p)).collect::<Vec<_>>()).await?;
    for b in briefs {
        let answers: Vec<(String, Willingness)> = months
            .iter()
            .enumerate()
            .map(|(k, m)| {
                let x: f64 = rng.random();
                let hq = 0.03 + 0.12 * k as f64;
                let region = hq + 0.10 + 0.08 * k as f64;
                let w = if x < hq {
                    Willingness::Headquarters
                } else if x < region {
                    Willingness::Region
                } else {
                    Willingness::Online
                };
                (m.clone(), w)
            })
            .collect();
        surveys::answer(db, now, &b, survey, &answers).await?;
        survey_answers += answers.len();
    }
    // The notices of this made-up history are not sent.
    sqlx::query("UPDATE jobs SET state = 'done', finished_at = $1, last_error = 'demo history, not sent' WHERE kind = 'mail.send' AND state = 'queued'")
        .bind(now.0)
        .execute(db.pool())
        .await
        .db()?;
    Ok(Crisis {
        sessions: made.len(),
        registrations,
        providers: trainers.len() + venues.len() + hotels.len(),
        contracts,
        survey_answers,
    })
}

const SURNAMES: &[&str] = &[
    "Arnaud",
    "Benoît",
    "Chevalier",
    "Da Costa",
    "Étienne",
    "Fabre",
    "Garnier",
    "Hoarau",
    "Idrissi",
    "Jacquet",
    "Kone",
    "Lemaire",
    "Marchand",
    "Nguyen",
    "Olivier",
    "Perrin",
    "Quentin",
    "Roussel",
    "Schmitt",
    "Traoré",
    "Urvoy",
    "Vidal",
    "Weber",
    "Xavier",
    "Yilmaz",
    "Zimmermann",
    "Aubert",
    "Bonnet",
    "Carpentier",
    "Dumas",
];
