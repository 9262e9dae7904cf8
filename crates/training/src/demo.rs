//! The demo's year of training, loaded through the same services as real
//! data: about 120 courses and 400 sessions across the delegations, the
//! lockdown webinars for PhD supervisors (one full, with a waitlist) later
//! opened to everyone, and realistic registrations. Sessions are shifted by
//! whole weeks so that the lockdown webinars start two weeks after the demo
//! is loaded: some sessions are past, most are to come.

use std::collections::HashMap;

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use relais_core::{Error, Grant, PersonId, Principal, Result, Role, Scope, Timestamp};
use relais_db::audit::Actor;
use relais_db::{Db, DbResultExt};
use relais_directory::demo_data::DemoDirectory;

use crate::access::TrainingOffice;
use crate::courses::{self, NewCourse};
use crate::demo_data::{self, DemoAudience, DemoDelegationRef};
use crate::registrations::{self, Training};
use crate::sessions::{self, NewSession};
use crate::{Audience, RegistrationStatus};

const WEEK: i64 = 7 * 86_400;

/// A principal for the demo's made-up actions.
pub(crate) fn principal(id: PersonId, grants: Vec<Grant>) -> Principal {
    Principal {
        person_id: id,
        display_name: String::new(),
        email: String::new(),
        lang: None,
        unit: None,
        delegation: None,
        grants,
        token: None,
    }
}

async fn ids(db: &Db, sql: &'static str) -> Result<HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(sql).fetch_all(db.pool()).await.db()?;
    Ok(rows.into_iter().collect())
}

/// Loads the training year into a directory that holds the demo institute.
pub async fn load(t: &Training, directory: &DemoDirectory, seed: u64) -> Result<()> {
    let refs: Vec<DemoDelegationRef> = directory
        .delegations
        .iter()
        .map(|d| DemoDelegationRef {
            code: d.code.clone(),
            sites: d.sites.iter().map(|s| s.0.clone()).collect(),
        })
        .collect();
    let demo = demo_data::generate(seed, &refs, "2020-01-06");
    let db = &t.db;
    let clock = t.clock.as_ref();
    let delegations = ids(db, "SELECT code, id FROM delegations").await?;
    let sites: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT d.code, s.name, s.id FROM sites s JOIN delegations d ON d.id = s.delegation_id",
    )
    .fetch_all(db.pool())
    .await
    .db()?;
    let office = TrainingOffice::for_principal(&principal(
        PersonId(0),
        vec![Grant {
            role: Role::Admin,
            scope: Scope::Institute,
        }],
    ))?;

    let mut course_ids = HashMap::new();
    for c in &demo.courses {
        let id = courses::create(
            db,
            clock,
            Actor::SYSTEM,
            &office,
            NewCourse {
                title: c.title.clone(),
                format: c.format.to_string(),
                summary: c.summary.clone(),
                objectives: c.objectives.clone(),
                audience: c.audience.clone(),
                duration_minutes: Some(c.duration_minutes),
                themes: c.themes.clone(),
                owner_delegation_id: c.owner.as_ref().and_then(|d| delegations.get(d).copied()),
                link: c.link.clone(),
                provider: c.provider.clone(),
                effort_minutes: c.effort_minutes,
                recommended_by: c
                    .recommended_by
                    .iter()
                    .filter_map(|d| delegations.get(d).copied())
                    .collect(),
            },
        )
        .await?;
        course_ids.insert(c.key.clone(), id);
    }

    // Shift the year so that the lockdown webinars start two weeks from now.
    let first = demo
        .sessions
        .iter()
        .filter(|s| s.course == demo_data::LOCKDOWN_WEBINARS)
        .map(|s| sessions::parse_time("starts_at", &s.starts_at))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .min()
        .ok_or_else(|| Error::Internal("demo has no lockdown webinar".into()))?;
    let target = clock.now().plus_secs(2 * WEEK);
    let weeks = (target.0 - first.0).div_euclid(WEEK * 1_000_000);
    let shift = |s: &str| -> Result<Timestamp> {
        Ok(sessions::parse_time("starts_at", s)?.plus_secs(weeks * WEEK))
    };

    let now = clock.now();
    let mut session_ids = Vec::new();
    for s in &demo.sessions {
        let starts = shift(&s.starts_at)?;
        let ends = shift(&s.ends_at)?;
        let audience = match &s.audience {
            DemoAudience::Everyone => Audience::Everyone,
            DemoAudience::PhdSupervisors => Audience::PhdSupervisors,
            DemoAudience::Managers => Audience::Managers,
            DemoAudience::Delegations(codes) => Audience::Delegations(
                codes
                    .iter()
                    .filter_map(|c| delegations.get(c).copied())
                    .collect(),
            ),
        };
        let site = s.site.as_ref().and_then(|(d, n)| {
            sites
                .iter()
                .find(|(sd, sn, _)| sd == d && sn == n)
                .map(|x| x.2)
        });
        // Past sessions opened long ago; coming ones opened two months before or now.
        let opens = starts.plus_secs(-9 * WEEK).min(now.plus_secs(-WEEK));
        let id = sessions::create(
            db,
            clock,
            Actor::SYSTEM,
            &office,
            course_ids[&s.course],
            NewSession {
                starts_at: starts.rfc3339(),
                ends_at: ends.rfc3339(),
                capacity: s.capacity,
                site_id: site,
                venue_address: None,
                video_link: s.video_link.clone(),
                trainers: s.trainers.clone(),
                registration_opens_at: Some(opens.rfc3339()),
                registration_closes_at: Some(starts.rfc3339()),
                audience: Some(audience),
                requires_approval: s.requires_approval,
                waitlist_mode: Some(s.waitlist_mode.to_string()),
                offer_hours: None,
                delegation_id: s
                    .delegation
                    .as_ref()
                    .and_then(|d| delegations.get(d).copied()),
            },
        )
        .await?;
        session_ids.push((id, s.course.clone(), starts));
    }
    register_people(t, &session_ids, seed).await?;
    // The notices of this made-up history are not sent: the demo starts with a quiet outbox.
    sqlx::query("UPDATE jobs SET state = 'done', finished_at = $1, last_error = 'demo history, not sent' WHERE kind = 'mail.send' AND state = 'queued'")
        .bind(now.0)
        .execute(db.pool())
        .await
        .db()?;
    Ok(())
}

/// Registrations through the same service as a person's click: the PhD
/// supervisors flock to the lockdown webinars (more than 200 in all, so one
/// fills up and has a waitlist), others join coming sessions here and there.
async fn register_people(
    t: &Training,
    sessions: &[(i64, String, Timestamp)],
    seed: u64,
) -> Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7261_696e);
    let supervisors: Vec<(i64,)> = sqlx::query_as(
        "SELECT DISTINCT phd_supervisor_id FROM people WHERE phd_supervisor_id IS NOT NULL ORDER BY phd_supervisor_id",
    )
    .fetch_all(t.db.pool())
    .await
    .db()?;
    let agents: Vec<(i64,)> = sqlx::query_as("SELECT id FROM people ORDER BY id")
        .fetch_all(t.db.pool())
        .await
        .db()?;
    let now = t.clock.now();
    let webinars: Vec<i64> = sessions
        .iter()
        .filter(|(_, c, _)| c == demo_data::LOCKDOWN_WEBINARS)
        .map(|(id, ..)| *id)
        .collect();
    // The first webinar is the one everybody wants: it overflows.
    for (i, (p,)) in supervisors.iter().take(230).enumerate() {
        let session = if i < 110 {
            webinars[0]
        } else {
            *webinars.choose(&mut rng).unwrap_or(&webinars[0])
        };
        let who = principal(PersonId(*p), vec![]);
        match registrations::register(t, &who, session, None, None).await {
            Ok(_) | Err(Error::Conflict { .. } | Error::Invalid { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    for (id, course, starts) in sessions {
        if course == demo_data::LOCKDOWN_WEBINARS || *starts <= now || !rng.random_bool(0.5) {
            continue;
        }
        for _ in 0..rng.random_range(2..12) {
            let (p,) = agents.choose(&mut rng).copied().unwrap_or((0,));
            let who = principal(PersonId(p), vec![]);
            match registrations::register(t, &who, *id, None, None).await {
                Ok((
                    _,
                    RegistrationStatus::Confirmed
                    | RegistrationStatus::Waitlisted
                    | RegistrationStatus::Pending,
                )) => {}
                Ok(_) | Err(Error::Conflict { .. } | Error::Invalid { .. }) => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(())
}
