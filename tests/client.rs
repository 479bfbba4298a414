//! The Infisical client against the sandbox on 127.0.0.1: every endpoint, every error class
//! of the reference's status table, the retry and duplicate-safety rules, and the transport
//! rules (no plain http off loopback, no redirects).

use std::io::Read;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use ona_connect::infisical::{
    ApiMessage, Client, ClientOptions, CreateError, CreateRequest, Credentials, Domain,
    DomainError, Error, RetryPolicy, Timeouts, UpdateRequest,
};
use ona_connect::sandbox::{Fault, FaultAction, FaultRoute, Sandbox, SandboxOptions, demo};
use ona_connect::secret::Secret;

fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).unwrap()
}

fn options(site: &str) -> ClientOptions {
    let mut o = ClientOptions::new(Domain::parse(site).unwrap());
    o.timeouts = Timeouts {
        connect: Duration::from_secs(2),
        read: Duration::from_secs(5),
        write: Duration::from_secs(5),
    };
    o.retry = RetryPolicy {
        base_delay: Duration::from_millis(20),
        reconcile_delays: vec![Duration::ZERO, Duration::from_millis(50)],
        ..RetryPolicy::default()
    };
    o
}

fn ua() -> Credentials {
    Credentials::UniversalAuth {
        client_id: demo::CLIENT_ID.into(),
        client_secret: Secret::new(demo::CLIENT_SECRET),
    }
}

async fn signed_in(sb: &Sandbox) -> Client {
    let c = Client::new(options(&sb.url())).unwrap();
    c.sign_in(ua()).await.unwrap();
    c
}

fn request(name: &str, project: &str) -> CreateRequest {
    CreateRequest {
        name: name.into(),
        description: Some("from the client test".into()),
        project_id: project.into(),
        token: Secret::new(demo::ONA_PAT),
    }
}

fn count(sb: &Sandbox, method: &str, path_prefix: &str) -> usize {
    sb.requests()
        .iter()
        .filter(|r| r.method == method && r.path.starts_with(path_prefix))
        .count()
}

const CREATE: &str = "/api/v1/app-connections/ona";

fn api(e: &Error) -> &ona_connect::infisical::ApiError {
    e.api().unwrap_or_else(|| panic!("not an API error: {e:?}"))
}

fn assert_req_id(e: &Error) {
    let id = api(e).req_id.clone().expect("reqId");
    assert!(
        id.starts_with("req-")
            && id.len() == 18
            && id[4..].chars().all(|c| c.is_ascii_alphanumeric()),
        "{id}"
    );
}

#[tokio::test]
async fn every_endpoint_round_trips() {
    let sb = sandbox();
    let c = signed_in(&sb).await;
    let projects = c.list_projects().await.unwrap();
    assert_eq!(
        projects.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
        [demo::BACKEND_PROJECT_ID, demo::FRONTEND_PROJECT_ID]
    );

    let created = c
        .create_connection(&request("one", demo::BACKEND_PROJECT_ID), false)
        .await
        .unwrap();
    assert!(!created.recovered);
    let one = created.connection;
    assert_eq!(
        (one.name.as_str(), one.app.as_str(), one.method.as_str()),
        ("one", "ona", "personal-access-token")
    );
    assert_eq!(one.project_id.as_deref(), Some(demo::BACKEND_PROJECT_ID));
    assert_eq!(one.version, Some(1));
    assert!(one.project.is_none(), "no project key on create");
    c.create_connection(&request("two", demo::FRONTEND_PROJECT_ID), false)
        .await
        .unwrap();

    let all = c.list_connections(None).await.unwrap();
    assert_eq!(
        all.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        ["one", "two"]
    );
    assert_eq!(
        all[0].project.as_ref().unwrap().name,
        demo::BACKEND_PROJECT_NAME
    );
    let backend = c
        .list_connections(Some(demo::BACKEND_PROJECT_ID))
        .await
        .unwrap();
    assert_eq!(backend.len(), 1);

    assert_eq!(c.get_connection(&one.id).await.unwrap().id, one.id);
    let by_name = c
        .find_connection_by_name("one", Some(demo::BACKEND_PROJECT_ID))
        .await
        .unwrap();
    assert_eq!(by_name.unwrap().id, one.id);
    assert_eq!(
        c.find_connection_by_name("one", None).await.unwrap(),
        None,
        "org scope does not see project connections"
    );
    assert_eq!(
        c.find_connection_by_name("a/../b", Some(demo::BACKEND_PROJECT_ID))
            .await
            .unwrap(),
        None
    );

    let update = UpdateRequest {
        description: Some(None),
        token: Some(Secret::new(demo::ONA_PAT)),
        ..UpdateRequest::default()
    };
    let updated = c.update_connection(&one.id, &update).await.unwrap();
    assert_eq!(updated.id, one.id);
    assert_ne!(updated.credentials_hash, one.credentials_hash);
    assert_eq!(updated.description, None);

    let deleted = c.delete_connection(&one.id).await.unwrap();
    assert_eq!(deleted.id, one.id);
    let delete = sb
        .requests()
        .into_iter()
        .find(|r| r.method == "DELETE")
        .unwrap();
    assert!(
        delete.header("content-type").is_none() && delete.body.is_empty(),
        "no JSON content type on DELETE"
    );
    let gone = c.get_connection(&one.id).await.unwrap_err();
    assert_eq!(api(&gone).status, 404);
    assert_req_id(&gone);
}

#[tokio::test]
async fn every_error_class_is_parsed() {
    let sb = sandbox();
    let c = signed_in(&sb).await;
    c.create_connection(&request("taken", demo::BACKEND_PROJECT_ID), false)
        .await
        .unwrap();

    // 400: duplicate (the raw POST), bad Ona token, unknown project.
    let dup = c
        .create_connection_once(&request("taken", demo::BACKEND_PROJECT_ID))
        .await
        .unwrap_err();
    assert!(api(&dup).is_duplicate_name(), "{dup}");
    assert_req_id(&dup);
    let mut bad_token = request("fresh", demo::BACKEND_PROJECT_ID);
    bad_token.token = Secret::new("nope");
    let ona = c.create_connection_once(&bad_token).await.unwrap_err();
    assert!(api(&ona).is_ona_rejection(), "{ona}");
    let proj = c
        .create_connection_once(&request("fresh", "99999999-9999-4999-8999-999999999999"))
        .await
        .unwrap_err();
    assert!(api(&proj).is_project_not_found(), "{proj}");

    // 422: every issue, with its path.
    let mut invalid = request("Not A Slug", demo::BACKEND_PROJECT_ID);
    invalid.description = Some("d".repeat(300));
    let v = c.create_connection_once(&invalid).await.unwrap_err();
    let a = api(&v);
    assert_eq!((a.status, a.error.as_str()), (422, "ValidationFailure"));
    let ApiMessage::Issues(issues) = &a.message else {
        panic!("{a:?}")
    };
    let paths: Vec<String> = issues.iter().map(|i| i.path.join(".")).collect();
    assert!(
        paths.contains(&"name".to_string()) && paths.contains(&"description".to_string()),
        "{paths:?}"
    );

    // 404.
    let nf = c
        .get_connection("c0c0c0c0-0000-4000-8000-000000000002")
        .await
        .unwrap_err();
    assert_eq!(
        (api(&nf).status, api(&nf).error.as_str()),
        (404, "NotFound")
    );

    // 401 bad credentials: never retried (Infisical locks the identity after three).
    let bad = Client::new(options(&sb.url())).unwrap();
    let before = count(&sb, "POST", "/api/v1/auth/universal-auth/login");
    let e = bad
        .sign_in(Credentials::UniversalAuth {
            client_id: demo::CLIENT_ID.into(),
            client_secret: Secret::new("wrong-secret"),
        })
        .await
        .unwrap_err();
    assert_eq!(
        (api(&e).status, api(&e).message_lines()[0].as_str()),
        (401, "Invalid credentials")
    );
    assert!(e.is_token_error());
    assert_eq!(
        count(&sb, "POST", "/api/v1/auth/universal-auth/login"),
        before + 1
    );

    // 403 TokenError (malformed, and expired) and the service-token refusal.
    for (token, expected) in [
        ("garbage", "malformed"),
        ("st.legacy.service.token", "not allowed"),
    ] {
        let t = Client::new(options(&sb.url())).unwrap();
        t.sign_in(Credentials::AccessToken(Secret::new(token)))
            .await
            .unwrap();
        let e = t.list_projects().await.unwrap_err();
        assert_eq!(api(&e).status, 403);
        assert!(api(&e).message_lines()[0].contains(expected), "{e}");
        assert_eq!(e.is_token_error(), token == "garbage");
    }
    let issued = sb.issue_access_token();
    sb.expire_access_tokens();
    let t = Client::new(options(&sb.url())).unwrap();
    t.sign_in(Credentials::AccessToken(Secret::new(issued)))
        .await
        .unwrap();
    let e = t.list_projects().await.unwrap_err();
    assert!(
        e.is_token_error() && api(&e).message_lines()[0].contains("expired"),
        "{e}"
    );

    // 429, 500 and a body that is not Infisical's JSON.
    let c = signed_in(&sb).await;
    sb.add_fault(Fault::new(
        FaultRoute::Create,
        1,
        FaultAction::Status429 {
            retry_after: Some(42),
        },
    ));
    let rl = c
        .create_connection_once(&request("later", demo::BACKEND_PROJECT_ID))
        .await
        .unwrap_err();
    assert_eq!((api(&rl).status, api(&rl).retry_after), (429, Some(42)));
    sb.add_fault(Fault::new(FaultRoute::Create, 1, FaultAction::Status500));
    let se = c
        .create_connection_once(&request("later", demo::BACKEND_PROJECT_ID))
        .await
        .unwrap_err();
    assert_eq!(api(&se).status, 500);
    assert!(se.outcome_unknown());
    sb.add_fault(Fault::new(
        FaultRoute::ListProjects,
        3,
        FaultAction::Status(
            502,
            "<html><h1>Bad Gateway</h1>\u{1b}[2J</html>".into(),
            Some("text/html".into()),
        ),
    ));
    let html = c.list_projects().await.unwrap_err();
    let line = &api(&html).message_lines()[0];
    assert!(
        line.contains("not Infisical's JSON") && !line.contains('\u{1b}'),
        "{line}"
    );
}

#[tokio::test]
async fn a_dropped_answer_after_the_create_is_found_not_resent() {
    let sb = sandbox();
    let c = signed_in(&sb).await;
    sb.add_fault(Fault::new(
        FaultRoute::Create,
        1,
        FaultAction::StoreThenDrop,
    ));
    let created = c
        .create_connection(&request("dropped", demo::BACKEND_PROJECT_ID), false)
        .await
        .unwrap();
    assert!(created.recovered);
    assert_eq!((sb.connections().len(), count(&sb, "POST", CREATE)), (1, 1));
}

#[tokio::test]
async fn a_500_on_create_is_looked_up_and_never_resent_by_itself() {
    let sb = sandbox();
    let c = signed_in(&sb).await;
    sb.clear_requests();
    sb.add_fault(Fault::new(FaultRoute::Create, 1, FaultAction::Status500));
    let err = c
        .create_connection(&request("retry-me", demo::BACKEND_PROJECT_ID), false)
        .await
        .unwrap_err();
    assert!(matches!(err, CreateError::NotCreated { .. }), "{err:?}");
    let order: Vec<String> = sb
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(
        order[0].starts_with("GET /api/v1/app-connections/ona/connection-name/retry-me"),
        "{order:?}"
    );
    assert_eq!(order[1], format!("POST {CREATE}"));
    assert!(
        order[2..].iter().all(|r| r.starts_with("GET ")),
        "only lookups after the 500: {order:?}"
    );
    // The user's explicit retry, told the earlier outcome was unknown, works.
    let ok = c
        .create_connection(&request("retry-me", demo::BACKEND_PROJECT_ID), true)
        .await
        .unwrap();
    assert!(!ok.recovered);
    assert_eq!((sb.connections().len(), count(&sb, "POST", CREATE)), (1, 2));
}

#[tokio::test]
async fn a_create_that_times_out_is_checked_by_name() {
    let sb = sandbox();
    let mut o = options(&sb.url());
    o.timeouts.write = Duration::from_millis(300);
    let c = Client::new(o).unwrap();
    c.sign_in(ua()).await.unwrap();
    sb.add_fault(Fault::new(FaultRoute::Create, 1, FaultAction::Hang));
    let err = c
        .create_connection(&request("slow", demo::BACKEND_PROJECT_ID), false)
        .await
        .unwrap_err();
    let CreateError::NotCreated { cause } = &err else {
        panic!("{err:?}")
    };
    assert!(
        matches!(cause, Error::Timeout { sent: true, .. }),
        "{cause:?}"
    );
    assert_eq!(count(&sb, "POST", CREATE), 1);
}

#[tokio::test]
async fn a_taken_name_is_found_before_the_token_is_sent() {
    let sb = sandbox();
    let c = signed_in(&sb).await;
    c.create_connection(&request("mine", demo::BACKEND_PROJECT_ID), false)
        .await
        .unwrap();
    let err = c
        .create_connection(&request("mine", demo::BACKEND_PROJECT_ID), false)
        .await
        .unwrap_err();
    assert!(matches!(err, CreateError::NameTaken(ref existing) if existing.name == "mine"));
    assert_eq!(count(&sb, "POST", CREATE), 1);
    // The same name in another project is fine (uniqueness is per project).
    c.create_connection(&request("mine", demo::FRONTEND_PROJECT_ID), false)
        .await
        .unwrap();
}

#[tokio::test]
async fn reads_retry_429_after_the_given_seconds_and_5xx_a_bounded_number_of_times() {
    let sb = sandbox();
    let c = signed_in(&sb).await;
    sb.clear_requests();
    sb.add_fault(Fault::new(
        FaultRoute::ListProjects,
        1,
        FaultAction::Status429 {
            retry_after: Some(1),
        },
    ));
    let started = Instant::now();
    c.list_projects().await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(count(&sb, "GET", "/api/v1/projects"), 2);

    sb.clear_requests();
    sb.add_fault(Fault::new(
        FaultRoute::ListProjects,
        3,
        FaultAction::Status500,
    ));
    let e = c.list_projects().await.unwrap_err();
    assert_eq!(api(&e).status, 500);
    assert_eq!(count(&sb, "GET", "/api/v1/projects"), 3, "max_attempts");

    // A Retry-After beyond the cap is reported, not waited for.
    sb.clear_requests();
    sb.add_fault(Fault::new(
        FaultRoute::ListProjects,
        1,
        FaultAction::Status429 {
            retry_after: Some(3600),
        },
    ));
    let e = c.list_projects().await.unwrap_err();
    assert_eq!(api(&e).retry_after, Some(3600));
    assert_eq!(count(&sb, "GET", "/api/v1/projects"), 1);
}

#[tokio::test]
async fn an_expired_session_signs_in_again_once() {
    let sb = sandbox();
    let c = signed_in(&sb).await;
    sb.expire_access_tokens();
    c.list_projects().await.unwrap();
    assert_eq!(count(&sb, "POST", "/api/v1/auth/universal-auth/login"), 2);

    // With only an access token there is nothing to renew with: one failure, no loop.
    let issued = sb.issue_access_token();
    let t = Client::new(options(&sb.url())).unwrap();
    t.sign_in(Credentials::AccessToken(Secret::new(issued)))
        .await
        .unwrap();
    sb.expire_access_tokens();
    sb.clear_requests();
    assert!(t.list_projects().await.unwrap_err().is_token_error());
    assert_eq!(sb.requests().len(), 1);
}

#[tokio::test]
async fn plain_http_is_only_for_loopback_and_redirects_are_refused() {
    for host in [
        "http://infisical.example.com",
        "http://10.0.0.1:8080",
        "http://localhost.evil.test",
    ] {
        assert!(
            matches!(Domain::parse(host), Err(DomainError::InsecureHttp(_))),
            "{host}"
        );
    }
    // A redirect to another server: refused, and that server never hears from us.
    let sb = sandbox();
    let elsewhere = TcpListener::bind("127.0.0.1:0").unwrap();
    elsewhere.set_nonblocking(true).unwrap();
    let target = format!("http://{}/api/v1/projects", elsewhere.local_addr().unwrap());
    let c = signed_in(&sb).await;
    sb.add_fault(Fault::new(
        FaultRoute::ListProjects,
        1,
        FaultAction::Redirect(target.clone()),
    ));
    let e = c.list_projects().await.unwrap_err();
    assert!(
        matches!(&e, Error::Redirect { status: 307, location } if *location == target),
        "{e:?}"
    );
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        elsewhere.accept().is_err(),
        "the redirect target received a connection"
    );
}

#[tokio::test]
async fn a_loopback_http_server_gets_the_request_and_only_that() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let site = format!("http://{}", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(2)))
            .unwrap();
        let mut seen = vec![0u8; 4096];
        let n = stream.read(&mut seen).unwrap_or(0);
        String::from_utf8_lossy(&seen[..n]).into_owned()
    });
    let c = Client::new(options(&site)).unwrap();
    c.sign_in(Credentials::AccessToken(Secret::new("tok-123")))
        .await
        .unwrap();
    let _ = tokio::time::timeout(Duration::from_secs(3), c.list_projects()).await;
    let seen = server.join().unwrap();
    assert!(
        seen.starts_with("GET /api/v1/projects?type=secret-manager HTTP/1.1"),
        "{seen}"
    );
    assert!(
        seen.to_ascii_lowercase()
            .contains("authorization: bearer tok-123")
    );
}

#[tokio::test]
async fn errors_never_carry_a_secret() {
    let sb = sandbox();
    let c = signed_in(&sb).await;
    let mut bad = request("x", demo::BACKEND_PROJECT_ID);
    bad.token = Secret::new("onaPAT_CANARY_in_an_error");
    let e = c.create_connection(&bad, false).await.unwrap_err();
    let bad_secret = Client::new(options(&sb.url())).unwrap();
    let e2 = bad_secret
        .sign_in(Credentials::UniversalAuth {
            client_id: demo::CLIENT_ID.into(),
            client_secret: Secret::new("ucs_CANARY_secret"),
        })
        .await
        .unwrap_err();
    for text in [
        format!("{e:?}"),
        e.to_string(),
        format!("{e2:?}"),
        e2.to_string(),
        format!("{c:?}"),
        format!("{bad:?}"),
    ] {
        assert!(
            !text.contains("CANARY") && !text.contains(demo::CLIENT_SECRET),
            "{text}"
        );
    }
}
