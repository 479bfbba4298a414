//! What the binary does for each command, after parsing. Kept in the library so tests and
//! the demo share it.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

use crate::app::{self, Context, Interrupted};
use crate::cli::{
    Cli, Command, CreateArgs, EXIT_CANCELLED, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, Global,
};
use crate::config::{self, EnvCredentials, FileConfig, Flags, Settings};
use crate::infisical::{
    Client, ClientOptions, CreateError, CreateRequest, Credentials, Error, Timeouts,
};
use crate::secret::Secret;
use crate::ui::{self, Theme};
use crate::wizard::{self, Created, Demo, Init, Outcome};
use crate::{cli_login, sanitize, validate};

pub fn main(cli: Cli) -> i32 {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("ona-connect: cannot start: {e}");
            return EXIT_FAILURE;
        }
    };
    runtime.block_on(dispatch(cli))
}

async fn dispatch(cli: Cli) -> i32 {
    let global = cli.global;
    match cli.command {
        None => match load_settings(&global) {
            Ok((settings, path)) => wizard_command(&global, settings, path, None).await,
            Err(code) => code,
        },
        Some(Command::Demo) => demo(&global).await,
        Some(Command::Sandbox { port }) => sandbox(port).await,
        Some(Command::Create(args)) => match load_settings(&global) {
            Ok((settings, _)) => create(&global, settings, args).await,
            Err(code) => code,
        },
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

/// Settings from flags, environment and config file; an error is printed and becomes the
/// exit status.
fn load_settings(global: &Global) -> Result<(Settings, Option<PathBuf>), i32> {
    let path = config_path(global);
    let file = match &path {
        Some(p) => config::load(p).map_err(|e| {
            eprintln!("ona-connect: config file: {e}");
            EXIT_USAGE
        })?,
        None => FileConfig::default(),
    };
    let flags = Flags {
        domain: global.domain.clone(),
        client_id: global.client_id.clone(),
        project: global.project.clone(),
    };
    let settings = config::resolve(&flags, &env_shim::var_os_str, &file).map_err(|e| {
        eprintln!("ona-connect: {e}");
        EXIT_USAGE
    })?;
    Ok((settings, path))
}

fn interactive_terminal() -> Result<(), String> {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err("the wizard needs an interactive terminal. In scripts use: ona-connect create --name NAME --project ID --pat-stdin (credentials from INFISICAL_TOKEN or INFISICAL_UNIVERSAL_AUTH_CLIENT_ID/SECRET)".into());
    }
    if std::env::var("TERM").is_ok_and(|t| t == "dumb") {
        return Err("TERM=dumb cannot show the full-screen wizard. Use: ona-connect create --name NAME --project ID --pat-stdin".into());
    }
    Ok(())
}

/// Ona's API base for the token check, or `None` when it is switched off.
pub fn ona_api(global: &Global) -> Result<Option<crate::infisical::Domain>, String> {
    if global.skip_ona_check {
        return Ok(None);
    }
    let raw = global
        .ona_api_url
        .as_deref()
        .unwrap_or(crate::ona::DEFAULT_API);
    crate::infisical::Domain::parse(raw)
        .map(Some)
        .map_err(|e| format!("--ona-api-url / ONA_API_URL: {e}"))
}

async fn wizard_command(
    global: &Global,
    settings: Settings,
    config_path: Option<PathBuf>,
    demo: Option<Demo>,
) -> i32 {
    if let Err(why) = interactive_terminal() {
        eprintln!("ona-connect: {why}");
        return EXIT_USAGE;
    }
    let ona_api = match ona_api(global) {
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
        client_secret: settings
            .client_secret
            .as_ref()
            .map(|s| s.expose().to_string()),
        last_name: settings.last_name.clone(),
        env_source: settings
            .env_credentials
            .as_ref()
            .map(|c| c.source().to_string()),
        cli_on_path,
        demo,
        browser_unavailable: terminal_env.local_browser().err(),
        skip_ona_check: ona_api.is_none(),
    };
    let (state, effects) = wizard::State::new(init);
    let context = Context {
        env_credentials: settings.env_credentials,
        ca_file: global.ca_file.clone(),
        timeouts: Timeouts::default(),
        config_path,
        theme: Theme::from_env(),
        terminal_env: Some(terminal_env),
        ona_api,
    };
    let mut guard = match crate::terminal::Guard::enter() {
        Ok(g) => g,
        Err(e) => {
            eprintln!("ona-connect: cannot use this terminal: {e}");
            return EXIT_FAILURE;
        }
    };
    let events = crossterm::event::EventStream::new();
    let result = app::run(&mut guard.terminal, events, state, effects, context).await;
    drop(guard);
    match result {
        Ok(Outcome::Created(created)) => {
            print_created(&created);
            EXIT_OK
        }
        Ok(Outcome::Cancelled) => {
            eprintln!("ona-connect: cancelled; nothing was created.");
            EXIT_CANCELLED
        }
        Err(Interrupted::Signal(n)) => 128 + n,
        Err(Interrupted::TerminalClosed) => EXIT_FAILURE,
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
    for (k, v) in ui::summary_lines(created) {
        let _ = writeln!(out, "  {k:<14} {v}");
    }
    let _ = writeln!(out, "  {:<14} {}", "Page", ui::connections_page(created));
    let _ = writeln!(
        out,
        "Same from a script: {}",
        ui::equivalent_command(created)
    );
    if let Some(w) = &created.config_warning {
        let _ = writeln!(out, "Note: choices not remembered: {w}");
    }
}

/// The wizard against an in-process sandbox: no account, no network, nothing written to
/// the user's config file.
async fn demo(global: &Global) -> i32 {
    use crate::sandbox::{Sandbox, SandboxOptions, demo};
    let sandbox = match Sandbox::start(SandboxOptions {
        // Long enough to see the waiting states, short enough not to bore an audience.
        delay: std::time::Duration::from_millis(300),
        ..SandboxOptions::default()
    }) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("ona-connect: cannot start the demo sandbox: {e}");
            return EXIT_FAILURE;
        }
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
    };
    let demo = Demo {
        ona_token: demo::ONA_PAT.to_string(),
    };
    let mut global = global.clone();
    if global.ona_api_url.is_none() {
        global.ona_api_url = Some(sandbox.ona_api_url());
    }
    let code = wizard_command(&global, settings, None, Some(demo)).await;
    sandbox.shutdown();
    code
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
        "These are public demo values. Try: ona-connect --domain {}",
        sandbox.url()
    );
    println!("Ctrl-C stops it. Requests:");
    let _ = tokio::signal::ctrl_c().await;
    sandbox.shutdown();
    EXIT_OK
}

/// Reads one line from stdin; on a terminal without echo.
fn read_token_from_stdin() -> Result<Secret, String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Ona Personal Access Token (input hidden): ");
        let _ = std::io::stderr().flush();
        return read_hidden_line().map(Secret::new);
    }
    let mut buffer = zeroize::Zeroizing::new(Vec::new());
    stdin
        .lock()
        .take(validate::TOKEN_MAX as u64 * 4 + 2)
        .read_to_end(&mut buffer)
        .map_err(|e| format!("cannot read stdin: {e}"))?;
    let text = std::str::from_utf8(&buffer)
        .map_err(|_| "the token on stdin is not UTF-8 text".to_string())?;
    let first = text.trim().lines().next().unwrap_or("");
    Ok(Secret::new(first))
}

fn read_hidden_line() -> Result<String, String> {
    use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers, read};
    crossterm::terminal::enable_raw_mode().map_err(|e| e.to_string())?;
    let mut line = zeroize::Zeroizing::new(String::new());
    let result = loop {
        match read() {
            Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => match k.code {
                KeyCode::Enter => break Ok(()),
                KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                    break Err("cancelled".to_string());
                }
                KeyCode::Backspace => {
                    line.pop();
                }
                KeyCode::Char(c) => line.push(c),
                _ => {}
            },
            Ok(Event::Paste(p)) => line.push_str(&p),
            Ok(_) => {}
            Err(e) => break Err(e.to_string()),
        }
    };
    let _ = crossterm::terminal::disable_raw_mode();
    eprintln!();
    result.map(|()| line.trim().to_string())
}

fn fail(json: bool, code: i32, lines: &[String]) -> i32 {
    for l in lines {
        eprintln!("ona-connect: {l}");
    }
    if json {
        eprintln!("{}", serde_json::json!({ "error": lines.join(" ") }));
    }
    code
}

async fn create(global: &Global, settings: Settings, args: CreateArgs) -> i32 {
    let json = args.json;
    let name = match validate::name(&args.name) {
        Ok(n) => n.to_string(),
        Err(e) => return fail(json, EXIT_USAGE, &[format!("--name: {e}")]),
    };
    let description = match validate::description(args.description.as_deref().unwrap_or("")) {
        Ok(d) => d.map(str::to_string),
        Err(e) => return fail(json, EXIT_USAGE, &[format!("--description: {e}")]),
    };
    let Some(project_id) = settings.project_id.clone() else {
        return fail(
            json,
            EXIT_USAGE,
            &["no project: pass --project ID or set INFISICAL_PROJECT_ID".into()],
        );
    };
    let credentials = match &settings.env_credentials {
        Some(EnvCredentials::AccessToken { token, .. }) => Credentials::AccessToken(token.duplicate()),
        Some(EnvCredentials::UniversalAuth { client_id, client_secret }) => Credentials::UniversalAuth {
            client_id: client_id.clone(),
            client_secret: client_secret.duplicate(),
        },
        None => return fail(json, EXIT_USAGE, &["not signed in: set INFISICAL_TOKEN, or INFISICAL_UNIVERSAL_AUTH_CLIENT_ID and INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET".into()]),
    };
    let token = match read_token_from_stdin() {
        Ok(t) => t,
        Err(e) if e == "cancelled" => return EXIT_CANCELLED,
        Err(e) => return fail(json, EXIT_USAGE, &[e]),
    };
    let token = match validate::token(token.expose()) {
        Ok(t) => Secret::new(t),
        Err(e) => return fail(json, EXIT_USAGE, &[format!("stdin: {e}")]),
    };
    let request = CreateRequest {
        name,
        description,
        project_id,
        token,
    };
    let mut options = ClientOptions::new(settings.domain.clone());
    options.ca_file = global.ca_file.clone();
    let client = match Client::new(options) {
        Ok(c) => c,
        Err(e) => return fail(json, EXIT_USAGE, &e.display_lines()),
    };
    if let Err(e) = client.sign_in(credentials).await {
        return fail(json, EXIT_FAILURE, &e.display_lines());
    }
    if args.dry_run {
        let out = serde_json::json!({
            "method": "POST",
            "url": settings.domain.api("/v1/app-connections/ona"),
            "body": request.body(false),
        });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        return EXIT_OK;
    }
    match client.create_connection(&request, false).await {
        Ok(created) => {
            if json {
                println!(
                    "{}",
                    serde_json::to_string(&created.connection).unwrap_or_default()
                );
            } else {
                let c = &created.connection;
                println!(
                    "Created Ona connection {} ({}) in project {}",
                    sanitize::server_text(&c.name),
                    sanitize::server_text(&c.id),
                    sanitize::server_text(c.project_id.as_deref().unwrap_or("(org)"))
                );
            }
            EXIT_OK
        }
        Err(e) => {
            let code = match &e {
                CreateError::Rejected(Error::Api(api)) if api.status == 422 => EXIT_USAGE,
                _ => EXIT_FAILURE,
            };
            let lines = match &e {
                CreateError::Rejected(err) => err.display_lines(),
                other => vec![sanitize::server_text(&other.to_string())],
            };
            fail(json, code, &lines)
        }
    }
}
