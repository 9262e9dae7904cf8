//! The layout every page shares: language, navigation by role, the signed-in
//! person, the CSRF token for forms. Page templates `{% extends "base.html" %}`
//! and carry a `page: PageCtx`.

use relais_core::Principal;

use crate::AppState;
use crate::ctx::Ctx;
use crate::i18n::T;

/// A navigation entry a feature contributes, shown when `visible` says so.
#[derive(Clone)]
pub struct NavItem {
    pub href: &'static str,
    pub key: &'static str,
    pub visible: fn(&Principal) -> bool,
}

impl NavItem {
    pub fn new(href: &'static str, key: &'static str, visible: fn(&Principal) -> bool) -> Self {
        NavItem { href, key, visible }
    }
}

pub struct NavLink {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

pub struct PageCtx {
    pub t: T,
    pub lang: &'static str,
    pub other_lang: &'static str,
    pub other_lang_label: String,
    pub title: String,
    pub csrf: String,
    pub user_name: Option<String>,
    pub nav: Vec<NavLink>,
    pub path: String,
}

impl PageCtx {
    pub fn new(state: &AppState, ctx: &Ctx, title: String) -> Self {
        let t = T(ctx.lang);
        let current_path = ctx.path.split('?').next().unwrap_or("/");
        let nav = match &ctx.principal {
            Some(p) => state
                .nav
                .iter()
                .filter(|n| (n.visible)(p))
                .map(|n| NavLink {
                    href: n.href,
                    label: t.t(n.key),
                    current: if n.href == "/" {
                        current_path == "/"
                    } else {
                        current_path.starts_with(n.href)
                    },
                })
                .collect(),
            None => Vec::new(),
        };
        let other = match ctx.lang {
            relais_core::Lang::Fr => relais_core::Lang::En,
            relais_core::Lang::En => relais_core::Lang::Fr,
        };
        PageCtx {
            t,
            lang: ctx.lang.code(),
            other_lang: other.code(),
            other_lang_label: T(other).t("language-name"),
            title,
            csrf: ctx.csrf.clone(),
            user_name: ctx.principal.as_ref().map(|p| p.display_name.clone()),
            nav,
            path: ctx.path.clone(),
        }
    }

    /// A shorthand for templates: `page.tr("key")`.
    pub fn tr(&self, key: &str) -> String {
        self.t.t(key)
    }
}

/// Renders a page template, an internal error if the template fails.
pub fn render(t: &impl askama::Template) -> Result<axum::response::Html<String>, crate::AppError> {
    t.render()
        .map(axum::response::Html)
        .map_err(|e| crate::AppError::Domain(relais_core::Error::internal(e)))
}

/// Links to the previous and next pages of a list at `base`, keeping the
/// filters that are set (empty ones are left out). A template with `prev`
/// and `next` shows them with `{% include "page_links.html" %}`.
pub fn page_links(
    base: &str,
    filters: &[(&str, &Option<String>)],
    page: u32,
    has_next: bool,
) -> (Option<String>, Option<String>) {
    let link = |n: u32| {
        let mut params: Vec<(&str, String)> = filters
            .iter()
            .filter_map(|(k, v)| {
                v.as_ref()
                    .filter(|v| !v.is_empty())
                    .map(|v| (*k, v.clone()))
            })
            .collect();
        params.push(("page", n.to_string()));
        format!(
            "{base}?{}",
            serde_urlencoded::to_string(&params).unwrap_or_default()
        )
    };
    (
        (page > 1).then(|| link(page - 1)),
        has_next.then(|| link(page + 1)),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn page_links_keep_filters_and_skip_empty_ones() {
        let q = Some("hélène".to_string());
        let empty = Some(String::new());
        let (prev, next) = super::page_links(
            "/people",
            &[("q", &q), ("unit", &empty), ("delegation", &None)],
            2,
            true,
        );
        assert_eq!(prev.as_deref(), Some("/people?q=h%C3%A9l%C3%A8ne&page=1"));
        assert_eq!(next.as_deref(), Some("/people?q=h%C3%A9l%C3%A8ne&page=3"));
        assert_eq!(super::page_links("/x", &[], 1, false), (None, None));
    }
}
