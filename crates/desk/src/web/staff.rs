//! IT staff's pages: the queue (filters, SLA time left, breaches), working a
//! ticket (priority, category, assignment, merge, known issue, remote
//! sessions and visits, article drafts), mail held for review, and the
//! article editor. The hotline and known issues are in `hotline_pages`, the
//! week view and the dashboard in `reports`.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use relais_core::{Error, PageRequest};
use relais_web::layout::render;
use relais_web::{AppResult, AppState, CsrfForm, Ctx, PageCtx, T};
use serde::Deserialize;

use super::pages::{Line, answer, line};
use super::{category_options, services, status_options};
use crate::access::DeskStaff;
use crate::interventions::{self, NewRemoteSession, NewVisit};
use crate::kb::{self, ArticleInput};
use crate::known_issues;
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
                .map_err(|_| Error::invalid("assignee_id", "desk-error-assignee"))?,
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
        Err(_) => Err(Error::invalid("into", "desk-error-merge-unknown")),
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
        Err(_) => Err(Error::invalid("known_issue_id", "desk-error-known-issue")),
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

#[derive(Deserialize)]
struct DoneForm {
    done: String,
}

async fn record_visit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, visit)): Path<(i64, i64)>,
    CsrfForm(f): CsrfForm<DoneForm>,
) -> AppResult<Response> {
    let p = ctx.require()?;
    let result = interventions::record_visit(&services(&state), p, id, visit, &f.done).await;
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
        .route("/desk/tickets/{id}/visits/{visit}", post(record_visit))
        .route("/desk/tickets/{id}/article", post(draft_article))
        .route("/desk/kb/new", get(new_article))
        .route("/desk/kb/articles", post(create_article))
        .route("/desk/kb/{id}/edit", get(edit_article).post(update_article))
}
