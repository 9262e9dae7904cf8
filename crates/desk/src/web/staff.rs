//! IT staff's pages: the queue (filters, SLA time left, breaches), working a
//! ticket (priority, category, assignment, merge, known issue, remote
//! sessions and visits, article drafts), mail held for review, the hotline's
//! call screen and callbacks, known issues, the week view, the dashboard and
//! its exports, and the article editor.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use relais_core::{Error, PageRequest, Timestamp};
use relais_web::layout::render;
use relais_web::{AppResult, AppState, CsrfForm, Ctx, PageCtx, T};
use serde::Deserialize;

use super::pages::{Line, answer, line};
use super::{category_options, services, status_options, urgency_options};
use crate::access::DeskStaff;
use crate::dashboard::{self, Dashboard};
use crate::hotline::{self, Call, NewCall};
use crate::interventions::{self, Intervention, NewRemoteSession, NewVisit};
use crate::kb::{self, ArticleInput};
use crate::known_issues::{self, KnownIssue, NewKnownIssue};
use crate::model::{ArticleAudience, Category, Status};
use crate::thread::{self, HeldMail, TicketUpdate};
use crate::tickets::{self, TicketFilter};

#[derive(Deserialize, Default)]
struct QueueQuery {
    q: Option<String>,
    category: Option<String>,
    status: Option<String>,
    delegation: Option<String>,
    assignee: Option<String>,
    breached: Option<String>,
    page: Option<u32>,
}

#[derive(askama::Template)]
#[template(path = "queue.html")]
struct QueuePage {
    page: PageCtx,
    title: String,
    q: String,
    category: String,
    status: String,
    delegation: String,
    assignee: String,
    breached: bool,
    lines: Vec<Line>,
    total: u64,
    categories: Vec<(&'static str, String)>,
    statuses: Vec<(&'static str, String)>,
    delegations: Vec<(i64, String)>,
    technicians: Vec<(i64, String)>,
    held: usize,
    prev: Option<String>,
    next: Option<String>,
}

impl QueuePage {
    fn is(&self, field: &str, v: &str) -> bool {
        match field {
            "category" => self.category == v,
            "status" => self.status == v,
            _ => false,
        }
    }
    fn is_delegation(&self, id: &i64) -> bool {
        self.delegation == id.to_string()
    }
    fn is_assignee(&self, id: &i64) -> bool {
        self.assignee == id.to_string()
    }
}

async fn queue(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<QueueQuery>,
) -> AppResult<Html<String>> {
    queue_view(state, ctx, q, false).await
}

async fn breaches(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(mut q): Query<QueueQuery>,
) -> AppResult<Html<String>> {
    q.breached = Some("1".into());
    queue_view(state, ctx, q, true).await
}

async fn queue_view(
    state: AppState,
    ctx: Ctx,
    q: QueueQuery,
    breaches_page: bool,
) -> AppResult<Html<String>> {
    let p = ctx.require()?;
    let staff = DeskStaff::for_principal(p)?;
    let t = T(ctx.lang);
    let desk = services(&state);
    let status = q.status.as_deref().and_then(Status::parse);
    let filter = TicketFilter {
        q: q.q.clone(),
        category: q.category.as_deref().and_then(Category::parse),
        status,
        open: status.is_none() && !breaches_page,
        delegation: q.delegation.as_deref().and_then(|d| d.trim().parse().ok()),
        assignee: q
            .assignee
            .as_deref()
            .and_then(|a| a.trim().parse().ok())
            .filter(|a| *a > 0),
        unassigned: q.assignee.as_deref() == Some("0"),
        breached: q.breached.is_some(),
        ..Default::default()
    };
    let found = tickets::list(&desk, p, &filter, PageRequest::new(q.page, Some(50))).await?;
    let base = if breaches_page {
        "/desk/breaches"
    } else {
        "/desk/queue"
    };
    let filters = [
        ("q", &q.q),
        ("category", &q.category),
        ("status", &q.status),
        ("delegation", &q.delegation),
        ("assignee", &q.assignee),
    ];
    let (prev, next) = relais_web::layout::page_links(base, &filters, found.page, found.has_next());
    let delegations = relais_directory::org::delegations(&state.db)
        .await?
        .into_iter()
        .filter(|d| staff.covers(Some(d.id)))
        .map(|d| (d.id.0, d.name))
        .collect();
    let tz = &state.config.time_zone;
    render(&QueuePage {
        page: PageCtx::new(
            &state,
            &ctx,
            t.t(if breaches_page {
                "desk-breaches-title"
            } else {
                "desk-queue-title"
            }),
        ),
        title: t.t(if breaches_page {
            "desk-breaches-title"
        } else {
            "desk-queue-title"
        }),
        q: q.q.clone().unwrap_or_default(),
        category: q.category.clone().unwrap_or_default(),
        status: q.status.clone().unwrap_or_default(),
        delegation: q.delegation.clone().unwrap_or_default(),
        assignee: q.assignee.clone().unwrap_or_default(),
        breached: filter.breached,
        total: found.total,
        lines: found.items.into_iter().map(|l| line(t, tz, l)).collect(),
        categories: category_options(t),
        statuses: status_options(t),
        delegations,
        technicians: tickets::technicians(&desk, &staff).await?,
        held: thread::held(&desk, &staff).await?.len(),
        prev,
        next,
    })
}

#[derive(Deserialize)]
struct UpdateForm {
    priority: Option<String>,
    category: Option<String>,
    assignee_id: Option<String>,
    equipment: Option<String>,
}

async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<UpdateForm>,
) -> AppResult<Response> {
    let p = ctx.require()?;
    let assignee = match f.assignee_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(a) => Some(
            a.parse::<i64>()
                .map_err(|_| crate::invalid("assignee_id", "desk-error-assignee"))?,
        ),
    };
    let u = TicketUpdate {
        priority: f.priority,
        category: f.category,
        assignee_id: assignee,
        equipment: f.equipment,
    };
    let result = thread::update(&services(&state), p, id, u).await;
    answer(&state, &ctx, id, result, "saved").await
}

#[derive(Deserialize)]
struct MergeForm {
    into: String,
}

async fn merge(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<MergeForm>,
) -> AppResult<Response> {
    let p = ctx.require()?;
    let result = match f.into.trim().trim_start_matches('#').parse::<i64>() {
        Ok(into) => thread::merge(&services(&state), p, id, into).await,
        Err(_) => Err(crate::invalid("into", "desk-error-merge-unknown")),
    };
    answer(&state, &ctx, id, result, "merged").await
}

#[derive(Deserialize)]
struct AttachForm {
    known_issue_id: String,
}

async fn attach_issue(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<AttachForm>,
) -> AppResult<Response> {
    let p = ctx.require()?;
    let result = match f.known_issue_id.trim().parse::<i64>() {
        Ok(k) => known_issues::attach(&services(&state), p, id, k).await,
        Err(_) => Err(crate::invalid("known_issue_id", "desk-error-known-issue")),
    };
    answer(&state, &ctx, id, result, "saved").await
}

async fn remote(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<NewRemoteSession>,
) -> AppResult<Response> {
    let p = ctx.require()?;
    let result = interventions::add_remote(&services(&state), p, id, f)
        .await
        .map(|_| ());
    answer(&state, &ctx, id, result, "saved").await
}

async fn visit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<NewVisit>,
) -> AppResult<Response> {
    let p = ctx.require()?;
    let result = interventions::add_visit(&services(&state), p, id, f)
        .await
        .map(|_| ());
    answer(&state, &ctx, id, result, "saved").await
}

async fn draft_article(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<relais_web::form::NoFields>,
) -> AppResult<Response> {
    let p = ctx.require()?;
    match kb::draft_from_ticket(&services(&state), p, id).await {
        Ok(a) => Ok(Redirect::to(&format!("/desk/kb/{a}/edit")).into_response()),
        Err(e) => answer(&state, &ctx, id, Err(e), "saved").await,
    }
}

#[derive(askama::Template)]
#[template(path = "held.html")]
struct HeldPage {
    page: PageCtx,
    mails: Vec<(HeldMail, String)>,
}

async fn held(State(state): State<AppState>, ctx: Ctx) -> AppResult<Html<String>> {
    let p = ctx.require()?;
    let staff = DeskStaff::for_principal(p)?;
    let tz = &state.config.time_zone;
    let mails = thread::held(&services(&state), &staff)
        .await?
        .into_iter()
        .map(|m| {
            let at = m.at.local(tz);
            (m, at)
        })
        .collect();
    render(&HeldPage {
        page: PageCtx::new(&state, &ctx, T(ctx.lang).t("desk-held-title")),
        mails,
    })
}

#[derive(Deserialize)]
struct ReleaseForm {
    decision: String,
}

async fn release(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ReleaseForm>,
) -> AppResult<Response> {
    let p = ctx.require()?;
    thread::release(&services(&state), p, id, f.decision == "accept").await?;
    Ok(Redirect::to("/desk/held").into_response())
}

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

#[derive(askama::Template)]
#[template(path = "editor.html")]
struct EditorPage {
    page: PageCtx,
    id: Option<i64>,
    a: ArticleInput,
    categories: Vec<(&'static str, String)>,
    audiences: Vec<(&'static str, String)>,
    error: Option<String>,
}

impl EditorPage {
    fn is_category(&self, c: &str) -> bool {
        self.a.category == c
    }
    fn is_audience(&self, c: &str) -> bool {
        self.a.audience == c
    }
    fn is_published(&self) -> bool {
        self.a.status == "published"
    }
}

fn editor(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    a: ArticleInput,
    error: Option<String>,
) -> AppResult<Html<String>> {
    let p = ctx.require()?;
    DeskStaff::for_principal(p)?;
    let t = T(ctx.lang);
    render(&EditorPage {
        page: PageCtx::new(state, ctx, t.t("desk-editor-title")),
        id,
        a,
        categories: category_options(t),
        audiences: super::options(
            t,
            ArticleAudience::ALL,
            ArticleAudience::as_str,
            "desk-audience",
        ),
        error,
    })
}

async fn new_article(State(state): State<AppState>, ctx: Ctx) -> AppResult<Html<String>> {
    editor(
        &state,
        &ctx,
        None,
        ArticleInput {
            audience: "agents".into(),
            category: "other".into(),
            ..Default::default()
        },
        None,
    )
}

async fn edit_article(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    let p = ctx.require()?;
    let a = kb::get(&services(&state), Some(p), id).await?;
    let input = ArticleInput {
        title: a.title,
        body: a.body,
        category: a.category.as_str().into(),
        audience: a.audience.as_str().into(),
        status: a.status.as_str().into(),
        review_on: a.review_on,
    };
    editor(&state, &ctx, Some(id), input, None)
}

async fn save_article(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    f: ArticleInput,
) -> AppResult<Response> {
    let p = ctx.require()?;
    let desk = services(state);
    let result = match id {
        None => kb::create(&desk, p, f.clone(), None).await,
        Some(id) => kb::update(&desk, p, id, f.clone()).await.map(|_| id),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/desk/kb/{id}")).into_response()),
        Err(Error::Invalid { msg, .. }) => {
            let page = editor(state, ctx, id, f, Some(T(ctx.lang).msg(&msg)))?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn create_article(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<ArticleInput>,
) -> AppResult<Response> {
    save_article(&state, &ctx, None, f).await
}

async fn update_article(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ArticleInput>,
) -> AppResult<Response> {
    save_article(&state, &ctx, Some(id), f).await
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/desk/queue", get(queue))
        .route("/desk/breaches", get(breaches))
        .route("/desk/held", get(held))
        .route("/desk/held/{id}", post(release))
        .route("/desk/tickets/{id}/update", post(update))
        .route("/desk/tickets/{id}/merge", post(merge))
        .route("/desk/tickets/{id}/known-issue", post(attach_issue))
        .route("/desk/tickets/{id}/remote", post(remote))
        .route("/desk/tickets/{id}/visit", post(visit))
        .route("/desk/tickets/{id}/article", post(draft_article))
        .route("/desk/hotline", get(hotline_page))
        .route("/desk/hotline/calls", post(log_call))
        .route("/desk/hotline/calls/{id}/done", post(callback_done))
        .route("/desk/known-issues", get(known_page).post(publish))
        .route("/desk/known-issues/{id}/resolve", post(resolve))
        .route("/desk/week", get(week))
        .route("/desk/dashboard", get(dashboard_page))
        .route("/desk/dashboard.csv", get(export_csv))
        .route("/desk/dashboard.xlsx", get(export_xlsx))
        .route("/desk/kb/new", get(new_article))
        .route("/desk/kb/articles", post(create_article))
        .route("/desk/kb/{id}/edit", get(edit_article).post(update_article))
}
