//! What the binary does for each command, after parsing. Kept in the library so tests and
//! the demo share it.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use crate::cli::{
    Cli, Command, EXIT_CANCELLED, EXIT_FAILURE, EXIT_OK, EXIT_OUTCOME_UNKNOWN, EXIT_USAGE, Global,
    With,
};
use crate::config::{self, FileConfig, Flags, Settings};
use crate::sandbox::BoundSandbox;
use crate::secret::Secret;
use crate::session;
use crate::session::summary::{self, Created};
use crate::tui::ui::theme::{self, Detect};
use crate::tui::{self, Context, Interrupted};
use crate::wizard::{self, Demo, Init, Outcome};
use crate::{cli_login, commands};

/// Runs one command. The wizard draws its first frame before the async runtime (and, in the
/// demo, the sandbox's thread) exists, so nothing but parsing and the terminal delays it.
pub fn main(cli: Cli) -> i32 {
    crate::hardening::harden_process();
    let global = cli.global();
    if let Some(Err(e)) = global.log.as_deref().map(crate::hardening::start_log) {
        eprintln!("ona-connect: {e}");
        return EXIT_USAGE;
    }
    match cli.command {
        None => match load_settings(&global, false) {
            Ok((settings, path)) => wizard_command(&global, settings, path, None, None, None),
            Err(code) => code,
        },
        Some(Command::Demo(_)) => demo(&global),
        Some(Command::Sandbox(w)) => block_on(sandbox(w.args.port)),
        Some(Command::Status(With { args, .. })) => match load_settings(&global, args.json) {
            Ok((settings, path)) => block_on(commands::status(&global, settings, path, args)),
            Err(code) => code,
        },
        Some(Command::Create(With { args, .. })) => match load_settings(&global, args.json) {
            Ok((settings, path)) => block_on(commands::create(&global, settings, path, args)),
            Err(code) => code,
        },
        Some(Command::List(With { args, .. })) => match load_settings(&global, args.json) {
            Ok((settings, _)) => block_on(commands::list(&global, settings, args)),
            Err(code) => code,
        },
        Some(Command::Rotate(With { args, .. })) => match load_settings(&global, args.json) {
            // Without a token on stdin, a person at a terminal gets the wizard's rotation path.
            Ok((settings, path))
                if !args.pat_stdin && !wants_plain(&global) && interactive_terminal().is_ok() =>
            {
                let wanted = args.id.clone().or(args.name.clone());
                wizard_command(&global, settings, path, None, Some(wanted), None)
            }
            Ok((settings, path)) => block_on(commands::rotate(&global, settings, path, args)),
            Err(code) => code,
        },
        Some(Command::Completions(w)) => commands::completions(w.args.shell),
        Some(Command::Man(_)) => commands::man(),
    }
}

fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}

fn block_on(work: impl std::future::Future<Output = i32>) -> i32 {
    match runtime() {
        Ok(runtime) => runtime.block_on(work),
        Err(e) => {
            eprintln!("ona-connect: cannot start: {e}");
            EXIT_FAILURE
        }
    }
}

mod env_shim {
    pub fn var_os_str(name: &str) -> Option<String> {
        std::env::var_os(name).map(|v| v.to_string_lossy().into_owned())
    }
}

fn config_path(global: &Global) -> Option<PathBuf> {
    global.config.clone().or_else(config::default_path)
}

/// Settings from flags, environment and config file; an error is printed (with `json`, also
/// as one JSON object, like every other error of the commands) and becomes the exit status.
fn load_settings(global: &Global, json: bool) -> Result<(Settings, Option<PathBuf>), i32> {
    let path = config_path(global);
    let file = match &path {
        Some(p) => config::load(p)
            .map_err(|e| commands::Failure::usage(format!("config file: {e}")).report(json))?,
        None => FileConfig::default(),
    };
    let flags = Flags {
        domain: global.domain.clone(),
        client_id: global.client_id.clone(),
        project: global.project.clone(),
    };
    let settings = config::resolve(&flags, &env_shim::var_os_str, &file)
        .map_err(|e| commands::Failure::usage(e.to_string()).report(json))?;
    Ok((settings, path))
}

fn interactive_terminal() -> Result<(), String> {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err("the wizard needs an interactive terminal (or --plain for line-by-line prompts). In scripts use: ona-connect create --name NAME --project ID --pat-stdin (credentials from INFISICAL_TOKEN or INFISICAL_UNIVERSAL_AUTH_CLIENT_ID/SECRET)".into());
    }
    Ok(())
}

/// The plain mode is asked for, or the terminal cannot do more.
fn wants_plain(global: &Global) -> bool {
    global.plain || std::env::var("TERM").is_ok_and(|t| t == "dumb")
}

/// The full-screen wizard; `rotate` is `Some(wanted name or id)` for the rotation path;
/// `sandbox` is the demo's server, started once the first frame is on screen.
fn wizard_command(
    global: &Global,
    settings: Settings,
    config_path: Option<PathBuf>,
    demo: Option<Demo>,
    rotate: Option<Option<String>>,
    sandbox: Option<BoundSandbox>,
) -> i32 {
    if wants_plain(global) {
        let _sandbox = match serve(sandbox) {
            Ok(s) => s,
            Err(code) => return code,
        };
        return block_on(crate::plain::run(global, settings, config_path, demo));
    }
    if let Err(why) = interactive_terminal() {
        eprintln!("ona-connect: {why}");
        return EXIT_USAGE;
    }
    let ona_api = match session::ona_api(global) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("ona-connect: {e}");
            return EXIT_USAGE;
        }
    };
    let cli_on_path = demo.is_none() && cli_login::find_on_path("infisical").is_some();
    let terminal_env = crate::links::TerminalEnv::detect(&env_shim::var_os_str);
    let init = Init {
        site: settings.domain.site().to_string(),
        project_id: settings.project_id.clone(),
        client_id: settings.client_id.clone(),
        client_secret: settings.client_secret.as_ref().map(Secret::duplicate),
        last_name: settings.last_name.clone(),
        env_source: settings
            .env_credentials
            .as_ref()
            .map(|c| c.source().to_string()),
        cli_on_path,
        demo,
        over_ssh: terminal_env.ssh,
        browser_unavailable: terminal_env.local_browser().err(),
        skip_ona_check: ona_api.is_none(),
        rotate: rotate.is_some(),
        rotate_wanted: rotate.flatten(),
    };
    let (state, effects) = wizard::State::new(init);
    let detect = Detect::from_env();
    let context = Context {
        env_credentials: settings.env_credentials,
        network: session::network(global),
        config_path,
        theme: detect.initial(),
        terminal_env: Some(terminal_env),
        ona_api,
    };
    // The background query goes out with the first frame and its answer is read after it,
    // by the key reader: the frame waits for no round trip to the terminal.
    let query = detect.ask.then_some(theme::QUERY);
    let mut guard = match crate::tui::terminal::Guard::enter(query) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("ona-connect: cannot use this terminal: {e}");
            return EXIT_FAILURE;
        }
    };
    tui::draw(&mut guard.terminal, &state, &context);
    let asked = query.map(|_| Instant::now());
    let _sandbox = match serve(sandbox) {
        Ok(s) => s,
        Err(code) => {
            drop(guard);
            return code;
        }
    };
    let result = block_on_wizard(&mut guard.terminal, state, effects, context, detect, asked);
    drop(guard);
    let Some(result) = result else {
        return EXIT_FAILURE;
    };
    match result {
        Ok(Outcome::Created(created)) => {
            print_created(&created);
            EXIT_OK
        }
        Ok(Outcome::Rotated(rotated)) => {
            for line in summary::rotation_report(&rotated.before, &rotated.after) {
                println!("{line}");
            }
            println!("Same from a script: {}", summary::rotate_command(&rotated));
            EXIT_OK
        }
        Ok(Outcome::Cancelled) => {
            eprintln!("ona-connect: cancelled; nothing was created.");
            EXIT_CANCELLED
        }
        Ok(Outcome::Abandoned(in_flight)) => {
            session::unsettled::report(&in_flight, false);
            if in_flight.found.is_some() {
                EXIT_OK
            } else {
                EXIT_OUTCOME_UNKNOWN
            }
        }
        Err(Interrupted::Signal(n, in_flight)) => {
            if let Some(w) = &in_flight {
                session::unsettled::report(w, false);
            }
            128 + n
        }
        // The terminal went away: the status of a hang-up, whether SIGHUP or the hang-up
        // watcher noticed first.
        Err(Interrupted::TerminalClosed(in_flight)) => {
            if let Some(w) = &in_flight {
                session::unsettled::report(w, false);
            }
            128 + 1
        }
    }
}

/// The summary again on the normal screen, so it stays in the scrollback after exit.
fn print_created(created: &Created) {
    let mut out = std::io::stdout().lock();
    let headline = if created.recovered {
        "Ona connection found after a lost answer (it was created):"
    } else {
        "Ona connection created:"
    };
    let _ = writeln!(out, "{headline}");
    for line in summary::created_report(created) {
        let _ = writeln!(out, "{line}");
    }
}

/// The wizard's loop on a runtime built after the first frame; `None` when it cannot start
/// (the reason is printed).
fn block_on_wizard(
    terminal: &mut crate::tui::terminal::Tui,
    state: wizard::State,
    effects: Vec<wizard::Effect>,
    context: Context,
    detect: Detect,
    asked: Option<Instant>,
) -> Option<Result<Outcome, Interrupted>> {
    let runtime = match runtime() {
        Ok(r) => r,
        Err(e) => {
            crate::tui::terminal::restore();
            eprintln!("ona-connect: cannot start: {e}");
            return None;
        }
    };
    // The key reader's threads start here too, after the first frame.
    let events = crate::tui::input::input_events(detect, asked);
    Some(runtime.block_on(tui::run(terminal, events, state, effects, context)))
}

fn sandbox_failed(e: &std::io::Error) -> i32 {
    eprintln!("ona-connect: cannot start the demo sandbox: {e}");
    EXIT_FAILURE
}

/// Starts the demo's sandbox, if there is one; it stops when the result is dropped.
fn serve(sandbox: Option<BoundSandbox>) -> Result<Option<crate::sandbox::Sandbox>, i32> {
    sandbox
        .map(BoundSandbox::serve)
        .transpose()
        .map_err(|e| sandbox_failed(&e))
}

/// The wizard against an in-process sandbox: no account, no network, nothing written to
/// the user's config file.
fn demo(global: &Global) -> i32 {
    use crate::sandbox::{SandboxOptions, demo};
    // Bound now for its address on the first screen; served after the first frame.
    let sandbox = match BoundSandbox::bind(SandboxOptions {
        // Long enough to see the waiting states, short enough not to bore an audience.
        delay: std::time::Duration::from_millis(300),
        ..SandboxOptions::default()
    }) {
        Ok(s) => s,
        Err(e) => return sandbox_failed(&e),
    };
    let domain = match crate::infisical::Domain::parse(&sandbox.url()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("ona-connect: {e}");
            return EXIT_FAILURE;
        }
    };
    let settings = Settings {
        domain,
        project_id: global.project.clone(),
        client_id: Some(demo::CLIENT_ID.to_string()),
        client_secret: Some(Secret::new(demo::CLIENT_SECRET)),
        env_credentials: None,
        last_name: None,
        explicit_project_id: global.project.clone(),
    };
    let demo = Demo {
        ona_token: demo::ONA_PAT.to_string(),
    };
    let mut global = global.clone();
    if global.ona_api_url.is_none() {
        global.ona_api_url = Some(sandbox.ona_api_url());
    }
    wizard_command(&global, settings, None, Some(demo), None, Some(sandbox))
}

/// `ona-connect sandbox`: the sandbox in the foreground, one line per request.
async fn sandbox(port: u16) -> i32 {
    use crate::sandbox::{Sandbox, SandboxOptions, demo};
    let logger: crate::sandbox::RequestLogger = std::sync::Arc::new(|line| println!("{line}"));
    let sandbox = match Sandbox::start(SandboxOptions {
        port,
        on_request: Some(logger),
        ..SandboxOptions::default()
    }) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("ona-connect: cannot start the sandbox on 127.0.0.1:{port}: {e}");
            return EXIT_FAILURE;
        }
    };
    println!("Infisical sandbox listening on {}", sandbox.url());
    println!("  Ona API (emulated):     {}", sandbox.ona_api_url());
    println!(
        "  Universal Auth:         INFISICAL_UNIVERSAL_AUTH_CLIENT_ID={}",
        demo::CLIENT_ID
    );
    println!(
        "                          INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET={}",
        demo::CLIENT_SECRET
    );
    println!(
        "  Projects:               {} ({}), {} ({})",
        demo::BACKEND_PROJECT_NAME,
        demo::BACKEND_PROJECT_ID,
        demo::FRONTEND_PROJECT_NAME,
        demo::FRONTEND_PROJECT_ID
    );
    println!("  Valid Ona token:        {}", demo::ONA_PAT);
    println!(
        "  Browser sign-in:        {}/login (the Browser method's link; signs in {})",
        sandbox.url(),
        demo::USER_EMAIL
    );
    println!(
        "These are public demo values. Try: ona-connect --domain {}",
        sandbox.url()
    );
    println!("Ctrl-C stops it. Requests:");
    let _ = tokio::signal::ctrl_c().await;
    sandbox.shutdown();
    EXIT_OK
}
