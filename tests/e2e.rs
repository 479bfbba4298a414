//! End-to-end: the real binary in a pseudo-terminal against the in-process sandbox.
//! Assertions are on screen text, the sandbox's records, files and exit statuses.

mod common;

use std::time::{Duration, Instant};

use common::*;
use ona_connect::sandbox::{Sandbox, SandboxOptions, demo};
use serde_json::{Value, json};

const CREATE_PATH: &str = "/api/v1/app-connections/ona";

fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).expect("sandbox starts")
}

const UA_ENV: [(&str, &str); 2] = [
    ("INFISICAL_UNIVERSAL_AUTH_CLIENT_ID", demo::CLIENT_ID),
    (
        "INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET",
        demo::CLIENT_SECRET,
    ),
];

/// Starts the wizard against `sandbox`, signed in from the environment.
fn wizard(home: &Home, sandbox: &Sandbox, extra: &[&str]) -> Wizard {
    let url = sandbox.url();
    let config = home.config_file().display().to_string();
    let mut args = vec!["--domain", url.as_str(), "--config", config.as_str()];
    args.extend_from_slice(extra);
    Wizard::spawn(home, &args, &UA_ENV)
}

/// Sign-in (automatic from the environment) and the four guide steps, up to the form.
fn to_form(w: &mut Wizard, host: &str) {
    w.wait_for("Sign in to Infisical");
    w.wait_for(&format!("✓ Signed in to {host}"));
    w.send(ENTER);
    for _ in 0..4 {
        let before = w.wait_until("a guide step", |s| {
            s.contains("Press Enter when this is done")
        });
        let title = before.lines().nth(1).unwrap_or_default().to_string();
        w.send(ENTER);
        w.wait_until("the next screen", |s| {
            s.lines().nth(1).unwrap_or_default() != title
        });
    }
    w.wait_for("Connection details");
    // The form's project list has arrived.
    w.wait_for(demo::BACKEND_PROJECT_NAME);
}

/// The row of the focused input (the one with the `❯` marker).
fn focused_row(screen: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains('❯'))
        .unwrap_or_default()
        .to_string()
}

fn create_posts(sandbox: &Sandbox) -> Vec<Value> {
    sandbox
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == CREATE_PATH)
        .map(|r| r.json().expect("JSON body"))
        .collect()
}

#[test]
fn wizard_creates_a_connection_end_to_end() {
    let sandbox = sandbox();
    let home = Home::new();
    let url = sandbox.url();
    let mut w = wizard(&home, &sandbox, &[]);
    to_form(&mut w, &url);

    // The token field has the focus on arrival.
    let screen = w.screen();
    assert!(
        focused_row(&screen).contains("paste the token"),
        "token not focused:\n{screen}"
    );
    w.paste(demo::ONA_PAT);
    let n = demo::ONA_PAT.chars().count();
    let screen = w.wait_for(&format!("pasted {n} characters"));
    assert!(screen.contains(&"•".repeat(n)), "mask missing:\n{screen}");

    // Name: clear the default, type a new one; then the description.
    w.send("\x1b[Z"); // Shift-Tab: Description
    w.send("\x1b[Z"); // Shift-Tab: Name
    w.send(CTRL_U);
    w.send("ona-e2e");
    w.wait_until("the typed name", |s| focused_row(s).contains("ona-e2e"));
    w.send(TAB);
    w.send("Created by the e2e test");
    w.wait_until("the typed description", |s| {
        focused_row(s).contains("Created by the e2e test")
    });

    // Project: the second one in the list.
    w.send(TAB);
    w.send(TAB);
    w.wait_until("the project picker focused", |s| s.contains("↑/↓ choose"));
    w.send(DOWN);
    w.wait_until("the second project highlighted", |s| {
        s.lines()
            .any(|l| l.contains('›') && l.contains(demo::FRONTEND_PROJECT_NAME))
    });

    w.send(ENTER);
    let review = w.wait_for("Nothing has been sent yet");
    assert!(review.contains("Review"), "{review}");
    assert!(review.contains(&url), "host missing:\n{review}");
    assert!(
        review.contains(&format!("POST {url}/api/v1/app-connections/ona")),
        "endpoint missing:\n{review}"
    );
    assert!(
        review.contains(&format!("({n} characters)")) && review.contains("••••"),
        "masked token missing:\n{review}"
    );
    assert!(review.contains(demo::FRONTEND_PROJECT_ID), "{review}");
    assert!(create_posts(&sandbox).is_empty(), "sent before Enter");

    w.send(ENTER);
    let done = w.wait_for("Connection created");
    let connections = sandbox.connections();
    assert_eq!(connections.len(), 1);
    let id = connections[0].id.to_string();
    let done = if done.contains(&id) {
        done
    } else {
        w.wait_for(&id)
    };
    assert!(done.contains("ona-e2e"), "{done}");
    assert!(done.contains(demo::FRONTEND_PROJECT_NAME), "{done}");

    w.send(ENTER);
    assert_eq!(w.exit_code(), 0);
    // Back on the normal screen, the summary is printed again.
    let after = w.screen();
    assert!(after.contains("Ona connection created"), "{after}");
    assert!(after.contains(&id), "{after}");

    let posts = create_posts(&sandbox);
    assert_eq!(posts.len(), 1, "exactly one create");
    assert_eq!(
        posts[0],
        json!({
            "name": "ona-e2e",
            "description": "Created by the e2e test",
            "method": "personal-access-token",
            "projectId": demo::FRONTEND_PROJECT_ID,
            "credentials": { "personalAccessToken": demo::ONA_PAT },
        })
    );

    let config = std::fs::read_to_string(home.config_file()).expect("config written");
    assert!(config.contains(&url), "{config}");
    assert!(config.contains(demo::FRONTEND_PROJECT_ID), "{config}");
    assert!(config.contains("ona-e2e"), "{config}");
    assert!(!config.contains(demo::ONA_PAT), "token in the config file");
    assert!(
        !config.contains(demo::CLIENT_SECRET),
        "secret in the config file"
    );

    let transcript = w.transcript();
    assert!(contains_bytes(&transcript, "Connection created".as_bytes()));
    assert_never_shown(&transcript, demo::ONA_PAT);
}
