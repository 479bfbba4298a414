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
use crate::infisical::{Client, Project};
use crate::prompt::PromptError;
use crate::secret::Secret;
use crate::session::ona_check::TokenExpiry;
use crate::session::placement::Field;
use crate::session::summary::InFlight;
use crate::session::unsettled::{self, LostAnswer, SignalWatch};
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
    lost_answer: LostAnswer,
    /// What a signal would interrupt, so that it says so.
    signals: SignalWatch,
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
    let signals = SignalWatch::start(config_path.clone(), false, "nothing was created");
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
        lost_answer: LostAnswer::default(),
        signals,
    };
    let result = plain.flow().await;
    if let (Err(_), Some(lost), Some(client)) = (&result, plain.lost_answer.write(), &plain.client)
    {
        let lost = unsettled::look_up(lost.clone(), client, plain.config_path.as_deref()).await;
        unsettled::report(&lost, false);
        return if lost.found.is_some() {
            EXIT_OK
        } else {
            EXIT_OUTCOME_UNKNOWN
        };
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
            let sent_before = self.lost_answer.sent_before(sent);
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
            let record = self.record(
                &answers,
                &request.name,
                Some(request.project_id.clone()),
                String::new(),
            );
            let write = InFlight::create(&request, &self.site, record);
            self.signals.unsettled(write.clone(), client.clone());
            let result = client
                .create_connection(&request, self.lost_answer.repeated_by(&request))
                .await;
            self.lost_answer.after_create(&write, &result);
            match result {
                Ok(created) => {
                    self.signals.done();
                    self.done(&answers, created);
                    return Ok(());
                }
                Err(e) => {
                    match self.lost_answer.write() {
                        Some(lost) => self.signals.unsettled(lost.clone(), client),
                        None => self.signals.nothing_created(),
                    }
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
