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
