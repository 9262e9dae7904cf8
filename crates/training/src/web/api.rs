//! `/api/v1/courses`, `/api/v1/sessions`, registrations and the caller's calendar.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{delete, get, post};
use axum::{Extension, Json, Router};
use relais_core::PersonId;
use relais_web::api::{ApiJson, ApiPath, ApiQuery, Paging, Problem};
use relais_web::{AppResult, AppState, Ctx};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::{Registrars, registering, services};
use crate::access::TrainingOffice;
use crate::calendar;
use crate::courses::{self, Course, CourseFilter, NewCourse};
use crate::model::{Audience, Format, RegistrationStatus, SessionStatus, WaitlistMode};
use crate::registrations::{self, Registration};
use crate::sessions::{self, NewSession, Session, SessionFilter};

#[derive(OpenApi)]
#[openapi(
    paths(list_courses, create_course, get_course, list_sessions, create_session, get_session, register, cancel, accept, move_registration, session_registrations, my_registrations, my_calendar),
    components(schemas(Course, NewCourse, CourseList, Session, NewSession, SessionList, Audience, Format, WaitlistMode, SessionStatus, RegistrationStatus, Registration, NewRegistration, MoveRegistration, Created, RegistrationResult, Problem)),
    security(("bearer" = []))
)]
pub struct TrainingApi;

#[derive(Serialize, ToSchema)]
pub struct CourseList {
    pub items: Vec<Course>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct CourseQuery {
    /// Words to find (accents, case and plurals folded).
    q: Option<String>,
    /// in_person, webinar, workshop, elearning or mooc.
    #[param(value_type = Option<Format>)]
    format: Option<String>,
    theme: Option<String>,
    /// Courses owned or recommended by this delegation.
    delegation: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

fn bad_format() -> relais_core::Error {
    relais_core::Error::invalid("format", "training-error-format")
}

/// The offer: courses, e-learning modules and MOOCs.
#[utoipa::path(get, path = "/api/v1/courses", tag = "training", params(CourseQuery, Paging),
    responses((status = 200, body = CourseList), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn list_courses(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<CourseQuery>,
    ApiQuery(p): ApiQuery<Paging>,
) -> AppResult<Json<CourseList>> {
    ctx.require()?;
    let format = q
        .format
        .as_deref()
        .map(|f| Format::parse(f).ok_or_else(bad_format))
        .transpose()?;
    let filter = CourseFilter {
        q: q.q,
        format,
        theme: q.theme,
        delegation: q.delegation,
    };
    let page = courses::list(&state.db, &filter, p.request()?).await?;
    Ok(Json(CourseList {
        items: page.items,
        page: page.page,
        per_page: page.per_page,
        total: page.total,
    }))
}

/// Creates a course (training officers): `title` and `format` are enough.
#[utoipa::path(post, path = "/api/v1/courses", tag = "training", request_body = NewCourse,
    responses((status = 201, body = Created, headers(("Location" = String, description = "The new course's address"))), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_course(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<NewCourse>,
) -> AppResult<impl IntoResponse> {
    let p = ctx.require()?;
    let office = TrainingOffice::for_principal(p)?;
    let actor = relais_db::audit::Actor::of(p);
    let id = courses::create(&state.db, state.clock.as_ref(), actor, &office, body).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/courses/{id}"))],
        Json(Created { id }),
    ))
}

#[utoipa::path(get, path = "/api/v1/courses/{id}", tag = "training", params(("id" = i64, Path)),
    responses((status = 200, body = Course), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_course(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<Course>> {
    ctx.require()?;
    Ok(Json(courses::get(&state.db, id).await?))
}

#[derive(Serialize, ToSchema)]
pub struct SessionList {
    pub items: Vec<Session>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SessionQuery {
    course: Option<i64>,
    /// RFC 3339: sessions ending after.
    #[param(format = DateTime)]
    from: Option<String>,
    /// RFC 3339: sessions starting before.
    #[param(format = DateTime)]
    to: Option<String>,
    /// Only sessions open for registration now.
    open: Option<bool>,
}

/// Sessions, by course and dates.
#[utoipa::path(get, path = "/api/v1/sessions", tag = "training", params(SessionQuery, Paging),
    responses((status = 200, body = SessionList), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_sessions(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<SessionQuery>,
    ApiQuery(p): ApiQuery<Paging>,
) -> AppResult<Json<SessionList>> {
    ctx.require()?;
    let filter = SessionFilter {
        course: q.course,
        from: q
            .from
            .as_deref()
            .map(|t| sessions::parse_time("from", t))
            .transpose()?,
        to: q
            .to
            .as_deref()
            .map(|t| sessions::parse_time("to", t))
            .transpose()?,
        open: q.open.unwrap_or(false),
        ..Default::default()
    };
    let page = sessions::list(&state.db, state.clock.as_ref(), &filter, p.request()?).await?;
    Ok(Json(SessionList {
        items: page.items,
        page: page.page,
        per_page: page.per_page,
        total: page.total,
    }))
}

/// Adds a session to a course (training officers): `starts_at`, `ends_at` and `capacity` are enough.
#[utoipa::path(post, path = "/api/v1/courses/{id}/sessions", tag = "training", params(("id" = i64, Path)), request_body = NewSession,
    responses((status = 201, body = Created, headers(("Location" = String, description = "The new session's address"))), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_session(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(course): ApiPath<i64>,
    ApiJson(body): ApiJson<NewSession>,
) -> AppResult<impl IntoResponse> {
    let p = ctx.require()?;
    let office = TrainingOffice::for_principal(p)?;
    let actor = relais_db::audit::Actor::of(p);
    let id = sessions::create(
        &state.db,
        state.clock.as_ref(),
        actor,
        &office,
        course,
        body,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/sessions/{id}"))],
        Json(Created { id }),
    ))
}

/// One session with its seats: `capacity`, `confirmed`, `seats_left`, `waitlisted`.
#[utoipa::path(get, path = "/api/v1/sessions/{id}", tag = "training", params(("id" = i64, Path)),
    responses((status = 200, body = Session), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_session(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<Session>> {
    ctx.require()?;
    Ok(Json(
        sessions::get(&state.db, state.clock.as_ref(), id).await?,
    ))
}

#[derive(Deserialize, Default, ToSchema)]
pub struct NewRegistration {
    /// A training officer registers this person; absent, the caller registers themself.
    pub person_id: Option<i64>,
    /// A training officer may go beyond capacity with a reason (logged).
    pub over_capacity_reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RegistrationResult {
    pub id: i64,
    pub status: RegistrationStatus,
}

/// Registers the caller (or, for a training officer, `person_id`).
#[utoipa::path(post, path = "/api/v1/sessions/{id}/registrations", tag = "training", params(("id" = i64, Path)), request_body(content = Option<NewRegistration>),
    responses((status = 201, body = RegistrationResult), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn register(
    State(state): State<AppState>,
    Extension(registrars): Extension<Registrars>,
    ctx: Ctx,
    ApiPath(session): ApiPath<i64>,
    body: axum::body::Bytes,
) -> AppResult<impl IntoResponse> {
    let p = ctx.require()?;
    // The body is optional: an agent registering themself sends none (or `null`).
    let body: NewRegistration = relais_web::api::optional_json(&body)?;
    let (id, status) = registrations::register(
        &registering(&state, &registrars),
        p,
        session,
        body.person_id.map(PersonId),
        body.over_capacity_reason,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(RegistrationResult { id, status })))
}

/// Cancels a registration (its person, or the training office).
#[utoipa::path(delete, path = "/api/v1/registrations/{id}", tag = "training", params(("id" = i64, Path)),
    responses((status = 200, body = Registration), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn cancel(
    State(state): State<AppState>,
    Extension(registrars): Extension<Registrars>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<Registration>> {
    let p = ctx.require()?;
    let t = registering(&state, &registrars);
    registrations::cancel(&t, p, id).await?;
    Ok(Json(registrations::get(&t, p, id).await?))
}

/// Accepts a waitlist offer before it lapses.
#[utoipa::path(post, path = "/api/v1/registrations/{id}/accept", tag = "training", params(("id" = i64, Path)),
    responses((status = 200, body = Registration), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn accept(
    State(state): State<AppState>,
    Extension(registrars): Extension<Registrars>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<Registration>> {
    let p = ctx.require()?;
    let t = registering(&state, &registrars);
    registrations::accept(&t, p, id).await?;
    Ok(Json(registrations::get(&t, p, id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct MoveRegistration {
    /// Another session of the same course.
    pub session_id: i64,
}

/// Moves a registrant to another session of the same course, keeping their place (training officers).
#[utoipa::path(post, path = "/api/v1/registrations/{id}/move", tag = "training", params(("id" = i64, Path)), request_body = MoveRegistration,
    responses((status = 200, body = Registration), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn move_registration(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<MoveRegistration>,
) -> AppResult<Json<Registration>> {
    let p = ctx.require()?;
    let t = services(&state);
    registrations::move_to(&t, p, id, body.session_id).await?;
    Ok(Json(registrations::get(&t, p, id).await?))
}

/// The registrations of a session (training officers).
#[utoipa::path(get, path = "/api/v1/sessions/{id}/registrations", tag = "training", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Registration>), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn session_registrations(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<Vec<Registration>>> {
    let p = ctx.require()?;
    let t = services(&state);
    let s = sessions::get(&state.db, state.clock.as_ref(), id).await?;
    Ok(Json(registrations::for_session(&t, p, &s).await?))
}

/// The caller's registrations.
#[utoipa::path(get, path = "/api/v1/me/registrations", tag = "training",
    responses((status = 200, body = Vec<Registration>), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn my_registrations(
    State(state): State<AppState>,
    ctx: Ctx,
) -> AppResult<Json<Vec<Registration>>> {
    let p = ctx.require()?;
    Ok(Json(
        registrations::for_person(&services(&state), p.person_id).await?,
    ))
}

/// The caller's confirmed sessions as iCalendar.
#[utoipa::path(get, path = "/api/v1/me/calendar.ics", tag = "training",
    responses((status = 200, content_type = "text/calendar", body = String), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn my_calendar(State(state): State<AppState>, ctx: Ctx) -> AppResult<impl IntoResponse> {
    let p = ctx.require()?;
    let ics = calendar::feed(&services(&state), p.person_id).await?;
    Ok(calendar::response(ics))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/courses", get(list_courses).post(create_course))
        .route("/api/v1/courses/{id}", get(get_course))
        .route("/api/v1/courses/{id}/sessions", post(create_session))
        .route("/api/v1/sessions", get(list_sessions))
        .route("/api/v1/sessions/{id}", get(get_session))
        .route(
            "/api/v1/sessions/{id}/registrations",
            post(register).get(session_registrations),
        )
        .route("/api/v1/registrations/{id}", delete(cancel))
        .route("/api/v1/registrations/{id}/accept", post(accept))
        .route("/api/v1/registrations/{id}/move", post(move_registration))
        .route("/api/v1/me/registrations", get(my_registrations))
        .route("/api/v1/me/calendar.ics", get(my_calendar))
}
