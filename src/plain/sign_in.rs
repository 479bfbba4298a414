//! Step 1 in the plain mode: the host, then the credentials.

use super::Plain;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::io::{ask, ask_default, ask_secret, choose, say, step};
use crate::infisical::Domain;
use crate::prompt::PromptError;
use crate::secret::Secret;
use crate::session::browser_login::{self, Listener};
use crate::session::credentials::{self, SignInWith};
use crate::session::sign_in;

impl Plain<'_> {
    pub(super) async fn sign_in(&mut self) -> Result<(), PromptError> {
        loop {
            step(1, "Sign in to Infisical");
            say(format!(
                "The Ona token will be stored in this Infisical instance: {}",
                self.site
            ));
            if self.settings.env_credentials.is_none() && self.demo.is_none() {
                let other = ask("Press Enter to use it, or type another URL: ")?;
                if !other.trim().is_empty() {
                    match Domain::parse(&other) {
                        Ok(d) => self.site = d.site().to_string(),
                        Err(e) => {
                            say(format!("That URL cannot be used: {e}"));
                            continue;
                        }
                    }
                }
            }
            let Ok(domain) = Domain::parse(&self.site) else {
                continue;
            };
            let chosen = match &self.settings.env_credentials {
                Some(env) => credentials::from_environment(env),
                None => {
                    let with = self.ask_credentials(domain.site()).await?;
                    self.client_id_used = match &with {
                        SignInWith::UniversalAuth { client_id, .. } => Some(client_id.clone()),
                        _ => None,
                    };
                    match credentials::choose(with, None, domain.site()).await {
                        Ok(c) => c,
                        Err(e) => {
                            say(e);
                            continue;
                        }
                    }
                }
            };
            say("working…");
            match sign_in::sign_in(crate::session::network(self.global).options(domain), chosen)
                .await
            {
                Ok((signed_in, client)) => {
                    let who = signed_in
                        .who
                        .as_ref()
                        .map_or_else(String::new, |w| format!(" as {w}"));
                    say(format!(
                        "Signed in to {}{who} ({}).",
                        signed_in.site, signed_in.via
                    ));
                    self.client = Some(client);
                    self.projects = signed_in.projects;
                    return Ok(());
                }
                Err(lines) => {
                    say("Sign-in failed:");
                    for l in lines {
                        say(format!("  {l}"));
                    }
                    if self.settings.env_credentials.is_some() {
                        // Credentials from the environment: asking again would not change them.
                        return Err(PromptError::Io(
                            "sign-in with the environment's credentials failed".into(),
                        ));
                    }
                }
            }
        }
    }

    async fn ask_credentials(&self, site: &str) -> Result<SignInWith, PromptError> {
        let cli_on_path =
            crate::cli_login::find_on_path("infisical").is_some() && self.demo.is_none();
        let cli_works = cli_on_path && crate::cli_login::user_token(site).await.is_ok();
        // The CLI first when its login works, else the browser; the demo signs in with its
        // own client id and secret.
        let mut methods = vec![
            (Method::Browser, "Your browser: sign in to Infisical there"),
            (
                Method::UniversalAuth,
                "Universal Auth (a machine identity's client id and secret)",
            ),
            (Method::AccessToken, "An Infisical access token"),
        ];
        let cli = (Method::Cli, "The Infisical CLI's login on this machine");
        if cli_works {
            methods.insert(0, cli);
        } else if cli_on_path {
            methods.push(cli);
        }
        let default = if self.demo.is_some() {
            methods
                .iter()
                .position(|(m, _)| *m == Method::UniversalAuth)
                .unwrap_or(0)
        } else {
            0
        };
        say("Sign in with:");
        let labels: Vec<String> = methods.iter().map(|(_, l)| l.to_string()).collect();
        Ok(match methods[choose("Choice", &labels, default)?].0 {
            Method::Cli => SignInWith::Cli,
            Method::Browser => SignInWith::Browser(browser_session(site).await?),
            Method::UniversalAuth => {
                let default_id = self.settings.client_id.clone().unwrap_or_default();
                let client_id = ask_default("Client ID", &default_id)?;
                let client_secret = match &self.settings.client_secret {
                    Some(s) if !s.is_empty() => s.duplicate(),
                    _ => Secret::new(
                        required_secret("Client secret", "the machine identity's client secret")?
                            .trim(),
                    ),
                };
                SignInWith::UniversalAuth {
                    client_id,
                    client_secret,
                }
            }
            Method::AccessToken => SignInWith::AccessToken(Secret::new(
                required_secret("Access token", "an Infisical access token")?.trim(),
            )),
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    Cli,
    Browser,
    UniversalAuth,
    AccessToken,
}

/// The browser hand-off: prints the link, then waits for the web app's POST while it reads
/// the token its page shows (pasted without echo), whichever comes first. After the listener
/// gave up, Enter starts a new one.
async fn browser_session(site: &str) -> Result<Secret, PromptError> {
    loop {
        let listener = Listening::start(site);
        if let Some(token) = listener.answer(site).await? {
            return Ok(token);
        }
    }
}

/// The listener's task; dropped (the port closed) however the sign-in ends.
struct Listening(Option<tokio::task::JoinHandle<HandoffResult>>);

type HandoffResult = Result<browser_login::Handoff, browser_login::HandoffError>;

impl Drop for Listening {
    fn drop(&mut self) {
        if let Some(task) = self.0.take() {
            task.abort();
        }
    }
}

impl Listening {
    fn start(site: &str) -> Listening {
        let listener = match Listener::bind(site) {
            Ok(l) => l,
            Err(e) => {
                say(format!(
                    "Could not listen for the browser on 127.0.0.1 ({e}): sign in at {site}/login and paste the token the page shows."
                ));
                return Listening(None);
            }
        };
        let port = listener.port();
        say(
            "Open this link in a browser where you use Infisical, sign in and choose the organization:",
        );
        say(format!("  {}", browser_login::login_url(site, port)));
        say(format!(
            "Waiting for the browser (up to {} minutes). If it asks to let the page reach devices on your local network, allow it: the session comes here through 127.0.0.1.",
            browser_login::TIMEOUT.as_secs() / 60
        ));
        if crate::links::TerminalEnv::detect(&|k| std::env::var(k).ok()).ssh {
            say(format!(
                "Over SSH the browser's answer reaches the browser's machine, not this one: paste the token the page then shows (\"Unable to reach CLI\"), or forward the port first: ssh -L {port}:127.0.0.1:{port} <this host>."
            ));
        }
        Listening(Some(tokio::spawn(listener.wait(browser_login::TIMEOUT))))
    }

    /// The session, or `None` when the user asked for a new link after this one gave up.
    async fn answer(mut self, site: &str) -> Result<Option<Secret>, PromptError> {
        let gave_up = self.0.is_none();
        loop {
            let answer = match self.0.as_mut() {
                Some(task) => {
                    race("Or paste the token the page shows (input hidden): ", task).await?
                }
                None => Answer::Pasted(ask_secret("Token from the page (input hidden): ")?),
            };
            match answer {
                Answer::HandedOver(Ok(handoff)) => {
                    say("The browser handed the session over.");
                    return Ok(Some(handoff.token));
                }
                Answer::HandedOver(Err(e)) => {
                    self.0 = None;
                    say(format!(
                        "{e}. Press Enter for a new sign-in link, or paste the token the page shows."
                    ));
                }
                Answer::Pasted(text) if text.trim().is_empty() => {
                    if self.0.is_none() && !gave_up {
                        return Ok(None);
                    }
                    say(if self.0.is_some() {
                        "  Still waiting for the browser; or paste the token the page shows."
                    } else {
                        "  The token is empty: paste the token the page shows."
                    });
                }
                Answer::Pasted(text) => match browser_login::decode_paste(&text) {
                    Ok(handoff) => return Ok(Some(handoff.token)),
                    Err(e) => say(format!(
                        "  {e}: copy it whole from the page and paste it again (nothing was sent; sign in at {site}/login)."
                    )),
                },
            }
        }
    }
}

enum Answer {
    Pasted(zeroize::Zeroizing<String>),
    HandedOver(HandoffResult),
}

/// Asks `question` while the listener waits: the paste, or what the listener gave.
async fn race(
    question: &str,
    task: &mut tokio::task::JoinHandle<HandoffResult>,
) -> Result<Answer, PromptError> {
    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let stop = stop.clone();
        let question = question.to_string();
        tokio::task::spawn_blocking(move || {
            super::io::ask_secret_unless(&question, &|| stop.load(Ordering::Relaxed))
        })
    };
    tokio::pin!(reader);
    tokio::select! {
        pasted = &mut reader => {
            let pasted = pasted.map_err(|e| PromptError::Io(e.to_string()))??;
            Ok(Answer::Pasted(pasted.unwrap_or_default()))
        }
        handoff = &mut *task => {
            // Call the reader off and let it give the terminal back before going on.
            stop.store(true, Ordering::Relaxed);
            let _ = reader.await;
            let handoff = handoff.unwrap_or_else(|e| Err(browser_login::HandoffError::Stopped(e.to_string())));
            Ok(Answer::HandedOver(handoff))
        }
    }
}

/// A secret that must not be empty; an empty answer says which field it was and asks again
/// (nothing is sent for it).
fn required_secret(label: &str, what: &str) -> Result<zeroize::Zeroizing<String>, PromptError> {
    loop {
        let answer = ask_secret(&format!("{label} (input hidden): "))?;
        if !answer.trim().is_empty() {
            return Ok(answer);
        }
        say(format!(
            "  The {} is empty: paste {what}.",
            label.to_lowercase()
        ));
    }
}
