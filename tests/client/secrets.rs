//! Secrets stay out of errors (every error in the other modules also goes through
//! `assert_clean`).

use super::*;

#[tokio::test]
async fn errors_never_show_secrets() {
    let sb = sandbox();
    let c = ua_client(&sb).await;
    let mut errors: Vec<Box<dyn ShowBoth>> = Vec::new();
    for action in [
        FaultAction::Status500,
        FaultAction::StoreThenDrop,
        FaultAction::DropBeforeHandling,
        FaultAction::Hang,
        FaultAction::Status(400, r#"{"message":"refused"}"#.into(), None),
    ] {
        sb.add_fault(Fault::new(FaultRoute::Create, 1, action));
        if let Err(e) = c.create_connection_once(&request("secret-check")).await {
            errors.push(Box::new(e));
        }
        if let Err(e) = c.create_connection(&request("secret-check-2"), false).await {
            errors.push(Box::new(e));
        }
    }
    sb.add_fault(Fault::new(FaultRoute::Update, 1, FaultAction::Hang));
    let stored = sb.connections();
    let id = stored
        .first()
        .map(|s| s.id.to_string())
        .unwrap_or(MISSING_ID.into());
    let update = UpdateRequest {
        token: Some(Secret::new(demo::ONA_PAT)),
        ..Default::default()
    };
    errors.push(Box::new(
        c.update_connection(&id, &update).await.unwrap_err(),
    ));
    assert!(format!("{update:?}").contains("<redacted>"));
    assert!(!format!("{:?}", request("x")).contains(demo::ONA_PAT));
    assert!(!format!("{c:?}").contains(demo::CLIENT_SECRET));
    assert!(errors.len() >= 6, "{}", errors.len());
    for e in &errors {
        e.check(&sb);
    }
}

trait ShowBoth {
    fn check(&self, sb: &Sandbox);
}

impl<T: Debug + Display> ShowBoth for T {
    fn check(&self, sb: &Sandbox) {
        assert_clean(sb, self);
    }
}
