//! The hotline's call screen (calls, outside callers, callbacks) and the
//! known issues (publish, resolve everything attached with one answer).

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use relais_core::Error;
use relais_web::layout::render;
use relais_web::{AppResult, AppState, CsrfForm, Ctx, PageCtx, T};
use serde::Deserialize;

use super::{category_options, services, urgency_options};
use crate::access::DeskStaff;
use crate::hotline::{self, Call, NewCall};
use crate::known_issues::{self, KnownIssue, NewKnownIssue};

#[derive(askama::Template)]
#[template(path = "hotline.html")]
struct HotlinePage {
    page: PageCtx,
    issues: Vec<KnownIssue>,
    callbacks: Vec<(Call, String, String, bool)>,
    recent: Vec<(Call, String)>,
    urgencies: Vec<(&'static str, String)>,
    categories: Vec<(&'static str, String)>,
    message: Option<String>,
    error: bool,
}

#[derive(Deserialize, Default)]
struct Done {
    done: Option<String>,
}

async fn hotline_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(d): Query<Done>,
) -> AppResult<Html<String>> {
    let t = T(ctx.lang);
    let message = d
        .done
        .as_deref()
        .filter(|k| k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .map(|k| t.t(&format!("desk-done-{k}")));
    hotline_view(&state, &ctx, message, false).await
}

async fn hotline_view(
    state: &AppState,
    ctx: &Ctx,
    message: Option<String>,
    error: bool,
) -> AppResult<Html<String>> {
    let p = ctx.require()?;
    let staff = DeskStaff::for_principal(p)?;
    let t = T(ctx.lang);
    let desk = services(state);
    let tz = &state.config.time_zone;
    let now = state.clock.now();
    let callbacks = hotline::callbacks(&desk, &staff)
        .await?
        .into_iter()
        .map(|c| {
            let due = c.callback_due.map(|d| d.local(tz)).unwrap_or_default();
            let overdue = c.callback_due.is_some_and(|d| d < now);
            let u = t.t(&format!("desk-urgency-{}", c.urgency.as_str()));
            (c, due, u, overdue)
        })
        .collect();
    let recent = hotline::recent(&desk, &staff, 30)
        .await?
        .into_iter()
        .map(|c| {
            let at = c.at.local(tz);
            (c, at)
        })
        .collect();
    render(&HotlinePage {
        page: PageCtx::new(state, ctx, t.t("desk-hotline-title")),
        issues: known_issues::active(&state.db).await?,
        callbacks,
        recent,
        urgencies: urgency_options(t),
        categories: category_options(t),
        message,
        error,
    })
}

async fn log_call(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<NewCall>,
) -> AppResult<Response> {
    let p = ctx.require()?;
    match hotline::log_call(&services(&state), p, f).await {
        Ok((_, Some(ticket))) => {
            Ok(Redirect::to(&format!("/desk/tickets/{ticket}?done=opened")).into_response())
        }
        Ok((_, None)) => Ok(Redirect::to("/desk/hotline?done=call-logged").into_response()),
        Err(Error::Invalid { msg, .. }) => {
            let page = hotline_view(&state, &ctx, Some(T(ctx.lang).msg(&msg)), true).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn callback_done(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<relais_web::form::NoFields>,
) -> AppResult<Response> {
    let p = ctx.require()?;
    hotline::callback_done(&services(&state), p, id).await?;
    Ok(Redirect::to("/desk/hotline?done=called-back").into_response())
}

#[derive(askama::Template)]
#[template(path = "known.html")]
struct KnownPage {
    page: PageCtx,
    issues: Vec<KnownIssue>,
    categories: Vec<(&'static str, String)>,
    message: Option<String>,
    error: bool,
}

async fn known_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(d): Query<Done>,
) -> AppResult<Html<String>> {
    let t = T(ctx.lang);
    let message = d
        .done
        .as_deref()
        .filter(|k| k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .map(|k| t.t(&format!("desk-done-{k}")));
    known_view(&state, &ctx, message, false).await
}

async fn known_view(
    state: &AppState,
    ctx: &Ctx,
    message: Option<String>,
    error: bool,
) -> AppResult<Html<String>> {
    let p = ctx.require()?;
    DeskStaff::for_principal(p)?;
    let t = T(ctx.lang);
    render(&KnownPage {
        page: PageCtx::new(state, ctx, t.t("desk-known-title")),
        issues: known_issues::all(&state.db).await?,
        categories: category_options(t),
        message,
        error,
    })
}

async fn known_answer(
    state: &AppState,
    ctx: &Ctx,
    result: relais_core::Result<()>,
    done: &str,
) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/desk/known-issues?done={done}")).into_response()),
        Err(Error::Invalid { msg, .. }) => {
            let page = known_view(state, ctx, Some(T(ctx.lang).msg(&msg)), true).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<NewKnownIssue>,
) -> AppResult<Response> {
    let p = ctx.require()?;
    let r = known_issues::publish(&services(&state), p, f)
        .await
        .map(|_| ());
    known_answer(&state, &ctx, r, "published").await
}

#[derive(Deserialize)]
struct ResolveForm {
    resolution: String,
}

async fn resolve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ResolveForm>,
) -> AppResult<Response> {
    let p = ctx.require()?;
    let r = known_issues::resolve(&services(&state), p, id, &f.resolution)
        .await
        .map(|_| ());
    known_answer(&state, &ctx, r, "resolved").await
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/desk/hotline", get(hotline_page))
        .route("/desk/hotline/calls", post(log_call))
        .route("/desk/hotline/calls/{id}/done", post(callback_done))
        .route("/desk/known-issues", get(known_page).post(publish))
        .route("/desk/known-issues/{id}/resolve", post(resolve))
}
