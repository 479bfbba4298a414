//! The browser sign-in end to end. A real browser (headless `chromium`, see
//! `common::browser`) opens the sandbox's login page, whose script does what Infisical's page
//! does, and our listener on 127.0.0.1 receives the session; when nothing listens, the page
//! shows the token to paste and our decoder reads it. Then the wizard itself in a
//! pseudo-terminal: signed in by the loopback POST, by the pasted token and by the real
//! browser, and a create that carries that session — the session never on screen.

mod common;

use common::browser::{callback_port, chromium, hand_off, open, page_token};

use ona_connect::sandbox::{Sandbox, SandboxOptions, demo};
use ona_connect::session::browser_login::{Listener, decode_paste};

#[tokio::test(flavor = "multi_thread")]
async fn a_real_browser_hands_the_session_to_the_listener() {
    let Some(browser) = chromium() else { return };
    let sandbox = Sandbox::start(SandboxOptions::default()).unwrap();
    let listener = Listener::bind(&sandbox.url()).unwrap();
    let port = listener.port();
    let waiting = tokio::spawn(listener.wait(common::hang_guard()));
    let dom = open(
        &browser,
        &format!("{}/login?callback_port={port}&autostart", sandbox.url()),
    )
    .await;
    let handoff = waiting
        .await
        .unwrap()
        .expect("the browser's POST did not arrive");
    assert_eq!(handoff.token.expose(), demo::USER_TOKEN);
    assert_eq!(handoff.email, demo::USER_EMAIL);
    // The page could read the answer (CORS), so it shows success, not its fallback.
    assert!(dom.contains(r#"data-handoff="done""#), "{dom}");
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_listener_the_page_shows_a_token_that_pastes() {
    let Some(browser) = chromium() else { return };
    let sandbox = Sandbox::start(SandboxOptions::default()).unwrap();
    // A port nothing listens on: bound, then closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dom = open(
        &browser,
        &format!("{}/login?callback_port={port}&autostart", sandbox.url()),
    )
    .await;
    assert!(dom.contains(r#"data-handoff="failed""#), "{dom}");
    let start = dom.find(r#"<pre id="token">"#).expect("the fallback token") + 16;
    let token = &dom[start..start + dom[start..].find("</pre>").unwrap()];
    let handoff = decode_paste(token).expect("the pasted token decodes");
    assert_eq!(handoff.token.expose(), demo::USER_TOKEN);
}

// --- The wizard itself -------------------------------------------------------------------

use common::{ENTER, Home, REVIEW_SETTLED, Wizard, assert_never_shown};

/// The wizard against `sandbox` with nothing configured: no environment, no CLI.
fn newcomer(home: &Home, sandbox: &Sandbox) -> Wizard {
    let url = sandbox.url();
    let config = home.config_file().display().to_string();
    Wizard::spawn(home, &["--domain", &url, "--config", &config], &[])
}

/// Enter on the browser method, and the port of the link the screen shows.
fn start_browser_sign_in(w: &mut Wizard, site: &str) -> u16 {
    w.wait_for("‹ Browser ›");
    w.send(ENTER);
    callback_port(&w.wait_for("Waiting for the browser"), site)
}

/// After the sign-in: the user is named, straight on the first guide step. Then the token is
/// pasted there, and the connection is created; returns the create's Authorization header.
fn create_after_sign_in(w: &mut Wizard, sandbox: &Sandbox) -> String {
    let step = w.wait_for(&format!(
        "Signed in to {} as {} in {}.",
        sandbox.url(),
        demo::USER_EMAIL,
        demo::ORG_NAME
    ));
    assert!(step.contains("Open your user settings"), "{step}");
    w.paste(demo::ONA_PAT);
    w.wait_for("Connection details");
    w.wait_until("the masked token", |s| {
        s.contains(&"•".repeat(demo::ONA_PAT.len()))
    });
    w.wait_for(demo::BACKEND_PROJECT_NAME);
    w.send(ENTER);
    w.wait_for("Nothing has been sent yet");
    w.wait_for(REVIEW_SETTLED);
    w.send(ENTER);
    w.wait_for("✓ The Ona connection was created.");
    w.send(ENTER);
    assert_eq!(w.exit_code(), 0);
    let create = sandbox
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path == "/api/v1/app-connections/ona")
        .expect("the create was sent");
    create
        .header("authorization")
        .unwrap_or_default()
        .to_string()
}

#[test]
fn the_wizard_signs_in_by_the_loopback_post_and_creates_with_that_session() {
    let sandbox = Sandbox::start(SandboxOptions::default()).unwrap();
    let home = Home::new();
    let mut w = newcomer(&home, &sandbox);
    let port = start_browser_sign_in(&mut w, &sandbox.url());
    // Another page's POST is refused and signs nothing in.
    assert_eq!(hand_off(port, "https://evil.example"), 403);
    assert!(w.screen().contains("Waiting for the browser"));
    assert_eq!(hand_off(port, &sandbox.url()), 200);
    let authorization = create_after_sign_in(&mut w, &sandbox);
    assert_eq!(authorization, format!("Bearer {}", demo::USER_TOKEN));
    // The session was checked before it was called signed in (the official CLI does not).
    assert!(
        sandbox
            .requests()
            .iter()
            .any(|r| r.path == "/api/v1/auth/checkAuth")
    );
    assert_never_shown(&w.transcript(), demo::USER_TOKEN);
    assert_never_shown(&w.transcript(), demo::ONA_PAT);
}

#[test]
fn over_ssh_the_wizard_signs_in_with_the_pasted_page_token() {
    let sandbox = Sandbox::start(SandboxOptions::default()).unwrap();
    let home = Home::new();
    let url = sandbox.url();
    let config = home.config_file().display().to_string();
    let mut w = Wizard::spawn(
        &home,
        &["--domain", &url, "--config", &config],
        &[("SSH_CONNECTION", "192.0.2.1 50000 192.0.2.2 22")],
    );
    let port = start_browser_sign_in(&mut w, &url);
    w.wait_for(&format!("ssh -L {port}:127.0.0.1:{port}"));
    let page_token = page_token();
    w.paste(&page_token);
    w.wait_until("the masked page token", |s| {
        s.contains("Page token     ❯ •")
    });
    w.send(ENTER);
    let authorization = create_after_sign_in(&mut w, &sandbox);
    assert_eq!(authorization, format!("Bearer {}", demo::USER_TOKEN));
    assert_never_shown(&w.transcript(), demo::USER_TOKEN);
    assert_never_shown(&w.transcript(), &page_token);
}

/// The whole hand-off with nothing simulated: the wizard listens, headless chromium opens
/// the sandbox's sign-in page with the wizard's port, and its script posts the session.
#[test]
fn a_real_browser_signs_the_wizard_in() {
    let Some(browser) = chromium() else { return };
    let sandbox = Sandbox::start(SandboxOptions::default()).unwrap();
    let home = Home::new();
    let mut w = newcomer(&home, &sandbox);
    let port = start_browser_sign_in(&mut w, &sandbox.url());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dom = runtime.block_on(open(
        &browser,
        &format!("{}/login?callback_port={port}&autostart", sandbox.url()),
    ));
    assert!(dom.contains(r#"data-handoff="done""#), "{dom}");
    let authorization = create_after_sign_in(&mut w, &sandbox);
    assert_eq!(authorization, format!("Bearer {}", demo::USER_TOKEN));
    assert_never_shown(&w.transcript(), demo::USER_TOKEN);
}
