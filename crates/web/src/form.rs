//! Forms that change state must carry the CSRF token the page was given.
//! `CsrfForm<T>` reads an urlencoded body, checks `_csrf` against the
//! request's token in constant time, and only then hands `T` to the handler.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;

use crate::ctx::Ctx;
use crate::error::AppError;

pub struct CsrfForm<T>(pub T);

/// The fields of a form that sends nothing but its CSRF token (a button).
#[derive(serde::Deserialize)]
pub struct NoFields {}

/// Checks a submitted token against the request's.
pub fn check_csrf(ctx: &Ctx, submitted: Option<&str>) -> Result<(), AppError> {
    match submitted {
        Some(s) if !ctx.csrf.is_empty() && bool::from(s.as_bytes().ct_eq(ctx.csrf.as_bytes())) => {
            Ok(())
        }
        _ => Err(AppError::Csrf),
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = req
            .extensions()
            .get::<Ctx>()
            .cloned()
            .ok_or(AppError::Csrf)?;
        let is_form = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(AppError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rej| {
            if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge
            } else {
                AppError::BadRequest
            }
        })?;
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_bytes(&bytes).map_err(|_| AppError::BadRequest)?;
        let token = pairs
            .iter()
            .find(|(k, _)| k == "_csrf")
            .map(|(_, v)| v.as_str());
        check_csrf(&ctx, token)?;
        let value = serde_urlencoded::from_bytes(&bytes).map_err(|_| AppError::BadRequest)?;
        Ok(CsrfForm(value))
    }
}
