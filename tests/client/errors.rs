//! Error classes (docs/infisical-api.md §7.2) with their fields.

use super::*;

#[tokio::test]
async fn bad_request_classes() {
    let sb = sandbox();
    let c = ua_client(&sb).await;

    // Duplicate name: the safe create stops before the token is sent...
    let first = c.create_connection(&request("taken"), false).await.unwrap();
    let posts = create_posts(&sb);
    let Err(CreateError::NameTaken(existing)) = c.create_connection(&request("taken"), false).await
    else {
        panic!("expected NameTaken");
    };
    assert_eq!(existing, first.connection);
    assert_eq!(
        create_posts(&sb),
        posts,
        "the token was not sent for a taken name"
    );
    // ...and the single-shot create gets the server's 400.
    let dup = c
        .create_connection_once(&request("taken"))
        .await
        .unwrap_err();
    let e = api(&dup);
    assert_eq!((e.status, e.error.as_str()), (400, "BadRequest"));
    assert_eq!(
        text(e),
        "An App Connection with the name \"taken\" already exists"
    );
    assert!(e.is_duplicate_name() && !e.is_ona_rejection() && !e.is_project_not_found());
    assert!(!dup.is_token_error() && !dup.outcome_unknown());
    assert_req_id(e);
    assert_eq!(e.retry_after, None);
    assert_clean(&sb, &dup);

    // Ona says no: reported as Rejected, nothing stored.
    let mut bad = request("bad-pat");
    bad.token = Secret::new("ona_garbage_token_value_123");
    let err = c.create_connection(&bad, false).await.unwrap_err();
    let CreateError::Rejected(cause) = &err else {
        panic!("expected Rejected, got {err:?}");
    };
    let e = api(cause);
    assert_eq!((e.status, e.error.as_str()), (400, "BadRequest"));
    assert!(
        text(e).starts_with("Failed to validate credentials: {"),
        "{}",
        text(e)
    );
    assert!(e.is_ona_rejection() && !e.is_duplicate_name());
    assert_req_id(e);
    assert_clean(&sb, &err);
    assert!(!format!("{err:?}{err}").contains("ona_garbage_token_value_123"));
    // A revoked PAT on update is the same rejection.
    sb.revoke_ona_pat(demo::ONA_PAT);
    let upd = c
        .update_connection(
            &first.connection.id,
            &UpdateRequest {
                token: Some(Secret::new(demo::ONA_PAT)),
                ..UpdateRequest::default()
            },
        )
        .await
        .unwrap_err();
    assert!(api(&upd).is_ona_rejection(), "{upd:?}");
    assert_clean(&sb, &upd);

    // Unknown project.
    let mut lost = request("lost");
    lost.project_id = MISSING_ID.into();
    let err = c.create_connection(&lost, false).await.unwrap_err();
    let e = api(err.cause().unwrap());
    assert_eq!(
        text(e),
        format!("Could not find project with ID {MISSING_ID}")
    );
    assert!(e.is_project_not_found());
    assert_req_id(e);
    assert_eq!(sb.connections().len(), 1);
    assert_ona_token_only_in_write_bodies(&sb, &[demo::ONA_PAT, "ona_garbage_token_value_123"]);
}

#[tokio::test]
async fn unauthorized_classes() {
    let sb = sandbox();
    // Invalid credentials: one login, no retry.
    let c = client(&sb);
    let err = c
        .sign_in(Credentials::UniversalAuth {
            client_id: demo::CLIENT_ID.into(),
            client_secret: Secret::new("wrong-secret-value"),
        })
        .await
        .unwrap_err();
    let e = api(&err);
    assert_eq!((e.status, e.error.as_str()), (401, "UnauthorizedError"));
    assert_eq!(text(e), "Invalid credentials");
    assert!(e.is_token_error());
    assert_req_id(e);
    assert_eq!(
        count(&sb, "POST", LOGIN_PATH),
        1,
        "a failed login is never repeated"
    );
    assert!(!format!("{err:?}{err}").contains("wrong-secret-value"));
    assert_clean(&sb, &err);
    // The failed client is not signed in and sends nothing.
    assert_eq!(c.list_projects().await.unwrap_err(), Error::NotSignedIn);
    assert_eq!(sb.requests().len(), 1);

    // A revoked identity token: 401 from the server, no credentials to log in again.
    let token = sb.issue_access_token();
    let c = token_client(&sb, &token).await;
    sb.revoke_access_token(&token);
    let err = c.list_projects().await.unwrap_err();
    let e = api(&err);
    assert_eq!((e.status, e.error.as_str()), (401, "UnauthorizedError"));
    assert_eq!(text(e), "No identity access token found");
    assert!(err.is_token_error());
    assert_req_id(e);
    assert_clean(&sb, &err);

    // `Token missing` cannot come from this client (it never sends without a token), so the
    // fixture is served verbatim to check its parsing.
    sb.add_fault(Fault::new(
        FaultRoute::ListProjects,
        1,
        FaultAction::Status(
            401,
            fixture("error-401-token-missing.json"),
            Some("application/json".into()),
        ),
    ));
    let c = token_client(&sb, demo::USER_TOKEN).await;
    let err = c.list_projects().await.unwrap_err();
    let e = api(&err);
    assert_eq!((e.status, text(e)), (401, "Token missing"));
    assert_eq!(e.req_id.as_deref(), Some("req-FAKE0000000001"));
    assert!(err.is_token_error());
    assert_eq!(count(&sb, "POST", LOGIN_PATH), 1);
}

#[tokio::test]
async fn forbidden_classes() {
    let sb = sandbox();
    let malformed = token_client(&sb, "not-a-jwt-at-all").await;
    let err = malformed.list_projects().await.unwrap_err();
    let e = api(&err);
    assert_eq!((e.status, e.error.as_str()), (403, "TokenError"));
    assert!(text(e).starts_with("The provided access token is malformed"));
    assert!(e.is_token_error());
    assert_req_id(e);
    assert!(!format!("{err:?}{err}").contains("not-a-jwt-at-all"));

    let foreign = token_client(&sb, "eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.c2lnbmF0dXJl").await;
    let err = foreign.list_connections(None).await.unwrap_err();
    assert_eq!(
        (api(&err).status, api(&err).error.as_str(), text(api(&err))),
        (403, "TokenError", "invalid signature")
    );

    let user = token_client(&sb, demo::USER_TOKEN).await;
    sb.expire_access_tokens();
    let err = user.list_projects().await.unwrap_err();
    let e = api(&err);
    assert_eq!((e.status, e.error.as_str()), (403, "TokenError"));
    assert_eq!(text(e), "Your token has expired. Please re-authenticate.");
    assert_req_id(e);
    assert_clean(&sb, &err);

    let service = token_client(&sb, "st.abc.def.ghi").await;
    let before = sb.requests().len();
    let err = service.list_projects().await.unwrap_err();
    let e = api(&err);
    assert_eq!(e.status, 403);
    assert_eq!(
        e.error,
        "Forbidden access to /api/v1/projects?type=secret-manager"
    );
    assert_eq!(text(e), "You are not allowed to access this resource");
    assert!(
        !e.is_token_error(),
        "a permission problem, not a token problem"
    );
    assert_req_id(e);
    assert_eq!(sb.requests().len(), before + 1, "a 403 is not retried");
    assert_clean(&sb, &err);

    let err = service
        .create_connection(&request("from-st"), false)
        .await
        .unwrap_err();
    assert!(matches!(&err, CreateError::Rejected(Error::Api(e)) if e.status == 403));
    assert_clean(&sb, &err);
    assert!(sb.connections().is_empty());
    // A token error on the name lookup stops the create before the Ona token is sent.
    let err = malformed
        .create_connection(&request("from-bad"), false)
        .await
        .unwrap_err();
    assert!(err.cause().unwrap().is_token_error());
    assert_eq!(
        sb.requests()
            .iter()
            .filter(|r| r.method == "POST"
                && r.path == CREATE_PATH
                && r.header("authorization") == Some("Bearer not-a-jwt-at-all"))
            .count(),
        0
    );
}

#[tokio::test]
async fn not_found_and_validation_classes() {
    let sb = sandbox();
    let c = token_client(&sb, demo::USER_TOKEN).await;

    for err in [
        c.get_connection(MISSING_ID).await.unwrap_err(),
        c.delete_connection(MISSING_ID).await.unwrap_err(),
        c.update_connection(MISSING_ID, &UpdateRequest::default())
            .await
            .unwrap_err(),
    ] {
        let e = api(&err);
        assert_eq!((e.status, e.error.as_str()), (404, "NotFound"));
        assert_eq!(
            text(e),
            format!("Could not find App Connection with ID {MISSING_ID}")
        );
        assert_req_id(e);
    }

    let err = c.get_connection("not-a-uuid").await.unwrap_err();
    let e = api(&err);
    assert_eq!((e.status, e.error.as_str()), (422, "ValidationFailure"));
    let ApiMessage::Issues(issues) = &e.message else {
        panic!("422 carries an issue list: {e:?}");
    };
    assert_eq!(issues[0].path, ["connectionId"]);
    assert_eq!(issues[0].message, "Invalid UUID");
    assert_eq!(e.message_lines(), ["connectionId: Invalid UUID"]);
    assert_req_id(e);

    let invalid = CreateRequest {
        name: "Not A Slug".into(),
        description: Some("x".repeat(300)),
        project_id: demo::BACKEND_PROJECT_ID.into(),
        token: Secret::new("   "),
    };
    let err = c.create_connection(&invalid, false).await.unwrap_err();
    let CreateError::Rejected(cause) = &err else {
        panic!("{err:?}");
    };
    let e = api(cause);
    assert_eq!(e.status, 422);
    assert_eq!(e.issue_paths(), ["credentials", "name", "description"]);
    let lines = e.message_lines();
    assert!(
        lines.contains(&"credentials.personalAccessToken: Personal Access Token required".into()),
        "{lines:?}"
    );
    assert!(lines.iter().any(|l| l.starts_with("name: ")), "{lines:?}");
    assert!(err.to_string().contains("credentials.personalAccessToken"));
    assert_req_id(e);
    assert!(sb.connections().is_empty());
}

#[tokio::test]
async fn rate_limit_and_server_errors_are_parsed() {
    let sb = sandbox();
    let c = token_client(&sb, demo::USER_TOKEN).await;

    // A Retry-After beyond max_retry_after is reported, not waited for: the error comes back
    // after the one request (counted below), long before the 42 s (the scaled timeout is only
    // a guard, and shorter than those 42 s).
    sb.add_fault(Fault::new(
        FaultRoute::ListProjects,
        1,
        FaultAction::Status429 {
            retry_after: Some(42),
        },
    ));
    assert!(common::timeout() < Duration::from_secs(42));
    let err = tokio::time::timeout(common::timeout(), c.list_projects())
        .await
        .expect("the client waited for the Retry-After")
        .unwrap_err();
    let e = api(&err);
    assert_eq!((e.status, e.error.as_str()), (429, "RateLimitExceeded"));
    assert_eq!(
        text(e),
        "Rate limit exceeded. Please try again in 42 seconds"
    );
    assert_eq!(e.retry_after, Some(42));
    assert_req_id(e);
    assert_eq!(count(&sb, "GET", PROJECTS_PATH), 1);

    // A 429 on a write is reported as is (nothing was done).
    sb.add_fault(Fault::new(
        FaultRoute::Create,
        1,
        FaultAction::Status429 { retry_after: None },
    ));
    let err = c
        .create_connection(&request("limited"), false)
        .await
        .unwrap_err();
    let CreateError::Rejected(Error::Api(e)) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(
        (e.status, e.retry_after),
        (429, Some(60)),
        "seconds from the message"
    );
    assert_eq!(create_posts(&sb), 1);

    // 500 on a read: retried up to max_attempts, then reported with its fields.
    sb.add_fault(Fault::new(FaultRoute::GetById, 10, FaultAction::Status500));
    let err = c.get_connection(MISSING_ID).await.unwrap_err();
    let e = api(&err);
    assert_eq!((e.status, e.error.as_str()), (500, "InternalServerError"));
    assert_eq!(text(e), "Something went wrong");
    assert_req_id(e);
    assert!(err.outcome_unknown());
    assert_eq!(count(&sb, "GET", &format!("{CREATE_PATH}/{MISSING_ID}")), 3);
    assert_clean(&sb, &err);
}

#[tokio::test]
async fn non_json_bodies_become_readable_errors() {
    let sb = sandbox();
    let c = token_client(&sb, demo::USER_TOKEN).await;
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    sb.add_fault(Fault::new(
        FaultRoute::ListProjects,
        3,
        FaultAction::Status(502, html.into(), Some("text/html".into())),
    ));
    let err = c.list_projects().await.unwrap_err();
    let e = api(&err);
    assert_eq!(
        (e.status, e.error.as_str(), e.req_id.as_deref()),
        (502, "ServerError", None)
    );
    assert!(text(e).contains("not Infisical's JSON"), "{}", text(e));
    assert!(text(e).contains("502 Bad Gateway"));
    assert!(
        err.to_string()
            .starts_with("502 ServerError: unexpected response"),
        "{err}"
    );
    assert_eq!(count(&sb, "GET", PROJECTS_PATH), 3, "a 5xx read is retried");

    sb.add_fault(Fault::new(
        FaultRoute::GetById,
        1,
        FaultAction::Status(404, "Not here\x1b[2J".into(), Some("text/plain".into())),
    ));
    let err = c.get_connection(MISSING_ID).await.unwrap_err();
    assert_eq!(
        (api(&err).status, api(&err).error.as_str()),
        (404, "NotFound")
    );
    assert!(
        !err.to_string().contains('\x1b'),
        "server text is sanitized"
    );
    assert!(err.display_lines().iter().all(|l| !l.contains('\x1b')));

    sb.add_fault(Fault::new(
        FaultRoute::Create,
        1,
        FaultAction::Status(400, String::new(), None),
    ));
    let err = c
        .create_connection_once(&request("empty"))
        .await
        .unwrap_err();
    assert_eq!(text(api(&err)), "unexpected empty response from the server");

    // A 200 that is not the expected JSON is a decode error, not a panic.
    sb.add_fault(Fault::new(
        FaultRoute::ListConnections,
        1,
        FaultAction::Status(
            200,
            "<html>login page</html>".into(),
            Some("text/html".into()),
        ),
    ));
    let err = c.list_connections(None).await.unwrap_err();
    assert!(matches!(err, Error::Decode { status: 200, .. }), "{err:?}");
}
