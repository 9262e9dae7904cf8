//! Sign-in, sign-out and password reset pages.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;
use relais_core::Error;
use relais_core::values::NewPassword;
use relais_web::language::safe_next;
use relais_web::layout::render;
use relais_web::session::{self, SESSION_COOKIE};
use relais_web::{AppResult, AppState, CsrfForm, Ctx, PageCtx, T};
use serde::Deserialize;

use crate::accounts;

#[derive(askama::Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: PageCtx,
    email: String,
    next: String,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
struct LoginQuery {
    next: Option<String>,
    expired: Option<String>,
    reset: Option<String>,
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

async fn login_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<LoginQuery>,
) -> AppResult<Response> {
    if ctx.principal.is_some() {
        return Ok(Redirect::to(&safe_next(q.next.as_deref().unwrap_or("/"))).into_response());
    }
    let t = T(ctx.lang);
    let notice = if q.expired.is_some() || ctx.session_expired {
        Some(t.t("login-session-expired"))
    } else if q.reset.is_some() {
        Some(t.t("login-password-changed"))
    } else {
        None
    };
    let page = LoginPage {
        page: PageCtx::new(&state, &ctx, t.t("login-title")),
        email: String::new(),
        next: safe_next(q.next.as_deref().unwrap_or("/")),
        error: None,
        notice,
    };
    Ok(render(&page)?.into_response())
}

async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> AppResult<Response> {
    let next = safe_next(form.next.as_deref().unwrap_or("/"));
    match accounts::authenticate(&state.db, state.clock.as_ref(), &form.email, &form.password).await
    {
        Ok(person) => {
            let cookie = session::start(&state, person).await?;
            Ok((
                [(header::SET_COOKIE, cookie.to_string())],
                Redirect::to(&next),
            )
                .into_response())
        }
        Err(e @ (Error::Invalid { .. } | Error::TooManyAttempts { .. })) => {
            let t = T(ctx.lang);
            let (status, error) = match &e {
                Error::TooManyAttempts { retry_after_secs } => (
                    StatusCode::TOO_MANY_REQUESTS,
                    t.ta(
                        "error-too-many-attempts-detail",
                        &[("minutes", retry_after_secs.div_ceil(60).to_string())],
                    ),
                ),
                Error::Invalid { msg, .. } => (StatusCode::UNAUTHORIZED, t.msg(msg)),
                _ => unreachable!("matched above"),
            };
            let page = LoginPage {
                page: PageCtx::new(&state, &ctx, t.t("login-title")),
                email: form.email,
                next,
                error: Some(error),
                notice: None,
            };
            Ok((status, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn logout(
    State(state): State<AppState>,
    jar: CookieJar,
    CsrfForm(_): CsrfForm<relais_web::form::NoFields>,
) -> AppResult<Response> {
    let cookie = session::end(&state, jar.get(SESSION_COOKIE).map(|c| c.value())).await?;
    Ok((
        [(header::SET_COOKIE, cookie.to_string())],
        Redirect::to("/login"),
    )
        .into_response())
}

#[derive(askama::Template)]
#[template(path = "password_forgot.html")]
struct ForgotPage {
    page: PageCtx,
    sent: bool,
}

#[derive(Deserialize)]
struct ForgotForm {
    email: String,
}

async fn forgot_page(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let t = T(ctx.lang);
    Ok(render(&ForgotPage {
        page: PageCtx::new(&state, &ctx, t.t("forgot-title")),
        sent: false,
    })?
    .into_response())
}

async fn forgot(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<ForgotForm>,
) -> AppResult<Response> {
    accounts::request_reset(
        &state.db,
        state.clock.as_ref(),
        &state.config.public_url,
        &state.config.mail_domain,
        &form.email,
    )
    .await?;
    let t = T(ctx.lang);
    Ok(render(&ForgotPage {
        page: PageCtx::new(&state, &ctx, t.t("forgot-title")),
        sent: true,
    })?
    .into_response())
}

#[derive(askama::Template)]
#[template(path = "password_reset.html")]
struct ResetPage {
    page: PageCtx,
    token: String,
    error: Option<String>,
}

#[derive(Deserialize)]
struct ResetForm {
    password: String,
    confirm: String,
}

async fn reset_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> AppResult<Response> {
    accounts::check_reset(&state.db, state.clock.as_ref(), &token).await?;
    let t = T(ctx.lang);
    Ok(render(&ResetPage {
        page: PageCtx::new(&state, &ctx, t.t("reset-title")),
        token,
        error: None,
    })?
    .into_response())
}

async fn reset(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    CsrfForm(form): CsrfForm<ResetForm>,
) -> AppResult<Response> {
    let t = T(ctx.lang);
    let checked = if form.password != form.confirm {
        Err(Error::invalid("confirm", "error-password-mismatch"))
    } else {
        NewPassword::parse(&form.password)
    };
    let result = match checked {
        Ok(pw) => accounts::reset_password(&state.db, state.clock.as_ref(), &token, &pw)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/login?reset=1").into_response()),
        Err(Error::Invalid {
            field: "token",
            msg,
        }) => Err(Error::Invalid {
            field: "token",
            msg,
        }
        .into()),
        Err(Error::Invalid { msg, .. }) => {
            let page = ResetPage {
                page: PageCtx::new(&state, &ctx, t.t("reset-title")),
                token,
                error: Some(t.msg(&msg)),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", axum::routing::post(logout))
        .route("/password/forgot", get(forgot_page).post(forgot))
        .route("/password/reset/{token}", get(reset_page).post(reset))
}
