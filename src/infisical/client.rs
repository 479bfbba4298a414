//! The typed Infisical client. One constructor sets timeouts, refuses redirects and adds
//! trusted roots; reads retry, writes never retry blindly; a create whose outcome is unknown
//! is reconciled by looking the name up.

use std::path::PathBuf;
use std::time::Duration;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Method;
use tokio::sync::Mutex;

use super::domain::Domain;
use super::error::Error;
use super::model::*;
use crate::secret::Secret;

/// Characters escaped in one path segment (everything but RFC 3986 unreserved).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

#[derive(Debug, Clone)]
pub struct Timeouts {
    pub connect: Duration,
    /// Whole-call limit for reads and login.
    pub read: Duration,
    /// Whole-call limit for create and update: Infisical calls Ona before it answers.
    pub write: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            read: Duration::from_secs(30),
            write: Duration::from_secs(120),
        }
    }
}

#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts for an idempotent read, the first included.
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// A `Retry-After` longer than this is reported instead of waited for.
    pub max_retry_after: Duration,
    /// Pauses before each name lookup after a create with an unknown outcome.
    pub reconcile_delays: Vec<Duration>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(300),
            max_delay: Duration::from_secs(4),
            max_retry_after: Duration::from_secs(60),
            reconcile_delays: [0, 1, 2, 4].map(Duration::from_secs).to_vec(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub domain: Domain,
    pub ca_file: Option<PathBuf>,
    pub timeouts: Timeouts,
    pub retry: RetryPolicy,
}

impl ClientOptions {
    pub fn new(domain: Domain) -> Self {
        ClientOptions {
            domain,
            ca_file: None,
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
        }
    }
}

/// How to sign in to Infisical.
#[derive(Debug)]
pub enum Credentials {
    /// A user session JWT or machine-identity access token.
    AccessToken(Secret),
    UniversalAuth {
        client_id: String,
        client_secret: Secret,
    },
}

#[derive(Debug, Default)]
pub(super) struct Auth {
    pub(super) token: Option<Secret>,
    /// Kept so an access token that expires mid-session can be renewed once.
    pub(super) universal_auth: Option<(String, Secret)>,
}

#[derive(Debug)]
pub struct Client {
    pub(super) http: reqwest::Client,
    pub(super) options: ClientOptions,
    pub(super) auth: Mutex<Auth>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Kind {
    /// Safe to repeat.
    Read,
    /// Never repeated after it may have been carried out.
    Write,
}

pub(super) struct Call<'a> {
    pub(super) method: Method,
    pub(super) path: String,
    pub(super) query: Vec<(&'a str, &'a str)>,
    pub(super) body: Option<serde_json::Value>,
    pub(super) kind: Kind,
}

/// A call without query or body that is safe to repeat.
fn read(method: Method, path: &str) -> Call<'static> {
    Call {
        method,
        path: path.into(),
        query: vec![],
        body: None,
        kind: Kind::Read,
    }
}

/// How a create ended when it did end with a connection.
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub connection: AppConnection,
    /// The create's answer was lost and the connection was found by name afterwards.
    pub recovered: bool,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CreateError {
    /// Infisical refused; nothing was created.
    #[error("{0}")]
    Rejected(Error),
    /// The name is taken in this project; found before the token was sent.
    #[error("An App Connection with the name \"{}\" already exists", .0.name)]
    NameTaken(AppConnection),
    /// The request may not have arrived and a lookup shows no such connection: sending it
    /// again is safe (a late duplicate would be refused by name).
    #[error("{cause} — no connection with this name exists, so it is safe to send again")]
    NotCreated { cause: Error },
    /// Neither the create nor the lookup gave an answer.
    #[error("{cause}; checking whether it was created also failed: {lookup}")]
    OutcomeUnknown { cause: Error, lookup: Error },
    /// The lookup by name before the create failed (a redirect, no answer, an error), so the
    /// token was not sent: a host that fails the lookup is not trusted with it.
    #[error("checking the name before sending failed, so the token was not sent: {0}")]
    LookupFailed(Error),
}

impl CreateError {
    pub fn cause(&self) -> Option<&Error> {
        match self {
            CreateError::Rejected(e)
            | CreateError::NotCreated { cause: e }
            | CreateError::OutcomeUnknown { cause: e, .. }
            | CreateError::LookupFailed(e) => Some(e),
            CreateError::NameTaken(_) => None,
        }
    }
}

impl Client {
    pub fn new(options: ClientOptions) -> Result<Client, Error> {
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(options.timeouts.connect)
            .pool_idle_timeout(Duration::from_secs(60))
            .user_agent(concat!("ona-connect/", env!("CARGO_PKG_VERSION")));
        let extra_roots = options
            .ca_file
            .clone()
            .or_else(|| std::env::var_os("SSL_CERT_FILE").map(PathBuf::from));
        if let Some(path) = extra_roots {
            let ca_error = |detail: String| Error::CaFile {
                path: path.display().to_string(),
                detail,
            };
            let pem = std::fs::read(&path).map_err(|e| ca_error(e.to_string()))?;
            let certs =
                reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| ca_error(e.to_string()))?;
            if certs.is_empty() {
                return Err(ca_error("no PEM certificates in it".into()));
            }
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let http = builder.build().map_err(|e| Error::Tls {
            host: options.domain.host().into(),
            detail: e.to_string(),
        })?;
        Ok(Client {
            http,
            options,
            auth: Mutex::new(Auth::default()),
        })
    }

    pub fn domain(&self) -> &Domain {
        &self.options.domain
    }

    /// Signs in: a Universal Auth login, or adopting a given access token.
    pub async fn sign_in(&self, credentials: Credentials) -> Result<(), Error> {
        match credentials {
            Credentials::AccessToken(token) => {
                let mut auth = self.auth.lock().await;
                auth.token = Some(token);
                auth.universal_auth = None;
                Ok(())
            }
            Credentials::UniversalAuth {
                client_id,
                client_secret,
            } => {
                let token = self.login(&client_id, &client_secret).await?;
                let mut auth = self.auth.lock().await;
                auth.token = Some(token);
                auth.universal_auth = Some((client_id, client_secret));
                Ok(())
            }
        }
    }

    /// `POST /api/v1/auth/universal-auth/login`. Never retried after an answer: Infisical
    /// locks the identity after three failures.
    pub(super) async fn login(
        &self,
        client_id: &str,
        client_secret: &Secret,
    ) -> Result<Secret, Error> {
        let body = serde_json::json!({
            "clientId": client_id.trim(),
            "clientSecret": client_secret.expose().trim(),
        });
        let call = Call {
            method: Method::POST,
            path: "/v1/auth/universal-auth/login".into(),
            query: vec![],
            body: Some(body),
            kind: Kind::Write,
        };
        let bytes = self.send_once(&call, None).await?;
        let login: LoginResponse = self.decode(&bytes)?;
        Ok(Secret::new(login.access_token))
    }

    pub async fn list_projects(&self) -> Result<Vec<Project>, Error> {
        let envelope: ProjectsEnvelope = self
            .call(Call {
                method: Method::GET,
                path: "/v1/projects".into(),
                query: vec![("type", "secret-manager")],
                body: None,
                kind: Kind::Read,
            })
            .await?;
        Ok(envelope.projects())
    }

    /// Whether Infisical accepts the session (`POST /api/v1/auth/checkAuth`); a user session
    /// handed over by the browser is verified with it before it is used.
    pub async fn check_auth(&self) -> Result<(), Error> {
        let _: serde_json::Value = self.call(read(Method::POST, "/v1/auth/checkAuth")).await?;
        Ok(())
    }

    /// The signed-in user, for "signed in as <email>".
    pub async fn current_user(&self) -> Result<User, Error> {
        let envelope: UserEnvelope = self.call(read(Method::GET, "/v1/user")).await?;
        Ok(envelope.user)
    }

    /// The user's organizations, to name the one the session belongs to.
    pub async fn organizations(&self) -> Result<Vec<Organization>, Error> {
        let envelope: OrganizationsEnvelope =
            self.call(read(Method::GET, "/v1/organization")).await?;
        Ok(envelope.organizations)
    }

    pub async fn list_connections(
        &self,
        project_id: Option<&str>,
    ) -> Result<Vec<AppConnection>, Error> {
        let envelope: ConnectionsEnvelope = self
            .call(Call {
                method: Method::GET,
                path: "/v1/app-connections/ona".into(),
                query: project_id.map(|p| ("projectId", p)).into_iter().collect(),
                body: None,
                kind: Kind::Read,
            })
            .await?;
        Ok(envelope.app_connections)
    }

    pub async fn get_connection(&self, id: &str) -> Result<AppConnection, Error> {
        self.connection_call(Method::GET, id, None, Kind::Read)
            .await
    }

    /// `None` when Infisical answers 404 (project scope when `project_id` is given, org scope
    /// otherwise; docs/infisical-api.md §4.6).
    pub async fn find_connection_by_name(
        &self,
        name: &str,
        project_id: Option<&str>,
    ) -> Result<Option<AppConnection>, Error> {
        let result: Result<ConnectionEnvelope, Error> = self
            .call(Call {
                method: Method::GET,
                path: format!(
                    "/v1/app-connections/ona/connection-name/{}",
                    utf8_percent_encode(name, SEGMENT)
                ),
                query: project_id.map(|p| ("projectId", p)).into_iter().collect(),
                body: None,
                kind: Kind::Read,
            })
            .await;
        match result {
            Ok(envelope) => Ok(Some(envelope.app_connection)),
            Err(Error::Api(e)) if e.status == 404 => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// One `POST /api/v1/app-connections/ona`, no lookups. Prefer [`Client::create_connection`].
    pub async fn create_connection_once(
        &self,
        request: &CreateRequest,
    ) -> Result<AppConnection, Error> {
        let envelope: ConnectionEnvelope = self
            .call(Call {
                method: Method::POST,
                path: "/v1/app-connections/ona".into(),
                query: vec![],
                body: Some(request.body(true)),
                kind: Kind::Write,
            })
            .await?;
        Ok(envelope.app_connection)
    }

    /// Creates a connection without ever creating two: the name is looked up first (a taken
    /// name is reported before the token is sent), and a create whose answer was lost is
    /// followed by lookups instead of a second POST. `after_unknown_outcome` says that an
    /// earlier attempt for this same request ended without an answer, so finding the name
    /// means that attempt worked.
    pub async fn create_connection(
        &self,
        request: &CreateRequest,
        after_unknown_outcome: bool,
    ) -> Result<Created, CreateError> {
        match self
            .find_connection_by_name(&request.name, Some(&request.project_id))
            .await
        {
            Ok(Some(connection)) if after_unknown_outcome => {
                return Ok(Created {
                    connection,
                    recovered: true,
                });
            }
            Ok(Some(existing)) => return Err(CreateError::NameTaken(existing)),
            Err(e) if e.is_token_error() => return Err(CreateError::Rejected(e)),
            // Without read permission the lookup is refused; the create itself still decides.
            Err(Error::Api(e)) if e.status == 403 => {}
            Err(e) => return Err(CreateError::LookupFailed(e)),
            Ok(None) => {}
        }
        let cause = match self.create_connection_once(request).await {
            Ok(connection) => {
                return Ok(Created {
                    connection,
                    recovered: false,
                });
            }
            Err(e) if !e.outcome_unknown() => return Err(CreateError::Rejected(e)),
            Err(e) => e,
        };
        tracing::info!("create outcome unknown; looking the name up");
        let mut lookup_error = None;
        for delay in &self.options.retry.reconcile_delays {
            tokio::time::sleep(*delay).await;
            match self
                .find_connection_by_name(&request.name, Some(&request.project_id))
                .await
            {
                Ok(Some(connection)) => {
                    return Ok(Created {
                        connection,
                        recovered: true,
                    });
                }
                Ok(None) => lookup_error = None,
                Err(e) => lookup_error = Some(e),
            }
        }
        match lookup_error {
            None => Err(CreateError::NotCreated { cause }),
            Some(lookup) => Err(CreateError::OutcomeUnknown { cause, lookup }),
        }
    }

    pub async fn update_connection(
        &self,
        id: &str,
        request: &UpdateRequest,
    ) -> Result<AppConnection, Error> {
        self.connection_call(Method::PATCH, id, Some(request.body(true)), Kind::Write)
            .await
    }

    pub async fn delete_connection(&self, id: &str) -> Result<AppConnection, Error> {
        self.connection_call(Method::DELETE, id, None, Kind::Write)
            .await
    }

    async fn connection_call(
        &self,
        method: Method,
        id: &str,
        body: Option<serde_json::Value>,
        kind: Kind,
    ) -> Result<AppConnection, Error> {
        let envelope: ConnectionEnvelope = self
            .call(Call {
                method,
                path: format!(
                    "/v1/app-connections/ona/{}",
                    utf8_percent_encode(id, SEGMENT)
                ),
                query: vec![],
                body,
                kind,
            })
            .await?;
        Ok(envelope.app_connection)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_one_path_segment() {
        assert_eq!(
            utf8_percent_encode("a/../b?x#%2F", SEGMENT).to_string(),
            "a%2F..%2Fb%3Fx%23%252F"
        );
    }
}
