//! A real browser for the tests: Debian's headless `chromium`. `.ci/run` installs it; under
//! `CI=true` a missing browser fails the test, elsewhere (a fresh machine with no network) the
//! test says loudly on stderr that it did not run.

use std::path::{Path, PathBuf};

const MISSING: &str = "these tests need a real browser: apt-get install -y chromium (.ci/run does)";

/// The browser, or `None` (said on stderr) outside CI when it is not installed.
pub fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser"].iter().find_map(|name| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(name))
                .find(|p| p.is_file())
        })
    });
    if found.is_none() {
        assert!(!super::on_ci(), "{MISSING}");
        // Past the test harness's capture, so it shows even when the test passes.
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "browser test NOT RUN: {MISSING}");
    }
    found
}

/// The page's DOM after its script ran, as headless chromium dumps it.
pub async fn open(browser: &Path, url: &str) -> String {
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
    let out = tokio::time::timeout(super::hang_guard(), run)
        .await
        .expect("chromium did not finish")
        .expect("chromium could not start");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What Infisical's page posts for the sandbox's demo user (its spelling: `JTWToken`).
pub fn handoff_body() -> String {
    use ona_connect::sandbox::demo;
    serde_json::json!({"JTWToken": demo::USER_TOKEN, "email": demo::USER_EMAIL, "privateKey": ""})
        .to_string()
}

/// The token the page shows when its POST cannot reach the terminal: base64 of the body.
pub fn page_token() -> String {
    super::base64(handoff_body().as_bytes())
}

/// The port of the `<site>/login?callback_port=P` link on `screen`.
pub fn callback_port(screen: &str, site: &str) -> u16 {
    let prefix = format!("{site}/login?callback_port=");
    let at = screen.find(&prefix).expect("the sign-in link") + prefix.len();
    let digits: String = screen[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().expect("a port")
}

/// Posts the hand-off to the listener on `port` as a page from `origin` would; the status.
pub fn hand_off(port: u16, origin: &str) -> u16 {
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(
            reqwest::Client::new()
                .post(format!("http://127.0.0.1:{port}/"))
                .header("Origin", origin)
                .header("Content-Type", "application/json")
                .body(handoff_body())
                .send(),
        )
        .expect("the listener answered")
        .status()
        .as_u16()
}
