//! The wizard against a misbehaving Infisical (the sandbox's fault injection), driven
//! in-process: in every case it stays responsive, says what happened, keeps every value and
//! never creates a second connection.

mod common;
mod headless;

use std::time::Duration;

use crossterm::event::KeyCode;
use headless::{Harness, eventually, timeouts};
use ona_connect::sandbox::{
    Fault, FaultAction, FaultRoute, RecordedRequest, Sandbox, SandboxOptions, demo,
};
use ona_connect::wizard::{Demo, Init};

fn init(site: &str) -> Init {
    Init {
        site: site.into(),
        client_id: Some(demo::CLIENT_ID.into()),
        client_secret: Some(ona_connect::secret::Secret::new(demo::CLIENT_SECRET)),
        demo: Some(Demo {
            ona_token: demo::ONA_PAT.into(),
        }),
        skip_ona_check: true,
        ..Init::default()
    }
}

/// Signs in, goes through the guide, fills the form and stops on Review.
async fn to_review(h: &Harness) {
    h.wait_for("Sign in to Infisical").await;
    h.enter();
    // A sign-in the user started goes straight on to the guide.
    for title in [
        "Open your user settings",
        "Select the Personal",
        "Create the token",
        "Copy the token",
    ] {
        h.wait_for(title).await;
        h.enter();
    }
    h.wait_for("Connection details").await;
    h.paste(demo::ONA_PAT);
    h.key(KeyCode::BackTab);
    h.text("kept description");
    h.enter();
    h.wait_for("Nothing has been sent yet").await;
}

fn is_create(r: &RecordedRequest) -> bool {
    r.method == "POST" && r.path.trim_end_matches('/') == "/api/v1/app-connections/ona"
}

fn posts(sb: &Sandbox) -> usize {
    sb.requests().iter().filter(|r| is_create(r)).count()
}

/// The sandbox holds exactly one request that `matches`, and has not answered it yet.
fn in_flight(sb: &Sandbox, matches: fn(&RecordedRequest) -> bool) -> bool {
    let found: Vec<RecordedRequest> = sb.requests().into_iter().filter(matches).collect();
    found.len() == 1 && found[0].status.is_none()
}

fn is_ona_identity(r: &RecordedRequest) -> bool {
    r.path == "/api/gitpod.v1.IdentityService/GetAuthenticatedIdentity"
}

fn assert_values_kept(screen: &str) {
    assert!(screen.contains("kept description"), "{screen}");
    assert!(screen.contains("(37 characters)"), "{screen}");
}

/// Long enough for a loaded machine to open and close Help while the answer is held back.
const SLOW: Duration = Duration::from_secs(3);

#[tokio::test]
async fn a_slow_server_leaves_the_ui_responsive() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    sb.add_fault(Fault::new(FaultRoute::Create, 1, FaultAction::Delay(SLOW)));
    let h = Harness::start(init(&sb.url()), timeouts(Duration::from_secs(10)), None);
    to_review(&h).await;
    h.enter();
    h.wait_for("Creating \"ona\"").await;
    // The create has reached the sandbox, which holds back its answer.
    eventually("the create in flight", || in_flight(&sb, is_create)).await;
    // Help opens and closes over the Submitting screen while the create is still unanswered:
    // a UI that waited for the request could draw neither before the answer.
    h.key(KeyCode::F(1));
    let help = h.wait_for("Keys").await;
    assert!(
        in_flight(&sb, is_create),
        "Help opened only after the answer: {:?}",
        sb.request_log()
    );
    assert!(!help.contains("Connection created"), "{help}");
    h.key(KeyCode::Esc);
    let closed = h.wait_until("Help closed", |s| !s.contains("Keys")).await;
    assert!(
        in_flight(&sb, is_create),
        "Help closed only after the answer: {:?}",
        sb.request_log()
    );
    assert!(closed.contains("Creating \"ona\""), "{closed}");
    h.wait_for("Connection created").await;
    assert_eq!((posts(&sb), sb.connections().len()), (1, 1));
}

#[tokio::test]
async fn a_500_is_checked_by_name_and_not_resent_blindly() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    sb.add_fault(Fault::new(FaultRoute::Create, 1, FaultAction::Status500));
    let h = Harness::start(init(&sb.url()), timeouts(Duration::from_secs(10)), None);
    to_review(&h).await;
    h.enter();
    h.wait_for("no connection was created").await;
    assert_eq!(posts(&sb), 1, "not re-sent without the user");
    assert_values_kept(&h.screen());
    h.enter();
    h.wait_for("Connection created").await;
    assert_eq!((posts(&sb), sb.connections().len()), (2, 1));
}

#[tokio::test]
async fn a_rate_limit_says_when_to_try_again() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    sb.add_fault(Fault::new(
        FaultRoute::Create,
        1,
        FaultAction::Status429 {
            retry_after: Some(30),
        },
    ));
    let h = Harness::start(init(&sb.url()), timeouts(Duration::from_secs(10)), None);
    to_review(&h).await;
    h.enter();
    h.wait_for("try again in 30 seconds").await;
    assert_values_kept(&h.screen());
    assert_eq!((posts(&sb), sb.connections().len()), (1, 0));
}

#[tokio::test]
async fn a_dropped_answer_after_the_create_finds_the_connection() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    sb.add_fault(Fault::new(
        FaultRoute::Create,
        1,
        FaultAction::StoreThenDrop,
    ));
    let h = Harness::start(init(&sb.url()), timeouts(Duration::from_secs(10)), None);
    to_review(&h).await;
    h.enter();
    h.wait_for("a lookup by name found it").await;
    assert_eq!((posts(&sb), sb.connections().len()), (1, 1));
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_and_keeps_the_values() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    sb.add_fault(Fault::new(FaultRoute::Create, 1, FaultAction::Hang));
    let h = Harness::start(init(&sb.url()), timeouts(Duration::from_millis(800)), None);
    to_review(&h).await;
    h.enter();
    h.wait_for("no answer from 127.0.0.1").await;
    h.wait_for("no connection was created").await;
    assert_values_kept(&h.screen());
    assert_eq!((posts(&sb), sb.connections().len()), (1, 0));
}

#[tokio::test]
async fn an_unreachable_infisical_is_reported_on_sign_in() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let site = format!("http://127.0.0.1:{}", closed.local_addr().unwrap().port());
    drop(closed);
    let h = Harness::start(init(&site), timeouts(Duration::from_secs(5)), None);
    h.wait_for("Sign in to Infisical").await;
    h.enter();
    h.wait_for("could not connect to 127.0.0.1").await;
    assert!(
        h.screen().contains(demo::CLIENT_ID),
        "the client id is still there"
    );
}

#[tokio::test]
async fn a_slow_ona_shows_checking_and_the_form_stays_usable() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    sb.add_fault(Fault::new(
        FaultRoute::OnaIdentity,
        1,
        FaultAction::Delay(SLOW),
    ));
    let ona = ona_connect::ona::OnaApi::parse(&sb.ona_api_url()).ok();
    let init = Init {
        skip_ona_check: false,
        ..init(&sb.url())
    };
    let h = Harness::start(init, timeouts(Duration::from_secs(10)), ona);
    h.wait_for("Sign in to Infisical").await;
    h.enter();
    h.wait_for("Signed in to").await;
    for _ in 0..4 {
        h.enter();
    }
    h.wait_for("Connection details").await;
    h.paste(demo::ONA_PAT);
    h.wait_for("checking the token with Ona").await;
    eventually("the Ona check in flight", || {
        in_flight(&sb, is_ona_identity)
    })
    .await;
    // Typing reaches the form while Ona has not answered yet: the check does not block it.
    h.key(KeyCode::BackTab);
    h.text("typed while waiting");
    let typed = h.wait_for("typed while waiting").await;
    assert!(
        in_flight(&sb, is_ona_identity),
        "the typing showed only after Ona answered: {:?}",
        sb.request_log()
    );
    assert!(typed.contains("checking the token with Ona"), "{typed}");
    h.wait_for("✓ valid: Dana Developer (dana@example.com)")
        .await;
}

#[tokio::test]
async fn a_config_file_that_cannot_be_written_loses_nothing() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // The config's folder is a file, so saving must fail.
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, "x").unwrap();
    let h = Harness::start_with_config(
        init(&sb.url()),
        timeouts(Duration::from_secs(10)),
        None,
        Some(blocker.join("config.toml")),
    );
    to_review(&h).await;
    h.enter();
    h.wait_for("Connection created").await;
    h.wait_for("choices not remembered").await;
    let id = sb.connections()[0].id.to_string();
    assert!(h.screen().contains(&id), "the result is still shown");
    h.enter();
    let outcome = h.run.await.unwrap().unwrap();
    assert!(
        matches!(outcome, ona_connect::wizard::Outcome::Created(c) if c.connection.id == id && c.config_warning.is_some())
    );
}
