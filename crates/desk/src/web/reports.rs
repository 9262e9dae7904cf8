//! The week of remote sessions and visits, and the dashboard with its
//! server-side chart and its CSV and XLSX exports.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use relais_core::{Error, Timestamp};
use relais_web::layout::render;
use relais_web::{AppResult, AppState, Ctx, PageCtx, T};
use serde::Deserialize;

use super::services;
use crate::access::DeskStaff;
use crate::dashboard::{self, Dashboard};
use crate::interventions::{self, Intervention};
use crate::model::Category;

#[derive(Deserialize, Default)]
struct WeekQuery {
    /// Any day of the week to show, YYYY-MM-DD.
    day: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "week.html")]
struct WeekPage {
    page: PageCtx,
    days: Vec<(String, Vec<(Intervention, String)>)>,
    prev: String,
    next: String,
}

async fn week(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<WeekQuery>,
) -> AppResult<Html<String>> {
    let p = ctx.require()?;
    let staff = DeskStaff::for_principal(p)?;
    let tz = jiff::tz::TimeZone::get(&state.config.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let today = state
        .clock
        .now()
        .to_jiff()
        .to_zoned_datetime(tz.clone())
        .date();
    let day: jiff::civil::Date = q
        .day
        .as_deref()
        .and_then(|d| d.trim().parse().ok())
        .unwrap_or(today);
    let monday = day
        .checked_sub(jiff::Span::new().days(i64::from(day.weekday().to_monday_zero_offset())))
        .unwrap_or(day);
    let start = |d: jiff::civil::Date| {
        d.to_zoned_datetime(tz.clone())
            .map(|z| Timestamp::from_jiff(z.timestamp()))
            .unwrap_or(Timestamp(0))
    };
    let plus = |n: i64| {
        monday
            .checked_add(jiff::Span::new().days(n))
            .unwrap_or(monday)
    };
    let all =
        interventions::between(&services(&state), &staff, start(monday), start(plus(7))).await?;
    let t = T(ctx.lang);
    let days = (0..7)
        .map(|n| {
            let d = plus(n);
            let (from, to) = (start(d), start(plus(n + 1)));
            let items = all
                .iter()
                .filter(|i| i.at >= from && i.at < to)
                .cloned()
                .map(|i| {
                    let at = i.at.local(&state.config.time_zone);
                    (i, at)
                })
                .collect();
            (
                format!(
                    "{} {}",
                    t.t(&format!("desk-weekday-{n}")),
                    d.strftime("%d/%m")
                ),
                items,
            )
        })
        .collect();
    render(&WeekPage {
        page: PageCtx::new(&state, &ctx, t.t("desk-week-title")),
        days,
        prev: plus(-7).to_string(),
        next: plus(7).to_string(),
    })
}

#[derive(Deserialize, Default)]
struct DashQuery {
    days: Option<i64>,
}

struct Bar {
    x: i64,
    y: i64,
    w: i64,
    h: i64,
    color: &'static str,
    label: String,
}

#[derive(askama::Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    page: PageCtx,
    d: Dashboard,
    days: i64,
    categories: Vec<String>,
    colors: Vec<&'static str>,
    bars: Vec<Bar>,
    width: i64,
    height: i64,
    max: i64,
    backlog: Vec<(String, i64)>,
}

const COLORS: [&str; 8] = [
    "#0b4f8a", "#a4161a", "#1e6b35", "#7a4b00", "#5b2a86", "#00626b", "#8a0b5a", "#4a5260",
];

async fn dashboard_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<DashQuery>,
) -> AppResult<Html<String>> {
    let p = ctx.require()?;
    let staff = DeskStaff::for_principal(p)?;
    let t = T(ctx.lang);
    let days = q.days.unwrap_or(42).clamp(1, 366);
    let d = dashboard::compute(&services(&state), &staff, days).await?;
    let height = 200;
    let w = if d.days.len() > 60 { 4 } else { 12 };
    let max = d
        .days
        .iter()
        .map(|(_, c)| c.iter().sum::<i64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let mut bars = Vec::new();
    for (i, (day, counts)) in d.days.iter().enumerate() {
        let mut y = height;
        for (c, n) in counts.iter().enumerate() {
            if *n == 0 {
                continue;
            }
            let h = (n * (height - 10) / max).max(1);
            y -= h;
            bars.push(Bar {
                x: 4 + i as i64 * (w + 2),
                y,
                w,
                h,
                color: COLORS[c % COLORS.len()],
                label: format!(
                    "{day} · {} : {n}",
                    t.t(&format!("desk-category-{}", Category::ALL[c].as_str()))
                ),
            });
        }
    }
    render(&DashboardPage {
        page: PageCtx::new(&state, &ctx, t.t("desk-dashboard-title")),
        width: 8 + d.days.len() as i64 * (w + 2),
        height,
        max,
        bars,
        categories: Category::ALL
            .iter()
            .map(|c| t.t(&format!("desk-category-{}", c.as_str())))
            .collect(),
        colors: COLORS.to_vec(),
        backlog: d
            .backlog
            .iter()
            .map(|(s, n)| (t.t(&format!("desk-status-{s}")), *n))
            .collect(),
        days,
        d,
    })
}

/// The dashboard's table: a header and one row per day, then the totals.
async fn rows(
    state: &AppState,
    ctx: &Ctx,
    days: i64,
) -> AppResult<(Vec<String>, Vec<Vec<String>>, Dashboard)> {
    let p = ctx.require()?;
    let staff = DeskStaff::for_principal(p)?;
    let t = T(ctx.lang);
    let d = dashboard::compute(&services(state), &staff, days.clamp(1, 366)).await?;
    let mut header = vec![t.t("desk-field-date")];
    header.extend(
        Category::ALL
            .iter()
            .map(|c| t.t(&format!("desk-category-{}", c.as_str()))),
    );
    header.push(t.t("desk-total"));
    let rows = d
        .days
        .iter()
        .map(|(day, counts)| {
            let mut r = vec![day.clone()];
            r.extend(counts.iter().map(|n| n.to_string()));
            r.push(counts.iter().sum::<i64>().to_string());
            r
        })
        .collect();
    Ok((header, rows, d))
}

fn summary(t: T, d: &Dashboard) -> Vec<(String, String)> {
    vec![
        (t.t("desk-opened"), d.opened.to_string()),
        (
            t.t("desk-backlog"),
            d.backlog.iter().map(|b| b.1).sum::<i64>().to_string(),
        ),
        (
            t.t("desk-first-answer-median"),
            d.median_first_answer_minutes
                .map(|m| m.to_string())
                .unwrap_or_default(),
        ),
        (t.t("desk-breaches"), d.breaches.to_string()),
        (t.t("desk-avoided"), d.avoided.to_string()),
    ]
}

async fn export_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<DashQuery>,
) -> AppResult<Response> {
    let (header, rows, d) = rows(&state, &ctx, q.days.unwrap_or(42)).await?;
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .delimiter(b';')
        .from_writer(vec![0xEF, 0xBB, 0xBF]);
    let internal = |e: csv::Error| relais_web::AppError::from(Error::internal(e));
    w.write_record(&header).map_err(internal)?;
    for r in &rows {
        w.write_record(r).map_err(internal)?;
    }
    w.write_record([""]).map_err(internal)?;
    for (k, v) in summary(T(ctx.lang), &d) {
        w.write_record([k, v]).map_err(internal)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| relais_web::AppError::from(Error::internal(e)))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"desk-dashboard.csv\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn export_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<DashQuery>,
) -> AppResult<Response> {
    let (header, rows, d) = rows(&state, &ctx, q.days.unwrap_or(42)).await?;
    let mut book = rust_xlsxwriter::Workbook::new();
    let internal = |e: rust_xlsxwriter::XlsxError| relais_web::AppError::from(Error::internal(e));
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name("Tickets").map_err(internal)?;
    for (c, h) in header.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, h, &bold)
            .map_err(internal)?;
    }
    for (r, row) in rows.iter().enumerate() {
        sheet
            .write_string(r as u32 + 1, 0, &row[0])
            .map_err(internal)?;
        for (c, v) in row.iter().enumerate().skip(1) {
            sheet
                .write_number(r as u32 + 1, c as u16, v.parse::<f64>().unwrap_or(0.0))
                .map_err(internal)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(internal)?;
    sheet.autofit();
    let sheet = book.add_worksheet();
    sheet.set_name("Synthèse").map_err(internal)?;
    for (r, (k, v)) in summary(T(ctx.lang), &d).into_iter().enumerate() {
        sheet.write_string(r as u32, 0, &k).map_err(internal)?;
        sheet.write_string(r as u32, 1, &v).map_err(internal)?;
    }
    let bytes = book.save_to_buffer().map_err(internal)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"desk-dashboard.xlsx\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/desk/week", get(week))
        .route("/desk/dashboard", get(dashboard_page))
        .route("/desk/dashboard.csv", get(export_csv))
        .route("/desk/dashboard.xlsx", get(export_xlsx))
}
