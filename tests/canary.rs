//! The canary test: every front end runs with distinctive secrets, and everything that leaves
//! the process — the terminal byte stream, stdout, stderr, the log file, the config file, JSON
//! output, panic text — is scanned for each secret, in plain text and in base64.

mod common;

use std::path::Path;

use common::{CTRL_U, ENTER, Home, REVIEW_SETTLED, Stdin, Wizard};
use ona_connect::sandbox::{OnaPat, Sandbox, SandboxOptions, demo};

const ONA_TOKEN: &str = "onaPAT_CANARY_Q7v9xT2mLk4Rz8Wp";
const ROTATED_TOKEN: &str = "onaPAT_CANARY_second_Hq3Vb6Nd";

fn sandbox() -> Sandbox {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    for (token, description) in [
        (ONA_TOKEN, "infisical integration"),
        (ROTATED_TOKEN, "rotated"),
    ] {
        sb.add_ona_pat(
            token,
            OnaPat {
                description: description.into(),
                created_at: time::OffsetDateTime::now_utc(),
                expires_at: time::OffsetDateTime::now_utc() + time::Duration::days(60),
                can_list: true,
            },
        );
    }
    sb
}

/// Everything one scenario left behind, to be scanned.
#[derive(Default)]
struct Leaks(Vec<(String, Vec<u8>)>);

impl Leaks {
    fn add(&mut self, what: impl Into<String>, bytes: impl AsRef<[u8]>) {
        self.0.push((what.into(), bytes.as_ref().to_vec()));
    }

    fn add_file(&mut self, path: &Path) {
        if let Ok(bytes) = std::fs::read(path) {
            self.add(path.display().to_string(), bytes);
        }
    }

    fn assert_clean(&self, secrets: &[String]) {
        for (what, bytes) in &self.0 {
            for secret in secrets {
                let shown = std::panic::catch_unwind(|| common::assert_never_shown(bytes, secret));
                assert!(
                    shown.is_ok(),
                    "a secret ({}…) leaked into {what}",
                    &secret[..6.min(secret.len())]
                );
            }
        }
    }
}

/// The access tokens the sandbox minted and saw, which are secrets too.
fn bearer_tokens(sb: &Sandbox) -> Vec<String> {
    let mut tokens: Vec<String> = sb
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/api/v1/"))
        .filter_map(|r| {
            r.header("authorization")
                .and_then(|h| h.strip_prefix("Bearer "))
                .map(str::to_string)
        })
        .collect();
    tokens.sort();
    tokens.dedup();
    tokens
}

/// Runs the binary with piped stdio and keeps its stdout and stderr for the scan.
fn run(home: &Home, args: &[&str], env: &[(&str, &str)], stdin: &str, leaks: &mut Leaks) -> i32 {
    let out = common::run(home, args, env, Stdin::Text(stdin));
    leaks.add(format!("stdout of {args:?}"), &out.stdout);
    leaks.add(format!("stderr of {args:?}"), &out.stderr);
    out.code
}

#[test]
fn no_front_end_lets_a_secret_out() {
    let sb = sandbox();
    let home = Home::new();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("requests.log");
    let log = log.to_str().unwrap();
    let config = home.config_file();
    let config = config.to_str().unwrap();
    let site = sb.url();
    let ona = sb.ona_api_url();
    let common_args = [
        "--domain",
        &site,
        "--ona-api-url",
        &ona,
        "--config",
        config,
        "--log",
        log,
    ];
    let ua = common::UA_ENV;
    let mut leaks = Leaks::default();

    // The full-screen wizard in a terminal, the token pasted.
    let mut w = Wizard::spawn(&home, &common_args, &ua);
    w.wait_for("Signed in to");
    for _ in 0..5 {
        w.send(ENTER);
    }
    w.wait_for("Connection details");
    w.paste(ONA_TOKEN);
    // Ona's verdict ("✓ valid name" is there from the start): the paste is in.
    w.wait_for("✓ valid:");
    w.send(ENTER);
    w.wait_for("Nothing has been sent yet");
    w.wait_for(REVIEW_SETTLED);
    w.send(ENTER);
    w.wait_for("Connection created");
    w.send(ENTER);
    assert_eq!(w.exit_code(), 0);
    leaks.add("the wizard's terminal", w.transcript());

    // The plain mode, answers piped.
    let mut plain = vec!["--plain"];
    plain.extend(common_args);
    let answers = format!("\n\n\n\nplain-canary\n\n{ONA_TOKEN}\n1\n\n\n");
    assert_eq!(run(&home, &plain, &ua, &answers, &mut leaks), 0);

    // Every command, with JSON output too.
    let project = ["--project", demo::BACKEND_PROJECT_ID];
    let with = |extra: &[&'static str]| {
        let mut args: Vec<&str> = extra.to_vec();
        args.extend(common_args);
        args.extend(project);
        args
    };
    let token_line = format!("{ONA_TOKEN}\n");
    assert_eq!(
        run(
            &home,
            &with(&["create", "--name", "cli-canary", "--pat-stdin", "--dry-run"]),
            &ua,
            &token_line,
            &mut leaks
        ),
        0
    );
    assert_eq!(
        run(
            &home,
            &with(&["create", "--name", "cli-canary", "--pat-stdin", "--json"]),
            &ua,
            &token_line,
            &mut leaks
        ),
        0
    );
    assert_eq!(
        run(
            &home,
            &with(&["create", "--name", "cli-canary", "--pat-stdin", "--json"]),
            &ua,
            &token_line,
            &mut leaks
        ),
        1,
        "taken"
    );
    assert_eq!(
        run(&home, &with(&["list", "--json"]), &ua, "", &mut leaks),
        0
    );
    assert_eq!(
        run(&home, &with(&["status", "--json"]), &ua, "", &mut leaks),
        0
    );
    let rotated = format!("{ROTATED_TOKEN}\n");
    assert_eq!(
        run(
            &home,
            &with(&["rotate", "--name", "cli-canary", "--pat-stdin", "--json"]),
            &ua,
            &rotated,
            &mut leaks
        ),
        0
    );
    let access = sb.issue_access_token();
    let token_env = [("INFISICAL_TOKEN", access.as_str())];
    assert_eq!(run(&home, &with(&["list"]), &token_env, "", &mut leaks), 0);
    assert_eq!(
        run(
            &home,
            &with(&["create", "--name", "bad", "--pat-stdin"]),
            &ua,
            "not-a-valid-token\n",
            &mut leaks
        ),
        1
    );

    // A forced panic with the token in the connection form's field: the test panic fires on
    // the first key read on that form.
    let mut panicking = ua.to_vec();
    panicking.push(("ONA_CONNECT_TEST_PANIC", "form"));
    let mut p = Wizard::spawn(&home, &common_args, &panicking);
    p.wait_for("Signed in to");
    for step in 2..=6 {
        p.send(ENTER);
        p.wait_for(&format!("step {step} of 9"));
    }
    p.wait_for("Connection details");
    let focused = |s: &str| {
        s.lines()
            .find(|l| l.contains('❯'))
            .unwrap_or_default()
            .to_string()
    };
    p.paste(ONA_TOKEN);
    let mask = format!("❯ {}", "•".repeat(ONA_TOKEN.chars().count()));
    p.wait_until("the token in the form's field", |s| {
        s.contains("Connection details")
            && focused(s).contains(&mask)
            && !focused(s).contains(&format!("{mask}•"))
    });
    p.send(CTRL_U);
    assert_eq!(p.exit_code(), 101);
    assert!(
        common::contains_bytes(&p.transcript(), b"test panic in the UI thread"),
        "the panic did not happen"
    );
    leaks.add("the terminal of a panicking wizard", p.transcript());

    leaks.add_file(Path::new(log));
    leaks.add_file(&home.config_file());
    let logged = std::fs::read_to_string(log).unwrap();
    assert!(
        logged.contains("path=/v1/app-connections/ona") && logged.contains("status=200"),
        "{logged}"
    );
    assert!(
        std::fs::read_to_string(home.config_file())
            .unwrap()
            .contains("plain-canary")
    );

    let mut secrets = vec![
        ONA_TOKEN.to_string(),
        ROTATED_TOKEN.to_string(),
        demo::CLIENT_SECRET.to_string(),
    ];
    secrets.extend(bearer_tokens(&sb));
    assert!(secrets.len() > 4, "access tokens were minted and used");
    leaks.assert_clean(&secrets);
}
