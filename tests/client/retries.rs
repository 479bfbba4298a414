//! Retry rules: reads retry transient failures within bounds, writes and logins never.

use super::*;

#[tokio::test]
async fn a_read_rate_limit_waits_for_retry_after() {
    let sb = sandbox();
    let c = token_client(&sb, demo::USER_TOKEN).await;
    sb.add_fault(Fault::new(
        FaultRoute::ListProjects,
        1,
        FaultAction::Status429 {
            retry_after: Some(1),
        },
    ));
    let started = Instant::now();
    let projects = c.list_projects().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After honoured"
    );
    assert_eq!(projects.len(), 2);
    let statuses: Vec<_> = sb.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(429), Some(200)]);
    assert_eq!(count(&sb, "GET", PROJECTS_PATH), 2);
}

#[tokio::test]
async fn reads_retry_transient_failures_within_max_attempts() {
    let sb = sandbox();
    let c = token_client(&sb, demo::USER_TOKEN).await;
    sb.add_fault(Fault::new(
        FaultRoute::ListProjects,
        2,
        FaultAction::Status500,
    ));
    assert_eq!(c.list_projects().await.unwrap().len(), 2);
    assert_eq!(count(&sb, "GET", PROJECTS_PATH), 3);

    sb.add_fault(Fault::new(
        FaultRoute::ListConnections,
        1,
        FaultAction::DropBeforeHandling,
    ));
    assert!(c.list_connections(None).await.unwrap().is_empty());
    assert_eq!(
        count(&sb, "GET", CREATE_PATH),
        2,
        "a dropped read is repeated"
    );

    sb.add_fault(Fault::new(
        FaultRoute::ListProjects,
        5,
        FaultAction::Status500,
    ));
    let err = c.list_projects().await.unwrap_err();
    assert_eq!(api(&err).status, 500);
    assert_eq!(
        count(&sb, "GET", PROJECTS_PATH),
        3 + 3,
        "bounded by max_attempts"
    );

    // A read that never answers times out per attempt and is retried, still bounded.
    let mut quick = options_for(&sb.url());
    quick.timeouts.read = Duration::from_millis(150);
    let quick = Client::new(quick).unwrap();
    quick
        .sign_in(Credentials::AccessToken(Secret::new(demo::USER_TOKEN)))
        .await
        .unwrap();
    sb.add_fault(Fault::new(FaultRoute::ListProjects, 3, FaultAction::Hang));
    let err = quick.list_projects().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { sent: true, .. }), "{err:?}");
    assert_eq!(count(&sb, "GET", PROJECTS_PATH), 6 + 3);
    // A login that never answers is not repeated (it may have counted as an attempt).
    sb.add_fault(Fault::new(FaultRoute::Login, 3, FaultAction::Hang));
    let err = quick.sign_in(ua()).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(count(&sb, "POST", LOGIN_PATH), 1);
    assert_clean(&sb, &err);
}

#[tokio::test]
async fn writes_and_logins_are_never_repeated() {
    let sb = sandbox();
    let c = ua_client(&sb).await;
    let id = c
        .create_connection(&request("kept"), false)
        .await
        .unwrap()
        .connection
        .id;
    let item = format!("{CREATE_PATH}/{id}");

    sb.add_fault(Fault::new(FaultRoute::Update, 5, FaultAction::Status500));
    let err = c
        .update_connection(
            &id,
            &UpdateRequest {
                name: Some("other".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(api(&err).status, 500);
    assert_eq!(count(&sb, "PATCH", &item), 1);

    sb.add_fault(Fault::new(
        FaultRoute::Delete,
        5,
        FaultAction::DropBeforeHandling,
    ));
    let err = c.delete_connection(&id).await.unwrap_err();
    assert!(err.outcome_unknown());
    assert_eq!(count(&sb, "DELETE", &item), 1);

    sb.add_fault(Fault::new(FaultRoute::Login, 5, FaultAction::Status500));
    let fresh = client(&sb);
    let err = fresh.sign_in(ua()).await.unwrap_err();
    assert_eq!(api(&err).status, 500);
    assert_eq!(
        count(&sb, "POST", LOGIN_PATH),
        2,
        "one login per sign_in, even after a 500"
    );
    assert_clean(&sb, &err);
}
