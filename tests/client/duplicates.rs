//! Duplicate safety: a create whose outcome is unknown is looked up by name, never sent
//! twice.

use super::*;

#[tokio::test]
async fn lost_answer_is_recovered_by_name_without_a_second_post() {
    let sb = sandbox();
    let c = ua_client(&sb).await;
    sb.clear_requests();
    sb.add_fault(Fault::new(
        FaultRoute::Create,
        1,
        FaultAction::StoreThenDrop,
    ));
    let created = c
        .create_connection(&request("dropped"), false)
        .await
        .unwrap();
    assert!(created.recovered);
    assert_eq!(created.connection.name, "dropped");
    assert_eq!(sb.connections().len(), 1);
    assert_eq!(created.connection.id, sb.connections()[0].id.to_string());
    assert_eq!(create_posts(&sb), 1);
    assert_eq!(
        trail(&sb),
        ["GET by-name", &format!("POST {CREATE_PATH}"), "GET by-name"]
    );
    assert_ona_token_only_in_write_bodies(&sb, &[demo::ONA_PAT]);
}

#[tokio::test]
async fn a_second_call_after_an_unknown_outcome_finds_the_first() {
    let sb = sandbox();
    let c = ua_client(&sb).await;
    sb.add_fault(Fault::new(
        FaultRoute::Create,
        1,
        FaultAction::StoreThenDrop,
    ));
    let err = c
        .create_connection_once(&request("late"))
        .await
        .unwrap_err();
    assert!(err.outcome_unknown(), "{err:?}");
    assert!(matches!(err, Error::Network { .. }), "{err:?}");
    assert_clean(&sb, &err);
    let again = c.create_connection(&request("late"), true).await.unwrap();
    assert!(again.recovered);
    assert_eq!(create_posts(&sb), 1, "found by name, not sent again");
    assert_eq!(sb.connections().len(), 1);
}

#[tokio::test]
async fn a_server_error_on_create_is_looked_up_not_resent() {
    let sb = sandbox();
    let c = ua_client(&sb).await;
    sb.clear_requests();
    sb.add_fault(Fault::new(FaultRoute::Create, 1, FaultAction::Status500));
    let err = c
        .create_connection(&request("five"), false)
        .await
        .unwrap_err();
    let CreateError::NotCreated { cause } = &err else {
        panic!("expected NotCreated, got {err:?}");
    };
    assert_eq!(api(cause).status, 500);
    assert_req_id(api(cause));
    assert!(err.to_string().contains("safe to send again"));
    assert_clean(&sb, &err);
    assert_eq!(create_posts(&sb), 1, "never re-sent blindly");
    assert!(sb.connections().is_empty());
    let post = format!("POST {CREATE_PATH}");
    assert_eq!(
        trail(&sb),
        ["GET by-name", &post, "GET by-name", "GET by-name"]
    );

    let created = c.create_connection(&request("five"), true).await.unwrap();
    assert!(
        !created.recovered,
        "the first attempt did not store anything"
    );
    assert_eq!(create_posts(&sb), 2);
    assert_eq!(sb.connections().len(), 1);
}

#[tokio::test]
async fn a_dropped_request_is_not_created() {
    let sb = sandbox();
    let c = token_client(&sb, demo::USER_TOKEN).await;
    sb.add_fault(Fault::new(
        FaultRoute::Create,
        1,
        FaultAction::DropBeforeHandling,
    ));
    let err = c
        .create_connection(&request("never"), false)
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            CreateError::NotCreated {
                cause: Error::Network { .. }
            }
        ),
        "{err:?}"
    );
    assert_eq!(create_posts(&sb), 1);
    assert!(sb.connections().is_empty());
}

#[tokio::test]
async fn a_hanging_create_times_out_and_is_looked_up() {
    let sb = sandbox();
    let c = ua_client(&sb).await;
    sb.add_fault(Fault::new(FaultRoute::Create, 1, FaultAction::Hang));
    let started = Instant::now();
    let err = c
        .create_connection(&request("slow"), false)
        .await
        .unwrap_err();
    assert!(started.elapsed() >= WRITE_TIMEOUT);
    assert!(
        matches!(
            &err,
            CreateError::NotCreated {
                cause: Error::Timeout { sent: true, .. }
            }
        ),
        "{err:?}"
    );
    assert_clean(&sb, &err);
    assert_eq!(create_posts(&sb), 1);

    // When the lookups fail too the outcome stays unknown: still no second POST.
    sb.clear_requests();
    sb.add_fault(Fault::new(
        FaultRoute::GetByName,
        1,
        FaultAction::Delay(Duration::ZERO),
    ));
    sb.add_fault(Fault::new(FaultRoute::Create, 1, FaultAction::Hang));
    sb.add_fault(Fault::new(
        FaultRoute::GetByName,
        100,
        FaultAction::Status500,
    ));
    let err = c
        .create_connection(&request("slow"), false)
        .await
        .unwrap_err();
    let CreateError::OutcomeUnknown { cause, lookup } = &err else {
        panic!("expected OutcomeUnknown, got {err:?}");
    };
    assert!(
        matches!(cause, Error::Timeout { sent: true, .. }),
        "{cause:?}"
    );
    assert_eq!(api(lookup).status, 500);
    assert_clean(&sb, &err);
    assert_eq!(create_posts(&sb), 1);
    assert!(sb.connections().is_empty());
    // Pre-check + 2 reconcile lookups of 3 attempts each.
    assert_eq!(
        trail(&sb).iter().filter(|t| *t == "GET by-name").count(),
        1 + 2 * 3
    );
    assert_ona_token_only_in_write_bodies(&sb, &[demo::ONA_PAT]);
}

#[tokio::test]
async fn an_unreadable_success_answer_is_looked_up_not_reported_as_refused() {
    let sb = sandbox();
    let c = ua_client(&sb).await;
    let garbled = || {
        Fault::new(
            FaultRoute::Create,
            1,
            FaultAction::Status(200, "<html>portal</html>".into(), Some("text/html".into())),
        )
    };
    // Stored, but the 200 cannot be read: the pre-check is made to miss the connection (as if
    // it was stored just now) and the lookup afterwards finds it.
    let first = c.create_connection_once(&request("garbled")).await.unwrap();
    sb.add_fault(Fault::new(
        FaultRoute::GetByName,
        1,
        FaultAction::Status(
            404,
            fixture("error-404-by-name.json"),
            Some("application/json".into()),
        ),
    ));
    sb.add_fault(garbled());
    let created = c
        .create_connection(&request("garbled"), false)
        .await
        .unwrap();
    assert!(created.recovered);
    assert_eq!(created.connection.id, first.id);
    assert_eq!(create_posts(&sb), 2);
    assert_eq!(sb.connections().len(), 1);

    // Not stored: reported as not created (safe to send again), never as a refusal.
    sb.add_fault(garbled());
    let err = c
        .create_connection(&request("unread"), false)
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            CreateError::NotCreated {
                cause: Error::Decode { status: 200, .. }
            }
        ),
        "{err:?}"
    );
    assert_eq!(create_posts(&sb), 3);
}
