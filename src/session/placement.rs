//! Where an Infisical error belongs: beside a field, on the sign-in screen, on the list of
//! connections, or on Review. The wizard and the plain mode both follow this.

use crate::infisical::{ApiError, ApiMessage, AppConnection, CreateError, Error};
use crate::sanitize::server_text;

/// The values a connection is made of, in the order they are asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Description,
    Token,
    Project,
}

impl Field {
    pub const ALL: [Field; 4] = [
        Field::Name,
        Field::Description,
        Field::Token,
        Field::Project,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Field::Name => "Name",
            Field::Description => "Description",
            Field::Token => "Personal Access Token",
            Field::Project => "Project",
        }
    }

    /// The field a 422 issue's path names (Infisical's request body keys).
    pub fn for_path(path: &str) -> Option<Field> {
        match path {
            "name" => Some(Field::Name),
            "description" => Some(Field::Description),
            "credentials" => Some(Field::Token),
            "projectId" => Some(Field::Project),
            _ => None,
        }
    }
}

/// What sending again means after a failure shown on Review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Infisical refused or failed; sending again is the same request.
    Again,
    /// The answer was lost and a lookup found no such connection: safe to send again.
    NotCreated,
    /// Neither the create nor the lookup answered: look the name up first next time.
    CheckByNameFirst,
}

/// Where the user fixes what went wrong.
#[derive(Debug, Clone, PartialEq)]
pub enum Place {
    /// Beside these fields (the first one gets the focus).
    Fields(Vec<(Field, String)>),
    /// The session is not accepted: sign in again, then back to Review.
    SignIn(Vec<String>),
    /// Rotation: the connection is gone; choose another.
    PickConnection(String),
    /// Nothing to edit: the lines, and what sending again does.
    Review(Vec<String>, Retry),
}

/// A failed create, placed.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    pub place: Place,
    /// The name is taken: the connection that holds it, when already known.
    pub existing: Option<AppConnection>,
    /// The name is taken but its holder is not known yet: look it up by name, so its token
    /// can be replaced instead.
    pub look_up_existing: bool,
}

impl Placement {
    fn at(place: Place) -> Placement {
        Placement {
            place,
            existing: None,
            look_up_existing: false,
        }
    }

    /// The field that gets the focus, if the error is about one: the first on the form, in
    /// whatever order the server listed its issues.
    pub fn first_field(&self) -> Option<Field> {
        match &self.place {
            Place::Fields(f) => Field::ALL
                .into_iter()
                .find(|field| f.iter().any(|(g, _)| g == field)),
            _ => None,
        }
    }

    /// Whether the name is taken (the user may replace that connection's token instead).
    pub fn name_taken(&self) -> bool {
        self.existing.is_some() || self.look_up_existing
    }
}

const SESSION_REFUSED: &str = "Infisical did not accept the session; sign in again";

/// Where a failed create belongs.
pub fn create_error(error: &CreateError) -> Placement {
    match error {
        CreateError::NameTaken(existing) => Placement {
            existing: Some(existing.clone()),
            ..Placement::at(Place::Fields(vec![(
                Field::Name,
                format!("{error} in this project"),
            )]))
        },
        CreateError::Rejected(Error::Api(api)) if api.is_token_error() => {
            let mut lines = vec![format!("{SESSION_REFUSED} (your form values are kept).")];
            lines.extend(Error::Api(api.clone()).display_lines());
            Placement::at(Place::SignIn(lines))
        }
        CreateError::Rejected(Error::Api(api)) if matches!(api.status, 400 | 403 | 422) => {
            let field = if api.is_duplicate_name() {
                Some(Field::Name)
            } else if api.is_ona_rejection() {
                Some(Field::Token)
            } else if api.is_project_not_found() || api.status == 403 {
                Some(Field::Project)
            } else {
                api.issue_paths().iter().find_map(|p| Field::for_path(p))
            };
            match field {
                Some(field) => Placement {
                    look_up_existing: api.is_duplicate_name(),
                    ..Placement::at(Place::Fields(messages_by_field(api, field)))
                },
                None => Placement::at(Place::Review(lines(error), Retry::Again)),
            }
        }
        CreateError::NotCreated { .. } => {
            Placement::at(Place::Review(lines(error), Retry::NotCreated))
        }
        CreateError::OutcomeUnknown { .. } => {
            Placement::at(Place::Review(lines(error), Retry::CheckByNameFirst))
        }
        CreateError::Rejected(_) | CreateError::LookupFailed(_) => {
            Placement::at(Place::Review(lines(error), Retry::Again))
        }
    }
}

/// Where a failed rotation (PATCH of the token) belongs.
pub fn rotation_error(error: &Error) -> Place {
    match error {
        Error::Api(api) if api.is_token_error() => {
            let mut lines = vec![format!("{SESSION_REFUSED} (the new token is kept).")];
            lines.extend(error.display_lines());
            Place::SignIn(lines)
        }
        Error::Api(api) if api.is_ona_rejection() => {
            Place::Fields(messages_by_field(api, Field::Token))
        }
        Error::Api(api) if api.status == 404 => Place::PickConnection(format!(
            "that connection no longer exists: {}",
            api.message_lines().join(" ")
        )),
        // Sending the same token again is harmless, so a failure is simply retried.
        other => Place::Review(other.display_lines(), Retry::Again),
    }
}

/// What a failed create shows, with what the lookup by name afterwards found.
pub fn lines(error: &CreateError) -> Vec<String> {
    match error {
        CreateError::Rejected(e) => e.display_lines(),
        CreateError::NotCreated { cause } => {
            let mut lines = cause.display_lines();
            lines.push("Checked by name afterwards: no connection with this name exists.".into());
            lines
        }
        CreateError::OutcomeUnknown { cause, lookup } => {
            let mut lines = cause.display_lines();
            lines.push("Checking by name afterwards failed too:".into());
            lines.extend(lookup.display_lines());
            lines
        }
        CreateError::LookupFailed(e) => {
            let mut lines =
                vec!["Checking the name before sending failed, so the token was not sent:".into()];
            lines.extend(e.display_lines());
            lines
        }
        CreateError::NameTaken(_) => vec![server_text(&error.to_string())],
    }
}

/// Each 422 issue beside the field its path names (else `fallback`); any other error beside
/// `fallback`, with its status and reqId.
fn messages_by_field(api: &ApiError, fallback: Field) -> Vec<(Field, String)> {
    let mut placed: Vec<(Field, String)> = match &api.message {
        ApiMessage::Issues(issues) => issues
            .iter()
            .map(|i| {
                let field = i
                    .path
                    .first()
                    .and_then(|p| Field::for_path(p))
                    .unwrap_or(fallback);
                (field, server_text(&i.message))
            })
            .collect(),
        ApiMessage::Text(_) => {
            let req = api
                .req_id()
                .map(|r| format!(", reqId {r}"))
                .unwrap_or_default();
            vec![(
                fallback,
                format!(
                    "{} (HTTP {}{req})",
                    api.message_lines().join(" "),
                    api.status
                ),
            )]
        }
    };
    // The focused field first.
    placed.sort_by_key(|(f, _)| *f != fallback);
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, error: &str, message: serde_json::Value) -> Error {
        let body = serde_json::json!({"reqId": "req-1", "statusCode": status, "error": error, "message": message});
        Error::Api(ApiError::from_body(
            status,
            body.to_string().as_bytes(),
            None,
        ))
    }

    /// One function decides for the wizard and the plain mode; these are its answers.
    #[test]
    fn each_error_goes_where_it_can_be_fixed() {
        let taken = create_error(&CreateError::Rejected(api(
            400,
            "BadRequest",
            r#"An App Connection with the name "ona" already exists"#.into(),
        )));
        assert_eq!(taken.first_field(), Some(Field::Name));
        assert!(taken.look_up_existing && taken.name_taken());

        let session = create_error(&CreateError::Rejected(api(
            403,
            "TokenError",
            "Your token has expired. Please re-authenticate.".into(),
        )));
        assert!(matches!(session.place, Place::SignIn(_)));

        // Every issue beside its own field; a path no field has goes to the first one named.
        let issues = serde_json::json!([
            {"code": "custom", "path": ["method"], "message": "Invalid input"},
            {"code": "too_big", "path": ["description"], "message": "too long"},
            {"code": "invalid_type", "path": ["projectId"], "message": "Invalid input"},
        ]);
        let placed = create_error(&CreateError::Rejected(api(
            422,
            "ValidationFailure",
            issues,
        )));
        let Place::Fields(fields) = &placed.place else {
            panic!("{placed:?}")
        };
        assert_eq!(placed.first_field(), Some(Field::Description));
        assert!(fields.contains(&(Field::Project, "Invalid input".into())));
        assert!(
            fields.contains(&(Field::Description, "Invalid input".into())),
            "{fields:?}"
        );

        let lost = create_error(&CreateError::NotCreated {
            cause: Error::Timeout {
                host: "h".into(),
                seconds: 30,
                sent: true,
                attempts: 1,
            },
        });
        assert!(matches!(lost.place, Place::Review(_, Retry::NotCreated)));
        let gone = rotation_error(&api(
            404,
            "NotFound",
            "Could not find App Connection".into(),
        ));
        assert!(matches!(gone, Place::PickConnection(_)));
    }
}
