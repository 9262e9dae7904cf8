//! `/api/v1/providers`, `/api/v1/disruptions` and `/api/v1/ledger`: the
//! training office's providers and contracts, bulk disruptions with their
//! preview and undo, and the cost ledger.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use relais_db::audit::Actor;
use relais_web::api::{ApiJson, ApiPath, Problem};
use relais_web::{AppResult, AppState, Ctx};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use super::services;
use crate::access::TrainingOffice;
use crate::disruption::{
    self, Action, AffectedPerson, AffectedProvider, AffectedSession, CostLine, Disruption,
    DisruptionItem, DisruptionRequest, DisruptionStatus, LedgerLine, Preview, SessionChange,
};
use crate::model::Format;
use crate::providers::{self, Contract, NewContract, NewProvider, Provider, ProviderKind, Term};

#[derive(OpenApi)]
#[openapi(
    paths(list_providers, create_provider, get_provider, add_contract, preview, apply, get_disruption, undo, ledger),
    components(schemas(Provider, NewProvider, ProviderKind, ProviderDetail, MonthAvailability, Contract, NewContract, Term, DisruptionRequest, SessionChange, Action, Format,
        Preview, AffectedSession, AffectedPerson, AffectedProvider, CostLine, Applied, Disruption, DisruptionItem, DisruptionStatus, Ledger, LedgerLine, NewId, Problem)),
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

fn office(ctx: &Ctx) -> relais_core::Result<(TrainingOffice, Actor)> {
    let p = ctx.require()?;
    Ok((TrainingOffice::for_principal(p)?, Actor::of(p)))
}

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
    office(&ctx)?;
    Ok(Json(disruption::get(&state.db, id).await?))
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
    office(&ctx)?;
    let lines = disruption::ledger(&state.db).await?;
    Ok(Json(Ledger {
        total_cents: lines.iter().map(|l| l.cost_cents).sum(),
        lines,
    }))
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
}
