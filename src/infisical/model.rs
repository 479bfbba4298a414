//! Typed bodies of the Infisical API (docs/infisical-api.md §3, §4, §6). Unknown keys are ignored and
//! optional ones tolerated, so newer and older servers both parse.

use serde::{Deserialize, Serialize};

use crate::secret::Secret;

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppConnection {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub app: String,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub credentials_hash: Option<String>,
    #[serde(default)]
    pub version: Option<i64>,
    #[serde(default)]
    pub org_id: String,
    #[serde(default)]
    pub project_id: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    /// Only on list responses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<ProjectRef>,
    /// Every other key, kept so `--json` prints the connection as Infisical returned it.
    #[serde(flatten, default)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectRef {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(flatten, default)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub org_id: String,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LoginResponse {
    pub access_token: String,
}

/// Each project is decoded on its own: one that is not in the expected shape is left out,
/// and the others stay.
#[derive(Debug, Deserialize)]
pub(crate) struct ProjectsEnvelope {
    projects: Vec<serde_json::Value>,
}

impl ProjectsEnvelope {
    pub(crate) fn projects(self) -> Vec<Project> {
        self.projects
            .into_iter()
            .filter_map(|p| serde_json::from_value(p).ok())
            .collect()
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ConnectionEnvelope {
    pub app_connection: AppConnection,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ConnectionsEnvelope {
    pub app_connections: Vec<AppConnection>,
}

/// The signed-in user (`GET /api/v1/user`, docs/infisical-api.md §12).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct User {
    pub id: String,
    #[serde(default)]
    pub email: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct UserEnvelope {
    pub user: User,
}

/// An organization the user belongs to (`GET /api/v1/organization`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Organization {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct OrganizationsEnvelope {
    pub organizations: Vec<Organization>,
}

pub const ONA_METHOD: &str = "personal-access-token";

/// What the wizard sends to create a connection. Holds the Ona token, so it is neither
/// `Clone` nor `Serialize`: the body is built by hand inside the one request that needs it.
#[derive(Debug)]
pub struct CreateRequest {
    pub name: String,
    pub description: Option<String>,
    pub project_id: String,
    pub token: Secret,
}

impl CreateRequest {
    /// The JSON body, with the token or with `<redacted>` in its place (for dry runs).
    pub fn body(&self, reveal_token: bool) -> serde_json::Value {
        let token = if reveal_token {
            self.token.expose()
        } else {
            "<redacted>"
        };
        let mut body = serde_json::json!({
            "name": self.name,
            "method": ONA_METHOD,
            "projectId": self.project_id,
            "credentials": { "personalAccessToken": token },
        });
        if let Some(d) = &self.description {
            body["description"] = serde_json::Value::String(d.clone());
        }
        body
    }

    pub fn duplicate(&self) -> CreateRequest {
        CreateRequest {
            name: self.name.clone(),
            description: self.description.clone(),
            project_id: self.project_id.clone(),
            token: self.token.duplicate(),
        }
    }
}

/// A PATCH: every part optional (docs/infisical-api.md §4.7).
#[derive(Debug, Default)]
pub struct UpdateRequest {
    pub name: Option<String>,
    /// `Some(None)` clears the description.
    pub description: Option<Option<String>>,
    pub token: Option<Secret>,
}

impl UpdateRequest {
    pub fn body(&self, reveal_token: bool) -> serde_json::Value {
        let mut body = serde_json::json!({});
        if let Some(n) = &self.name {
            body["name"] = n.clone().into();
        }
        if let Some(d) = &self.description {
            body["description"] = d.clone().map_or(serde_json::Value::Null, Into::into);
        }
        if let Some(t) = &self.token {
            let token = if reveal_token {
                t.expose()
            } else {
                "<redacted>"
            };
            body["credentials"] = serde_json::json!({ "personalAccessToken": token });
        }
        body
    }
}
