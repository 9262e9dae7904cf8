//! Pages for people without an account: the public request form (proof of
//! work with a script, a small sum without), and the follow page an external
//! requester reaches through their link. Plus the desk's small script.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::cookie::CookieJar;
use relais_core::Error;
use relais_web::client::ClientAddr;
use relais_web::layout::render;
use relais_web::{AppResult, AppState, CsrfForm, Ctx, PageCtx, T};
use serde::Deserialize;

use super::pages::{ThreadLine, thread_lines};
use super::{category_options, local, services};
use crate::known_issues::{self, KnownIssue};
use crate::public::{self, PublicRequest};
use crate::tickets::Ticket;

const FOLLOW_COOKIE: &str = "relais_desk_follow";
const SCRIPT: &str = include_str!("../../static/desk.js");

async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        SCRIPT,
    )
}

#[derive(askama::Template)]
#[template(path = "public.html")]
struct PublicPage {
    page: PageCtx,
    issues: Vec<KnownIssue>,
    challenge: String,
    a: u32,
    b: u32,
    bits: u32,
    f: PublicRequest,
    categories: Vec<(&'static str, String)>,
    error: Option<String>,
    done: Option<i64>,
}

impl PublicPage {
    fn is_category(&self, c: &str) -> bool {
        self.f.category == c
    }
}

async fn public_view(
    state: &AppState,
    ctx: &Ctx,
    f: PublicRequest,
    error: Option<String>,
    done: Option<i64>,
) -> AppResult<Html<String>> {
    let t = T(ctx.lang);
    let c = public::challenge(&services(state)).await?;
    render(&PublicPage {
        page: PageCtx::new(state, ctx, t.t("desk-public-title")),
        issues: known_issues::active(&state.db).await?,
        challenge: c.token,
        a: c.a,
        b: c.b,
        bits: public::POW_BITS,
        f,
        categories: category_options(t),
        error,
        done,
    })
}

async fn public_page(State(state): State<AppState>, ctx: Ctx) -> AppResult<Html<String>> {
    public_view(
        &state,
        &ctx,
        PublicRequest {
            category: "national_app".into(),
            ..Default::default()
        },
        None,
        None,
    )
    .await
}

async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    address: ClientAddr,
    CsrfForm(f): CsrfForm<PublicRequest>,
) -> AppResult<Response> {
    let t = T(ctx.lang);
    match public::submit(&services(&state), f.clone(), &address.bucket()).await {
        Ok(id) => Ok(
            public_view(&state, &ctx, PublicRequest::default(), None, Some(id))
                .await?
                .into_response(),
        ),
        Err(Error::Invalid { msg, .. }) => {
            let page = public_view(&state, &ctx, f, Some(t.msg(&msg)), None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(Error::TooManyAttempts { retry_after_secs }) => {
            let msg = t.ta(
                "desk-error-flood",
                &[("minutes", retry_after_secs.div_ceil(60).to_string())],
            );
            let page = public_view(&state, &ctx, f, Some(msg), None).await?;
            Ok((
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, retry_after_secs.to_string())],
                page,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(askama::Template)]
#[template(path = "gone.html")]
struct GonePage {
    page: PageCtx,
    reason: String,
}

#[derive(askama::Template)]
#[template(path = "open_link.html")]
struct OpenLinkPage {
    page: PageCtx,
    token: String,
}

/// The page a follow link opens: a button that spends the link. A GET spends
/// nothing, so a mail scanner that fetches the link first leaves it good.
async fn link_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> AppResult<Response> {
    match public::check_link(&services(&state), &token).await {
        Ok(()) => Ok(render(&OpenLinkPage {
            page: PageCtx::new(&state, &ctx, T(ctx.lang).t("desk-link-title")),
            token,
        })?
        .into_response()),
        Err(e) => link_refused(&state, &ctx, e),
    }
}

fn link_refused(state: &AppState, ctx: &Ctx, e: Error) -> AppResult<Response> {
    match e {
        Error::Invalid { msg, .. } => {
            let t = T(ctx.lang);
            let html = render(&GonePage {
                page: PageCtx::new(state, ctx, t.t("desk-link-title")),
                reason: t.msg(&msg),
            })?;
            Ok((StatusCode::GONE, html).into_response())
        }
        e => Err(e.into()),
    }
}

async fn open_link(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    CsrfForm(_): CsrfForm<relais_web::form::NoFields>,
) -> AppResult<Response> {
    match public::open_link(&services(&state), &token).await {
        Ok((_, cookie, secs)) => {
            let c = axum_extra::extract::cookie::Cookie::build((FOLLOW_COOKIE, cookie))
                .path("/desk/follow")
                .http_only(true)
                .same_site(axum_extra::extract::cookie::SameSite::Lax)
                .secure(state.config.secure_cookies)
                .max_age(cookie::time::Duration::seconds(secs))
                .build();
            Ok((
                [(header::SET_COOKIE, c.to_string())],
                Redirect::to("/desk/follow"),
            )
                .into_response())
        }
        Err(e) => link_refused(&state, &ctx, e),
    }
}

#[derive(askama::Template)]
#[template(path = "follow.html")]
struct FollowPage {
    page: PageCtx,
    tk: Ticket,
    status: String,
    opened: String,
    thread: Vec<ThreadLine>,
    open: bool,
    message: Option<String>,
}

async fn followed(state: &AppState, jar: &CookieJar) -> AppResult<i64> {
    let cookie = jar
        .get(FOLLOW_COOKIE)
        .map(|c| c.value().to_string())
        .ok_or(Error::NotFound)?;
    Ok(public::follow_cookie(&services(state), &cookie)
        .await?
        .ok_or(Error::NotFound)?)
}

async fn follow_view(
    state: &AppState,
    ctx: &Ctx,
    ticket: i64,
    message: Option<String>,
) -> AppResult<Html<String>> {
    let t = T(ctx.lang);
    let tk = public::follow_view(&services(state), ticket).await?;
    let tz = &state.config.time_zone;
    render(&FollowPage {
        page: PageCtx::new(state, ctx, format!("#{} {}", tk.id, tk.subject)),
        status: t.t(&format!("desk-status-{}", tk.status.as_str())),
        opened: local(&tk.created_at, tz),
        thread: thread_lines(t, tz, &tk),
        open: tk.status != crate::model::Status::Closed && tk.merged_into.is_none(),
        message,
        tk,
    })
}

async fn follow(
    State(state): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
) -> AppResult<Html<String>> {
    let ticket = followed(&state, &jar).await?;
    follow_view(&state, &ctx, ticket, None).await
}

#[derive(Deserialize)]
struct ReplyForm {
    body: String,
}

async fn follow_reply(
    State(state): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
    CsrfForm(f): CsrfForm<ReplyForm>,
) -> AppResult<Response> {
    let ticket = followed(&state, &jar).await?;
    match public::follow_reply(&services(&state), ticket, &f.body).await {
        Ok(()) => Ok(Redirect::to("/desk/follow").into_response()),
        Err(Error::Invalid { msg, .. }) => {
            let page = follow_view(&state, &ctx, ticket, Some(T(ctx.lang).msg(&msg))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/desk/static/desk.js", get(script))
        .route("/desk/public", get(public_page).post(submit))
        .route("/desk/follow", get(follow).post(follow_reply))
        .route("/desk/follow/{token}", get(link_page).post(open_link))
}
