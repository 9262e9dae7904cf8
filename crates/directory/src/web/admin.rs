//! Administration: CSV imports (the same report as the command line) and,
//! in the demo, the outbox of mail written to a folder.

use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use relais_db::audit::Actor;
use relais_web::form::check_csrf;
use relais_web::layout::render;
use relais_web::{AppError, AppResult, AppState, Ctx, PageCtx, T};

use crate::access::DirectoryAdmin;
use crate::import::{self, ImportOptions, ImportReport};

#[derive(askama::Template)]
#[template(path = "admin.html")]
struct AdminPage {
    page: PageCtx,
    jobs: Vec<(String, i64)>,
    has_outbox: bool,
}

async fn admin_home(State(state): State<AppState>, ctx: Ctx) -> AppResult<Html<String>> {
    DirectoryAdmin::for_principal(ctx.require()?)?;
    let jobs = relais_jobs::counts(&state.db)
        .await
        .map_err(relais_core::Error::internal)?;
    render(&AdminPage {
        page: PageCtx::new(&state, &ctx, T(ctx.lang).t("nav-admin")),
        jobs,
        has_outbox: state.config.mail_folder.is_some(),
    })
}

/// One line of an import report, in the reader's language.
struct ReportLine {
    line: u64,
    field: String,
    message: String,
}

#[derive(askama::Template)]
#[template(path = "admin_import.html")]
struct ImportPage {
    page: PageCtx,
    report: Option<ImportReport>,
    lines: Vec<ReportLine>,
    kind: String,
}

async fn import_page(State(state): State<AppState>, ctx: Ctx) -> AppResult<Html<String>> {
    DirectoryAdmin::for_principal(ctx.require()?)?;
    render(&ImportPage {
        page: PageCtx::new(&state, &ctx, T(ctx.lang).t("import-title")),
        report: None,
        lines: Vec::new(),
        kind: "people".into(),
    })
}

async fn import_upload(
    State(state): State<AppState>,
    ctx: Ctx,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let p = ctx.require()?;
    let cap = DirectoryAdmin::for_principal(p)?;
    let mut csrf = None;
    let mut kind = String::from("people");
    let mut skip_invalid = false;
    let mut file: Option<Vec<u8>> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(AppError::PayloadTooLarge);
            }
            Err(_) => return Err(AppError::BadRequest),
        };
        let name = field.name().unwrap_or("").to_string();
        let bytes = field.bytes().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge
            } else {
                AppError::BadRequest
            }
        })?;
        match name.as_str() {
            "_csrf" => csrf = Some(String::from_utf8_lossy(&bytes).into_owned()),
            "kind" => kind = String::from_utf8_lossy(&bytes).into_owned(),
            "skip_invalid" => skip_invalid = true,
            "file" => file = Some(bytes.to_vec()),
            _ => {}
        }
    }
    check_csrf(&ctx, csrf.as_deref())?;
    let t = T(ctx.lang);
    let file = file
        .filter(|f| !f.is_empty())
        .ok_or_else(|| relais_core::Error::invalid("file", "import-error-no-file"))?;
    let actor = Actor::of(p);
    let opts = ImportOptions { skip_invalid };
    let report = match kind.as_str() {
        "units" => {
            import::import_units(
                &state.db,
                state.clock.as_ref(),
                actor,
                cap,
                &file,
                opts,
                &import::no_progress,
            )
            .await?
        }
        "people" => {
            import::import_people(
                &state.db,
                state.clock.as_ref(),
                actor,
                cap,
                &file,
                opts,
                &import::no_progress,
            )
            .await?
        }
        _ => return Err(relais_core::Error::invalid("kind", "import-error-kind").into()),
    };
    let lines = report
        .errors
        .iter()
        .map(|e| ReportLine {
            line: e.line,
            field: e.field.unwrap_or("").to_string(),
            message: t.msg(&e.msg),
        })
        .collect();
    let status = if report.written {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ImportPage {
        page: PageCtx::new(&state, &ctx, t.t("import-title")),
        report: Some(report),
        lines,
        kind,
    };
    Ok((status, render(&page)?).into_response())
}

#[derive(askama::Template)]
#[template(path = "admin_mail.html")]
struct OutboxPage {
    page: PageCtx,
    mails: Vec<(String, String)>,
}

async fn outbox(State(state): State<AppState>, ctx: Ctx) -> AppResult<Html<String>> {
    DirectoryAdmin::for_principal(ctx.require()?)?;
    let dir = state
        .config
        .mail_folder
        .clone()
        .ok_or_else(AppError::not_found)?;
    let mails = relais_mail::list_folder(&dir, 200)
        .await
        .map_err(relais_core::Error::internal)?;
    let tz = state.config.time_zone.clone();
    render(&OutboxPage {
        page: PageCtx::new(&state, &ctx, T(ctx.lang).t("outbox-title")),
        mails: mails
            .into_iter()
            .map(|m| (m.file, relais_core::Timestamp(m.modified).local(&tz)))
            .collect(),
    })
}

#[derive(askama::Template)]
#[template(path = "admin_mail_one.html")]
struct MailPage {
    page: PageCtx,
    file: String,
    content: String,
}

async fn outbox_mail(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(file): Path<String>,
) -> AppResult<Html<String>> {
    DirectoryAdmin::for_principal(ctx.require()?)?;
    let dir = state
        .config
        .mail_folder
        .clone()
        .ok_or_else(AppError::not_found)?;
    let content = relais_mail::read_folder_mail(&dir, &file)
        .await
        .ok_or_else(AppError::not_found)?;
    render(&MailPage {
        page: PageCtx::new(&state, &ctx, T(ctx.lang).t("outbox-title")),
        file,
        content,
    })
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(admin_home))
        .route("/admin/import", get(import_page).post(import_upload))
        .route("/admin/mail", get(outbox))
        .route("/admin/mail/{file}", get(outbox_mail))
}
