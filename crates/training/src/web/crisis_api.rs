//! `/api/v1/providers`, `/api/v1/disruptions` and `/api/v1/ledger`: the
//! training office's providers and contracts, bulk disruptions with their
//! preview and undo, and the cost ledger.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use relais_web::api::{ApiJson, ApiPath, Problem};
use relais_web::{AppResult, AppState, Ctx};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use super::services;
use crate::disruption::{
    self, Action, AffectedPerson, AffectedProvider, AffectedSession, CostLine, Disruption,
    DisruptionItem, DisruptionRequest, DisruptionStatus, LedgerLine, Preview, SessionChange,
};
use crate::model::Format;
use crate::plans::{
    self, DelegationLoad, Load, NewLine, NewPeriod, NewPlan, Period, PeriodLoad, Plan,
};
use crate::providers::{self, Contract, NewContract, NewProvider, Provider, ProviderKind, Term};
use crate::replan::{self, ProposalView, Replan, ReplanRequest};
use crate::surveys::{self, DelegationTally, NewSurvey, Results, Survey, Tally, Willingness};

#[derive(OpenApi)]
#[openapi(
    paths(list_providers, create_provider, get_provider, add_contract, preview, apply, get_disruption, undo, ledger,
        list_plans, create_plan, get_plan, add_plan_line, create_survey, survey_results, answer_survey,
        replan_plan, get_replan, accept_proposal, reject_proposal),
    components(schemas(Provider, NewProvider, ProviderKind, ProviderDetail, MonthAvailability, Contract, NewContract, Term, DisruptionRequest, SessionChange, Action, Format,
        Preview, AffectedSession, AffectedPerson, AffectedProvider, CostLine, Applied, Disruption, DisruptionItem, DisruptionStatus, Ledger, LedgerLine, NewId, Problem,
        Plan, NewPlan, NewPeriod, NewLine, Period, PlanLoad, PeriodLoad, Load, DelegationLoad, Survey, NewSurvey, Results, Tally, DelegationTally, Willingness, Answers, MonthAnswer,
        ReplanRequest, Replan, ProposalView, NewDates)),
    security(("bearer" = []))
)]
pub struct CrisisApi;

#[derive(Serialize, ToSchema)]
pub struct NewId {
    pub id: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ProviderDetail {
    #[serde(flatten)]
    pub provider: Provider,
    pub contracts: Vec<Contract>,
    /// Months the provider said they can or cannot work.
    pub availability: Vec<MonthAvailability>,
}

#[derive(Serialize, ToSchema)]
pub struct MonthAvailability {
    /// `YYYY-MM`.
    pub month: String,
    pub available: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Applied {
    pub id: i64,
    #[serde(flatten)]
    pub preview: Preview,
}

#[derive(Serialize, ToSchema)]
pub struct Ledger {
    pub lines: Vec<LedgerLine>,
    pub total_cents: i64,
}

use super::officer as office;

/// Outside trainers, venues and hotels (training officers).
#[utoipa::path(get, path = "/api/v1/providers", tag = "training-crisis",
    responses((status = 200, body = Vec<Provider>), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn list_providers(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<Vec<Provider>>> {
    office(&ctx)?;
    Ok(Json(providers::list(&state.db).await?))
}

/// Adds a provider: `kind`, `name` and `email` (where notices go) are enough.
#[utoipa::path(post, path = "/api/v1/providers", tag = "training-crisis", request_body = NewProvider,
    responses((status = 201, body = NewId, headers(("Location" = String, description = "The new provider's address"))),
              (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_provider(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<NewProvider>,
) -> AppResult<impl IntoResponse> {
    let (office, actor) = office(&ctx)?;
    let id = providers::create(&state.db, state.clock.now(), actor, &office, body).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/providers/{id}"))],
        Json(NewId { id }),
    ))
}

/// A provider with its contract lines and stated availability.
#[utoipa::path(get, path = "/api/v1/providers/{id}", tag = "training-crisis", params(("id" = i64, Path)),
    responses((status = 200, body = ProviderDetail), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_provider(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<ProviderDetail>> {
    office(&ctx)?;
    Ok(Json(ProviderDetail {
        provider: providers::get(&state.db, id).await?,
        contracts: providers::contracts_of(&state.db, id).await?,
        availability: providers::availability_of(&state.db, id)
            .await?
            .into_iter()
            .map(|(month, available)| MonthAvailability { month, available })
            .collect(),
    }))
}

/// Adds a contract line (a fee, a room hire, hotel rooms) for one or more
/// sessions, with its cancellation schedule.
#[utoipa::path(post, path = "/api/v1/providers/{id}/contracts", tag = "training-crisis", params(("id" = i64, Path)), request_body = NewContract,
    responses((status = 201, body = NewId), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn add_contract(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewContract>,
) -> AppResult<impl IntoResponse> {
    let (office, actor) = office(&ctx)?;
    let id =
        providers::add_contract(&state.db, state.clock.now(), actor, &office, id, body).await?;
    Ok((StatusCode::CREATED, Json(NewId { id })))
}

/// What a disruption would change: every session, person and provider
/// affected, and what each contract costs under its terms today. Changes nothing.
#[utoipa::path(post, path = "/api/v1/disruptions/preview", tag = "training-crisis", request_body = DisruptionRequest,
    responses((status = 200, body = Preview), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn preview(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<DisruptionRequest>,
) -> AppResult<Json<Preview>> {
    let (office, _) = office(&ctx)?;
    Ok(Json(
        disruption::preview(&services(&state), &office, &body).await?,
    ))
}

/// Applies a disruption in one transaction. Its notices leave after the
/// undo delay (`send_at` of the disruption); until then it can be undone.
#[utoipa::path(post, path = "/api/v1/disruptions", tag = "training-crisis", request_body = DisruptionRequest,
    responses((status = 201, body = Applied, headers(("Location" = String, description = "The disruption's address"))),
              (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn apply(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<DisruptionRequest>,
) -> AppResult<impl IntoResponse> {
    let (office, actor) = office(&ctx)?;
    let (id, preview) = disruption::apply(&services(&state), actor, &office, &body).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/disruptions/{id}"))],
        Json(Applied { id, preview }),
    ))
}

#[utoipa::path(get, path = "/api/v1/disruptions/{id}", tag = "training-crisis", params(("id" = i64, Path)),
    responses((status = 200, body = Disruption), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_disruption(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<Disruption>> {
    let (office, _) = office(&ctx)?;
    Ok(Json(disruption::get_for(&state.db, &office, id).await?))
}

/// Puts every session back as it was; refused (409) once the notices have left.
#[utoipa::path(post, path = "/api/v1/disruptions/{id}/undo", tag = "training-crisis", params(("id" = i64, Path)),
    responses((status = 200, body = Disruption), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn undo(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<Disruption>> {
    let (office, actor) = office(&ctx)?;
    disruption::undo(&services(&state), actor, &office, id).await?;
    Ok(Json(disruption::get(&state.db, id).await?))
}

/// The cost ledger: every cancellation fee owed, by provider and budget line.
/// The same as a workbook: `/training/office/ledger.xlsx`.
#[utoipa::path(get, path = "/api/v1/ledger", tag = "training-crisis",
    responses((status = 200, body = Ledger), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn ledger(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<Ledger>> {
    let (office, _) = office(&ctx)?;
    let lines = disruption::ledger(&state.db, &office).await?;
    Ok(Json(Ledger {
        total_cents: lines.iter().map(|l| l.cost_cents).sum(),
        lines,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct PlanLoad {
    #[serde(flatten)]
    pub plan: Plan,
    pub load: Vec<PeriodLoad>,
}

/// The annual plans, earliest first.
#[utoipa::path(get, path = "/api/v1/plans", tag = "training-crisis",
    responses((status = 200, body = Vec<Plan>), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn list_plans(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<Vec<Plan>>> {
    office(&ctx)?;
    Ok(Json(plans::list(&state.db).await?))
}

/// Makes an annual plan from its periods (the national office).
#[utoipa::path(post, path = "/api/v1/plans", tag = "training-crisis", request_body = NewPlan,
    responses((status = 201, body = NewId), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_plan(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<NewPlan>,
) -> AppResult<impl IntoResponse> {
    let (office, actor) = office(&ctx)?;
    let id = plans::create(
        &state.db,
        state.clock.now(),
        actor,
        &office,
        &state.config.time_zone,
        body,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/plans/{id}"))],
        Json(NewId { id }),
    ))
}

/// A plan with its load view: planned, held, to come, cancelled and
/// postponed, per period and per delegation.
#[utoipa::path(get, path = "/api/v1/plans/{id}", tag = "training-crisis", params(("id" = i64, Path)),
    responses((status = 200, body = PlanLoad), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_plan(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<PlanLoad>> {
    office(&ctx)?;
    let plan = plans::get(&state.db, id).await?;
    let load = plans::load(&state.db, state.clock.now(), &plan).await?;
    Ok(Json(PlanLoad { plan, load }))
}

/// Adds planned volume for a course (and delegation) in a period.
#[utoipa::path(post, path = "/api/v1/plans/{id}/lines", tag = "training-crisis", params(("id" = i64, Path)), request_body = NewLine,
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn add_plan_line(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewLine>,
) -> AppResult<StatusCode> {
    let (office, actor) = office(&ctx)?;
    plans::add_line(&state.db, state.clock.now(), actor, &office, id, body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Asks agents, month by month, whether they would travel for a training.
#[utoipa::path(post, path = "/api/v1/surveys", tag = "training-crisis", request_body = NewSurvey,
    responses((status = 201, body = NewId), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_survey(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<NewSurvey>,
) -> AppResult<impl IntoResponse> {
    let (office, actor) = office(&ctx)?;
    let id = surveys::create(
        &state.db,
        state.clock.now(),
        actor,
        &office,
        &state.config.time_zone,
        body,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(NewId { id })))
}

/// The answers, by delegation and month.
#[utoipa::path(get, path = "/api/v1/surveys/{id}/results", tag = "training-crisis", params(("id" = i64, Path)),
    responses((status = 200, body = Results), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn survey_results(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<Results>> {
    let (office, _) = office(&ctx)?;
    let r = surveys::results(&state.db, id).await?;
    if !r.survey.readable_by(&office) {
        return Err(relais_core::Error::Forbidden.into());
    }
    Ok(Json(r))
}

#[derive(serde::Deserialize, ToSchema)]
pub struct MonthAnswer {
    /// `YYYY-MM`, one of the survey's months.
    pub month: String,
    pub answer: Willingness,
}

#[derive(serde::Deserialize, ToSchema)]
pub struct Answers {
    pub answers: Vec<MonthAnswer>,
}

/// The caller answers a survey (again: the new answers replace the old).
#[utoipa::path(post, path = "/api/v1/surveys/{id}/answers", tag = "training-crisis", params(("id" = i64, Path)), request_body = Answers,
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn answer_survey(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Answers>,
) -> AppResult<StatusCode> {
    let p = ctx.require()?;
    let person = relais_directory::people::brief(&state.db, p.person_id).await?;
    let answers: Vec<(String, Willingness)> = body
        .answers
        .into_iter()
        .map(|a| (a.month, a.answer))
        .collect();
    surveys::answer(&state.db, state.clock.now(), &person, id, &answers).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Proposes dates for every postponed session, within this plan and the
/// plans after it, from the trainers' and venues' availability, the periods'
/// remaining capacity and the willingness survey. Answers the proposals, the
/// bound and the gap to optimal; nothing changes until a proposal is accepted.
#[utoipa::path(post, path = "/api/v1/plans/{id}/replan", tag = "training-crisis", params(("id" = i64, Path)), request_body(content = Option<ReplanRequest>),
    responses((status = 201, body = Replan), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn replan_plan(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> AppResult<impl IntoResponse> {
    let (office, actor) = office(&ctx)?;
    let body: ReplanRequest = relais_web::api::optional_json(&body)?;
    let rid = replan::replan(&services(&state), actor, &office, id, body).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/replans/{rid}"))],
        Json(replan::get(&state.db, rid, ctx.lang).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/replans/{id}", tag = "training-crisis", params(("id" = i64, Path)),
    responses((status = 200, body = Replan), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_replan(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<Replan>> {
    office(&ctx)?;
    Ok(Json(replan::get(&state.db, id, ctx.lang).await?))
}

/// Other dates than proposed (RFC 3339).
#[derive(serde::Deserialize, Default, ToSchema)]
pub struct NewDates {
    #[schema(format = DateTime)]
    pub starts_at: Option<String>,
    /// Default: the session keeps its length.
    #[schema(format = DateTime)]
    pub ends_at: Option<String>,
}

/// Accepts a proposal, as proposed or with `starts_at`/`ends_at`: the session
/// gets its new dates, its held registrants are told first (with the calendar
/// update), then its remaining seats open.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/accept", tag = "training-crisis", params(("id" = i64, Path)), request_body(content = Option<NewDates>),
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn accept_proposal(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> AppResult<StatusCode> {
    let (office, actor) = office(&ctx)?;
    let dates: NewDates = relais_web::api::optional_json(&body)?;
    let ends = dates
        .ends_at
        .as_deref()
        .map(|e| crate::sessions::parse_time("ends_at", e))
        .transpose()?;
    let adjusted = match dates.starts_at.as_deref() {
        Some(s) => Some((crate::sessions::parse_time("starts_at", s)?, ends)),
        None if ends.is_some() => {
            return Err(relais_core::Error::invalid("starts_at", "replan-error-no-date").into());
        }
        None => None,
    };
    replan::accept(&services(&state), actor, &office, id, adjusted).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Rejects a proposal: the session stays postponed.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/reject", tag = "training-crisis", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn reject_proposal(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    let (office, actor) = office(&ctx)?;
    replan::reject(&services(&state), actor, &office, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/providers",
            get(list_providers).post(create_provider),
        )
        .route("/api/v1/providers/{id}", get(get_provider))
        .route("/api/v1/providers/{id}/contracts", post(add_contract))
        .route("/api/v1/disruptions/preview", post(preview))
        .route("/api/v1/disruptions", post(apply))
        .route("/api/v1/disruptions/{id}", get(get_disruption))
        .route("/api/v1/disruptions/{id}/undo", post(undo))
        .route("/api/v1/ledger", get(ledger))
        .route("/api/v1/plans", get(list_plans).post(create_plan))
        .route("/api/v1/plans/{id}", get(get_plan))
        .route("/api/v1/plans/{id}/lines", post(add_plan_line))
        .route("/api/v1/surveys", post(create_survey))
        .route("/api/v1/surveys/{id}/results", get(survey_results))
        .route("/api/v1/surveys/{id}/answers", post(answer_survey))
        .route("/api/v1/plans/{id}/replan", post(replan_plan))
        .route("/api/v1/replans/{id}", get(get_replan))
        .route("/api/v1/proposals/{id}/accept", post(accept_proposal))
        .route("/api/v1/proposals/{id}/reject", post(reject_proposal))
}
