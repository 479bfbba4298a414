//! The typed Infisical client (`src/infisical/`) against the in-process sandbox, over real HTTP
//! on 127.0.0.1: every endpoint, every error class of the reference's status table, the
//! duplicate-safe create, retry and re-login rules, and where tokens may (not) travel.

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

// ---------------------------------------------------------------------------------------------
// 1. Every endpoint

#[tokio::test]
async fn every_endpoint_round_trips() {
    let sb = sandbox();
    let c = ua_client(&sb).await;

    let login = &sb.requests()[0];
    assert_eq!(
        (login.method.as_str(), login.path.as_str()),
        ("POST", LOGIN_PATH)
    );
    assert_eq!(login.header("authorization"), None, "no token on login");
    assert_eq!(
        login.json().unwrap(),
        serde_json::json!({"clientId": demo::CLIENT_ID, "clientSecret": demo::CLIENT_SECRET})
    );

    let projects = c.list_projects().await.unwrap();
    let ids: Vec<&str> = projects.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, [demo::BACKEND_PROJECT_ID, demo::FRONTEND_PROJECT_ID]);
    assert_eq!(projects[0].name, demo::BACKEND_PROJECT_NAME);
    assert_eq!(projects[0].slug, demo::BACKEND_PROJECT_SLUG);
    assert_eq!(projects[0].org_id, demo::ORG_ID);
    let last = sb.requests().pop().unwrap();
    assert_eq!(last.query.as_deref(), Some("type=secret-manager"));
    assert!(
        last.header("authorization")
            .unwrap()
            .starts_with("Bearer eyJ")
    );

    let Created {
        connection: created,
        recovered,
    } = c
        .create_connection(&request("ona-main"), false)
        .await
        .unwrap();
    assert!(!recovered);
    assert_eq!(created.name, "ona-main");
    assert_eq!(created.app, "ona");
    assert_eq!(created.method, "personal-access-token");
    assert_eq!(
        created.project_id.as_deref(),
        Some(demo::BACKEND_PROJECT_ID)
    );
    assert_eq!(created.org_id, demo::ORG_ID);
    assert_eq!(
        created.description.as_deref(),
        Some("Created by the Ona wizard")
    );
    assert_eq!(created.version, Some(1));
    assert!(created.project.is_none(), "no project key on create");
    let hash = created.credentials_hash.clone().expect("credentialsHash");
    assert_eq!(hash.len(), 64);
    let post = sb
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path == CREATE_PATH)
        .unwrap();
    assert_eq!(
        post.json().unwrap(),
        serde_json::json!({"name": "ona-main", "description": "Created by the Ona wizard",
            "method": "personal-access-token", "projectId": demo::BACKEND_PROJECT_ID,
            "credentials": {"personalAccessToken": demo::ONA_PAT}})
    );
    assert_eq!(sb.connections()[0].personal_access_token, demo::ONA_PAT);

    let in_project = c
        .list_connections(Some(demo::BACKEND_PROJECT_ID))
        .await
        .unwrap();
    assert_eq!(in_project.len(), 1);
    assert_eq!(in_project[0].id, created.id);
    let project = in_project[0]
        .project
        .as_ref()
        .expect("list items carry project");
    assert_eq!(project.id, demo::BACKEND_PROJECT_ID);
    assert_eq!(project.slug.as_deref(), Some(demo::BACKEND_PROJECT_SLUG));
    assert!(
        c.list_connections(Some(demo::FRONTEND_PROJECT_ID))
            .await
            .unwrap()
            .is_empty()
    );
    let org_wide = c.list_connections(None).await.unwrap();
    assert_eq!(
        org_wide.len(),
        1,
        "without projectId every connection is listed"
    );
    let last = sb.requests().pop().unwrap();
    assert_eq!(
        (last.path.as_str(), last.query.as_deref()),
        (CREATE_PATH, None)
    );

    let by_id = c.get_connection(&created.id).await.unwrap();
    assert_eq!(by_id, created);

    let by_name = c
        .find_connection_by_name("ona-main", Some(demo::BACKEND_PROJECT_ID))
        .await
        .unwrap();
    assert_eq!(by_name.as_ref(), Some(&created));
    assert_eq!(
        c.find_connection_by_name("ona-main", None).await.unwrap(),
        None,
        "a project-scoped connection is not found in org scope"
    );
    assert_eq!(
        c.find_connection_by_name("ona-main", Some(demo::FRONTEND_PROJECT_ID))
            .await
            .unwrap(),
        None
    );
    // A name that needs escaping stays one path segment.
    assert_eq!(
        c.find_connection_by_name("a/../b?x", Some(demo::BACKEND_PROJECT_ID))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        sb.requests().pop().unwrap().path,
        format!("{BY_NAME_PREFIX}a%2F..%2Fb%3Fx")
    );

    let pat2 = second_pat(&sb);
    let updated = c
        .update_connection(
            &created.id,
            &UpdateRequest {
                name: Some("ona-renamed".into()),
                description: Some(None),
                token: Some(Secret::new(pat2)),
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.id, created.id, "id stays");
    assert_eq!(updated.name, "ona-renamed");
    assert_eq!(updated.description, None);
    assert_ne!(updated.credentials_hash.as_deref(), Some(hash.as_str()));
    assert_ne!(updated.updated_at, created.updated_at);
    assert_eq!(sb.connections()[0].personal_access_token, pat2);
    // A PATCH without a token leaves the hash alone.
    let renamed = c
        .update_connection(
            &created.id,
            &UpdateRequest {
                description: Some(Some("again".into())),
                ..UpdateRequest::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(renamed.credentials_hash, updated.credentials_hash);
    assert_eq!(renamed.description.as_deref(), Some("again"));

    let deleted = c.delete_connection(&created.id).await.unwrap();
    assert_eq!(deleted.id, created.id);
    assert!(sb.connections().is_empty());
    let delete = sb.requests().pop().unwrap();
    assert_eq!(delete.method, "DELETE");
    assert_eq!(
        delete.header("content-type"),
        None,
        "DELETE carries no JSON type"
    );
    let gone = c.get_connection(&created.id).await.unwrap_err();
    assert_eq!(api(&gone).status, 404);

    assert_eq!(count(&sb, "POST", LOGIN_PATH), 1);
    assert!(sb.requests().iter().all(|r| r.status.is_some()));
    assert_ona_token_only_in_write_bodies(&sb, &[demo::ONA_PAT, pat2]);
}

#[tokio::test]
async fn a_user_session_token_works_too() {
    let sb = sandbox();
    let c = token_client(&sb, demo::USER_TOKEN).await;
    assert!(sb.requests().is_empty(), "adopting a token sends nothing");
    assert_eq!(c.list_projects().await.unwrap().len(), 2);
    assert!(
        sb.requests()[0]
            .header("authorization")
            .is_some_and(|h| h == format!("Bearer {}", demo::USER_TOKEN))
    );
}

// ---------------------------------------------------------------------------------------------
// Error classes (docs/infisical-api.md §7.2) with their fields

#[tokio::test]
async fn bad_request_classes() {
    let sb = sandbox();
    let c = ua_client(&sb).await;

    // Duplicate name: the safe create stops before the token is sent...
    let first = c.create_connection(&request("taken"), false).await.unwrap();
    let posts = create_posts(&sb);
    let Err(CreateError::NameTaken(existing)) = c.create_connection(&request("taken"), false).await
    else {
        panic!("expected NameTaken");
    };
    assert_eq!(existing, first.connection);
    assert_eq!(
        create_posts(&sb),
        posts,
        "the token was not sent for a taken name"
    );
    // ...and the single-shot create gets the server's 400.
    let dup = c
        .create_connection_once(&request("taken"))
        .await
        .unwrap_err();
    let e = api(&dup);
    assert_eq!((e.status, e.error.as_str()), (400, "BadRequest"));
    assert_eq!(
        text(e),
        "An App Connection with the name \"taken\" already exists"
    );
    assert!(e.is_duplicate_name() && !e.is_ona_rejection() && !e.is_project_not_found());
    assert!(!dup.is_token_error() && !dup.outcome_unknown());
    assert_req_id(e);
    assert_eq!(e.retry_after, None);
    assert_clean(&sb, &dup);

    // Ona says no: reported as Rejected, nothing stored.
    let mut bad = request("bad-pat");
    bad.token = Secret::new("ona_garbage_token_value_123");
    let err = c.create_connection(&bad, false).await.unwrap_err();
    let CreateError::Rejected(cause) = &err else {
        panic!("expected Rejected, got {err:?}");
    };
    let e = api(cause);
    assert_eq!((e.status, e.error.as_str()), (400, "BadRequest"));
    assert!(
        text(e).starts_with("Failed to validate credentials: {"),
        "{}",
        text(e)
    );
    assert!(e.is_ona_rejection() && !e.is_duplicate_name());
    assert_req_id(e);
    assert_clean(&sb, &err);
    assert!(!format!("{err:?}{err}").contains("ona_garbage_token_value_123"));
    // A revoked PAT on update is the same rejection.
    sb.revoke_ona_pat(demo::ONA_PAT);
    let upd = c
        .update_connection(
            &first.connection.id,
            &UpdateRequest {
                token: Some(Secret::new(demo::ONA_PAT)),
                ..UpdateRequest::default()
            },
        )
        .await
        .unwrap_err();
    assert!(api(&upd).is_ona_rejection(), "{upd:?}");
    assert_clean(&sb, &upd);

    // Unknown project.
    let mut lost = request("lost");
    lost.project_id = MISSING_ID.into();
    let err = c.create_connection(&lost, false).await.unwrap_err();
    let e = api(err.cause().unwrap());
    assert_eq!(
        text(e),
        format!("Could not find project with ID {MISSING_ID}")
    );
    assert!(e.is_project_not_found());
    assert_req_id(e);
    assert_eq!(sb.connections().len(), 1);
    assert_ona_token_only_in_write_bodies(&sb, &[demo::ONA_PAT, "ona_garbage_token_value_123"]);
}

#[tokio::test]
async fn unauthorized_classes() {
    let sb = sandbox();
    // Invalid credentials: one login, no retry.
    let c = client(&sb);
    let err = c
        .sign_in(Credentials::UniversalAuth {
            client_id: demo::CLIENT_ID.into(),
            client_secret: Secret::new("wrong-secret-value"),
        })
        .await
        .unwrap_err();
    let e = api(&err);
    assert_eq!((e.status, e.error.as_str()), (401, "UnauthorizedError"));
    assert_eq!(text(e), "Invalid credentials");
    assert!(e.is_token_error());
    assert_req_id(e);
    assert_eq!(
        count(&sb, "POST", LOGIN_PATH),
        1,
        "a failed login is never repeated"
    );
    assert!(!format!("{err:?}{err}").contains("wrong-secret-value"));
    assert_clean(&sb, &err);
    // The failed client is not signed in and sends nothing.
    assert_eq!(c.list_projects().await.unwrap_err(), Error::NotSignedIn);
    assert_eq!(sb.requests().len(), 1);

    // A revoked identity token: 401 from the server, no credentials to log in again.
    let token = sb.issue_access_token();
    let c = token_client(&sb, &token).await;
    sb.revoke_access_token(&token);
    let err = c.list_projects().await.unwrap_err();
    let e = api(&err);
    assert_eq!((e.status, e.error.as_str()), (401, "UnauthorizedError"));
    assert_eq!(text(e), "No identity access token found");
    assert!(err.is_token_error());
    assert_req_id(e);
    assert_clean(&sb, &err);

    // `Token missing` cannot come from this client (it never sends without a token), so the
    // fixture is served verbatim to check its parsing.
    sb.add_fault(Fault::new(
        FaultRoute::ListProjects,
        1,
        FaultAction::Status(
            401,
            fixture("error-401-token-missing.json"),
            Some("application/json".into()),
        ),
    ));
    let c = token_client(&sb, demo::USER_TOKEN).await;
    let err = c.list_projects().await.unwrap_err();
    let e = api(&err);
    assert_eq!((e.status, text(e)), (401, "Token missing"));
    assert_eq!(e.req_id.as_deref(), Some("req-FAKE0000000001"));
    assert!(err.is_token_error());
    assert_eq!(count(&sb, "POST", LOGIN_PATH), 1);
}

#[tokio::test]
async fn forbidden_classes() {
    let sb = sandbox();
    let malformed = token_client(&sb, "not-a-jwt-at-all").await;
    let err = malformed.list_projects().await.unwrap_err();
    let e = api(&err);
    assert_eq!((e.status, e.error.as_str()), (403, "TokenError"));
    assert!(text(e).starts_with("The provided access token is malformed"));
    assert!(e.is_token_error());
    assert_req_id(e);
    assert!(!format!("{err:?}{err}").contains("not-a-jwt-at-all"));

    let foreign = token_client(&sb, "eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.c2lnbmF0dXJl").await;
    let err = foreign.list_connections(None).await.unwrap_err();
    assert_eq!(
        (api(&err).status, api(&err).error.as_str(), text(api(&err))),
        (403, "TokenError", "invalid signature")
    );

    let user = token_client(&sb, demo::USER_TOKEN).await;
    sb.expire_access_tokens();
    let err = user.list_projects().await.unwrap_err();
    let e = api(&err);
    assert_eq!((e.status, e.error.as_str()), (403, "TokenError"));
    assert_eq!(text(e), "Your token has expired. Please re-authenticate.");
    assert_req_id(e);
    assert_clean(&sb, &err);

    let service = token_client(&sb, "st.abc.def.ghi").await;
    let before = sb.requests().len();
    let err = service.list_projects().await.unwrap_err();
    let e = api(&err);
    assert_eq!(e.status, 403);
    assert_eq!(
        e.error,
        "Forbidden access to /api/v1/projects?type=secret-manager"
    );
    assert_eq!(text(e), "You are not allowed to access this resource");
    assert!(
        !e.is_token_error(),
        "a permission problem, not a token problem"
    );
    assert_req_id(e);
    assert_eq!(sb.requests().len(), before + 1, "a 403 is not retried");
    assert_clean(&sb, &err);

    let err = service
        .create_connection(&request("from-st"), false)
        .await
        .unwrap_err();
    assert!(matches!(&err, CreateError::Rejected(Error::Api(e)) if e.status == 403));
    assert_clean(&sb, &err);
    assert!(sb.connections().is_empty());
    // A token error on the name lookup stops the create before the Ona token is sent.
    let err = malformed
        .create_connection(&request("from-bad"), false)
        .await
        .unwrap_err();
    assert!(err.cause().unwrap().is_token_error());
    assert_eq!(
        sb.requests()
            .iter()
            .filter(|r| r.method == "POST"
                && r.path == CREATE_PATH
                && r.header("authorization") == Some("Bearer not-a-jwt-at-all"))
            .count(),
        0
    );
}

#[tokio::test]
async fn not_found_and_validation_classes() {
    let sb = sandbox();
    let c = token_client(&sb, demo::USER_TOKEN).await;

    for err in [
        c.get_connection(MISSING_ID).await.unwrap_err(),
        c.delete_connection(MISSING_ID).await.unwrap_err(),
        c.update_connection(MISSING_ID, &UpdateRequest::default())
            .await
            .unwrap_err(),
    ] {
        let e = api(&err);
        assert_eq!((e.status, e.error.as_str()), (404, "NotFound"));
        assert_eq!(
            text(e),
            format!("Could not find App Connection with ID {MISSING_ID}")
        );
        assert_req_id(e);
    }

    let err = c.get_connection("not-a-uuid").await.unwrap_err();
    let e = api(&err);
    assert_eq!((e.status, e.error.as_str()), (422, "ValidationFailure"));
    let ApiMessage::Issues(issues) = &e.message else {
        panic!("422 carries an issue list: {e:?}");
    };
    assert_eq!(issues[0].path, ["connectionId"]);
    assert_eq!(issues[0].message, "Invalid UUID");
    assert_eq!(e.message_lines(), ["connectionId: Invalid UUID"]);
    assert_req_id(e);

    let invalid = CreateRequest {
        name: "Not A Slug".into(),
        description: Some("x".repeat(300)),
        project_id: demo::BACKEND_PROJECT_ID.into(),
        token: Secret::new("   "),
    };
    let err = c.create_connection(&invalid, false).await.unwrap_err();
    let CreateError::Rejected(cause) = &err else {
        panic!("{err:?}");
    };
    let e = api(cause);
    assert_eq!(e.status, 422);
    assert_eq!(e.issue_paths(), ["name", "description", "credentials"]);
    let lines = e.message_lines();
    assert!(
        lines.contains(&"credentials.personalAccessToken: Personal Access Token required".into()),
        "{lines:?}"
    );
    assert!(lines.iter().any(|l| l.starts_with("name: ")), "{lines:?}");
    assert!(err.to_string().contains("credentials.personalAccessToken"));
    assert_req_id(e);
    assert!(sb.connections().is_empty());
}

#[tokio::test]
async fn rate_limit_and_server_errors_are_parsed() {
    let sb = sandbox();
    let c = token_client(&sb, demo::USER_TOKEN).await;

    // A Retry-After beyond max_retry_after is reported, not waited for.
    sb.add_fault(Fault::new(
        FaultRoute::ListProjects,
        1,
        FaultAction::Status429 {
            retry_after: Some(42),
        },
    ));
    let started = Instant::now();
    let err = c.list_projects().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    let e = api(&err);
    assert_eq!((e.status, e.error.as_str()), (429, "RateLimitExceeded"));
    assert_eq!(
        text(e),
        "Rate limit exceeded. Please try again in 42 seconds"
    );
    assert_eq!(e.retry_after, Some(42));
    assert_req_id(e);
    assert_eq!(count(&sb, "GET", PROJECTS_PATH), 1);

    // A 429 on a write is reported as is (nothing was done).
    sb.add_fault(Fault::new(
        FaultRoute::Create,
        1,
        FaultAction::Status429 { retry_after: None },
    ));
    let err = c
        .create_connection(&request("limited"), false)
        .await
        .unwrap_err();
    let CreateError::Rejected(Error::Api(e)) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(
        (e.status, e.retry_after),
        (429, Some(60)),
        "seconds from the message"
    );
    assert_eq!(create_posts(&sb), 1);

    // 500 on a read: retried up to max_attempts, then reported with its fields.
    sb.add_fault(Fault::new(FaultRoute::GetById, 10, FaultAction::Status500));
    let err = c.get_connection(MISSING_ID).await.unwrap_err();
    let e = api(&err);
    assert_eq!((e.status, e.error.as_str()), (500, "InternalServerError"));
    assert_eq!(text(e), "Something went wrong");
    assert_req_id(e);
    assert!(err.outcome_unknown());
    assert_eq!(count(&sb, "GET", &format!("{CREATE_PATH}/{MISSING_ID}")), 3);
    assert_clean(&sb, &err);
}

#[tokio::test]
async fn non_json_bodies_become_readable_errors() {
    let sb = sandbox();
    let c = token_client(&sb, demo::USER_TOKEN).await;
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    sb.add_fault(Fault::new(
        FaultRoute::ListProjects,
        3,
        FaultAction::Status(502, html.into(), Some("text/html".into())),
    ));
    let err = c.list_projects().await.unwrap_err();
    let e = api(&err);
    assert_eq!(
        (e.status, e.error.as_str(), e.req_id.as_deref()),
        (502, "ServerError", None)
    );
    assert!(text(e).contains("not Infisical's JSON"), "{}", text(e));
    assert!(text(e).contains("502 Bad Gateway"));
    assert!(
        err.to_string()
            .starts_with("502 ServerError: unexpected response"),
        "{err}"
    );
    assert_eq!(count(&sb, "GET", PROJECTS_PATH), 3, "a 5xx read is retried");

    sb.add_fault(Fault::new(
        FaultRoute::GetById,
        1,
        FaultAction::Status(404, "Not here\x1b[2J".into(), Some("text/plain".into())),
    ));
    let err = c.get_connection(MISSING_ID).await.unwrap_err();
    assert_eq!(
        (api(&err).status, api(&err).error.as_str()),
        (404, "NotFound")
    );
    assert!(
        !err.to_string().contains('\x1b'),
        "server text is sanitized"
    );
    assert!(err.display_lines().iter().all(|l| !l.contains('\x1b')));

    sb.add_fault(Fault::new(
        FaultRoute::Create,
        1,
        FaultAction::Status(400, String::new(), None),
    ));
    let err = c
        .create_connection_once(&request("empty"))
        .await
        .unwrap_err();
    assert_eq!(text(api(&err)), "unexpected empty response from the server");

    // A 200 that is not the expected JSON is a decode error, not a panic.
    sb.add_fault(Fault::new(
        FaultRoute::ListConnections,
        1,
        FaultAction::Status(
            200,
            "<html>login page</html>".into(),
            Some("text/html".into()),
        ),
    ));
    let err = c.list_connections(None).await.unwrap_err();
    assert!(matches!(err, Error::Decode { status: 200, .. }), "{err:?}");
}

// ---------------------------------------------------------------------------------------------
// 2. Duplicate safety

#[tokio::test]
async fn lost_answer_is_recovered_by_name_without_a_second_post() {
    let sb = sandbox();
    let c = ua_client(&sb).await;
    sb.clear_requests();
    sb.add_fault(Fault::new(
        FaultRoute::Create,
        1,
        FaultAction::StoreThenDrop,
    ));
    let created = c
        .create_connection(&request("dropped"), false)
        .await
        .unwrap();
    assert!(created.recovered);
    assert_eq!(created.connection.name, "dropped");
    assert_eq!(sb.connections().len(), 1);
    assert_eq!(created.connection.id, sb.connections()[0].id.to_string());
    assert_eq!(create_posts(&sb), 1);
    assert_eq!(
        trail(&sb),
        ["GET by-name", &format!("POST {CREATE_PATH}"), "GET by-name"]
    );
    assert_ona_token_only_in_write_bodies(&sb, &[demo::ONA_PAT]);
}

#[tokio::test]
async fn a_second_call_after_an_unknown_outcome_finds_the_first() {
    let sb = sandbox();
    let c = ua_client(&sb).await;
    sb.add_fault(Fault::new(
        FaultRoute::Create,
        1,
        FaultAction::StoreThenDrop,
    ));
    let err = c
        .create_connection_once(&request("late"))
        .await
        .unwrap_err();
    assert!(err.outcome_unknown(), "{err:?}");
    assert!(matches!(err, Error::Network { .. }), "{err:?}");
    assert_clean(&sb, &err);
    let again = c.create_connection(&request("late"), true).await.unwrap();
    assert!(again.recovered);
    assert_eq!(create_posts(&sb), 1, "found by name, not sent again");
    assert_eq!(sb.connections().len(), 1);
}

#[tokio::test]
async fn a_server_error_on_create_is_looked_up_not_resent() {
    let sb = sandbox();
    let c = ua_client(&sb).await;
    sb.clear_requests();
    sb.add_fault(Fault::new(FaultRoute::Create, 1, FaultAction::Status500));
    let err = c
        .create_connection(&request("five"), false)
        .await
        .unwrap_err();
    let CreateError::NotCreated { cause } = &err else {
        panic!("expected NotCreated, got {err:?}");
    };
    assert_eq!(api(cause).status, 500);
    assert_req_id(api(cause));
    assert!(err.to_string().contains("safe to send again"));
    assert_clean(&sb, &err);
    assert_eq!(create_posts(&sb), 1, "never re-sent blindly");
    assert!(sb.connections().is_empty());
    let post = format!("POST {CREATE_PATH}");
    assert_eq!(
        trail(&sb),
        ["GET by-name", &post, "GET by-name", "GET by-name"]
    );

    let created = c.create_connection(&request("five"), true).await.unwrap();
    assert!(
        !created.recovered,
        "the first attempt did not store anything"
    );
    assert_eq!(create_posts(&sb), 2);
    assert_eq!(sb.connections().len(), 1);
}

#[tokio::test]
async fn a_dropped_request_is_not_created() {
    let sb = sandbox();
    let c = token_client(&sb, demo::USER_TOKEN).await;
    sb.add_fault(Fault::new(
        FaultRoute::Create,
        1,
        FaultAction::DropBeforeHandling,
    ));
    let err = c
        .create_connection(&request("never"), false)
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            CreateError::NotCreated {
                cause: Error::Network { .. }
            }
        ),
        "{err:?}"
    );
    assert_eq!(create_posts(&sb), 1);
    assert!(sb.connections().is_empty());
}

#[tokio::test]
async fn a_hanging_create_times_out_and_is_looked_up() {
    let sb = sandbox();
    let c = ua_client(&sb).await;
    sb.add_fault(Fault::new(FaultRoute::Create, 1, FaultAction::Hang));
    let started = Instant::now();
    let err = c
        .create_connection(&request("slow"), false)
        .await
        .unwrap_err();
    assert!(started.elapsed() >= WRITE_TIMEOUT);
    assert!(
        matches!(
            &err,
            CreateError::NotCreated {
                cause: Error::Timeout { sent: true, .. }
            }
        ),
        "{err:?}"
    );
    assert_clean(&sb, &err);
    assert_eq!(create_posts(&sb), 1);

    // When the lookups fail too the outcome stays unknown: still no second POST.
    sb.clear_requests();
    sb.add_fault(Fault::new(
        FaultRoute::GetByName,
        1,
        FaultAction::Delay(Duration::ZERO),
    ));
    sb.add_fault(Fault::new(FaultRoute::Create, 1, FaultAction::Hang));
    sb.add_fault(Fault::new(
        FaultRoute::GetByName,
        100,
        FaultAction::Status500,
    ));
    let err = c
        .create_connection(&request("slow"), false)
        .await
        .unwrap_err();
    let CreateError::OutcomeUnknown { cause, lookup } = &err else {
        panic!("expected OutcomeUnknown, got {err:?}");
    };
    assert!(
        matches!(cause, Error::Timeout { sent: true, .. }),
        "{cause:?}"
    );
    assert_eq!(api(lookup).status, 500);
    assert_clean(&sb, &err);
    assert_eq!(create_posts(&sb), 1);
    assert!(sb.connections().is_empty());
    // Pre-check + 2 reconcile lookups of 3 attempts each.
    assert_eq!(
        trail(&sb).iter().filter(|t| *t == "GET by-name").count(),
        1 + 2 * 3
    );
    assert_ona_token_only_in_write_bodies(&sb, &[demo::ONA_PAT]);
}

#[tokio::test]
async fn an_unreadable_success_answer_is_looked_up_not_reported_as_refused() {
    let sb = sandbox();
    let c = ua_client(&sb).await;
    let garbled = || {
        Fault::new(
            FaultRoute::Create,
            1,
            FaultAction::Status(200, "<html>portal</html>".into(), Some("text/html".into())),
        )
    };
    // Stored, but the 200 cannot be read: the pre-check is made to miss the connection (as if
    // it was stored just now) and the lookup afterwards finds it.
    let first = c.create_connection_once(&request("garbled")).await.unwrap();
    sb.add_fault(Fault::new(
        FaultRoute::GetByName,
        1,
        FaultAction::Status(
            404,
            fixture("error-404-by-name.json"),
            Some("application/json".into()),
        ),
    ));
    sb.add_fault(garbled());
    let created = c
        .create_connection(&request("garbled"), false)
        .await
        .unwrap();
    assert!(created.recovered);
    assert_eq!(created.connection.id, first.id);
    assert_eq!(create_posts(&sb), 2);
    assert_eq!(sb.connections().len(), 1);

    // Not stored: reported as not created (safe to send again), never as a refusal.
    sb.add_fault(garbled());
    let err = c
        .create_connection(&request("unread"), false)
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            CreateError::NotCreated {
                cause: Error::Decode { status: 200, .. }
            }
        ),
        "{err:?}"
    );
    assert_eq!(create_posts(&sb), 3);
}

// ---------------------------------------------------------------------------------------------
// 3. Retry rules

#[tokio::test]
async fn a_read_rate_limit_waits_for_retry_after() {
    let sb = sandbox();
    let c = token_client(&sb, demo::USER_TOKEN).await;
    sb.add_fault(Fault::new(
        FaultRoute::ListProjects,
        1,
        FaultAction::Status429 {
            retry_after: Some(1),
        },
    ));
    let started = Instant::now();
    let projects = c.list_projects().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After honoured"
    );
    assert_eq!(projects.len(), 2);
    let statuses: Vec<_> = sb.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(429), Some(200)]);
    assert_eq!(count(&sb, "GET", PROJECTS_PATH), 2);
}

#[tokio::test]
async fn reads_retry_transient_failures_within_max_attempts() {
    let sb = sandbox();
    let c = token_client(&sb, demo::USER_TOKEN).await;
    sb.add_fault(Fault::new(
        FaultRoute::ListProjects,
        2,
        FaultAction::Status500,
    ));
    assert_eq!(c.list_projects().await.unwrap().len(), 2);
    assert_eq!(count(&sb, "GET", PROJECTS_PATH), 3);

    sb.add_fault(Fault::new(
        FaultRoute::ListConnections,
        1,
        FaultAction::DropBeforeHandling,
    ));
    assert!(c.list_connections(None).await.unwrap().is_empty());
    assert_eq!(
        count(&sb, "GET", CREATE_PATH),
        2,
        "a dropped read is repeated"
    );

    sb.add_fault(Fault::new(
        FaultRoute::ListProjects,
        5,
        FaultAction::Status500,
    ));
    let err = c.list_projects().await.unwrap_err();
    assert_eq!(api(&err).status, 500);
    assert_eq!(
        count(&sb, "GET", PROJECTS_PATH),
        3 + 3,
        "bounded by max_attempts"
    );

    // A read that never answers times out per attempt and is retried, still bounded.
    let mut quick = options_for(&sb.url());
    quick.timeouts.read = Duration::from_millis(150);
    let quick = Client::new(quick).unwrap();
    quick
        .sign_in(Credentials::AccessToken(Secret::new(demo::USER_TOKEN)))
        .await
        .unwrap();
    sb.add_fault(Fault::new(FaultRoute::ListProjects, 3, FaultAction::Hang));
    let err = quick.list_projects().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { sent: true, .. }), "{err:?}");
    assert_eq!(count(&sb, "GET", PROJECTS_PATH), 6 + 3);
    // A login that never answers is not repeated (it may have counted as an attempt).
    sb.add_fault(Fault::new(FaultRoute::Login, 3, FaultAction::Hang));
    let err = quick.sign_in(ua()).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(count(&sb, "POST", LOGIN_PATH), 1);
    assert_clean(&sb, &err);
}

#[tokio::test]
async fn writes_and_logins_are_never_repeated() {
    let sb = sandbox();
    let c = ua_client(&sb).await;
    let id = c
        .create_connection(&request("kept"), false)
        .await
        .unwrap()
        .connection
        .id;
    let item = format!("{CREATE_PATH}/{id}");

    sb.add_fault(Fault::new(FaultRoute::Update, 5, FaultAction::Status500));
    let err = c
        .update_connection(
            &id,
            &UpdateRequest {
                name: Some("other".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(api(&err).status, 500);
    assert_eq!(count(&sb, "PATCH", &item), 1);

    sb.add_fault(Fault::new(
        FaultRoute::Delete,
        5,
        FaultAction::DropBeforeHandling,
    ));
    let err = c.delete_connection(&id).await.unwrap_err();
    assert!(err.outcome_unknown());
    assert_eq!(count(&sb, "DELETE", &item), 1);

    sb.add_fault(Fault::new(FaultRoute::Login, 5, FaultAction::Status500));
    let fresh = client(&sb);
    let err = fresh.sign_in(ua()).await.unwrap_err();
    assert_eq!(api(&err).status, 500);
    assert_eq!(
        count(&sb, "POST", LOGIN_PATH),
        2,
        "one login per sign_in, even after a 500"
    );
    assert_clean(&sb, &err);
}

// ---------------------------------------------------------------------------------------------
// 4. Re-login

#[tokio::test]
async fn an_expired_token_is_renewed_once_with_universal_auth() {
    let sb = sandbox();
    let c = ua_client(&sb).await;
    sb.expire_access_tokens();
    assert_eq!(c.list_projects().await.unwrap().len(), 2);
    assert_eq!(count(&sb, "POST", LOGIN_PATH), 2);
    let statuses: Vec<_> = sb.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(200), Some(403), Some(200), Some(200)]);
    let tokens: Vec<_> = sb
        .requests()
        .iter()
        .filter_map(|r| r.header("authorization").map(str::to_string))
        .collect();
    assert_eq!(tokens.len(), 2);
    assert_ne!(tokens[0], tokens[1], "the repeat uses the new token");

    // A write rejected for its token is repeated once too (the server did nothing).
    sb.expire_access_tokens();
    let created = c
        .create_connection(&request("after-expiry"), false)
        .await
        .unwrap();
    assert!(!created.recovered);
    assert_eq!(count(&sb, "POST", LOGIN_PATH), 3);
    assert_eq!(sb.connections().len(), 1);

    // A revoked token (401) likewise.
    let current = sb.requests().pop().unwrap();
    let bearer = current
        .header("authorization")
        .unwrap()
        .strip_prefix("Bearer ")
        .unwrap();
    assert!(sb.revoke_access_token(bearer));
    assert_eq!(c.list_connections(None).await.unwrap().len(), 1);
    assert_eq!(count(&sb, "POST", LOGIN_PATH), 4);
    // Re-logins, like the first, never carry the stale token (Infisical would answer 403).
    assert!(
        sb.requests()
            .iter()
            .filter(|r| r.path == LOGIN_PATH)
            .all(|r| r.header("authorization").is_none())
    );
}

#[tokio::test]
async fn token_errors_do_not_loop() {
    let sb = sandbox();
    // Only an access token: the error is returned, no login is attempted.
    let c = token_client(&sb, demo::USER_TOKEN).await;
    sb.expire_access_tokens();
    let err = c.list_projects().await.unwrap_err();
    assert!(err.is_token_error(), "{err:?}");
    assert_eq!(sb.requests().len(), 1);
    assert_eq!(count(&sb, "POST", LOGIN_PATH), 0);
    assert_clean(&sb, &err);

    // With credentials but a server that keeps refusing: one re-login, then the error.
    let c = ua_client(&sb).await;
    sb.clear_requests();
    let missing = fixture("error-401-token-missing.json");
    sb.add_fault(Fault::new(
        FaultRoute::ListProjects,
        10,
        FaultAction::Status(401, missing, Some("application/json".into())),
    ));
    let err = c.list_projects().await.unwrap_err();
    assert_eq!(api(&err).status, 401);
    assert_eq!(
        trail(&sb),
        [
            format!("GET {PROJECTS_PATH}"),
            format!("POST {LOGIN_PATH}"),
            format!("GET {PROJECTS_PATH}")
        ]
    );
    assert_clean(&sb, &err);

    // The re-login itself failing ends the call as well.
    sb.clear_requests();
    sb.expire_access_tokens();
    sb.add_fault(Fault::new(FaultRoute::Login, 1, FaultAction::Status500));
    let err = c.list_connections(None).await.unwrap_err();
    assert_eq!(api(&err).status, 500);
    assert_eq!(count(&sb, "POST", LOGIN_PATH), 1);
    assert_eq!(count(&sb, "GET", CREATE_PATH), 1);
    assert_clean(&sb, &err);
}

// ---------------------------------------------------------------------------------------------
// 5. Where requests may go

/// A raw listener on 127.0.0.1 that answers every request with `{"projects": []}` and reports
/// what it received.
struct RawServer {
    port: u16,
    handle: std::thread::JoinHandle<Vec<String>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl RawServer {
    fn start() -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stop_flag = stop.clone();
        let handle = std::thread::spawn(move || {
            let mut seen = Vec::new();
            while !stop_flag.load(std::sync::atomic::Ordering::SeqCst) {
                match listener.accept() {
                    Ok((mut stream, _)) => {
                        stream.set_nonblocking(false).unwrap();
                        stream
                            .set_read_timeout(Some(Duration::from_millis(500)))
                            .unwrap();
                        let mut buf = vec![0u8; 16 * 1024];
                        let n = stream.read(&mut buf).unwrap_or(0);
                        seen.push(String::from_utf8_lossy(&buf[..n]).into_owned());
                        let body = r#"{"projects":[]}"#;
                        let _ = write!(
                            stream,
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                            body.len()
                        );
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
            seen
        });
        RawServer { port, handle, stop }
    }

    fn finish(self) -> Vec<String> {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        self.handle.join().unwrap()
    }
}

#[tokio::test]
async fn plain_http_only_reaches_loopback() {
    let raw = RawServer::start();
    for host in [
        "example.com",
        "10.0.0.1",
        "0.0.0.0",
        "localhost.evil.test",
        "127.0.0.1.nip.io",
    ] {
        let url = format!("http://{host}:{}", raw.port);
        assert!(
            matches!(Domain::parse(&url), Err(DomainError::InsecureHttp(_))),
            "{url}"
        );
    }
    assert!(matches!(
        Domain::parse(&format!("http://127.0.0.1@example.com:{}", raw.port)),
        Err(DomainError::ExtraParts)
    ));
    // The same listener, addressed as loopback, gets exactly one request.
    let c = Client::new(options_for(&format!("http://127.0.0.1:{}", raw.port))).unwrap();
    c.sign_in(Credentials::AccessToken(Secret::new(demo::USER_TOKEN)))
        .await
        .unwrap();
    assert!(c.list_projects().await.unwrap().is_empty());
    let seen = raw.finish();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(seen[0].starts_with("GET /api/v1/projects?type=secret-manager HTTP/1.1\r\n"));
}

#[tokio::test]
async fn redirects_are_refused_and_never_followed() {
    let sb = sandbox();
    let elsewhere = RawServer::start();
    let target = format!("http://127.0.0.1:{}/api/v1/projects", elsewhere.port);
    let c = ua_client(&sb).await;

    sb.add_fault(Fault::new(
        FaultRoute::ListProjects,
        1,
        FaultAction::Redirect(target.clone()),
    ));
    let err = c.list_projects().await.unwrap_err();
    assert_eq!(
        err,
        Error::Redirect {
            status: 307,
            location: target.clone()
        }
    );
    assert_eq!(
        count(&sb, "GET", PROJECTS_PATH),
        1,
        "a redirect is not retried"
    );
    assert_clean(&sb, &err);

    sb.add_fault(Fault::new(
        FaultRoute::Create,
        1,
        FaultAction::Redirect(target.clone()),
    ));
    let err = c
        .create_connection(&request("moved"), false)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, CreateError::Rejected(Error::Redirect { .. })),
        "{err:?}"
    );
    assert_clean(&sb, &err);

    sb.add_fault(Fault::new(
        FaultRoute::Login,
        1,
        FaultAction::Redirect(target.clone()),
    ));
    let err = client(&sb).sign_in(ua()).await.unwrap_err();
    assert!(matches!(err, Error::Redirect { .. }), "{err:?}");
    assert_clean(&sb, &err);

    assert!(sb.connections().is_empty());
    assert_eq!(
        elsewhere.finish(),
        Vec::<String>::new(),
        "the target got no connection"
    );
    assert_ona_token_only_in_write_bodies(&sb, &[demo::ONA_PAT]);
}

// ---------------------------------------------------------------------------------------------
// 6. Secrets stay out of errors (every error above also goes through `assert_clean`)

#[tokio::test]
async fn errors_never_show_secrets() {
    let sb = sandbox();
    let c = ua_client(&sb).await;
    let mut errors: Vec<Box<dyn ShowBoth>> = Vec::new();
    for action in [
        FaultAction::Status500,
        FaultAction::StoreThenDrop,
        FaultAction::DropBeforeHandling,
        FaultAction::Hang,
        FaultAction::Status(400, r#"{"message":"refused"}"#.into(), None),
    ] {
        sb.add_fault(Fault::new(FaultRoute::Create, 1, action));
        if let Err(e) = c.create_connection_once(&request("secret-check")).await {
            errors.push(Box::new(e));
        }
        if let Err(e) = c.create_connection(&request("secret-check-2"), false).await {
            errors.push(Box::new(e));
        }
    }
    sb.add_fault(Fault::new(FaultRoute::Update, 1, FaultAction::Hang));
    let stored = sb.connections();
    let id = stored
        .first()
        .map(|s| s.id.to_string())
        .unwrap_or(MISSING_ID.into());
    let update = UpdateRequest {
        token: Some(Secret::new(demo::ONA_PAT)),
        ..Default::default()
    };
    errors.push(Box::new(
        c.update_connection(&id, &update).await.unwrap_err(),
    ));
    assert!(format!("{update:?}").contains("<redacted>"));
    assert!(!format!("{:?}", request("x")).contains(demo::ONA_PAT));
    assert!(!format!("{c:?}").contains(demo::CLIENT_SECRET));
    assert!(errors.len() >= 6, "{}", errors.len());
    for e in &errors {
        e.check(&sb);
    }
}

trait ShowBoth {
    fn check(&self, sb: &Sandbox);
}

impl<T: Debug + Display> ShowBoth for T {
    fn check(&self, sb: &Sandbox) {
        assert_clean(sb, self);
    }
}
