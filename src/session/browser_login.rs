//! The browser hand-off of `infisical login`, written once for every front end
//! (docs/infisical-api.md §12): a listener on 127.0.0.1 that takes exactly one POST from the
//! Infisical web app, and the decoder for the token the page shows when that POST cannot
//! reach this machine (SSH). Stricter than the official CLI: the `Origin` must be the site,
//! the body must be JSON of the right shape, and anything else is refused without using up
//! the one slot.

use std::convert::Infallible;
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::secret::Secret;

/// How long the browser has before the listener gives up.
pub const TIMEOUT: Duration = Duration::from_secs(10 * 60);
/// A hand-off is a few hundred bytes; anything much larger is not one.
const BODY_LIMIT: usize = 64 * 1024;

/// What the web app hands over: the organization-scoped session token and whose it is.
pub struct Handoff {
    pub token: Secret,
    pub email: String,
}

impl fmt::Debug for Handoff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Handoff({}, <redacted>)", self.email)
    }
}

/// Why a hand-off was not accepted; the texts never contain what was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HandoffError {
    #[error("the pasted text is empty")]
    Empty,
    #[error("the pasted text is not the token Infisical's page shows (not base64)")]
    NotBase64,
    #[error("the pasted text is not the token Infisical's page shows (not its JSON)")]
    NotJson,
    #[error("the pasted text holds no session token (no JTWToken)")]
    NoToken,
    #[error("the browser did not answer within {} minutes", TIMEOUT.as_secs() / 60)]
    TimedOut,
    #[error("the sign-in listener stopped: {0}")]
    Stopped(String),
}

/// Reads the JSON body the page posts (and base64-encodes for the paste).
fn parse_body(body: &[u8]) -> Result<Handoff, HandoffError> {
    #[derive(serde::Deserialize)]
    struct Body {
        // Infisical's spelling.
        #[serde(rename = "JTWToken")]
        token: Option<String>,
        email: Option<String>,
    }
    let body: Body = serde_json::from_slice(body).map_err(|_| HandoffError::NotJson)?;
    let token = body
        .token
        .map(|t| zeroize::Zeroizing::new(t.trim().to_string()))
        .filter(|t| {
            t.split('.').count() == 3 && !t.chars().any(|c| c.is_whitespace() || c.is_control())
        })
        .ok_or(HandoffError::NoToken)?;
    Ok(Handoff {
        token: Secret::new(token.as_str()),
        email: crate::sanitize::for_terminal(body.email.as_deref().unwrap_or("").trim(), 200),
    })
}

/// The token pasted from the page's "Unable to reach CLI" fallback: standard base64 of the
/// JSON the page would have posted.
pub fn decode_paste(text: &str) -> Result<Handoff, HandoffError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(HandoffError::Empty);
    }
    let json = zeroize::Zeroizing::new(
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(|_| HandoffError::NotBase64)?,
    );
    parse_body(&json)
}

/// `<site>/login?callback_port=<port>`: where the user signs in.
pub fn login_url(site: &str, port: u16) -> String {
    format!("{}/login?callback_port={port}", site.trim_end_matches('/'))
}

/// A listener waiting for the one hand-off.
pub struct Listener {
    listener: std::net::TcpListener,
    origin: String,
}

impl Listener {
    /// Listens on 127.0.0.1 on a port the system picks, for a page served from `site`.
    pub fn bind(site: &str) -> std::io::Result<Listener> {
        let listener = std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
        listener.set_nonblocking(true)?;
        Ok(Listener {
            listener,
            origin: origin_of(site),
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map_or(0, |a| a.port())
    }

    /// Serves until one valid hand-off arrives or `timeout` passes, then closes.
    pub async fn wait(self, timeout: Duration) -> Result<Handoff, HandoffError> {
        let listener = TcpListener::from_std(self.listener)
            .map_err(|e| HandoffError::Stopped(e.to_string()))?;
        let (tx, mut rx) = oneshot::channel::<Handoff>();
        let slot = Arc::new(Mutex::new(Some(tx)));
        let origin = Arc::new(self.origin);
        // Dropped on return: every open connection ends with the wait.
        let mut connections = tokio::task::JoinSet::new();
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                handoff = &mut rx => {
                    let handoff = handoff.map_err(|_| HandoffError::Stopped("closed".into()))?;
                    // Let the answer reach the page (without it the page shows its fallback).
                    let drained = async { while connections.join_next().await.is_some() {} };
                    let _ = tokio::time::timeout(Duration::from_secs(2), drained).await;
                    return Ok(handoff);
                }
                accepted = listener.accept() => {
                    let Ok((stream, _)) = accepted else {
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    };
                    let (slot, origin) = (slot.clone(), origin.clone());
                    connections.spawn(async move {
                        let service = service_fn(move |req| {
                            let (slot, origin) = (slot.clone(), origin.clone());
                            async move { Ok::<_, Infallible>(handle(req, &origin, &slot).await) }
                        });
                        let _ = http1::Builder::new()
                            .timer(TokioTimer::new())
                            .keep_alive(false)
                            .header_read_timeout(Duration::from_secs(10))
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
                _ = &mut deadline => return Err(HandoffError::TimedOut),
            }
        }
    }
}

/// `scheme://host[:port]` of a site URL, as a browser sends it in `Origin`.
fn origin_of(site: &str) -> String {
    match url::Url::parse(site) {
        Ok(u) => u.origin().ascii_serialization(),
        Err(_) => site.trim_end_matches('/').to_string(),
    }
}

type Slot = Mutex<Option<oneshot::Sender<Handoff>>>;

fn reply(status: StatusCode, origin: Option<&str>) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if let Some(o) = origin.and_then(|o| HeaderValue::from_str(o).ok()) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, o);
        headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    response
}

async fn handle(req: Request<Incoming>, origin: &str, slot: &Slot) -> Response<Full<Bytes>> {
    let from_site = req
        .headers()
        .get(header::ORIGIN)
        .is_some_and(|o| o.as_bytes() == origin.as_bytes());
    if req.uri().path() != "/" {
        return reply(StatusCode::NOT_FOUND, None);
    }
    if !from_site {
        // Another page or a local process: no CORS headers, so a browser reads nothing.
        return reply(StatusCode::FORBIDDEN, None);
    }
    match *req.method() {
        Method::OPTIONS => preflight(&req, origin),
        Method::POST => {
            let json = req
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| {
                    v.split(';')
                        .next()
                        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
                });
            if !json {
                // A "simple" request skips the preflight: refuse it, so one is always forced.
                return reply(StatusCode::UNSUPPORTED_MEDIA_TYPE, Some(origin));
            }
            let body = match Limited::new(req.into_body(), BODY_LIMIT).collect().await {
                Ok(b) => zeroize::Zeroizing::new(b.to_bytes().to_vec()),
                Err(_) => return reply(StatusCode::PAYLOAD_TOO_LARGE, Some(origin)),
            };
            let Ok(handoff) = parse_body(&body) else {
                return reply(StatusCode::BAD_REQUEST, Some(origin));
            };
            let sender = slot.lock().ok().and_then(|mut s| s.take());
            match sender.map(|tx| tx.send(handoff)) {
                Some(Ok(())) => reply(StatusCode::OK, Some(origin)),
                // The one hand-off was already taken.
                _ => reply(StatusCode::CONFLICT, Some(origin)),
            }
        }
        _ => reply(StatusCode::METHOD_NOT_ALLOWED, None),
    }
}

fn preflight(req: &Request<Incoming>, origin: &str) -> Response<Full<Bytes>> {
    let mut response = reply(StatusCode::NO_CONTENT, Some(origin));
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("content-type"),
    );
    // Chrome's Private Network Access asks before a public page reaches 127.0.0.1.
    if req
        .headers()
        .get("access-control-request-private-network")
        .is_some_and(|v| v.as_bytes() == b"true")
    {
        headers.insert(
            "access-control-allow-private-network",
            HeaderValue::from_static("true"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: &str = "https://app.infisical.com";
    const JWT: &str = "aGVhZGVy.cGF5bG9hZA.c2lnbmF0dXJl_CANARY";

    fn body() -> String {
        serde_json::json!({"JTWToken": JWT, "email": "dana@example.com", "privateKey": ""})
            .to_string()
    }

    #[test]
    fn a_paste_is_decoded_or_refused_without_echoing_it() {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let h = decode_paste(&format!("  {}\n", b64(&body()))).unwrap();
        assert_eq!(
            (h.token.expose(), h.email.as_str()),
            (JWT, "dana@example.com")
        );
        assert!(!format!("{h:?}").contains("CANARY"));
        let refused = |text: &str| decode_paste(text).unwrap_err();
        assert_eq!(refused(" \n"), HandoffError::Empty);
        assert_eq!(refused("not base64 at all!"), HandoffError::NotBase64);
        assert_eq!(refused(&b64("CANARY not json")), HandoffError::NotJson);
        assert_eq!(refused(&b64(r#"{"email":"a@b"}"#)), HandoffError::NoToken);
        assert_eq!(
            refused(&b64(r#"{"JTWToken":"one-part"}"#)),
            HandoffError::NoToken
        );
        for e in [
            HandoffError::NotBase64,
            HandoffError::NotJson,
            HandoffError::NoToken,
        ] {
            assert!(!e.to_string().contains("CANARY"));
        }
    }

    #[test]
    fn the_login_url_carries_the_port() {
        assert_eq!(
            login_url("https://eu.infisical.com/", 41234),
            "https://eu.infisical.com/login?callback_port=41234"
        );
        assert_eq!(
            origin_of("https://infisical.example.com/"),
            "https://infisical.example.com"
        );
        assert_eq!(origin_of("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
    }

    /// A test "browser" against the listener: preflight, wrong origin, wrong type, bad body,
    /// then the real hand-off, and nothing after it.
    #[tokio::test]
    async fn the_listener_takes_exactly_one_well_formed_post_from_the_site() {
        let listener = Listener::bind(SITE).unwrap();
        let url = format!("http://127.0.0.1:{}/", listener.port());
        let waiting = tokio::spawn(listener.wait(Duration::from_secs(30)));
        let http = reqwest::Client::new();
        let allow = |r: &reqwest::Response| {
            r.headers()
                .get("access-control-allow-origin")
                .map(|v| v.to_str().unwrap().to_string())
        };

        let pre = http
            .request(reqwest::Method::OPTIONS, &url)
            .header("Origin", SITE)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "content-type")
            .header("Access-Control-Request-Private-Network", "true")
            .send()
            .await
            .unwrap();
        assert_eq!(pre.status(), 204);
        assert_eq!(allow(&pre).as_deref(), Some(SITE));
        assert_eq!(pre.headers()["access-control-allow-methods"], "POST");
        assert_eq!(
            pre.headers()["access-control-allow-headers"],
            "content-type"
        );
        assert_eq!(
            pre.headers()["access-control-allow-private-network"],
            "true"
        );

        let post = |origin: &'static str, kind: &'static str, body: String| {
            http.post(&url)
                .header("Origin", origin)
                .header("Content-Type", kind)
                .body(body)
                .send()
        };
        let foreign = post("https://evil.example", "application/json", body())
            .await
            .unwrap();
        assert_eq!((foreign.status().as_u16(), allow(&foreign)), (403, None));
        let simple = post(SITE, "text/plain", body()).await.unwrap();
        assert_eq!(simple.status(), 415);
        let bad = post(SITE, "application/json", "{\"email\":\"x\"}".into())
            .await
            .unwrap();
        assert_eq!(bad.status(), 400);
        assert!(
            !waiting.is_finished(),
            "a refused request must not end the wait"
        );

        let good = post(SITE, "application/json;charset=utf-8", body())
            .await
            .unwrap();
        assert_eq!(good.status(), 200);
        assert_eq!(allow(&good).as_deref(), Some(SITE));
        let handoff = waiting.await.unwrap().unwrap();
        assert_eq!(handoff.token.expose(), JWT);
        // The listener is closed: a second hand-off reaches nothing.
        assert!(post(SITE, "application/json", body()).await.is_err());
    }

    #[tokio::test]
    async fn the_listener_gives_up_after_its_timeout() {
        let listener = Listener::bind(SITE).unwrap();
        let result = listener.wait(Duration::from_millis(50)).await;
        assert_eq!(result.unwrap_err(), HandoffError::TimedOut);
    }
}
