//! The training pages: the catalogue, a course, a session, "my trainings",
//! the office's view, exports and the secret calendar feed.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use relais_core::{Error, Page, PageRequest, PersonId};
use relais_directory::people;
use relais_web::cache::PageCache;
use relais_web::layout::render;
use relais_web::{AppResult, AppState, CsrfForm, Ctx, PageCtx, T};
use serde::Deserialize;
use std::sync::Arc;

use super::{Registrars, registering, services};
use crate::access::TrainingOffice;
use crate::calendar;
use crate::courses::{self, Course, CourseFilter};
use crate::model::{Format, RegistrationStatus};
use crate::registrations::{self, Registration};
use crate::sessions::{self, Session, SessionFilter};

#[derive(Deserialize, Default, Debug)]
struct CatalogueQuery {
    q: Option<String>,
    format: Option<String>,
    theme: Option<String>,
    seats: Option<String>,
    mine: Option<String>,
    delegation: Option<String>,
    /// YYYY-MM-DD, in the institute's time zone.
    from: Option<String>,
    to: Option<String>,
    page: Option<u32>,
}

/// The start of a calendar day in `tz`, from `YYYY-MM-DD`; None if empty or malformed.
fn day_start(day: Option<&str>, tz: &str) -> Option<relais_core::Timestamp> {
    sessions::day_in(day?, tz, false)
}

/// A line of the catalogue: a session with its course, or a self-paced course.
#[derive(Clone)]
struct Line {
    href: String,
    title: String,
    format: String,
    when: String,
    seats: String,
}

#[derive(askama::Template)]
#[template(path = "catalogue.html")]
struct CataloguePage {
    page: PageCtx,
    /// Shown as kept, not copied for each request.
    listing: Arc<Listing>,
}

/// The texts a template asks for with `page.tr(…)`, in one language: for
/// what is made once and shown to many (the catalogue's body).
struct Words(T);

impl Words {
    fn tr(&self, key: &str) -> String {
        self.0.t(key)
    }
}

/// What the catalogue shows under the menu for one query: the search form
/// as the query filled it, and the lines that match. Made (and escaped)
/// once when a listing is read, not for each request that shows it.
#[derive(askama::Template)]
#[template(path = "catalogue_body.html")]
struct CatalogueBody<'a> {
    page: Words,
    q: &'a str,
    format: &'a str,
    seats_only: bool,
    mine_only: bool,
    formats: Vec<(&'static str, String)>,
    theme: &'a str,
    delegation: Option<i64>,
    delegations: &'a [relais_directory::org::Delegation],
    from: &'a str,
    to: &'a str,
    themes: &'a [String],
    sessions: &'a [Line],
    self_paced: &'a [Line],
    prev: Option<String>,
    next: Option<String>,
    summary: String,
}

impl CatalogueBody<'_> {
    fn is_format(&self, code: &str) -> bool {
        self.format == code
    }

    fn is_theme(&self, theme: &str) -> bool {
        self.theme == theme
    }

    fn is_selected(&self, id: &relais_core::DelegationId) -> bool {
        self.delegation == Some(id.0)
    }
}

fn format_label(t: T, f: Format) -> String {
    t.t(&format!("format-{}", f.as_str()))
}

/// How long the catalogue's lines and the course pages are kept between
/// requests at most: changes are seen at once through the audit head (see
/// [`PageCache`]), and what time alone changes (a session ending, its
/// registration opening or closing) when it comes; this bounds the rest.
const KEPT: std::time::Duration = std::time::Duration::from_secs(60);

/// The first instant after `now` at which one of `sessions` opens, closes
/// or ends: what a page of them shows changes then by time alone.
fn turns<'a>(sessions: impl IntoIterator<Item = &'a Session>, now: i64) -> Option<i64> {
    sessions
        .into_iter()
        .flat_map(|s| [s.opens.0, s.closes.0, s.ends.0])
        .filter(|t| *t > now)
        .min()
}

/// The catalogue's lines per language and query, shared by everyone who asks
/// the same (the busiest page during a registration rush).
#[derive(Clone)]
pub(crate) struct Catalogues(Arc<PageCache<Listing>>);

impl Default for Catalogues {
    fn default() -> Self {
        Self(Arc::new(PageCache::lasting(KEPT, |l, _| l.turns)))
    }
}

/// What the catalogue shows for one query in one language, the same for
/// whoever asks (unless they ask for what is open to them).
pub(crate) struct Listing {
    /// The page's body, HTML (see [`CatalogueBody`]).
    body: String,
    /// When time alone changes it (a session leaves the list as it ends).
    turns: Option<i64>,
}

async fn catalogue(
    State(state): State<AppState>,
    Extension(kept): Extension<Catalogues>,
    ctx: Ctx,
    Query(q): Query<CatalogueQuery>,
) -> AppResult<Html<String>> {
    let p = ctx.require()?;
    let t = T(ctx.lang);
    let listing = match q.mine {
        // "Open to me" depends on the person: read for them alone.
        Some(_) => {
            let me = people::brief(&state.db, p.person_id).await?;
            Arc::new(listing(&state, t, &q, Some(&me)).await?)
        }
        None => {
            let key = format!("{:?}|{q:?}", ctx.lang);
            kept.0
                .get(&state.db, ctx.head, state.clock.as_ref(), &key, || {
                    listing(&state, t, &q, None)
                })
                .await?
        }
    };
    render(&CataloguePage {
        page: PageCtx::new(&state, &ctx, t.t("catalogue-title")),
        listing,
    })
}

/// Reads and words the catalogue's lines for a query; `me` keeps only the
/// sessions open to that person.
async fn listing(
    state: &AppState,
    t: T,
    q: &CatalogueQuery,
    me: Option<&relais_directory::people::PersonBrief>,
) -> relais_core::Result<Listing> {
    let tz = &state.config.time_zone;
    let format = q.format.as_deref().and_then(Format::parse);
    let seats_only = q.seats.is_some();
    let now = state.clock.now();
    let delegation = q
        .delegation
        .as_deref()
        .and_then(|d| d.trim().parse::<i64>().ok());
    let from = day_start(q.from.as_deref(), tz).map_or(now, |d| d.max(now));
    let to = day_start(q.to.as_deref(), tz).map(|d| d.plus_secs(86_400));
    let filter = SessionFilter {
        from: Some(from),
        to,
        q: q.q.clone(),
        with_seats_left: seats_only,
        format,
        theme: q.theme.clone(),
        delegation,
        ..Default::default()
    };
    let wanted = PageRequest::new(q.page, Some(100));
    // "Open to me" depends on the person, not on SQL: gather every match
    // (bounded), keep those open to them, then cut the page.
    let found = async {
        relais_core::Result::Ok(match &me {
            None => sessions::list(&state.db, state.clock.as_ref(), &filter, wanted).await?,
            Some(b) => {
                let open = sessions::gather(&state.db, state.clock.as_ref(), &filter, 25, |s| {
                    registrations::in_audience(s, b)
                })
                .await?;
                let total = open.len() as u64;
                let items = open
                    .into_iter()
                    .skip(wanted.offset() as usize)
                    .take(wanted.limit() as usize)
                    .collect();
                Page {
                    items,
                    page: wanted.page,
                    per_page: wanted.per_page,
                    total,
                }
            }
        })
    };
    // The self-paced courses of each format, read beside the sessions.
    let self_paced = |f: Format| {
        let wanted =
            format.is_none_or(|want| want == f) && format.is_none_or(|f| !f.has_sessions());
        let cf = CourseFilter {
            q: q.q.clone(),
            format: Some(f),
            theme: q.theme.clone(),
            delegation: None,
        };
        async move {
            if !wanted {
                return relais_core::Result::Ok(Vec::new());
            }
            relais_core::Result::Ok(
                courses::list(&state.db, &cf, PageRequest::new(Some(1), Some(50)))
                    .await?
                    .items,
            )
        }
    };
    // Independent reads, side by side: a page read for many waiting
    // readers is ready sooner.
    let (found, elearning, moocs, themes, delegations) = tokio::try_join!(
        found,
        self_paced(Format::Elearning),
        self_paced(Format::Mooc),
        courses::themes(&state.db),
        relais_directory::org::delegations(&state.db),
    )?;
    let filters = [
        ("q", &q.q),
        ("format", &q.format),
        ("theme", &q.theme),
        ("seats", &q.seats),
        ("mine", &q.mine),
        ("delegation", &q.delegation),
        ("from", &q.from),
        ("to", &q.to),
    ];
    let (prev, next) =
        relais_web::layout::page_links("/training", &filters, found.page, found.has_next());
    let turns = turns(&found.items, now.0);
    let mut lines = Vec::new();
    for s in found.items {
        let f = s.format;
        lines.push(Line {
            href: format!("/training/sessions/{}", s.id),
            title: s.course_title.clone(),
            format: format_label(t, f),
            when: s.starts.local(tz),
            seats: t.ta(
                "seats-left",
                &[
                    ("n", s.seats_left.to_string()),
                    ("waitlisted", s.waitlisted.to_string()),
                ],
            ),
        });
    }
    let self_paced: Vec<Line> = [(Format::Elearning, elearning), (Format::Mooc, moocs)]
        .into_iter()
        .flat_map(|(f, list)| {
            list.into_iter().map(move |c| Line {
                href: format!("/training/courses/{}", c.id),
                title: c.title,
                format: format_label(t, f),
                when: c
                    .effort_minutes
                    .map(|m| t.ta("effort-hours", &[("h", (m / 60).max(1).to_string())]))
                    .unwrap_or_default(),
                seats: c.provider.unwrap_or_default(),
            })
        })
        .collect();
    let summary = t.ta(
        "catalogue-summary",
        &[
            ("sessions", lines.len().to_string()),
            ("courses", self_paced.len().to_string()),
        ],
    );
    let body = askama::Template::render(&CatalogueBody {
        page: Words(t),
        q: q.q.as_deref().unwrap_or_default(),
        format: q.format.as_deref().unwrap_or_default(),
        seats_only,
        mine_only: q.mine.is_some(),
        formats: Format::ALL
            .iter()
            .map(|f| (f.as_str(), format_label(t, *f)))
            .collect(),
        theme: q.theme.as_deref().unwrap_or_default(),
        delegation,
        delegations: &delegations,
        from: q.from.as_deref().unwrap_or_default(),
        to: q.to.as_deref().unwrap_or_default(),
        themes: &themes,
        sessions: &lines,
        self_paced: &self_paced,
        prev,
        next,
        summary,
    })
    .map_err(relais_core::Error::internal)?;
    Ok(Listing { body, turns })
}

#[derive(askama::Template)]
#[template(path = "course.html")]
struct CoursePage<'a> {
    page: PageCtx,
    /// The kept course and sessions, shown without a copy.
    course: &'a Course,
    format: String,
    sessions: Vec<(&'a Session, String, String)>,
    chart: Option<Chart>,
    /// For e-learning and MOOCs: has the person recorded following it?
    completed: Option<bool>,
}

/// Each course with its sessions, kept like the catalogue's lines (the same
/// for everyone; the office's chart and "followed" are read per person).
#[derive(Clone)]
pub(crate) struct CoursePages(Arc<PageCache<(Course, Vec<Session>)>>);

impl Default for CoursePages {
    fn default() -> Self {
        Self(Arc::new(PageCache::lasting(KEPT, |(_, items), now| {
            turns(items, now)
        })))
    }
}

async fn course_page(
    State(state): State<AppState>,
    Extension(kept): Extension<CoursePages>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    let p = ctx.require()?;
    let t = T(ctx.lang);
    let read = kept
        .0
        .get(
            &state.db,
            ctx.head,
            state.clock.as_ref(),
            &id.to_string(),
            || async {
                let filter = SessionFilter {
                    course: Some(id),
                    ..Default::default()
                };
                let (course, list) = tokio::try_join!(
                    courses::get(&state.db, id),
                    sessions::list(
                        &state.db,
                        state.clock.as_ref(),
                        &filter,
                        PageRequest::new(Some(1), Some(200)),
                    ),
                )?;
                Ok((course, list.items))
            },
        )
        .await?;
    let (course, items) = (&read.0, &read.1);
    let tz = &state.config.time_zone;
    let chart = match TrainingOffice::for_principal(p) {
        Ok(office) if office.covers(course.owner_delegation_id.map(relais_core::DelegationId)) => {
            let ids: Vec<i64> = items.iter().map(|s| s.id).collect();
            Some(chart(
                registrations::per_day(&services(&state), &ids, tz).await?,
            ))
        }
        _ => None,
    };
    let completed = if course.format.has_sessions() {
        None
    } else {
        Some(courses::completed(&state.db, p.person_id, course.id).await?)
    };
    render(&CoursePage {
        completed,
        chart,
        page: PageCtx::new(&state, &ctx, course.title.clone()),
        format: format_label(t, course.format),
        sessions: items
            .iter()
            .map(|s| {
                let when = format!("{} → {}", s.starts.local(tz), s.ends.local(tz));
                let status = t.t(&format!("session-status-{}", s.status.as_str()));
                (s, when, status)
            })
            .collect(),
        course,
    })
}

/// A bar chart drawn on the server as SVG, with its numbers in a table beside it.
pub(crate) struct Chart {
    width: i64,
    height: i64,
    bars: Vec<Bar>,
    days: Vec<(String, i64)>,
    total: i64,
}

struct Bar {
    x: i64,
    y: i64,
    w: i64,
    h: i64,
    label: String,
    count: i64,
}

fn chart(days: Vec<(String, i64)>) -> Chart {
    let height = 160;
    let w = if days.len() > 60 { 6 } else { 14 };
    let max = days.iter().map(|d| d.1).max().unwrap_or(1).max(1);
    let bars = days
        .iter()
        .enumerate()
        .map(|(i, (day, n))| {
            let h = (n * (height - 20) / max).max(1);
            Bar {
                x: 4 + i as i64 * (w + 2),
                y: height - h,
                w,
                h,
                label: day.clone(),
                count: *n,
            }
        })
        .collect();
    Chart {
        width: 8 + days.len() as i64 * (w + 2),
        height,
        bars,
        total: days.iter().map(|d| d.1).sum(),
        days,
    }
}

struct Registrant {
    name: String,
    email: String,
    unit: String,
    delegation: String,
    status: String,
    position: String,
    id: i64,
    active: bool,
}

#[derive(askama::Template)]
#[template(path = "session.html")]
struct SessionPage {
    page: PageCtx,
    s: Session,
    when: String,
    status: String,
    mine: Option<Registration>,
    mine_status: String,
    registrants: Option<Vec<Registrant>>,
    chart: Option<Chart>,
    /// A notice after an action, or an error when `error` is set.
    message: Option<String>,
    error: bool,
    /// May the signed-in person register on their own?
    open_to_me: bool,
    /// For officers: the course's other sessions a registrant can move to.
    siblings: Vec<(i64, String)>,
}

/// `?done=STATUS` after a form: the message that says what happened.
#[derive(Deserialize, Default)]
struct Done {
    done: Option<String>,
}

impl Done {
    fn message(&self, t: T) -> Option<String> {
        let status = RegistrationStatus::parse(self.done.as_deref()?)?;
        Some(t.t(&format!("registered-{}", status.as_str())))
    }
}

fn with_done(path: &str, status: RegistrationStatus) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}done={}", status.as_str())
}

async fn session_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(done): Query<Done>,
) -> AppResult<Html<String>> {
    let message = done.message(T(ctx.lang));
    session_view(&state, &ctx, id, message, false).await
}

async fn session_view(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    message: Option<String>,
    error: bool,
) -> AppResult<Html<String>> {
    let p = ctx.require()?;
    let t = T(ctx.lang);
    let tr = services(state);
    let s = sessions::get(&state.db, state.clock.as_ref(), id).await?;
    let open_to_me = registrations::in_audience(&s, &people::brief(&state.db, p.person_id).await?);
    let mine = registrations::for_person(&tr, p.person_id)
        .await?
        .into_iter()
        .rfind(|r| r.session_id == id && r.status.is_active());
    let registrants = match registrations::for_session(&tr, p, &s).await {
        Ok(list) => {
            let briefs = people::briefs(
                &state.db,
                &list
                    .iter()
                    .map(|r| PersonId(r.person_id))
                    .collect::<Vec<_>>(),
            )
            .await?;
            Some(
                list.into_iter()
                    .map(|r| {
                        let b = briefs.iter().find(|b| b.id.0 == r.person_id);
                        Registrant {
                            name: b.map(|b| b.name.clone()).unwrap_or_default(),
                            email: b.map(|b| b.email.clone()).unwrap_or_default(),
                            unit: b.and_then(|b| b.unit_code.clone()).unwrap_or_default(),
                            delegation: b
                                .and_then(|b| b.delegation_name.clone())
                                .unwrap_or_default(),
                            status: t.t(&format!("registration-status-{}", r.status.as_str())),
                            position: r.position.map(|p| p.to_string()).unwrap_or_default(),
                            id: r.id,
                            active: r.status.is_active(),
                        }
                    })
                    .collect(),
            )
        }
        Err(Error::Forbidden) => None,
        Err(e) => return Err(e.into()),
    };
    let tz = &state.config.time_zone;
    let chart = match registrants {
        Some(_) => Some(chart(registrations::per_day(&tr, &[s.id], tz).await?)),
        None => None,
    };
    let siblings = if registrants.is_some() {
        let filter = SessionFilter {
            course: Some(s.course_id),
            from: Some(state.clock.now()),
            ..Default::default()
        };
        sessions::list(
            &state.db,
            state.clock.as_ref(),
            &filter,
            PageRequest::new(Some(1), Some(200)),
        )
        .await?
        .items
        .into_iter()
        .filter(|o| o.id != s.id)
        .map(|o| (o.id, o.starts.local(tz)))
        .collect()
    } else {
        Vec::new()
    };
    render(&SessionPage {
        siblings,
        chart,
        page: PageCtx::new(state, ctx, s.course_title.clone()),
        when: format!("{} → {}", s.starts.local(tz), s.ends.local(tz)),
        status: t.t(&format!("session-status-{}", s.status.as_str())),
        mine_status: mine
            .as_ref()
            .map(|r| status_line(t, r, tz))
            .unwrap_or_default(),
        mine,
        registrants,
        message,
        error,
        open_to_me,
        s,
    })
}

fn status_line(t: T, r: &Registration, tz: &str) -> String {
    let base = t.t(&format!("registration-status-{}", r.status.as_str()));
    match (r.status, r.position, &r.offer_expires_at) {
        (RegistrationStatus::Waitlisted, Some(p), _) => format!(
            "{base} ({})",
            t.ta("waitlist-position", &[("n", p.to_string())])
        ),
        (RegistrationStatus::Offered, _, Some(e)) => {
            let until = sessions::parse_time("x", e)
                .map(|e| e.local(tz))
                .unwrap_or_default();
            format!("{base} — {}", t.ta("offer-until", &[("until", until)]))
        }
        _ => base,
    }
}

async fn register_form(
    State(state): State<AppState>,
    Extension(registrars): Extension<Registrars>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<relais_web::form::NoFields>,
) -> AppResult<Response> {
    let p = ctx.require()?;
    let result =
        registrations::register(&registering(&state, &registrars), p, id, None, None).await;
    registration_answer(&state, &ctx, id, result).await
}

/// After a registration form: redirect with what happened (post, redirect,
/// get: a reload does not register again), or the page with the error.
async fn registration_answer(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    result: relais_core::Result<(i64, RegistrationStatus)>,
) -> AppResult<Response> {
    match result {
        Ok((_, status)) => Ok(Redirect::to(&with_done(
            &format!("/training/sessions/{id}"),
            status,
        ))
        .into_response()),
        Err(Error::Invalid { msg, .. } | Error::Conflict { msg, .. }) => {
            let page = session_view(state, ctx, id, Some(T(ctx.lang).msg(&msg)), true).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct RegisterSomeone {
    email: String,
    reason: Option<String>,
}

/// A training officer registers a person by email, beyond capacity with a reason.
async fn register_someone(
    State(state): State<AppState>,
    Extension(registrars): Extension<Registrars>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<RegisterSomeone>,
) -> AppResult<Response> {
    let p = ctx.require()?;
    let found = match relais_core::values::Email::parse(&f.email) {
        Ok(email) => relais_directory::accounts::person_by_email(&state.db, &email).await?,
        Err(_) => None,
    };
    let result = match found {
        Some(person) => {
            registrations::register(
                &registering(&state, &registrars),
                p,
                id,
                Some(person),
                f.reason,
            )
            .await
        }
        None => Err(Error::Invalid {
            field: "email",
            msg: relais_core::Msg::new("training-error-unknown-person"),
        }),
    };
    registration_answer(&state, &ctx, id, result).await
}

#[derive(Deserialize)]
struct MoveForm {
    session_id: String,
}

async fn move_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<MoveForm>,
) -> AppResult<Response> {
    let p = ctx.require()?;
    let target: i64 = f
        .session_id
        .trim()
        .parse()
        .map_err(|_| Error::invalid("session_id", "training-error-other-course"))?;
    let status = registrations::move_to(&services(&state), p, id, target).await?;
    Ok(Redirect::to(&with_done(&format!("/training/sessions/{target}"), status)).into_response())
}

#[derive(Deserialize)]
struct Back {
    back: Option<String>,
}

fn back_to(b: &Back) -> String {
    relais_web::language::safe_next(b.back.as_deref().unwrap_or("/training/my"))
}

async fn cancel_form(
    State(state): State<AppState>,
    Extension(registrars): Extension<Registrars>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(b): CsrfForm<Back>,
) -> AppResult<Response> {
    registrations::cancel(&registering(&state, &registrars), ctx.require()?, id).await?;
    Ok(Redirect::to(&with_done(&back_to(&b), RegistrationStatus::Cancelled)).into_response())
}

async fn accept_form(
    State(state): State<AppState>,
    Extension(registrars): Extension<Registrars>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(b): CsrfForm<Back>,
) -> AppResult<Response> {
    registrations::accept(&registering(&state, &registrars), ctx.require()?, id).await?;
    Ok(Redirect::to(&with_done(&back_to(&b), RegistrationStatus::Confirmed)).into_response())
}

#[derive(Deserialize)]
struct Decision {
    decision: String,
    comment: Option<String>,
}

async fn decide_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(d): CsrfForm<Decision>,
) -> AppResult<Response> {
    registrations::decide(
        &services(&state),
        ctx.require()?,
        id,
        d.decision == "approve",
        d.comment,
    )
    .await?;
    Ok(Redirect::to("/training/my").into_response())
}

struct MyLine {
    id: i64,
    session_id: i64,
    title: String,
    when: String,
    status: String,
    offered: bool,
    active: bool,
}

struct Request {
    id: i64,
    who: String,
    title: String,
    when: String,
}

#[derive(askama::Template)]
#[template(path = "my.html")]
struct MyPage {
    page: PageCtx,
    coming: Vec<MyLine>,
    past: Vec<MyLine>,
    requests: Vec<Request>,
    feed_url: Option<String>,
    has_feed: bool,
    message: Option<String>,
    /// Open willingness surveys that ask this person: id, title, closing day.
    surveys: Vec<(i64, String, String)>,
}

async fn my_page(
    state: State<AppState>,
    ctx: Ctx,
    Query(done): Query<Done>,
) -> AppResult<Html<String>> {
    let message = done.message(T(ctx.lang));
    my_view(state, ctx, None, message).await
}

/// One line per session: the active registration if any, else the latest one.
fn one_per_session(list: Vec<Registration>) -> Vec<Registration> {
    let mut kept: Vec<Registration> = Vec::new();
    for r in list {
        match kept.iter_mut().find(|k| k.session_id == r.session_id) {
            Some(k) if !k.status.is_active() && (r.status.is_active() || r.id > k.id) => *k = r,
            Some(_) => {}
            None => kept.push(r),
        }
    }
    kept
}

async fn my_view(
    State(state): State<AppState>,
    ctx: Ctx,
    feed_url: Option<String>,
    message: Option<String>,
) -> AppResult<Html<String>> {
    let p = ctx.require()?;
    let t = T(ctx.lang);
    let tr = services(&state);
    let tz = &state.config.time_zone;
    let now = state.clock.now();
    let mut coming = Vec::new();
    let mut past = Vec::new();
    let mine = one_per_session(registrations::for_person(&tr, p.person_id).await?);
    let pending = registrations::pending_for_manager(&tr, p.person_id).await?;
    let ids: Vec<i64> = mine
        .iter()
        .map(|r| r.session_id)
        .chain(pending.iter().map(|(r, _)| r.session_id))
        .collect();
    let found = sessions::get_many(&state.db, state.clock.as_ref(), &ids).await?;
    let session = |id: i64| found.get(&id).ok_or(relais_core::Error::NotFound);
    for r in mine {
        let s = session(r.session_id)?;
        let line = MyLine {
            id: r.id,
            session_id: s.id,
            title: s.course_title.clone(),
            when: s.starts.local(tz),
            // A cancelled or postponed session says so before the registration's own state.
            status: if s.cancelled && r.status.is_active() {
                t.t(&format!("session-status-{}", s.status.as_str()))
            } else {
                status_line(t, &r, tz)
            },
            offered: r.status == RegistrationStatus::Offered,
            active: r.status.is_active(),
        };
        if s.ends > now {
            coming.push((s.starts, line))
        } else {
            past.push((s.starts, line))
        }
    }
    coming.sort_by_key(|(t, _)| *t);
    past.sort_by_key(|(t, _)| std::cmp::Reverse(*t));
    let mut requests = Vec::new();
    for (r, who) in pending {
        let s = session(r.session_id)?;
        requests.push(Request {
            id: r.id,
            who: who.name,
            title: s.course_title.clone(),
            when: s.starts.local(tz),
        });
    }
    render(&MyPage {
        page: PageCtx::new(&state, &ctx, t.t("nav-my-trainings")),
        coming: coming.into_iter().map(|(_, l)| l).collect(),
        past: past.into_iter().map(|(_, l)| l).collect(),
        requests,
        has_feed: calendar::has_feed(&tr, p.person_id).await?,
        feed_url,
        message,
        surveys: {
            let me = people::brief(&state.db, p.person_id).await?;
            crate::surveys::open_for(&state.db, now, &me)
                .await?
                .into_iter()
                .map(|s| (s.id, s.title, s.closes.local(tz)))
                .collect()
        },
    })
}

async fn reset_feed(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(_): CsrfForm<relais_web::form::NoFields>,
) -> AppResult<Html<String>> {
    let p = ctx.require()?;
    let token = calendar::reset_feed(&services(&state), p.person_id).await?;
    let url = format!("{}/training/calendar/{token}.ics", state.config.public_url);
    my_view(State(state), ctx, Some(url), None).await
}

async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> AppResult<Response> {
    let token = file.strip_suffix(".ics").unwrap_or(&file);
    let tr = services(&state);
    let person = calendar::feed_owner(&tr, token)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(calendar::response(calendar::feed(&tr, person).await?).into_response())
}

struct FillLine {
    id: i64,
    title: String,
    when: String,
    fill: String,
    waitlisted: i64,
    hint: bool,
}

#[derive(askama::Template)]
#[template(path = "office.html")]
struct OfficePage {
    page: PageCtx,
    lines: Vec<FillLine>,
}

async fn office(State(state): State<AppState>, ctx: Ctx) -> AppResult<Html<String>> {
    let p = ctx.require()?;
    let office = TrainingOffice::for_principal(p)?;
    let t = T(ctx.lang);
    let filter = SessionFilter {
        from: Some(state.clock.now()),
        ..Default::default()
    };
    let mut all = sessions::gather(&state.db, state.clock.as_ref(), &filter, 21, |s| {
        office.covers(s.delegation_id.map(relais_core::DelegationId))
    })
    .await?;
    all.sort_by(|a, b| {
        b.fill_rate()
            .partial_cmp(&a.fill_rate())
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.starts.cmp(&b.starts))
    });
    let tz = &state.config.time_zone;
    render(&OfficePage {
        page: PageCtx::new(&state, &ctx, t.t("nav-training-office")),
        lines: all
            .into_iter()
            .map(|s| FillLine {
                id: s.id,
                title: s.course_title.clone(),
                when: s.starts.local(tz),
                fill: format!(
                    "{}/{} ({:.0} %)",
                    s.confirmed,
                    s.capacity,
                    s.fill_rate() * 100.0
                ),
                waitlisted: s.waitlisted,
                hint: s.waitlisted * 2 >= s.capacity,
            })
            .collect(),
    })
}

/// The registrants of a session as rows for exports: a header and one row each.
async fn registrant_rows(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
) -> AppResult<(Vec<String>, Vec<Vec<String>>)> {
    let p = ctx.require()?;
    let t = T(ctx.lang);
    let tr = services(state);
    let s = sessions::get(&state.db, state.clock.as_ref(), id).await?;
    let list = registrations::for_session(&tr, p, &s).await?;
    let briefs = people::briefs(
        &state.db,
        &list
            .iter()
            .map(|r| PersonId(r.person_id))
            .collect::<Vec<_>>(),
    )
    .await?;
    let header = [
        "field-name",
        "field-email",
        "field-unit",
        "field-delegation",
        "field-status",
        "field-position",
    ]
    .iter()
    .map(|k| t.t(k))
    .collect();
    let rows = list
        .iter()
        .map(|r| {
            let b = briefs.iter().find(|b| b.id.0 == r.person_id);
            vec![
                b.map(|b| b.name.clone()).unwrap_or_default(),
                b.map(|b| b.email.clone()).unwrap_or_default(),
                b.and_then(|b| b.unit_code.clone()).unwrap_or_default(),
                b.and_then(|b| b.delegation_name.clone())
                    .unwrap_or_default(),
                t.t(&format!("registration-status-{}", r.status.as_str())),
                r.position.map(|p| p.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    Ok((header, rows))
}

async fn export_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (header, rows) = registrant_rows(&state, &ctx, id).await?;
    // French Excel opens UTF-8 CSV correctly with a BOM and `;`.
    let mut out = String::from("\u{feff}");
    let cell = |v: &str| {
        if v.contains([';', '"', '\n', '\r']) {
            format!("\"{}\"", v.replace('"', "\"\""))
        } else {
            v.to_string()
        }
    };
    for row in std::iter::once(&header).chain(rows.iter()) {
        out.push_str(&row.iter().map(|v| cell(v)).collect::<Vec<_>>().join(";"));
        out.push_str("\r\n");
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"session-{id}.csv\""),
            ),
        ],
        out,
    )
        .into_response())
}

async fn export_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (header, rows) = registrant_rows(&state, &ctx, id).await?;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let internal = |e: rust_xlsxwriter::XlsxError| relais_web::AppError::from(Error::internal(e));
    for (c, h) in header.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, h, &bold)
            .map_err(internal)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet
                .write_string(r as u32 + 1, c as u16, v)
                .map_err(internal)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(internal)?;
    sheet.autofit();
    let bytes = book.save_to_buffer().map_err(internal)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"session-{id}.xlsx\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn completed_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<relais_web::form::NoFields>,
) -> AppResult<Response> {
    let p = ctx.require()?;
    courses::record_completion(&state.db, state.clock.as_ref(), p.person_id, id).await?;
    Ok(Redirect::to(&format!("/training/courses/{id}")).into_response())
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/training", get(catalogue))
        .route("/training/courses/{id}", get(course_page))
        .route("/training/courses/{id}/completed", post(completed_form))
        .route("/training/sessions/{id}", get(session_page))
        .route("/training/sessions/{id}/register", post(register_form))
        .route("/training/sessions/{id}/registrants.csv", get(export_csv))
        .route("/training/sessions/{id}/registrants.xlsx", get(export_xlsx))
        .route(
            "/training/sessions/{id}/register-someone",
            post(register_someone),
        )
        .route("/training/registrations/{id}/move", post(move_form))
        .route("/training/registrations/{id}/cancel", post(cancel_form))
        .route("/training/registrations/{id}/accept", post(accept_form))
        .route("/training/registrations/{id}/decide", post(decide_form))
        .route("/training/my", get(my_page))
        .route("/training/my/calendar", post(reset_feed))
        .route("/training/calendar/{file}", get(feed))
        .route("/training/office", get(office))
}
