//! Step 1 in the plain mode: the host, then the credentials.

use super::Plain;
use super::io::{ask, ask_default, ask_secret, choose, say, step};
use crate::infisical::Domain;
use crate::prompt::PromptError;
use crate::secret::Secret;
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
                    let with = self.ask_credentials()?;
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
                    say(format!(
                        "Signed in to {} ({}).",
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

    fn ask_credentials(&self) -> Result<SignInWith, PromptError> {
        let cli = crate::cli_login::find_on_path("infisical").is_some() && self.demo.is_none();
        let mut methods = vec![
            "Universal Auth (a machine identity's client id and secret)".to_string(),
            "An Infisical access token".to_string(),
        ];
        if cli {
            methods.insert(0, "The Infisical CLI's login on this machine".into());
        }
        say("Sign in with:");
        let choice = choose("Choice", &methods, 0)?;
        Ok(match if cli { choice } else { choice + 1 } {
            0 => SignInWith::Cli,
            1 => {
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
            _ => SignInWith::AccessToken(Secret::new(
                required_secret("Access token", "an Infisical access token")?.trim(),
            )),
        })
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
