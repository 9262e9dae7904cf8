//! Home, people, units and one's own profile.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use relais_core::{DelegationId, Page, PersonId, UnitId};
use relais_web::layout::render;
use relais_web::{AppResult, AppState, CsrfForm, Ctx, PageCtx, T};
use serde::Deserialize;

use crate::access::DirectoryView;
use crate::org::{self, Delegation, Unit, UnitFilter};
use crate::people::{self, PeopleFilter, PersonDetail, PersonSummary};
use crate::tokens::{self, TokenInfo};
use relais_db::audit::Actor;

#[derive(askama::Template)]
#[template(path = "home.html")]
struct HomePage {
    page: PageCtx,
    name: String,
    roles: Vec<String>,
    can_browse: bool,
    is_admin: bool,
    banners: Vec<relais_web::banners::Banner>,
}

async fn home(
    State(state): State<AppState>,
    ctx: Ctx,
    sources: Option<axum::Extension<relais_web::banners::BannerSources>>,
) -> AppResult<Html<String>> {
    let p = ctx.require()?;
    let banners = match sources {
        Some(axum::Extension(s)) => s.collect(&state.db, ctx.lang).await,
        None => Vec::new(),
    };
    let t = T(ctx.lang);
    let roles = p
        .roles()
        .into_iter()
        .map(|r| t.t(&format!("role-{}", r.as_str())))
        .collect();
    render(&HomePage {
        page: PageCtx::new(&state, &ctx, t.t("nav-home")),
        name: p.display_name.clone(),
        roles,
        can_browse: DirectoryView::can_browse(p),
        is_admin: p.is_admin(),
        banners,
    })
}

/// Query parameters of list pages; numbers arrive as text so that an empty field is no error.
#[derive(Deserialize, Default)]
struct ListQuery {
    q: Option<String>,
    unit: Option<String>,
    delegation: Option<String>,
    page: Option<u32>,
}

fn id_param(s: &Option<String>) -> Option<i64> {
    s.as_deref().and_then(|v| v.trim().parse().ok())
}

/// Links to the previous and next pages, keeping the other parameters.
struct Pager {
    prev: Option<String>,
    next: Option<String>,
    summary: String,
}

#[derive(askama::Template)]
#[template(path = "people.html")]
struct PeoplePage {
    page: PageCtx,
    q: String,
    delegation: Option<i64>,
    delegations: Vec<Delegation>,
    results: Page<PersonSummary>,
    pager: Pager,
}

impl PeoplePage {
    fn is_selected(&self, id: &DelegationId) -> bool {
        self.delegation == Some(id.0)
    }
}

async fn people_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> AppResult<Html<String>> {
    let p = ctx.require()?;
    let view = DirectoryView::for_principal(p)?;
    let t = T(ctx.lang);
    let filter = PeopleFilter {
        q: q.q.clone(),
        unit: id_param(&q.unit).map(UnitId),
        delegation: id_param(&q.delegation).map(DelegationId),
    };
    let results = people::search(
        &state.db,
        &view,
        &filter,
        relais_core::PageRequest::new(q.page, Some(50)),
    )
    .await?;
    let delegations = org::delegations(&state.db).await?;
    let pager = make_pager(
        t,
        "/people",
        &q,
        results.page,
        results.pages(),
        results.total,
    );
    render(&PeoplePage {
        page: PageCtx::new(&state, &ctx, t.t("people-title")),
        q: q.q.clone().unwrap_or_default(),
        delegation: id_param(&q.delegation),
        delegations,
        results,
        pager,
    })
}

fn make_pager(t: T, base: &str, q: &ListQuery, page: u32, pages: u32, total: u64) -> Pager {
    let filters = [
        ("q", &q.q),
        ("unit", &q.unit),
        ("delegation", &q.delegation),
    ];
    let (prev, next) = relais_web::layout::page_links(base, &filters, page, page < pages);
    Pager {
        prev,
        next,
        summary: t.ta(
            "list-summary",
            &[
                ("total", total.to_string()),
                ("page", page.to_string()),
                ("pages", pages.max(1).to_string()),
            ],
        ),
    }
}

#[derive(askama::Template)]
#[template(path = "person.html")]
struct PersonPage {
    page: PageCtx,
    person: PersonDetail,
    own: bool,
    tokens: Vec<TokenInfo>,
    new_token: Option<String>,
    tz: String,
}

async fn person_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    let p = ctx.require()?;
    let person = people::get(&state.db, p, PersonId(id)).await?;
    render(&PersonPage {
        page: PageCtx::new(&state, &ctx, person.summary.display_name()),
        own: person.summary.id == p.person_id,
        tokens: Vec::new(),
        new_token: None,
        person,
        tz: state.config.time_zone.clone(),
    })
}

async fn me_page(state: State<AppState>, ctx: Ctx) -> AppResult<Html<String>> {
    me_with_token(state, ctx, None).await
}

async fn me_with_token(
    State(state): State<AppState>,
    ctx: Ctx,
    new_token: Option<String>,
) -> AppResult<Html<String>> {
    let p = ctx.require()?;
    let person = people::get(&state.db, p, p.person_id).await?;
    let tokens = tokens::list(&state.db, p.person_id).await?;
    render(&PersonPage {
        page: PageCtx::new(&state, &ctx, T(ctx.lang).t("nav-me")),
        own: true,
        tokens,
        new_token,
        person,
        tz: state.config.time_zone.clone(),
    })
}

#[derive(Deserialize)]
struct NewTokenForm {
    label: String,
    days: String,
}

async fn create_token(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<NewTokenForm>,
) -> AppResult<Html<String>> {
    let p = ctx.require()?;
    let days: i64 = form
        .days
        .trim()
        .parse()
        .map_err(|_| relais_core::Error::invalid("days", "error-token-days"))?;
    let label = relais_core::values::Name::parse("label", &form.label)?;
    let actor = Actor::of(p);
    let (_, token) = tokens::create(
        &state.db,
        state.clock.as_ref(),
        actor,
        p.person_id,
        label.as_str(),
        days,
    )
    .await?;
    me_with_token(State(state), ctx, Some(token)).await
}

async fn revoke_token(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<relais_web::form::NoFields>,
) -> AppResult<Response> {
    let p = ctx.require()?;
    let actor = Actor::of(p);
    tokens::revoke(
        &state.db,
        state.clock.as_ref(),
        actor,
        p.person_id,
        relais_core::TokenId(id),
    )
    .await?;
    Ok(Redirect::to("/me").into_response())
}

#[derive(askama::Template)]
#[template(path = "units.html")]
struct UnitsPage {
    page: PageCtx,
    q: String,
    delegation: Option<i64>,
    delegations: Vec<Delegation>,
    results: Page<Unit>,
    pager: Pager,
}

impl UnitsPage {
    fn is_selected(&self, id: &DelegationId) -> bool {
        self.delegation == Some(id.0)
    }
}

async fn units_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> AppResult<Html<String>> {
    let p = ctx.require()?;
    let view = DirectoryView::for_principal(p)?;
    let t = T(ctx.lang);
    let filter = UnitFilter {
        q: q.q.clone(),
        delegation: id_param(&q.delegation).map(DelegationId),
    };
    let results = org::units(
        &state.db,
        &view,
        &filter,
        relais_core::PageRequest::new(q.page, Some(50)),
    )
    .await?;
    let pager = make_pager(
        t,
        "/units",
        &q,
        results.page,
        results.pages(),
        results.total,
    );
    render(&UnitsPage {
        page: PageCtx::new(&state, &ctx, t.t("units-title")),
        q: q.q.clone().unwrap_or_default(),
        delegation: id_param(&q.delegation),
        delegations: org::delegations(&state.db).await?,
        results,
        pager,
    })
}

#[derive(askama::Template)]
#[template(path = "unit.html")]
struct UnitPage {
    page: PageCtx,
    unit: Unit,
    members: Page<PersonSummary>,
    pager: Pager,
}

async fn unit_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<ListQuery>,
) -> AppResult<Html<String>> {
    let p = ctx.require()?;
    let view = DirectoryView::for_principal(p)?;
    let t = T(ctx.lang);
    let unit = org::unit(&state.db, &view, UnitId(id)).await?;
    let filter = PeopleFilter {
        unit: Some(unit.id),
        ..Default::default()
    };
    let members = people::search(
        &state.db,
        &view,
        &filter,
        relais_core::PageRequest::new(q.page, Some(100)),
    )
    .await?;
    let pager = make_pager(
        t,
        &format!("/units/{id}"),
        &q,
        members.page,
        members.pages(),
        members.total,
    );
    render(&UnitPage {
        page: PageCtx::new(&state, &ctx, unit.name.clone()),
        unit,
        members,
        pager,
    })
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/people", get(people_page))
        .route("/people/{id}", get(person_page))
        .route("/units", get(units_page))
        .route("/units/{id}", get(unit_page))
        .route("/me", get(me_page))
        .route("/me/tokens", post(create_token))
        .route("/me/tokens/{id}/revoke", post(revoke_token))
}
