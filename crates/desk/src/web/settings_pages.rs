//! `/desk/settings`: the delay before resolved requests close and the
//! targets per category and priority, for institute-wide IT staff.

use std::collections::HashMap;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use relais_core::{Error, Msg};
use relais_web::layout::render;
use relais_web::{AppResult, AppState, CsrfForm, Ctx, PageCtx, T};

use super::services;
use crate::model::Priority;
use crate::settings::{self, TargetInput};

/// One row of the targets table: a category (or the default) and, per
/// priority, the two inputs' names and values.
struct Row {
    label: String,
    cells: Vec<Cell>,
}

struct Cell {
    priority: String,
    first_name: String,
    first: String,
    resolution_name: String,
    resolution: String,
}

#[derive(askama::Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    page: PageCtx,
    autoclose_days: String,
    priorities: Vec<String>,
    rows: Vec<Row>,
    error: Option<(String, String)>,
    saved: bool,
}

impl SettingsPage {
    /// Whether the refused input is this one.
    fn is_bad(&self, name: &str) -> bool {
        self.error.as_ref().is_some_and(|e| e.0 == name)
    }
}

fn category_label(t: T, c: &str) -> String {
    if c == "*" {
        t.t("desk-settings-default")
    } else {
        t.t(&format!("desk-category-{c}"))
    }
}

/// The page's rows, with the values of `typed` where given (after a refused
/// save), else the stored targets in hours.
fn rows(t: T, stored: &settings::Settings, typed: Option<&HashMap<String, String>>) -> Vec<Row> {
    let mut out: Vec<Row> = Vec::new();
    for target in &stored.targets {
        let c = target.category.as_str();
        if out.last().is_none_or(|r| r.label != category_label(t, c)) {
            out.push(Row {
                label: category_label(t, c),
                cells: Vec::new(),
            });
        }
        let first_name = settings::field(c, target.priority, "first");
        let resolution_name = settings::field(c, target.priority, "resolution");
        let value = |name: &str, stored: Option<i64>| match typed {
            Some(f) => f.get(name).cloned().unwrap_or_default(),
            None => stored.map(|m| (m / 60).to_string()).unwrap_or_default(),
        };
        let cell = Cell {
            priority: t.t(&format!("desk-priority-{}", target.priority.as_str())),
            first: value(&first_name, target.minutes.map(|m| m.0)),
            resolution: value(&resolution_name, target.minutes.map(|m| m.1)),
            first_name,
            resolution_name,
        };
        if let Some(row) = out.last_mut() {
            row.cells.push(cell);
        }
    }
    out
}

async fn show(
    state: &AppState,
    ctx: &Ctx,
    typed: Option<&HashMap<String, String>>,
    error: Option<(String, String)>,
    saved: bool,
) -> AppResult<axum::response::Html<String>> {
    let p = ctx.require()?;
    let t = T(ctx.lang);
    let stored = settings::read(&services(state), p).await?;
    render(&SettingsPage {
        page: PageCtx::new(state, ctx, t.t("desk-settings-title")),
        autoclose_days: typed
            .and_then(|f| f.get("autoclose_days").cloned())
            .unwrap_or_else(|| stored.autoclose_days.to_string()),
        priorities: Priority::ALL
            .iter()
            .map(|p| t.t(&format!("desk-priority-{}", p.as_str())))
            .collect(),
        rows: rows(t, &stored, typed),
        error,
        saved,
    })
}

#[derive(serde::Deserialize, Default)]
struct Saved {
    saved: Option<String>,
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<Saved>,
) -> AppResult<Response> {
    Ok(show(&state, &ctx, None, None, q.saved.is_some())
        .await?
        .into_response())
}

async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<HashMap<String, String>>,
) -> AppResult<Response> {
    let p = ctx.require()?;
    let targets: Vec<TargetInput> = settings::lines()
        .map(|(c, pr)| TargetInput {
            category: c.to_string(),
            priority: pr,
            first_hours: f
                .get(&settings::field(c, pr, "first"))
                .cloned()
                .unwrap_or_default(),
            resolution_hours: f
                .get(&settings::field(c, pr, "resolution"))
                .cloned()
                .unwrap_or_default(),
        })
        .collect();
    let days = f.get("autoclose_days").cloned().unwrap_or_default();
    match settings::save(&services(&state), p, &days, &targets).await {
        Ok(()) => Ok(Redirect::to("/desk/settings?saved=1").into_response()),
        Err(Error::Invalid { field, msg }) => {
            let t = T(ctx.lang);
            let arg = |name: &str| {
                msg.args
                    .iter()
                    .find(|a| a.0 == name)
                    .map(|a| a.1.clone())
                    .unwrap_or_default()
            };
            // The line's names in the reader's language.
            let mut shown = Msg::new(msg.key);
            if !arg("category").is_empty() {
                shown = shown
                    .arg("category", category_label(t, &arg("category")))
                    .arg(
                        "priority",
                        t.t(&format!("desk-priority-{}", arg("priority"))),
                    );
            }
            let input = Some(arg("input")).filter(|i| !i.is_empty());
            let error = Some((input.unwrap_or_else(|| field.to_string()), t.msg(&shown)));
            let html = show(&state, &ctx, Some(&f), error, false).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/desk/settings", get(page).post(save))
}
