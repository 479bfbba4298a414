//! Steps 7–9 in the plain mode: what will be sent, what became of it, and what to do next.

use super::io::{choose, say, step, yes};
use super::{Answers, Next, Plain};
use crate::infisical::{CreateError, CreateRequest, Domain, UpdateRequest};
use crate::prompt::PromptError;
use crate::sanitize;
use crate::secret::Secret;
use crate::session::ona_check::description_to_send;
use crate::session::placement::{self, Field, Place};
use crate::session::remember::{self, Record};
use crate::session::summary::{self, Created, SentBefore, review_header};

impl Plain<'_> {
    /// Shows what will be sent; the request when the user confirms, `None` to edit.
    /// `sent`: what is known of earlier attempts, so nothing is called unsent after one.
    pub(super) fn review(
        &self,
        answers: &mut Answers,
        sent: SentBefore,
    ) -> Result<Option<CreateRequest>, PromptError> {
        let endpoint = Domain::parse(&self.site)
            .map(|d| d.api("/v1/app-connections/ona"))
            .unwrap_or_default();
        let date = answers.expiry.as_ref().and_then(|e| e.date.clone());
        if let Some(date) = &date {
            answers.record_expiry = yes(
                &format!("Add \"token expires {date}\" to the description?"),
                answers.record_expiry,
            )?;
        }
        let recorded = date.as_deref().filter(|_| answers.record_expiry);
        let description = description_to_send(&answers.description, recorded)
            .ok()
            .flatten()
            .unwrap_or_default();
        let token_chars = answers.token.as_ref().map_or(0, Secret::char_count);
        say(review_header(sent));
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
    pub(super) async fn explain(
        &mut self,
        error: &CreateError,
        answers: &Answers,
    ) -> Result<Next, PromptError> {
        say("The connection was not created:");
        for l in placement::lines(error) {
            say(format!("  {l}"));
        }
        let placed = placement::create_error(error);
        if placed.name_taken() {
            let options = [
                "choose another name".to_string(),
                "rotate the token of the existing connection instead".to_string(),
            ];
            if choose("Choice", &options, 0)? == 1 {
                self.rotate_existing(answers).await?;
                return Ok(Next::Finished);
            }
            return Ok(Next::Ask(vec![Field::Name]));
        }
        Ok(Next::Ask(match placed.place {
            Place::Fields(messages) => {
                let mut fields: Vec<Field> = messages.iter().map(|(f, _)| *f).collect();
                fields.dedup();
                fields
            }
            Place::SignIn(_) => {
                self.client = None;
                self.sign_in().await?;
                vec![]
            }
            Place::Review(..) | Place::PickConnection(_) => {
                if !yes("Try again?", true)? {
                    return Err(PromptError::Cancelled);
                }
                vec![]
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
        let update = UpdateRequest {
            token: Some(token.duplicate()),
            ..Default::default()
        };
        let updated = client
            .update_connection(&existing.id, &update)
            .await
            .map_err(|e| PromptError::Io(e.to_string()))?;
        for line in summary::rotation_report(&existing, &updated) {
            say(line);
        }
        self.remember(Record {
            site: self.site.clone(),
            project_id: updated.project_id.clone(),
            client_id: self.client_id_used.clone(),
            name: updated.name.clone(),
            connection_id: updated.id.clone(),
            token_expires: answers.expiry.as_ref().and_then(|e| e.date.clone()),
        });
        Ok(())
    }

    pub(super) fn done(&self, answers: &Answers, created: crate::infisical::Created) {
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
        for line in summary::created_report(&created) {
            say(line);
        }
        let c = &created.connection;
        self.remember(self.record(answers, &c.name, c.project_id.clone(), c.id.clone()));
    }

    /// What the config keeps for a connection created from these answers.
    pub(super) fn record(
        &self,
        answers: &Answers,
        name: &str,
        project_id: Option<String>,
        connection_id: String,
    ) -> Record {
        Record {
            site: self.site.clone(),
            project_id,
            client_id: self.client_id_used.clone(),
            name: name.to_string(),
            connection_id,
            token_expires: answers.expiry.as_ref().and_then(|e| e.date.clone()),
        }
    }

    fn remember(&self, record: Record) {
        if let Some(path) = &self.config_path
            && let Err(e) = remember::remember(path, &record)
        {
            say(format!("Note: choices not remembered: {e}"));
        }
    }
}
