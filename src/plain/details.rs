//! Step 6 in the plain mode: name, description, token (checked with Ona) and project.

use super::io::{ask, ask_default, ask_secret, choose, say, yes};
use super::{Answers, Plain};
use crate::prompt::PromptError;
use crate::sanitize;
use crate::secret::Secret;
use crate::session::ona_check::{self, ExpiryState, OnaCheck};
use crate::validate;

impl Plain<'_> {
    pub(super) fn ask_name(&self, current: &str) -> Result<String, PromptError> {
        let mut offered = current.to_string();
        loop {
            let answer = ask_default("Name (lowercase letters, digits, single hyphens)", &offered)?;
            match validate::name(&answer) {
                Ok(n) => return Ok(n.to_string()),
                Err(_) => {
                    let problem = validate::name_problem(&answer).unwrap_or_default();
                    // The name it would become is the next default: Enter takes it.
                    match validate::name_suggestion(&answer) {
                        Some(slug) => {
                            say(format!("  The name: {problem}; Enter takes \"{slug}\""));
                            offered = slug;
                        }
                        None => say(format!("  The name: {problem}")),
                    }
                }
            }
        }
    }

    pub(super) fn ask_description(&self, current: &str) -> Result<String, PromptError> {
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

    pub(super) async fn ask_token(&self, answers: &mut Answers) -> Result<(), PromptError> {
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
            match ona_check::verdict(ona_check::check(base, &token, now).await, now) {
                OnaCheck::Valid { identity, expiry } => {
                    say(format!("  Valid: the token of {}.", identity.who()));
                    answers.expiry = match expiry {
                        ExpiryState::Known(e) => Some(e),
                        ExpiryState::Choosing(candidates) => {
                            say("  Which of your Ona tokens is it? (for its expiry date)");
                            let mut options: Vec<String> = candidates
                                .iter()
                                .map(|e| format!("{} — {}", e.description, e.text()))
                                .collect();
                            options.push("skip (the expiry stays unknown)".into());
                            let i = choose("Choice", &options, 0)?;
                            candidates.get(i).cloned()
                        }
                        ExpiryState::Unknown(why) => {
                            say(format!("  Expiry unknown: {why}"));
                            None
                        }
                        ExpiryState::Skipped => None,
                    };
                    if let Some(e) = &answers.expiry {
                        let warn = if e.is_soon() {
                            " — soon: plan the rotation"
                        } else {
                            ""
                        };
                        say(format!("  The token {}{warn}.", e.text()));
                        if e.read_only {
                            say(format!("  Warning: {}.", ona_check::READ_ONLY_WARNING));
                        }
                    }
                    answers.token = Some(token);
                    return Ok(());
                }
                OnaCheck::Rejected { code, message } => {
                    say(format!("  Ona rejected this token ({code}: {message})."));
                    if yes("  Use it anyway (Infisical will check it too)?", false)? {
                        answers.token = Some(token);
                        return Ok(());
                    }
                }
                // The check could not be made: a warning, never a rejection. (`verdict`
                // answers Valid, Rejected or Unreachable only.)
                unchecked => {
                    let e = match unchecked {
                        OnaCheck::Unreachable(e) => e,
                        _ => String::from("no answer"),
                    };
                    say(format!(
                        "  Warning: {e}; Infisical checks the token when it is submitted."
                    ));
                    answers.token = Some(token);
                    return Ok(());
                }
            }
        }
    }

    pub(super) fn ask_project(&self, answers: &mut Answers) -> Result<(), PromptError> {
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
}
