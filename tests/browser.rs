//! A real browser: Debian's headless `chromium` opens the sandbox's login page, whose script
//! does what Infisical's page does, and our listener on 127.0.0.1 receives the session; when
//! nothing listens, the page shows the token to paste and our decoder reads it. `.ci/run`
//! installs chromium, and under `CI=true` a missing browser fails the test; elsewhere (a
//! fresh machine with no network) each test says loudly that it did not run.

mod common;

use ona_connect::sandbox::{Sandbox, SandboxOptions, demo};
use ona_connect::session::browser_login::{Listener, decode_paste};

const MISSING: &str = "these tests need a real browser: apt-get install -y chromium (.ci/run does)";

/// The browser, or `None` (said on stderr) outside CI when it is not installed.
fn chromium() -> Option<std::path::PathBuf> {
    let found = ["chromium", "chromium-browser"].iter().find_map(|name| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(name))
                .find(|p| p.is_file())
        })
    });
    if found.is_none() {
        assert!(!common::on_ci(), "{MISSING}");
        // Past the test harness's capture, so it shows even when the test passes.
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "browser test NOT RUN: {MISSING}");
    }
    found
}

/// The page's DOM after its script ran, as headless chromium dumps it.
async fn open(browser: &std::path::Path, url: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let run = tokio::process::Command::new(browser)
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(["--virtual-time-budget=10000", "--dump-dom", url])
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(common::hang_guard(), run)
        .await
        .expect("chromium did not finish")
        .expect("chromium could not start");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

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
