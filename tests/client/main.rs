//! The typed Infisical client (`src/infisical/`) against the in-process sandbox, over real HTTP
//! on 127.0.0.1: every endpoint, every error class of the reference's status table, the
//! duplicate-safe create, retry and re-login rules, and where tokens may (not) travel.
//!
//! One test binary (`client`); the shared setup and checks are here, the tests in a module per
//! topic.

#[path = "../common/mod.rs"]
mod common;

mod destinations;
mod duplicates;
mod endpoints;
mod errors;
mod lists;
mod retries;
mod secrets;
mod sign_in;

use std::fmt::{Debug, Display};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use ona_connect::infisical::{
    ApiError, ApiMessage, Client, ClientOptions, CreateError, CreateRequest, Created, Credentials,
    Domain, DomainError, Error, RetryPolicy, Timeouts, UpdateRequest,
};
use ona_connect::sandbox::{Fault, FaultAction, FaultRoute, OnaPat, Sandbox, SandboxOptions, demo};
use ona_connect::secret::Secret;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
const CREATE_PATH: &str = "/api/v1/app-connections/ona";
const LOGIN_PATH: &str = "/api/v1/auth/universal-auth/login";
const PROJECTS_PATH: &str = "/api/v1/projects";
const BY_NAME_PREFIX: &str = "/api/v1/app-connections/ona/connection-name/";
/// A valid UUID that names no connection.
const MISSING_ID: &str = "0e0e0e0e-0000-4000-8000-000000000404";
/// Short enough to keep the suite fast, long enough for a loaded 2-core machine.
const WRITE_TIMEOUT: Duration = Duration::from_millis(400);

fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).expect("sandbox starts")
}

fn options_for(url: &str) -> ClientOptions {
    ClientOptions {
        domain: Domain::parse(url).expect("loopback http is allowed"),
        ca_file: None,
        timeouts: Timeouts {
            connect: Duration::from_secs(2),
            read: Duration::from_secs(3),
            write: WRITE_TIMEOUT,
        },
        retry: RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(40),
            max_retry_after: Duration::from_secs(2),
            reconcile_delays: vec![Duration::ZERO, Duration::from_millis(20)],
        },
    }
}

fn client(sb: &Sandbox) -> Client {
    Client::new(options_for(&sb.url())).expect("client builds")
}

fn ua() -> Credentials {
    Credentials::UniversalAuth {
        client_id: demo::CLIENT_ID.into(),
        client_secret: Secret::new(demo::CLIENT_SECRET),
    }
}

async fn ua_client(sb: &Sandbox) -> Client {
    let c = client(sb);
    c.sign_in(ua()).await.expect("universal auth login");
    c
}

async fn token_client(sb: &Sandbox, token: &str) -> Client {
    let c = client(sb);
    c.sign_in(Credentials::AccessToken(Secret::new(token)))
        .await
        .expect("adopting a token sends nothing");
    c
}

fn request(name: &str) -> CreateRequest {
    CreateRequest {
        name: name.into(),
        description: Some("Created by the Ona wizard".into()),
        project_id: demo::BACKEND_PROJECT_ID.into(),
        token: Secret::new(demo::ONA_PAT),
    }
}

fn second_pat(sb: &Sandbox) -> &'static str {
    const PAT: &str = "ona_second_pat_sandbox_not_a_real_token";
    let now = time::OffsetDateTime::now_utc();
    sb.add_ona_pat(
        PAT,
        OnaPat {
            description: "rotated".into(),
            created_at: now,
            expires_at: now + time::Duration::days(30),
            can_list: true,
        },
    );
    PAT
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}/{name}")).expect("fixture")
}

fn count(sb: &Sandbox, method: &str, path: &str) -> usize {
    sb.requests()
        .iter()
        .filter(|r| r.method == method && r.path == path)
        .count()
}

/// `(method, path)` of every request, by-name lookups shortened to `GET by-name`.
fn trail(sb: &Sandbox) -> Vec<String> {
    sb.requests()
        .iter()
        .map(|r| {
            if r.path.starts_with(BY_NAME_PREFIX) {
                format!("{} by-name", r.method)
            } else {
                format!("{} {}", r.method, r.path)
            }
        })
        .collect()
}

fn api(e: &Error) -> &ApiError {
    e.api()
        .unwrap_or_else(|| panic!("expected an API error, got {e:?}"))
}

fn text(e: &ApiError) -> &str {
    match &e.message {
        ApiMessage::Text(t) => t,
        ApiMessage::Issues(i) => panic!("expected a text message, got issues {i:?}"),
    }
}

/// Infisical's request id: `req-` + 14 ASCII alphanumerics.
fn assert_req_id(e: &ApiError) {
    let id = e.req_id.as_deref().expect("reqId present");
    let tail = id.strip_prefix("req-").unwrap_or_else(|| panic!("{id}"));
    assert_eq!(tail.len(), 14, "{id}");
    assert!(tail.bytes().all(|b| b.is_ascii_alphanumeric()), "{id}");
    assert_eq!(e.req_id().as_deref(), Some(id));
}

/// Every secret that took part: the demo ones and each bearer token the sandbox received.
fn secrets(sb: &Sandbox) -> Vec<String> {
    let mut all: Vec<String> = [demo::CLIENT_SECRET, demo::ONA_PAT, demo::USER_TOKEN]
        .map(String::from)
        .to_vec();
    for r in sb.requests() {
        let token = r
            .header("authorization")
            .and_then(|h| h.strip_prefix("Bearer "));
        all.extend(token.filter(|t| t.len() >= 8).map(str::to_string));
    }
    all
}

/// Neither `Debug` nor `Display` of an error may carry a token or the client secret.
fn assert_clean(sb: &Sandbox, e: &(impl Debug + Display)) {
    let shown = format!("{e:?}\n{e}");
    for secret in secrets(sb) {
        assert!(!shown.contains(&secret), "secret leaked into {shown}");
    }
}

/// The Ona token travels only in create/update bodies, never in a path, query or header.
fn assert_ona_token_only_in_write_bodies(sb: &Sandbox, tokens: &[&str]) {
    for r in sb.requests() {
        let write = (r.method == "POST" && r.path == CREATE_PATH)
            || (r.method == "PATCH" && r.path.starts_with(CREATE_PATH));
        let body = String::from_utf8_lossy(&r.body);
        for token in tokens {
            assert!(!r.path.contains(token) && !r.query.as_deref().unwrap_or("").contains(token));
            assert!(
                r.headers.iter().all(|(_, v)| !v.contains(token)),
                "{} {} sent the Ona token in a header",
                r.method,
                r.path
            );
            if !write {
                assert!(!body.contains(token), "{} {} body has it", r.method, r.path);
            }
        }
    }
}

fn create_posts(sb: &Sandbox) -> usize {
    count(sb, "POST", CREATE_PATH)
}
