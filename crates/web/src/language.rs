//! The language switch in every page's header: a form, so it works without
//! JavaScript. The choice is kept in a cookie, and on the person's profile
//! when they are signed in.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect};
use axum::routing::post;
use relais_core::Lang;
use serde::Deserialize;

use crate::ctx::{Ctx, LANG_COOKIE, cookie};
use crate::{AppResult, AppState, CsrfForm};

#[derive(Deserialize)]
struct LanguageForm {
    lang: String,
}

/// A same-site path to go back to, from the Referer header.
fn back_path(headers: &HeaderMap) -> String {
    let referer = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("/");
    let path = match referer.find("://") {
        Some(i) => {
            let rest = &referer[i + 3..];
            rest.find('/').map(|j| &rest[j..]).unwrap_or("/")
        }
        None => referer,
    };
    safe_next(path)
}

/// A local path only: never `//host` or an absolute URL.
pub fn safe_next(path: &str) -> String {
    // Browsers drop tabs and newlines from URLs, so "/\t/evil" would become "//evil".
    if path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        path.to_string()
    } else {
        "/".to_string()
    }
}

async fn switch(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<LanguageForm>,
) -> AppResult<impl IntoResponse> {
    let lang = Lang::parse(&form.lang)
        .ok_or_else(|| relais_core::Error::invalid("lang", "error-language-unknown"))?;
    if let Some(p) = &ctx.principal {
        state.identity.set_language(p.person_id, lang).await?;
    }
    let c = cookie(
        &state,
        LANG_COOKIE,
        lang.code().to_string(),
        Some(365 * 24 * 3600),
    );
    Ok((
        [(header::SET_COOKIE, c.to_string())],
        Redirect::to(&back_path(&headers)),
    ))
}

pub fn router() -> Router<AppState> {
    Router::new().route("/language", post(switch))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next("/people?q=a"), "/people?q=a");
        assert_eq!(safe_next("//evil.example/x"), "/");
        assert_eq!(safe_next("https://evil.example/"), "/");
        assert_eq!(safe_next("/\\evil"), "/");
        assert_eq!(safe_next("/\t/evil.example"), "/");
        assert_eq!(safe_next("/\n"), "/");
        assert_eq!(safe_next("/ /evil"), "/");
    }
}
