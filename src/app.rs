//! The driver: the one impure loop. It turns terminal events into intents, runs the effects
//! `update` asks for (HTTP in tokio tasks, the config file), feeds results back as messages
//! and draws only when something changed.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use std::io::Write;

use crossterm::event::Event;
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc;

use crate::config::{self, EnvCredentials};
use crate::infisical::{
    Client, ClientOptions, CreateError, Credentials, Domain, Error, RetryPolicy, Timeouts,
};
use crate::links::TerminalEnv;
use crate::ui::{self, Theme};
use crate::wizard::{self, Effect, Msg, Outcome, SignInWith, SignedIn, State};

/// What the driver needs besides the state: how to build clients, and where to remember
/// choices.
pub struct Context {
    pub env_credentials: Option<EnvCredentials>,
    pub ca_file: Option<PathBuf>,
    pub timeouts: Timeouts,
    pub retry: RetryPolicy,
    pub config_path: Option<PathBuf>,
    pub theme: Theme,
    /// The real terminal's capabilities; `None` when drawing somewhere else (tests), so no
    /// raw escape sequences (OSC 8, OSC 52) are written.
    pub terminal_env: Option<TerminalEnv>,
    /// Ona's API base for the token pre-check; `None` with `--skip-ona-check`.
    pub ona_api: Option<crate::infisical::Domain>,
}

/// Why the loop ended other than through the wizard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interrupted {
    /// A signal such as SIGTERM or SIGHUP (the number), or the terminal went away.
    Signal(i32),
    TerminalClosed,
}

/// A result from a task, with the signed-in client when a sign-in produced one.
struct Report {
    msg: Msg,
    client: Option<Arc<Client>>,
}

/// The wizard's event loop. The caller draws the first frame with [`draw`] beforehand, so
/// the binary can show it before the async runtime exists.
pub async fn run<B, E>(
    terminal: &mut Terminal<B>,
    mut events: E,
    mut state: State,
    initial: Vec<Effect>,
    context: Context,
) -> Result<Outcome, Interrupted>
where
    B: Backend,
    E: Stream<Item = std::io::Result<Event>> + Unpin,
{
    let (tx, mut rx) = mpsc::unbounded_channel::<Report>();
    let mut driver = Driver {
        context,
        client: None,
        tx,
        debounce: None,
    };
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    // Signal handlers are installed after the first frame: nothing delays it.
    let mut signals = Signals::new();
    let panic_on_key = test_panics();
    for effect in initial {
        driver.run(effect);
    }
    loop {
        let msg = tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) => {
                    if panic_on_key {
                        panic!("test panic in the UI thread");
                    }
                    wizard::intent_for(&state, key).map(Msg::Key)
                }
                Some(Ok(Event::Paste(text))) => Some(Msg::Paste(text)),
                Some(Ok(Event::Resize(..))) => {
                    let _ = terminal.autoresize();
                    draw(terminal, &state, &driver.context);
                    None
                }
                Some(Ok(_)) => None,
                // EOF or EIO: the terminal is gone (SSH dropped); leave instead of spinning.
                Some(Err(_)) | None => return Err(Interrupted::TerminalClosed),
            },
            report = rx.recv() => match report {
                Some(report) => {
                    if let Some(client) = report.client {
                        driver.client = Some(client);
                    }
                    Some(report.msg)
                }
                None => None,
            },
            _ = tick.tick(), if state.busy() => Some(Msg::Tick),
            signal = signals.recv() => return Err(Interrupted::Signal(signal)),
        };
        let Some(msg) = msg else { continue };
        let effects = wizard::update(&mut state, msg);
        let mut exit = false;
        for effect in effects {
            if matches!(effect, Effect::Exit) {
                exit = true;
            } else {
                driver.run(effect);
            }
        }
        if exit {
            return Ok(state.exit.take().unwrap_or(Outcome::Cancelled));
        }
        draw(terminal, &state, &driver.context);
    }
}

/// Renders `state` and, where the terminal shows them, puts OSC 8 links over its link rows.
pub fn draw<B: Backend>(terminal: &mut Terminal<B>, state: &State, context: &Context) {
    let Ok(frame) = terminal.draw(|frame| ui::render(state, context.theme, frame)) else {
        return;
    };
    if let Some(env) = context.terminal_env.as_ref().filter(|e| e.hyperlinks) {
        let sequences = hyperlink_pass(frame.buffer, state, env);
        if !sequences.is_empty() {
            let mut out = std::io::stdout();
            let _ = out
                .write_all(sequences.as_bytes())
                .and_then(|()| out.flush());
        }
    }
}

/// Debug builds only: `ONA_CONNECT_TEST_PANIC=ui|task` injects a panic, so tests can check
/// that the terminal is restored and the program ends. Returns whether to panic on a key.
fn test_panics() -> bool {
    if !cfg!(debug_assertions) {
        return false;
    }
    match std::env::var("ONA_CONNECT_TEST_PANIC").as_deref() {
        Ok("task") => {
            tokio::spawn(async {
                tokio::time::sleep(Duration::from_millis(300)).await;
                panic!("test panic in a task");
            });
            false
        }
        Ok("ui") => true,
        _ => false,
    }
}

struct Driver {
    context: Context,
    client: Option<Arc<Client>>,
    tx: mpsc::UnboundedSender<Report>,
    /// The pending "pause in typing" timer of the token field.
    debounce: Option<tokio::task::JoinHandle<()>>,
}

/// How long typing must pause before the token is checked with Ona.
const ONA_CHECK_PAUSE: Duration = Duration::from_millis(700);
/// Ona is a warning, not a gate: give up on it sooner than on Infisical.
const ONA_TIMEOUT: Duration = Duration::from_secs(10);

impl Driver {
    fn send(tx: &mpsc::UnboundedSender<Report>, msg: Msg, client: Option<Arc<Client>>) {
        let _ = tx.send(Report { msg, client });
    }

    fn client_options(&self, domain: Domain) -> ClientOptions {
        let mut options = ClientOptions::new(domain);
        options.ca_file = self.context.ca_file.clone();
        options.timeouts = self.context.timeouts.clone();
        options.retry = self.context.retry.clone();
        options
    }

    fn run(&mut self, effect: Effect) {
        let tx = self.tx.clone();
        match effect {
            Effect::ProbeCli { domain } => {
                tokio::spawn(async move {
                    let result = crate::cli_login::user_token(domain.site()).await.map(drop);
                    Driver::send(&tx, Msg::CliProbed(result), None);
                });
            }
            Effect::SignIn { domain, with } => {
                let (credentials, via) = match with {
                    SignInWith::Environment => match &self.context.env_credentials {
                        Some(EnvCredentials::AccessToken { variable, token }) => (
                            Some(Credentials::AccessToken(token.duplicate())),
                            format!("access token from {variable}"),
                        ),
                        Some(EnvCredentials::UniversalAuth {
                            client_id,
                            client_secret,
                        }) => (
                            Some(Credentials::UniversalAuth {
                                client_id: client_id.clone(),
                                client_secret: client_secret.duplicate(),
                            }),
                            format!("Universal Auth from the environment, client id {client_id}"),
                        ),
                        None => (None, String::new()),
                    },
                    SignInWith::Cli => (None, "Infisical CLI login".into()),
                    SignInWith::UniversalAuth {
                        client_id,
                        client_secret,
                    } => {
                        let via = format!("Universal Auth, client id {client_id}");
                        (
                            Some(Credentials::UniversalAuth {
                                client_id,
                                client_secret,
                            }),
                            via,
                        )
                    }
                    SignInWith::AccessToken(token) => {
                        (Some(Credentials::AccessToken(token)), "access token".into())
                    }
                };
                let options = self.client_options(domain.clone());
                tokio::spawn(async move {
                    let credentials = match credentials {
                        Some(c) => Ok(c),
                        None => crate::cli_login::user_token(domain.site())
                            .await
                            .map(Credentials::AccessToken),
                    };
                    let (result, client) = match credentials {
                        Err(e) => (Err(vec![e]), None),
                        Ok(credentials) => sign_in(options, credentials, via).await,
                    };
                    Driver::send(&tx, Msg::SignInFinished(result), client);
                });
            }
            Effect::Submit {
                attempt,
                request,
                after_unknown_outcome,
            } => {
                let client = self.client.clone();
                tokio::spawn(async move {
                    let result = match client {
                        Some(client) => {
                            client
                                .create_connection(&request, after_unknown_outcome)
                                .await
                        }
                        None => Err(CreateError::Rejected(Error::NotSignedIn)),
                    };
                    Driver::send(&tx, Msg::SubmitFinished { attempt, result }, None);
                });
            }
            Effect::SaveConfig {
                domain,
                project_id,
                client_id,
                name,
                connection_id,
                token_expires,
            } => {
                let Some(path) = self.context.config_path.clone() else {
                    return;
                };
                let result = config::load(&path).and_then(|mut file| {
                    file.domain = Some(domain.clone());
                    file.project_id = Some(project_id.clone());
                    if client_id.is_some() {
                        file.client_id = client_id;
                    }
                    file.remember(config::RememberedConnection {
                        id: connection_id,
                        name: name.clone(),
                        domain: domain.clone(),
                        project_id: Some(project_id.clone()),
                        token_expires,
                    });
                    file.last_name = Some(name);
                    config::save(&path, &file)
                });
                if let Err(e) = result {
                    Driver::send(&tx, Msg::ConfigSaveFailed(e.to_string()), None);
                }
            }
            Effect::LoadConnections => {
                let client = self.client.clone();
                tokio::spawn(async move {
                    let result = match client {
                        Some(c) => c
                            .list_connections(None)
                            .await
                            .map_err(|e| e.display_lines().join(" ")),
                        None => Err("not signed in".into()),
                    };
                    Driver::send(&tx, Msg::ConnectionsLoaded(result), None);
                });
            }
            Effect::Rotate {
                attempt,
                connection_id,
                token,
            } => {
                let client = self.client.clone();
                tokio::spawn(async move {
                    let update = crate::infisical::UpdateRequest {
                        token: Some(token),
                        ..Default::default()
                    };
                    let result = match client {
                        Some(c) => c.update_connection(&connection_id, &update).await,
                        None => Err(Error::NotSignedIn),
                    };
                    Driver::send(&tx, Msg::RotateFinished { attempt, result }, None);
                });
            }
            Effect::LookupExisting { name, project_id } => {
                let client = self.client.clone();
                tokio::spawn(async move {
                    let found = match client {
                        Some(c) => c
                            .find_connection_by_name(&name, Some(&project_id))
                            .await
                            .ok()
                            .flatten(),
                        None => None,
                    };
                    Driver::send(&tx, Msg::ExistingFound(found), None);
                });
            }
            Effect::ScheduleOnaCheck { generation } => {
                if let Some(previous) = self.debounce.take() {
                    previous.abort();
                }
                self.debounce = Some(tokio::spawn(async move {
                    tokio::time::sleep(ONA_CHECK_PAUSE).await;
                    Driver::send(&tx, Msg::OnaCheckDue { generation }, None);
                }));
            }
            Effect::CheckOnaToken { generation, token } => {
                let Some(base) = self.context.ona_api.clone() else {
                    return;
                };
                tokio::spawn(async move {
                    let now = time::OffsetDateTime::now_utc();
                    let result = match crate::ona::OnaClient::new(base, ONA_TIMEOUT) {
                        Ok(client) => {
                            client
                                .check(&token, crate::ona::SUGGESTED_DESCRIPTION, now)
                                .await
                        }
                        Err(e) => Err(e),
                    };
                    Driver::send(
                        &tx,
                        Msg::OnaChecked {
                            generation,
                            result,
                            now,
                        },
                        None,
                    );
                });
            }
            Effect::OpenUrl(url) => {
                tokio::task::spawn_blocking(move || {
                    let notice = match crate::links::open_command(&url).status() {
                        Ok(status) if status.success() => {
                            "opened the link in your browser".to_string()
                        }
                        Ok(status) => format!(
                            "the browser opener failed ({status}); c copies the link instead"
                        ),
                        Err(e) => {
                            format!("could not start a browser ({e}); c copies the link instead")
                        }
                    };
                    Driver::send(&tx, Msg::Notice(notice), None);
                });
            }
            Effect::CopyToClipboard(url) => {
                if let Some(env) = &self.context.terminal_env {
                    let mut out = std::io::stdout();
                    let _ = out
                        .write_all(env.osc52(&url).as_bytes())
                        .and_then(|()| out.flush());
                }
            }
            Effect::Exit => {}
        }
    }
}

/// OSC 8 sequences that turn the drawn links into hyperlinks: each link's text is found in
/// the frame and rewritten in place between the hyperlink's opening and closing sequences.
fn hyperlink_pass(buffer: &ratatui::buffer::Buffer, state: &State, env: &TerminalEnv) -> String {
    use crossterm::cursor::{MoveTo, RestorePosition, SavePosition};
    if state.link_view == wizard::LinkView::Qr || state.overlay != wizard::Overlay::None {
        return String::new();
    }
    let mut out = String::new();
    let area = buffer.area;
    for (_, url) in state.links() {
        for y in area.top()..area.bottom() {
            let row: String = (area.left()..area.right())
                .map(|x| buffer[(x, y)].symbol())
                .collect();
            let display = crate::links::shorten(&url, area.width.saturating_sub(4) as usize);
            if let Some(col) = row.find(&display) {
                let x = area.left() + row[..col].chars().count() as u16;
                out.push_str(&format!(
                    "{SavePosition}{}{}{RestorePosition}",
                    MoveTo(x, y),
                    env.osc8(&url, &display)
                ));
                break;
            }
        }
    }
    out
}

/// Signs in and reads the project list; a token error on the list means the sign-in failed.
pub async fn sign_in(
    options: ClientOptions,
    credentials: Credentials,
    via: String,
) -> (Result<SignedIn, Vec<String>>, Option<Arc<Client>>) {
    let site = options.domain.site().to_string();
    let client = match Client::new(options) {
        Ok(c) => Arc::new(c),
        Err(e) => return (Err(e.display_lines()), None),
    };
    let hint = |e: &Error| {
        let mut lines = e.display_lines();
        if e.is_token_error() {
            lines.push(format!("Check the credentials, and that they belong to {site} (US and EU cloud are separate)."));
        }
        lines
    };
    if let Err(e) = client.sign_in(credentials).await {
        return (Err(hint(&e)), None);
    }
    let projects = match client.list_projects().await {
        Ok(p) => Ok(p),
        Err(e) if e.is_token_error() => return (Err(hint(&e)), None),
        Err(e) => Err(format!(
            "Could not list projects ({}); type the project id instead.",
            e.display_lines().join(" ")
        )),
    };
    (
        Ok(SignedIn {
            site,
            via,
            projects,
        }),
        Some(client),
    )
}

/// SIGTERM, SIGINT and SIGHUP end the loop like a quit, so the terminal is restored.
struct Signals {
    #[cfg(unix)]
    streams: Vec<(i32, tokio::signal::unix::Signal)>,
}

impl Signals {
    fn new() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let kinds = [
                (15, SignalKind::terminate()),
                (2, SignalKind::interrupt()),
                (1, SignalKind::hangup()),
            ];
            Signals {
                streams: kinds
                    .into_iter()
                    .filter_map(|(n, k)| signal(k).ok().map(|s| (n, s)))
                    .collect(),
            }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    async fn recv(&mut self) -> i32 {
        #[cfg(unix)]
        {
            if self.streams.is_empty() {
                return std::future::pending().await;
            }
            let futures = self.streams.iter_mut().map(|(n, s)| {
                let n = *n;
                Box::pin(async move {
                    s.recv().await;
                    n
                })
            });
            futures::future::select_all(futures).await.0
        }
        #[cfg(not(unix))]
        std::future::pending().await
    }
}
