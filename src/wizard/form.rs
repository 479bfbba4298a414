//! Step 6: the connection's name, description, token and project.

use tui_input::{Input, InputRequest};

use super::fields::{cycle, paste_one_line, paste_secret};
use super::msg::{Effect, Intent};
use super::name_check::{self, NameCheck};
use super::state::{Screen, State};
use super::token_check::{self, OnaCheck};
use crate::guide;
use crate::infisical::{CreateRequest, Project};
use crate::secret::{Secret, SecretInput};
use crate::session::ona_check::{ExpiryState, TokenExpiry, description_to_send};
pub use crate::session::placement::Field;
use crate::validate;

#[derive(Debug, Clone, PartialEq)]
pub enum Projects {
    /// Not signed in yet, or the list is on its way.
    Loading,
    Loaded(Vec<Project>),
    /// Listing is not allowed or failed: the project id is typed by hand.
    Unavailable(String),
}

/// Errors Infisical reported for a field; cleared when the field is edited.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FieldErrors {
    pub name: Option<String>,
    pub description: Option<String>,
    pub token: Option<String>,
    pub project: Option<String>,
}

impl FieldErrors {
    pub fn get(&self, field: Field) -> Option<&String> {
        match field {
            Field::Name => self.name.as_ref(),
            Field::Description => self.description.as_ref(),
            Field::Token => self.token.as_ref(),
            Field::Project => self.project.as_ref(),
        }
    }

    pub(super) fn slot(&mut self, field: Field) -> &mut Option<String> {
        match field {
            Field::Name => &mut self.name,
            Field::Description => &mut self.description,
            Field::Token => &mut self.token,
            Field::Project => &mut self.project,
        }
    }
}

#[derive(Debug)]
pub struct Form {
    pub name: Input,
    pub description: Input,
    pub token: SecretInput,
    /// Type-to-filter text of the project picker; when nothing matches, or projects cannot
    /// be listed, it is the project id itself.
    pub project_query: Input,
    /// Index into the filtered project list.
    pub project_cursor: usize,
    pub projects: Projects,
    pub focus: Field,
    pub reveal: bool,
    pub server_errors: FieldErrors,
    /// Set after an attempt to continue, so empty required fields show why.
    pub show_required: bool,
    /// Short feedback under the token field ("pasted 40 characters", a refused paste).
    pub token_notice: Option<String>,
    /// A refused paste or character in a plain field, shown under it until the next edit.
    pub field_notice: Option<(Field, String)>,
    /// Bumped on every change of the token, so a check of an older value is ignored.
    pub token_generation: u64,
    /// What Ona said about the token (the pre-check).
    pub ona: OnaCheck,
    /// Append the token's expiry date to the description.
    pub record_expiry: bool,
    /// Ona rejected the token and the user pressed Enter once: the next Enter goes on anyway.
    pub submit_rejected_armed: bool,
    /// Cursor in the list of candidate tokens when the expiry is ambiguous.
    pub pat_cursor: usize,
    /// Whether the name is free in the chosen project.
    pub name_check: NameCheck,
    /// Bumped on every change of the name or the project, so an older lookup is ignored.
    pub name_generation: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChosenProject {
    pub id: String,
    pub name: Option<String>,
    pub org_id: Option<String>,
}

impl Form {
    pub(super) fn new(name: &str, project_id: &str, ona: OnaCheck) -> Form {
        Form {
            name: Input::new(name.to_string()),
            description: Input::default(),
            token: SecretInput::default(),
            project_query: Input::new(project_id.to_string()),
            project_cursor: 0,
            projects: Projects::Loading,
            focus: Field::Name,
            reveal: false,
            server_errors: FieldErrors::default(),
            show_required: false,
            token_notice: None,
            field_notice: None,
            token_generation: 0,
            ona,
            record_expiry: true,
            submit_rejected_armed: false,
            pat_cursor: 0,
            name_check: NameCheck::Idle,
            name_generation: 0,
        }
    }

    pub fn filtered_projects(&self) -> Vec<&Project> {
        let Projects::Loaded(all) = &self.projects else {
            return vec![];
        };
        let q = self.project_query.value().trim().to_lowercase();
        all.iter()
            .filter(|p| {
                q.is_empty()
                    || p.name.to_lowercase().contains(&q)
                    || p.slug.to_lowercase().contains(&q)
                    || p.id.to_lowercase().starts_with(&q)
            })
            .collect()
    }

    /// The project the connection will be created in: the highlighted match, or the typed id.
    pub fn chosen_project(&self) -> Option<ChosenProject> {
        let filtered = self.filtered_projects();
        if let Some(p) = filtered.get(self.project_cursor.min(filtered.len().saturating_sub(1))) {
            return Some(ChosenProject {
                id: p.id.clone(),
                name: Some(p.name.clone()),
                org_id: Some(p.org_id.clone()),
            });
        }
        let typed = self.project_query.value().trim();
        (!typed.is_empty() && !matches!(self.projects, Projects::Loading)).then(|| ChosenProject {
            id: typed.to_string(),
            name: None,
            org_id: None,
        })
    }

    /// The validation message for a field as it stands now, if any.
    pub fn field_error(&self, field: Field) -> Option<String> {
        if let Some(e) = self.server_errors.get(field) {
            return Some(e.clone());
        }
        match field {
            Field::Name => validate::name_problem(self.name.value())
                .map(|problem| match self.name_suggestion() {
                    // Short enough for one row at the smallest size.
                    Some(slug) => format!("{problem} → \"{slug}\" (Tab)"),
                    None => problem,
                })
                .or_else(|| {
                    (self.name_check == NameCheck::Taken).then(|| {
                        format!(
                            "\"{}\" is taken in this project — Ctrl-O replaces its token instead",
                            self.name.value().trim()
                        )
                    })
                }),
            Field::Description => validate::description(self.description.value())
                .err()
                .map(str::to_string),
            Field::Token => match validate::token(self.token.expose()) {
                Err(validate::TOKEN_REQUIRED) if !self.show_required => None,
                other => other.err().map(str::to_string),
            },
            Field::Project => match self.chosen_project() {
                None if matches!(self.projects, Projects::Loading) => None,
                None if self.show_required => Some("choose a project (or type its id)".into()),
                _ => None,
            },
        }
    }

    /// The valid name Tab puts in place of an invalid one.
    pub fn name_suggestion(&self) -> Option<String> {
        validate::name_suggestion(self.name.value())
    }

    /// The token's expiry as known from Ona.
    pub fn token_expiry(&self) -> Option<&TokenExpiry> {
        match &self.ona {
            OnaCheck::Valid {
                expiry: ExpiryState::Known(e),
                ..
            } => Some(e),
            _ => None,
        }
    }

    /// The date to write into the description, when known and wanted.
    pub fn expiry_to_record(&self) -> Option<String> {
        self.token_expiry()
            .filter(|_| self.record_expiry)
            .and_then(|e| e.date.clone())
    }

    /// The description as it will be sent: the user's, plus the token's expiry when wanted.
    pub fn description_to_send(&self) -> Result<Option<String>, &'static str> {
        description_to_send(self.description.value(), self.expiry_to_record().as_deref())
    }

    /// The request Review shows and Enter sends, when every value is valid.
    pub(super) fn create_request(&self) -> Option<CreateRequest> {
        let name = validate::name(self.name.value()).ok()?;
        let description = self.description_to_send().ok()?;
        let token = validate::token(self.token.expose()).ok()?;
        let project = self.chosen_project()?;
        Some(CreateRequest {
            name: name.to_string(),
            description,
            project_id: project.id,
            token: Secret::new(token),
        })
    }

    /// The project list after a sign-in; a project named beforehand is preselected.
    pub(super) fn projects_arrived(
        &mut self,
        projects: Result<Vec<Project>, String>,
        same_site: bool,
    ) {
        match projects {
            Ok(projects) => {
                let wanted = self.project_query.value().trim().to_string();
                if let Some(i) = projects.iter().position(|p| p.id == wanted) {
                    self.project_query = Input::default();
                    self.project_cursor = i;
                } else if !same_site {
                    self.project_cursor = 0;
                }
                self.projects = if projects.is_empty() {
                    Projects::Unavailable("no secret-manager projects are visible to this identity; type a project id".into())
                } else {
                    Projects::Loaded(projects)
                };
            }
            Err(why) => self.projects = Projects::Unavailable(why),
        }
    }

    /// Where the form opens: the token when everything else is filled in.
    pub(super) fn arrive(&mut self) {
        if self.token.is_empty() && validate::name(self.name.value()).is_ok() {
            self.focus = Field::Token;
        }
    }

    /// The refusal shown under a plain field, if any.
    pub fn notice(&self, field: Field) -> Option<&str> {
        self.field_notice
            .as_ref()
            .filter(|(f, _)| *f == field)
            .map(|(_, n)| n.as_str())
    }

    fn edit(&mut self, request: InputRequest) -> bool {
        if self.focus != Field::Token {
            self.field_notice = None;
            // What is typed must show: an invisible character is refused like in a paste.
            if let InputRequest::InsertChar(c) = request
                && crate::sanitize::is_invisible(c)
            {
                let why = format!(
                    "refused U+{:04X}: {}",
                    u32::from(c),
                    validate::TEXT_NOT_VISIBLE
                );
                self.field_notice = Some((self.focus, why));
                return false;
            }
        }
        let changed = match self.focus {
            Field::Name => self.name.handle(request).is_some_and(|c| c.value),
            Field::Description => {
                // Refuse typing past the limit rather than letting the counter go red; the
                // limit counts UTF-16 units, as Infisical does.
                let full = |c: char| {
                    self.description.value().encode_utf16().count() + c.len_utf16()
                        > validate::DESCRIPTION_MAX
                };
                if matches!(request, InputRequest::InsertChar(c) if full(c)) {
                    false
                } else {
                    self.description.handle(request).is_some_and(|c| c.value)
                }
            }
            Field::Token => {
                let changed = self.token.handle(request);
                if changed {
                    self.token_notice = None;
                }
                changed
            }
            Field::Project => {
                let changed = self.project_query.handle(request).is_some_and(|c| c.value);
                if changed {
                    self.project_cursor = 0;
                }
                changed
            }
        };
        if changed {
            *self.server_errors.slot(self.focus) = None;
        }
        changed
    }
}

pub(super) fn intent(state: &mut State, intent: Intent) -> Vec<Effect> {
    let was = state.form.focus;
    let mut effects = form_intent(state, intent);
    // Leaving the token field is the moment to ask Ona, if typing has not already.
    if was == Field::Token && state.form.focus != Field::Token && state.form.ona == OnaCheck::Idle {
        effects.extend(token_check::start(state));
    }
    effects
}

fn form_intent(state: &mut State, intent: Intent) -> Vec<Effect> {
    let form = &mut state.form;
    match intent {
        Intent::RotateInstead => super::rotation::rotate_instead(state),
        Intent::Next => continue_to_review(state),
        Intent::Back => {
            state.screen = Screen::Guide(guide::steps().len() - 1);
            vec![]
        }
        Intent::Up | Intent::Down if form.focus == Field::Project => {
            let n = form.filtered_projects().len();
            if n > 0 {
                form.project_cursor = if intent == Intent::Down {
                    (form.project_cursor + 1).min(n - 1)
                } else {
                    form.project_cursor.saturating_sub(1)
                };
                form.server_errors.project = None;
                return name_check::changed(state);
            }
            vec![]
        }
        // Tab on a name that breaks the rules takes the name it would become.
        Intent::FocusNext if form.focus == Field::Name && form.name_suggestion().is_some() => {
            if let Some(slug) = form.name_suggestion() {
                form.name = Input::new(slug);
                form.server_errors.name = None;
            }
            name_check::changed(state)
        }
        Intent::FocusPrev | Intent::Up => {
            form.focus = cycle(&Field::ALL, form.focus, false);
            vec![]
        }
        Intent::FocusNext | Intent::Down => {
            form.focus = cycle(&Field::ALL, form.focus, true);
            vec![]
        }
        Intent::Left => {
            form.edit(InputRequest::GoToPrevChar);
            vec![]
        }
        Intent::Right => {
            form.edit(InputRequest::GoToNextChar);
            vec![]
        }
        Intent::Edit(request) => match form.edit(request).then_some(form.focus) {
            Some(Field::Token) => token_check::token_changed(form, false),
            Some(Field::Name | Field::Project) => name_check::changed(state),
            _ => vec![],
        },
        Intent::ToggleReveal => {
            form.reveal = !form.reveal;
            vec![]
        }
        _ => vec![],
    }
}

pub(super) fn paste(state: &mut State, text: &str) -> Vec<Effect> {
    let form = &mut state.form;
    match form.focus {
        Field::Token => {
            if paste_secret(&mut form.token, &mut form.token_notice, text) {
                form.server_errors.token = None;
                token_check::token_changed(form, true);
                return token_check::start(state);
            }
        }
        field => {
            let mut notice = None;
            let input = match field {
                Field::Name => &mut form.name,
                Field::Description => &mut form.description,
                _ => &mut form.project_query,
            };
            let pasted = paste_one_line(input, &mut notice, text);
            form.field_notice = notice.map(|n| (field, n));
            if !pasted {
                return vec![];
            }
            if field == Field::Project {
                form.project_cursor = 0;
            }
        }
    }
    *form.server_errors.slot(form.focus) = None;
    match form.focus {
        Field::Name | Field::Project => name_check::changed(state),
        _ => vec![],
    }
}

/// Enter on the form: to Review when every value is valid, else to the first field to fix.
pub(super) fn continue_to_review(state: &mut State) -> Vec<Effect> {
    let form = &mut state.form;
    form.show_required = true;
    if let Some(field) = Field::ALL
        .into_iter()
        .find(|f| form.field_error(*f).is_some())
    {
        form.focus = field;
        return vec![];
    }
    if form.chosen_project().is_none() {
        form.focus = Field::Project;
        return vec![];
    }
    if token_check::stop_for_rejection(form) {
        return vec![];
    }
    let effects = token_check::start(state);
    state.screen = Screen::Review;
    effects
}
