//! Accept loop and per-request pipeline on hyper 1: record → route → auth → faults → body
//! parse → handler (schema, project, Ona check, store), in the order Infisical applies them.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{HeaderMap, Request};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{Map, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, oneshot};

use super::faults::{self, FaultAction};
use super::reply::{self, ApiError, Resp};
use super::routes::{self, Auth, Route};
use super::{RecordedRequest, Shared};

/// Larger bodies are refused with 413 and not kept.
pub(crate) const BODY_LIMIT: usize = 1024 * 1024;
/// Beyond this an oversized body is not even drained; the connection is closed after the 413.
const DRAIN_LIMIT: usize = 16 * 1024 * 1024;

pub(crate) async fn run(
    listener: std::net::TcpListener,
    shared: Arc<Shared>,
    mut shutdown: oneshot::Receiver<()>,
) {
    let Ok(listener) = TcpListener::from_std(listener) else {
        return;
    };
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(serve_connection(stream, shared.clone()));
                }
                // e.g. out of file descriptors: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
        }
    }
    // Returning drops the runtime, which cancels hanging connections and closes their sockets.
}

async fn serve_connection(stream: TcpStream, shared: Arc<Shared>) {
    // Signalled by a request that must end the connection without an answer.
    let kill = Arc::new(Notify::new());
    let service_kill = kill.clone();
    let service = service_fn(move |req| {
        let (shared, kill) = (shared.clone(), service_kill.clone());
        async move { Ok::<_, Infallible>(handle(shared, req, kill).await) }
    });
    let conn = http1::Builder::new()
        .keep_alive(true)
        .timer(TokioTimer::new())
        .serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = conn => {}
        _ = kill.notified() => {}
    }
}

enum Outcome {
    Respond(Resp),
    Drop,
    Hang,
}

enum BodyError {
    TooLarge,
    Broken,
}

/// Reads at most [`BODY_LIMIT`] bytes. An oversized body is still drained (up to
/// [`DRAIN_LIMIT`]) so the 413 reaches the client instead of a reset of unread data.
async fn read_body(mut body: Incoming, headers: &HeaderMap) -> Result<Bytes, BodyError> {
    let declared = headers
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > DRAIN_LIMIT as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut kept = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame.map_err(|_| BodyError::Broken)?.into_data() else {
            continue;
        };
        seen = seen.saturating_add(data.len());
        if seen <= BODY_LIMIT {
            kept.extend_from_slice(&data);
        } else if seen > DRAIN_LIMIT {
            return Err(BodyError::TooLarge);
        }
    }
    if seen > BODY_LIMIT {
        Err(BodyError::TooLarge)
    } else {
        Ok(kept.into())
    }
}

async fn handle(shared: Arc<Shared>, req: Request<Incoming>, kill: Arc<Notify>) -> Resp {
    let (parts, body) = req.into_parts();
    let body = read_body(body, &parts.headers).await;
    let index = shared.record(RecordedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: body.as_ref().map(|b| b.to_vec()).unwrap_or_default(),
        status: None,
    });
    if !shared.delay.is_zero() {
        tokio::time::sleep(shared.delay).await;
    }
    match process(&shared, &parts, body).await {
        Outcome::Respond(resp) => {
            shared.finish(index, Some(resp.status().as_u16()));
            resp
        }
        Outcome::Drop => {
            shared.finish(index, None);
            kill.notify_one();
            std::future::pending().await
        }
        Outcome::Hang => {
            shared.finish(index, None);
            std::future::pending().await
        }
    }
}

async fn process(
    shared: &Shared,
    parts: &hyper::http::request::Parts,
    body: Result<Bytes, BodyError>,
) -> Outcome {
    let method = parts.method.as_str();
    let path = parts.uri.path();
    let url = parts.uri.path_and_query().map_or(path, |pq| pq.as_str());
    // Fastify's ignoreTrailingSlash.
    let trimmed = if path.len() > 1 {
        path.strip_suffix('/').unwrap_or(path)
    } else {
        path
    };
    if method == "GET" && trimmed == "/login" {
        return Outcome::Respond(super::users::login_page());
    }
    let Some(route) = Route::lookup(method, trimmed) else {
        return Outcome::Respond(reply::route_not_found(method, url).into());
    };
    if let Err(e) = routes::authenticate(&shared.state, &route, &parts.headers, url) {
        return Outcome::Respond(e.into());
    }
    let fault = faults::take(&mut routes::lock(&shared.state).faults, &route);
    let mut drop_after = false;
    let mut hold_after = false;
    let mut drip = None;
    match fault {
        None | Some(FaultAction::Pass) => {}
        Some(FaultAction::Delay(d)) => tokio::time::sleep(d).await,
        Some(FaultAction::Status500) => return Outcome::Respond(reply::internal().into()),
        Some(FaultAction::Status429 { retry_after }) => {
            return Outcome::Respond(reply::rate_limited(retry_after).into());
        }
        Some(FaultAction::Status(status, body, content_type)) => {
            return Outcome::Respond(reply::raw(status, body, content_type.as_deref()));
        }
        Some(FaultAction::StoreThenDrop) => drop_after = true,
        Some(FaultAction::StoreThenHold) => hold_after = true,
        Some(FaultAction::Drip(interval)) => drip = Some(interval),
        Some(FaultAction::DropBeforeHandling) => return Outcome::Drop,
        Some(FaultAction::Hang) => return Outcome::Hang,
        Some(FaultAction::Redirect(location)) => {
            return Outcome::Respond(reply::redirect(&location));
        }
    }
    let body = match parse_body(&route, method, &parts.headers, body) {
        Ok(body) => body,
        Err(e) => return Outcome::Respond(e.into()),
    };
    let query = url::form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
        .into_owned()
        .collect();
    let request = routes::Request {
        query,
        headers: &parts.headers,
        body,
    };
    let resp = routes::dispatch(&shared.state, route, &request);
    if hold_after && let Ok(permit) = shared.held.acquire().await {
        permit.forget();
    }
    if drop_after {
        Outcome::Drop
    } else if let Some(interval) = drip {
        Outcome::Respond(dripping(resp, interval).await)
    } else {
        Outcome::Respond(resp)
    }
}

/// The same answer, its body one byte per `interval` (headers at once, with the full length).
async fn dripping(resp: Resp, interval: Duration) -> Resp {
    use http_body_util::StreamBody;
    use hyper::body::Frame;
    let (mut parts, body) = resp.into_parts();
    let bytes = body
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    parts
        .headers
        .insert(hyper::header::CONTENT_LENGTH, bytes.len().into());
    let stream = futures::stream::unfold(0usize, move |at| {
        let bytes = bytes.clone();
        async move {
            if at >= bytes.len() {
                return None;
            }
            tokio::time::sleep(interval).await;
            let frame: Result<Frame<Bytes>, std::convert::Infallible> =
                Ok(Frame::data(bytes.slice(at..at + 1)));
            Some((frame, at + 1))
        }
    });
    hyper::Response::from_parts(parts, StreamBody::new(stream).boxed())
}

/// Fastify's content-type parsing; Ona routes answer parse failures the Connect way.
fn parse_body(
    route: &Route,
    method: &str,
    headers: &HeaderMap,
    body: Result<Bytes, BodyError>,
) -> Result<Option<Value>, ApiError> {
    let connect = route.auth() == Auth::Ona;
    let fail = |status: u16, message: &str| {
        if connect {
            ApiError::with_body(
                400,
                serde_json::json!({"code": "invalid_argument", "message": message}),
            )
        } else {
            reply::body_parser(status, message)
        }
    };
    let bytes = match body {
        Ok(bytes) => bytes,
        Err(BodyError::TooLarge) => return Err(fail(413, "Request body is too large")),
        Err(BodyError::Broken) => return Err(fail(400, "Request body could not be read")),
    };
    if !matches!(method, "POST" | "PUT" | "PATCH" | "DELETE") {
        return Ok(None);
    }
    let content_type = headers.get(hyper::header::CONTENT_TYPE).map(|v| {
        let v = String::from_utf8_lossy(v.as_bytes()).into_owned();
        v.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    });
    match content_type.as_deref() {
        Some("application/json") if bytes.is_empty() => Err(fail(
            400,
            "Body cannot be empty when content-type is set to 'application/json'",
        )),
        Some("application/json") => serde_json::from_slice(&bytes).map(Some).map_err(|_| {
            fail(
                400,
                "Body is not valid JSON but content-type is set to 'application/json'",
            )
        }),
        _ if bytes.is_empty() => Ok(None),
        Some("application/x-www-form-urlencoded") => {
            let form: Map<String, Value> = url::form_urlencoded::parse(&bytes)
                .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
                .collect();
            Ok(Some(Value::Object(form)))
        }
        other => Err(fail(
            415,
            &format!("Unsupported Media Type: {}", other.unwrap_or("undefined")),
        )),
    }
}
