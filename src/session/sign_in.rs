//! Signing in to Infisical, the same way for every front end.

use std::path::PathBuf;
use std::sync::Arc;

use super::credentials::Chosen;
use crate::infisical::{Client, ClientOptions, Domain, Error, Project, RetryPolicy, Timeouts};

/// How to reach Infisical besides the host: trusted CAs, timeouts, retries.
#[derive(Debug, Clone, Default)]
pub struct Network {
    pub ca_file: Option<PathBuf>,
    pub timeouts: Timeouts,
    pub retry: RetryPolicy,
}

impl Network {
    pub fn options(&self, domain: Domain) -> ClientOptions {
        let mut options = ClientOptions::new(domain);
        options.ca_file = self.ca_file.clone();
        options.timeouts = self.timeouts.clone();
        options.retry = self.retry.clone();
        options
    }
}

/// A finished sign-in, as the front ends show it.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedIn {
    pub site: String,
    pub via: String,
    /// The project list, or why it could not be read (then the id is typed by hand).
    pub projects: Result<Vec<Project>, String>,
}

/// What a failed sign-in shows: the error, and where to look when it is about the token.
fn failure_lines(e: &Error, site: &str) -> Vec<String> {
    let mut lines = e.display_lines();
    if e.is_token_error() {
        lines.push(format!(
            "Check the credentials, and that they belong to {site} (US and EU cloud are separate)."
        ));
    }
    lines
}

/// Signs in and reads the project list; a token error on the list means the sign-in failed.
pub async fn sign_in(
    options: ClientOptions,
    chosen: Chosen,
) -> Result<(SignedIn, Arc<Client>), Vec<String>> {
    let site = options.domain.site().to_string();
    let client = Client::new(options).map_err(|e| e.display_lines())?;
    client
        .sign_in(chosen.credentials)
        .await
        .map_err(|e| failure_lines(&e, &site))?;
    let projects = match client.list_projects().await {
        Ok(p) => Ok(p),
        Err(e) if e.is_token_error() => return Err(failure_lines(&e, &site)),
        Err(e) => Err(format!(
            "Could not list projects ({}); type the project id instead.",
            e.display_lines().join(" ")
        )),
    };
    let signed_in = SignedIn {
        site,
        via: chosen.label,
        projects,
    };
    Ok((signed_in, Arc::new(client)))
}

/// Signs in without reading the project list (the commands need none).
pub async fn client(options: ClientOptions, chosen: Chosen) -> Result<Client, Error> {
    let client = Client::new(options)?;
    client.sign_in(chosen.credentials).await?;
    Ok(client)
}
