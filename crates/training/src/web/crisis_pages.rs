//! The crisis pages of the training office: choose sessions and what to do
//! with each, preview who and what it touches and what it costs, apply, undo
//! while the notices wait; the cost ledger (and its workbook); providers and
//! their contracts; and the page a provider reaches from a link, without an account.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use relais_core::{Error, Timestamp};
use relais_web::layout::render;
use relais_web::{AppResult, AppState, CsrfForm, Ctx, PageCtx, T};

use super::services;
use crate::disruption::{
    self, Action, DisruptionRequest, DisruptionStatus, Preview, SessionChange, euros,
};
use crate::model::Format;
use crate::providers::{self, NewContract, NewProvider, ProviderKind, Purpose, Term};
use crate::sessions::Session;

pub(super) type Fields = HashMap<String, String>;

pub(super) fn field<'a>(f: &'a Fields, k: &str) -> Option<&'a str> {
    f.get(k).map(|v| v.trim()).filter(|v| !v.is_empty())
}

/// The selection part of the form (also the GET query of the first step).
fn selection(f: &Fields) -> DisruptionRequest {
    DisruptionRequest {
        from: field(f, "from").map(str::to_string),
        to: field(f, "to").map(str::to_string),
        delegation: field(f, "delegation").and_then(|v| v.parse().ok()),
        format: field(f, "format").and_then(Format::parse),
        site: field(f, "site").and_then(|v| v.parse().ok()),
        course: field(f, "course").and_then(|v| v.parse().ok()),
        action: field(f, "action")
            .and_then(Action::parse)
            .unwrap_or(Action::Postpone),
        video_link: field(f, "video_link").map(str::to_string),
        ..Default::default()
    }
}

/// The whole request from the second step: the sessions ticked, each with its action.
fn request(f: &Fields, tz: &str) -> DisruptionRequest {
    let mut r = selection(f);
    let mut ids: Vec<i64> = f
        .iter()
        .filter(|(k, v)| k.starts_with("s_") && v.as_str() == "1")
        .filter_map(|(k, _)| k[2..].parse().ok())
        .collect();
    ids.sort_unstable();
    // The ticked sessions only, whatever the filters matched.
    r.from = None;
    r.to = None;
    r.delegation = None;
    r.format = None;
    r.site = None;
    r.course = None;
    r.changes = ids
        .iter()
        .map(|id| SessionChange {
            session: *id,
            action: field(f, &format!("a_{id}")).and_then(Action::parse),
            video_link: field(f, &format!("l_{id}")).map(str::to_string),
            starts_at: field(f, &format!("d_{id}")).map(|v| {
                parse_local_input(v, tz)
                    .map(|t| t.rfc3339())
                    .unwrap_or_else(|| v.to_string())
            }),
            ends_at: None,
        })
        .collect();
    r.sessions = ids;
    r
}

/// The form's fields to carry from the preview to the apply step.
fn hidden(f: &Fields) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = f
        .iter()
        .filter(|(k, _)| k.as_str() != "_csrf")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    v.sort();
    v
}

struct Row {
    id: i64,
    title: String,
    when: String,
    place: String,
    registrants: i64,
    action: &'static str,
    link: String,
    new_start: String,
}

#[derive(askama::Template)]
#[template(path = "disrupt.html")]
struct DisruptPage {
    page: PageCtx,
    from: String,
    to: String,
    delegation: Option<i64>,
    delegations: Vec<relais_directory::org::Delegation>,
    format: String,
    formats: Vec<(&'static str, String)>,
    action: &'static str,
    actions: Vec<(&'static str, String)>,
    video_link: String,
    rows: Vec<Row>,
    searched: bool,
    error: Option<String>,
    recent: Vec<(i64, String, String, String, i64)>,
}

impl DisruptPage {
    fn is_selected(&self, id: &relais_core::DelegationId) -> bool {
        self.delegation == Some(id.0)
    }
    fn is_format(&self, code: &str) -> bool {
        self.format == code
    }
}

use super::{local_input, officer, parse_local_input};

fn actions(t: &T) -> Vec<(&'static str, String)> {
    Action::ALL
        .iter()
        .map(|a| {
            (
                a.as_str(),
                t.t(&format!("disruption-action-{}", a.as_str())),
            )
        })
        .collect()
}

fn status_text(t: &T, s: DisruptionStatus) -> String {
    t.t(match s {
        DisruptionStatus::Applied => "disruption-status-applied",
        DisruptionStatus::Sent => "disruption-status-sent",
        DisruptionStatus::Undone => "disruption-status-undone",
    })
}

async fn disrupt_page(
    state: &AppState,
    ctx: &Ctx,
    f: &Fields,
    error: Option<String>,
) -> AppResult<DisruptPage> {
    let (office, _) = officer(ctx)?;
    let t = T(ctx.lang);
    let tz = &state.config.time_zone;
    let sel = selection(f);
    let searched =
        sel.from.is_some() || sel.to.is_some() || sel.delegation.is_some() || sel.format.is_some();
    let mut rows = Vec::new();
    if searched {
        match disruption::selected(&services(state), &office, &sel).await {
            Ok(found) => {
                rows = found
                    .iter()
                    .map(|s: &Session| Row {
                        id: s.id,
                        title: s.course_title.clone(),
                        when: s.starts.local(tz),
                        place: s
                            .site
                            .clone()
                            .or_else(|| s.venue_address.clone())
                            .unwrap_or_else(|| t.t(&format!("format-{}", s.format.as_str()))),
                        registrants: s.confirmed + s.offered + s.waitlisted + s.pending,
                        action: field(f, &format!("a_{}", s.id))
                            .and_then(Action::parse)
                            .unwrap_or(sel.action)
                            .as_str(),
                        link: field(f, &format!("l_{}", s.id)).unwrap_or("").to_string(),
                        new_start: field(f, &format!("d_{}", s.id))
                            .map(str::to_string)
                            .unwrap_or_else(|| local_input(s.starts, tz)),
                    })
                    .collect();
            }
            Err(Error::Invalid { msg, .. }) if error.is_none() => {
                return Box::pin(disrupt_page(state, ctx, &Fields::new(), Some(t.msg(&msg)))).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
    let recent = disruption::recent(&state.db, &office, 10)
        .await?
        .into_iter()
        .map(|(id, st, at, cost, n)| (id, status_text(&t, st), at.local(tz), euros(cost), n))
        .collect();
    Ok(DisruptPage {
        page: PageCtx::new(state, ctx, t.t("disrupt-title")),
        from: sel.from.clone().unwrap_or_default(),
        to: sel.to.clone().unwrap_or_default(),
        delegation: sel.delegation,
        delegations: relais_directory::org::delegations(&state.db).await?,
        format: sel
            .format
            .map(|f| f.as_str().to_string())
            .unwrap_or_default(),
        formats: Format::ALL
            .iter()
            .filter(|f| f.has_sessions())
            .map(|f| (f.as_str(), t.t(&format!("format-{}", f.as_str()))))
            .collect(),
        action: sel.action.as_str(),
        actions: actions(&t),
        video_link: sel.video_link.clone().unwrap_or_default(),
        rows,
        searched,
        error,
        recent,
    })
}

async fn disrupt(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<Fields>,
) -> AppResult<Html<String>> {
    render(&disrupt_page(&state, &ctx, &f, None).await?)
}

struct ProviderLine {
    name: String,
    kind: String,
    lines: Vec<(String, String, String, String)>,
    owed: String,
}

#[derive(askama::Template)]
#[template(path = "disrupt_preview.html")]
struct PreviewPage {
    page: PageCtx,
    hidden: Vec<(String, String)>,
    sessions: Vec<(i64, String, String, String, i64)>,
    people: Vec<(String, String, String)>,
    more_people: i64,
    people_count: i64,
    notices: i64,
    providers: Vec<ProviderLine>,
    cost: String,
    undo_minutes: i64,
}

fn preview_page(state: &AppState, ctx: &Ctx, f: &Fields, p: Preview) -> PreviewPage {
    let t = T(ctx.lang);
    let tz = &state.config.time_zone;
    let titles: HashMap<i64, String> = p
        .sessions
        .iter()
        .map(|s| (s.id, s.course_title.clone()))
        .collect();
    const SHOWN: usize = 200;
    PreviewPage {
        page: PageCtx::new(state, ctx, t.t("disrupt-preview-title")),
        hidden: hidden(f),
        sessions: p
            .sessions
            .iter()
            .map(|s| {
                let what = match (&s.new_starts_at, &s.video_link) {
                    (Some(n), _) => n
                        .parse::<jiff::Timestamp>()
                        .map(|x| format!(" → {}", Timestamp::from_jiff(x).local(tz)))
                        .unwrap_or_default(),
                    (None, Some(l)) => format!(" → {l}"),
                    _ => String::new(),
                };
                (
                    s.id,
                    s.course_title.clone(),
                    s.starts.local(tz),
                    format!(
                        "{}{what}",
                        t.t(&format!("disruption-action-{}", s.action.as_str()))
                    ),
                    s.registrants,
                )
            })
            .collect(),
        people: p
            .people
            .iter()
            .take(SHOWN)
            .map(|x| {
                (
                    x.name.clone(),
                    titles.get(&x.session_id).cloned().unwrap_or_default(),
                    t.t(&format!("registration-status-{}", x.status.as_str())),
                )
            })
            .collect(),
        more_people: (p.people.len().saturating_sub(SHOWN)) as i64,
        people_count: p.people_count,
        notices: p.notices,
        providers: p
            .providers
            .iter()
            .map(|pr| ProviderLine {
                name: pr.name.clone(),
                kind: t.t(&format!("provider-kind-{}", pr.kind.as_str())),
                lines: pr
                    .lines
                    .iter()
                    .map(|l| {
                        (
                            l.label.clone(),
                            titles.get(&l.session_id).cloned().unwrap_or_default(),
                            if l.released {
                                t.ta(
                                    "ledger-released",
                                    &[
                                        ("days", l.days_before.to_string()),
                                        ("percent", l.percent.to_string()),
                                    ],
                                )
                            } else {
                                t.t("ledger-kept")
                            },
                            euros(l.cost_cents),
                        )
                    })
                    .collect(),
                owed: euros(pr.owed_cents),
            })
            .collect(),
        cost: euros(p.cost_cents),
        undo_minutes: state.config.undo_secs / 60,
    }
}

async fn preview_form(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<Fields>,
) -> AppResult<Response> {
    let (office, _) = officer(&ctx)?;
    let r = request(&f, &state.config.time_zone);
    match disruption::preview(&services(&state), &office, &r).await {
        Ok(p) => Ok(render(&preview_page(&state, &ctx, &f, p))?.into_response()),
        Err(Error::Invalid { msg, .. }) => {
            let t = T(ctx.lang);
            let page = disrupt_page(&state, &ctx, &f, Some(t.msg(&msg))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn apply_form(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<Fields>,
) -> AppResult<Response> {
    let (office, actor) = officer(&ctx)?;
    let r = request(&f, &state.config.time_zone);
    match disruption::apply(&services(&state), actor, &office, &r).await {
        Ok((id, _)) => Ok(
            Redirect::to(&format!("/training/office/disruptions/{id}?done=applied"))
                .into_response(),
        ),
        Err(Error::Invalid { msg, .. }) => {
            let t = T(ctx.lang);
            let page = disrupt_page(&state, &ctx, &f, Some(t.msg(&msg))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(askama::Template)]
#[template(path = "disruption.html")]
struct DisruptionPage {
    page: PageCtx,
    id: i64,
    status: String,
    undoable: bool,
    send_at: String,
    cost: String,
    items: Vec<(i64, String, String)>,
    message: Option<String>,
    error: bool,
}

async fn disruption_view(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    message: Option<String>,
    error: bool,
) -> AppResult<DisruptionPage> {
    let (office, _) = officer(ctx)?;
    let t = T(ctx.lang);
    let d = disruption::get_for(&state.db, &office, id).await?;
    Ok(DisruptionPage {
        page: PageCtx::new(
            state,
            ctx,
            t.ta("disruption-title", &[("id", id.to_string())]),
        ),
        id,
        status: status_text(&t, d.status),
        undoable: d.status == DisruptionStatus::Applied,
        send_at: d.send.local(&state.config.time_zone),
        cost: euros(d.cost_cents),
        items: d
            .items
            .iter()
            .map(|i| {
                (
                    i.session_id,
                    i.course_title.clone(),
                    t.t(&format!("disruption-was-{}", i.action.as_str())),
                )
            })
            .collect(),
        message,
        error,
    })
}

#[derive(serde::Deserialize)]
struct Done {
    done: Option<String>,
}

async fn disruption_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(d): Query<Done>,
) -> AppResult<Html<String>> {
    let t = T(ctx.lang);
    let message = match d.done.as_deref() {
        Some("applied") => Some(t.t("disruption-done-applied")),
        Some("undone") => Some(t.t("disruption-done-undone")),
        _ => None,
    };
    render(&disruption_view(&state, &ctx, id, message, false).await?)
}

async fn undo_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<relais_web::form::NoFields>,
) -> AppResult<Response> {
    let (office, actor) = officer(&ctx)?;
    match disruption::undo(&services(&state), actor, &office, id).await {
        Ok(()) => Ok(
            Redirect::to(&format!("/training/office/disruptions/{id}?done=undone")).into_response(),
        ),
        Err(Error::Conflict { msg, .. }) => {
            let t = T(ctx.lang);
            let page = disruption_view(&state, &ctx, id, Some(t.msg(&msg)), true).await?;
            Ok((StatusCode::CONFLICT, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(askama::Template)]
#[template(path = "ledger.html")]
struct LedgerPage {
    page: PageCtx,
    lines: Vec<[String; 7]>,
    by_provider: Vec<(String, String)>,
    by_budget: Vec<(String, String)>,
    total: String,
}

async fn ledger(State(state): State<AppState>, ctx: Ctx) -> AppResult<Html<String>> {
    let (office, _) = officer(&ctx)?;
    let t = T(ctx.lang);
    let tz = &state.config.time_zone;
    let lines = disruption::ledger(&state.db, &office).await?;
    let when = |s: &str| {
        s.parse::<jiff::Timestamp>()
            .map(|x| Timestamp::from_jiff(x).local(tz))
            .unwrap_or_default()
    };
    render(&LedgerPage {
        page: PageCtx::new(&state, &ctx, t.t("ledger-title")),
        by_provider: disruption::totals(&lines, |l| l.provider.as_str())
            .into_iter()
            .map(|(k, v)| (k.to_string(), euros(v)))
            .collect(),
        by_budget: disruption::totals(&lines, |l| l.budget_line.as_str())
            .into_iter()
            .map(|(k, v)| (k.to_string(), euros(v)))
            .collect(),
        total: euros(lines.iter().map(|l| l.cost_cents).sum()),
        lines: lines
            .iter()
            .map(|l| {
                [
                    l.provider.clone(),
                    l.contract.clone(),
                    l.budget_line.clone(),
                    format!("{} — {}", l.course_title, when(&l.session_starts_at)),
                    t.t(&format!("disruption-was-{}", l.action.as_str())),
                    t.ta(
                        "ledger-released",
                        &[
                            ("days", l.days_before.to_string()),
                            ("percent", l.percent.to_string()),
                        ],
                    ),
                    euros(l.cost_cents),
                ]
            })
            .collect(),
    })
}

async fn ledger_xlsx(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let (office, _) = officer(&ctx)?;
    let lines = disruption::ledger(&state.db, &office).await?;
    let bytes = disruption::ledger_xlsx(&lines, ctx.lang, &state.config.time_zone)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"couts-annulation.xlsx\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(askama::Template)]
#[template(path = "providers.html")]
struct ProvidersPage {
    page: PageCtx,
    providers: Vec<(i64, String, String, String)>,
    kinds: Vec<(&'static str, String)>,
    delegations: Vec<relais_directory::org::Delegation>,
    error: Option<String>,
}

async fn providers_view(
    state: &AppState,
    ctx: &Ctx,
    error: Option<String>,
) -> AppResult<ProvidersPage> {
    officer(ctx)?;
    let t = T(ctx.lang);
    Ok(ProvidersPage {
        page: PageCtx::new(state, ctx, t.t("providers-title")),
        providers: providers::list(&state.db)
            .await?
            .into_iter()
            .map(|p| {
                (
                    p.id,
                    p.name,
                    t.t(&format!("provider-kind-{}", p.kind.as_str())),
                    p.email,
                )
            })
            .collect(),
        kinds: ProviderKind::ALL
            .iter()
            .map(|k| (k.as_str(), t.t(&format!("provider-kind-{}", k.as_str()))))
            .collect(),
        delegations: relais_directory::org::delegations(&state.db).await?,
        error,
    })
}

async fn providers_page(State(state): State<AppState>, ctx: Ctx) -> AppResult<Html<String>> {
    render(&providers_view(&state, &ctx, None).await?)
}

async fn create_provider(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<Fields>,
) -> AppResult<Response> {
    let (office, actor) = officer(&ctx)?;
    let Some(kind) = field(&f, "kind").and_then(ProviderKind::parse) else {
        let page = providers_view(&state, &ctx, Some(T(ctx.lang).t("provider-error-kind"))).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let p = NewProvider {
        kind,
        name: f.get("name").cloned().unwrap_or_default(),
        contact_name: field(&f, "contact_name").map(str::to_string),
        email: f.get("email").cloned().unwrap_or_default(),
        phone: field(&f, "phone").map(str::to_string),
        language: field(&f, "language").map(str::to_string),
        delegation_id: field(&f, "delegation").and_then(|v| v.parse().ok()),
        seats: match field(&f, "seats") {
            None => None,
            Some(v) => match v.parse() {
                Ok(n) => Some(n),
                Err(_) => {
                    let page =
                        providers_view(&state, &ctx, Some(T(ctx.lang).t("provider-error-seats")))
                            .await?;
                    return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
                }
            },
        },
    };
    match providers::create(&state.db, state.clock.now(), actor, &office, p).await {
        Ok(id) => Ok(Redirect::to(&format!("/training/office/providers/{id}")).into_response()),
        Err(Error::Invalid { msg, .. }) => {
            let page = providers_view(&state, &ctx, Some(T(ctx.lang).msg(&msg))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(askama::Template)]
#[template(path = "provider.html")]
struct ProviderPage {
    page: PageCtx,
    id: i64,
    name: String,
    kind: String,
    email: String,
    contracts: Vec<(String, String, String, String, String)>,
    availability: Vec<(String, bool)>,
    /// Dates the provider proposed: course, session, proposed start.
    proposed: Vec<(String, i64, String)>,
    error: Option<String>,
}

async fn provider_view(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    error: Option<String>,
) -> AppResult<ProviderPage> {
    officer(ctx)?;
    let t = T(ctx.lang);
    let p = providers::get(&state.db, id).await?;
    Ok(ProviderPage {
        page: PageCtx::new(state, ctx, p.name.clone()),
        id,
        kind: t.t(&format!("provider-kind-{}", p.kind.as_str())),
        email: p.email.clone(),
        name: p.name,
        contracts: providers::contracts_of(&state.db, id)
            .await?
            .into_iter()
            .map(|c| {
                (
                    c.label.clone(),
                    euros(c.amount_cents),
                    c.budget_line.clone(),
                    c.terms.describe(&t),
                    c.sessions
                        .iter()
                        .map(|s| format!("#{s}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            })
            .collect(),
        availability: providers::availability_of(&state.db, id).await?,
        proposed: providers::proposals_of(&state.db, id)
            .await?
            .into_iter()
            .map(|(s, c, t)| (c, s, t.local(&state.config.time_zone)))
            .collect(),
        error,
    })
}

async fn provider_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    render(&provider_view(&state, &ctx, id, None).await?)
}

/// "30:0, 7:50": free until 30 days before, half until 7 days before.
fn parse_terms(s: &str) -> Option<Vec<Term>> {
    s.split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (d, pc) = p.split_once(':')?;
            Some(Term {
                until_days_before: d.trim().parse().ok()?,
                percent: pc.trim().trim_end_matches('%').trim().parse().ok()?,
            })
        })
        .collect()
}

/// "1 250,50" or "1250.5" euros, in cents.
fn parse_euros(s: &str) -> Option<i64> {
    let clean: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '€' && *c != '\u{a0}' && *c != '\u{202f}')
        .collect();
    let clean = clean.replace(',', ".");
    let (whole, frac) = clean.split_once('.').unwrap_or((&clean, ""));
    if frac.len() > 2 || whole.is_empty() && frac.is_empty() {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().ok()?
    };
    whole.checked_mul(100)?.checked_add(frac)
}

async fn add_contract(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<Fields>,
) -> AppResult<Response> {
    let (office, actor) = officer(&ctx)?;
    let t = T(ctx.lang);
    let fail = |key: &str| Some(t.t(key));
    let amount = field(&f, "amount").and_then(parse_euros);
    let terms = parse_terms(f.get("terms").map(String::as_str).unwrap_or(""));
    let sessions: Option<Vec<i64>> = f
        .get("sessions")
        .map(String::as_str)
        .unwrap_or("")
        .split([',', ' ', ';'])
        .map(|s| s.trim().trim_start_matches('#'))
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().ok())
        .collect();
    let error = match (amount, terms, sessions) {
        (None, ..) => fail("provider-error-amount"),
        (_, None, _) => fail("provider-error-terms-format"),
        (_, _, None) => fail("provider-error-sessions"),
        (Some(amount_cents), Some(terms), Some(sessions)) => {
            let c = NewContract {
                label: f.get("label").cloned().unwrap_or_default(),
                amount_cents,
                budget_line: f.get("budget_line").cloned().unwrap_or_default(),
                terms,
                sessions,
            };
            match providers::add_contract(&state.db, state.clock.now(), actor, &office, id, c).await
            {
                Ok(_) => {
                    return Ok(
                        Redirect::to(&format!("/training/office/providers/{id}")).into_response()
                    );
                }
                Err(Error::Invalid { msg, .. }) => Some(t.msg(&msg)),
                Err(e) => return Err(e.into()),
            }
        }
    };
    let page = provider_view(&state, &ctx, id, error).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

#[derive(askama::Template)]
#[template(path = "provider_link.html")]
struct LinkPage {
    page: PageCtx,
    token: String,
    name: String,
    acknowledge: bool,
    months: Vec<String>,
    sessions: Vec<(i64, String, String)>,
    message: Option<String>,
    error: bool,
}

impl LinkPage {
    /// A page that only says something (thanks, or why the link cannot serve), without a form.
    fn said(state: &AppState, ctx: &Ctx, name: String, message: String, error: bool) -> LinkPage {
        LinkPage {
            page: PageCtx::new(state, ctx, T(ctx.lang).t("provider-link-title")),
            token: String::new(),
            name,
            acknowledge: false,
            months: Vec::new(),
            sessions: Vec::new(),
            message: Some(message),
            error,
        }
    }
}

async fn link_view(
    state: &AppState,
    ctx: &Ctx,
    token: &str,
) -> AppResult<Result<LinkPage, LinkPage>> {
    let t = T(ctx.lang);
    let now = state.clock.now();
    let blank = |message: String| LinkPage::said(state, ctx, String::new(), message, true);
    let link = match providers::open_link(&state.db, now, token).await {
        Ok(l) => l,
        Err(Error::Conflict { msg, .. }) => return Ok(Err(blank(t.msg(&msg)))),
        Err(Error::NotFound) => return Ok(Err(blank(t.t("provider-error-link-unknown")))),
        Err(e) => return Err(e.into()),
    };
    let tz = &state.config.time_zone;
    let mine = {
        let mut conn = state.db.pool().acquire().await.map_err(Error::internal)?;
        providers::link_sessions(&mut conn, &link).await?
    };
    let sessions: Vec<disruption::DisruptionItem> = match link.disruption {
        Some(d) => disruption::get(&state.db, d)
            .await?
            .items
            .into_iter()
            .filter(|i| mine.contains(&i.session_id))
            .collect(),
        None => Vec::new(),
    };
    let starts = crate::sessions::get_many(
        &state.db,
        state.clock.as_ref(),
        &sessions.iter().map(|i| i.session_id).collect::<Vec<_>>(),
    )
    .await?;
    let months = super::plan_pages::next_months(now, tz);
    Ok(Ok(LinkPage {
        page: PageCtx::new(state, ctx, t.t("provider-link-title")),
        token: token.to_string(),
        name: link.provider.name.clone(),
        acknowledge: link.purpose == Purpose::Acknowledge,
        months,
        sessions: sessions
            .iter()
            .map(|i| {
                (
                    i.session_id,
                    i.course_title.clone(),
                    starts
                        .get(&i.session_id)
                        .map(|s| s.starts.local(tz))
                        .unwrap_or_default(),
                )
            })
            .collect(),
        message: None,
        error: false,
    }))
}

async fn link_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> AppResult<Response> {
    Ok(match link_view(&state, &ctx, &token).await? {
        Ok(p) => render(&p)?.into_response(),
        Err(p) => (StatusCode::GONE, render(&p)?).into_response(),
    })
}

async fn link_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    CsrfForm(f): CsrfForm<Fields>,
) -> AppResult<Response> {
    let t = T(ctx.lang);
    let now = state.clock.now();
    let tz = &state.config.time_zone;
    let result = if f.contains_key("acknowledge") {
        providers::acknowledge(&state.db, now, &token).await
    } else {
        let months = f
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("m_")?.to_string(), v == "yes")))
            .filter(|(k, _)| {
                f.get(&format!("m_{k}"))
                    .is_some_and(|v| v == "yes" || v == "no")
            })
            .collect();
        let proposals: Result<Vec<(i64, Timestamp)>, Error> = f
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .filter_map(|(k, v)| Some((k.strip_prefix("p_")?.parse::<i64>().ok()?, v)))
            .map(|(s, v)| {
                let at = parse_local_input(v, tz)
                    .ok_or_else(|| Error::invalid("starts_at", "training-error-time"))?;
                Ok((s, at))
            })
            .collect();
        match proposals {
            Ok(proposals) => {
                providers::state_availability(
                    &state.db,
                    now,
                    &token,
                    providers::Availability { months, proposals },
                )
                .await
            }
            Err(e) => Err(e),
        }
    };
    match result {
        Ok(link) => {
            let page = LinkPage::said(
                &state,
                &ctx,
                link.provider.name,
                t.t("provider-link-thanks"),
                false,
            );
            Ok(render(&page)?.into_response())
        }
        Err(Error::Invalid { msg, .. }) => {
            let mut page = match link_view(&state, &ctx, &token).await? {
                Ok(p) | Err(p) => p,
            };
            page.message = Some(t.msg(&msg));
            page.error = true;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(Error::Conflict { msg, .. }) => {
            let page = LinkPage::said(&state, &ctx, String::new(), t.msg(&msg), true);
            Ok((StatusCode::GONE, render(&page)?).into_response())
        }
        Err(Error::NotFound) => Err(Error::NotFound.into()),
        Err(e) => Err(e.into()),
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/training/office/disruptions",
            get(disrupt).post(apply_form),
        )
        .route("/training/office/disruptions/preview", post(preview_form))
        .route("/training/office/disruptions/{id}", get(disruption_page))
        .route("/training/office/disruptions/{id}/undo", post(undo_form))
        .route("/training/office/ledger", get(ledger))
        .route("/training/office/ledger.xlsx", get(ledger_xlsx))
        .route(
            "/training/office/providers",
            get(providers_page).post(create_provider),
        )
        .route("/training/office/providers/{id}", get(provider_page))
        .route(
            "/training/office/providers/{id}/contracts",
            post(add_contract),
        )
        .route(
            "/training/providers/links/{token}",
            get(link_page).post(link_form),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euros_and_terms_are_read_as_people_type_them() {
        assert_eq!(parse_euros("1 250,50 €"), Some(125_050));
        assert_eq!(parse_euros("1250.5"), Some(125_050));
        assert_eq!(parse_euros("80"), Some(8_000));
        assert_eq!(parse_euros("12,345"), None);
        assert_eq!(parse_euros("abc"), None);
        let t = parse_terms("30:0, 7:50 %").unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t[1].percent, 50);
        assert!(parse_terms("30-0").is_none());
    }
}
