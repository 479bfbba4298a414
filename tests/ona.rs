//! The Ona pre-check and expiry lookup against the sandbox's emulated Ona, and the `status`
//! command run as a real process against the sandbox.

mod common;

use std::time::Duration;

use common::{Home, Run, Stdin};

use ona_connect::infisical::{Client, ClientOptions, CreateRequest, Credentials, Domain};
use ona_connect::ona::{Expiry, OnaApi, OnaClient, OnaError, SUGGESTED_DESCRIPTION};
use ona_connect::sandbox::{Fault, FaultAction, FaultRoute, OnaPat, Sandbox, SandboxOptions, demo};
use ona_connect::secret::Secret;
use time::OffsetDateTime;

fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).unwrap()
}

fn ona(sandbox: &Sandbox) -> OnaClient {
    OnaClient::new(
        OnaApi::parse(&sandbox.ona_api_url()).unwrap(),
        Duration::from_secs(5),
    )
    .unwrap()
}

/// Ona's check of `token` as the wizard asks it, now.
async fn check_now(
    client: &OnaClient,
    token: &str,
) -> Result<ona_connect::ona::TokenCheck, OnaError> {
    client
        .check(
            &Secret::new(token),
            SUGGESTED_DESCRIPTION,
            OffsetDateTime::now_utc(),
        )
        .await
}

fn pat(description: &str, days: i64, can_list: bool) -> OnaPat {
    let now = OffsetDateTime::now_utc();
    OnaPat {
        description: description.into(),
        created_at: now - time::Duration::days(1),
        expires_at: now + time::Duration::days(days),
        can_list,
    }
}

#[tokio::test]
async fn a_valid_token_resolves_to_its_identity_and_expiry() {
    let sb = sandbox();
    let check = check_now(&ona(&sb), demo::ONA_PAT).await.unwrap();
    assert_eq!(check.identity.organization_id, demo::ONA_ORG_ID);
    assert_eq!(check.identity.principal, "PRINCIPAL_USER");
    assert_eq!(check.identity.who(), "Dana Developer (dana@example.com)");
    let Expiry::Known(record) = check.expiry else {
        panic!("{:?}", check.expiry)
    };
    assert!(!record.read_only);
    assert_eq!(record.description, demo::ONA_PAT_DESCRIPTION);
    let days = ona_connect::ona::days_until(record.expires_at.unwrap(), OffsetDateTime::now_utc());
    assert!((59..=60).contains(&days), "{days}");
    // The token went to the Ona endpoints only, as a bearer token.
    for r in sb.requests() {
        assert!(r.path.starts_with("/api/gitpod.v1."), "{}", r.path);
        assert_eq!(
            r.header("authorization"),
            Some(format!("Bearer {}", demo::ONA_PAT).as_str())
        );
    }
}

#[tokio::test]
async fn a_bad_token_is_rejected_with_onas_code() {
    let sb = sandbox();
    let err = ona(&sb)
        .check(&Secret::new("not-a-token"), "", OffsetDateTime::now_utc())
        .await
        .unwrap_err();
    let OnaError::Rejected {
        status,
        code,
        message,
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!((status, code.as_str()), (401, "unauthenticated"));
    assert!(
        message.contains("invalid personal access token"),
        "{message}"
    );
    // A revoked token too.
    sb.add_ona_pat("revoked-pat", pat("old", 30, true));
    sb.revoke_ona_pat("revoked-pat");
    assert!(matches!(
        ona(&sb).identity(&Secret::new("revoked-pat")).await,
        Err(OnaError::Rejected { .. })
    ));
}

/// The request the program sends for an Ona base with a path: the base as given (no `/api`
/// added), with the Connect protocol header Ona's SDK sends.
#[tokio::test]
async fn an_api_base_with_a_path_is_used_as_given() {
    let sb = sandbox();
    let client = OnaClient::new(
        OnaApi::parse(&format!("{}/ona", sb.url())).unwrap(),
        Duration::from_secs(5),
    )
    .unwrap();
    let err = client
        .identity(&Secret::new(demo::ONA_PAT))
        .await
        .unwrap_err();
    // The sandbox serves Ona under /api only: a 404 there is "could not check", not a rejection.
    assert!(
        matches!(err, OnaError::Failed { status: 404, .. }),
        "{err:?}"
    );
    let sent = sb.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].path,
        "/ona/gitpod.v1.IdentityService/GetAuthenticatedIdentity"
    );
    assert_eq!(sent[0].header("connect-protocol-version"), Some("1"));
}

#[tokio::test]
async fn an_ona_that_is_down_is_not_a_rejection() {
    let sb = sandbox();
    sb.add_fault(Fault::new(
        FaultRoute::OnaIdentity,
        1,
        FaultAction::Status(
            503,
            r#"{"code":"unavailable","message":"try later"}"#.into(),
            Some("application/json".into()),
        ),
    ));
    let err = ona(&sb)
        .identity(&Secret::new(demo::ONA_PAT))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        OnaError::Failed {
            status: 503,
            code: "unavailable".into(),
            message: "try later".into()
        }
    );
    assert_eq!(
        ona_connect::session::ona_check::verdict(Err(err), OffsetDateTime::now_utc()),
        ona_connect::session::ona_check::OnaCheck::Unreachable(
            "could not check with Ona (HTTP 503, unavailable): try later".into()
        )
    );
}

#[tokio::test]
async fn an_unreachable_ona_is_reported_as_such() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let client = OnaClient::new(
        OnaApi::parse(&format!("http://127.0.0.1:{port}")).unwrap(),
        Duration::from_secs(2),
    )
    .unwrap();
    let err = client.identity(&Secret::new("x")).await.unwrap_err();
    assert!(matches!(err, OnaError::Unreachable { .. }), "{err:?}");
}

#[tokio::test]
async fn without_the_users_name_the_principal_is_kept_and_read_only_is_read() {
    let sb = sandbox();
    sb.add_fault(Fault::new(FaultRoute::OnaUser, 1, FaultAction::Status500));
    assert!(sb.make_ona_pat_read_only(demo::ONA_PAT));
    let check = check_now(&ona(&sb), demo::ONA_PAT).await.unwrap();
    assert_eq!(check.identity.person, None);
    assert_eq!(
        check.identity.who(),
        format!("PRINCIPAL_USER in Ona organization {}", demo::ONA_ORG_ID)
    );
    let Expiry::Known(record) = check.expiry else {
        panic!("{:?}", check.expiry)
    };
    assert!(record.read_only, "the record's readOnly is read");
}

#[tokio::test]
async fn a_slow_ona_times_out_as_unreachable() {
    let sb = sandbox();
    sb.add_fault(Fault::new(
        FaultRoute::OnaIdentity,
        1,
        FaultAction::Delay(Duration::from_secs(3)),
    ));
    let client = OnaClient::new(
        OnaApi::parse(&sb.ona_api_url()).unwrap(),
        Duration::from_millis(300),
    )
    .unwrap();
    let err = client
        .identity(&Secret::new(demo::ONA_PAT))
        .await
        .unwrap_err();
    assert!(matches!(err, OnaError::Unreachable { .. }), "{err:?}");
}

#[tokio::test]
async fn several_tokens_one_matching_description() {
    let sb = sandbox();
    sb.add_ona_pat("other-1", pat("laptop", 30, true));
    sb.add_ona_pat("mine", pat("infisical integration", 90, true));
    // Make every token "just used", so only the description can tell them apart.
    let client = ona(&sb);
    for t in ["other-1", demo::ONA_PAT] {
        client.identity(&Secret::new(t)).await.unwrap();
    }
    sb.revoke_ona_pat(demo::ONA_PAT);
    let check = check_now(&client, "mine").await.unwrap();
    let Expiry::Known(record) = check.expiry else {
        panic!("{:?}", check.expiry)
    };
    assert_eq!(record.description, "infisical integration");
}

#[tokio::test]
async fn several_lookalike_tokens_are_ambiguous() {
    let sb = sandbox();
    sb.add_ona_pat("a", pat("ci", 30, true));
    sb.add_ona_pat("b", pat("laptop", 45, true));
    let client = ona(&sb);
    for t in ["a", "b", demo::ONA_PAT] {
        client.identity(&Secret::new(t)).await.unwrap();
    }
    let check = client
        .check(
            &Secret::new("a"),
            "something else",
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    let Expiry::Choose(candidates) = check.expiry else {
        panic!("{:?}", check.expiry)
    };
    assert_eq!(candidates.len(), 3);
}

#[tokio::test]
async fn no_permission_to_list_skips_the_expiry_with_a_note() {
    let sb = sandbox();
    sb.add_ona_pat("narrow", pat("infisical integration", 30, false));
    let check = check_now(&ona(&sb), "narrow").await.unwrap();
    let Expiry::Unknown(note) = check.expiry else {
        panic!("{:?}", check.expiry)
    };
    assert!(
        note.contains("permission_denied") && note.contains("expiry date is unknown"),
        "{note}"
    );
}

async fn create(sb: &Sandbox, name: &str, description: &str, project: &str) {
    let client = Client::new(ClientOptions::new(Domain::parse(&sb.url()).unwrap())).unwrap();
    client
        .sign_in(Credentials::AccessToken(Secret::new(
            sb.issue_access_token(),
        )))
        .await
        .unwrap();
    let request = CreateRequest {
        name: name.into(),
        description: Some(description.into()),
        project_id: project.into(),
        token: Secret::new(demo::ONA_PAT),
    };
    client.create_connection(&request, false).await.unwrap();
}

/// `ona-connect status` against the sandbox, signed in with Universal Auth, remembering in
/// `home`'s config file.
fn status(sb: &Sandbox, home: &Home, extra: &[&str]) -> Run {
    let url = sb.url();
    let config = home.config_file().display().to_string();
    let mut args = vec!["status", "--domain", &url, "--config", &config];
    args.extend_from_slice(extra);
    let env = common::UA_ENV;
    let run = common::run(home, &args, &env, Stdin::Null);
    run.assert_never_printed(demo::ONA_PAT)
        .assert_never_printed(demo::CLIENT_SECRET);
    run
}

fn date_in(days: i64) -> String {
    ona_connect::ona::date_text(OffsetDateTime::now_utc() + time::Duration::days(days))
}

#[tokio::test]
async fn status_lists_soonest_first_and_fails_when_one_is_due() {
    let sb = sandbox();
    let home = Home::new();
    let config = home.config_file();
    create(
        &sb,
        "far",
        &format!("team · token expires {}", date_in(80)),
        demo::BACKEND_PROJECT_ID,
    )
    .await;
    create(&sb, "unknown", "no date", demo::FRONTEND_PROJECT_ID).await;
    let run = status(&sb, &home, &["--json"]);
    run.expect(0);
    let rows = run.stdout_json();
    assert_eq!(rows.as_array().unwrap().len(), 2);
    assert_eq!(rows[0]["name"], "far");
    assert_eq!(rows[0]["daysLeft"], 80);
    assert_eq!(rows[0]["source"], "description");
    assert_eq!(rows[1]["tokenExpires"], serde_json::Value::Null);

    // A date remembered in the config wins over the description.
    let far_id = sb
        .connections()
        .iter()
        .find(|c| c.name == "far")
        .unwrap()
        .id
        .to_string();
    std::fs::write(
        &config,
        format!("[[connections]]\nid = \"{far_id}\"\nname = \"far\"\ndomain = \"x\"\ntoken_expires = \"{}\"\n", date_in(5)),
    )
    .unwrap();
    create(
        &sb,
        "soon",
        &format!("token expires {}", date_in(10)),
        demo::BACKEND_PROJECT_ID,
    )
    .await;
    let run = status(&sb, &home, &[]);
    run.expect(1);
    let stdout = &run.stdout;
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[1].contains("far") && lines[1].contains("    5"),
        "{stdout}"
    );
    assert!(lines[2].contains("soon"), "{stdout}");
    assert!(lines[3].starts_with("unknown"), "{stdout}");
    assert!(
        stdout.contains("2 token(s) expire within 14 days"),
        "{stdout}"
    );
    // With a shorter warning window none is due. (Every run's output is also checked for the
    // token and the client secret by `status`.)
    let quiet = status(&sb, &home, &["--warn-days", "3"]);
    quiet.expect(0);
    assert!(
        !quiet.stdout.contains(demo::ONA_PAT) && !quiet.stderr.contains(demo::ONA_PAT),
        "{quiet:#?}"
    );
}

/// `status --ics FILE`: one event per connection with a recorded expiry, read back by an
/// iCalendar parser.
#[tokio::test]
async fn status_writes_a_calendar_reminder_per_recorded_expiry() {
    use icalendar::{Component, DatePerhapsTime};
    let sb = sandbox();
    let home = Home::new();
    for (name, days) in [("late", 40), ("early", 20)] {
        create(
            &sb,
            name,
            &format!("token expires {}", date_in(days)),
            demo::BACKEND_PROJECT_ID,
        )
        .await;
    }
    create(&sb, "undated", "no date", demo::FRONTEND_PROJECT_ID).await;
    let file = home.path().join("reminders.ics");
    let run = status(&sb, &home, &["--ics", &file.display().to_string()]);
    run.expect(0);
    assert!(
        run.stderr.contains("wrote 2 calendar reminder(s)"),
        "{run:#?}"
    );
    let text = std::fs::read_to_string(&file).unwrap();
    let calendar: icalendar::Calendar = text.parse().unwrap();
    let events: Vec<_> = calendar.events().collect();
    assert_eq!(events.len(), 2, "{text}");
    let early_id = sb
        .connections()
        .iter()
        .find(|c| c.name == "early")
        .unwrap()
        .id
        .to_string();
    let first = events[0];
    assert_eq!(
        first.get_summary().unwrap(),
        format!("Rotate the Ona token of early (expires {})", date_in(20))
    );
    let Some(DatePerhapsTime::Date(start)) = first.get_start() else {
        panic!("{:?}", first.get_start())
    };
    assert_eq!(start.to_string(), date_in(13), "a week before");
    let description = first.get_description().unwrap();
    assert!(
        description.contains(&format!(
            "ona-connect rotate --domain {} --id {early_id} --pat-stdin",
            sb.url()
        )),
        "{description}"
    );
    assert!(
        description.contains(demo::BACKEND_PROJECT_NAME),
        "{description}"
    );
    assert!(text.contains("BEGIN:VALARM"));
}

#[tokio::test]
async fn status_without_credentials_fails_at_once() {
    let sb = sandbox();
    let url = sb.url();
    // No credentials anywhere, stdin an open pipe: it must neither ask nor wait for them.
    let run = common::run(
        &Home::new(),
        &["status", "--domain", &url],
        &[],
        Stdin::Open,
    );
    run.expect(2).stderr_has("INFISICAL_TOKEN");
    assert!(sb.requests().is_empty(), "{:?}", sb.request_log());
}

/// `create --pat-stdin` looks the token's expiry up as the wizard does, records it and shows
/// it, so the `status` guard fires for connections made by scripts too.
#[test]
fn a_create_from_a_script_records_the_expiry_for_status() {
    let sb = sandbox();
    // A token that expires in 5 days: status must fail for it.
    sb.add_ona_pat("script-pat", pat(SUGGESTED_DESCRIPTION, 5, true));
    let home = Home::new();
    let url = sb.url();
    let ona = sb.ona_api_url();
    let config = home.config_file().display().to_string();
    let env = common::UA_ENV;
    let args = [
        "create",
        "--name",
        "scripted",
        "--project",
        demo::BACKEND_PROJECT_ID,
        "--pat-stdin",
        "--json",
        "--expiry-in-description",
        "--domain",
        &url,
        "--config",
        &config,
        "--ona-api-url",
        &ona,
    ];
    let run = common::run(&home, &args, &env, Stdin::Text("script-pat\n"));
    run.expect(0).assert_never_printed("script-pat");
    let created = run.stdout_json();
    let expires = date_in(5);
    assert_eq!(created["tokenExpires"], expires.as_str());
    assert_eq!(created["name"], "scripted");
    // Asked for: the date went into the description Infisical stored.
    let stored = sb.connections();
    assert_eq!(
        stored[0].description.as_deref(),
        Some(format!("token expires {expires}").as_str())
    );
    // Recorded in the config, so status knows it from there and fails: it is due.
    let file = ona_connect::config::load(&home.config_file()).unwrap();
    assert_eq!(file.connections.len(), 1);
    assert_eq!(
        file.connections[0].token_expires.as_deref(),
        Some(expires.as_str())
    );
    let run = status(&sb, &home, &["--json"]);
    run.expect(1);
    let rows = run.stdout_json();
    assert_eq!(rows[0]["source"], "config");
    assert_eq!(rows[0]["daysLeft"], 5);
}

/// A rotation from a script records the new token's expiry in place of the old one's, so
/// `status` watches the token now in use.
#[test]
fn a_rotation_from_a_script_records_the_new_expiry() {
    let sb = sandbox();
    sb.add_ona_pat("short-pat", pat(SUGGESTED_DESCRIPTION, 5, true));
    let home = Home::new();
    let (url, ona) = (sb.url(), sb.ona_api_url());
    let config = home.config_file().display().to_string();
    let env = common::UA_ENV;
    let common_args = [
        "--project",
        demo::BACKEND_PROJECT_ID,
        "--pat-stdin",
        "--json",
        "--domain",
        &url,
        "--config",
        &config,
        "--ona-api-url",
        &ona,
    ];
    let with = |first: &[&'static str]| -> Vec<&str> {
        first
            .iter()
            .copied()
            .chain(common_args.iter().copied())
            .collect()
    };
    let token = format!("{}\n", demo::ONA_PAT);
    let create = with(&["create", "--name", "scripted"]);
    common::run(&home, &create, &env, Stdin::Text(&token)).expect(0);
    // The old token is gone (revoked, as a replaced token should be): the new one is then
    // the only token of the user's it can be.
    assert!(sb.revoke_ona_pat(demo::ONA_PAT));
    let rotate = with(&["rotate", "--name", "scripted"]);
    let run = common::run(&home, &rotate, &env, Stdin::Text("short-pat\n"));
    run.expect(0).assert_never_printed("short-pat");
    let expires = date_in(5);
    assert_eq!(
        run.stdout_json()["tokenExpires"],
        expires.as_str(),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    let file = ona_connect::config::load(&home.config_file()).unwrap();
    assert_eq!(file.connections.len(), 1, "{:?}", file.connections);
    assert_eq!(
        file.connections[0].token_expires.as_deref(),
        Some(expires.as_str())
    );
    status(&sb, &home, &["--json"]).expect(1);
}

/// Ten scripts finishing at once against one config file keep all ten records.
#[test]
fn ten_concurrent_creates_keep_every_record_in_the_config() {
    let sb = sandbox();
    let home = Home::new();
    let url = sb.url();
    let ona = sb.ona_api_url();
    let config = home.config_file().display().to_string();
    std::thread::scope(|scope| {
        for i in 0..10 {
            let (home, url, ona, config) = (&home, &url, &ona, &config);
            scope.spawn(move || {
                let name = format!("parallel-{i}");
                let args = [
                    "create",
                    "--name",
                    &name,
                    "--project",
                    demo::BACKEND_PROJECT_ID,
                    "--pat-stdin",
                    "--domain",
                    url,
                    "--config",
                    config,
                    "--ona-api-url",
                    ona,
                ];
                let env = common::UA_ENV;
                let pat = format!("{}\n", demo::ONA_PAT);
                common::run(home, &args, &env, Stdin::Text(&pat)).expect(0);
            });
        }
    });
    assert_eq!(sb.connections().len(), 10);
    let file = ona_connect::config::load(&home.config_file()).unwrap();
    let mut names: Vec<String> = file.connections.into_iter().map(|c| c.name).collect();
    names.sort();
    let mut wanted: Vec<String> = (0..10).map(|i| format!("parallel-{i}")).collect();
    wanted.sort();
    assert_eq!(names, wanted);
    // A sandbox is never made the default site of later runs.
    assert_eq!(file.domain, None);
}
