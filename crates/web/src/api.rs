//! The JSON API's common parts: the OpenAPI 3.1 document (features merge
//! their paths into it, then [`complete_document`] adds the answers the web
//! layer gives on every operation), extractors for bodies, paths and query
//! strings whose errors are problem+json naming the part at fault, and
//! paging parameters.

use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts, MatchedPath, Path, Request, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, Header, InfoBuilder, ObjectBuilder, OpenApi, OpenApiBuilder,
    Ref, RefOr, Type,
};

use crate::AppState;
use crate::error::AppError;

pub fn base_document() -> OpenApi {
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Relais API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "Relais's JSON API. Authenticate with `Authorization: Bearer <token>` \
                     (`relais admin token`). Errors are `application/problem+json` (RFC 9457).",
                ))
                .build(),
        )
        .components(Some(
            ComponentsBuilder::new()
                .security_scheme(
                    "bearer",
                    SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
                )
                .schema_from::<Problem>()
                .schema_from::<FieldProblem>()
                .build(),
        ))
        .build()
}

fn problem(description: &str) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content(
        "application/problem+json",
        ContentBuilder::new()
            .schema(Some(RefOr::Ref(Ref::from_schema_name(Problem::name()))))
            .build(),
    )
}

/// Adds to every `/api/v1` operation the answers the web layer gives on its
/// own, whatever the handler: 400 (a path or query parameter that cannot be
/// read, a body that is not JSON), 401 (no valid token, with
/// `WWW-Authenticate`), 404 (for paths naming a resource), 422 (query values
/// out of range, JSON of the wrong shape) and, with a body, 413 and 415.
/// Handlers document only what their own rules answer (403, 409, 422…).
pub fn complete_document(doc: &mut OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        if !path.starts_with("/api/v1/") {
            continue;
        }
        let names_resource = path.contains('{');
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            complete_operation(op, names_resource);
        }
    }
}

fn complete_operation(op: &mut Operation, names_resource: bool) {
    let has_query = op
        .parameters
        .iter()
        .flatten()
        .any(|p| matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Query));
    let has_body = op.request_body.is_some();
    let responses = &mut op.responses.responses;
    let mut add = |status: &str, r: Response| {
        responses.entry(status.to_string()).or_insert(RefOr::T(r));
    };
    add(
        "400",
        problem("A path or query parameter cannot be read, or the body is not JSON.").build(),
    );
    if names_resource {
        add("404", problem("No such resource.").build());
    }
    if has_query || has_body {
        add(
            "422",
            problem("A value is out of range, or the body does not have the expected shape.")
                .build(),
        );
    }
    if has_body {
        add("413", problem("The body is larger than allowed.").build());
        add(
            "415",
            problem("The body is not sent as `application/json`.").build(),
        );
    }
    // Always the same 401, so that its `WWW-Authenticate` header is documented too.
    let www_authenticate = Header::new(ObjectBuilder::new().schema_type(Type::String));
    responses.insert(
        "401".into(),
        RefOr::T(
            problem("No token, or an unknown, expired or revoked one.")
                .header("WWW-Authenticate", www_authenticate)
                .build(),
        ),
    );
}

async fn openapi(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_string(&*state.openapi).unwrap_or_default(),
    )
}

pub fn router() -> Router<AppState> {
    Router::new().route("/api/openapi.json", get(openapi))
}

/// A JSON body whose rejections become problem+json answers: 415 without a
/// JSON content type, 400 for what is not JSON, 422 naming the field for
/// JSON of the wrong shape.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<serde_json::Value>::from_request(req, state).await {
            Ok(Json(v)) => from_json_value(v).map(ApiJson),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(AppError::UnsupportedMediaType),
            Err(JsonRejection::JsonSyntaxError(_)) => Err(AppError::BadJson),
            Err(JsonRejection::JsonDataError(_)) => Err(AppError::BadBody { field: None }),
            Err(rej) => Err(AppError::from_status(rej.status())),
        }
    }
}

/// An optional JSON body: nothing (or only whitespace, or `null`) is the default.
pub fn optional_json<T: DeserializeOwned + Default>(bytes: &[u8]) -> Result<T, AppError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    Ok(from_json_slice::<Option<T>>(bytes)?.unwrap_or_default())
}

/// Reads a JSON body already in hand (for handlers whose body is optional).
pub fn from_json_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let v: serde_json::Value = serde_json::from_slice(bytes).map_err(|_| AppError::BadJson)?;
    from_json_value(v)
}

fn from_json_value<T: DeserializeOwned>(mut v: serde_json::Value) -> Result<T, AppError> {
    if let Some(field) = nul_in(&v, "") {
        return Err(AppError::BadBody { field: Some(field) });
    }
    integral_floats_as_integers(&mut v);
    serde_path_to_error::deserialize(v).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." {
            // serde names a missing field only in its message.
            e.inner()
                .to_string()
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next())
                .map(str::to_string)
        } else {
            Some(path)
        };
        AppError::BadBody { field }
    })
}

/// Where a NUL character hides in a JSON value (PostgreSQL cannot store one).
fn nul_in(v: &serde_json::Value, at: &str) -> Option<String> {
    use serde_json::Value;
    let here = || {
        if at.is_empty() {
            ".".to_string()
        } else {
            at.to_string()
        }
    };
    match v {
        Value::String(s) if s.contains('\0') => Some(here()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| nul_in(item, &format!("{at}[{i}]"))),
        Value::Object(fields) => fields.iter().find_map(|(k, item)| {
            let path = if at.is_empty() {
                k.clone()
            } else {
                format!("{at}.{k}")
            };
            if k.contains('\0') {
                Some(path)
            } else {
                nul_in(item, &path)
            }
        }),
        _ => None,
    }
}

/// JSON Schema counts `2.0` as an integer; so does Relais.
fn integral_floats_as_integers(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|_| n.is_f64())
                && f.fract() == 0.0
                && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f)
            {
                *n = serde_json::Number::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_floats_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(integral_floats_as_integers),
        _ => {}
    }
}

/// Path parameters whose rejection is a 400 naming the parameter.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::path::ErrorKind;
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(ApiPath(v)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => {
                let name = match e.kind() {
                    ErrorKind::ParseErrorAtKey { key, .. }
                    | ErrorKind::InvalidUtf8InPathParam { key }
                    | ErrorKind::DeserializeError { key, .. } => Some(key.clone()),
                    _ => only_path_parameter(parts),
                };
                Err(AppError::BadParameter { name })
            }
            Err(rej) => Err(AppError::from_status(rej.status())),
        }
    }
}

/// The name of the route's path parameter when it has exactly one.
fn only_path_parameter(parts: &Parts) -> Option<String> {
    let route = parts.extensions.get::<MatchedPath>()?.as_str();
    let mut names = route
        .split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'));
    let first = names.next()?;
    names.next().is_none().then(|| first.to_string())
}

/// A query string whose rejection is a 400 naming the parameter.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        // PostgreSQL cannot store a NUL character: refuse it here, not with a 500 there.
        if let Some((name, _)) = form_urlencoded::parse(query.as_bytes())
            .find(|(k, v)| k.contains('\0') || v.contains('\0'))
        {
            return Err(AppError::BadParameter {
                name: Some(name.replace('\0', "")),
            });
        }
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(ApiQuery)
            .map_err(|e| {
                let path = e.path().to_string();
                AppError::BadParameter {
                    name: (path != ".").then_some(path),
                }
            })
    }
}

/// `?page=&per_page=` on list endpoints.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// 1-based page number.
    #[param(minimum = 1, maximum = 2147483647)]
    pub page: Option<u32>,
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

impl Paging {
    /// The page asked for; a number out of range is refused, not quietly changed.
    pub fn request(&self) -> Result<relais_core::PageRequest, relais_core::Error> {
        if self.page.is_some_and(|p| p == 0 || p > i32::MAX as u32) {
            return Err(relais_core::Error::invalid("page", "error-page-invalid"));
        }
        if self
            .per_page
            .is_some_and(|n| n == 0 || n > relais_core::page::MAX_PAGE_SIZE)
        {
            return Err(relais_core::Error::invalid(
                "per_page",
                "error-per-page-invalid",
            ));
        }
        Ok(relais_core::PageRequest::new(self.page, self.per_page))
    }
}

/// An error answer (RFC 9457 problem details).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URN naming the kind of problem, e.g. `urn:relais:problem:forbidden`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub instance: String,
    /// For invalid input: the fields at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldProblem>>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_characters_are_found_with_their_path() {
        let v = serde_json::json!({"a": "ok", "b": [{"c": "x\u{0}y"}]});
        assert_eq!(nul_in(&v, "").as_deref(), Some("b[0].c"));
        assert_eq!(nul_in(&serde_json::json!({"a": ["ok"]}), ""), None);
    }

    #[test]
    fn integral_floats_read_as_integers() {
        let mut v = serde_json::json!({"a": 2.0, "b": [3.0, 1.5], "c": 1e300, "d": "2.0"});
        integral_floats_as_integers(&mut v);
        assert_eq!(
            v,
            serde_json::json!({"a": 2, "b": [3, 1.5], "c": 1e300, "d": "2.0"})
        );
    }
}
