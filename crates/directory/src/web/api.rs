//! `/api/v1/me`, `/api/v1/people`, `/api/v1/people/{id}`, `/api/v1/units`.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use relais_core::{DelegationId, PersonId, UnitId};
use relais_web::api::{ApiPath, ApiQuery, Paging, Problem};
use relais_web::{AppResult, AppState, Ctx};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::access::DirectoryView;
use crate::org::{self, Unit, UnitFilter};
use crate::people::{self, PeopleFilter, PersonDetail, PersonRef, PersonSummary, RoleView};

#[derive(OpenApi)]
#[openapi(
    paths(me, list_people, get_person, list_units),
    components(schemas(Me, Grant, PersonList, PersonSummary, PersonDetail, PersonRef, RoleView, UnitList, Unit, Problem, relais_web::api::FieldProblem)),
    security(("bearer" = []))
)]
pub struct DirectoryApi;

#[derive(Serialize, ToSchema)]
pub struct Grant {
    /// agent, manager, training_officer, it_staff, it_correspondent, crisis_cell or admin.
    pub role: String,
    /// institute, delegation or unit.
    pub scope: String,
    pub scope_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub name: String,
    pub email: String,
    /// The person's chosen language, `fr` or `en`, if any.
    pub language: Option<String>,
    pub unit_id: Option<i64>,
    pub delegation_id: Option<i64>,
    pub roles: Vec<Grant>,
}

/// The signed-in person (or the owner of the token).
#[utoipa::path(get, path = "/api/v1/me", tag = "directory",
    responses(
        (status = 200, body = Me),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ))]
async fn me(ctx: Ctx) -> AppResult<Json<Me>> {
    let p = ctx.require()?;
    Ok(Json(Me {
        id: p.person_id.0,
        name: p.display_name.clone(),
        email: p.email.clone(),
        language: p.lang.map(|l| l.code().to_string()),
        unit_id: p.unit.map(|u| u.0),
        delegation_id: p.delegation.map(|d| d.0),
        roles: p
            .grants
            .iter()
            .map(|g| Grant {
                role: g.role.as_str().into(),
                scope: g.scope.kind().into(),
                scope_id: g.scope.id(),
            })
            .collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PeopleQuery {
    /// Words to find in names, emails, employee numbers and unit codes (accents and case ignored).
    q: Option<String>,
    /// Only people of this unit.
    unit: Option<i64>,
    /// Only people of this delegation.
    delegation: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct PersonList {
    pub items: Vec<PersonSummary>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

/// People the caller may browse, by name, unit or delegation, a page at a time.
#[utoipa::path(get, path = "/api/v1/people", tag = "directory", params(PeopleQuery, Paging),
    responses(
        (status = 200, body = PersonList),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_people(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<PeopleQuery>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> AppResult<Json<PersonList>> {
    let view = DirectoryView::for_principal(ctx.require()?)?;
    let filter = PeopleFilter {
        q: q.q,
        unit: q.unit.map(UnitId),
        delegation: q.delegation.map(DelegationId),
    };
    let page = people::search(&state.db, &view, &filter, paging.request()?).await?;
    Ok(Json(PersonList {
        items: page.items,
        page: page.page,
        per_page: page.per_page,
        total: page.total,
    }))
}

/// One person: anyone may read their own record, their reports' and their PhD students'; others need a browsing role over the person's unit.
#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "directory",
    params(("id" = i64, Path, description = "The person's id")),
    responses(
        (status = 200, body = PersonDetail),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
async fn get_person(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<PersonDetail>> {
    Ok(Json(
        people::get(&state.db, ctx.require()?, PersonId(id)).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct UnitsQuery {
    /// Words to find in unit codes, names and partners.
    q: Option<String>,
    /// Only units of this delegation.
    delegation: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct UnitList {
    pub items: Vec<Unit>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

/// Units the caller may browse, with their partner institutions.
#[utoipa::path(get, path = "/api/v1/units", tag = "directory", params(UnitsQuery, Paging),
    responses(
        (status = 200, body = UnitList),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_units(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<UnitsQuery>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> AppResult<Json<UnitList>> {
    let view = DirectoryView::for_principal(ctx.require()?)?;
    let filter = UnitFilter {
        q: q.q,
        delegation: q.delegation.map(DelegationId),
    };
    let page = org::units(&state.db, &view, &filter, paging.request()?).await?;
    Ok(Json(UnitList {
        items: page.items,
        page: page.page,
        per_page: page.per_page,
        total: page.total,
    }))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/me", get(me))
        .route("/api/v1/people", get(list_people))
        .route("/api/v1/people/{id}", get(get_person))
        .route("/api/v1/units", get(list_units))
}
