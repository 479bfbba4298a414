//! Shared harness for the integration tests of the `ona-connect` binary.
//!
//! Every test that runs the binary gets the same hermetic [`Home`]: its own `HOME` and
//! `XDG_CONFIG_HOME`, a `PATH` holding only an empty `bin/` (so no `infisical` is found unless a
//! test puts a fake one there), `TERM`, `LANG`, and nothing else from the test's environment.
//! Two spawners share it:
//!
//! - [`Wizard`] (`pty.rs`) runs the binary in a pseudo-terminal and reads the screen;
//! - [`run`] / [`Cli`] (`process.rs`) run it with piped stdio and return the exit code, stdout
//!   and stderr.
//!
//! Every time limit comes from [`ci_factor`]: the waits that poll for content ([`timeout`],
//! [`eventually`]) and the hang guards that kill a child that never ends. Fixed sleeps are
//! never assertions and never wait for a frame.

#![allow(dead_code)]

mod answers;
pub mod browser;
mod process;
mod pty;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tempfile::TempDir;

// Not every test binary uses both spawners.
#[allow(unused_imports)]
pub use answers::*;
#[allow(unused_imports)]
pub use process::*;
#[allow(unused_imports)]
pub use pty::*;

/// The sandbox's demo machine identity, as the environment gives Universal Auth credentials.
pub const UA_ENV: [(&str, &str); 2] = [
    (
        "INFISICAL_UNIVERSAL_AUTH_CLIENT_ID",
        ona_connect::sandbox::demo::CLIENT_ID,
    ),
    (
        "INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET",
        ona_connect::sandbox::demo::CLIENT_SECRET,
    ),
];

/// The path of the binary under test, built by Cargo for integration tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_ona-connect");

/// Whether the tests run in CI (`CI=true` or `CI=1`).
pub fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// The one factor every time limit in the tests is multiplied by: 3 on CI machines, 1
/// elsewhere.
pub fn ci_factor() -> u32 {
    if on_ci() { 3 } else { 1 }
}

/// `base` scaled by [`ci_factor`].
pub fn scaled(base: Duration) -> Duration {
    base * ci_factor()
}

/// How long a wait for something to show up may take before the test fails.
pub fn timeout() -> Duration {
    scaled(Duration::from_secs(10))
}

/// How long one run of the binary with piped stdio may take before it counts as hung, is
/// killed and fails the test. A guard, not a claim: the slowest legitimate run (a create
/// reconciled by name with the default delays) takes about 7 s.
pub fn hang_guard() -> Duration {
    scaled(Duration::from_secs(30))
}

/// Polls `ready` until it holds; fails with `what` after [`timeout`].
pub fn eventually(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout();
    while !ready() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `http://127.0.0.1:<port>/api` on a port nothing listens on (bound, then released).
fn closed_loopback_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    format!("http://127.0.0.1:{port}/api")
}

/// A hermetic home for the child: `home/`, `config/` and an empty `bin/` for `PATH`.
pub struct Home {
    dir: TempDir,
}

impl Home {
    pub fn new() -> Home {
        let dir = tempfile::tempdir().expect("tempdir");
        for sub in ["home", "config", "bin"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("mkdir");
        }
        Home { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A path for `--config` inside the temporary directory (not created).
    pub fn config_file(&self) -> PathBuf {
        self.dir.path().join("ona-connect.toml")
    }

    /// Puts an executable `name` with this shell script body into the child's `PATH`.
    pub fn fake_command(&self, name: &str, script: &str) -> PathBuf {
        let path = self.dir.path().join("bin").join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).expect("write script");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        }
        path
    }

    /// The environment every child gets, before the test's own variables.
    pub fn base_env(&self) -> Vec<(String, String)> {
        let p = |s: &str| self.dir.path().join(s).display().to_string();
        vec![
            ("TERM".into(), "xterm-256color".into()),
            ("HOME".into(), p("home")),
            ("XDG_CONFIG_HOME".into(), p("config")),
            ("PATH".into(), p("bin")),
            ("LANG".into(), "C.UTF-8".into()),
            // No test reaches the real Ona: unless a test names the sandbox's, Ona is a closed
            // loopback port, so its check ends at once as "could not be reached".
            ("ONA_API_URL".into(), closed_loopback_url()),
        ]
    }
}

impl Default for Home {
    fn default() -> Self {
        Home::new()
    }
}

/// Whether `needle` occurs in `haystack`.
pub fn contains_bytes(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Standard base64 (with padding).
pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Base64 fragments that any encoding of a stream containing `secret` must contain,
/// whichever of the three byte alignments it starts at (e.g. inside an OSC 52 copy).
pub fn base64_fragments(secret: &str) -> Vec<String> {
    (0..3)
        .map(|shift| {
            let mut bytes = vec![0u8; shift];
            bytes.extend_from_slice(secret.as_bytes());
            let full = bytes.len() / 3 * 3;
            let encoded = base64(&bytes[..full]);
            // Drop the group that mixes in the padding bytes in front.
            let skip = if shift == 0 { 0 } else { 4 };
            encoded[skip..].to_string()
        })
        .collect()
}

/// Fails when the transcript holds `secret` in clear or base64-encoded.
pub fn assert_never_shown(transcript: &[u8], secret: &str) {
    assert!(
        !contains_bytes(transcript, secret.as_bytes()),
        "the token appeared in the terminal output"
    );
    assert!(
        !contains_bytes(transcript, base64(secret.as_bytes()).as_bytes()),
        "the token appeared base64-encoded in the terminal output"
    );
    for fragment in base64_fragments(secret) {
        assert!(
            !contains_bytes(transcript, fragment.as_bytes()),
            "the token appeared base64-encoded in the terminal output"
        );
    }
}

/// Byte offset of the last occurrence of `needle`.
pub fn rfind_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// The screen row that holds `text`, if any.
pub fn row_of(screen: &str, text: &str) -> Option<usize> {
    screen.lines().position(|l| l.contains(text))
}

/// The lookup before a create passes, the create is stored and its answer lost, and the
/// next `failing` lookups are redirected elsewhere (so they fail).
pub fn lose_the_create_answer(sb: &ona_connect::sandbox::Sandbox, failing: usize) {
    use ona_connect::sandbox::{Fault, FaultAction, FaultRoute};
    sb.add_fault(Fault::new(FaultRoute::GetByName, 1, FaultAction::Pass));
    sb.add_fault(Fault::new(
        FaultRoute::Create,
        1,
        FaultAction::StoreThenDrop,
    ));
    sb.add_fault(Fault::new(
        FaultRoute::GetByName,
        failing,
        FaultAction::Redirect("http://127.0.0.1:9/moved".into()),
    ));
}
