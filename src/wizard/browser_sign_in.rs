//! Step 1 by the browser, the way `infisical login` does it (docs/infisical-api.md §12): Enter
//! starts a listener on 127.0.0.1 and shows the sign-in link; the web app's POST or the token
//! pasted from its page (SSH) signs in. The listener and the decoding rules live in
//! `crate::session::browser_login`.

use super::msg::{Effect, SignInWith};
use super::sign_in::{SignIn, SignInField, SignInStatus};
use super::state::State;
use crate::infisical::Domain;
use crate::secret::Secret;
use crate::session::browser_login::{self, HandoffError};

/// Where the browser hand-off stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrowserLogin {
    /// Nothing listens; Enter starts.
    Idle,
    Starting,
    /// Listening; the user signs in at `url` (port `port`).
    Waiting {
        url: String,
        port: u16,
    },
    /// The listener could not start, stopped or gave up; Enter starts again.
    Ended(String),
}

impl BrowserLogin {
    pub fn active(&self) -> bool {
        matches!(self, BrowserLogin::Starting | BrowserLogin::Waiting { .. })
    }
}

impl SignIn {
    /// Stops a running listener (another host or method was chosen, or the sign-in is done):
    /// its late answer is ignored.
    pub(super) fn abandon_browser(&mut self) -> Vec<Effect> {
        if !self.browser.active() {
            return vec![];
        }
        self.browser = BrowserLogin::Idle;
        self.browser_generation += 1;
        vec![Effect::StopBrowserListener]
    }
}

/// Enter with the browser method: sign in with a pasted token, else start listening.
pub(super) fn start(state: &mut State, domain: Domain) -> Vec<Effect> {
    let s = &mut state.sign_in;
    if !s.browser_token.is_empty() {
        return match browser_login::decode_paste(s.browser_token.expose()) {
            Ok(handoff) => {
                let mut effects = s.abandon_browser();
                s.status = SignInStatus::Working;
                s.go_on_after_sign_in = true;
                effects.push(Effect::SignIn {
                    domain,
                    with: SignInWith::Browser(handoff.token),
                });
                effects
            }
            Err(e) => {
                s.status = SignInStatus::Incomplete(format!(
                    "{}: copy it whole from the page and paste it again.",
                    sentence(&e)
                ));
                s.focus = SignInField::BrowserToken;
                vec![]
            }
        };
    }
    if s.browser.active() {
        s.status = SignInStatus::Incomplete(
            "Waiting for the browser: open the link above and sign in there, or paste the token its page shows into \"Token from the page\".".into(),
        );
        return vec![];
    }
    s.status = SignInStatus::Idle;
    s.browser = BrowserLogin::Starting;
    s.browser_generation += 1;
    vec![Effect::ListenForBrowser {
        generation: s.browser_generation,
        domain,
    }]
}

/// An error's text as the start of a sentence.
fn sentence(e: &HandoffError) -> String {
    let text = e.to_string();
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The listener is up (or could not start).
pub(super) fn on_listening(state: &mut State, generation: u64, result: Result<u16, String>) {
    let s = &mut state.sign_in;
    if generation != s.browser_generation || s.browser != BrowserLogin::Starting {
        return;
    }
    s.browser = match result {
        Ok(port) => BrowserLogin::Waiting {
            url: browser_login::login_url(&s.site_text(), port),
            port,
        },
        Err(e) => BrowserLogin::Ended(format!(
            "Could not listen for the browser on 127.0.0.1: {e}. Paste the token from the page instead, or choose another method."
        )),
    };
}

/// The browser handed the session over (or the listener gave up).
pub(super) fn on_handed_over(
    state: &mut State,
    generation: u64,
    result: Result<Secret, HandoffError>,
) -> Vec<Effect> {
    let s = &mut state.sign_in;
    if generation != s.browser_generation || !s.browser.active() {
        return vec![];
    }
    match result {
        Ok(token) => {
            s.browser = BrowserLogin::Idle;
            let Ok(domain) = s.domain() else {
                return vec![];
            };
            s.status = SignInStatus::Working;
            s.go_on_after_sign_in = true;
            vec![Effect::SignIn {
                domain,
                with: SignInWith::Browser(token),
            }]
        }
        Err(e) => {
            s.browser = BrowserLogin::Ended(format!("{}.", sentence(&e)));
            vec![]
        }
    }
}
