//! The plain, accessible mode: answers piped through it, and a run in a pseudo-terminal
//! (no alternate screen, no colour, the token read without echo).

mod common;

use common::browser::{callback_port, hand_off, page_token};
use common::{ENTER, Home, Run, Stdin, UA_ENV, Wizard};
use ona_connect::sandbox::{Sandbox, SandboxOptions, demo};

const TOKEN: &str = demo::ONA_PAT;

/// Runs `--plain` with `answers` on stdin (a pipe), against the sandbox; fails when the token
/// or an escape sequence shows up on stdout or stderr.
fn plain(sb: &Sandbox, home: &Home, extra: &[&str], answers: &str) -> Run {
    plain_with(sb, home, extra, &UA_ENV, answers)
}

/// [`plain`] with `env` instead of the Universal Auth credentials.
fn plain_with(
    sb: &Sandbox,
    home: &Home,
    extra: &[&str],
    env: &[(&str, &str)],
    answers: &str,
) -> Run {
    let mut args = plain_args(sb, home);
    args.extend(extra.iter().map(|a| a.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = common::run(home, &args, env, Stdin::Text(answers));
    run.assert_never_printed(TOKEN).assert_no_escapes();
    run
}

/// `--plain` against the sandbox (Infisical and Ona), with the home's config file.
fn plain_args(sb: &Sandbox, home: &Home) -> Vec<String> {
    let config = home.config_file().display().to_string();
    [
        "--plain",
        "--domain",
        &sb.url(),
        "--ona-api-url",
        &sb.ona_api_url(),
        "--config",
        &config,
    ]
    .map(String::from)
    .to_vec()
}

/// Enter through the four guide steps.
const GUIDE: &str = "\n\n\n\n";

#[test]
fn piped_answers_create_a_connection() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    let home = Home::new();
    // guide, name, description, token, project 2, keep the expiry in the description, create
    let answers = format!("{GUIDE}plain-conn\nfrom plain mode\n{TOKEN}\n2\n\n\n");
    let run = plain(&sb, &home, &[], &answers);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    for n in 1..=9 {
        assert!(
            run.stdout.contains(&format!("Step {n} of 9: ")),
            "step {n} missing:\n{}",
            run.stdout
        );
    }
    // The same guide data as the full-screen wizard.
    for step in ona_connect::guide::steps() {
        assert!(run.stdout.contains(&step.title) && run.stdout.contains(&step.body[0]));
    }
    assert!(run.stdout.contains("1) Demo Backend") && run.stdout.contains("2) Demo Frontend"));
    assert!(
        run.stdout
            .contains("Valid: the token of Dana Developer (dana@example.com)."),
        "{}",
        run.stdout
    );
    let created = sb.connections();
    assert_eq!(created.len(), 1);
    let c = &created[0];
    assert_eq!(
        (c.name.as_str(), c.project_id.as_deref()),
        ("plain-conn", Some(demo::FRONTEND_PROJECT_ID))
    );
    assert!(
        c.description
            .as_deref()
            .unwrap()
            .starts_with("from plain mode · token expires ")
    );
    assert!(run.stdout.contains(&c.id.to_string()));
    let config = std::fs::read_to_string(home.config_file()).unwrap();
    assert!(config.contains("plain-conn") && !config.contains(TOKEN));
}

#[test]
fn invalid_answers_are_asked_again_saying_what_is_wrong() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    let home = Home::new();
    let answers = format!(
        "{GUIDE}Bad Name\nok-name\n{}\n\nnot-a-token\nn\n{TOKEN}\n7\n1\n\n\n",
        "d".repeat(300)
    );
    let run = plain(&sb, &home, &[], &answers);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("The name: has uppercase letters and a space; Enter takes \"bad-name\""),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("[bad-name]"),
        "the offered name is the default"
    );
    assert!(
        run.stdout
            .contains(ona_connect::validate::DESCRIPTION_TOO_LONG)
    );
    assert!(run.stdout.contains("Ona rejected this token"));
    assert!(
        run.stdout
            .contains("Please answer with a number from 1 to 2.")
    );
    assert_eq!(sb.connections()[0].name, "ok-name");
}

#[test]
fn a_taken_name_offers_another_name_or_rotation() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    let home = Home::new();
    let first = plain(
        &sb,
        &home,
        &["--skip-ona-check"],
        &format!("{GUIDE}taken\n\n{TOKEN}\n1\n\n"),
    );
    assert_eq!(first.code, 0, "{}", first.stderr);
    let before = sb.connections()[0].clone();

    // Another name: a second connection.
    let run = plain(
        &sb,
        &home,
        &["--skip-ona-check"],
        &format!("{GUIDE}taken\n\n{TOKEN}\n1\n\n1\nother\n\n"),
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("already exists")
            && run
                .stdout
                .contains("2) rotate the token of the existing connection instead")
    );
    assert_eq!(sb.connections().len(), 2);

    // Rotation instead: same id, new credentials hash.
    let new_token = "ona_second_token_for_rotation";
    sb.add_ona_pat(
        new_token,
        ona_connect::sandbox::OnaPat {
            description: "rotated".into(),
            created_at: time::OffsetDateTime::now_utc(),
            expires_at: time::OffsetDateTime::now_utc() + time::Duration::days(30),
            can_list: true,
        },
    );
    let run = plain(
        &sb,
        &home,
        &["--skip-ona-check"],
        &format!("{GUIDE}taken\n\n{new_token}\n1\n\n2\n"),
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("Rotated the token of taken"));
    let after = sb
        .connections()
        .into_iter()
        .find(|c| c.name == "taken")
        .unwrap();
    assert_eq!(after.id, before.id);
    assert_ne!(after.credentials_hash, before.credentials_hash);
    assert!(!run.stdout.contains(new_token));
}

#[test]
fn input_that_ends_early_fails_at_once() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    let home = Home::new();
    // Two answers: the guide's first two steps. The third prompt meets the end of input.
    let run = plain(&sb, &home, &[], "\n\n");
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("standard input ended"),
        "{}",
        run.stderr
    );
    // "At once": each prompt was asked once, the one that met the end of input included, and
    // nothing after it: no asking again, no waiting.
    assert_eq!(
        run.stdout.matches("Press Enter when this is done.").count(),
        3,
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Step 4 of 9: "), "{}", run.stdout);
    assert!(!run.stdout.contains("Step 5 of 9: "), "{}", run.stdout);
    assert!(
        sb.requests()
            .iter()
            .all(|r| !r.path.starts_with("/api/v1/app-connections")),
        "{:?}",
        sb.request_log()
    );
    assert!(sb.connections().is_empty());
}

#[test]
fn term_dumb_in_a_terminal_is_plain_and_never_echoes_the_token() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    let home = Home::new();
    let config = home.config_file();
    let config = config.to_str().unwrap();
    let mut w = Wizard::spawn(
        &home,
        &[
            "--domain",
            &sb.url(),
            "--skip-ona-check",
            "--config",
            config,
        ],
        &[("TERM", "dumb"), UA_ENV[0], UA_ENV[1]],
    );
    w.wait_for("Step 2 of 9");
    for _ in 0..4 {
        w.send(ENTER);
    }
    w.wait_for("Name (lowercase");
    w.send("pty-plain\r");
    w.wait_for("Description");
    w.send("\r");
    w.wait_for("input hidden");
    w.send(&format!("{TOKEN}\r"));
    w.wait_for("37 characters received");
    w.wait_for("Choice [1]");
    w.send("\r");
    w.wait_for("Create the connection?");
    w.send("\r");
    w.wait_for("Step 9 of 9: Connection created");
    assert_eq!(w.exit_code(), 0);
    let transcript = w.transcript();
    common::assert_never_shown(&transcript, TOKEN);
    for forbidden in [&b"\x1b[?1049h"[..], b"\x1b[3", b"\x1b[?25l"] {
        assert!(
            !common::contains_bytes(&transcript, forbidden),
            "{forbidden:?} in plain mode"
        );
    }
    assert_eq!(sb.connections().len(), 1);
}

/// The plain mode's browser sign-in in a terminal: it prints the link, and while it waits for
/// the web app's POST it reads a paste without echo; the POST wins here, and the next question
/// reads its own answer (the paste reader was called off, the terminal is back to normal).
#[test]
fn plain_mode_signs_in_by_the_browsers_post_while_offering_the_paste() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    let home = Home::new();
    let config = home.config_file().display().to_string();
    let mut w = Wizard::spawn(
        &home,
        &["--plain", "--domain", &sb.url(), "--config", &config],
        &[],
    );
    w.wait_for("Press Enter to use it");
    w.send(ENTER);
    w.wait_for("1) Your browser: sign in to Infisical there");
    w.send(ENTER);
    let screen = w.wait_for("Or paste the token the page shows (input hidden)");
    assert_eq!(hand_off(callback_port(&screen, &sb.url()), &sb.url()), 200);
    w.wait_for(&format!(
        "Signed in to {} as {} in {} (browser sign-in).",
        sb.url(),
        demo::USER_EMAIL,
        demo::ORG_NAME
    ));
    w.wait_for("Step 2 of 9");
    // Typed text is echoed again: the hidden paste prompt gave the terminal back.
    w.send("echoed");
    w.wait_for("Press Enter when this is done.echoed");
    w.send(common::CTRL_C);
    common::assert_never_shown(&w.transcript(), demo::USER_TOKEN);
}

/// Answers from a pipe: the browser method, then the page's token (as pasted over SSH), then
/// the rest of the flow; the create carries the pasted session.
#[test]
fn plain_mode_signs_in_with_the_pasted_page_token_and_creates() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    let home = Home::new();
    let page_token = page_token();
    // URL, method 1, a paste that is not the token, the page's token, guide, name,
    // description, Ona token, project, expiry, create.
    let answers =
        format!("\n1\nnot-the-token\n{page_token}\n{GUIDE}plain-browser\n\n{TOKEN}\n1\n\n\n");
    let run = plain_with(&sb, &home, &[], &[], &answers);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    run.assert_never_printed(demo::USER_TOKEN)
        .assert_never_printed(&page_token);
    assert!(run.stdout.contains("not base64"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains(&format!("as {} in {}", demo::USER_EMAIL, demo::ORG_NAME)),
        "{}",
        run.stdout
    );
    let create = sb
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path == "/api/v1/app-connections/ona")
        .expect("the create");
    assert_eq!(
        create.header("authorization"),
        Some(format!("Bearer {}", demo::USER_TOKEN).as_str())
    );
}

/// A create whose answer is lost, and every lookup after it fails: leaving then says the
/// outcome is unknown (exit 3), never "nothing was created".
#[test]
fn leaving_after_an_unknown_outcome_does_not_claim_nothing_was_created() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    common::lose_the_create_answer(&sb, 10);
    let home = Home::new();
    // guide, name, description, token, project 1, expiry in the description, create, then
    // "Try again?" no.
    let answers = format!("{GUIDE}lost-answer\n\n{TOKEN}\n1\n\n\nn\n");
    let run = plain(&sb, &home, &[], &answers);
    run.expect(3)
        .stderr_has("the create of lost-answer was sent and its outcome is unknown");
    assert!(
        !run.stderr.contains("nothing was created"),
        "{}",
        run.stderr
    );
    assert_eq!(sb.connections().len(), 1);
}

/// The same lost answer, but Infisical answers again by the time the user leaves: the lookup
/// on the way out finds the connection, and the exit says it was created.
#[test]
fn leaving_after_a_lost_answer_looks_the_create_up_on_the_way_out() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    // Each of the client's four lookups after the lost answer fails; the next one works.
    common::lose_the_create_answer(&sb, 4);
    let home = Home::new();
    let answers = format!("{GUIDE}lost-answer\n\n{TOKEN}\n1\n\n\nn\n");
    let run = plain(&sb, &home, &[], &answers);
    let id = sb.connections()[0].id.to_string();
    run.expect(0).stderr_has(&format!(
        "the create of lost-answer was sent and a lookup just now found it: the connection was created ({id})"
    ));
    let config = std::fs::read_to_string(home.config_file()).expect("config written");
    assert!(config.contains(&id), "{config}");
}

/// SIGTERM while Infisical holds a create it has stored: the plain mode says what became of
/// it instead of ending silently.
#[test]
fn sigterm_during_a_create_in_plain_mode_says_what_became_of_it() {
    use ona_connect::sandbox::{Fault, FaultAction, FaultRoute};
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    sb.add_fault(Fault::new(
        FaultRoute::Create,
        1,
        FaultAction::StoreThenHold,
    ));
    let home = Home::new();
    let answers = format!("{GUIDE}held\n\n{TOKEN}\n1\n\n\n");
    let args = plain_args(&sb, &home);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let running = common::start(&home, &args, &UA_ENV, Stdin::Text(&answers));
    common::eventually("the create is stored", || sb.connections().len() == 1);
    running.signal("TERM");
    let run = running.wait();
    let id = sb.connections()[0].id.to_string();
    run.expect(143).stderr_has(&format!(
        "the create of held was sent and a lookup just now found it: the connection was created ({id})"
    ));
    run.assert_never_printed(TOKEN);
}

/// A piped answer that is not UTF-8 is refused before anything is sent, not turned into
/// U+FFFD and sent to Infisical.
#[test]
fn an_answer_that_is_not_utf8_stops_before_anything_is_sent() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    let home = Home::new();
    let mut answers = format!("{GUIDE}bytes\n").into_bytes();
    answers.extend_from_slice(b"caf\xe9 latin-1\n");
    answers.extend_from_slice(format!("{TOKEN}\n1\n\n\n").as_bytes());
    let args = plain_args(&sb, &home);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = common::run(&home, &args, &UA_ENV, Stdin::Bytes(&answers));
    run.expect(2)
        .stderr_has("not valid UTF-8")
        .assert_never_printed(TOKEN);
    assert!(sb.connections().is_empty());
    assert!(
        sb.requests()
            .iter()
            .all(|r| !r.path.starts_with("/api/v1/app-connections/ona") || r.method == "GET"),
        "{:?}",
        sb.request_log()
    );
}
