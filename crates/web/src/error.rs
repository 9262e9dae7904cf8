//! `AppError` is what handlers return when things go wrong. It does not
//! render itself: it marks the response, and the context middleware renders
//! it with the request's language and kind (HTML page or problem+json), so a
//! handler never needs to know either.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use relais_core::Error;

use crate::AppState;
use crate::ctx::Ctx;
use crate::i18n::T;
use crate::layout::PageCtx;

#[derive(Debug, Clone)]
pub enum AppError {
    Domain(Error),
    /// A form came without the right CSRF token.
    Csrf,
    PayloadTooLarge,
    BadRequest,
    /// A path or query parameter that cannot be read (`id=true`, `page=-1`).
    BadParameter {
        name: Option<String>,
    },
    /// A body that is not JSON at all.
    BadJson,
    /// JSON of the wrong shape: a missing field, a string for a number…
    BadBody {
        field: Option<String>,
    },
    UnsupportedMediaType,
    MethodNotAllowed,
}

pub type AppResult<T> = Result<T, AppError>;

impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        AppError::Domain(e)
    }
}

impl AppError {
    pub fn not_found() -> Self {
        AppError::Domain(Error::NotFound)
    }

    pub fn forbidden() -> Self {
        AppError::Domain(Error::Forbidden)
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Domain(e) => match e {
                Error::NotFound => StatusCode::NOT_FOUND,
                Error::Unauthenticated => StatusCode::UNAUTHORIZED,
                Error::Forbidden => StatusCode::FORBIDDEN,
                Error::Conflict { .. } => StatusCode::CONFLICT,
                Error::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
                Error::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
                Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            },
            AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::BadRequest | AppError::BadParameter { .. } | AppError::BadJson => {
                StatusCode::BAD_REQUEST
            }
            AppError::BadBody { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        }
    }

    /// The error for a status axum answered by itself.
    pub fn from_status(status: StatusCode) -> Self {
        match status {
            StatusCode::NOT_FOUND => AppError::Domain(Error::NotFound),
            StatusCode::UNAUTHORIZED => AppError::Domain(Error::Unauthenticated),
            StatusCode::FORBIDDEN => AppError::Domain(Error::Forbidden),
            StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::UnsupportedMediaType,
            StatusCode::METHOD_NOT_ALLOWED => AppError::MethodNotAllowed,
            s if s.is_server_error() => AppError::Domain(Error::Internal(s.to_string())),
            _ => AppError::BadRequest,
        }
    }

    /// A short stable name, used in problem types and message keys.
    pub fn slug(&self) -> &'static str {
        match self {
            AppError::Domain(e) => match e {
                Error::NotFound => "not-found",
                Error::Unauthenticated => "unauthenticated",
                Error::Forbidden => "forbidden",
                Error::Conflict { .. } => "conflict",
                Error::Invalid { .. } => "invalid",
                Error::TooManyAttempts { .. } => "too-many-attempts",
                Error::Internal(_) => "internal",
            },
            AppError::Csrf => "csrf",
            AppError::PayloadTooLarge => "too-large",
            AppError::BadRequest => "bad-request",
            AppError::BadParameter { .. } => "bad-parameter",
            AppError::BadJson => "bad-json",
            AppError::BadBody { .. } => "bad-body",
            AppError::UnsupportedMediaType => "unsupported-media-type",
            AppError::MethodNotAllowed => "method-not-allowed",
        }
    }
}

/// Carried in a response's extensions until the middleware renders it.
#[derive(Clone)]
pub struct ErrorMarker(pub AppError);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut resp = self.status().into_response();
        resp.extensions_mut().insert(ErrorMarker(self));
        resp
    }
}

/// Marks a response a handler wants sent as it is (a plain-text probe answer).
#[derive(Clone, Copy)]
pub struct AsIs;

/// Did Relais itself render this response (as opposed to an axum rejection)?
pub fn is_rendered(resp: &Response) -> bool {
    resp.extensions().get::<AsIs>().is_some()
        || resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| {
                ct.starts_with("text/html")
                    || ct.starts_with("application/problem+json")
                    || ct.starts_with("application/json")
            })
}

pub async fn not_found() -> AppError {
    AppError::not_found()
}

#[derive(askama::Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: PageCtx,
    status: u16,
    title: String,
    detail: String,
    sign_in: bool,
}

fn detail(t: T, err: &AppError) -> String {
    match err {
        AppError::Domain(Error::Invalid { msg, .. } | Error::Conflict { msg, .. }) => t.msg(msg),
        AppError::Domain(Error::TooManyAttempts { retry_after_secs }) => t.ta(
            "error-too-many-attempts-detail",
            &[("minutes", retry_after_secs.div_ceil(60).to_string())],
        ),
        AppError::BadParameter { name: Some(name) } => t.ta(
            "error-bad-parameter-named-detail",
            &[("name", name.clone())],
        ),
        AppError::BadBody { field: Some(field) } => {
            t.ta("error-bad-body-field-detail", &[("field", field.clone())])
        }
        other => t.t(&format!("error-{}-detail", other.slug())),
    }
}

/// The field at fault in an error, for the `errors` list of a problem.
fn field_of(err: &AppError) -> Option<&str> {
    match err {
        AppError::Domain(Error::Invalid { field, .. } | Error::Conflict { field, .. }) => {
            Some(field)
        }
        AppError::BadParameter { name: Some(f) } | AppError::BadBody { field: Some(f) } => Some(f),
        _ => None,
    }
}

pub fn render(state: &AppState, ctx: &Ctx, err: &AppError) -> Response {
    let t = T(ctx.lang);
    let status = err.status();
    if let AppError::Domain(Error::Internal(e)) = err {
        tracing::error!(error = %e, path = %ctx.path, "internal error");
    }
    if matches!(err, AppError::Domain(Error::Unauthenticated)) && !ctx.api {
        let mut q = vec![("next", ctx.path.as_str())];
        if ctx.session_expired {
            q.push(("expired", "1"));
        }
        let query = serde_urlencoded::to_string(&q).unwrap_or_default();
        return Redirect::to(&format!("/login?{query}")).into_response();
    }
    let title = t.t(&format!("error-{}-title", err.slug()));
    let detail = if matches!(err, AppError::Domain(Error::Unauthenticated)) && ctx.bad_token {
        t.t("error-bad-token-detail")
    } else {
        detail(t, err)
    };
    let mut resp = if ctx.api {
        let mut body = serde_json::json!({
            "type": format!("urn:relais:problem:{}", err.slug()),
            "title": title,
            "status": status.as_u16(),
            "detail": detail,
            "instance": ctx.path,
        });
        if let Some(field) = field_of(err) {
            body["errors"] = serde_json::json!([{ "field": field, "detail": detail }]);
        }
        let mut r = (status, body.to_string()).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        r
    } else {
        let page = PageCtx::new(state, ctx, title.clone());
        let html = askama::Template::render(&ErrorPage {
            page,
            status: status.as_u16(),
            title,
            detail,
            sign_in: ctx.principal.is_none(),
        })
        .unwrap_or_else(|_| "error".into());
        (status, Html(html)).into_response()
    };
    if status == StatusCode::UNAUTHORIZED {
        resp.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    if let AppError::Domain(Error::TooManyAttempts { retry_after_secs }) = err
        && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
    {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}
