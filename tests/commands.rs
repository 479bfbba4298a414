//! The non-interactive commands as real processes against the sandbox: stdout, stderr, exit
//! status and what the sandbox received, for success and each error class.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ona_connect::sandbox::{Fault, FaultAction, FaultRoute, OnaPat, Sandbox, SandboxOptions, demo};
use serde_json::Value;

const TOKEN: &str = demo::ONA_PAT;

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
    took: Duration,
}

struct Env {
    sb: Sandbox,
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            sb: Sandbox::start(SandboxOptions::default()).unwrap(),
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// `ona-connect <args>` with UA credentials, the sandbox as Infisical and Ona, `stdin` piped.
    fn run(&self, args: &[&str], stdin: &str) -> Out {
        self.run_with(
            args,
            stdin,
            &[
                ("INFISICAL_UNIVERSAL_AUTH_CLIENT_ID", demo::CLIENT_ID),
                (
                    "INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET",
                    demo::CLIENT_SECRET,
                ),
            ],
        )
    }

    fn run_with(&self, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Out {
        let started = Instant::now();
        let site = self.sb.url();
        let ona = self.sb.ona_api_url();
        let mut child = Command::new(env!("CARGO_BIN_EXE_ona-connect"))
            .args(args)
            .args(["--domain", &site, "--ona-api-url", &ona])
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path())
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
        let out = child.wait_with_output().unwrap();
        let out = Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into(),
            stderr: String::from_utf8_lossy(&out.stderr).into(),
            took: started.elapsed(),
        };
        for text in [&out.stdout, &out.stderr] {
            assert!(
                !text.contains(TOKEN) && !text.contains(demo::CLIENT_SECRET),
                "a secret was printed:\n{text}"
            );
        }
        out
    }

    fn create(&self, name: &str, extra: &[&str], token: &str) -> Out {
        let mut args = vec![
            "create",
            "--name",
            name,
            "--project",
            demo::BACKEND_PROJECT_ID,
            "--pat-stdin",
        ];
        args.extend_from_slice(extra);
        self.run(&args, &format!("{token}\n"))
    }

    fn posts(&self) -> usize {
        self.sb
            .requests()
            .iter()
            .filter(|r| {
                r.method == "POST" && r.path.trim_end_matches('/') == "/api/v1/app-connections/ona"
            })
            .count()
    }
}

fn json(text: &str) -> Value {
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("not one JSON value ({e}): {text}"))
}

#[test]
fn create_succeeds_with_a_summary_or_exactly_one_json_object() {
    let env = Env::new();
    let out = env.create("cli-one", &["--description", "from a script"], TOKEN);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("Created Ona connection cli-one ("),
        "{}",
        out.stdout
    );
    let body = env
        .sb
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path.ends_with("/ona"))
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "name": "cli-one", "description": "from a script", "method": "personal-access-token",
            "projectId": demo::BACKEND_PROJECT_ID, "credentials": {"personalAccessToken": TOKEN}
        })
    );
    let out = env.create("cli-two", &["--json"], TOKEN);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = json(&out.stdout);
    assert_eq!(v["name"], "cli-two");
    assert_eq!(
        v["credentials"],
        serde_json::json!({}),
        "unknown keys are kept as Infisical sent them"
    );
    let stored = env
        .sb
        .connections()
        .into_iter()
        .find(|c| c.name == "cli-two")
        .unwrap();
    assert_eq!(v["id"], stored.id.to_string());
}

#[test]
fn create_reports_each_error_class() {
    let env = Env::new();
    assert_eq!(env.create("taken", &[], TOKEN).code, 0);

    // A taken name: found by the lookup, the token never sent.
    let out = env.create("taken", &["--json"], TOKEN);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("already exists"), "{}", out.stderr);
    let last = out.stderr.lines().last().unwrap();
    assert!(
        json(last)["message"]
            .as_str()
            .unwrap()
            .contains("already exists")
    );
    assert_eq!(env.posts(), 1);

    // Invalid locally: nothing reaches the server.
    let before = env.sb.requests().len();
    let out = env.create("Bad Name", &[], TOKEN);
    assert_eq!((out.code, env.sb.requests().len()), (2, before));
    assert!(
        out.stderr.contains("--name: name field can only contain"),
        "{}",
        out.stderr
    );

    // 422 from the server: each issue as path: message, with the reqId.
    let body = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/error-422-validation.json"
    ))
    .unwrap();
    env.sb.add_fault(Fault::new(
        FaultRoute::Create,
        1,
        FaultAction::Status(422, body, Some("application/json".into())),
    ));
    let out = env.create("fine", &[], TOKEN);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("credentials.personalAccessToken: Personal Access Token required"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("reqId req-FAKE0000000001"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.lines().count(), 1, "one line per failure");

    // Unknown project.
    let out = env.run(
        &[
            "create",
            "--name",
            "p",
            "--project",
            "99999999-9999-4999-8999-999999999999",
            "--pat-stdin",
        ],
        &format!("{TOKEN}\n"),
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("Could not find project"),
        "{}",
        out.stderr
    );

    // A bad token: by Ona's pre-check (nothing sent to Infisical), or by Infisical itself.
    let posts = env.posts();
    let out = env.create("bad-token", &[], "not-an-ona-token");
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("Ona rejected the token") && out.stderr.contains("--skip-ona-check"),
        "{}",
        out.stderr
    );
    assert_eq!(env.posts(), posts);
    let out = env.create("bad-token", &["--skip-ona-check"], "not-an-ona-token");
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("Failed to validate credentials"),
        "{}",
        out.stderr
    );

    // Bad credentials.
    let out = env.run_with(
        &[
            "create",
            "--name",
            "x",
            "--project",
            demo::BACKEND_PROJECT_ID,
            "--pat-stdin",
        ],
        &format!("{TOKEN}\n"),
        &[
            ("INFISICAL_UNIVERSAL_AUTH_CLIENT_ID", demo::CLIENT_ID),
            ("INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET", "wrong"),
        ],
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("401") && out.stderr.contains("Invalid credentials"),
        "{}",
        out.stderr
    );
}

#[test]
fn create_never_sends_twice_on_its_own() {
    let env = Env::new();
    env.sb
        .add_fault(Fault::new(FaultRoute::Create, 1, FaultAction::Status500));
    let out = env.create("after-500", &[], TOKEN);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("safe to send again"), "{}", out.stderr);
    assert_eq!((env.posts(), env.sb.connections().len()), (1, 0));

    env.sb.add_fault(Fault::new(
        FaultRoute::Create,
        1,
        FaultAction::StoreThenDrop,
    ));
    let out = env.create("dropped", &[], TOKEN);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("found it by name"));
    assert_eq!((env.posts(), env.sb.connections().len()), (2, 1));
}

#[test]
fn dry_run_sends_no_create_and_redacts_the_token() {
    let env = Env::new();
    let out = env.create("dry", &["--dry-run", "--description", "d"], TOKEN);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = json(&out.stdout);
    assert_eq!(v["method"], "POST");
    assert!(
        v["url"]
            .as_str()
            .unwrap()
            .ends_with("/api/v1/app-connections/ona")
    );
    assert_eq!(
        v["body"]["credentials"]["personalAccessToken"],
        "<redacted>"
    );
    assert_eq!(v["body"]["name"], "dry");
    assert_eq!(env.posts(), 0);
    assert!(
        env.sb
            .requests()
            .iter()
            .any(|r| r.path.ends_with("/universal-auth/login")),
        "it signed in"
    );
}

#[test]
fn list_shows_a_table_or_json_and_filters_by_project() {
    let env = Env::new();
    assert_eq!(env.create("in-backend", &[], TOKEN).code, 0);
    let out = env.run(
        &[
            "create",
            "--name",
            "in-frontend",
            "--project",
            demo::FRONTEND_PROJECT_ID,
            "--pat-stdin",
        ],
        &format!("{TOKEN}\n"),
    );
    assert_eq!(out.code, 0);
    let out = env.run(&["list"], "");
    assert_eq!(out.code, 0);
    assert!(out.stdout.starts_with("NAME"));
    assert!(out.stdout.contains("in-backend") && out.stdout.contains(demo::BACKEND_PROJECT_NAME));
    let all = json(&env.run(&["list", "--json"], "").stdout);
    assert_eq!(all.as_array().unwrap().len(), 2);
    let one = json(
        &env.run(
            &["list", "--json", "--project", demo::FRONTEND_PROJECT_ID],
            "",
        )
        .stdout,
    );
    assert_eq!(
        one.as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["in-frontend"]
    );
}

#[test]
fn rotate_replaces_the_token_and_keeps_the_id() {
    let env = Env::new();
    assert_eq!(env.create("rot", &[], TOKEN).code, 0);
    let before = env.sb.connections()[0].clone();
    let new_token = "ona_rotated_token_for_the_test";
    env.sb.add_ona_pat(
        new_token,
        OnaPat {
            description: "rotated".into(),
            created_at: time::OffsetDateTime::now_utc(),
            expires_at: time::OffsetDateTime::now_utc() + time::Duration::days(30),
            can_list: true,
        },
    );
    let out = env.run(
        &[
            "rotate",
            "--name",
            "rot",
            "--project",
            demo::BACKEND_PROJECT_ID,
            "--pat-stdin",
        ],
        &format!("{new_token}\n"),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let after = env.sb.connections()[0].clone();
    assert_eq!(after.id, before.id);
    assert_ne!(after.credentials_hash, before.credentials_hash);
    assert!(
        out.stdout.contains(&format!(
            "{} -> {}",
            before.credentials_hash, after.credentials_hash
        )),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains(new_token));

    // By id, with JSON.
    let id = before.id.to_string();
    let out = env.run(
        &["rotate", "--id", &id, "--pat-stdin", "--json"],
        &format!("{TOKEN}\n"),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = json(&out.stdout);
    assert_eq!(v["id"], id.as_str());
    assert_ne!(v["credentialsHash"], after.credentials_hash.as_str());
    assert_ne!(v["updatedAt"], v["createdAt"]);

    // The old token, revoked in Ona as the user should, fails the pre-check: no PATCH.
    env.sb.revoke_ona_pat(new_token);
    let patches = |sb: &Sandbox| sb.requests().iter().filter(|r| r.method == "PATCH").count();
    let before_patches = patches(&env.sb);
    let out = env.run(
        &["rotate", "--id", &id, "--pat-stdin"],
        &format!("{new_token}\n"),
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("Ona rejected the token"),
        "{}",
        out.stderr
    );
    assert_eq!(patches(&env.sb), before_patches);

    let out = env.run(
        &[
            "rotate",
            "--name",
            "nosuch",
            "--project",
            demo::BACKEND_PROJECT_ID,
            "--pat-stdin",
            "--json",
        ],
        &format!("{TOKEN}\n"),
    );
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("no Ona connection named nosuch"));
    json(out.stderr.lines().last().unwrap());
}

#[test]
fn without_a_terminal_missing_values_fail_at_once() {
    let env = Env::new();
    /// (arguments, what stderr must name, extra environment)
    type Case<'a> = (&'a [&'a str], &'a str, &'a [(&'a str, &'a str)]);
    let cases: [Case; 4] = [
        (
            &["create", "--name", "x", "--pat-stdin"],
            "--project ID or set INFISICAL_PROJECT_ID",
            &[("INFISICAL_TOKEN", "t")],
        ),
        (
            &["create", "--name", "x", "--project", "p", "--pat-stdin"],
            "INFISICAL_UNIVERSAL_AUTH_CLIENT_ID",
            &[],
        ),
        (
            &["rotate", "--name", "x"],
            "--pat-stdin",
            &[("INFISICAL_TOKEN", "t")],
        ),
        (
            &[],
            "ona-connect create --name NAME --project ID --pat-stdin",
            &[],
        ),
    ];
    for (args, names, extra) in cases {
        let out = env.run_with(args, "", extra);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(names), "{args:?}: {}", out.stderr);
        assert!(
            out.took < Duration::from_secs(1),
            "{args:?} took {:?}",
            out.took
        );
    }
}

#[test]
fn completions_and_man_are_generated() {
    let env = Env::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = env.run_with(&["completions", shell], "", &[]);
        assert_eq!(out.code, 0, "{shell}");
        assert!(
            out.stdout.contains("ona-connect") && out.stdout.len() > 500,
            "{shell}"
        );
    }
    let out = env.run_with(&["man"], "", &[]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains(".TH ona-connect") && out.stdout.contains("rotate"));
    assert_eq!(env.run_with(&["completions", "nosuch"], "", &[]).code, 2);
}
