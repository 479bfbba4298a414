//! Signing in to Infisical, the same way for every front end.

use std::path::PathBuf;
use std::sync::Arc;

use super::credentials::Chosen;
use crate::infisical::{
    Client, ClientOptions, Credentials, Domain, Error, Project, RetryPolicy, Timeouts,
};

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
    /// Whose session it is ("dana@example.com in Acme"), for user sessions.
    pub who: Option<String>,
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
/// A user's session is verified first (`checkAuth`) and named: never "signed in" unchecked.
/// Any other access token is only verified by that list (a Universal Auth login verifies
/// itself), so when the list gets no answer the sign-in is not reported as done.
pub async fn sign_in(
    options: ClientOptions,
    chosen: Chosen,
) -> Result<(SignedIn, Arc<Client>), Vec<String>> {
    let site = options.domain.site().to_string();
    let client = Client::new(options).map_err(|e| e.display_lines())?;
    let claimed_organization = match (&chosen.credentials, chosen.user_session) {
        (Credentials::AccessToken(token), true) => jwt_claim(token.expose(), "organizationId"),
        _ => None,
    };
    let verified_before_the_list =
        chosen.user_session || matches!(chosen.credentials, Credentials::UniversalAuth { .. });
    client
        .sign_in(chosen.credentials)
        .await
        .map_err(|e| failure_lines(&e, &site))?;
    let mut via = chosen.label;
    let who = if chosen.user_session {
        client
            .check_auth()
            .await
            .map_err(|e| failure_lines(&e, &site))?;
        match who_is_signed_in(&client, claimed_organization.as_deref()).await {
            Ok(who) => Some(who),
            Err(e) if e.is_token_error() => return Err(failure_lines(&e, &site)),
            Err(e) => {
                via.push_str(&format!(
                    "; the user's name could not be read: {}",
                    e.display_lines().join(" ")
                ));
                None
            }
        }
    } else {
        None
    };
    let projects = match client.list_projects().await {
        Ok(p) => Ok(p),
        Err(e) if e.is_token_error() => return Err(failure_lines(&e, &site)),
        Err(e) if !verified_before_the_list => {
            let mut lines = vec![format!(
                "The access token could not be verified: {site} did not answer."
            )];
            lines.extend(e.display_lines());
            lines.push("Nothing else was sent. Press Enter to try again.".into());
            return Err(lines);
        }
        Err(e) => Err(format!(
            "Could not list projects ({}); type the project id instead.",
            e.display_lines().join(" ")
        )),
    };
    let signed_in = SignedIn {
        site,
        via,
        who,
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

/// Who a user session belongs to, as the screen says it: "dana@example.com in Acme" (the
/// organization the token is scoped to, from its `organizationId` claim; the only one when
/// the token does not say).
async fn who_is_signed_in(client: &Client, claimed: Option<&str>) -> Result<String, Error> {
    let user = client.current_user().await?;
    let organizations = client.organizations().await.unwrap_or_default();
    let organization = organizations
        .iter()
        .find(|o| claimed == Some(o.id.as_str()))
        .or_else(|| (organizations.len() == 1).then(|| &organizations[0]));
    let email = crate::sanitize::for_terminal(&user.email, 200);
    Ok(match organization {
        Some(o) => format!("{email} in {}", crate::sanitize::for_terminal(&o.name, 200)),
        None => email,
    })
}

/// A string claim of a JWT's payload, read without checking the signature (Infisical does
/// that); only for naming things on screen.
fn jwt_claim(token: &str, claim: &str) -> Option<String> {
    use base64::Engine;
    let payload = token.split('.').nth(1)?;
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let value: serde_json::Value = serde_json::from_slice(&json).ok()?;
    value.get(claim)?.as_str().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::{Sandbox, SandboxOptions, demo};
    use crate::secret::Secret;
    use crate::session::credentials::{SignInWith, choose};

    async fn browser_sign_in(sandbox: &Sandbox, token: &str) -> Result<SignedIn, Vec<String>> {
        let options = Network::default().options(Domain::parse(&sandbox.url()).unwrap());
        let chosen = choose(SignInWith::Browser(Secret::new(token)), None, "")
            .await
            .unwrap();
        sign_in(options, chosen).await.map(|(s, _)| s)
    }

    #[tokio::test]
    async fn a_user_session_is_verified_and_named_by_email_and_organization() {
        let sandbox = Sandbox::start(SandboxOptions::default()).unwrap();
        let signed_in = browser_sign_in(&sandbox, demo::USER_TOKEN).await.unwrap();
        assert_eq!(
            signed_in.who.as_deref(),
            Some("dana@example.com in Demo Organization")
        );
        assert_eq!(signed_in.via, "browser sign-in");
        let checks: Vec<String> = sandbox.requests().iter().map(|r| r.path.clone()).collect();
        assert_eq!(
            checks.first().map(String::as_str),
            Some("/api/v1/auth/checkAuth")
        );

        // A machine identity's token is not a user session.
        let identity = sandbox.issue_access_token();
        assert!(browser_sign_in(&sandbox, &identity).await.is_err());
        // A token Infisical does not know fails the check itself, and says what to do.
        let unknown = "aGVhZGVy.eyJvcmdhbml6YXRpb25JZCI6IngifQ.c2ln";
        let lines = browser_sign_in(&sandbox, unknown).await.unwrap_err();
        assert!(
            lines.iter().any(|l| l.starts_with("Check the credentials")),
            "{lines:?}"
        );
    }

    /// A server that drips its answer: the tries and the real time are reported, and an
    /// access token nothing verified is not a sign-in.
    #[tokio::test]
    async fn a_dripping_server_never_makes_an_unverified_sign_in() {
        use crate::sandbox::{Fault, FaultAction, FaultRoute};
        use std::time::Duration;
        let sandbox = Sandbox::start(SandboxOptions::default()).unwrap();
        let drip = || {
            Fault::new(
                FaultRoute::ListProjects,
                3,
                FaultAction::Drip(Duration::from_millis(200)),
            )
        };
        let network = Network {
            timeouts: Timeouts {
                read: Duration::from_millis(300),
                ..Timeouts::default()
            },
            retry: RetryPolicy {
                base_delay: Duration::from_millis(10),
                ..RetryPolicy::default()
            },
            ..Network::default()
        };
        let domain = Domain::parse(&sandbox.url()).unwrap();
        sandbox.add_fault(drip());
        let chosen = Chosen {
            credentials: Credentials::AccessToken(Secret::new(sandbox.issue_access_token())),
            label: "access token".into(),
            user_session: false,
        };
        let lines = sign_in(network.options(domain.clone()), chosen)
            .await
            .map(|_| ())
            .unwrap_err();
        assert!(lines[0].contains("could not be verified"), "{lines:?}");
        assert!(
            lines.iter().any(|l| l.contains("in 3 tries over")),
            "{lines:?}"
        );

        // A Universal Auth login verified the credentials: signed in, the list is a warning.
        sandbox.add_fault(drip());
        let chosen = Chosen {
            credentials: Credentials::UniversalAuth {
                client_id: demo::CLIENT_ID.into(),
                client_secret: Secret::new(demo::CLIENT_SECRET),
            },
            label: "Universal Auth".into(),
            user_session: false,
        };
        let (signed_in, _) = sign_in(network.options(domain), chosen).await.unwrap();
        let why = signed_in.projects.unwrap_err();
        assert!(why.contains("in 3 tries over"), "{why}");
    }

    #[test]
    fn the_organization_claim_is_read_from_the_payload() {
        // {"organizationId":"org-7"}
        let token = "e30.eyJvcmdhbml6YXRpb25JZCI6Im9yZy03In0.c2ln";
        assert_eq!(jwt_claim(token, "organizationId").as_deref(), Some("org-7"));
        assert_eq!(jwt_claim("not-a-jwt", "organizationId"), None);
    }
}
