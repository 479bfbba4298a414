//! Re-login: an expired token is renewed once with Universal Auth; token errors do not
//! loop.

use super::*;

#[tokio::test]
async fn an_expired_token_is_renewed_once_with_universal_auth() {
    let sb = sandbox();
    let c = ua_client(&sb).await;
    sb.expire_access_tokens();
    assert_eq!(c.list_projects().await.unwrap().len(), 2);
    assert_eq!(count(&sb, "POST", LOGIN_PATH), 2);
    let statuses: Vec<_> = sb.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(200), Some(403), Some(200), Some(200)]);
    let tokens: Vec<_> = sb
        .requests()
        .iter()
        .filter_map(|r| r.header("authorization").map(str::to_string))
        .collect();
    assert_eq!(tokens.len(), 2);
    assert_ne!(tokens[0], tokens[1], "the repeat uses the new token");

    // A write rejected for its token is repeated once too (the server did nothing).
    sb.expire_access_tokens();
    let created = c
        .create_connection(&request("after-expiry"), false)
        .await
        .unwrap();
    assert!(!created.recovered);
    assert_eq!(count(&sb, "POST", LOGIN_PATH), 3);
    assert_eq!(sb.connections().len(), 1);

    // A revoked token (401) likewise.
    let current = sb.requests().pop().unwrap();
    let bearer = current
        .header("authorization")
        .unwrap()
        .strip_prefix("Bearer ")
        .unwrap();
    assert!(sb.revoke_access_token(bearer));
    assert_eq!(c.list_connections(None).await.unwrap().len(), 1);
    assert_eq!(count(&sb, "POST", LOGIN_PATH), 4);
    // Re-logins, like the first, never carry the stale token (Infisical would answer 403).
    assert!(
        sb.requests()
            .iter()
            .filter(|r| r.path == LOGIN_PATH)
            .all(|r| r.header("authorization").is_none())
    );
}

#[tokio::test]
async fn token_errors_do_not_loop() {
    let sb = sandbox();
    // Only an access token: the error is returned, no login is attempted.
    let c = token_client(&sb, demo::USER_TOKEN).await;
    sb.expire_access_tokens();
    let err = c.list_projects().await.unwrap_err();
    assert!(err.is_token_error(), "{err:?}");
    assert_eq!(sb.requests().len(), 1);
    assert_eq!(count(&sb, "POST", LOGIN_PATH), 0);
    assert_clean(&sb, &err);

    // With credentials but a server that keeps refusing: one re-login, then the error.
    let c = ua_client(&sb).await;
    sb.clear_requests();
    let missing = fixture("error-401-token-missing.json");
    sb.add_fault(Fault::new(
        FaultRoute::ListProjects,
        10,
        FaultAction::Status(401, missing, Some("application/json".into())),
    ));
    let err = c.list_projects().await.unwrap_err();
    assert_eq!(api(&err).status, 401);
    assert_eq!(
        trail(&sb),
        [
            format!("GET {PROJECTS_PATH}"),
            format!("POST {LOGIN_PATH}"),
            format!("GET {PROJECTS_PATH}")
        ]
    );
    assert_clean(&sb, &err);

    // The re-login itself failing ends the call as well.
    sb.clear_requests();
    sb.expire_access_tokens();
    sb.add_fault(Fault::new(FaultRoute::Login, 1, FaultAction::Status500));
    let err = c.list_connections(None).await.unwrap_err();
    assert_eq!(api(&err).status, 500);
    assert_eq!(count(&sb, "POST", LOGIN_PATH), 1);
    assert_eq!(count(&sb, "GET", CREATE_PATH), 1);
    assert_clean(&sb, &err);
}
