//! Re-planning the postponed sessions (T3): the postponed work, the
//! trainers' and venues' stated availability, the venues' seats, what each
//! period of the plan can still take and the willingness survey's answers
//! become a `relais_planner::Problem`; its proposals are kept, with the gap
//! to the LP bound and, for each session it could not place, the
//! constraints that stopped it. The office accepts (as proposed or at
//! adjusted dates) or rejects each: accepting gives the session its new
//! dates, invites its held registrants first (in their order, with the
//! calendar update) and then opens its remaining seats.

use std::collections::HashMap;
use std::time::Duration;

use relais_core::{DelegationId, Error, Msg, PersonId, Result, Timestamp};
use relais_db::audit::{self, Actor};
use relais_db::{Db, DbResultExt, SqlBuf};
use relais_directory::people;
use relais_planner as planner;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::TrainingOffice;
use crate::disruption::Action;
use crate::notices::{self, Notice};
use crate::plans;
use crate::providers::ProviderKind;
use crate::registrations::Training;
use crate::sessions;

const DAY_SECS: i64 = 86_400;

/// What the office may tune before planning.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ReplanRequest {
    /// Share (0 to 1) of a delegation's agents willing to travel below which
    /// no in-person session is placed that month (default 0.5).
    pub willingness_threshold: Option<f64>,
    /// Days between two sessions of a course (default 7).
    pub min_gap_days: Option<u32>,
    /// Days of notice before the first new date (default 14).
    pub notice_days: Option<i64>,
    /// How long the planner may search, in seconds (default 15, at most 60).
    pub time_limit_secs: Option<u64>,
}

/// One proposal, as kept and shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProposalView {
    pub id: i64,
    pub session_id: i64,
    pub course_title: String,
    pub delegation_id: Option<i64>,
    /// The date the session had before it was postponed.
    pub was_starts_at: String,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub venue: Option<String>,
    /// `proposed`, `accepted` or `rejected`.
    pub status: String,
    /// Why it could not be placed, in the caller's language.
    pub reasons: Vec<String>,
    #[serde(skip)]
    pub starts: Option<Timestamp>,
    #[serde(skip)]
    pub was: Timestamp,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Replan {
    pub id: i64,
    pub plan_id: i64,
    pub created_at: String,
    /// The plan's cost: trainee-days times days of delay (lower is better).
    pub objective: f64,
    /// No plan can cost less than this (an LP lower bound).
    pub bound: f64,
    /// How far from optimal this plan can be: (objective − bound) / objective.
    pub gap: f64,
    /// How the plan and the bound were found.
    pub method: String,
    pub millis: i64,
    pub placed: i64,
    pub unplaced: i64,
    pub proposals: Vec<ProposalView>,
}

fn date_of(t: Timestamp, tz: &str) -> Result<jiff::civil::Date> {
    Ok(t.to_jiff().in_tz(tz).map_err(Error::internal)?.date())
}

fn month_range(m: &str) -> Option<planner::DateRange> {
    let first: jiff::civil::Date = format!("{m}-01").parse().ok()?;
    Some(planner::DateRange::new(first, first.last_of_month()))
}

type PostponedRow = (
    i64,
    i64,
    Option<i64>,
    i64,
    i64,
    Option<i64>,
    Option<String>,
    i64,
    Option<String>,
);

/// Plans the postponed sessions into plan `plan_id` and the plans after it.
pub async fn replan(
    t: &Training,
    actor: Actor,
    office: &TrainingOffice,
    plan_id: i64,
    r: ReplanRequest,
) -> Result<i64> {
    if !office.national() {
        return Err(Error::Forbidden);
    }
    let db = &t.db;
    let tz = &t.time_zone;
    let now = t.clock.now();
    let plan = plans::get(db, plan_id).await?;
    let threshold = r.willingness_threshold.unwrap_or(0.5);
    if !(0.0..=1.0).contains(&threshold) {
        return Err(Error::invalid(
            "willingness_threshold",
            "replan-error-threshold",
        ));
    }
    let gap = r.min_gap_days.unwrap_or(7);
    if gap > 365 {
        return Err(Error::invalid("min_gap_days", "replan-error-gap"));
    }
    let notice = r.notice_days.unwrap_or(14);
    if !(0..=365).contains(&notice) {
        return Err(Error::invalid("notice_days", "replan-error-notice"));
    }
    let limit = r.time_limit_secs.unwrap_or(15).clamp(1, 60);

    // The horizon: from the notice on (and not before the plan) to the end of the last plan.
    let later: Vec<plans::Plan> = plans::list(db)
        .await?
        .into_iter()
        .filter(|p| {
            p.periods
                .first()
                .is_some_and(|f| f.starts >= plan.periods.first().map_or(f.starts, |x| x.starts))
        })
        .collect();
    let end = later
        .iter()
        .flat_map(|p| p.periods.iter().map(|x| x.ends))
        .max()
        .ok_or(Error::NotFound)?;
    let first =
        date_of(now.plus_secs(notice * DAY_SECS), tz)?.max(date_of(plan.periods[0].starts, tz)?);
    let last = date_of(Timestamp(end.0 - 1), tz)?;
    if last < first {
        return Err(Error::invalid("plan", "replan-error-plan-over"));
    }
    let mut periods = Vec::new();
    for p in &later {
        for l in plans::load(db, now, p).await? {
            periods.push(planner::Period {
                id: planner::PeriodId(l.period.id),
                first: date_of(l.period.starts, tz)?,
                last: date_of(Timestamp(l.period.ends.0 - 1), tz)?,
                capacity_trainee_days: l.remaining_days.clamp(0, u32::MAX as i64) as u32,
            });
        }
    }

    // The postponed sessions with what they hold.
    let rows: Vec<PostponedRow> = sqlx::query_as(
        "SELECT s.id, s.course_id, s.delegation_id, s.starts_at, s.ends_at, s.site_id, s.mode,
            s.seats_confirmed + s.seats_offered + s.seats_pending,
            s.venue_address
         FROM training_sessions s WHERE s.status = 'postponed' ORDER BY s.starts_at, s.id",
    )
    .fetch_all(db.pool())
    .await
    .db()?;
    if rows.is_empty() {
        return Err(Error::invalid("plan", "replan-error-nothing"));
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let mut conn = db.pool().acquire().await.db()?;
    let contracts = crate::providers::contracts_for_sessions(&mut conn, &ids).await?;
    let mut pids: Vec<i64> = contracts.iter().map(|c| c.provider_id).collect();
    pids.sort_unstable();
    pids.dedup();
    let known = crate::providers::get_many(&mut conn, &pids).await?;
    drop(conn);
    let mut trainers_of: HashMap<i64, Vec<planner::TrainerId>> = HashMap::new();
    for c in &contracts {
        if known
            .get(&c.provider_id)
            .is_some_and(|p| p.kind == ProviderKind::Trainer)
        {
            for s in &c.sessions {
                trainers_of
                    .entry(*s)
                    .or_default()
                    .push(planner::TrainerId(c.provider_id));
            }
        }
    }
    // Availability said through the providers' links, month by month.
    let said: Vec<(i64, String, i64)> =
        sqlx::query_as("SELECT provider_id, month, available FROM training_provider_availability")
            .fetch_all(db.pool())
            .await
            .db()?;
    let mut unavailable: HashMap<i64, Vec<planner::DateRange>> = HashMap::new();
    for (p, m, ok) in said {
        if ok == 0
            && let Some(range) = month_range(&m)
        {
            unavailable.entry(p).or_default().push(range);
        }
    }
    let mut trainer_ids: Vec<planner::TrainerId> =
        trainers_of.values().flatten().copied().collect();
    trainer_ids.sort();
    trainer_ids.dedup();
    let trainers = trainer_ids
        .iter()
        .map(|id| planner::Trainer {
            id: *id,
            availability: planner::Availability {
                available: None,
                unavailable: unavailable.get(&id.0).cloned().unwrap_or_default(),
            },
        })
        .collect();
    let venue_rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT id, delegation_id, seats FROM training_providers WHERE kind = 'venue' AND delegation_id IS NOT NULL AND seats IS NOT NULL",
    )
    .fetch_all(db.pool())
    .await
    .db()?;
    let venues = venue_rows
        .iter()
        .map(|(id, d, seats)| planner::Venue {
            id: planner::VenueId(*id),
            delegation: planner::DelegationId(*d),
            seats: (*seats).clamp(0, u32::MAX as i64) as u32,
            availability: planner::Availability {
                available: None,
                unavailable: unavailable.get(id).cloned().unwrap_or_default(),
            },
        })
        .collect();
    let willingness = crate::surveys::willingness(db)
        .await?
        .into_iter()
        .filter_map(|((d, m), share)| {
            Some(planner::Willingness {
                delegation: planner::DelegationId(d),
                month: m.parse().ok()?,
                share,
            })
        })
        .collect();
    let sessions = rows
        .iter()
        .map(|(id, course, d, starts, ends, site, mode, held, address)| {
            let days = plans::days_of(Timestamp(*starts), Timestamp(*ends));
            let held = (*held).max(1);
            let in_person =
                mode.as_deref() != Some("online") && (site.is_some() || address.is_some());
            planner::Session {
                id: planner::SessionId(*id),
                course: planner::CourseId(*course),
                part: None,
                days: days as u32,
                trainers: trainers_of.get(id).cloned().unwrap_or_default(),
                delegation: planner::DelegationId(d.unwrap_or(0)),
                seats: held as u32,
                format: if in_person {
                    planner::Format::InPerson
                } else {
                    planner::Format::Online
                },
                venues: Vec::new(),
                earliest: None,
                trainee_days: (held * days).clamp(1, u32::MAX as i64) as u32,
            }
        })
        .collect();
    let problem = planner::Problem {
        horizon: planner::DateRange::new(first, last),
        periods,
        sessions,
        trainers,
        venues,
        willingness,
        rules: planner::Rules {
            min_gap_days: gap,
            willingness_threshold: threshold,
            ..Default::default()
        },
    };
    let options = planner::Options {
        time_limit: Duration::from_secs(limit),
        lp_bound: true,
    };
    let result = tokio::task::spawn_blocking(move || planner::plan(&problem, &options))
        .await
        .map_err(Error::internal)?
        .map_err(|e| Error::Invalid {
            field: "plan",
            msg: Msg::new("replan-error-problem").arg("detail", e),
        })?;

    let by_id: HashMap<i64, &PostponedRow> = rows.iter().map(|r| (r.0, r)).collect();
    let mut tx = db.begin().await.db()?;
    let out = async {
        let method = format!(
            "{}; {}",
            result.method.search,
            match &result.method.bound {
                planner::BoundMethod::LpRelaxation { buckets, blocks, blocks_solved, .. } =>
                    format!("LP relaxation ({buckets} buckets, {blocks_solved}/{blocks} blocks solved)"),
                planner::BoundMethod::SessionsAlone { why } => format!("each session alone ({why})"),
            }
        );
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO training_replans (plan_id, created_by, created_at, objective, bound, gap, method, millis)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(plan_id)
        .bind(actor.person.map(|p| p.0))
        .bind(now.0)
        .bind(result.objective as f64)
        .bind(result.bound as f64)
        .bind(result.gap)
        .bind(&method)
        .bind(result.solve_time.as_millis() as i64)
        .fetch_one(&mut *tx)
        .await
        .db()?;
        for p in &result.proposals {
            let sid = p.session().0;
            let Some(row) = by_id.get(&sid) else { continue };
            let (starts, ends, reasons) = match p {
                planner::Proposal::Placed(pl) => {
                    // Same times of day as before, on the new days.
                    let (s, e) = moved(Timestamp(row.3), Timestamp(row.4), pl.first_day, tz)?;
                    let venue = pl.venue.map(|v| v.0);
                    (Some(s.0), Some(e.0), serde_json::json!({ "venue": venue }))
                }
                planner::Proposal::Unplaced(u) => (
                    None,
                    None,
                    serde_json::json!({ "reasons": u.reasons, "blocking": u.blocking }),
                ),
            };
            sqlx::query(
                "INSERT INTO training_proposals (replan_id, session_id, starts_at, ends_at, reasons, status) VALUES ($1, $2, $3, $4, $5, 'proposed')",
            )
            .bind(id)
            .bind(sid)
            .bind(starts)
            .bind(ends)
            .bind(reasons.to_string())
            .execute(&mut *tx)
            .await
            .db()?;
        }
        audit::record(&mut tx, now, actor, "plan.replan", &format!("plan:{plan_id}"),
            serde_json::json!({ "replan": id, "placed": result.placed_sessions, "sessions": result.proposals.len(), "gap": result.gap }))
            .await
            .db()?;
        Ok(id)
    }
    .await;
    relais_db::finish(tx, out).await
}

/// The session's times of day kept, moved to start on `day`.
fn moved(
    starts: Timestamp,
    ends: Timestamp,
    day: jiff::civil::Date,
    tz: &str,
) -> Result<(Timestamp, Timestamp)> {
    let zs = starts.to_jiff().in_tz(tz).map_err(Error::internal)?;
    let ze = ends.to_jiff().in_tz(tz).map_err(Error::internal)?;
    let span_days = (ze.date() - zs.date()).get_days() as i64;
    let s = day
        .to_datetime(zs.time())
        .in_tz(tz)
        .map_err(Error::internal)?;
    let end_day = day
        .checked_add(jiff::Span::new().days(span_days))
        .map_err(Error::internal)?;
    let e = end_day
        .to_datetime(ze.time())
        .in_tz(tz)
        .map_err(Error::internal)?;
    Ok((
        Timestamp::from_jiff(s.timestamp()),
        Timestamp::from_jiff(e.timestamp()),
    ))
}

type ProposalRow = (
    i64,
    i64,
    String,
    Option<i64>,
    i64,
    Option<i64>,
    Option<i64>,
    String,
    String,
);

/// A re-plan with its proposals, reasons worded in `lang`.
pub async fn get(db: &Db, id: i64, lang: relais_core::Lang) -> Result<Replan> {
    let head: Option<(i64, i64, i64, f64, f64, f64, String, i64)> = sqlx::query_as(
        "SELECT id, plan_id, created_at, objective, bound, gap, method, millis FROM training_replans WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await
    .db()?;
    let h = head.ok_or(Error::NotFound)?;
    let rows: Vec<ProposalRow> = sqlx::query_as(
        "SELECT p.id, p.session_id, c.title, s.delegation_id, s.starts_at, p.starts_at, p.ends_at, p.status, p.reasons
         FROM training_proposals p JOIN training_sessions s ON s.id = p.session_id JOIN courses c ON c.id = s.course_id
         WHERE p.replan_id = $1 ORDER BY p.starts_at IS NULL, p.starts_at, s.starts_at, p.id",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await
    .db()?;
    let names = Names::load(db).await?;
    let tr = relais_web::T(lang);
    let proposals: Vec<ProposalView> = rows
        .into_iter()
        .map(|r| {
            let extra: serde_json::Value = serde_json::from_str(&r.8).unwrap_or_default();
            let reasons: Vec<planner::Reason> =
                serde_json::from_value(extra["reasons"].clone()).unwrap_or_default();
            ProposalView {
                id: r.0,
                session_id: r.1,
                course_title: r.2,
                delegation_id: r.3,
                was_starts_at: Timestamp(r.4).rfc3339(),
                was: Timestamp(r.4),
                starts_at: r.5.map(|t| Timestamp(t).rfc3339()),
                starts: r.5.map(Timestamp),
                ends_at: r.6.map(|t| Timestamp(t).rfc3339()),
                venue: extra["venue"]
                    .as_i64()
                    .and_then(|v| names.providers.get(&v).cloned()),
                status: r.7,
                reasons: reasons.iter().map(|x| names.word(&tr, x)).collect(),
            }
        })
        .collect();
    Ok(Replan {
        id: h.0,
        plan_id: h.1,
        created_at: Timestamp(h.2).rfc3339(),
        objective: h.3,
        bound: h.4,
        gap: h.5,
        method: h.6,
        millis: h.7,
        placed: proposals.iter().filter(|p| p.starts.is_some()).count() as i64,
        unplaced: proposals.iter().filter(|p| p.starts.is_none()).count() as i64,
        proposals,
    })
}

/// Names of providers, delegations and periods, to word the reasons.
struct Names {
    providers: HashMap<i64, String>,
    delegations: HashMap<i64, String>,
    periods: HashMap<i64, String>,
}

impl Names {
    async fn load(db: &Db) -> Result<Names> {
        let pairs = |rows: Vec<(i64, String)>| rows.into_iter().collect::<HashMap<_, _>>();
        Ok(Names {
            providers: pairs(
                sqlx::query_as("SELECT id, name FROM training_providers")
                    .fetch_all(db.pool())
                    .await
                    .db()?,
            ),
            delegations: pairs(
                sqlx::query_as("SELECT id, name FROM delegations")
                    .fetch_all(db.pool())
                    .await
                    .db()?,
            ),
            periods: pairs(
                sqlx::query_as("SELECT id, name FROM training_plan_periods")
                    .fetch_all(db.pool())
                    .await
                    .db()?,
            ),
        })
    }

    fn word(&self, tr: &relais_web::T, r: &planner::Reason) -> String {
        use planner::Reason as R;
        let name = |m: &HashMap<i64, String>, id: i64| {
            m.get(&id).cloned().unwrap_or_else(|| format!("#{id}"))
        };
        match r {
            R::EarliestAfterHorizon {
                earliest,
                horizon_last,
            } => tr.ta(
                "replan-reason-earliest",
                &[
                    ("earliest", earliest.to_string()),
                    ("end", horizon_last.to_string()),
                ],
            ),
            R::NoWorkingDays { days } => {
                tr.ta("replan-reason-calendar", &[("days", days.to_string())])
            }
            R::TrainerUnavailable { trainer } => tr.ta(
                "replan-reason-trainer-unavailable",
                &[("trainer", name(&self.providers, trainer.0))],
            ),
            R::TrainerBusy { trainer } => tr.ta(
                "replan-reason-trainer-busy",
                &[("trainer", name(&self.providers, trainer.0))],
            ),
            R::NoVenueLargeEnough {
                seats_needed,
                largest,
            } => match largest {
                Some(l) => tr.ta(
                    "replan-reason-venue-small",
                    &[
                        ("seats", seats_needed.to_string()),
                        ("largest", l.to_string()),
                    ],
                ),
                None => tr.ta(
                    "replan-reason-no-venue",
                    &[("seats", seats_needed.to_string())],
                ),
            },
            R::VenueUnavailable => tr.t("replan-reason-venue-unavailable"),
            R::VenuesBooked => tr.t("replan-reason-venues-booked"),
            R::NotWillingToTravel {
                delegation,
                months,
                threshold,
            } => tr.ta(
                "replan-reason-willingness",
                &[
                    ("delegation", name(&self.delegations, delegation.0)),
                    (
                        "months",
                        months
                            .iter()
                            .map(|m| m.to_string())
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                    ("percent", format!("{:.0}", threshold * 100.0)),
                ],
            ),
            R::CourseGap { gap_days, .. } => {
                tr.ta("replan-reason-gap", &[("days", gap_days.to_string())])
            }
            R::PartOrder { previous_part, .. } => {
                tr.ta("replan-reason-part", &[("part", previous_part.to_string())])
            }
            R::PeriodFull { periods } => tr.ta(
                "replan-reason-period-full",
                &[(
                    "periods",
                    periods
                        .iter()
                        .map(|p| name(&self.periods, p.0))
                        .collect::<Vec<_>>()
                        .join(", "),
                )],
            ),
        }
    }
}

fn conflict(key: &'static str) -> Error {
    Error::Conflict {
        field: "proposal",
        msg: Msg::new(key),
    }
}

/// Accepts a proposal, at its dates or at `adjusted` ones (a start, and an
/// end or else the session's own length): the session gets
/// them and opens again; its held registrants are told first (seat holders
/// with the calendar invitation), in their order, then the remaining seats
/// are open to everyone. One transaction.
pub async fn accept(
    t: &Training,
    actor: Actor,
    office: &TrainingOffice,
    id: i64,
    adjusted: Option<(Timestamp, Option<Timestamp>)>,
) -> Result<()> {
    let now = t.clock.now();
    let mut tx = t.db.begin().await.db()?;
    let result = async {
        let row: Option<(i64, Option<i64>, Option<i64>, String, String)> = sqlx::query_as(
            "SELECT session_id, starts_at, ends_at, status, reasons FROM training_proposals WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .db()?;
        let (sid, starts, ends, status, extra) = row.ok_or(Error::NotFound)?;
        if status != "proposed" {
            return Err(conflict("replan-error-decided"));
        }
        let s = sessions::lock(&mut tx, t.db.backend(), now, sid).await?;
        office.check(s.delegation_id.map(DelegationId))?;
        if s.stored != sessions::Stored::Postponed {
            return Err(conflict("replan-error-not-postponed"));
        }
        let (starts, ends) = match (adjusted, starts, ends) {
            (Some((a, b)), ..) => (a, b.unwrap_or(Timestamp(a.0 + (s.ends.0 - s.starts.0)))),
            (None, Some(a), Some(b)) => (Timestamp(a), Timestamp(b)),
            _ => return Err(Error::invalid("starts_at", "replan-error-no-date")),
        };
        if ends <= starts {
            return Err(Error::invalid("ends_at", "training-error-end-before-start"));
        }
        if starts <= now {
            return Err(Error::invalid("starts_at", "disruption-error-past"));
        }
        let end = plans::last_end(&mut tx).await?;
        if end.is_some_and(|e| ends > e) {
            return Err(Error::Invalid {
                field: "starts_at",
                msg: Msg::new("disruption-error-beyond-plan").arg("end", end.map(|e| e.rfc3339()).unwrap_or_default()),
            });
        }
        let extra: serde_json::Value = serde_json::from_str(&extra).unwrap_or_default();
        let venue: Option<String> = match extra["venue"].as_i64() {
            Some(v) => sqlx::query_as::<_, (String,)>("SELECT name FROM training_providers WHERE id = $1")
                .bind(v)
                .fetch_optional(&mut *tx)
                .await
                .db()?
                .map(|(n,)| n),
            None => None,
        };
        sqlx::query(
            "UPDATE training_sessions SET status = 'scheduled', starts_at = $1, ends_at = $2, registration_closes_at = $1,
                venue_address = COALESCE($3, venue_address), ics_sequence = ics_sequence + 1, updated_at = $4 WHERE id = $5",
        )
        .bind(starts.0)
        .bind(ends.0)
        .bind(venue)
        .bind(now.0)
        .bind(sid)
        .execute(&mut *tx)
        .await
        .db()?;
        let decided = sqlx::query(
            "UPDATE training_proposals SET status = 'accepted', starts_at = $1, ends_at = $2, decided_by = $3, decided_at = $4
             WHERE id = $5 AND status = 'proposed'",
        )
        .bind(starts.0)
        .bind(ends.0)
        .bind(actor.person.map(|p| p.0))
        .bind(now.0)
        .bind(id)
        .execute(&mut *tx)
        .await
        .db()?;
        if decided.rows_affected() != 1 {
            return Err(conflict("replan-error-decided"));
        }
        // The held registrants first, in their order, then the seats are open.
        let s = sessions::lock(&mut tx, t.db.backend(), now, sid).await?;
        let held: Vec<(i64, i64, String)> = sqlx::query_as(
            "SELECT id, person_id, status FROM registrations WHERE session_id = $1 AND status IN ('confirmed', 'offered', 'pending', 'waitlisted') ORDER BY queued_at, id",
        )
        .bind(sid)
        .fetch_all(&mut *tx)
        .await
        .db()?;
        let ids: Vec<PersonId> = held.iter().map(|h| PersonId(h.1)).collect();
        let briefs: HashMap<i64, people::PersonBrief> =
            people::briefs_in(&mut tx, &ids).await?.into_iter().map(|b| (b.id.0, b)).collect();
        let mut mails = Vec::with_capacity(held.len());
        let expires = now.plus_secs(s.offer_hours * 3600).min(s.starts);
        for (reg, person, status) in &held {
            let Some(b) = briefs.get(person) else { continue };
            let status = crate::RegistrationStatus::parse(status);
            if status == Some(crate::RegistrationStatus::Offered) {
                // An offer held while the session was postponed starts again now.
                sqlx::query("UPDATE registrations SET offer_expires_at = $1, updated_at = $2 WHERE id = $3")
                    .bind(expires.0)
                    .bind(now.0)
                    .bind(reg)
                    .execute(&mut *tx)
                    .await
                    .db()?;
                relais_jobs::enqueue(
                    &mut tx,
                    now,
                    relais_jobs::NewJob::new(crate::registrations::OFFER_EXPIRY_JOB, serde_json::json!({ "registration": reg }))
                        .dedup(format!("offer-expiry:{reg}:{}", expires.0))
                        .at(expires),
                )
                .await
                .db()?;
                mails.push(notices::mail(t, Notice::Offered { expires }, *reg, &s, b, now));
                continue;
            }
            let had_seat = status == Some(crate::RegistrationStatus::Confirmed);
            mails.push(notices::mail(t, Notice::Disrupted { action: Action::Reschedule, had_seat }, *reg, &s, b, now));
        }
        relais_mail::enqueue_many(&mut tx, now, &mails).await.db()?;
        // Then the seats freed while it was postponed go to the waitlist, then to anyone.
        crate::registrations::promote(&mut tx, t, &s, now).await?;
        audit::record(&mut tx, now, actor, "session.reschedule", &format!("session:{sid}"),
            serde_json::json!({ "proposal": id, "starts_at": starts.0, "told": mails.len() }))
            .await
            .db()?;
        Ok(())
    }
    .await;
    relais_db::finish(tx, result).await
}

/// Rejects a proposal: the session stays postponed.
pub async fn reject(t: &Training, actor: Actor, office: &TrainingOffice, id: i64) -> Result<()> {
    let now = t.clock.now();
    let mut tx = t.db.begin().await.db()?;
    let result = async {
        let of: Option<(Option<i64>,)> = sqlx::query_as(
            "SELECT s.delegation_id FROM training_proposals p JOIN training_sessions s ON s.id = p.session_id WHERE p.id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .db()?;
        office.check(of.ok_or(Error::NotFound)?.0.map(DelegationId))?;
        let done = sqlx::query("UPDATE training_proposals SET status = 'rejected', decided_by = $1, decided_at = $2 WHERE id = $3 AND status = 'proposed'")
            .bind(actor.person.map(|p| p.0))
            .bind(now.0)
            .bind(id)
            .execute(&mut *tx)
            .await
            .db()?;
        if done.rows_affected() != 1 {
            let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM training_proposals WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .db()?;
            return Err(if found.is_some() { conflict("replan-error-decided") } else { Error::NotFound });
        }
        audit::record(&mut tx, now, actor, "proposal.reject", &format!("proposal:{id}"), serde_json::json!({}))
            .await
            .db()?;
        Ok(())
    }
    .await;
    relais_db::finish(tx, result).await
}

/// The latest re-plans of a plan, newest first: id, when, placed, unplaced, gap.
pub async fn recent(db: &Db, plan_id: i64) -> Result<Vec<(i64, Timestamp, i64, i64, f64)>> {
    let mut sql = SqlBuf::new(
        "SELECT r.id, r.created_at,
            (SELECT COUNT(*) FROM training_proposals p WHERE p.replan_id = r.id AND p.starts_at IS NOT NULL),
            (SELECT COUNT(*) FROM training_proposals p WHERE p.replan_id = r.id AND p.starts_at IS NULL), r.gap
         FROM training_replans r WHERE r.plan_id = ",
    );
    sql.bind(plan_id).push(" ORDER BY r.id DESC LIMIT 10");
    let rows: Vec<(i64, i64, i64, i64, f64)> = sql.query_as().fetch_all(db.pool()).await.db()?;
    Ok(rows
        .into_iter()
        .map(|r| (r.0, Timestamp(r.1), r.2, r.3, r.4))
        .collect())
}
