//! Response builders: Infisical's error envelope and JSON bodies.

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::Response;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use rand::Rng;
use rand::distr::Alphanumeric;
use serde::Serialize;
use serde_json::{Value, json};

/// Boxed so a body can also be a stream (a dripping answer, see `FaultAction::Drip`).
pub(crate) type Resp = Response<BoxBody<Bytes, std::convert::Infallible>>;

/// An error answer, kept small (a full `Response` is too big for `Result::Err`) and turned
/// into a response at the end of the pipeline.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: u16,
    body: Value,
    retry_after: Option<u64>,
}

impl ApiError {
    /// Any JSON body, e.g. a Connect error from the emulated Ona.
    pub(crate) fn with_body(status: u16, body: Value) -> Self {
        ApiError {
            status,
            body,
            retry_after: None,
        }
    }
}

impl From<ApiError> for Resp {
    fn from(e: ApiError) -> Resp {
        let mut resp = json(e.status, &e.body);
        if let Some(n) = e.retry_after {
            resp.headers_mut()
                .insert("retry-after", HeaderValue::from(n));
        }
        resp
    }
}

const JSON: &str = "application/json; charset=utf-8";

/// `req-` + 14 alphanumerics, as Infisical's request ids.
pub(crate) fn req_id() -> String {
    let tail: String = rand::rng()
        .sample_iter(Alphanumeric)
        .take(14)
        .map(char::from)
        .collect();
    format!("req-{tail}")
}

pub(crate) fn raw(status: u16, body: impl Into<Bytes>, content_type: Option<&str>) -> Resp {
    let mut resp = Response::new(Full::new(body.into()).boxed());
    *resp.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    if let Some(ct) = content_type.and_then(|ct| HeaderValue::from_str(ct).ok()) {
        resp.headers_mut().insert(CONTENT_TYPE, ct);
    }
    resp
}

pub(crate) fn json(status: u16, body: &impl Serialize) -> Resp {
    match serde_json::to_vec(body) {
        Ok(bytes) => raw(status, bytes, Some(JSON)),
        Err(_) => raw(500, Bytes::new(), None),
    }
}

pub(crate) fn ok(body: &impl Serialize) -> Resp {
    json(200, body)
}

/// `{reqId, statusCode, error, message}`; `message` is an issue array only for 422.
pub(crate) fn error(status: u16, error: &str, message: impl Into<Value>) -> ApiError {
    let body =
        json!({"reqId": req_id(), "statusCode": status, "error": error, "message": message.into()});
    ApiError::with_body(status, body)
}

pub(crate) fn bad_request(message: impl Into<Value>) -> ApiError {
    error(400, "BadRequest", message)
}

pub(crate) fn not_found(message: impl Into<Value>) -> ApiError {
    error(404, "NotFound", message)
}

pub(crate) fn unauthorized(message: &str) -> ApiError {
    error(401, "UnauthorizedError", message)
}

pub(crate) fn token_error(message: &str) -> ApiError {
    error(403, "TokenError", message)
}

pub(crate) fn validation(issues: Vec<Value>) -> ApiError {
    error(422, "ValidationFailure", Value::Array(issues))
}

pub(crate) fn internal() -> ApiError {
    error(500, "InternalServerError", "Something went wrong")
}

pub(crate) fn body_parser(status: u16, message: &str) -> ApiError {
    error(status, "BodyParserError", message)
}

/// Unknown route: Fastify's 404 with the documentation link.
pub(crate) fn route_not_found(method: &str, url: &str) -> ApiError {
    ApiError::with_body(
        404,
        json!({
            "reqId": req_id(),
            "statusCode": 404,
            "error": "Not Found",
            "message": format!("Route {method}:{url} not found"),
            "documentationUrl": "https://infisical.com/docs/api-reference",
        }),
    )
}

pub(crate) fn rate_limited(retry_after: Option<u64>) -> ApiError {
    let seconds = retry_after.unwrap_or(60);
    let message = format!("Rate limit exceeded. Please try again in {seconds} seconds");
    ApiError {
        retry_after,
        ..error(429, "RateLimitExceeded", message)
    }
}

pub(crate) fn redirect(location: &str) -> Resp {
    let mut resp = raw(307, Bytes::new(), None);
    if let Ok(value) = HeaderValue::from_str(location) {
        resp.headers_mut().insert(hyper::header::LOCATION, value);
    }
    resp
}
