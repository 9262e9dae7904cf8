//! The pages every agent uses: the request form (with the knowledge base's
//! suggestions and the known issues, with or without JavaScript), "my
//! requests", the ticket page, attachments, and the knowledge base.

use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use relais_core::values::Email;
use relais_core::{Error, PageRequest};
use relais_web::layout::render;
use relais_web::{AppResult, AppState, CsrfForm, Ctx, PageCtx, T};
use serde::Deserialize;

use super::{category_options, forms, local, services, status_options, time_left, urgency_options};
use crate::access::{self, DeskStaff, TicketAccess};
use crate::interventions::{self, Intervention};
use crate::kb::{self, Article, Hit};
use crate::known_issues::{self, KnownIssue};
use crate::model::{Channel, MessageKind, Status};
use crate::thread::{self, NewReply};
use crate::tickets::{self, NewTicket, Ticket, TicketFilter, TicketLine};

#[derive(Deserialize, Default)]
struct NewQuery {
    q: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "new.html")]
struct NewPage {
    page: PageCtx,
    issues: Vec<KnownIssue>,
    hits: Vec<Hit>,
    matching: Vec<KnownIssue>,
    searched: bool,
    subject: String,
    description: String,
    category: String,
    urgency: String,
    categories: Vec<(&'static str, String)>,
    urgencies: Vec<(&'static str, String)>,
    error: Option<String>,
    /// IT correspondents and IT staff may open a request for someone else.
    for_others: bool,
    for_email: String,
}

impl NewPage {
    fn is_category(&self, c: &str) -> bool {
        self.category == c
    }
    fn is_urgency(&self, u: &str) -> bool {
        self.urgency == u || (self.urgency.is_empty() && u == "normal")
    }
}

/// The request form. `?q=` (the "search the knowledge base" button, when
/// scripts are off) shows the suggestions on the server.
async fn new_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NewQuery>,
) -> AppResult<Html<String>> {
    let text = q.q.unwrap_or_default();
    new_view(
        &state,
        &ctx,
        text.clone(),
        text,
        String::new(),
        String::new(),
        String::new(),
        None,
        true,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn new_view(
    state: &AppState,
    ctx: &Ctx,
    subject: String,
    description: String,
    category: String,
    urgency: String,
    for_email: String,
    error: Option<String>,
    search_now: bool,
) -> AppResult<Html<String>> {
    let p = ctx.require()?;
    let t = T(ctx.lang);
    let text = format!("{subject} {description}");
    let searched = search_now && !text.trim().is_empty();
    let (hits, matching) = if searched {
        (
            kb::search(&state.db, Some(p), &text, 5).await?,
            known_issues::matching_text(&state.db, &text).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    render(&NewPage {
        page: PageCtx::new(state, ctx, t.t("desk-new-title")),
        issues: known_issues::active(&state.db).await?,
        hits,
        matching,
        searched,
        subject,
        description,
        category,
        urgency,
        categories: category_options(t),
        urgencies: urgency_options(t),
        error,
        for_others: access::opens_for_others(p),
        for_email,
    })
}

#[derive(askama::Template)]
#[template(path = "suggest.html")]
struct SuggestFragment {
    page_tr: T,
    hits: Vec<Hit>,
    matching: Vec<KnownIssue>,
}

impl SuggestFragment {
    fn tr(&self, k: &str) -> String {
        self.page_tr.t(k)
    }
}

/// Suggestions as an HTML fragment, for the form's script while people type.
async fn suggest(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    let p = ctx.require()?;
    let text: String = q.q.unwrap_or_default().chars().take(500).collect();
    let hits = kb::search(&state.db, Some(p), &text, 5).await?;
    let matching = known_issues::matching_text(&state.db, &text).await?;
    let html = render(&SuggestFragment {
        page_tr: T(ctx.lang),
        hits,
        matching,
    })?;
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response())
}

async fn create(State(state): State<AppState>, ctx: Ctx, m: Multipart) -> AppResult<Response> {
    let p = ctx.require()?;
    let f = forms::read(&ctx, m).await?;
    if f.fields.contains_key("search") {
        // The no-script "search the knowledge base" button.
        let page = new_view(
            &state,
            &ctx,
            f.get("subject"),
            f.get("description"),
            f.get("category"),
            f.get("urgency"),
            f.get("for_email"),
            None,
            true,
        )
        .await?;
        return Ok(page.into_response());
    }
    let created = async {
        // For someone else: the person of the directory with that address.
        let for_others = access::opens_for_others(p);
        let requester_person_id = match f.opt("for_email").filter(|_| for_others) {
            None => None,
            Some(e) => {
                let email = Email::parse(e.trim())
                    .map_err(|_| Error::invalid("for_email", "desk-error-unknown-person"))?;
                let id = relais_directory::accounts::person_by_email(&state.db, &email)
                    .await?
                    .ok_or_else(|| Error::invalid("for_email", "desk-error-unknown-person"))?;
                Some(id.0).filter(|id| *id != p.person_id.0)
            }
        };
        let nt = NewTicket {
            subject: f.get("subject"),
            description: f.get("description"),
            category: f.opt("category"),
            urgency: f.opt("urgency"),
            requester_person_id,
            equipment: f.opt("equipment"),
        };
        match tickets::create(&services(&state), p, nt, f.files.clone(), Channel::Web).await {
            Err(Error::Forbidden) if requester_person_id.is_some() => {
                Err(Error::invalid("for_email", "desk-error-not-yours"))
            }
            other => other,
        }
    }
    .await;
    match created {
        Ok(id) => Ok(Redirect::to(&format!("/desk/tickets/{id}?done=opened")).into_response()),
        Err(Error::Invalid { msg, .. }) => {
            let t = T(ctx.lang);
            let page = new_view(
                &state,
                &ctx,
                f.get("subject"),
                f.get("description"),
                f.get("category"),
                f.get("urgency"),
                f.get("for_email"),
                Some(t.msg(&msg)),
                false,
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) struct Line {
    pub id: i64,
    pub subject: String,
    pub category: String,
    pub status: String,
    pub priority: String,
    pub requester: String,
    pub assignee: String,
    pub unit: String,
    pub opened: String,
    pub sla: String,
    pub late: bool,
}

pub(crate) fn line(t: T, tz: &str, l: TicketLine) -> Line {
    // The nearest target still to meet: the first answer, then resolution.
    let left = if l.status.is_open() {
        match (
            l.sla.first_response_minutes_left,
            l.sla.resolution_minutes_left,
        ) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    } else {
        None
    };
    Line {
        id: l.id,
        subject: l.subject,
        category: t.t(&format!("desk-category-{}", l.category.as_str())),
        status: t.t(&format!("desk-status-{}", l.status.as_str())),
        priority: t.t(&format!("desk-priority-{}", l.priority.as_str())),
        requester: l.requester_name,
        assignee: l.assignee_name.unwrap_or_default(),
        unit: l.unit_code.unwrap_or_default(),
        opened: local(&l.created_at, tz),
        sla: time_left(t, left),
        late: left.is_some_and(|m| m < 0),
    }
}

#[derive(askama::Template)]
#[template(path = "my.html")]
struct MyPage {
    page: PageCtx,
    mine: Vec<Line>,
    unit: Option<Vec<Line>>,
}

async fn my_page(State(state): State<AppState>, ctx: Ctx) -> AppResult<Html<String>> {
    let p = ctx.require()?;
    let t = T(ctx.lang);
    let desk = services(&state);
    let tz = &state.config.time_zone;
    let mine = tickets::list(
        &desk,
        p,
        &TicketFilter {
            mine: true,
            ..Default::default()
        },
        PageRequest::new(Some(1), Some(100)),
    )
    .await?;
    let unit = if p.has_role(relais_core::Role::ItCorrespondent) && !DeskStaff::is_staff(p) {
        let all = tickets::list(
            &desk,
            p,
            &TicketFilter::default(),
            PageRequest::new(Some(1), Some(100)),
        )
        .await?;
        Some(all.items.into_iter().map(|l| line(t, tz, l)).collect())
    } else {
        None
    };
    render(&MyPage {
        page: PageCtx::new(&state, &ctx, t.t("desk-my-title")),
        mine: mine.items.into_iter().map(|l| line(t, tz, l)).collect(),
        unit,
    })
}

pub(crate) struct ThreadLine {
    pub kind: &'static str,
    pub kind_label: String,
    pub author: String,
    pub at: String,
    pub body: String,
    pub held: bool,
}

fn event_text(t: T, body: &str) -> String {
    let (what, arg) = body.split_once(':').unwrap_or((body, ""));
    match what {
        "status" => t.ta(
            "desk-event-status",
            &[("status", t.t(&format!("desk-status-{arg}")))],
        ),
        "assigned" => t.t("desk-event-assigned"),
        "merged-into" => t.ta("desk-event-merged-into", &[("id", arg.to_string())]),
        "merged-from" => t.ta("desk-event-merged-from", &[("id", arg.to_string())]),
        _ => body.to_string(),
    }
}

pub(crate) fn thread_lines(t: T, tz: &str, tk: &Ticket) -> Vec<ThreadLine> {
    tk.messages
        .iter()
        .map(|m| ThreadLine {
            kind: m.kind.as_str(),
            kind_label: t.t(&format!("desk-kind-{}", m.kind.as_str())),
            author: m.author.clone(),
            at: local(&m.at, tz),
            body: if m.kind == MessageKind::Event {
                event_text(t, &m.body)
            } else {
                m.body.clone()
            },
            held: m.held,
        })
        .collect()
}

#[derive(askama::Template)]
#[template(path = "ticket.html")]
struct TicketPage {
    page: PageCtx,
    tk: Ticket,
    category: String,
    status: String,
    priority: String,
    opened: String,
    sla_first: String,
    sla_resolution: String,
    late: bool,
    thread: Vec<ThreadLine>,
    access_it: bool,
    staff: bool,
    requester: bool,
    open: bool,
    message: Option<String>,
    error: bool,
    statuses: Vec<(&'static str, String)>,
    categories: Vec<(&'static str, String)>,
    priorities: Vec<(&'static str, String)>,
    technicians: Vec<(i64, String)>,
    issues: Vec<KnownIssue>,
    interventions: Vec<(Intervention, String, String)>,
}

impl TicketPage {
    fn is_status(&self, s: &str) -> bool {
        self.tk.status.as_str() == s
    }
    fn is_category(&self, s: &str) -> bool {
        self.tk.category.as_str() == s
    }
    fn is_priority(&self, s: &str) -> bool {
        self.tk.priority.as_str() == s
    }
    fn is_assignee(&self, id: &i64) -> bool {
        self.tk.assignee_id == Some(*id)
    }
}

#[derive(Deserialize, Default)]
struct Done {
    done: Option<String>,
}

async fn ticket_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(d): Query<Done>,
) -> AppResult<Html<String>> {
    let t = T(ctx.lang);
    let message = d
        .done
        .as_deref()
        .filter(|k| k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .map(|k| t.t(&format!("desk-done-{k}")));
    ticket_view(&state, &ctx, id, message, false).await
}

pub(crate) async fn ticket_view(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    message: Option<String>,
    error: bool,
) -> AppResult<Html<String>> {
    let p = ctx.require()?;
    let t = T(ctx.lang);
    let desk = services(state);
    let a: TicketAccess = tickets::access(&desk, p, id).await?;
    let tk = tickets::get(&desk, &a).await?;
    let tz = &state.config.time_zone;
    let staff = a.is_staff();
    let technicians = match (staff, DeskStaff::for_principal(p)) {
        (true, Ok(s)) => tickets::technicians(&desk, &s).await?,
        _ => Vec::new(),
    };
    let interventions = if a.acts_for_it() {
        interventions::for_ticket(&desk, id)
            .await?
            .into_iter()
            .map(|i| {
                let at = i.at.local(tz);
                let until = i.until.map(|u| u.local(tz)).unwrap_or_default();
                (i, at, until)
            })
            .collect()
    } else {
        Vec::new()
    };
    render(&TicketPage {
        page: PageCtx::new(state, ctx, format!("#{} {}", tk.id, tk.subject)),
        category: t.t(&format!("desk-category-{}", tk.category.as_str())),
        status: t.t(&format!("desk-status-{}", tk.status.as_str())),
        priority: t.t(&format!("desk-priority-{}", tk.priority.as_str())),
        opened: local(&tk.created_at, tz),
        sla_first: time_left(t, tk.sla.first_response_minutes_left),
        sla_resolution: time_left(t, tk.sla.resolution_minutes_left),
        late: tk.sla.breached,
        thread: thread_lines(t, tz, &tk),
        access_it: a.acts_for_it(),
        staff,
        requester: !a.acts_for_it(),
        open: tk.status != Status::Closed && tk.merged_into.is_none(),
        message,
        error,
        statuses: status_options(t),
        categories: category_options(t),
        priorities: super::priority_options(t),
        technicians,
        issues: if staff {
            known_issues::active(&state.db).await?
        } else {
            Vec::new()
        },
        interventions,
        tk,
    })
}

/// After a form on the ticket page: back to it with what happened, or the
/// page with the error in the person's language.
pub(crate) async fn answer(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    result: relais_core::Result<()>,
    done: &str,
) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/desk/tickets/{id}?done={done}")).into_response()),
        Err(Error::Invalid { msg, .. } | Error::Conflict { msg, .. }) => {
            let page = ticket_view(state, ctx, id, Some(T(ctx.lang).msg(&msg)), true).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn reply(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    m: Multipart,
) -> AppResult<Response> {
    let p = ctx.require()?;
    let f = forms::read(&ctx, m).await?;
    let r = NewReply {
        body: f.get("body"),
        internal: f.fields.contains_key("internal"),
    };
    let internal = r.internal;
    let result = thread::reply(&services(&state), p, id, r, f.files.clone())
        .await
        .map(|_| ());
    answer(
        &state,
        &ctx,
        id,
        result,
        if internal { "noted" } else { "replied" },
    )
    .await
}

#[derive(Deserialize)]
struct StatusForm {
    status: String,
}

async fn set_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<StatusForm>,
) -> AppResult<Response> {
    let p = ctx.require()?;
    let result = match Status::parse(&f.status) {
        Some(s) => thread::set_status(&services(&state), p, id, s).await,
        None => Err(Error::invalid("status", "desk-error-status")),
    };
    answer(&state, &ctx, id, result, "status").await
}

async fn attachment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, att)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let p = ctx.require()?;
    let desk = services(&state);
    let a = tickets::access(&desk, p, id).await?;
    let (name, ct, data) = crate::attachments::read(&state.db, &a, att).await?;
    attachment_response(name, ct, data)
}

pub(crate) fn attachment_response(name: String, ct: String, data: Vec<u8>) -> AppResult<Response> {
    // Always a download, never rendered by the browser in Relais's origin.
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let ct = if ct.parse::<axum::http::HeaderValue>().is_ok() && !ct.contains(['\r', '\n']) {
        ct
    } else {
        "application/octet-stream".into()
    };
    Ok((
        [
            (header::CONTENT_TYPE, ct),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\""),
            ),
            (
                header::HeaderName::from_static("content-security-policy"),
                "sandbox".to_string(),
            ),
        ],
        data,
    )
        .into_response())
}

#[derive(Deserialize, Default)]
struct KbQuery {
    q: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "kb.html")]
struct KbPage {
    page: PageCtx,
    q: String,
    hits: Vec<Hit>,
    latest: Vec<Article>,
    /// For IT staff: articles whose review date has passed.
    due: Vec<(i64, String)>,
    staff: bool,
}

async fn kb_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<KbQuery>,
) -> AppResult<Html<String>> {
    let t = T(ctx.lang);
    let query: String = q.q.unwrap_or_default().chars().take(500).collect();
    let p = ctx.principal.as_ref();
    let hits = kb::search(&state.db, p, &query, 20).await?;
    let staff = p.is_some_and(DeskStaff::is_staff);
    let (latest, due) = match (query.trim().is_empty(), p) {
        (true, Some(p)) if staff => (
            kb::list(&services(&state), Some(p), None, 30).await?,
            kb::due_for_review(&services(&state), p).await?,
        ),
        (true, _) => (kb::list(&services(&state), p, None, 30).await?, Vec::new()),
        (false, _) => (Vec::new(), Vec::new()),
    };
    render(&KbPage {
        page: PageCtx::new(&state, &ctx, t.t("desk-kb-title")),
        q: query,
        hits,
        latest,
        due,
        staff,
    })
}

#[derive(askama::Template)]
#[template(path = "article.html")]
struct ArticlePage {
    page: PageCtx,
    a: Article,
    html: String,
    category: String,
    audience: String,
    staff: bool,
    thanked: bool,
}

async fn article_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(d): Query<Done>,
) -> AppResult<Html<String>> {
    let t = T(ctx.lang);
    let p = ctx.principal.as_ref();
    let a = kb::get(&services(&state), p, id).await?;
    render(&ArticlePage {
        page: PageCtx::new(&state, &ctx, a.title.clone()),
        html: kb::render_markdown(&a.body),
        category: t.t(&format!("desk-category-{}", a.category.as_str())),
        audience: t.t(&format!("desk-audience-{}", a.audience.as_str())),
        staff: p.is_some_and(DeskStaff::is_staff),
        thanked: d.done.is_some(),
        a,
    })
}

async fn helpful(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<relais_web::form::NoFields>,
) -> AppResult<Response> {
    kb::helpful(&services(&state), ctx.principal.as_ref(), id).await?;
    Ok(Redirect::to(&format!("/desk/kb/{id}?done=thanks")).into_response())
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/desk", get(new_page))
        .route("/desk/suggest", get(suggest))
        .route("/desk/tickets", post(create))
        .route("/desk/my", get(my_page))
        .route("/desk/tickets/{id}", get(ticket_page))
        .route("/desk/tickets/{id}/reply", post(reply))
        .route("/desk/tickets/{id}/status", post(set_status))
        .route("/desk/tickets/{id}/attachments/{att}", get(attachment))
        .route("/desk/kb", get(kb_page))
        .route("/desk/kb/{id}", get(article_page))
        .route("/desk/kb/{id}/helpful", post(helpful))
}
