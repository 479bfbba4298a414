//! The accessible plain mode (`--plain`, automatic with `TERM=dumb`): the wizard's steps as
//! line-by-line prompts on the normal screen. No alternate screen, no cursor movement, no
//! colour, no animation; numbered choices; secrets read without echo. The step texts are the
//! same data the full-screen wizard shows (`assets/guide.toml`), and the rules, client and
//! error handling are the same code.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use crate::app::sign_in;
use crate::cli::{EXIT_CANCELLED, EXIT_OK, EXIT_USAGE, Global};
use crate::config::{self, EnvCredentials, Settings};
use crate::guide;
use crate::infisical::{
    Client, ClientOptions, CreateError, CreateRequest, Credentials, Domain, Error, Project,
};
use crate::ona::{Expiry, OnaClient, OnaError};
use crate::prompt::{self, PromptError};
use crate::secret::Secret;
use crate::wizard::{Created, Demo, STEP_COUNT, TokenExpiry, with_expiry};
use crate::{cli_login, sanitize, ui, validate};

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
    /// Ask these again: name, description, token, project.
    Ask([bool; 4]),
    Finished,
}

struct Plain<'a> {
    global: &'a Global,
    settings: Settings,
    config_path: Option<std::path::PathBuf>,
    demo: Option<Demo>,
    ona_api: Option<Domain>,
    site: String,
    client: Option<Arc<Client>>,
    projects: Result<Vec<Project>, String>,
}

fn say(text: impl AsRef<str>) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", text.as_ref());
    let _ = out.flush();
}

/// A question on stdout, with the conversation, then the answer.
fn ask(question: &str) -> Result<String, PromptError> {
    let mut out = std::io::stdout().lock();
    let _ = write!(out, "{question}");
    let _ = out.flush();
    prompt::line()
}

fn ask_secret(question: &str) -> Result<zeroize::Zeroizing<String>, PromptError> {
    let mut out = std::io::stdout().lock();
    let _ = write!(out, "{question}");
    let _ = out.flush();
    prompt::secret_line()
}

fn step(n: usize, title: &str) {
    say("");
    say(format!("Step {n} of {STEP_COUNT}: {title}"));
}

/// `question [default]: `, the default when the answer is empty.
fn ask_default(question: &str, default: &str) -> Result<String, PromptError> {
    let shown = if default.is_empty() {
        String::new()
    } else {
        format!(" [{default}]")
    };
    let answer = ask(&format!("{question}{shown}: "))?;
    Ok(if answer.trim().is_empty() {
        default.to_string()
    } else {
        answer.trim().to_string()
    })
}

/// A numbered choice; returns the index. Empty answer takes `default`.
fn choose(question: &str, options: &[String], default: usize) -> Result<usize, PromptError> {
    for (i, o) in options.iter().enumerate() {
        say(format!("  {}) {o}", i + 1));
    }
    loop {
        let answer = ask_default(question, &(default + 1).to_string())?;
        match answer.parse::<usize>() {
            Ok(n) if (1..=options.len()).contains(&n) => return Ok(n - 1),
            _ => say(format!(
                "Please answer with a number from 1 to {}.",
                options.len()
            )),
        }
    }
}

fn yes(question: &str, default_yes: bool) -> Result<bool, PromptError> {
    let hint = if default_yes { "Y/n" } else { "y/N" };
    loop {
        let answer = ask(&format!("{question} [{hint}]: "))?;
        match answer.trim().to_lowercase().as_str() {
            "" => return Ok(default_yes),
            "y" | "yes" => return Ok(true),
            "n" | "no" => return Ok(false),
            _ => say("Please answer y or n."),
        }
    }
}

pub async fn run(
    global: &Global,
    settings: Settings,
    config_path: Option<std::path::PathBuf>,
    demo: Option<Demo>,
) -> i32 {
    let ona_api = match crate::run::ona_api(global) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("ona-connect: {e}");
            return EXIT_USAGE;
        }
    };
    let mut plain = Plain {
        global,
        site: settings.domain.site().to_string(),
        settings,
        config_path,
        demo,
        ona_api,
        client: None,
        projects: Err(String::new()),
    };
    match plain.flow().await {
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
        let mut ask = [true; 4]; // name, description, token, project
        let mut after_unknown = false;
        loop {
            step(6, "Connection details");
            if ask[0] {
                answers.name = self.ask_name(&answers.name)?;
            }
            if ask[1] {
                answers.description = self.ask_description(&answers.description)?;
            }
            if ask[2] || answers.token.is_none() {
                self.ask_token(&mut answers).await?;
            }
            if ask[3] {
                self.ask_project(&mut answers)?;
            }
            step(7, "Review");
            let Some(request) = self.review(&mut answers)? else {
                ask = [true; 4];
                continue;
            };
            step(8, "Creating the connection");
            say("working…");
            let Some(client) = self.client.clone() else {
                self.sign_in().await?;
                continue;
            };
            match client.create_connection(&request, after_unknown).await {
                Ok(created) => {
                    self.done(&answers, created);
                    return Ok(());
                }
                Err(e) => {
                    after_unknown = matches!(e, CreateError::OutcomeUnknown { .. });
                    match self.explain(&e, &answers).await? {
                        Next::Ask(which) => ask = which,
                        Next::Finished => return Ok(()),
                    }
                }
            }
        }
    }

    async fn sign_in(&mut self) -> Result<(), PromptError> {
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
            let (credentials, via) = match &self.settings.env_credentials {
                Some(EnvCredentials::AccessToken { variable, token }) => (
                    Credentials::AccessToken(token.duplicate()),
                    format!("access token from {variable}"),
                ),
                Some(EnvCredentials::UniversalAuth {
                    client_id,
                    client_secret,
                }) => (
                    Credentials::UniversalAuth {
                        client_id: client_id.clone(),
                        client_secret: client_secret.duplicate(),
                    },
                    "Universal Auth from the environment".into(),
                ),
                None => match self.ask_credentials(&domain).await? {
                    Some(c) => c,
                    None => continue,
                },
            };
            say("working…");
            let mut options = ClientOptions::new(domain);
            options.ca_file = self.global.ca_file.clone();
            match sign_in(options, credentials, via).await {
                (Ok(signed_in), client) => {
                    say(format!(
                        "Signed in to {} ({}).",
                        signed_in.site, signed_in.via
                    ));
                    self.client = client;
                    self.projects = signed_in.projects;
                    return Ok(());
                }
                (Err(lines), _) => {
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

    async fn ask_credentials(
        &self,
        domain: &Domain,
    ) -> Result<Option<(Credentials, String)>, PromptError> {
        let cli = cli_login::find_on_path("infisical").is_some() && self.demo.is_none();
        let mut methods = vec![
            "Universal Auth (a machine identity's client id and secret)".to_string(),
            "An Infisical access token".to_string(),
        ];
        if cli {
            methods.insert(0, "The Infisical CLI's login on this machine".into());
        }
        say("Sign in with:");
        let choice = choose("Choice", &methods, 0)?;
        let kind = if cli { choice } else { choice + 1 };
        Ok(match kind {
            0 => match cli_login::user_token(domain.site()).await {
                Ok(token) => Some((
                    Credentials::AccessToken(token),
                    "Infisical CLI login".into(),
                )),
                Err(e) => {
                    say(e);
                    None
                }
            },
            1 => {
                let default_id = self.settings.client_id.clone().unwrap_or_default();
                let client_id = ask_default("Client ID", &default_id)?;
                let secret = match &self.settings.client_secret {
                    Some(s) if !s.is_empty() => s.duplicate(),
                    _ => Secret::new(ask_secret("Client secret (input hidden): ")?.trim()),
                };
                Some((
                    Credentials::UniversalAuth {
                        client_id: client_id.clone(),
                        client_secret: secret,
                    },
                    format!("Universal Auth, client id {client_id}"),
                ))
            }
            _ => {
                let token = ask_secret("Access token (input hidden): ")?;
                Some((
                    Credentials::AccessToken(Secret::new(token.trim())),
                    "access token".into(),
                ))
            }
        })
    }

    fn ask_name(&self, current: &str) -> Result<String, PromptError> {
        loop {
            let answer = ask_default("Name (lowercase letters, digits, single hyphens)", current)?;
            match validate::name(&answer) {
                Ok(n) => return Ok(n.to_string()),
                Err(e) => say(format!("  {e}")),
            }
        }
    }

    fn ask_description(&self, current: &str) -> Result<String, PromptError> {
        loop {
            let answer = ask(&format!(
                "Description (optional, at most {} characters; Enter keeps {}): ",
                validate::DESCRIPTION_MAX,
                if current.is_empty() {
                    "it empty".to_string()
                } else {
                    format!("\"{current}\"")
                }
            ))?;
            let answer = if answer.trim().is_empty() {
                current.to_string()
            } else {
                answer
            };
            match validate::description(&answer) {
                Ok(d) => return Ok(d.unwrap_or("").to_string()),
                Err(e) => say(format!("  {e}")),
            }
        }
    }

    async fn ask_token(&self, answers: &mut Answers) -> Result<(), PromptError> {
        loop {
            let keep = answers.token.is_some();
            let raw = ask_secret(if keep {
                "Personal Access Token (input hidden; Enter keeps the one you gave): "
            } else {
                "Personal Access Token (input hidden): "
            })?;
            let token = match (raw.trim().is_empty(), answers.token.take()) {
                (true, Some(previous)) => previous,
                _ => match validate::token(&raw) {
                    Ok(t) => Secret::new(t),
                    Err(e) => {
                        say(format!("  {e}"));
                        continue;
                    }
                },
            };
            say(format!("  {} characters received.", token.char_count()));
            answers.expiry = None;
            let Some(base) = self.ona_api.clone() else {
                answers.token = Some(token);
                return Ok(());
            };
            say("working… checking the token with Ona");
            let now = time::OffsetDateTime::now_utc();
            let result = match OnaClient::new(base, Duration::from_secs(10)) {
                Ok(c) => {
                    c.check(&token, crate::ona::SUGGESTED_DESCRIPTION, now)
                        .await
                }
                Err(e) => Err(e),
            };
            match result {
                Ok(check) => {
                    say(format!(
                        "  Valid: {} in Ona organization {}.",
                        check.identity.principal, check.identity.organization_id
                    ));
                    answers.expiry = match check.expiry {
                        Expiry::Known(p) => Some(TokenExpiry::from_record(&p, now)),
                        Expiry::Choose(candidates) => {
                            say("  Which of your Ona tokens is it? (for its expiry date)");
                            let mut options: Vec<String> = candidates
                                .iter()
                                .map(|p| {
                                    let e = TokenExpiry::from_record(p, now);
                                    format!("{} — {}", e.description, e.text())
                                })
                                .collect();
                            options.push("skip (the expiry stays unknown)".into());
                            let i = choose("Choice", &options, 0)?;
                            candidates.get(i).map(|p| TokenExpiry::from_record(p, now))
                        }
                        Expiry::Unknown(why) => {
                            say(format!("  Expiry unknown: {why}"));
                            None
                        }
                    };
                    if let Some(e) = &answers.expiry {
                        let warn = if e.is_soon() {
                            " — soon: plan the rotation"
                        } else {
                            ""
                        };
                        say(format!("  The token {}{warn}.", e.text()));
                    }
                    answers.token = Some(token);
                    return Ok(());
                }
                Err(OnaError::Rejected { code, message, .. }) => {
                    say(format!("  Ona rejected this token ({code}: {message})."));
                    if yes("  Use it anyway (Infisical will check it too)?", false)? {
                        answers.token = Some(token);
                        return Ok(());
                    }
                }
                Err(e) => {
                    say(format!(
                        "  Warning: {e}; Infisical checks the token when it is submitted."
                    ));
                    answers.token = Some(token);
                    return Ok(());
                }
            }
        }
    }

    fn ask_project(&self, answers: &mut Answers) -> Result<(), PromptError> {
        match &self.projects {
            Ok(projects) if !projects.is_empty() => {
                say("Project:");
                let options: Vec<String> = projects
                    .iter()
                    .map(|p| {
                        format!(
                            "{} ({}, {})",
                            sanitize::server_text(&p.name),
                            sanitize::for_terminal(&p.slug, 64),
                            sanitize::for_terminal(&p.id, 64)
                        )
                    })
                    .collect();
                let default = projects
                    .iter()
                    .position(|p| p.id == answers.project_id)
                    .unwrap_or(0);
                let i = choose("Choice", &options, default)?;
                answers.project = projects.get(i).cloned();
                answers.project_id = projects[i].id.clone();
            }
            other => {
                if let Some(why) = other.as_ref().err().filter(|w| !w.is_empty()) {
                    say(sanitize::server_text(why));
                }
                loop {
                    let id = ask_default("Project id", &answers.project_id)?;
                    if !id.is_empty() {
                        answers.project_id = id;
                        answers.project = None;
                        break;
                    }
                    say("  choose a project (type its id)");
                }
            }
        }
        Ok(())
    }

    /// Shows what will be sent; the request when the user confirms, `None` to edit.
    fn review(&self, answers: &mut Answers) -> Result<Option<CreateRequest>, PromptError> {
        let endpoint = Domain::parse(&self.site)
            .map(|d| d.api("/v1/app-connections/ona"))
            .unwrap_or_default();
        if let Some(date) = answers.expiry.as_ref().and_then(|e| e.date.clone()) {
            answers.record_expiry = yes(
                &format!("Add \"token expires {date}\" to the description?"),
                answers.record_expiry,
            )?;
        }
        let description = match answers
            .expiry
            .as_ref()
            .and_then(|e| e.date.as_ref())
            .filter(|_| answers.record_expiry)
        {
            Some(date) => with_expiry(&answers.description, date),
            None => answers.description.clone(),
        };
        let token_chars = answers.token.as_ref().map_or(0, Secret::char_count);
        say("Nothing has been sent yet. This is exactly what Infisical will receive:");
        say(format!("  Infisical:   {}", self.site));
        say(format!("  Endpoint:    POST {endpoint}"));
        say(format!(
            "  Project:     {}",
            answers
                .project
                .as_ref()
                .map_or(answers.project_id.clone(), |p| format!(
                    "{} ({})",
                    sanitize::server_text(&p.name),
                    p.id
                ))
        ));
        say(format!("  Name:        {}", answers.name));
        say(format!(
            "  Description: {}",
            if description.is_empty() {
                "(none)"
            } else {
                &description
            }
        ));
        say(format!(
            "  Method:      {}",
            crate::infisical::model::ONA_METHOD
        ));
        say(format!("  Token:       hidden ({token_chars} characters)"));
        if !yes("Create the connection?", true)? {
            return Ok(None);
        }
        let Some(token) = answers.token.as_ref() else {
            return Ok(None);
        };
        Ok(Some(CreateRequest {
            name: answers.name.clone(),
            description: (!description.is_empty()).then_some(description),
            project_id: answers.project_id.clone(),
            token: token.duplicate(),
        }))
    }

    /// Says what went wrong and what happens next: which answers to ask again, or done
    /// (the user chose to rotate the existing connection's token instead).
    async fn explain(
        &mut self,
        error: &CreateError,
        answers: &Answers,
    ) -> Result<Next, PromptError> {
        let lines: Vec<String> = match error {
            CreateError::Rejected(e) => e.display_lines(),
            other => vec![sanitize::server_text(&other.to_string())],
        };
        say("The connection was not created:");
        for l in &lines {
            say(format!("  {l}"));
        }
        let api = match error {
            CreateError::Rejected(Error::Api(api)) => Some(api),
            _ => None,
        };
        let duplicate = matches!(error, CreateError::NameTaken(_))
            || api.is_some_and(|a| a.is_duplicate_name());
        if duplicate {
            let options = [
                "choose another name".to_string(),
                "rotate the token of the existing connection instead".to_string(),
            ];
            if choose("Choice", &options, 0)? == 1 {
                self.rotate_existing(answers).await?;
                return Ok(Next::Finished);
            }
            return Ok(Next::Ask([true, false, false, false]));
        }
        Ok(Next::Ask(match api {
            Some(api) if api.is_token_error() => {
                self.client = None;
                self.sign_in().await?;
                [false; 4]
            }
            Some(api) if api.is_ona_rejection() => [false, false, true, false],
            Some(api) if api.is_project_not_found() || api.status == 403 => {
                [false, false, false, true]
            }
            Some(api) if api.status == 422 => [true; 4],
            _ => {
                if !yes("Try again?", true)? {
                    return Err(PromptError::Cancelled);
                }
                [false; 4]
            }
        }))
    }

    /// Replaces the token of the connection that has the chosen name.
    async fn rotate_existing(&mut self, answers: &Answers) -> Result<(), PromptError> {
        let Some(client) = self.client.clone() else {
            return Err(PromptError::Io("not signed in".into()));
        };
        let Some(token) = answers.token.as_ref() else {
            return Err(PromptError::Io("no token".into()));
        };
        say("working…");
        let existing = match client
            .find_connection_by_name(&answers.name, Some(&answers.project_id))
            .await
        {
            Ok(Some(c)) => c,
            Ok(None) => {
                return Err(PromptError::Io(format!(
                    "no connection named {} any more",
                    answers.name
                )));
            }
            Err(e) => return Err(PromptError::Io(e.to_string())),
        };
        let update = crate::infisical::UpdateRequest {
            token: Some(token.duplicate()),
            ..Default::default()
        };
        match client.update_connection(&existing.id, &update).await {
            Ok(updated) => {
                say(format!(
                    "Rotated the token of {} ({}).",
                    sanitize::for_terminal(&updated.name, 64),
                    sanitize::for_terminal(&updated.id, 64)
                ));
                say(format!(
                    "  credentialsHash {} -> {}",
                    existing.credentials_hash.as_deref().unwrap_or("?"),
                    updated.credentials_hash.as_deref().unwrap_or("?")
                ));
                say("Now delete the old token in Ona (user settings → Personal Access Tokens).");
                Ok(())
            }
            Err(e) => Err(PromptError::Io(e.to_string())),
        }
    }

    fn done(&self, answers: &Answers, created: crate::infisical::Created) {
        step(9, "Connection created");
        let created = Created {
            project_name: answers.project.as_ref().map(|p| p.name.clone()),
            site: self.site.clone(),
            connection: created.connection,
            recovered: created.recovered,
            config_warning: None,
        };
        if created.recovered {
            say("The answer to the create was lost; a lookup by name found the connection.");
        }
        for (k, v) in ui::summary_lines(&created) {
            say(format!("  {k:<14} {v}"));
        }
        say(format!(
            "  {:<14} {}",
            "Page",
            ui::connections_page(&created)
        ));
        say(format!(
            "Same from a script: {}",
            ui::equivalent_command(&created)
        ));
        if let Some(path) = &self.config_path {
            let c = &created.connection;
            let saved = config::load(path).and_then(|mut file| {
                file.domain = Some(self.site.clone());
                file.project_id = c.project_id.clone();
                file.last_name = Some(c.name.clone());
                file.remember(config::RememberedConnection {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    domain: self.site.clone(),
                    project_id: c.project_id.clone(),
                    token_expires: answers.expiry.as_ref().and_then(|e| e.date.clone()),
                });
                config::save(path, &file)
            });
            if let Err(e) = saved {
                say(format!("Note: choices not remembered: {e}"));
            }
        }
    }
}
