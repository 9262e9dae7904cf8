//! `/api/v1/tickets`, replies, the knowledge base's search and known issues.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use relais_core::Error;
use relais_web::api::{ApiJson, ApiPath, ApiQuery, Paging, Problem};
use relais_web::{AppResult, AppState, Ctx};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::services;
use crate::attachments::AttachmentInfo;
use crate::kb::{self, Hit};
use crate::known_issues::{self, KnownIssue};
use crate::model::{Category, Channel, KnownIssueStatus, MessageKind, Priority, Status, Urgency};
use crate::thread::{self, NewReply};
use crate::tickets::{self, Message, NewTicket, Sla, Ticket, TicketFilter, TicketLine};

#[derive(OpenApi)]
#[openapi(
    paths(create_ticket, list_tickets, get_ticket, reply, kb_search, known_issues_list),
    components(schemas(NewTicket, Ticket, TicketLine, TicketList, Message, Sla, AttachmentInfo, Category, Channel, Priority, Status,
        Urgency, MessageKind, NewReply, Created, Hit, SearchResult, KnownIssue, KnownIssueStatus, Problem)),
    tags((name = "desk", description = "The IT service desk: tickets, replies, knowledge base, known issues.")),
    security(("bearer" = []))
)]
pub struct DeskApi;

#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

/// Opens a ticket: `subject` and `description` are enough; `category` is guessed when absent.
#[utoipa::path(post, path = "/api/v1/tickets", tag = "desk", request_body = NewTicket,
    responses((status = 201, body = Created),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_ticket(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<NewTicket>,
) -> AppResult<impl IntoResponse> {
    let p = ctx.require()?;
    let id = tickets::create(&services(&state), p, body, Vec::new(), Channel::Api).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/tickets/{id}"))],
        Json(Created { id }),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct TicketList {
    pub items: Vec<TicketLine>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Words to find in subjects and descriptions.
    q: Option<String>,
    /// A category (home_box, vpn…).
    #[param(value_type = Option<Category>)]
    category: Option<String>,
    /// new, in_progress, waiting, resolved or closed.
    #[param(value_type = Option<Status>)]
    status: Option<String>,
    /// Only the caller's own requests.
    mine: Option<bool>,
}

/// Tickets the caller may see: their own, their unit's (IT correspondents), their queues (IT staff).
#[utoipa::path(get, path = "/api/v1/tickets", tag = "desk", params(ListQuery, Paging),
    responses((status = 200, body = TicketList),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_tickets(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<ListQuery>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> AppResult<Json<TicketList>> {
    let p = ctx.require()?;
    let category = q
        .category
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|c| {
            Category::parse(c).ok_or_else(|| Error::invalid("category", "desk-error-category"))
        })
        .transpose()?;
    let status = q
        .status
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| Status::parse(s).ok_or_else(|| Error::invalid("status", "desk-error-status")))
        .transpose()?;
    let filter = TicketFilter {
        q: q.q,
        category,
        status,
        mine: q.mine.unwrap_or(false),
        ..Default::default()
    };
    let page = tickets::list(&services(&state), p, &filter, paging.request()?).await?;
    Ok(Json(TicketList {
        items: page.items,
        page: page.page,
        per_page: page.per_page,
        total: page.total,
    }))
}

/// One ticket with the thread the caller may see (requesters do not see internal notes).
#[utoipa::path(get, path = "/api/v1/tickets/{id}", tag = "desk", params(("id" = i64, Path)),
    responses((status = 200, body = Ticket),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_ticket(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<Ticket>> {
    let p = ctx.require()?;
    let desk = services(&state);
    let a = tickets::access(&desk, p, id).await?;
    Ok(Json(tickets::get(&desk, &a).await?))
}

/// Replies on a ticket: `body` is enough; `internal: true` makes it a note (IT only).
#[utoipa::path(post, path = "/api/v1/tickets/{id}/replies", tag = "desk", params(("id" = i64, Path)), request_body = NewReply,
    responses((status = 201, body = Created),
              (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn reply(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewReply>,
) -> AppResult<impl IntoResponse> {
    let p = ctx.require()?;
    let mid = thread::reply(&services(&state), p, id, body, Vec::new()).await?;
    Ok((StatusCode::CREATED, Json(Created { id: mid })))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SearchQuery {
    /// Words to find, in French: accents, case and plurals folded.
    q: Option<String>,
    /// At most this many results, 1 to 50 (default 10).
    #[param(minimum = 1, maximum = 50)]
    limit: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct SearchResult {
    pub query: String,
    pub items: Vec<Hit>,
}

/// Searches the knowledge base, best match first, matches highlighted.
#[utoipa::path(get, path = "/api/v1/kb/search", tag = "desk", params(SearchQuery), security((), ("bearer" = [])),
    responses((status = 200, body = SearchResult),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn kb_search(
    State(state): State<AppState>,
    ctx: Ctx,
    // Plain Query: the words are only folded and matched, never stored, so a
    // NUL character is harmless here (ApiQuery refuses it for the database's sake).
    axum::extract::Query(q): axum::extract::Query<SearchQuery>,
) -> AppResult<Json<SearchResult>> {
    let query = q.q.unwrap_or_default();
    let query: String = query.chars().take(500).collect();
    let limit = match q.limit.unwrap_or(10) {
        l @ 1..=50 => l as usize,
        _ => return Err(Error::invalid("limit", "desk-error-limit").into()),
    };
    let items = kb::search(&state.db, ctx.principal.as_ref(), &query, limit).await?;
    Ok(Json(SearchResult { query, items }))
}

/// The known issues in progress (the crisis banner).
#[utoipa::path(get, path = "/api/v1/known-issues", tag = "desk", security((), ("bearer" = [])),
    responses((status = 200, body = Vec<KnownIssue>)))]
async fn known_issues_list(State(state): State<AppState>) -> AppResult<Json<Vec<KnownIssue>>> {
    Ok(Json(known_issues::active(&state.db).await?))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/tickets", post(create_ticket).get(list_tickets))
        .route("/api/v1/tickets/{id}", get(get_ticket))
        .route("/api/v1/tickets/{id}/replies", post(reply))
        .route("/api/v1/kb/search", get(kb_search))
        .route("/api/v1/known-issues", get(known_issues_list))
}
