//! The project list and one project, as Infisical's project routes answer them.

use serde_json::{Value, json};
use time::Duration;

use super::demo;
use super::reply::{self, ApiError, Resp};
use super::routes::{Request, decode};
use super::schema;
use super::state::{State, iso};

const PROJECT_TYPES: &[&str] = &[
    "secret-manager",
    "cert-manager",
    "kms",
    "ssh",
    "secret-scanning",
    "pam",
    "ai",
];

fn project_json(state: &State, id: &str, include_roles: bool) -> Option<Value> {
    let p = state.project(id)?;
    let environments: Vec<Value> = demo::ENVIRONMENTS
        .iter()
        .filter(|(project, ..)| *project == id)
        .map(|(_, name, slug, env_id)| json!({"name": name, "slug": slug, "id": env_id}))
        .collect();
    let created = iso(state.started_at - Duration::days(30));
    let mut project = json!({
        "id": p.id, "_id": p.id, "name": p.name, "slug": p.slug, "description": null,
        "type": "secret-manager", "defaultProduct": null, "autoCapitalization": false,
        "orgId": demo::ORG_ID, "createdAt": created, "updatedAt": created, "version": 3,
        "upgradeStatus": null, "pitVersionLimit": 10, "kmsCertificateKeyId": null,
        "auditLogsRetentionDays": null, "hasDeleteProtection": false, "secretSharing": true,
        "showSnapshotsLegacy": false, "secretDetectionIgnoreValues": [], "environments": environments,
    });
    if include_roles {
        project["roles"] = json!([{"name": "Admin", "slug": "admin"}]);
    }
    Some(project)
}

pub(crate) fn list(state: &State, req: &Request<'_>) -> Result<Resp, ApiError> {
    let mut issues = Vec::new();
    let include_roles = match req.query("includeRoles") {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            issues.push(schema::invalid_value(&["includeRoles"], &["true", "false"]));
            false
        }
    };
    let kind = req.query("type");
    if kind.is_some_and(|k| !PROJECT_TYPES.contains(&k)) {
        issues.push(schema::invalid_value(&["type"], PROJECT_TYPES));
    }
    if !issues.is_empty() {
        return Err(reply::validation(issues));
    }
    let projects: Vec<Value> = if kind.is_none_or(|k| k == "secret-manager") {
        state
            .projects
            .iter()
            .filter_map(|p| project_json(state, &p.id, include_roles))
            .collect()
    } else {
        Vec::new()
    };
    Ok(reply::ok(&json!({ "projects": projects })))
}

pub(crate) fn project_not_found(id: &str) -> ApiError {
    reply::not_found(format!("Project with ID '{id}' not found"))
}

pub(crate) fn get(state: &State, raw_id: &str) -> Result<Resp, ApiError> {
    let id = decode(raw_id);
    let project = project_json(state, &id, false).ok_or_else(|| project_not_found(&id))?;
    Ok(reply::ok(&json!({ "project": project })))
}
