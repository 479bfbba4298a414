//! The accessible plain mode (`--plain`, automatic with `TERM=dumb`): the wizard's steps as
//! line-by-line prompts on the normal screen. No alternate screen, no cursor movement, no
//! colour, no animation; numbered choices; secrets read without echo. The step texts are the
//! same data the full-screen wizard shows (`assets/guide.toml`), and the rules come from
//! `crate::session`, as for the wizard.

mod details;
mod io;
mod outcome;
mod sign_in;

use std::sync::Arc;

use crate::cli::{EXIT_CANCELLED, EXIT_OK, EXIT_OUTCOME_UNKNOWN, EXIT_USAGE, Global};
use crate::config::Settings;
use crate::guide;
use crate::infisical::{Client, CreateError, Project};
use crate::prompt::PromptError;
use crate::secret::Secret;
use crate::session::ona_check::TokenExpiry;
use crate::session::placement::Field;
use crate::session::summary::{self, InFlight, SentBefore};
use crate::wizard::Demo;
use io::{ask, say, step};

/// Everything entered so far; kept across errors so a retry asks only what must change.
#[derive(Default)]
struct Answers {
    name: String,
    description: String,
    token: Option<Secret>,
    project: Option<Project>,
    project_id: String,
    expiry: Option<TokenExpiry>,
    record_expiry: bool,
}

enum Next {
    /// Ask these again.
    Ask(Vec<Field>),
    Finished,
}

struct Plain<'a> {
    global: &'a Global,
    settings: Settings,
    config_path: Option<std::path::PathBuf>,
    demo: Option<Demo>,
    ona_api: Option<crate::ona::OnaApi>,
    site: String,
    client: Option<Arc<Client>>,
    /// The Universal Auth client id typed at sign-in, worth remembering.
    client_id_used: Option<String>,
    projects: Result<Vec<Project>, String>,
    /// A create was sent and neither its answer nor a lookup said what became of it: leaving
    /// now must not claim that nothing was created.
    outcome_unknown: Option<InFlight>,
}

pub async fn run(
    global: &Global,
    settings: Settings,
    config_path: Option<std::path::PathBuf>,
    demo: Option<Demo>,
) -> i32 {
    let ona_api = match crate::session::ona_api(global) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("ona-connect: {e}");
            return EXIT_USAGE;
        }
    };
    let mut plain = Plain {
        global,
        site: settings.domain.site().to_string(),
        client_id_used: match &settings.env_credentials {
            Some(crate::config::EnvCredentials::UniversalAuth { client_id, .. }) => {
                Some(client_id.clone())
            }
            _ => None,
        },
        settings,
        config_path,
        demo,
        ona_api,
        client: None,
        projects: Err(String::new()),
        outcome_unknown: None,
    };
    let result = plain.flow().await;
    if let (Err(_), Some(in_flight)) = (&result, &plain.outcome_unknown) {
        eprintln!("ona-connect: {}", summary::in_flight_line(in_flight));
        return EXIT_OUTCOME_UNKNOWN;
    }
    match result {
        Ok(()) => EXIT_OK,
        Err(PromptError::Cancelled) => {
            eprintln!("ona-connect: cancelled; nothing was created.");
            EXIT_CANCELLED
        }
        Err(e) => {
            eprintln!("ona-connect: {e}; nothing was created.");
            EXIT_USAGE
        }
    }
}

impl Plain<'_> {
    async fn flow(&mut self) -> Result<(), PromptError> {
        say("ona-connect: create an Ona connection in Infisical (plain mode)");
        if self.demo.is_some() {
            say("DEMO: this runs against a sandbox on this machine; nothing leaves it.");
        }
        self.sign_in().await?;
        self.guide()?;
        let mut answers = Answers {
            name: self
                .settings
                .last_name
                .clone()
                .unwrap_or_else(|| crate::wizard::DEFAULT_NAME.into()),
            project_id: self.settings.project_id.clone().unwrap_or_default(),
            record_expiry: true,
            ..Answers::default()
        };
        let mut ask = Field::ALL.to_vec();
        let mut after_unknown = false;
        let mut sent = false;
        loop {
            step(6, "Connection details");
            if ask.contains(&Field::Name) {
                answers.name = self.ask_name(&answers.name)?;
            }
            if ask.contains(&Field::Description) {
                answers.description = self.ask_description(&answers.description)?;
            }
            if ask.contains(&Field::Token) || answers.token.is_none() {
                self.ask_token(&mut answers).await?;
            }
            if ask.contains(&Field::Project) {
                self.ask_project(&mut answers)?;
            }
            step(7, "Review");
            let sent_before = match (sent, after_unknown) {
                (false, _) => SentBefore::Never,
                (true, true) => SentBefore::OutcomeUnknown,
                (true, false) => SentBefore::NotCreated,
            };
            let Some(request) = self.review(&mut answers, sent_before)? else {
                ask = Field::ALL.to_vec();
                continue;
            };
            step(8, "Creating the connection");
            say("working…");
            let Some(client) = self.client.clone() else {
                self.sign_in().await?;
                continue;
            };
            sent = true;
            match client.create_connection(&request, after_unknown).await {
                Ok(created) => {
                    self.done(&answers, created);
                    return Ok(());
                }
                Err(e) => {
                    // A failed lookup sent nothing: what was unknown before stays unknown.
                    after_unknown = matches!(e, CreateError::OutcomeUnknown { .. })
                        || (after_unknown && matches!(e, CreateError::LookupFailed(_)));
                    self.outcome_unknown = after_unknown.then(|| InFlight {
                        rotation: false,
                        name: request.name.clone(),
                        project_id: Some(request.project_id.clone()),
                        site: self.site.clone(),
                        found: None,
                        remember: None,
                    });
                    match self.explain(&e, &answers).await? {
                        Next::Ask(which) => ask = which,
                        Next::Finished => return Ok(()),
                    }
                }
            }
        }
    }

    /// Steps 2–5: the guide's texts, each confirmed with Enter.
    fn guide(&self) -> Result<(), PromptError> {
        for (i, s) in guide::steps().iter().enumerate() {
            step(i + 2, &s.title);
            for line in &s.body {
                say(line);
            }
            for link in &s.links {
                say(format!("{}: {}", link.label, link.url));
            }
            if let (Some(demo), "copy-token") = (&self.demo, s.id.as_str()) {
                say(format!(
                    "DEMO: the sandbox's Ona token is {}",
                    demo.ona_token
                ));
            }
            for note in &s.notes {
                say(format!("Note: {note}"));
            }
            ask("Press Enter when this is done.")?;
        }
        Ok(())
    }
}
