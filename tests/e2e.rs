//! End-to-end: the real binary in a pseudo-terminal against the in-process sandbox.
//! Assertions are on screen text, the sandbox's records, files and exit statuses.

mod common;

use common::*;
use ona_connect::sandbox::{Sandbox, SandboxOptions, demo};
use serde_json::{Value, json};

const CREATE_PATH: &str = "/api/v1/app-connections/ona";

fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).expect("sandbox starts")
}

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

/// Waits until the token field shows `n` mask glyphs and says `n characters`.
fn wait_masked(w: &mut Wizard, n: usize) -> String {
    let mask = "•".repeat(n);
    let count = format!("{n} characters");
    w.wait_until(&format!("a masked token of {n} characters"), |s| {
        s.contains(&mask) && s.contains(&count)
    })
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
    wait_masked(&mut w, n);

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
    w.wait_for(REVIEW_SETTLED);
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
    // Sanity check that the transcript is the whole session (ratatui writes only changed cells).
    assert!(contains_bytes(&transcript, id.as_bytes()));
    assert_never_shown(&transcript, demo::ONA_PAT);
}

/// Creates a connection through the sandbox's API, as someone else would have.
fn seed_connection(sandbox: &Sandbox, name: &str, project_id: &str) {
    let token = sandbox.issue_access_token();
    let url = format!("{}{CREATE_PATH}", sandbox.url());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let status = runtime.block_on(async {
        reqwest::Client::new()
            .post(url)
            .bearer_auth(token)
            .json(&json!({
                "name": name,
                "method": "personal-access-token",
                "projectId": project_id,
                "credentials": { "personalAccessToken": demo::ONA_PAT },
            }))
            .send()
            .await
            .expect("seed request")
            .status()
    });
    assert!(status.is_success(), "seeding failed: {status}");
}

#[test]
fn duplicate_name_lands_on_name_with_values_kept() {
    let sandbox = sandbox();
    // In the second project, chosen with --project: the picker must start there.
    seed_connection(&sandbox, "ona-team", demo::FRONTEND_PROJECT_ID);
    sandbox.clear_requests();
    let home = Home::new();
    let url = sandbox.url();
    let mut w = wizard(&home, &sandbox, &["--project", demo::FRONTEND_PROJECT_ID]);
    to_form(&mut w, &url);

    w.paste(demo::ONA_PAT);
    let n = demo::ONA_PAT.chars().count();
    wait_masked(&mut w, n);
    w.send("\x1b[Z\x1b[Z"); // Shift-Tab twice: Name
    w.send(CTRL_U);
    w.send("ona-team");
    // Found taken as the name settles, on the form, before anything is sent.
    let form =
        w.wait_for(r#""ona-team" is taken in this project — Ctrl-O replaces its token instead"#);
    assert!(form.contains("Ctrl-O replace its token instead"), "{form}");
    w.send(TAB);
    w.send("Team access");
    w.wait_until("the typed description", |s| {
        focused_row(s).contains("Team access")
    });
    // Enter stops on the name, with every value kept.
    w.send(ENTER);
    let form = w.wait_until("the focus back on the name", |s| {
        focused_row(s).contains("ona-team")
    });
    assert!(form.contains("Connection details"), "{form}");
    assert!(form.contains("Team access"), "description lost:\n{form}");
    assert!(
        form.contains(&format!("{n} characters")) && form.contains(&"•".repeat(n)),
        "token lost:\n{form}"
    );
    assert_eq!(sandbox.connections().len(), 1);
    assert!(create_posts(&sandbox).is_empty(), "nothing was sent");

    w.send("-2");
    w.wait_until("the fixed name", |s| focused_row(s).contains("ona-team-2"));
    w.send(ENTER);
    w.wait_for("Nothing has been sent yet");
    w.wait_for(REVIEW_SETTLED);
    w.send(ENTER);
    w.wait_for("Connection created");
    let names: Vec<String> = sandbox.connections().into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["ona-team", "ona-team-2"]);
    w.wait_for("ona-team-2");
    w.send(ENTER);
    assert_eq!(w.exit_code(), 0);
    let connections = sandbox.connections();
    assert_eq!(connections.len(), 2);
    assert!(
        connections
            .iter()
            .all(|c| c.project_id.as_deref() == Some(demo::FRONTEND_PROJECT_ID))
    );
    // The taken name was found by the lookup, so the token went out only once, for the new name.
    let posts = create_posts(&sandbox);
    assert_eq!(posts.len(), 1, "the taken name was never POSTed");
    assert_eq!(posts[0]["name"], "ona-team-2");
    assert_eq!(posts[0]["description"], "Team access");
    assert_eq!(
        posts[0]["credentials"]["personalAccessToken"],
        demo::ONA_PAT
    );
    assert_never_shown(&w.transcript(), demo::ONA_PAT);
}

/// The demo's happy path, counted: from start to "Connection created" in at most 4 key
/// presses and one paste (the issue's budget), every step still on screen on the way.
#[test]
fn demo_runs_from_start_to_result_in_four_keys_and_a_paste() {
    let home = Home::new();
    let mut w = Wizard::spawn(&home, &["demo"], &[]);
    let mut keys = 0;
    let mut press = |w: &mut Wizard, key: &str| {
        keys += 1;
        w.send(key);
    };
    w.wait_for("Sign in to Infisical");
    w.wait_for("DEMO");
    press(&mut w, ENTER);
    // Signed in: straight on to the first guide step, the host still named.
    let step = w.wait_for("Press Enter when this is done");
    assert!(step.contains("Signed in to http://127.0.0.1:"), "{step}");
    assert!(
        step.contains(demo::ONA_PAT),
        "the demo token is on every step:\n{step}"
    );
    w.paste(demo::ONA_PAT);
    w.wait_for("Connection details");
    wait_masked(&mut w, demo::ONA_PAT.len());
    w.wait_for(demo::BACKEND_PROJECT_NAME);
    press(&mut w, ENTER);
    w.wait_for("Nothing has been sent yet");
    w.wait_for(REVIEW_SETTLED);
    press(&mut w, ENTER);
    let done = w.wait_for("Connection created");
    assert!(done.contains("✓ The Ona connection was created."), "{done}");
    assert!(keys <= 4, "{keys} key presses");
    // The demo's Ona knows the token's expiry: r writes the calendar reminder into the
    // working directory.
    w.wait_for("r saves a calendar reminder");
    w.send("r");
    w.wait_for("open it to add the reminder to your calendar");
    let ics = std::fs::read_to_string(home.path().join("ona-token-ona-reminder.ics"))
        .expect("the reminder file");
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics}");
    assert!(ics.contains("SUMMARY:Rotate the Ona token of ona"), "{ics}");
    assert!(ics.contains("BEGIN:VALARM"), "{ics}");
    assert!(!ics.contains(demo::ONA_PAT), "the token in the reminder");
    w.send(ENTER);
    assert_eq!(w.exit_code(), 0);
    assert!(w.screen().contains("Ona connection created"));
}

#[test]
fn ctrl_c_asks_then_exits_130_and_restores_the_terminal() {
    let sandbox = sandbox();
    let home = Home::new();
    let url = sandbox.url();
    let mut w = wizard(&home, &sandbox, &[]);
    to_form(&mut w, &url);
    w.send("abc");
    w.wait_for("3 characters");
    w.send(CTRL_C);
    w.wait_for("Quit ona-connect?");
    w.send("y");
    assert_eq!(w.exit_code(), 130);

    let t = w.transcript();
    let last = |seq: &str| rfind_bytes(&t, seq.as_bytes());
    for (on, off) in [
        ("\x1b[?1049h", "\x1b[?1049l"),
        ("\x1b[?2004h", "\x1b[?2004l"),
        ("\x1b[?25l", "\x1b[?25h"),
    ] {
        let on_at = last(on).unwrap_or_else(|| panic!("{on:?} never sent"));
        let off_at = last(off).unwrap_or_else(|| panic!("{off:?} never sent"));
        assert!(off_at > on_at, "{off:?} is not after the last {on:?}");
    }
    // After the restoring sequences only the plain goodbye text follows.
    let end = ["\x1b[?1049l", "\x1b[?2004l", "\x1b[?25h"]
        .iter()
        .map(|s| last(s).unwrap() + s.len())
        .max()
        .unwrap();
    let tail = String::from_utf8_lossy(&t[end..]);
    assert!(
        !tail.contains('\x1b'),
        "escape sequences after restoring: {tail:?}"
    );
    assert!(tail.contains("cancelled; nothing was created"), "{tail:?}");
    assert_eq!(w.modes(), (false, false, false), "terminal not restored");
    assert!(sandbox.connections().is_empty());
}

#[test]
fn pasted_newline_never_submits() {
    let sandbox = sandbox();
    let home = Home::new();
    let url = sandbox.url();
    let mut w = wizard(&home, &sandbox, &[]);
    to_form(&mut w, &url);

    w.paste(&format!("{}\r\n", demo::ONA_PAT));
    wait_masked(&mut w, demo::ONA_PAT.len());
    // A plain field refuses a multi-line paste whole, with a message; it never submits.
    w.send("\x1b[Z"); // Shift-Tab: Description
    w.paste("first line\r\nsecond line\r\n");
    w.wait_for("refused the paste: this field is one line");
    // A key typed after the pastes is handled after them: once it shows, they are done.
    w.send("!");
    let screen = w.wait_until("the typed key", |s| focused_row(s).contains('!'));
    assert!(screen.contains("Connection details"), "{screen}");
    assert!(!screen.contains("first line"), "{screen}");
    // Had a newline meant Enter, the wizard would be on Review (which ignores typing) and
    // the "!" would not have reached the description.
    assert!(create_posts(&sandbox).is_empty(), "a create was sent");

    w.send(CTRL_C);
    w.wait_for("Quit ona-connect?");
    w.send("y");
    assert_eq!(w.exit_code(), 130);
    assert!(create_posts(&sandbox).is_empty(), "a create was sent");
    assert!(sandbox.connections().is_empty());
    assert_never_shown(&w.transcript(), demo::ONA_PAT);
}

#[test]
fn infisical_cli_login_is_offered_and_used() {
    let sandbox = sandbox();
    let home = Home::new();
    let url = sandbox.url();
    let args_file = home.path().join("infisical-args");
    home.fake_command(
        "infisical",
        &format!(
            "echo \"$@\" > '{}'\necho '{}'",
            args_file.display(),
            demo::USER_TOKEN
        ),
    );
    let config = home.config_file().display().to_string();
    // No credentials in the environment: the CLI's login is the way in.
    let mut w = Wizard::spawn(&home, &["--domain", &url, "--config", &config], &[]);
    w.wait_for("Sign in to Infisical");
    w.wait_for("‹ Infisical CLI login ›");
    w.wait_for("Uses the session of `infisical login`");
    w.send(ENTER);
    // A user's session is named, and the sign-in goes straight on.
    w.wait_for(&format!(
        "Signed in to {url} as {} in {}.",
        demo::USER_EMAIL,
        demo::ORG_NAME
    ));
    let args = std::fs::read_to_string(&args_file).expect("the CLI ran");
    assert_eq!(
        args.trim(),
        format!("user get token --plain --domain {url}")
    );
    let authorized = sandbox
        .requests()
        .iter()
        .any(|r| r.header("authorization") == Some(&format!("Bearer {}", demo::USER_TOKEN)));
    assert!(authorized, "the CLI's token was not used");
    w.send(CTRL_C);
    w.wait_for("Quit ona-connect?");
    w.send("y");
    assert_eq!(w.exit_code(), 130);
    assert_never_shown(&w.transcript(), demo::USER_TOKEN);
}

#[test]
fn rejected_token_is_shown_before_review_and_nothing_is_created() {
    let sandbox = sandbox();
    let home = Home::new();
    let url = sandbox.url();
    let ona = sandbox.ona_api_url();
    let mut w = wizard(&home, &sandbox, &["--ona-api-url", ona.as_str()]);
    to_form(&mut w, &url);

    let wrong = "ona_this-token-was-never-issued-0000";
    w.paste(wrong);
    let screen = w.wait_for("Ona rejected this token");
    assert!(screen.contains("Connection details"), "{screen}");
    assert!(!screen.contains("Nothing has been sent yet"), "{screen}");

    // Enter does not go to Review: it arms a second Enter instead.
    w.send(ENTER);
    let screen = w.wait_for("press Enter again to submit it anyway");
    assert!(screen.contains("Connection details"), "{screen}");
    assert!(!screen.contains("Nothing has been sent yet"), "{screen}");
    assert!(create_posts(&sandbox).is_empty(), "a create was sent");

    // Fixed: the right token is checked and the wizard goes on.
    w.send(CTRL_U);
    wait_masked(&mut w, 0);
    w.paste(demo::ONA_PAT);
    wait_masked(&mut w, demo::ONA_PAT.chars().count());
    let screen = w.wait_for("✓ valid");
    assert!(!screen.contains("Ona rejected this token"), "{screen}");
    w.send(ENTER);
    w.wait_for("Nothing has been sent yet");
    w.wait_for(REVIEW_SETTLED);
    assert!(
        create_posts(&sandbox).is_empty(),
        "sent before Enter on Review"
    );
    w.send(ENTER);
    w.wait_for("Connection created");
    w.send(ENTER);
    assert_eq!(w.exit_code(), 0);

    let posts = create_posts(&sandbox);
    assert_eq!(posts.len(), 1, "exactly one create");
    assert_eq!(
        posts[0]["credentials"]["personalAccessToken"],
        demo::ONA_PAT
    );
    assert_eq!(sandbox.connections().len(), 1);
    let t = w.transcript();
    assert_never_shown(&t, demo::ONA_PAT);
    assert_never_shown(&t, wrong);
}

/// Up to "Creating…" with a create the sandbox stores at once and answers only when released.
fn to_a_held_create(home: &Home, sandbox: &Sandbox, extra: &[&str]) -> Wizard {
    let w = to_a_create_in_flight(
        home,
        sandbox,
        ona_connect::sandbox::FaultAction::StoreThenHold,
        extra,
    );
    eventually("the sandbox stores the connection", || {
        sandbox.connections().len() == 1
    });
    w
}

/// Up to "Creating…" with the sandbox doing `action` to the create.
fn to_a_create_in_flight(
    home: &Home,
    sandbox: &Sandbox,
    action: ona_connect::sandbox::FaultAction,
    extra: &[&str],
) -> Wizard {
    use ona_connect::sandbox::{Fault, FaultRoute};
    sandbox.add_fault(Fault::new(FaultRoute::Create, 1, action));
    let url = sandbox.url();
    let ona = sandbox.ona_api_url();
    let mut args = vec!["--ona-api-url", ona.as_str()];
    args.extend_from_slice(extra);
    let mut w = wizard(home, sandbox, &args);
    to_form(&mut w, &url);
    w.paste(demo::ONA_PAT);
    w.wait_for("✓ valid: ");
    w.send(ENTER);
    w.wait_for("Nothing has been sent yet");
    w.wait_for(REVIEW_SETTLED);
    w.send(ENTER);
    w.wait_for("Creating \"ona\"");
    w
}

const IN_FLIGHT_LINE: &str = "the create of ona was sent and its outcome is unknown";

/// Quitting anyway while the create is stored but unanswered: a quick lookup on the way out
/// finds it, and the exit says it was created.
#[test]
fn quitting_during_a_create_that_was_stored_says_it_was_created() {
    let sandbox = sandbox();
    let home = Home::new();
    let mut w = to_a_held_create(&home, &sandbox, &[]);
    w.send(CTRL_C);
    w.wait_for("The create was sent to Infisical");
    w.send("y");
    assert_eq!(w.exit_code(), 0);
    let after = w.screen();
    let id = sandbox.connections()[0].id.to_string();
    assert!(
        after.contains("a lookup just now found it: the connection was created"),
        "{after}"
    );
    assert!(after.contains(&id), "{after}");
    assert!(!after.contains("nothing was created"), "{after}");
    // Remembered as an answered create would be (for `status` and the next run).
    let config = std::fs::read_to_string(home.config_file()).expect("config written");
    assert!(config.contains(&id), "{config}");
    assert!(!config.contains(demo::ONA_PAT), "token in the config file");
}

#[test]
fn quitting_during_a_create_says_the_outcome_is_unknown_and_exits_3() {
    let sandbox = sandbox();
    let home = Home::new();
    // The create never answers and is not stored (yet): the lookup finds nothing, and the
    // outcome stays unknown.
    let mut w = to_a_create_in_flight(
        &home,
        &sandbox,
        ona_connect::sandbox::FaultAction::Hang,
        &[],
    );
    w.send(CTRL_C);
    let dialog = w.wait_for("The create was sent to Infisical");
    assert!(dialog.contains("quit anyway"), "{dialog}");
    assert!(!dialog.contains("not saved anywhere"), "{dialog}");
    // Enter waits rather than quits: only a deliberate y leaves the outcome unknown.
    w.send(ENTER);
    w.wait_until("the dialog closed", |s| !s.contains("Quit ona-connect?"));
    w.send(CTRL_C);
    w.wait_for("The create was sent to Infisical");
    w.send("y");
    assert_eq!(w.exit_code(), 3);
    let after = w.screen();
    assert!(after.contains(IN_FLIGHT_LINE), "{after}");
    assert!(
        after.contains(&format!(
            "ona-connect --domain {} --project {} list",
            sandbox.url(),
            demo::BACKEND_PROJECT_ID
        )),
        "{after}"
    );
    assert!(!after.contains("nothing was created"), "{after}");
    assert!(sandbox.connections().is_empty());
}

#[test]
fn an_answer_while_the_quit_dialog_is_open_closes_it_and_shows_the_outcome() {
    let sandbox = sandbox();
    let home = Home::new();
    let mut w = to_a_held_create(&home, &sandbox, &[]);
    w.send(CTRL_C);
    w.wait_for("The create was sent to Infisical");
    sandbox.release_held();
    let done = w.wait_until("the outcome without the dialog", |s| {
        s.contains("Connection created") && !s.contains("Quit ona-connect?")
    });
    assert!(!done.contains("not saved anywhere"), "{done}");
    // A "y" meant for the closed dialog is not a quit over a created connection.
    w.send("y");
    w.send(ENTER);
    assert_eq!(w.exit_code(), 0);
    assert!(w.screen().contains("Ona connection created"));
}

const FOUND_LINE: &str =
    "the create of ona was sent and a lookup just now found it: the connection was created";

/// SIGTERM while the create is stored but unanswered: the lookup on the way out finds it.
#[test]
fn sigterm_during_a_stored_create_says_it_was_created() {
    let sandbox = sandbox();
    let home = Home::new();
    let mut w = to_a_held_create(&home, &sandbox, &[]);
    w.sigterm();
    assert_eq!(w.exit_code(), 143);
    let after = w.screen();
    assert!(after.contains(FOUND_LINE), "{after}");
    assert!(!after.contains("nothing was created"), "{after}");
    let id = sandbox.connections()[0].id.to_string();
    let config = std::fs::read_to_string(home.config_file()).expect("config written");
    assert!(config.contains(&id), "{config}");
}

#[test]
fn sigterm_during_a_create_not_stored_yet_says_the_outcome_is_unknown() {
    let sandbox = sandbox();
    let home = Home::new();
    let mut w = to_a_create_in_flight(
        &home,
        &sandbox,
        ona_connect::sandbox::FaultAction::Hang,
        &[],
    );
    w.sigterm();
    assert_eq!(w.exit_code(), 143);
    let after = w.screen();
    assert!(after.contains(IN_FLIGHT_LINE), "{after}");
    assert!(!after.contains("nothing was created"), "{after}");
}

/// A create whose answer was lost, and whose lookup failed too, is back on Review; quitting
/// there is not "nothing was created": the lookup on the way out finds it.
#[test]
fn quitting_after_a_lost_answer_looks_the_create_up() {
    let sandbox = sandbox();
    let home = Home::new();
    let url = sandbox.url();
    let ona = sandbox.ona_api_url();
    let mut w = wizard(&home, &sandbox, &["--ona-api-url", ona.as_str()]);
    to_form(&mut w, &url);
    w.paste(demo::ONA_PAT);
    w.wait_for("✓ valid: ");
    w.send(ENTER);
    w.wait_for(REVIEW_SETTLED);
    // Every lookup after the lost answer fails, until the faults are cleared.
    common::lose_the_create_answer(&sandbox, 100);
    w.send(ENTER);
    w.wait_for("A create was sent; its outcome is unknown");
    assert_eq!(sandbox.connections().len(), 1);
    sandbox.clear_faults();
    w.send(CTRL_C);
    w.wait_for("its answer was lost");
    w.send("y");
    assert_eq!(w.exit_code(), 0);
    let after = w.screen();
    assert!(after.contains(FOUND_LINE), "{after}");
    assert!(!after.contains("nothing was created"), "{after}");
}

/// Enter on Review while Ona's check is still out does not send: what goes out is what the
/// screen showed when the user confirmed, the expiry included.
#[test]
fn review_waits_for_onas_check_before_it_sends() {
    use ona_connect::sandbox::{Fault, FaultAction, FaultRoute};
    let sandbox = sandbox();
    sandbox.add_fault(Fault::new(
        FaultRoute::OnaIdentity,
        1,
        FaultAction::StoreThenHold,
    ));
    let home = Home::new();
    let url = sandbox.url();
    let ona = sandbox.ona_api_url();
    let mut w = wizard(&home, &sandbox, &["--ona-api-url", ona.as_str()]);
    to_form(&mut w, &url);
    w.paste(demo::ONA_PAT);
    wait_masked(&mut w, demo::ONA_PAT.len());
    w.send(ENTER);
    let review = w.wait_for("Waiting for Ona's check");
    assert!(review.contains("Description    (none)"), "{review}");
    // A quick second Enter: nothing is sent while the screen may still change.
    w.send(ENTER);
    w.send("!");
    w.wait_for("Waiting for Ona's check");
    assert!(
        create_posts(&sandbox).is_empty(),
        "sent before the check answered"
    );
    sandbox.release_held();
    let settled = w.wait_for(REVIEW_SETTLED);
    assert!(
        settled.contains("Description    token expires "),
        "{settled}"
    );
    assert!(
        create_posts(&sandbox).is_empty(),
        "sent without a new Enter"
    );
    w.send(ENTER);
    w.wait_for("Connection created");
    let posts = create_posts(&sandbox);
    assert_eq!(posts.len(), 1);
    let sent = posts[0]["description"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(sent.starts_with("token expires "), "{sent}");
    assert!(settled.contains(&sent), "sent {sent:?}, shown:\n{settled}");
    w.send(ENTER);
    assert_eq!(w.exit_code(), 0);
}

#[test]
fn a_hang_up_during_a_create_writes_the_truth_to_the_log() {
    let sandbox = sandbox();
    let home = Home::new();
    let log = home.path().join("ona-connect.log");
    let log_arg = log.display().to_string();
    let mut w = to_a_held_create(&home, &sandbox, &["--log", log_arg.as_str()]);
    signal(w.pid(), "HUP");
    assert_eq!(w.exit_code(), 129);
    // After a hang-up stderr may be gone; the log keeps the line.
    let written = std::fs::read_to_string(&log).expect("the log");
    assert!(written.contains(FOUND_LINE), "{written}");
    assert_eq!(sandbox.connections().len(), 1);
}
