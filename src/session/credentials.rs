//! Which credentials sign in to Infisical, and how the screen names them.

use crate::config::{EnvCredentials, Settings};
use crate::infisical::Credentials;
use crate::secret::Secret;

/// How a front end asks to sign in.
#[derive(Debug)]
pub enum SignInWith {
    /// The credentials the environment provided.
    Environment,
    /// The Infisical CLI's user login: `infisical user get token --plain --domain <site>`.
    Cli,
    UniversalAuth {
        client_id: String,
        client_secret: Secret,
    },
    AccessToken(Secret),
    /// The session the Infisical web app handed over (docs/infisical-api.md §12), by the
    /// loopback POST or pasted from its page.
    Browser(Secret),
}

/// Credentials ready for [`crate::infisical::Client::sign_in`], and where they came from.
#[derive(Debug)]
pub struct Chosen {
    pub credentials: Credentials,
    /// Shown after "Signed in to <site>", e.g. "access token from INFISICAL_TOKEN".
    pub label: String,
    /// A user's session (browser or CLI login): verified with `checkAuth` and named by the
    /// user's email and organization.
    pub user_session: bool,
}

/// The environment's credentials and their label.
pub fn from_environment(env: &EnvCredentials) -> Chosen {
    match env {
        EnvCredentials::AccessToken { variable, token } => Chosen {
            credentials: Credentials::AccessToken(token.duplicate()),
            label: format!("access token from {variable}"),
            user_session: false,
        },
        EnvCredentials::UniversalAuth {
            client_id,
            client_secret,
        } => Chosen {
            credentials: Credentials::UniversalAuth {
                client_id: client_id.clone(),
                client_secret: client_secret.duplicate(),
            },
            label: format!("Universal Auth from the environment, client id {client_id}"),
            user_session: false,
        },
    }
}

/// What the variables are called, for messages that say how to provide credentials.
pub const ENV_HINT: &str = "set INFISICAL_TOKEN, or INFISICAL_UNIVERSAL_AUTH_CLIENT_ID and INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET";

/// Resolves a front end's choice; `env` is what [`from_environment`] gave, if anything. Only
/// the CLI's login needs to run anything.
pub async fn choose(with: SignInWith, env: Option<Chosen>, site: &str) -> Result<Chosen, String> {
    match with {
        SignInWith::Environment => {
            env.ok_or_else(|| format!("no credentials in the environment: {ENV_HINT}"))
        }
        SignInWith::Cli => Ok(Chosen {
            credentials: Credentials::AccessToken(crate::cli_login::user_token(site).await?),
            label: "Infisical CLI login".into(),
            user_session: true,
        }),
        SignInWith::UniversalAuth {
            client_id,
            client_secret,
        } => Ok(Chosen {
            label: format!("Universal Auth, client id {client_id}"),
            user_session: false,
            credentials: Credentials::UniversalAuth {
                client_id,
                client_secret,
            },
        }),
        SignInWith::AccessToken(token) => Ok(Chosen {
            credentials: Credentials::AccessToken(token),
            label: "access token".into(),
            user_session: false,
        }),
        SignInWith::Browser(token) => Ok(Chosen {
            credentials: Credentials::AccessToken(token),
            label: "browser sign-in".into(),
            user_session: true,
        }),
    }
}

/// For the commands, which cannot ask: the environment's credentials, else the Infisical
/// CLI's login when that CLI is installed; else why not, naming the variables.
pub async fn without_asking(settings: &Settings) -> Result<Chosen, String> {
    if let Some(env) = &settings.env_credentials {
        return Ok(from_environment(env));
    }
    if crate::cli_login::find_on_path("infisical").is_none() {
        return Err(format!("not signed in: {ENV_HINT}"));
    }
    choose(SignInWith::Cli, None, settings.domain.site())
        .await
        .map_err(|e| format!("not signed in: {e}; or {ENV_HINT}"))
}
