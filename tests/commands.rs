//! The non-interactive commands (`create`, `list`, `rotate`, `completions`, `man`, and the
//! wizard's refusal without a terminal) run as the real binary against the sandbox: exit
//! status, stdout, stderr and what the sandbox received. Every run checks that no secret
//! (the Ona tokens, the client secret, access tokens) appears on stdout or stderr.

mod common;

use common::{Cli, Run, Stdin};
use ona_connect::sandbox::{
    Fault, FaultAction, FaultRoute, OnaPat, RecordedRequest, Sandbox, SandboxOptions, demo,
};
use serde_json::{Value, json};
use time::OffsetDateTime;

const CREATE_PATH: &str = "/api/v1/app-connections/ona";
const UNKNOWN_PROJECT: &str = "99999999-9999-4999-8999-999999999999";
/// A second valid Ona token, registered with `add_ona_pat` by the tests that rotate.
const NEW_PAT: &str = "ona_rotated_pat_sandbox_not_a_real_token";
/// A token the emulated Ona does not know.
const BAD_PAT: &str = "ona_unknown_pat_sandbox_not_a_real_token";

fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).unwrap()
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// No credentials, no domain, no project; every secret of these tests is checked in every
/// run's output.
fn bare() -> Cli {
    [demo::ONA_PAT, NEW_PAT, BAD_PAT, demo::CLIENT_SECRET]
        .into_iter()
        .fold(Cli::new(), Cli::secret)
}

/// Signed in to the sandbox with Universal Auth from the environment; Ona is the sandbox's.
fn signed_in(sb: &Sandbox) -> Cli {
    bare()
        .env("INFISICAL_DOMAIN", &sb.url())
        .env("ONA_API_URL", &sb.ona_api_url())
        .env("INFISICAL_UNIVERSAL_AUTH_CLIENT_ID", demo::CLIENT_ID)
        .env(
            "INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET",
            demo::CLIENT_SECRET,
        )
}

/// Signed in with an access token (no login request at all).
fn with_access_token(sb: &Sandbox) -> Cli {
    let token = sb.issue_access_token();
    bare()
        .env("INFISICAL_DOMAIN", &sb.url())
        .env("ONA_API_URL", &sb.ona_api_url())
        .env("INFISICAL_TOKEN", &token)
        .secret(&token)
}

fn line(token: &str) -> String {
    format!("{token}\n")
}

fn create_args<'a>(name: &'a str, project: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "create",
        "--name",
        name,
        "--project",
        project,
        "--pat-stdin",
    ];
    args.extend_from_slice(extra);
    args
}

fn is_create(r: &RecordedRequest) -> bool {
    r.method == "POST" && r.path.trim_end_matches('/') == CREATE_PATH
}

fn creates(sb: &Sandbox) -> Vec<RecordedRequest> {
    sb.requests().into_iter().filter(is_create).collect()
}

fn patches(sb: &Sandbox) -> Vec<RecordedRequest> {
    sb.requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .collect()
}

fn pat(description: &str) -> OnaPat {
    let now = OffsetDateTime::now_utc();
    OnaPat {
        description: description.into(),
        created_at: now,
        expires_at: now + time::Duration::days(60),
        can_list: true,
    }
}

/// Creates `name` in `project` with the demo token through the binary.
fn create_ok(cli: &Cli, name: &str, project: &str) -> Value {
    let run = cli.run(
        &create_args(name, project, &["--json"]),
        &line(demo::ONA_PAT),
    );
    run.expect(0);
    run.stdout_json()
}

// ---------------------------------------------------------------------------------------
// create

#[test]
fn create_prints_a_summary_and_sends_exactly_the_fields() {
    let sb = sandbox();
    let cli = signed_in(&sb);
    let run = cli.run(
        &[
            "create",
            "--name",
            "ona-dev-team",
            "--description",
            "Ona for the dev team",
            "--project",
            demo::BACKEND_PROJECT_ID,
            "--pat-stdin",
        ],
        // One line, trimmed.
        &format!("  {}  \n", demo::ONA_PAT),
    );
    run.expect(0);
    let stored = sb.connections();
    assert_eq!(stored.len(), 1);
    let c = &stored[0];
    assert_eq!(
        run.stdout.trim(),
        format!(
            "Created Ona connection ona-dev-team ({}) in project {}\nThe Ona token expires on {} (in 60 days)",
            c.id,
            demo::BACKEND_PROJECT_ID,
            ona_connect::ona::date_text(OffsetDateTime::now_utc() + time::Duration::days(60))
        )
    );
    assert_eq!(c.personal_access_token, demo::ONA_PAT);
    assert_eq!(c.description.as_deref(), Some("Ona for the dev team"));

    let posts = creates(&sb);
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].header("content-type"), Some("application/json"));
    assert_eq!(
        posts[0].json().unwrap(),
        json!({
            "name": "ona-dev-team",
            "description": "Ona for the dev team",
            "method": "personal-access-token",
            "projectId": demo::BACKEND_PROJECT_ID,
            "credentials": { "personalAccessToken": demo::ONA_PAT },
        })
    );
    // Ona was asked first, then the name was looked up, then the one create.
    let requests = sb.requests();
    let at = |p: &str| requests.iter().position(|r| r.path.contains(p)).unwrap();
    let post = requests.iter().position(is_create).unwrap();
    assert!(at("gitpod.v1.IdentityService") < at("connection-name/ona-dev-team"));
    assert!(at("connection-name/ona-dev-team") < post);
}

#[test]
fn create_json_prints_the_connection_as_one_object() {
    let sb = sandbox();
    let cli = signed_in(&sb);
    let run = cli.run(
        &create_args("ona-json", demo::FRONTEND_PROJECT_ID, &["--json"]),
        &line(demo::ONA_PAT),
    );
    run.expect(0);
    let value = run.stdout_json();
    assert!(value.is_object(), "{value}");
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    let stored = &sb.connections()[0];
    assert_eq!(value["id"], stored.id.to_string());
    assert_eq!(value["name"], "ona-json");
    assert_eq!(value["projectId"], demo::FRONTEND_PROJECT_ID);
    assert_eq!(value["credentialsHash"], stored.credentials_hash.as_str());
    // As Infisical returned it: keys the client does not model are kept.
    assert_eq!(value["isPlatformManagedCredentials"], false);
    assert_eq!(value["credentials"], json!({}));
}

#[test]
fn create_with_a_taken_name_stops_at_the_lookup() {
    let sb = sandbox();
    let cli = signed_in(&sb);
    create_ok(&cli, "taken", demo::BACKEND_PROJECT_ID);
    sb.clear_requests();
    let run = cli.run(
        &create_args("taken", demo::BACKEND_PROJECT_ID, &[]),
        &line(demo::ONA_PAT),
    );
    let holder = sb.connections()[0].id.to_string();
    run.expect(1).stderr_has(&format!(
        "already exists; to replace its token instead: ona-connect rotate --domain {} --id {holder} --pat-stdin",
        sb.url()
    ));
    assert_eq!(run.stdout, "");
    assert!(creates(&sb).is_empty(), "{:?}", sb.request_log());
    assert!(
        sb.requests()
            .iter()
            .any(|r| r.path.contains("connection-name/taken") && r.status == Some(200))
    );
    assert_eq!(sb.connections().len(), 1);
    // The lookup is not allowed, Infisical refuses the duplicate: the command names it by name.
    sb.add_fault(Fault::new(
        FaultRoute::GetByName,
        1,
        FaultAction::Status(
            403,
            r#"{"reqId":"req-1","statusCode":403,"error":"PermissionDenied","message":"You are not allowed to read on App Connections"}"#.into(),
            Some("application/json".into()),
        ),
    ));
    cli.run(
        &create_args("taken", demo::BACKEND_PROJECT_ID, &[]),
        &line(demo::ONA_PAT),
    )
    .expect(1)
    .stderr_has(&format!(
        "to replace its token instead: ona-connect rotate --domain {} --name taken --project {} --pat-stdin",
        sb.url(),
        demo::BACKEND_PROJECT_ID
    ));
    assert_eq!(sb.connections().len(), 1);
    // The same name in another project is free.
    create_ok(&cli, "taken", demo::FRONTEND_PROJECT_ID);
    assert_eq!(sb.connections().len(), 2);
}

#[test]
fn an_invalid_name_or_description_fails_locally_without_a_request() {
    let sb = sandbox();
    let cli = signed_in(&sb);
    for (name, says) in [
        (
            "Bad_Name",
            "--name: has uppercase letters and \"_\" (only a-z, 0-9 and -); --name bad-name would do",
        ),
        (
            "trailing-",
            "--name: has a hyphen at the end; --name trailing would do",
        ),
        ("a--b", "--name: has a double hyphen; --name a-b would do"),
        ("", "--name: a name is required"),
    ] {
        cli.run(
            &create_args(name, demo::BACKEND_PROJECT_ID, &[]),
            &line(demo::ONA_PAT),
        )
        .expect(2)
        .stderr_has(says);
    }
    let long = "d".repeat(257);
    cli.run(
        &create_args(
            "fine",
            demo::BACKEND_PROJECT_ID,
            &["--description", long.as_str()],
        ),
        &line(demo::ONA_PAT),
    )
    .expect(2)
    .stderr_has("--description:");
    // Text that hides is refused too; 129 emoji are 258 units for Infisical.
    let emoji = "😀".repeat(129);
    for (description, why) in [
        (
            "safe \u{202E}gnp.exe\u{202C} end",
            "invisible or bidi characters",
        ),
        (emoji.as_str(), "cannot exceed 256"),
    ] {
        cli.run(
            &create_args(
                "fine",
                demo::BACKEND_PROJECT_ID,
                &["--description", description],
            ),
            &line(demo::ONA_PAT),
        )
        .expect(2)
        .stderr_has("--description:")
        .stderr_has(why);
    }
    // An empty token on stdin is a validation error too.
    cli.run(&create_args("fine", demo::BACKEND_PROJECT_ID, &[]), "\n")
        .expect(2)
        .stderr_has("the token on stdin");
    assert!(sb.requests().is_empty(), "{:?}", sb.request_log());
}

/// Invalid UTF-8 on `--pat-stdin` is refused before any request, for `create` and `rotate`,
/// instead of going out to Ona and Infisical with U+FFFD in it.
#[test]
fn invalid_utf8_on_pat_stdin_is_refused_before_any_request() {
    let sb = sandbox();
    let cli = signed_in(&sb);
    let mut token = demo::ONA_PAT.as_bytes().to_vec();
    token.splice(4..4, [0xff, 0xfe, 0xc3]);
    token.push(b'\n');
    let create = create_args("fine", demo::BACKEND_PROJECT_ID, &[]);
    for args in [
        create.as_slice(),
        &["rotate", "--name", "fine", "--pat-stdin"],
    ] {
        cli.run_with(args, &[], Stdin::Bytes(&token))
            .expect(2)
            .stderr_has("the token on stdin")
            .stderr_has("not valid UTF-8");
    }
    // Text that says U+FFFD is no token either.
    cli.run(&create, &line(&format!("{}\u{FFFD}", demo::ONA_PAT)))
        .expect(2)
        .stderr_has("not valid UTF-8");
    // Ona is served by the sandbox too: neither was asked.
    assert!(sb.requests().is_empty(), "{:?}", sb.request_log());
}

#[test]
fn a_422_from_infisical_lists_each_issue_with_the_req_id() {
    let sb = sandbox();
    sb.add_fault(Fault::new(
        FaultRoute::Create,
        2,
        FaultAction::Status(
            422,
            fixture("error-422-validation.json"),
            Some("application/json".into()),
        ),
    ));
    let cli = signed_in(&sb);
    let run = cli.run(
        &create_args("ona-422", demo::BACKEND_PROJECT_ID, &[]),
        &line(demo::ONA_PAT),
    );
    run.expect(2);
    for issue in [
        "422 ValidationFailure",
        "name: name field must be at most 64 lowercase characters",
        "name: name field can only contain lowercase letters, numbers, and hyphens",
        "description: Description cannot exceed 256 characters",
        "credentials.personalAccessToken: Personal Access Token required",
        "reqId req-FAKE0000000001",
    ] {
        run.stderr_has(issue);
    }
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert_eq!(run.stdout, "");

    let run = cli.run(
        &create_args("ona-422", demo::BACKEND_PROJECT_ID, &["--json"]),
        &line(demo::ONA_PAT),
    );
    run.expect(2);
    let error = run.stderr_json();
    assert_eq!(error["status"], 422);
    assert_eq!(error["reqId"], "req-FAKE0000000001");
    assert_eq!(error["message"].as_array().unwrap().len(), 4);
    assert_eq!(run.stdout, "");
    assert!(sb.connections().is_empty());
}

#[test]
fn an_unknown_project_fails_with_infisicals_message() {
    let sb = sandbox();
    let cli = signed_in(&sb);
    let run = cli.run(
        &create_args("ona-x", UNKNOWN_PROJECT, &[]),
        &line(demo::ONA_PAT),
    );
    run.expect(1)
        .stderr_has("400")
        .stderr_has(&format!("Could not find project with ID {UNKNOWN_PROJECT}"))
        .stderr_has("reqId");
    assert!(sb.connections().is_empty());
}

#[test]
fn a_token_infisical_rejects_is_reported_with_skip_ona_check() {
    let sb = sandbox();
    let cli = signed_in(&sb);
    let run = cli.run(
        &create_args("ona-bad", demo::BACKEND_PROJECT_ID, &["--skip-ona-check"]),
        &line(BAD_PAT),
    );
    run.expect(1)
        .stderr_has("Ona refused the token when Infisical checked it (unauthenticated): ")
        .stderr_has("reqId");
    assert_eq!(creates(&sb).len(), 1);
    // Skipped: the binary itself never asked Ona.
    assert!(
        sb.requests().iter().all(|r| !r.path.contains("gitpod.v1")),
        "{:?}",
        sb.request_log()
    );
    assert!(sb.connections().is_empty());
}

#[test]
fn a_token_ona_rejects_never_reaches_infisical() {
    let sb = sandbox();
    let cli = with_access_token(&sb);
    let run = cli.run(
        &create_args("ona-bad", demo::BACKEND_PROJECT_ID, &[]),
        &line(BAD_PAT),
    );
    run.expect(1)
        .stderr_has("Ona rejected the token")
        .stderr_has("nothing was sent to Infisical");
    // Only Ona was asked: not even the name lookup reached Infisical.
    let requests = sb.requests();
    assert!(!requests.is_empty());
    assert!(
        requests
            .iter()
            .all(|r| r.path.starts_with("/api/gitpod.v1.")),
        "{:?}",
        sb.request_log()
    );
    assert!(sb.connections().is_empty());
}

#[test]
fn an_unreachable_ona_is_a_warning_and_infisical_decides() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let sb = sandbox();
    let cli = signed_in(&sb).env("ONA_API_URL", &format!("http://127.0.0.1:{port}/api"));
    let run = cli.run(
        &create_args("ona-warn", demo::BACKEND_PROJECT_ID, &[]),
        &line(demo::ONA_PAT),
    );
    run.expect(0)
        .stderr_has("warning: could not reach Ona")
        .stdout_has("Created Ona connection ona-warn");
    assert_eq!(sb.connections().len(), 1);
}

/// Ona's own SDK reads only `unauthenticated` and `permission_denied` as a rejected token:
/// an Ona that is down, rate-limited or answers garbage is a warning and the create goes on.
#[test]
fn an_ona_that_cannot_answer_never_blocks_create() {
    for (i, (status, body, content_type)) in [
        (
            503,
            r#"{"code":"unavailable","message":"upstream down"}"#,
            "application/json",
        ),
        (
            429,
            r#"{"error":{"code":"resource_exhausted","message":"slow down"}}"#,
            "application/json",
        ),
        (502, "<html>Bad Gateway</html>", "text/html"),
        (504, "", "text/plain"),
    ]
    .into_iter()
    .enumerate()
    {
        let sb = sandbox();
        sb.add_fault(Fault::new(
            FaultRoute::OnaIdentity,
            1,
            FaultAction::Status(status, body.into(), Some(content_type.into())),
        ));
        let name = format!("ona-down-{i}");
        let run = signed_in(&sb).run(
            &create_args(&name, demo::BACKEND_PROJECT_ID, &[]),
            &line(demo::ONA_PAT),
        );
        run.expect(0)
            .stderr_has("warning: could not check with Ona")
            .stdout_has(&format!("Created Ona connection {name}"));
        assert!(!run.stderr.contains("rejected"), "{}", run.stderr);
        assert_eq!(sb.connections().len(), 1, "HTTP {status}");
    }
}

/// `ONA_API_URL` with a path is the base as given: the program asks `<base>/gitpod.v1.…`,
/// with the Connect protocol header, and adds no `/api`.
#[test]
fn an_ona_base_with_a_path_is_asked_as_given() {
    let sb = sandbox();
    let cli = signed_in(&sb).env("ONA_API_URL", &format!("{}/ona", sb.url()));
    let run = cli.run(
        &create_args("ona-proxied", demo::BACKEND_PROJECT_ID, &[]),
        &line(demo::ONA_PAT),
    );
    // The sandbox serves Ona under /api only: its 404 is "could not check", not a rejection.
    run.expect(0)
        .stderr_has("warning: could not check with Ona");
    let asked: Vec<RecordedRequest> = sb
        .requests()
        .into_iter()
        .filter(|r| r.path.contains("gitpod.v1."))
        .collect();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(
        asked[0].path,
        "/ona/gitpod.v1.IdentityService/GetAuthenticatedIdentity"
    );
    assert_eq!(asked[0].header("connect-protocol-version"), Some("1"));
}

#[test]
fn bad_credentials_fail_with_401() {
    let sb = sandbox();
    let cli = signed_in(&sb).env(
        "INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET",
        "wrong-secret-value",
    );
    let run = cli.run(
        &create_args("ona-x", demo::BACKEND_PROJECT_ID, &[]),
        &line(demo::ONA_PAT),
    );
    run.expect(1)
        .stderr_has("401")
        .stderr_has("Invalid credentials")
        .stderr_has("reqId");
    assert!(!run.stderr.contains("wrong-secret-value"), "{run:#?}");
    // The login was the only request: never retried (Infisical locks after three).
    let log = sb.request_log();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0].path, "/api/v1/auth/universal-auth/login");
    assert!(sb.connections().is_empty());
}

#[test]
fn a_500_with_nothing_created_says_sending_again_is_safe() {
    let sb = sandbox();
    sb.add_fault(Fault::new(FaultRoute::Create, 1, FaultAction::Status500));
    let cli = signed_in(&sb);
    let run = cli.run(
        &create_args("ona-500", demo::BACKEND_PROJECT_ID, &[]),
        &line(demo::ONA_PAT),
    );
    run.expect(1)
        .stderr_has("500")
        .stderr_has("safe to send again");
    assert_eq!(creates(&sb).len(), 1, "{:?}", sb.request_log());
    // Looked up after the failure (besides the lookup before the create).
    let lookups = sb
        .requests()
        .iter()
        .filter(|r| r.path.contains("connection-name/ona-500"))
        .count();
    assert!(lookups >= 2, "{:?}", sb.request_log());
    assert!(sb.connections().is_empty());
}

#[test]
fn a_lost_answer_is_reconciled_by_name_without_a_second_post() {
    let sb = sandbox();
    sb.add_fault(Fault::new(
        FaultRoute::Create,
        1,
        FaultAction::StoreThenDrop,
    ));
    let cli = signed_in(&sb);
    let run = cli.run(
        &create_args("ona-lost", demo::BACKEND_PROJECT_ID, &[]),
        &line(demo::ONA_PAT),
    );
    run.expect(0)
        .stdout_has("Created Ona connection ona-lost")
        .stdout_has("found it by name");
    assert_eq!(sb.connections().len(), 1);
    assert_eq!(creates(&sb).len(), 1, "{:?}", sb.request_log());

    // With --json the recovered connection is printed like a fresh one.
    sb.add_fault(Fault::new(
        FaultRoute::Create,
        1,
        FaultAction::StoreThenDrop,
    ));
    let run = cli.run(
        &create_args("ona-lost-2", demo::BACKEND_PROJECT_ID, &["--json"]),
        &line(demo::ONA_PAT),
    );
    run.expect(0);
    let stored = sb.connections();
    assert_eq!(stored.len(), 2);
    assert_eq!(run.stdout_json()["id"], stored[1].id.to_string());
}

#[test]
fn dry_run_signs_in_and_prints_the_request_without_the_token() {
    let sb = sandbox();
    let cli = signed_in(&sb);
    let run = cli.run(
        &create_args(
            "ona-dry",
            demo::BACKEND_PROJECT_ID,
            &["--dry-run", "--description", "just looking"],
        ),
        &line(demo::ONA_PAT),
    );
    run.expect(0)
        .stdout_has(r#""personalAccessToken": "<redacted>""#);
    let out = run.stdout_json();
    assert_eq!(out["method"], "POST");
    assert_eq!(
        out["url"],
        format!("{}/api/v1/app-connections/ona", sb.url())
    );
    assert_eq!(
        out["body"],
        json!({
            "name": "ona-dry",
            "description": "just looking",
            "method": "personal-access-token",
            "projectId": demo::BACKEND_PROJECT_ID,
            "credentials": { "personalAccessToken": "<redacted>" },
        })
    );
    // Signed in, created nothing.
    assert!(
        sb.requests()
            .iter()
            .any(|r| r.path == "/api/v1/auth/universal-auth/login")
    );
    assert!(creates(&sb).is_empty(), "{:?}", sb.request_log());
    assert!(sb.connections().is_empty());
    // Local validation still applies.
    cli.run(
        &create_args("Bad Name", demo::BACKEND_PROJECT_ID, &["--dry-run"]),
        &line(demo::ONA_PAT),
    )
    .expect(2);
}

// ---------------------------------------------------------------------------------------
// list

#[test]
fn list_prints_a_table_or_a_json_array_and_filters_by_project() {
    let sb = sandbox();
    let cli = signed_in(&sb);
    cli.run(&["list"], "")
        .expect(0)
        .stdout_has("No Ona connections are visible");
    let back = create_ok(&cli, "ona-backend", demo::BACKEND_PROJECT_ID);
    let front = create_ok(&cli, "ona-frontend", demo::FRONTEND_PROJECT_ID);

    let run = cli.run(&["list"], "");
    run.expect(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    assert!(lines[0].starts_with("NAME") && lines[0].contains("UPDATED"));
    for (line, value, project) in [
        (lines[1], &back, demo::BACKEND_PROJECT_NAME),
        (lines[2], &front, demo::FRONTEND_PROJECT_NAME),
    ] {
        assert!(line.contains(value["name"].as_str().unwrap()), "{line}");
        assert!(line.contains(project), "{line}");
        assert!(line.contains(value["id"].as_str().unwrap()), "{line}");
    }

    let all = cli.run(&["list", "--json"], "");
    all.expect(0);
    let all = all.stdout_json();
    let ids: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [back["id"].as_str().unwrap(), front["id"].as_str().unwrap()]
    );

    let only = cli.run(
        &["list", "--json", "--project", demo::FRONTEND_PROJECT_ID],
        "",
    );
    only.expect(0);
    let only = only.stdout_json();
    assert_eq!(only.as_array().unwrap().len(), 1);
    assert_eq!(only[0]["id"], front["id"]);
    assert_eq!(only[0]["project"]["name"], demo::FRONTEND_PROJECT_NAME);
    // INFISICAL_PROJECT_ID filters the same way.
    let env_only = signed_in(&sb)
        .env("INFISICAL_PROJECT_ID", demo::BACKEND_PROJECT_ID)
        .run(&["list"], "");
    env_only.expect(0).stdout_has("ona-backend");
    assert!(!env_only.stdout.contains("ona-frontend"), "{env_only:#?}");
    let last = sb.requests().pop().unwrap();
    assert_eq!(
        last.query.as_deref(),
        Some(format!("projectId={}", demo::BACKEND_PROJECT_ID).as_str())
    );
}

#[test]
fn list_of_an_unknown_project_fails() {
    let sb = sandbox();
    let run = signed_in(&sb).run(&["list", "--project", UNKNOWN_PROJECT, "--json"], "");
    run.expect(1).stderr_has("404");
    assert_eq!(run.stderr_json()["status"], 404);
    assert_eq!(run.stdout, "");
}

// ---------------------------------------------------------------------------------------
// rotate

#[test]
fn rotate_by_name_replaces_the_token_and_keeps_the_id() {
    let sb = sandbox();
    let cli = signed_in(&sb);
    let before = create_ok(&cli, "ona-rot", demo::BACKEND_PROJECT_ID);
    sb.add_ona_pat(NEW_PAT, pat("infisical integration 2"));
    sb.clear_requests();
    let run = cli.run(
        &[
            "rotate",
            "--name",
            "ona-rot",
            "--project",
            demo::BACKEND_PROJECT_ID,
            "--pat-stdin",
        ],
        &line(NEW_PAT),
    );
    run.expect(0);
    let stored = &sb.connections()[0];
    assert_eq!(stored.id.to_string(), before["id"].as_str().unwrap());
    assert_eq!(stored.personal_access_token, NEW_PAT);
    let old_hash = before["credentialsHash"].as_str().unwrap();
    assert_ne!(stored.credentials_hash, old_hash);
    run.stdout_has(&format!("Rotated the token of ona-rot ({})", stored.id))
        .stdout_has(&format!(
            "credentialsHash  {old_hash} -> {}",
            stored.credentials_hash
        ))
        .stdout_has("updatedAt");
    let updated_line = run
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("updatedAt"))
        .unwrap();
    assert!(
        !updated_line.contains(before["updatedAt"].as_str().unwrap()),
        "{updated_line}"
    );

    // The PATCH carried the new token and nothing else; the new token was checked with Ona.
    let patch = patches(&sb);
    assert_eq!(patch.len(), 1);
    assert_eq!(patch[0].path, format!("{CREATE_PATH}/{}", stored.id));
    assert_eq!(
        patch[0].json().unwrap(),
        json!({ "credentials": { "personalAccessToken": NEW_PAT } })
    );
    assert!(sb.requests().iter().any(|r| {
        r.path.contains("GetAuthenticatedIdentity")
            && r.header("authorization") == Some(format!("Bearer {NEW_PAT}").as_str())
    }));
}

#[test]
fn rotate_by_id_with_json_prints_the_updated_connection() {
    let sb = sandbox();
    let cli = signed_in(&sb);
    let before = create_ok(&cli, "ona-rot-id", demo::FRONTEND_PROJECT_ID);
    sb.add_ona_pat(NEW_PAT, pat("infisical integration 2"));
    let id = before["id"].as_str().unwrap();
    let run = cli.run(
        &["rotate", "--id", id, "--pat-stdin", "--json"],
        &line(NEW_PAT),
    );
    run.expect(0);
    let after = run.stdout_json();
    assert_eq!(after["id"], before["id"]);
    assert_eq!(after["name"], "ona-rot-id");
    assert_ne!(after["credentialsHash"], before["credentialsHash"]);
    assert_ne!(after["updatedAt"], before["updatedAt"]);
    assert_eq!(
        after["credentialsHash"],
        sb.connections()[0].credentials_hash.as_str()
    );
    assert_eq!(patches(&sb).len(), 1);
}

#[test]
fn after_rotation_the_old_token_is_refused_before_any_patch() {
    let sb = sandbox();
    let cli = signed_in(&sb);
    let created = create_ok(&cli, "ona-old", demo::BACKEND_PROJECT_ID);
    let rotate = [
        "rotate",
        "--name",
        "ona-old",
        "--project",
        demo::BACKEND_PROJECT_ID,
        "--pat-stdin",
    ];
    sb.add_ona_pat(NEW_PAT, pat("infisical integration 2"));
    cli.run(&rotate, &line(NEW_PAT)).expect(0);
    let rotated_hash = sb.connections()[0].credentials_hash.clone();
    assert_ne!(rotated_hash, created["credentialsHash"].as_str().unwrap());

    // The user deletes the old token in Ona, then (by mistake) feeds it again.
    assert!(sb.revoke_ona_pat(demo::ONA_PAT));
    sb.clear_requests();
    cli.run(&rotate, &line(demo::ONA_PAT))
        .expect(1)
        .stderr_has("Ona rejected the token");
    assert!(patches(&sb).is_empty(), "{:?}", sb.request_log());
    let stored = &sb.connections()[0];
    assert_eq!(stored.personal_access_token, NEW_PAT);
    assert_eq!(stored.credentials_hash, rotated_hash);
    assert_eq!(stored.id.to_string(), created["id"].as_str().unwrap());
}

#[test]
fn rotate_of_an_unknown_connection_fails() {
    let sb = sandbox();
    let cli = signed_in(&sb);
    let run = cli.run(
        &[
            "rotate",
            "--name",
            "no-such",
            "--project",
            demo::BACKEND_PROJECT_ID,
            "--pat-stdin",
        ],
        &line(demo::ONA_PAT),
    );
    run.expect(1).stderr_has("no Ona connection named no-such");
    let run = cli.run(
        &[
            "rotate",
            "--id",
            "c0c0c0c0-0000-4000-8000-00000000dead",
            "--pat-stdin",
        ],
        &line(demo::ONA_PAT),
    );
    run.expect(1).stderr_has("404");
    assert!(patches(&sb).is_empty());
}

// ---------------------------------------------------------------------------------------
// errors as JSON

#[test]
fn every_error_with_json_is_one_json_object_on_stderr() {
    let sb = sandbox();
    let cli = signed_in(&sb);
    create_ok(&cli, "taken", demo::BACKEND_PROJECT_ID);
    let cases: Vec<(Vec<&str>, &str, i32, &str)> = vec![
        (
            create_args("Bad_Name", demo::BACKEND_PROJECT_ID, &["--json"]),
            demo::ONA_PAT,
            2,
            "--name",
        ),
        (
            create_args("taken", demo::BACKEND_PROJECT_ID, &["--json"]),
            demo::ONA_PAT,
            1,
            "already exists",
        ),
        (
            create_args("fresh", demo::BACKEND_PROJECT_ID, &["--json"]),
            BAD_PAT,
            1,
            "Ona rejected the token",
        ),
        (
            create_args("fresh", UNKNOWN_PROJECT, &["--json"]),
            demo::ONA_PAT,
            1,
            "Could not find project",
        ),
        (
            vec!["rotate", "--name", "nope", "--pat-stdin", "--json"],
            demo::ONA_PAT,
            1,
            "no Ona connection named nope",
        ),
    ];
    for (args, token, code, text) in cases {
        let run = cli.run(&args, &line(token));
        run.expect(code).stderr_has(text);
        assert_eq!(run.stdout, "", "{run:#?}");
        let error = run.stderr_json();
        assert!(error.get("message").is_some(), "{error}");
        assert!(error.to_string().contains(text), "{error}");
    }
    let run = bare()
        .env("INFISICAL_DOMAIN", &sb.url())
        .run(&["list", "--json"], "");
    run.expect(2);
    assert_eq!(run.stderr_json()["error"], "UsageError");

    // Settings that cannot be used are errors like any other: a refused domain, a broken
    // config file.
    let run = cli.run(&["list", "--json", "--domain", "ftp://example.com"], "");
    run.expect(2).stderr_has("--domain");
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr_json()["error"], "UsageError");
    let config = cli.home().path().join("broken.toml");
    std::fs::write(&config, "bogus = 1\n").unwrap();
    let config = config.display().to_string();
    let run = cli.run(
        &create_args(
            "fresh",
            demo::BACKEND_PROJECT_ID,
            &["--json", "--config", &config],
        ),
        &line(demo::ONA_PAT),
    );
    run.expect(2).stderr_has("broken.toml:1:1");
    assert!(
        run.stderr_json()["message"]
            .as_str()
            .unwrap()
            .contains("unknown field")
    );
}

/// Fails unless `text` is free of raw control (C0 but the line break, DEL, C1), line
/// separator and bidi or zero-width characters.
fn assert_no_raw_hostile_characters(what: &str, text: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|c| {
            (c.is_control() && *c != '\n')
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
        })
        .collect();
    assert!(bad.is_empty(), "{what}: raw {bad:?} in {text:?}");
}

/// `list --json`, `status --json` and a JSON error carry the server's values unchanged for a
/// JSON reader, with every control and bidi character written as a `\uXXXX` escape: the same
/// in every command.
#[test]
fn json_output_keeps_server_values_and_escapes_what_a_terminal_acts_on() {
    let sb = sandbox();
    let cli = signed_in(&sb);
    let hostile = "evil\u{202E}gnp.exe\u{202C}\u{9B}31m\u{1b}]0;title\u{7}\u{200B}\u{2028}\u{7f}";
    let mut body: Value = serde_json::from_str(&fixture("list-response.json")).unwrap();
    body["appConnections"][0]["name"] = json!(hostile);
    body["appConnections"][0]["description"] = json!(hostile);
    body["appConnections"][0]["project"]["name"] = json!(hostile);
    let body = body.to_string();
    for command in ["list", "status"] {
        sb.add_fault(Fault::new(
            FaultRoute::ListConnections,
            2,
            FaultAction::Status(200, body.clone(), Some("application/json".into())),
        ));
        let run = cli.run(&[command, "--json"], "");
        assert!(run.code == 0 || command == "status", "{run:#?}");
        assert_no_raw_hostile_characters(command, &run.stdout);
        let value = run.stdout_json();
        let first = &value[0];
        assert_eq!(
            first["name"], hostile,
            "{command}: the name as the server sent it"
        );
        let project = if command == "list" {
            &first["project"]["name"]
        } else {
            &first["projectName"]
        };
        assert_eq!(project, hostile, "{command}");
        assert!(
            run.stdout.contains("\\u202e") && run.stdout.contains("\\u009b"),
            "{command}: {}",
            run.stdout
        );
        // The table is for the terminal: cleaned, not escaped.
        let table = cli.run(&[command], "");
        assert!(table.stdout.contains("evil"), "{table:#?}");
        assert_no_raw_hostile_characters(command, &table.stdout);
    }
    let error =
        json!({ "statusCode": 400, "error": hostile, "message": hostile, "reqId": hostile });
    sb.add_fault(Fault::new(
        FaultRoute::ListConnections,
        1,
        FaultAction::Status(400, error.to_string(), Some("application/json".into())),
    ));
    let run = cli.run(&["list", "--json"], "");
    run.expect(1);
    assert_no_raw_hostile_characters("the error", &run.stderr);
    let error = run.stderr_json();
    assert_eq!(error["error"], hostile);
    assert_eq!(error["message"][0], hostile);
    assert_eq!(error["reqId"], hostile);
}

// ---------------------------------------------------------------------------------------
// without a terminal: fail at once, naming what is missing
//
// "At once" is shown by behaviour, not by a stopwatch: these runs keep stdin an open, empty
// pipe (a command that waited for input would hang until the hang guard kills it and fails
// the test) and the sandbox receives no request.

/// Exit 2, every one of `names` on stderr, nothing on stdout.
fn assert_usage_error(run: &Run, names: &[&str]) {
    run.expect(2);
    for name in names {
        run.stderr_has(name);
    }
    assert_eq!(run.stdout, "", "{run:#?}");
}

#[test]
fn create_without_a_project_names_the_flag_and_the_variable() {
    let sb = sandbox();
    let run = signed_in(&sb).run_stdin_open(&["create", "--name", "ona-x", "--pat-stdin"]);
    assert_usage_error(&run, &["--project", "INFISICAL_PROJECT_ID"]);
    assert!(sb.requests().is_empty());
}

#[test]
fn create_without_credentials_names_the_variables() {
    let sb = sandbox();
    let cli = bare()
        .env("INFISICAL_DOMAIN", &sb.url())
        .env("ONA_API_URL", &sb.ona_api_url());
    let names = [
        "INFISICAL_TOKEN",
        "INFISICAL_UNIVERSAL_AUTH_CLIENT_ID",
        "INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET",
    ];
    let args = create_args("ona-x", demo::BACKEND_PROJECT_ID, &[]);
    // With the token given, and with stdin left open and empty: no waiting for a token that
    // could not be used anyway.
    assert_usage_error(&cli.run(&args, &line(demo::ONA_PAT)), &names);
    assert_usage_error(&cli.run_stdin_open(&args), &names);
    // Only the client id is not enough either.
    let half = bare()
        .env("INFISICAL_DOMAIN", &sb.url())
        .env("INFISICAL_UNIVERSAL_AUTH_CLIENT_ID", demo::CLIENT_ID);
    assert_usage_error(
        &half.run(&args, &line(demo::ONA_PAT)),
        &["INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET"],
    );
    assert!(sb.requests().is_empty(), "{:?}", sb.request_log());
}

#[test]
fn rotate_without_pat_stdin_and_no_terminal_names_the_flag() {
    let sb = sandbox();
    let run = signed_in(&sb).run_stdin_open(&["rotate", "--name", "ona-x"]);
    assert_usage_error(&run, &["--pat-stdin"]);
    assert!(sb.requests().is_empty());
}

#[test]
fn the_wizard_without_a_terminal_fails_at_once_and_points_to_create() {
    let sb = sandbox();
    let cli = signed_in(&sb);
    // Stdin an open pipe that never sends anything, and stdin /dev/null: neither is a
    // terminal, and a wizard that waited for one would hang.
    for stdin in [Stdin::Open, Stdin::Null] {
        let run = cli.run_with(&[], &[], stdin);
        assert_usage_error(&run, &["ona-connect create", "--pat-stdin"]);
        run.assert_no_escapes();
    }
    assert!(sb.requests().is_empty(), "{:?}", sb.request_log());
}

// ---------------------------------------------------------------------------------------
// completions and man

#[test]
fn completions_for_every_shell_and_the_man_page() {
    let cli = bare();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = cli.run(&["completions", shell], "");
        run.expect(0).stdout_has("ona-connect");
        assert!(run.stdout.len() > 200, "{shell}: {}", run.stdout);
        assert_eq!(run.stderr, "", "{shell}");
    }
    let man = cli.run(&["man"], "");
    man.expect(0).stdout_has(".TH").stdout_has("ona-connect");
    assert_eq!(man.stderr, "");
    let bad = cli.run(&["completions", "nosuch"], "");
    bad.expect(2).stderr_has("nosuch");
    assert_eq!(bad.stdout, "");
}

// ---------------------------------------------------------------------------------------
// Outcomes nobody knows: a signal or a lost answer during the write.

const FOUND: &str = "was sent and a lookup just now found it: the connection was created";

/// SIGTERM while Infisical holds a create it has already stored: the lookup on the way out
/// finds it, says so, and records it as an answered create would be.
#[test]
fn sigterm_during_a_stored_create_looks_it_up_and_says_it_was_created() {
    let sb = sandbox();
    sb.add_fault(Fault::new(
        FaultRoute::Create,
        1,
        FaultAction::StoreThenHold,
    ));
    let cli = signed_in(&sb);
    let config = cli.home().config_file().display().to_string();
    let running = cli.start(
        &create_args(
            "held",
            demo::BACKEND_PROJECT_ID,
            &["--json", "--config", &config],
        ),
        &line(demo::ONA_PAT),
    );
    common::eventually("the create is stored", || sb.connections().len() == 1);
    running.signal("TERM");
    let run = cli.wait(running);
    run.expect(143)
        .stderr_has(&format!("ona-connect: the create of held {FOUND}"));
    let id = sb.connections()[0].id.to_string();
    assert!(run.stderr.contains(&id), "{run:#?}");
    let error = run.stderr_json();
    assert_eq!(error["error"], "CreatedAfterAll");
    assert_eq!(error["connectionId"], id.as_str());
    assert!(run.stdout.is_empty(), "{run:#?}");
    let config = std::fs::read_to_string(cli.home().config_file()).expect("config written");
    assert!(config.contains(&id), "{config}");
}

#[test]
fn sigint_during_a_create_that_never_arrives_says_the_outcome_is_unknown() {
    let sb = sandbox();
    sb.add_fault(Fault::new(FaultRoute::Create, 1, FaultAction::Hang));
    let cli = signed_in(&sb);
    let running = cli.start(
        &create_args("hung", demo::BACKEND_PROJECT_ID, &[]),
        &line(demo::ONA_PAT),
    );
    common::eventually("the create is sent", || !creates(&sb).is_empty());
    running.signal("INT");
    let run = cli.wait(running);
    run.expect(130)
        .stderr_has("the create of hung was sent and its outcome is unknown")
        .stderr_has(&format!("--project {} list", demo::BACKEND_PROJECT_ID));
    assert!(!run.stderr.contains("nothing was created"), "{run:#?}");
}

/// The create's answer is lost and every lookup after it fails: not a plain failure (1) but
/// an unknown outcome (3), with how to check.
#[test]
fn a_create_whose_answer_and_lookups_are_lost_exits_3_and_says_how_to_check() {
    let sb = sandbox();
    common::lose_the_create_answer(&sb, 100);
    let cli = signed_in(&sb);
    let run = cli.run(
        &create_args("lost", demo::BACKEND_PROJECT_ID, &["--json"]),
        &line(demo::ONA_PAT),
    );
    run.expect(3)
        .stderr_has("the create of lost was sent and its outcome is unknown; check whether it exists with: ona-connect --domain");
    assert_eq!(run.stderr_json()["error"], "OutcomeUnknown");
    assert_eq!(sb.connections().len(), 1, "it was stored after all");
}

#[test]
fn sigterm_during_a_rotation_says_the_token_may_be_replaced() {
    let sb = sandbox();
    let cli = signed_in(&sb);
    create_ok(&cli, "to-rotate", demo::BACKEND_PROJECT_ID);
    sb.add_ona_pat(NEW_PAT, pat("rotated"));
    sb.add_fault(Fault::new(FaultRoute::Update, 1, FaultAction::Hang));
    let running = cli.start(
        &[
            "rotate",
            "--name",
            "to-rotate",
            "--project",
            demo::BACKEND_PROJECT_ID,
            "--pat-stdin",
        ],
        &line(NEW_PAT),
    );
    common::eventually("the new token is sent", || !patches(&sb).is_empty());
    running.signal("TERM");
    let run = cli.wait(running);
    run.expect(143)
        .stderr_has("the new token for to-rotate was sent and its outcome is unknown");
    assert!(!run.stderr.contains("no token was replaced"), "{run:#?}");
}
