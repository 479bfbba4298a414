//! The sandbox against the reference (`infisical-api.md`), through real HTTP on 127.0.0.1.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ona_connect::sandbox::{
    Fault, FaultAction, FaultRoute, LogLine, OnaPat, Sandbox, SandboxOptions, demo,
};
use ona_connect::validate;
use reqwest::{Client, RequestBuilder, redirect};
use serde_json::{Value, json};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).expect("sandbox starts")
}

fn client() -> Client {
    Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .expect("client")
}

fn api(sb: &Sandbox, path: &str) -> String {
    format!("{}{path}", sb.api_url())
}

async fn send(req: RequestBuilder) -> (u16, Value) {
    let resp = req.send().await.expect("response");
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.expect("body");
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn authed(req: RequestBuilder) -> RequestBuilder {
    req.bearer_auth(demo::USER_TOKEN)
}

fn body(name: &str, project: Option<&str>, pat: &str) -> Value {
    let mut b = json!({"name": name, "description": "Created by the Ona wizard", "method": "personal-access-token",
        "credentials": {"personalAccessToken": pat}});
    if let Some(p) = project {
        b["projectId"] = json!(p);
    }
    b
}

async fn create(sb: &Sandbox, name: &str, project: Option<&str>, pat: &str) -> (u16, Value) {
    send(authed(client().post(api(sb, "/v1/app-connections/ona"))).json(&body(name, project, pat)))
        .await
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn fixture(name: &str) -> Value {
    let text = std::fs::read_to_string(format!("{FIXTURES}/{name}")).expect("fixture");
    serde_json::from_str(&text).expect("fixture json")
}

/// Envelope shape: `{reqId, statusCode, error, message}` with a `req-` + 14 alphanumerics id.
fn assert_error(v: &Value, status: u16, error: &str, message: &str) {
    assert_eq!(v["statusCode"], status, "{v}");
    assert_eq!(v["error"], error, "{v}");
    assert_eq!(v["message"], message, "{v}");
    let req_id = v["reqId"].as_str().expect("reqId");
    assert!(
        req_id.len() == 18
            && req_id.starts_with("req-")
            && req_id[4..].chars().all(|c| c.is_ascii_alphanumeric()),
        "{req_id}"
    );
}

fn issue_paths(v: &Value) -> Vec<String> {
    v["message"]
        .as_array()
        .expect("issues")
        .iter()
        .map(|i| i["path"].to_string())
        .collect()
}

#[tokio::test]
async fn universal_auth_login_and_lockout() {
    let sb = sandbox();
    let login = |id: &str, secret: &str| {
        client()
            .post(api(&sb, "/v1/auth/universal-auth/login"))
            .json(&json!({"clientId": id, "clientSecret": secret}))
    };

    let (status, ok) = send(login(
        &format!(" {} ", demo::CLIENT_ID),
        demo::CLIENT_SECRET,
    ))
    .await;
    assert_eq!(status, 200);
    assert_eq!(keys(&ok), keys(&fixture("ua-login-response.json")));
    assert_eq!(
        (
            ok["expiresIn"].as_u64(),
            ok["accessTokenMaxTTL"].as_u64(),
            ok["tokenType"].as_str()
        ),
        (Some(2_592_000), Some(2_592_000), Some("Bearer"))
    );
    let token = ok["accessToken"].as_str().expect("token");
    assert_eq!(token.split('.').count(), 3);
    let (status, _) = send(client().get(api(&sb, "/v1/projects")).bearer_auth(token)).await;
    assert_eq!(status, 200);

    let (status, renewed) = send(
        client()
            .post(api(&sb, "/v1/auth/token/renew"))
            .json(&json!({"accessToken": token})),
    )
    .await;
    assert_eq!(
        (status, renewed["accessToken"].as_str()),
        (200, Some(token))
    );

    let (status, bad) = send(login("someone-else", demo::CLIENT_SECRET)).await;
    assert_eq!(status, 401);
    assert_error(&bad, 401, "UnauthorizedError", "Invalid credentials");
    for _ in 0..3 {
        let (status, bad) = send(login(demo::CLIENT_ID, "wrong")).await;
        assert_eq!(
            (status, bad["message"].as_str()),
            (401, Some("Invalid credentials"))
        );
    }
    let (status, locked) = send(login(demo::CLIENT_ID, demo::CLIENT_SECRET)).await;
    assert_eq!(status, 401);
    assert_error(
        &locked,
        401,
        "UnauthorizedError",
        "This identity auth method is temporarily locked, please try again later",
    );

    let (status, missing) = send(
        client()
            .post(api(&sb, "/v1/auth/universal-auth/login"))
            .json(&json!({})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        issue_paths(&missing),
        [r#"["clientId"]"#, r#"["clientSecret"]"#]
    );
}

#[tokio::test]
async fn every_auth_failure_row() {
    let sb = sandbox();
    let url = api(&sb, "/v1/app-connections/ona?projectId=x");
    let (status, v) = send(client().get(&url)).await;
    assert_eq!(status, 401);
    assert_error(&v, 401, "UnauthorizedError", "Token missing");

    for garbage in ["garbage", "", "a.b", "a.b.c.d", "a.b.c!"] {
        let (status, v) = send(client().get(&url).bearer_auth(garbage)).await;
        assert_eq!(status, 403, "{garbage}");
        assert_error(
            &v,
            403,
            "TokenError",
            fixture("error-403-token-malformed.json")["message"]
                .as_str()
                .unwrap_or_default(),
        );
    }
    let foreign = fixture("ua-login-response.json")["accessToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (status, v) = send(client().get(&url).bearer_auth(&foreign)).await;
    assert_eq!(status, 403);
    assert_error(&v, 403, "TokenError", "invalid signature");

    let (status, v) = send(client().get(&url).bearer_auth("st.abc.def")).await;
    assert_eq!(status, 403);
    assert_error(
        &v,
        403,
        "Forbidden access to /api/v1/app-connections/ona?projectId=x",
        "You are not allowed to access this resource",
    );

    let revoked = sb.issue_access_token();
    assert!(sb.revoke_access_token(&revoked));
    let (status, v) = send(client().get(&url).bearer_auth(&revoked)).await;
    assert_eq!(status, 401);
    assert_error(
        &v,
        401,
        "UnauthorizedError",
        "No identity access token found",
    );

    let token = sb.issue_access_token();
    let (status, _) = send(
        client()
            .get(api(&sb, "/v1/app-connections/ona"))
            .bearer_auth(&token),
    )
    .await;
    assert_eq!(status, 200);
    sb.expire_access_tokens();
    for t in [token.as_str(), demo::USER_TOKEN] {
        let (status, v) = send(client().get(&url).bearer_auth(t)).await;
        assert_eq!(status, 403);
        assert_error(
            &v,
            403,
            "TokenError",
            "Your token has expired. Please re-authenticate.",
        );
    }
    // A stale header breaks even the login call.
    let (status, _) = send(
        client()
            .post(api(&sb, "/v1/auth/universal-auth/login"))
            .bearer_auth("garbage")
            .json(&json!({"clientId": demo::CLIENT_ID, "clientSecret": demo::CLIENT_SECRET})),
    )
    .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn projects_listing() {
    let sb = sandbox();
    let (status, v) = send(authed(client().get(api(
        &sb,
        "/v1/projects?type=secret-manager&includeRoles=false",
    ))))
    .await;
    assert_eq!(status, 200);
    let projects = v["projects"].as_array().expect("projects");
    let names: Vec<_> = projects
        .iter()
        .map(|p| p["name"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        names,
        [demo::BACKEND_PROJECT_NAME, demo::FRONTEND_PROJECT_NAME]
    );
    assert_eq!(
        keys(&projects[0]),
        keys(&fixture("projects-list-response.json")["projects"][0])
    );
    assert_eq!(projects[0]["id"], demo::BACKEND_PROJECT_ID);
    assert_eq!(projects[0]["orgId"], demo::ORG_ID);

    let (_, with_roles) = send(authed(
        client().get(api(&sb, "/v1/projects?includeRoles=true")),
    ))
    .await;
    assert!(with_roles["projects"][0]["roles"].is_array());
    let (_, kms) = send(authed(client().get(api(&sb, "/v1/projects?type=kms")))).await;
    assert_eq!(kms["projects"], json!([]));

    let (status, bad) = send(authed(
        client().get(api(&sb, "/v1/projects?type=nope&includeRoles=yes")),
    ))
    .await;
    assert_eq!(
        (status, bad["error"].as_str()),
        (422, Some("ValidationFailure"))
    );
    assert_eq!(issue_paths(&bad), [r#"["includeRoles"]"#, r#"["type"]"#]);
    assert_eq!(bad["message"][1]["code"], "invalid_value");

    let (status, one) = send(authed(client().get(api(
        &sb,
        &format!("/v1/projects/{}", demo::FRONTEND_PROJECT_ID),
    ))))
    .await;
    assert_eq!(
        (status, one["project"]["slug"].as_str()),
        (200, Some(demo::FRONTEND_PROJECT_SLUG))
    );
}

#[tokio::test]
async fn create_success_matches_fixture() {
    let sb = sandbox();
    let (status, v) = create(
        &sb,
        "ona-dev-team",
        Some(demo::BACKEND_PROJECT_ID),
        &format!("  {}  ", demo::ONA_PAT),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let conn = &v["appConnection"];
    assert_eq!(keys(&v), keys(&fixture("create-response.json")));
    assert_eq!(
        keys(conn),
        keys(&fixture("create-response.json")["appConnection"])
    );
    assert!(conn.get("project").is_none());
    assert_eq!(conn["credentials"], json!({}));
    assert_eq!(
        (
            conn["version"].as_u64(),
            conn["app"].as_str(),
            conn["method"].as_str()
        ),
        (Some(1), Some("ona"), Some("personal-access-token"))
    );
    assert_eq!(conn["projectId"], demo::BACKEND_PROJECT_ID);
    assert_eq!(conn["orgId"], demo::ORG_ID);
    let hash = conn["credentialsHash"].as_str().unwrap_or_default();
    assert!(hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()));
    let created = conn["createdAt"].as_str().unwrap_or_default();
    assert!(
        created.len() == 24 && created.ends_with('Z') && created.as_bytes()[19] == b'.',
        "{created}"
    );
    assert_eq!(conn["createdAt"], conn["updatedAt"]);

    let stored = sb.connections();
    assert_eq!(stored.len(), 1);
    assert_eq!(
        stored[0].personal_access_token,
        demo::ONA_PAT,
        "the PAT is stored trimmed"
    );
    assert!(
        !format!("{:?}", stored[0]).contains(demo::ONA_PAT),
        "Debug redacts the PAT"
    );
}

#[tokio::test]
async fn create_validation_reports_all_issues_together() {
    let sb = sandbox();
    let (status, v) = send(authed(client().post(api(&sb, "/v1/app-connections/ona"))).json(&json!({
        "name": "A".repeat(65), "description": "d".repeat(300), "method": "personal-access-token",
        "credentials": {"personalAccessToken": "   "}, "projectId": demo::BACKEND_PROJECT_ID,
    })))
    .await;
    assert_eq!(
        (status, v["error"].as_str()),
        (422, Some("ValidationFailure"))
    );
    let messages: Vec<_> = v["message"]
        .as_array()
        .expect("issues")
        .iter()
        .map(|i| i["message"].as_str().unwrap_or_default())
        .collect();
    // Infisical's create schema is the credentials union `.and()` the generic fields: the
    // union's issues come first.
    assert_eq!(
        messages,
        [
            validate::TOKEN_REQUIRED,
            validate::NAME_TOO_LONG,
            validate::NAME_BAD_CHARS,
            validate::DESCRIPTION_TOO_LONG,
        ]
    );
    assert_eq!(
        v["message"],
        fixture("error-422-validation.json")["message"]
    );

    let (status, v) = send(authed(client().post(api(&sb, "/v1/app-connections/ona"))).json(&json!({
        "name": "ok", "method": "oauth", "projectId": null, "gatewayId": "g", "isPlatformManagedCredentials": true,
    })))
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        issue_paths(&v),
        [
            r#"["method"]"#,
            r#"["projectId"]"#,
            r#"["isPlatformManagedCredentials"]"#,
            r#"["gatewayId"]"#,
        ]
    );
    assert_eq!(v["message"][0]["code"], "invalid_union");
    assert_eq!(v["message"][0]["note"], "No matching discriminator");
    assert_eq!(
        v["message"][1]["message"],
        "Invalid input: expected string, received null"
    );
    // `z.literal(false)`: invalid_value; `z.undefined().or(z.null())`: invalid_union.
    assert_eq!(v["message"][2]["code"], "invalid_value");
    assert_eq!(
        v["message"][2]["message"],
        "Not supported for Ona Connections"
    );
    assert_eq!(v["message"][3]["code"], "invalid_union");
    assert_eq!(
        v["message"][3]["errors"][1][0]["message"],
        "Not supported for Ona Connections"
    );

    // Wrong JSON types are schema failures, not crashes.
    let (status, v) = send(
        authed(client().post(api(&sb, "/v1/app-connections/ona"))).json(&json!({
            "name": 5, "description": [], "method": "personal-access-token", "credentials": "x",
        })),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        issue_paths(&v),
        [r#"["credentials"]"#, r#"["name"]"#, r#"["description"]"#]
    );
    let (status, _) =
        send(authed(client().post(api(&sb, "/v1/app-connections/ona"))).json(&json!([1, 2]))).await;
    assert_eq!(status, 422);
    assert!(sb.connections().is_empty());
}

#[tokio::test]
async fn create_checks_project_then_ona_then_name() {
    let sb = sandbox();
    let missing = "99999999-9999-4999-8999-999999999999";
    let (status, v) = create(&sb, "ona-dev-team", Some(missing), "not-a-pat").await;
    assert_eq!(status, 400);
    assert_error(
        &v,
        400,
        "BadRequest",
        &format!("Could not find project with ID {missing}"),
    );

    let (status, v) = create(
        &sb,
        "ona-dev-team",
        Some(demo::BACKEND_PROJECT_ID),
        "not-a-pat",
    )
    .await;
    assert_eq!((status, v["error"].as_str()), (400, Some("BadRequest")));
    let message = v["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with(r#"Failed to validate credentials: {"code":"unauthenticated""#),
        "{message}"
    );

    assert_eq!(
        create(
            &sb,
            "ona-dev-team",
            Some(demo::BACKEND_PROJECT_ID),
            demo::ONA_PAT
        )
        .await
        .0,
        200
    );
    let (status, v) = create(
        &sb,
        "ona-dev-team",
        Some(demo::BACKEND_PROJECT_ID),
        demo::ONA_PAT,
    )
    .await;
    assert_eq!(status, 400);
    assert_error(
        &v,
        400,
        "BadRequest",
        r#"An App Connection with the name "ona-dev-team" already exists"#,
    );
    // Bad PAT and duplicate name: Infisical calls Ona first, so the PAT error wins.
    let (_, v) = create(
        &sb,
        "ona-dev-team",
        Some(demo::BACKEND_PROJECT_ID),
        "not-a-pat",
    )
    .await;
    assert!(
        v["message"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Failed to validate credentials: ")
    );
    // Uniqueness is per project, and org scope is its own namespace.
    assert_eq!(
        create(
            &sb,
            "ona-dev-team",
            Some(demo::FRONTEND_PROJECT_ID),
            demo::ONA_PAT
        )
        .await
        .0,
        200
    );
    assert_eq!(
        create(&sb, "ona-dev-team", None, demo::ONA_PAT).await.0,
        200
    );
    assert_eq!(
        create(&sb, "ona-dev-team", Some(""), demo::ONA_PAT).await.0,
        400,
        "empty projectId is org scope"
    );
    assert_eq!(sb.connections().len(), 3);

    // Auth beats a broken body.
    let (status, v) = send(
        client()
            .post(api(&sb, "/v1/app-connections/ona"))
            .header("content-type", "application/json")
            .body("{nope"),
    )
    .await;
    assert_eq!(status, 401);
    assert_error(&v, 401, "UnauthorizedError", "Token missing");
    let (status, v) = send(
        authed(client().post(api(&sb, "/v1/app-connections/ona")))
            .header("content-type", "application/json")
            .body("{nope"),
    )
    .await;
    assert_eq!(
        (status, v["error"].as_str()),
        (400, Some("BodyParserError"))
    );
    let (status, v) = send(
        authed(client().post(api(&sb, "/v1/app-connections/ona")))
            .header("content-type", "application/json")
            .body(vec![0xff, 0xfe]),
    )
    .await;
    assert_eq!(
        (status, v["error"].as_str()),
        (400, Some("BodyParserError"))
    );
    let (status, v) = send(
        authed(client().post(api(&sb, "/v1/app-connections/ona")))
            .header("content-type", "application/json")
            .body(vec![b' '; 1024 * 1024 + 1]),
    )
    .await;
    assert_eq!(
        (status, v["error"].as_str()),
        (413, Some("BodyParserError"))
    );
}

#[tokio::test]
async fn list_get_update_delete() {
    let sb = sandbox();
    for (name, project) in [
        ("zeta", Some(demo::BACKEND_PROJECT_ID)),
        ("Alpha-not-slug", None),
        ("beta", None),
        ("alpha", Some(demo::FRONTEND_PROJECT_ID)),
    ] {
        let _ = create(&sb, name, project, demo::ONA_PAT).await;
    }
    let (status, v) = send(authed(client().get(api(&sb, "/v1/app-connections/ona/")))).await;
    assert_eq!(status, 200, "trailing slash is ignored");
    let items = v["appConnections"].as_array().expect("list");
    let names: Vec<_> = items
        .iter()
        .map(|c| c["name"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(names, ["alpha", "beta", "zeta"]);
    assert_eq!(
        items[0]["project"],
        json!({"name": demo::FRONTEND_PROJECT_NAME, "id": demo::FRONTEND_PROJECT_ID, "type": "secret-manager", "slug": demo::FRONTEND_PROJECT_SLUG})
    );
    assert_eq!(items[1]["project"], Value::Null);
    assert_eq!(
        keys(&items[2]),
        keys(&fixture("list-response.json")["appConnections"][0])
    );
    let (_, v) = send(authed(client().get(api(
        &sb,
        &format!(
            "/v1/app-connections/ona?projectId={}",
            demo::BACKEND_PROJECT_ID
        ),
    ))))
    .await;
    assert_eq!(v["appConnections"].as_array().map(Vec::len), Some(1));

    let zeta = items[2]["id"].as_str().unwrap_or_default().to_owned();
    let (status, v) = send(authed(
        client().get(api(&sb, &format!("/v1/app-connections/ona/{zeta}"))),
    ))
    .await;
    assert_eq!(
        (status, v["appConnection"]["name"].as_str()),
        (200, Some("zeta"))
    );
    assert!(v["appConnection"].get("project").is_none());
    let (status, v) = send(authed(
        client().get(api(&sb, "/v1/app-connections/ona/not-a-uuid")),
    ))
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        v["message"],
        json!([{"origin": "string", "code": "invalid_format", "format": "uuid", "path": ["connectionId"], "message": "Invalid UUID"}])
    );
    let unknown = "c0c0c0c0-0000-4000-8000-000000000002";
    let (status, v) = send(authed(
        client().get(api(&sb, &format!("/v1/app-connections/ona/{unknown}"))),
    ))
    .await;
    assert_eq!(status, 404);
    assert_error(
        &v,
        404,
        "NotFound",
        &format!("Could not find App Connection with ID {unknown}"),
    );

    // By name: project-scoped ones need their projectId.
    let by_name = |name: &str, project: Option<&str>| {
        let q = project
            .map(|p| format!("?projectId={p}"))
            .unwrap_or_default();
        authed(client().get(api(
            &sb,
            &format!("/v1/app-connections/ona/connection-name/{name}{q}"),
        )))
    };
    let (status, v) = send(by_name("%20zeta%20", Some(demo::BACKEND_PROJECT_ID))).await;
    assert_eq!(
        (status, v["appConnection"]["id"].as_str()),
        (200, Some(zeta.as_str()))
    );
    let (status, v) = send(by_name("zeta", None)).await;
    assert_eq!(status, 404);
    assert_error(
        &v,
        404,
        "NotFound",
        "Could not find App Connection with name zeta in organization scope.",
    );
    let (_, v) = send(by_name("beta", Some(demo::BACKEND_PROJECT_ID))).await;
    assert_eq!(
        v["message"],
        "Could not find App Connection with name beta in project scope."
    );
    assert_eq!(send(by_name("beta", None)).await.0, 200);
    let (status, v) = send(by_name("%20", None)).await;
    assert_eq!(
        (status, v["message"][0]["message"].as_str()),
        (422, Some("Connection name required"))
    );

    // PATCH keeps id and version, changes credentialsHash and updatedAt.
    let before = sb
        .connections()
        .into_iter()
        .find(|c| c.name == "zeta")
        .expect("zeta");
    let other_pat = "ona_second_pat";
    sb.add_ona_pat(
        other_pat,
        OnaPat {
            description: "second".into(),
            created_at: time::OffsetDateTime::now_utc(),
            expires_at: time::OffsetDateTime::now_utc() + time::Duration::days(1),
            can_list: true,
        },
    );
    let patch = |b: Value| {
        authed(client().patch(api(&sb, &format!("/v1/app-connections/ona/{zeta}")))).json(&b)
    };
    let (status, v) = send(patch(
        json!({"description": "Rotated PAT", "credentials": {"personalAccessToken": other_pat}}),
    ))
    .await;
    assert_eq!(status, 200, "{v}");
    let after = &v["appConnection"];
    assert_eq!(
        (
            after["id"].as_str(),
            after["version"].as_u64(),
            after["description"].as_str()
        ),
        (Some(zeta.as_str()), Some(1), Some("Rotated PAT"))
    );
    assert_ne!(
        after["credentialsHash"].as_str(),
        Some(before.credentials_hash.as_str())
    );
    assert_ne!(after["updatedAt"], after["createdAt"]);
    assert_eq!(
        sb.connections()
            .iter()
            .find(|c| c.name == "zeta")
            .map(|c| c.personal_access_token.clone()),
        Some(other_pat.to_owned())
    );
    let (status, v) = send(patch(
        json!({"credentials": {"personalAccessToken": "bad"}}),
    ))
    .await;
    assert!(
        status == 400
            && v["message"]
                .as_str()
                .unwrap_or_default()
                .starts_with("Failed to validate credentials: ")
    );
    let (status, _) = send(patch(json!({"name": "zeta", "description": null}))).await;
    assert_eq!(status, 200, "keeping its own name is no duplicate");
    let _ = create(&sb, "other", Some(demo::BACKEND_PROJECT_ID), demo::ONA_PAT).await;
    let (status, v) = send(patch(json!({"name": "other"}))).await;
    assert_eq!(
        (status, v["message"].as_str()),
        (
            400,
            Some(r#"An App Connection with the name "other" already exists"#)
        )
    );
    let (status, v) = send(patch(json!({"name": "Bad Name"}))).await;
    assert_eq!(
        (status, issue_paths(&v)),
        (422, vec![r#"["name"]"#.to_owned()])
    );

    // DELETE: a JSON content type with no body is refused by the body parser.
    let url = api(&sb, &format!("/v1/app-connections/ona/{zeta}"));
    let (status, v) =
        send(authed(client().delete(&url)).header("content-type", "application/json")).await;
    assert_eq!(status, 400);
    assert_error(
        &v,
        400,
        "BodyParserError",
        "Body cannot be empty when content-type is set to 'application/json'",
    );
    let (status, v) = send(authed(client().delete(&url))).await;
    assert_eq!(
        (status, v["appConnection"]["id"].as_str()),
        (200, Some(zeta.as_str()))
    );
    assert_eq!(keys(&v), keys(&fixture("delete-response.json")));
    assert_eq!(send(authed(client().delete(&url))).await.0, 404);

    let (status, v) = send(authed(
        client().get(api(&sb, "/v1/app-connections/ona/available")),
    ))
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        keys(&v["appConnections"][0]),
        keys(&fixture("available-response.json")["appConnections"][0])
    );
    let (_, v) = send(authed(
        client().get(api(&sb, "/v1/app-connections/options")),
    ))
    .await;
    assert_eq!(v, fixture("options-response.json"));
    let (status, v) = send(authed(
        client().get(api(&sb, "/v1/app-connections/onaa?x=1")),
    ))
    .await;
    assert_eq!(status, 404);
    assert_eq!(
        v["message"],
        "Route GET:/api/v1/app-connections/onaa?x=1 not found"
    );
    assert_eq!(
        v["documentationUrl"],
        "https://infisical.com/docs/api-reference"
    );
}

#[tokio::test]
async fn fault_actions() {
    let sb = sandbox();
    sb.add_fault(Fault::new(
        FaultRoute::Create,
        1,
        FaultAction::StoreThenDrop,
    ));
    let err = client()
        .post(api(&sb, "/v1/app-connections/ona"))
        .bearer_auth(demo::USER_TOKEN)
        .json(&body("dropped", None, demo::ONA_PAT))
        .send()
        .await;
    assert!(err.is_err(), "the client sees a connection error");
    assert_eq!(
        sb.connections().len(),
        1,
        "but the connection was stored exactly once"
    );
    assert_eq!(sb.requests().last().and_then(|r| r.status), None);

    sb.add_fault(Fault::new(
        FaultRoute::Create,
        1,
        FaultAction::DropBeforeHandling,
    ));
    assert!(
        client()
            .post(api(&sb, "/v1/app-connections/ona"))
            .bearer_auth(demo::USER_TOKEN)
            .json(&body("never", None, demo::ONA_PAT))
            .send()
            .await
            .is_err()
    );
    assert_eq!(sb.connections().len(), 1);

    sb.add_fault(Fault::new(
        FaultRoute::ListProjects,
        1,
        FaultAction::Status429 {
            retry_after: Some(42),
        },
    ));
    let resp = authed(client().get(api(&sb, "/v1/projects")))
        .send()
        .await
        .expect("429");
    assert_eq!(resp.status().as_u16(), 429);
    assert_eq!(
        resp.headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("42")
    );
    let v: Value = resp.json().await.expect("json");
    assert_error(
        &v,
        429,
        "RateLimitExceeded",
        "Rate limit exceeded. Please try again in 42 seconds",
    );
    assert_eq!(
        send(authed(client().get(api(&sb, "/v1/projects")))).await.0,
        200,
        "times is consumed"
    );

    sb.add_fault(Fault::new(FaultRoute::Any, 1, FaultAction::Status500));
    let (status, v) = send(authed(client().get(api(&sb, "/v1/app-connections/ona")))).await;
    assert_eq!(status, 500);
    assert_error(&v, 500, "InternalServerError", "Something went wrong");

    sb.add_fault(Fault::new(
        FaultRoute::GetByName,
        1,
        FaultAction::Status(
            502,
            "<html>bad gateway</html>".into(),
            Some("text/html".into()),
        ),
    ));
    let resp = authed(client().get(api(&sb, "/v1/app-connections/ona/connection-name/x")))
        .send()
        .await
        .expect("502");
    assert_eq!(resp.status().as_u16(), 502);
    assert_eq!(
        resp.text().await.ok().as_deref(),
        Some("<html>bad gateway</html>")
    );

    sb.add_fault(Fault::new(
        FaultRoute::Login,
        1,
        FaultAction::Redirect("https://example.invalid/elsewhere".into()),
    ));
    let resp = client()
        .post(api(&sb, "/v1/auth/universal-auth/login"))
        .json(&json!({}))
        .send()
        .await
        .expect("307");
    assert_eq!(resp.status().as_u16(), 307);
    assert_eq!(
        resp.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("https://example.invalid/elsewhere")
    );

    sb.add_fault(Fault::new(
        FaultRoute::ListConnections,
        1,
        FaultAction::Delay(Duration::from_millis(150)),
    ));
    let started = std::time::Instant::now();
    assert_eq!(
        send(authed(client().get(api(&sb, "/v1/app-connections/ona"))))
            .await
            .0,
        200
    );
    assert!(started.elapsed() >= Duration::from_millis(150));

    sb.add_fault(Fault::new(FaultRoute::OnaIdentity, 1, FaultAction::Hang));
    let timeout = Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    let err = timeout
        .post(format!(
            "{}/gitpod.v1.IdentityService/GetAuthenticatedIdentity",
            sb.ona_api_url()
        ))
        .bearer_auth(demo::ONA_PAT)
        .json(&json!({}))
        .send()
        .await
        .expect_err("hangs");
    assert!(err.is_timeout());
    sb.shutdown();
}

#[tokio::test]
async fn emulated_ona() {
    let sb = sandbox();
    let identity = format!(
        "{}/gitpod.v1.IdentityService/GetAuthenticatedIdentity",
        sb.ona_api_url()
    );
    let list = format!(
        "{}/gitpod.v1.UserService/ListPersonalAccessTokens",
        sb.ona_api_url()
    );
    let (status, v) = send(
        client()
            .post(&identity)
            .bearer_auth(demo::ONA_PAT)
            .json(&json!({})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        v,
        json!({"organizationId": demo::ONA_ORG_ID, "subject": {"id": demo::ONA_USER_ID, "principal": "PRINCIPAL_USER"}})
    );
    for req in [
        client().post(&identity).json(&json!({})),
        client()
            .post(&identity)
            .bearer_auth("nope")
            .json(&json!({})),
    ] {
        let (status, v) = send(req).await;
        assert_eq!((status, v["code"].as_str()), (401, Some("unauthenticated")));
        assert_eq!(keys(&v), keys(&fixture("ona-error-unauthenticated.json")));
    }

    // The token's user, shaped as Ona's `User` (gitpod-sdk `user.proto`).
    let user = format!(
        "{}/gitpod.v1.UserService/GetAuthenticatedUser",
        sb.ona_api_url()
    );
    let (status, v) = send(
        client()
            .post(&user)
            .bearer_auth(demo::ONA_PAT)
            .json(&json!({})),
    )
    .await;
    assert_eq!(status, 200);
    let reference = fixture("ona-get-authenticated-user-response.json");
    assert_eq!(keys(&v["user"]), keys(&reference["user"]));
    assert_eq!(
        (v["user"]["name"].as_str(), v["user"]["email"].as_str()),
        (Some(demo::ONA_USER_NAME), Some(demo::ONA_USER_EMAIL))
    );
    let (status, v) = send(client().post(&user).bearer_auth("nope").json(&json!({}))).await;
    assert_eq!((status, v["code"].as_str()), (401, Some("unauthenticated")));

    let request =
        json!({"filter": {"userIds": [demo::ONA_USER_ID]}, "pagination": {"pageSize": 25}});
    let (status, v) = send(
        client()
            .post(&list)
            .bearer_auth(demo::ONA_PAT)
            .json(&request),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(keys(&v), keys(&fixture("ona-list-pats-response.json")));
    let pat = &v["personalAccessTokens"][0];
    assert_eq!(
        keys(pat),
        keys(&fixture("ona-list-pats-response.json")["personalAccessTokens"][0])
    );
    assert_eq!(
        (pat["id"].as_str(), pat["description"].as_str()),
        (Some(demo::ONA_PAT_ID), Some(demo::ONA_PAT_DESCRIPTION))
    );
    let expires = time::OffsetDateTime::parse(
        pat["expiresAt"].as_str().unwrap_or_default(),
        &time::format_description::well_known::Rfc3339,
    )
    .expect("rfc3339");
    let days = (expires - time::OffsetDateTime::now_utc()).whole_days();
    assert!((59..=60).contains(&days), "{days}");

    let now = time::OffsetDateTime::now_utc();
    sb.add_ona_pat(
        "ona_limited",
        OnaPat {
            description: "limited".into(),
            created_at: now,
            expires_at: now + time::Duration::days(7),
            can_list: false,
        },
    );
    sb.add_ona_pat(
        "ona_expired",
        OnaPat {
            description: "old".into(),
            created_at: now - time::Duration::days(9),
            expires_at: now - time::Duration::days(1),
            can_list: true,
        },
    );
    let (status, v) = send(
        client()
            .post(&list)
            .bearer_auth(demo::ONA_PAT)
            .json(&json!({"pagination": {"pageSize": 1}})),
    )
    .await;
    assert_eq!(
        (status, v["personalAccessTokens"].as_array().map(Vec::len)),
        (200, Some(1))
    );
    let next = v["pagination"]["nextToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!next.is_empty());
    let (_, v) = send(
        client()
            .post(&list)
            .bearer_auth(demo::ONA_PAT)
            .json(&json!({"pagination": {"pageSize": 1, "token": next}})),
    )
    .await;
    assert_eq!(v["personalAccessTokens"].as_array().map(Vec::len), Some(1));

    let (status, v) = send(
        client()
            .post(&list)
            .bearer_auth("ona_limited")
            .json(&request),
    )
    .await;
    assert_eq!(
        (status, v["code"].as_str()),
        (403, Some("permission_denied"))
    );
    let (status, v) = send(
        client()
            .post(&identity)
            .bearer_auth("ona_expired")
            .json(&json!({})),
    )
    .await;
    assert_eq!((status, v["code"].as_str()), (401, Some("unauthenticated")));
    assert!(sb.revoke_ona_pat(demo::ONA_PAT));
    let (status, _) = send(
        client()
            .post(&identity)
            .bearer_auth(demo::ONA_PAT)
            .json(&json!({})),
    )
    .await;
    assert_eq!(status, 401);
    // Infisical's own check sees the same Ona state.
    let (status, v) = create(&sb, "after-revoke", None, demo::ONA_PAT).await;
    assert!(
        status == 400
            && v["message"]
                .as_str()
                .unwrap_or_default()
                .starts_with(r#"Failed to validate credentials: {"code":"unauthenticated""#)
    );
}

#[tokio::test]
async fn requests_are_recorded_and_logged() {
    let lines: Arc<Mutex<Vec<LogLine>>> = Arc::default();
    let sink = lines.clone();
    let sb = Sandbox::start(SandboxOptions {
        on_request: Some(Arc::new(move |line: &LogLine| {
            sink.lock().expect("lock").push(line.clone())
        })),
        ..SandboxOptions::default()
    })
    .expect("sandbox");
    let _ = create(
        &sb,
        "recorded",
        Some(demo::BACKEND_PROJECT_ID),
        demo::ONA_PAT,
    )
    .await;
    let _ = send(client().get(api(&sb, "/v1/projects?type=secret-manager"))).await;
    let requests = sb.requests();
    assert_eq!(requests.len(), 2);
    let first = &requests[0];
    assert_eq!(
        (first.method.as_str(), first.path.as_str(), first.status),
        ("POST", "/api/v1/app-connections/ona", Some(200))
    );
    assert_eq!(
        first.json(),
        Some(body(
            "recorded",
            Some(demo::BACKEND_PROJECT_ID),
            demo::ONA_PAT
        ))
    );
    assert_eq!(
        first.header("Authorization").map(str::to_owned),
        Some(format!("Bearer {}", demo::USER_TOKEN))
    );
    assert_eq!(
        (requests[1].query.as_deref(), requests[1].status),
        (Some("type=secret-manager"), Some(401))
    );
    let logged = lines.lock().expect("lock").clone();
    assert_eq!(logged, sb.request_log());
    assert_eq!(logged[1].to_string(), "GET /api/v1/projects -> 401");
}
