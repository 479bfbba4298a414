//! Request schema checks producing Zod-4-style issues (docs/infisical-api.md §7.3). The field rules and
//! their messages come from `crate::validate`, so client and sandbox cannot drift apart.

use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::validate;

pub(crate) type Issues = Vec<Value>;

pub(crate) const NOT_SUPPORTED: &str = "Not supported for Ona Connections";
pub(crate) const CONNECTION_NAME_REQUIRED: &str = "Connection name required";

/// Zod's name for the JSON type of `value` (`undefined` when absent).
fn received(value: Option<&Value>) -> &'static str {
    match value {
        None => "undefined",
        Some(Value::Null) => "null",
        Some(Value::Bool(_)) => "boolean",
        Some(Value::Number(_)) => "number",
        Some(Value::String(_)) => "string",
        Some(Value::Array(_)) => "array",
        Some(Value::Object(_)) => "object",
    }
}

pub(crate) fn invalid_type(path: &[&str], expected: &str, value: Option<&Value>) -> Value {
    json!({
        "expected": expected,
        "code": "invalid_type",
        "path": path,
        "message": format!("Invalid input: expected {expected}, received {}", received(value)),
    })
}

fn too_small(path: &[&str], minimum: usize, message: &str) -> Value {
    json!({"origin": "string", "code": "too_small", "minimum": minimum, "inclusive": true, "path": path, "message": message})
}

fn too_big(path: &[&str], maximum: usize, message: &str) -> Value {
    json!({"origin": "string", "code": "too_big", "maximum": maximum, "inclusive": true, "path": path, "message": message})
}

fn custom(path: &[&str], message: &str) -> Value {
    json!({"code": "custom", "path": path, "message": message})
}

/// Zod 4 issue for a value outside a `z.enum([...])`.
pub(crate) fn invalid_value(path: &[&str], values: &[&str]) -> Value {
    let list: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
    json!({
        "code": "invalid_value",
        "values": values,
        "path": path,
        "message": format!("Invalid option: expected one of {}", list.join("|")),
    })
}

/// Path parameter `connectionId` must be a UUID (Zod 4's RFC 9562 pattern).
pub(crate) fn connection_id(raw: &str) -> Result<Uuid, Issues> {
    let b = raw.as_bytes();
    let shaped = b.len() == 36
        && b.iter().enumerate().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                *c == b'-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
    let versioned = shaped
        && (b'1'..=b'8').contains(&b[14])
        && matches!(b[19], b'8' | b'9' | b'a' | b'b' | b'A' | b'B');
    let special = raw == "00000000-0000-0000-0000-000000000000"
        || raw.eq_ignore_ascii_case("ffffffff-ffff-ffff-ffff-ffffffffffff");
    match Uuid::parse_str(raw) {
        Ok(id) if versioned || special => Ok(id),
        _ => Err(vec![json!({
            "origin": "string",
            "code": "invalid_format",
            "format": "uuid",
            "path": ["connectionId"],
            "message": "Invalid UUID",
        })]),
    }
}

/// Validated create body (trimmed values).
#[derive(Debug)]
pub(crate) struct CreateInput {
    pub name: String,
    pub description: Option<String>,
    pub pat: String,
    /// `None` (absent or empty) means an org-scoped connection.
    pub project_id: Option<String>,
}

/// Validated update body; `None` = leave unchanged, `Some(None)` description = clear it.
#[derive(Debug, Default)]
pub(crate) struct UpdateInput {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub pat: Option<String>,
}

fn object<'a>(body: &'a Value, issues: &mut Issues) -> Option<&'a Map<String, Value>> {
    match body {
        Value::Object(map) => Some(map),
        other => {
            issues.push(invalid_type(&[], "object", Some(other)));
            None
        }
    }
}

fn check_name(value: Option<&Value>, issues: &mut Issues) -> Option<String> {
    let Some(Value::String(raw)) = value else {
        issues.push(invalid_type(&["name"], "string", value));
        return None;
    };
    let found = validate::name_issues(raw);
    for message in &found {
        issues.push(match *message {
            validate::NAME_TOO_SHORT => too_small(&["name"], 1, message),
            validate::NAME_TOO_LONG => too_big(&["name"], validate::NAME_MAX, message),
            _ => custom(&["name"], message),
        });
    }
    found.is_empty().then(|| raw.trim().to_owned())
}

/// `description`: string (≤ 256 after trim) or null; absent → `None`.
fn check_description(value: Option<&Value>, issues: &mut Issues) -> Option<Option<String>> {
    match value {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(raw)) => match validate::description_length(raw) {
            Ok(_) => Some(Some(raw.trim().to_owned())),
            Err(message) => {
                issues.push(too_big(
                    &["description"],
                    validate::DESCRIPTION_MAX,
                    message,
                ));
                None
            }
        },
        Some(other) => {
            issues.push(invalid_type(&["description"], "string", Some(other)));
            None
        }
    }
}

/// `credentials.personalAccessToken`, trimmed and non-empty. Only Infisical's own rule applies
/// here; anything else about the token is for Ona to judge.
fn check_credentials(value: Option<&Value>, issues: &mut Issues) -> Option<String> {
    let Some(Value::Object(creds)) = value else {
        issues.push(invalid_type(&["credentials"], "object", value));
        return None;
    };
    let pat = creds.get("personalAccessToken");
    let Some(Value::String(raw)) = pat else {
        issues.push(invalid_type(
            &["credentials", "personalAccessToken"],
            "string",
            pat,
        ));
        return None;
    };
    if validate::token(raw) == Err(validate::TOKEN_REQUIRED) {
        issues.push(too_small(
            &["credentials", "personalAccessToken"],
            1,
            validate::TOKEN_REQUIRED,
        ));
        return None;
    }
    Some(raw.trim().to_owned())
}

/// `z.literal(false).optional()` with Infisical's message: a Zod 4 `invalid_value`.
fn only_false(map: &Map<String, Value>, key: &str, issues: &mut Issues) {
    if map.get(key).is_some_and(|v| *v != Value::Bool(false)) {
        issues.push(json!({"code": "invalid_value", "values": [false], "path": [key], "message": NOT_SUPPORTED}));
    }
}

/// `z.undefined().or(z.null())` with Infisical's message: a Zod 4 `invalid_union` whose
/// branches each carry the message.
fn only_null(map: &Map<String, Value>, key: &str, issues: &mut Issues) {
    if map.get(key).is_some_and(|v| !v.is_null()) {
        let branch = |expected: &str| json!([{"expected": expected, "code": "invalid_type", "path": [], "message": NOT_SUPPORTED}]);
        issues.push(json!({
            "code": "invalid_union",
            "errors": [branch("undefined"), branch("null")],
            "path": [key],
            "message": "Invalid input",
        }));
    }
}

/// Infisical's create schema is the credentials union `.and()` the generic fields: the union's
/// issues (`method`, then `credentials`) come first, then the generic fields in their order.
pub(crate) fn create(body: &Value) -> Result<CreateInput, Issues> {
    let mut issues = Issues::new();
    let Some(map) = object(body, &mut issues) else {
        return Err(issues);
    };
    // Discriminated union: with a wrong `method` Zod never looks at `credentials`.
    let pat = match map.get("method") {
        Some(Value::String(m)) if m == "personal-access-token" => {
            check_credentials(map.get("credentials"), &mut issues)
        }
        _ => {
            issues.push(json!({
                "code": "invalid_union",
                "errors": [],
                "note": "No matching discriminator",
                "discriminator": "method",
                "path": ["method"],
                "message": "Invalid input",
            }));
            None
        }
    };
    let name = check_name(map.get("name"), &mut issues);
    let description = check_description(map.get("description"), &mut issues);
    let project_id = match map.get("projectId") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        other => {
            issues.push(invalid_type(&["projectId"], "string", other));
            None
        }
    };
    only_false(map, "isPlatformManagedCredentials", &mut issues);
    only_null(map, "gatewayId", &mut issues);
    only_null(map, "gatewayPoolId", &mut issues);
    only_false(map, "isAutoRotationEnabled", &mut issues);
    only_null(map, "rotation", &mut issues);
    match (name, pat) {
        (Some(name), Some(pat)) if issues.is_empty() => Ok(CreateInput {
            name,
            description: description.flatten(),
            pat,
            // An empty string is falsy for Infisical: org scope.
            project_id: project_id.filter(|p| !p.is_empty()),
        }),
        _ => Err(issues),
    }
}

pub(crate) fn update(body: &Value) -> Result<UpdateInput, Issues> {
    let mut issues = Issues::new();
    let Some(map) = object(body, &mut issues) else {
        return Err(issues);
    };
    let mut input = UpdateInput::default();
    // `{credentials}.and(generic fields)`; the update's generic part has no rotation fields
    // (unknown keys are stripped, not refused).
    if map.contains_key("credentials") {
        input.pat = check_credentials(map.get("credentials"), &mut issues);
    }
    if map.contains_key("name") {
        input.name = check_name(map.get("name"), &mut issues);
    }
    input.description = check_description(map.get("description"), &mut issues);
    only_false(map, "isPlatformManagedCredentials", &mut issues);
    only_null(map, "gatewayId", &mut issues);
    only_null(map, "gatewayPoolId", &mut issues);
    if issues.is_empty() {
        Ok(input)
    } else {
        Err(issues)
    }
}

/// Body of Universal Auth login: `clientId`, `clientSecret` (trimmed strings).
pub(crate) fn login(body: &Value) -> Result<(String, String), Issues> {
    let mut issues = Issues::new();
    let Some(map) = object(body, &mut issues) else {
        return Err(issues);
    };
    let mut field = |key: &str| match map.get(key) {
        Some(Value::String(s)) => Some(s.trim().to_owned()),
        other => {
            issues.push(invalid_type(&[key], "string", other));
            None
        }
    };
    let id = field("clientId");
    let secret = field("clientSecret");
    match (id, secret) {
        (Some(id), Some(secret)) => Ok((id, secret)),
        _ => Err(issues),
    }
}

/// Body of token renewal: `accessToken` (string).
pub(crate) fn renew(body: &Value) -> Result<String, Issues> {
    let mut issues = Issues::new();
    let Some(map) = object(body, &mut issues) else {
        return Err(issues);
    };
    match map.get("accessToken") {
        Some(Value::String(s)) => Ok(s.trim().to_owned()),
        other => Err(vec![invalid_type(&["accessToken"], "string", other)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_reports_all_issues_in_infisicals_order() {
        let body = json!({"name": "Bad Name", "description": "x".repeat(300), "method": "personal-access-token",
            "credentials": {"personalAccessToken": "  "}, "gatewayId": "g", "rotation": {},
            "isAutoRotationEnabled": true, "isPlatformManagedCredentials": true, "gatewayPoolId": "p"});
        let issues = create(&body).unwrap_err();
        let paths: Vec<String> = issues.iter().map(|i| i["path"].to_string()).collect();
        // The credentials union first, then the generic fields in the schema's order.
        assert_eq!(
            paths,
            [
                r#"["credentials","personalAccessToken"]"#,
                r#"["name"]"#,
                r#"["description"]"#,
                r#"["isPlatformManagedCredentials"]"#,
                r#"["gatewayId"]"#,
                r#"["gatewayPoolId"]"#,
                r#"["isAutoRotationEnabled"]"#,
                r#"["rotation"]"#,
            ]
        );
        let code = |key: &str| {
            issues
                .iter()
                .find(|i| i["path"] == json!([key]))
                .map(|i| i["code"].clone())
        };
        for key in ["gatewayId", "gatewayPoolId", "rotation"] {
            assert_eq!(code(key), Some(json!("invalid_union")), "{key}");
        }
        for key in ["isPlatformManagedCredentials", "isAutoRotationEnabled"] {
            assert_eq!(code(key), Some(json!("invalid_value")), "{key}");
        }
        let union = issues
            .iter()
            .find(|i| i["path"] == json!(["gatewayId"]))
            .unwrap();
        assert_eq!(union["errors"][0][0]["message"], NOT_SUPPORTED);
    }

    #[test]
    fn wrong_method_skips_credentials() {
        let issues = create(&json!({"name": "ok", "method": "oauth"})).unwrap_err();
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0]["code"], "invalid_union");
    }

    #[test]
    fn empty_project_id_is_org_scope() {
        let body = json!({"name": "ok", "method": "personal-access-token", "projectId": "", "credentials": {"personalAccessToken": "t"}});
        assert_eq!(create(&body).map(|c| c.project_id).ok(), Some(None));
    }

    #[test]
    fn uuid_param() {
        assert!(connection_id("c0c0c0c0-0000-4000-8000-000000000001").is_ok());
        assert!(connection_id("c0c0c0c0-0000-0000-0000-000000000001").is_err());
        assert!(connection_id("not-a-uuid").is_err());
        assert!(connection_id("c0c0c0c00000400080000000000000001").is_err());
    }
}
