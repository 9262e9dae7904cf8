//! The annual plan's load view and the willingness survey: the office's
//! pages (make a plan, see where the work went; ask, see the answers as a
//! chart and a table) and the agent's answer form.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use relais_core::Error;
use relais_directory::people;
use relais_web::layout::render;
use relais_web::{AppResult, AppState, CsrfForm, Ctx, PageCtx, T};

use crate::disruption::euros;
use crate::plans::{self, Load, NewPeriod, NewPlan};
use crate::replan::{self, ReplanRequest};
use crate::surveys::{self, NewSurvey, Tally, Willingness};

use super::crisis_pages::{Fields, field};

use super::officer;

fn get_field(f: &Fields, k: &str) -> String {
    field(f, k).unwrap_or_default().to_string()
}

#[derive(askama::Template)]
#[template(path = "plans.html")]
struct PlansPage {
    page: PageCtx,
    plans: Vec<(i64, String, String)>,
    error: Option<String>,
}

async fn plans_view(state: &AppState, ctx: &Ctx, error: Option<String>) -> AppResult<PlansPage> {
    officer(ctx)?;
    let t = T(ctx.lang);
    let tz = &state.config.time_zone;
    Ok(PlansPage {
        page: PageCtx::new(state, ctx, t.t("plans-title")),
        plans: plans::list(&state.db)
            .await?
            .into_iter()
            .map(|p| {
                let span = match (p.periods.first(), p.periods.last()) {
                    (Some(a), Some(b)) => format!(
                        "{} – {}",
                        a.starts.local(tz),
                        relais_core::Timestamp(b.ends.0 - 1).local(tz)
                    ),
                    _ => String::new(),
                };
                (p.id, p.name, span)
            })
            .collect(),
        error,
    })
}

async fn plans_page(State(state): State<AppState>, ctx: Ctx) -> AppResult<Html<String>> {
    render(&plans_view(&state, &ctx, None).await?)
}

async fn create_plan(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<Fields>,
) -> AppResult<Response> {
    let (office, actor) = officer(&ctx)?;
    let periods = (1..=2)
        .filter(|i| !get_field(&f, &format!("p{i}_starts")).is_empty())
        .map(|i| NewPeriod {
            name: get_field(&f, &format!("p{i}_name")),
            starts_on: get_field(&f, &format!("p{i}_starts")),
            ends_on: get_field(&f, &format!("p{i}_ends")),
            capacity_days: get_field(&f, &format!("p{i}_capacity"))
                .parse()
                .unwrap_or(-1),
        })
        .collect();
    let plan = NewPlan {
        name: get_field(&f, "name"),
        periods,
    };
    match plans::create(
        &state.db,
        state.clock.now(),
        actor,
        &office,
        &state.config.time_zone,
        plan,
    )
    .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/training/office/plans/{id}")).into_response()),
        Err(Error::Invalid { msg, .. }) => {
            let page = plans_view(&state, &ctx, Some(T(ctx.lang).msg(&msg))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

struct LoadRow {
    label: String,
    cells: Vec<String>,
}

fn cells(l: &Load) -> Vec<String> {
    vec![
        format!("{} / {}", l.planned_sessions, l.planned_trainee_days),
        euros(l.planned_budget_cents),
        format!("{} / {}", l.held_sessions, l.held_trainee_days),
        format!("{} / {}", l.coming_sessions, l.coming_trainee_days),
        l.cancelled_sessions.to_string(),
        format!("{} / {}", l.postponed_sessions, l.postponed_trainee_days),
        l.rescheduled_in.to_string(),
        format!("{} / {}", l.carried_out, l.carried_in),
    ]
}

struct PeriodView {
    name: String,
    span: String,
    total: Vec<String>,
    remaining: i64,
    capacity: i64,
    rows: Vec<LoadRow>,
}

#[derive(askama::Template)]
#[template(path = "plan.html")]
struct PlanPage {
    page: PageCtx,
    id: i64,
    periods: Vec<PeriodView>,
    /// Re-plans of this plan: id, when, placed, unplaced, gap in percent.
    replans: Vec<(i64, String, i64, i64, String)>,
    postponed: i64,
    error: Option<String>,
}

async fn plan_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    render(&plan_view(&state, &ctx, id, None).await?)
}

async fn plan_view(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    error: Option<String>,
) -> AppResult<PlanPage> {
    officer(ctx)?;
    let plan = plans::get(&state.db, id).await?;
    let load = plans::load(&state.db, state.clock.now(), &plan).await?;
    let tz = &state.config.time_zone;
    let t = T(ctx.lang);
    let (postponed,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM training_sessions WHERE status = 'postponed'")
            .fetch_one(state.db.pool())
            .await
            .map_err(Error::internal)?;
    Ok(PlanPage {
        page: PageCtx::new(state, ctx, plan.name.clone()),
        id,
        postponed,
        error,
        replans: replan::recent(&state.db, id)
            .await?
            .into_iter()
            .map(|(r, at, placed, unplaced, gap)| {
                (
                    r,
                    at.local(tz),
                    placed,
                    unplaced,
                    format!("{:.1}", gap * 100.0),
                )
            })
            .collect(),
        periods: load
            .iter()
            .map(|p| PeriodView {
                name: p.period.name.clone(),
                span: format!(
                    "{} – {}",
                    p.period.starts.local(tz),
                    relais_core::Timestamp(p.period.ends.0 - 1).local(tz)
                ),
                total: cells(&p.total),
                remaining: p.remaining_days,
                capacity: p.period.capacity_days,
                rows: p
                    .by_delegation
                    .iter()
                    .map(|d| LoadRow {
                        label: if d.delegation.is_empty() {
                            t.t("plan-national")
                        } else {
                            d.delegation.clone()
                        },
                        cells: cells(&d.load),
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// The next twelve months, `YYYY-MM`, from the month after now.
pub(crate) fn next_months(now: relais_core::Timestamp, tz: &str) -> Vec<String> {
    match now.to_jiff().in_tz(tz) {
        Ok(z) => surveys::next_months(z.date(), 12),
        Err(_) => Vec::new(),
    }
}

#[derive(askama::Template)]
#[template(path = "surveys.html")]
struct SurveysPage {
    page: PageCtx,
    surveys: Vec<(i64, String, String)>,
    months: Vec<String>,
    delegations: Vec<relais_directory::org::Delegation>,
    error: Option<String>,
}

async fn surveys_view(
    state: &AppState,
    ctx: &Ctx,
    error: Option<String>,
) -> AppResult<SurveysPage> {
    officer(ctx)?;
    let t = T(ctx.lang);
    let tz = &state.config.time_zone;
    Ok(SurveysPage {
        page: PageCtx::new(state, ctx, t.t("surveys-title")),
        surveys: surveys::list(&state.db)
            .await?
            .into_iter()
            .map(|s| (s.id, s.title, s.closes.local(tz)))
            .collect(),
        months: next_months(state.clock.now(), tz),
        delegations: relais_directory::org::delegations(&state.db).await?,
        error,
    })
}

async fn surveys_page(State(state): State<AppState>, ctx: Ctx) -> AppResult<Html<String>> {
    render(&surveys_view(&state, &ctx, None).await?)
}

async fn create_survey(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<Fields>,
) -> AppResult<Response> {
    let (office, actor) = officer(&ctx)?;
    let mut months: Vec<String> = f
        .keys()
        .filter_map(|k| k.strip_prefix("m_"))
        .map(str::to_string)
        .collect();
    months.sort();
    let mut delegations: Vec<i64> = f
        .keys()
        .filter_map(|k| k.strip_prefix("d_")?.parse().ok())
        .collect();
    delegations.sort_unstable();
    let s = NewSurvey {
        title: get_field(&f, "title"),
        months,
        delegations,
        closes_on: get_field(&f, "closes_on"),
    };
    match surveys::create(
        &state.db,
        state.clock.now(),
        actor,
        &office,
        &state.config.time_zone,
        s,
    )
    .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/training/office/surveys/{id}")).into_response()),
        Err(Error::Invalid { msg, .. }) => {
            let page = surveys_view(&state, &ctx, Some(T(ctx.lang).msg(&msg))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// One month's stacked bar: headquarters, region, online, as shares of its height.
struct Bar {
    x: i64,
    label: String,
    parts: Vec<(i64, i64, &'static str, String)>,
}

#[derive(askama::Template)]
#[template(path = "survey_results.html")]
struct ResultsPage {
    page: PageCtx,
    title: String,
    people: i64,
    width: i64,
    height: i64,
    bars: Vec<Bar>,
    legend: Vec<(&'static str, String)>,
    months: Vec<String>,
    rows: Vec<(String, Vec<String>)>,
    all: Vec<String>,
}

const COLOURS: [&str; 3] = ["#0b4f8a", "#2f7d32", "#8a4b0b"];

fn share(t: &Tally) -> String {
    if t.total() == 0 {
        "—".into()
    } else {
        format!(
            "{} / {} / {} ({:.0} %)",
            t.headquarters,
            t.region,
            t.online,
            t.travel_share() * 100.0
        )
    }
}

async fn results_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    let (office, _) = officer(&ctx)?;
    let t = T(ctx.lang);
    let r = surveys::results(&state.db, id).await?;
    if !r.survey.readable_by(&office) {
        return Err(Error::Forbidden.into());
    }
    let height = 160;
    let step = 56;
    let bars = r
        .all
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let total = m.total().max(1);
            let mut y = height;
            let parts = [m.headquarters, m.region, m.online]
                .iter()
                .zip(Willingness::ALL)
                .enumerate()
                .map(|(k, (n, w))| {
                    let h = n * height / total;
                    y -= h;
                    (
                        y,
                        h,
                        COLOURS[k],
                        format!("{} : {}", t.t(&format!("survey-answer-{}", w.as_str())), n),
                    )
                })
                .collect();
            Bar {
                x: 8 + i as i64 * step,
                label: m.month.clone(),
                parts,
            }
        })
        .collect();
    render(&ResultsPage {
        page: PageCtx::new(&state, &ctx, r.survey.title.clone()),
        title: r.survey.title.clone(),
        people: r.people,
        width: 16 + r.all.len() as i64 * step,
        height,
        bars,
        legend: Willingness::ALL
            .iter()
            .enumerate()
            .map(|(k, w)| (COLOURS[k], t.t(&format!("survey-answer-{}", w.as_str()))))
            .collect(),
        months: r.survey.months.clone(),
        rows: r
            .delegations
            .iter()
            .map(|d| {
                (
                    if d.delegation.is_empty() {
                        t.t("plan-national")
                    } else {
                        d.delegation.clone()
                    },
                    d.months.iter().map(share).collect(),
                )
            })
            .collect(),
        all: r.all.iter().map(share).collect(),
    })
}

#[derive(askama::Template)]
#[template(path = "survey.html")]
struct SurveyPage {
    page: PageCtx,
    id: i64,
    title: String,
    closes: String,
    months: Vec<(String, Option<&'static str>)>,
    choices: Vec<(&'static str, String)>,
    message: Option<String>,
    error: bool,
}

async fn survey_view(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    message: Option<String>,
    error: bool,
) -> AppResult<SurveyPage> {
    let p = ctx.require()?;
    let t = T(ctx.lang);
    let s = surveys::get(&state.db, id).await?;
    let mine = surveys::answers_of(&state.db, id, p.person_id).await?;
    Ok(SurveyPage {
        page: PageCtx::new(state, ctx, s.title.clone()),
        id,
        closes: s.closes.local(&state.config.time_zone),
        months: s
            .months
            .iter()
            .map(|m| (m.clone(), mine.get(m).map(|w| w.as_str())))
            .collect(),
        title: s.title,
        choices: Willingness::ALL
            .iter()
            .map(|w| (w.as_str(), t.t(&format!("survey-answer-{}", w.as_str()))))
            .collect(),
        message,
        error,
    })
}

async fn survey_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    render(&survey_view(&state, &ctx, id, None, false).await?)
}

async fn answer_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<Fields>,
) -> AppResult<Response> {
    let p = ctx.require()?;
    let t = T(ctx.lang);
    let me = people::brief(&state.db, p.person_id).await?;
    let mut answers: Vec<(String, Willingness)> = f
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("m_")?.to_string(), Willingness::parse(v)?)))
        .collect();
    answers.sort_by(|a, b| a.0.cmp(&b.0));
    let (status, message, error) =
        match surveys::answer(&state.db, state.clock.now(), &me, id, &answers).await {
            Ok(()) => (StatusCode::OK, t.t("survey-thanks"), false),
            Err(Error::Invalid { msg, .. }) => {
                (StatusCode::UNPROCESSABLE_ENTITY, t.msg(&msg), true)
            }
            Err(Error::Conflict { msg, .. }) => (StatusCode::CONFLICT, t.msg(&msg), true),
            Err(e) => return Err(e.into()),
        };
    let page = survey_view(&state, &ctx, id, Some(message), error).await?;
    Ok((status, render(&page)?).into_response())
}

async fn replan_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<Fields>,
) -> AppResult<Response> {
    let (office, actor) = officer(&ctx)?;
    let r = ReplanRequest {
        willingness_threshold: f
            .get("threshold")
            .and_then(|v| v.trim().parse::<f64>().ok())
            .map(|p| p / 100.0),
        min_gap_days: f.get("gap").and_then(|v| v.trim().parse().ok()),
        notice_days: f.get("notice").and_then(|v| v.trim().parse().ok()),
        time_limit_secs: None,
    };
    match replan::replan(&super::services(&state), actor, &office, id, r).await {
        Ok(rid) => Ok(Redirect::to(&format!("/training/office/replans/{rid}")).into_response()),
        Err(Error::Invalid { msg, .. }) => {
            let page = plan_view(&state, &ctx, id, Some(T(ctx.lang).msg(&msg))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

struct ProposalLine {
    id: i64,
    session_id: i64,
    title: String,
    was: String,
    proposed: String,
    proposed_input: String,
    venue: String,
    status: String,
    open: bool,
    reasons: Vec<String>,
}

#[derive(askama::Template)]
#[template(path = "replan.html")]
struct ReplanPage {
    page: PageCtx,
    id: i64,
    plan_id: i64,
    summary: String,
    method: String,
    lines: Vec<ProposalLine>,
    message: Option<String>,
    error: bool,
}

async fn replan_view(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    message: Option<String>,
    error: bool,
) -> AppResult<ReplanPage> {
    officer(ctx)?;
    let t = T(ctx.lang);
    let tz = &state.config.time_zone;
    let r = replan::get(&state.db, id, ctx.lang).await?;
    Ok(ReplanPage {
        page: PageCtx::new(state, ctx, t.t("replan-title")),
        id,
        plan_id: r.plan_id,
        summary: t.ta(
            "replan-summary",
            &[
                ("placed", r.placed.to_string()),
                ("unplaced", r.unplaced.to_string()),
                ("gap", format!("{:.1}", r.gap * 100.0)),
                ("bound", format!("{:.0}", r.bound)),
                ("objective", format!("{:.0}", r.objective)),
                ("seconds", format!("{:.1}", r.millis as f64 / 1000.0)),
            ],
        ),
        method: r.method.clone(),
        lines: r
            .proposals
            .iter()
            .map(|p| ProposalLine {
                id: p.id,
                session_id: p.session_id,
                title: p.course_title.clone(),
                was: p.was.local(tz),
                proposed: p.starts.map(|s| s.local(tz)).unwrap_or_default(),
                proposed_input: p
                    .starts
                    .map(|s| super::local_input(s, tz))
                    .unwrap_or_default(),
                venue: p.venue.clone().unwrap_or_default(),
                status: t.t(&format!("replan-status-{}", p.status)),
                open: p.status == "proposed",
                reasons: p.reasons.clone(),
            })
            .collect(),
        message,
        error,
    })
}

#[derive(serde::Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn replan_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    axum::extract::Query(d): axum::extract::Query<DoneQuery>,
) -> AppResult<Html<String>> {
    let t = T(ctx.lang);
    let message = match d.done.as_deref() {
        Some("accepted") => Some(t.t("replan-done-accepted")),
        Some("rejected") => Some(t.t("replan-done-rejected")),
        _ => None,
    };
    render(&replan_view(&state, &ctx, id, message, false).await?)
}

async fn decide_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<Fields>,
) -> AppResult<Response> {
    let (office, actor) = officer(&ctx)?;
    let t = T(ctx.lang);
    let tz = &state.config.time_zone;
    let rid: i64 = get_field(&f, "replan")
        .parse()
        .map_err(|_| Error::NotFound)?;
    let tr = super::services(&state);
    let result = if f.contains_key("reject") {
        replan::reject(&tr, actor, &office, id)
            .await
            .map(|_| "rejected")
    } else {
        // A start typed keeps the session's length; none typed: as proposed.
        let adjusted = match f.get("starts").map(|v| v.trim()).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => super::parse_local_input(v, tz)
                .map(|t| Some((t, None)))
                .ok_or_else(|| Error::invalid("starts_at", "training-error-time")),
        };
        match adjusted {
            Ok(a) => replan::accept(&tr, actor, &office, id, a)
                .await
                .map(|_| "accepted"),
            Err(e) => Err(e),
        }
    };
    match result {
        Ok(done) => Ok(
            Redirect::to(&format!("/training/office/replans/{rid}?done={done}")).into_response(),
        ),
        Err(Error::Invalid { msg, .. }) => {
            let page = replan_view(&state, &ctx, rid, Some(t.msg(&msg)), true).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(Error::Conflict { msg, .. }) => {
            let page = replan_view(&state, &ctx, rid, Some(t.msg(&msg)), true).await?;
            Ok((StatusCode::CONFLICT, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/training/office/plans", get(plans_page).post(create_plan))
        .route("/training/office/plans/{id}", get(plan_page))
        .route(
            "/training/office/plans/{id}/replan",
            axum::routing::post(replan_form),
        )
        .route("/training/office/replans/{id}", get(replan_page))
        .route(
            "/training/office/proposals/{id}",
            axum::routing::post(decide_form),
        )
        .route(
            "/training/office/surveys",
            get(surveys_page).post(create_survey),
        )
        .route("/training/office/surveys/{id}", get(results_page))
        .route("/training/surveys/{id}", get(survey_page).post(answer_form))
}
