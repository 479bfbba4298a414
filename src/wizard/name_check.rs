//! Whether the name is free in the chosen project, looked up as the name settles: after a
//! pause in typing, a change of project, or arriving on the form. The pause is the driver's
//! timer; answers about an older name or project are ignored. A taken name is an error on
//! the form (Ctrl-O replaces that connection's token instead); a lookup that fails is only a
//! note, since the create looks the name up again anyway.

use super::msg::Effect;
use super::state::{Flow, Screen, State};
use crate::infisical::AppConnection;
use crate::validate;

#[derive(Debug, Clone, PartialEq)]
pub enum NameCheck {
    /// Not looked up: the name or project is settling, or there is nothing to ask.
    Idle,
    Checking,
    Free,
    /// The holder is the create's `existing` connection.
    Taken,
    /// The lookup failed (why); the create looks the name up again.
    Failed(String),
}

/// The name or the project changed: forget the old answer and look up again after a pause.
pub(super) fn changed(state: &mut State) -> Vec<Effect> {
    state.form.name_generation += 1;
    state.form.name_check = NameCheck::Idle;
    if state.rotating() {
        return vec![];
    }
    vec![Effect::ScheduleNameCheck {
        generation: state.form.name_generation,
    }]
}

/// The pause is over: ask Infisical, if the name and project are still those and worth asking.
pub(super) fn on_due(state: &mut State, generation: u64) -> Vec<Effect> {
    let form = &state.form;
    if generation != form.name_generation
        || form.name_check != NameCheck::Idle
        || state.screen != Screen::Form
        || state.rotating()
        || !state.sign_in.is_signed_in()
    {
        return vec![];
    }
    let Ok(name) = validate::name(form.name.value()) else {
        return vec![];
    };
    // Only a project from the list: a typed id may not exist, and "free" would mislead.
    let Some(project) = form.chosen_project().filter(|p| p.name.is_some()) else {
        return vec![];
    };
    let name = name.to_string();
    state.form.name_check = NameCheck::Checking;
    vec![Effect::CheckName {
        generation,
        name,
        project_id: project.id,
    }]
}

pub(super) fn on_checked(
    state: &mut State,
    generation: u64,
    result: Result<Option<AppConnection>, String>,
) {
    if generation != state.form.name_generation || state.form.name_check != NameCheck::Checking {
        return;
    }
    state.form.name_check = match result {
        Ok(Some(holder)) => {
            if let Flow::Create { existing, .. } = &mut state.flow {
                *existing = Some(holder);
            }
            NameCheck::Taken
        }
        Ok(None) => NameCheck::Free,
        Err(why) => NameCheck::Failed(why),
    };
}

/// The connection that holds the name as it stands now, when it is known to be taken (by
/// the lookup or by Infisical's refusal): Ctrl-O replaces its token instead.
pub(super) fn holder(state: &State) -> Option<&AppConnection> {
    let Flow::Create {
        existing: Some(c), ..
    } = &state.flow
    else {
        return None;
    };
    let taken =
        state.form.name_check == NameCheck::Taken || state.form.server_errors.name.is_some();
    (taken && c.name == state.form.name.value().trim()).then_some(c)
}
