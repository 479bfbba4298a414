//! The driver's side of each effect: HTTP in tokio tasks, the config file, the browser and
//! the clipboard. Results come back as messages; the rules they follow live in
//! `crate::session`.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use super::context::Context;
use crate::infisical::{Client, CreateError, Error, UpdateRequest};
use crate::session::summary::InFlight;
use crate::session::{browser_login, credentials, ona_check, remember, sign_in, unsettled};
use crate::wizard::{Effect, Msg};

/// A result from a task, with the signed-in client when a sign-in produced one.
pub(super) struct Report {
    msg: Msg,
    client: Option<Arc<Client>>,
}

pub(super) struct Driver {
    pub(super) context: Context,
    client: Option<Arc<Client>>,
    tx: mpsc::UnboundedSender<Report>,
    /// The pending "pause in typing" timer of the token field.
    debounce: Option<tokio::task::JoinHandle<()>>,
    /// The browser sign-in's listener, while it waits.
    browser_listener: Option<tokio::task::JoinHandle<()>>,
    /// The same for the name (and project) before it is looked up.
    name_debounce: Option<tokio::task::JoinHandle<()>>,
}

/// How long typing must pause before the token is checked with Ona.
const ONA_CHECK_PAUSE: Duration = Duration::from_millis(700);

/// How long the name and project must stay the same before the name is looked up.
const NAME_CHECK_PAUSE: Duration = Duration::from_millis(500);

fn send(tx: &mpsc::UnboundedSender<Report>, msg: Msg) {
    let _ = tx.send(Report { msg, client: None });
}

impl Driver {
    pub(super) fn new(context: Context, tx: mpsc::UnboundedSender<Report>) -> Driver {
        Driver {
            context,
            client: None,
            tx,
            debounce: None,
            browser_listener: None,
            name_debounce: None,
        }
    }

    /// Takes a task's report: keeps its client, gives its message.
    pub(super) fn receive(&mut self, report: Report) -> Msg {
        if let Some(client) = report.client {
            self.client = Some(client);
        }
        report.msg
    }

    /// Runs `work` in a task with the signed-in client (`None` before a sign-in) and sends
    /// the message it gives.
    fn with_client<F, Fut>(&self, work: F)
    where
        F: FnOnce(Option<Arc<Client>>) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = Msg> + Send + 'static,
    {
        let tx = self.tx.clone();
        let client = self.client.clone();
        tokio::spawn(async move { send(&tx, work(client).await) });
    }

    /// Leaving with a write whose outcome is unknown: a quick lookup by name says whether a
    /// create was stored, so the exit can tell the truth instead of "unknown" where it can.
    pub(super) async fn look_up(&self, write: InFlight) -> InFlight {
        match &self.client {
            Some(client) => {
                unsettled::look_up(write, client, self.context.config_path.as_deref()).await
            }
            None => write,
        }
    }

    /// Closes the port: a hand-off that arrives later reaches nothing.
    fn stop_browser_listener(&mut self) {
        if let Some(task) = self.browser_listener.take() {
            task.abort();
        }
    }

    pub(super) fn run(&mut self, effect: Effect) {
        let tx = self.tx.clone();
        match effect {
            Effect::ProbeCli { domain } => {
                tokio::spawn(async move {
                    let result = crate::cli_login::user_token(domain.site()).await.map(drop);
                    send(&tx, Msg::CliProbed(result));
                });
            }
            Effect::SignIn { domain, with } => {
                let env = self
                    .context
                    .env_credentials
                    .as_ref()
                    .map(credentials::from_environment);
                let options = self.context.network.options(domain.clone());
                tokio::spawn(async move {
                    let chosen = credentials::choose(with, env, domain.site()).await;
                    let (result, client) = match chosen {
                        Err(e) => (Err(vec![e]), None),
                        Ok(chosen) => match sign_in::sign_in(options, chosen).await {
                            Ok((signed_in, client)) => (Ok(signed_in), Some(client)),
                            Err(lines) => (Err(lines), None),
                        },
                    };
                    let _ = tx.send(Report {
                        msg: Msg::SignInFinished(result),
                        client,
                    });
                });
            }
            Effect::ListenForBrowser { generation, domain } => {
                self.stop_browser_listener();
                let listener = match browser_login::Listener::bind(domain.site()) {
                    Ok(l) => l,
                    Err(e) => {
                        let result = Err(e.to_string());
                        return send(&tx, Msg::BrowserListening { generation, result });
                    }
                };
                let result = Ok(listener.port());
                send(&tx, Msg::BrowserListening { generation, result });
                self.browser_listener = Some(tokio::spawn(async move {
                    let result = listener
                        .wait(browser_login::TIMEOUT)
                        .await
                        .map(|handoff| handoff.token);
                    send(&tx, Msg::BrowserHandedOver { generation, result });
                }));
            }
            Effect::StopBrowserListener => self.stop_browser_listener(),
            Effect::Submit {
                attempt,
                request,
                after_unknown_outcome,
            } => self.with_client(move |client| async move {
                let result = match client {
                    Some(c) => c.create_connection(&request, after_unknown_outcome).await,
                    None => Err(CreateError::Rejected(Error::NotSignedIn)),
                };
                Msg::SubmitFinished { attempt, result }
            }),
            Effect::Remember(record) => {
                let Some(path) = self.context.config_path.clone() else {
                    return;
                };
                if let Err(e) = remember::remember(&path, &record) {
                    send(&tx, Msg::ConfigSaveFailed(e.to_string()));
                }
            }
            Effect::LoadConnections => self.with_client(|client| async move {
                Msg::ConnectionsLoaded(match client {
                    Some(c) => c
                        .list_connections(None)
                        .await
                        .map_err(|e| e.display_lines().join(" ")),
                    None => Err("not signed in".into()),
                })
            }),
            Effect::Rotate {
                attempt,
                connection_id,
                token,
            } => self.with_client(move |client| async move {
                let update = UpdateRequest {
                    token: Some(token),
                    ..Default::default()
                };
                let result = match client {
                    Some(c) => c.update_connection(&connection_id, &update).await,
                    None => Err(Error::NotSignedIn),
                };
                Msg::RotateFinished { attempt, result }
            }),
            Effect::LookupExisting { name, project_id } => self.with_client(|client| async move {
                let found = match client {
                    Some(c) => c
                        .find_connection_by_name(&name, Some(&project_id))
                        .await
                        .ok()
                        .flatten(),
                    None => None,
                };
                Msg::ExistingFound(found)
            }),
            Effect::ScheduleNameCheck { generation } => {
                if let Some(previous) = self.name_debounce.take() {
                    previous.abort();
                }
                self.name_debounce = Some(tokio::spawn(async move {
                    tokio::time::sleep(NAME_CHECK_PAUSE).await;
                    send(&tx, Msg::NameCheckDue { generation });
                }));
            }
            Effect::CheckName {
                generation,
                name,
                project_id,
            } => self.with_client(move |client| async move {
                let result = match client {
                    Some(c) => c
                        .find_connection_by_name(&name, Some(&project_id))
                        .await
                        .map_err(|e| e.display_lines().join(" ")),
                    None => Err("not signed in".into()),
                };
                Msg::NameChecked { generation, result }
            }),
            Effect::ScheduleOnaCheck { generation } => {
                if let Some(previous) = self.debounce.take() {
                    previous.abort();
                }
                self.debounce = Some(tokio::spawn(async move {
                    tokio::time::sleep(ONA_CHECK_PAUSE).await;
                    send(&tx, Msg::OnaCheckDue { generation });
                }));
            }
            Effect::CheckOnaToken { generation, token } => {
                let Some(base) = self.context.ona_api.clone() else {
                    return;
                };
                tokio::spawn(async move {
                    let now = time::OffsetDateTime::now_utc();
                    let result = ona_check::check(base, &token, now).await;
                    send(
                        &tx,
                        Msg::OnaChecked {
                            generation,
                            result,
                            now,
                        },
                    );
                });
            }
            Effect::WriteReminder {
                file_name,
                reminders,
            } => {
                let dir = std::env::current_dir().unwrap_or_else(|_| ".".into());
                let ics =
                    crate::session::reminder::ics(&reminders, time::OffsetDateTime::now_utc());
                let notice = match crate::session::reminder::write_beside(&dir, &file_name, &ics) {
                    Ok(path) => format!(
                        "wrote {}: open it to add the reminder to your calendar",
                        path.display()
                    ),
                    Err(e) => format!("could not write {}: {e}", dir.join(&file_name).display()),
                };
                send(&tx, Msg::Notice(notice));
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
                    send(&tx, Msg::Notice(notice));
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
            Effect::Exit | Effect::Suspend => {}
        }
    }
}
