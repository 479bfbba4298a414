//! Every endpoint round-trips, signed in either way.

use super::*;

#[tokio::test]
async fn every_endpoint_round_trips() {
    let sb = sandbox();
    let c = ua_client(&sb).await;

    let login = &sb.requests()[0];
    assert_eq!(
        (login.method.as_str(), login.path.as_str()),
        ("POST", LOGIN_PATH)
    );
    assert_eq!(login.header("authorization"), None, "no token on login");
    assert_eq!(
        login.json().unwrap(),
        serde_json::json!({"clientId": demo::CLIENT_ID, "clientSecret": demo::CLIENT_SECRET})
    );

    let projects = c.list_projects().await.unwrap();
    let ids: Vec<&str> = projects.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, [demo::BACKEND_PROJECT_ID, demo::FRONTEND_PROJECT_ID]);
    assert_eq!(projects[0].name, demo::BACKEND_PROJECT_NAME);
    assert_eq!(projects[0].slug, demo::BACKEND_PROJECT_SLUG);
    assert_eq!(projects[0].org_id, demo::ORG_ID);
    let last = sb.requests().pop().unwrap();
    assert_eq!(last.query.as_deref(), Some("type=secret-manager"));
    assert!(
        last.header("authorization")
            .unwrap()
            .starts_with("Bearer eyJ")
    );

    let Created {
        connection: created,
        recovered,
    } = c
        .create_connection(&request("ona-main"), false)
        .await
        .unwrap();
    assert!(!recovered);
    assert_eq!(created.name, "ona-main");
    assert_eq!(created.app, "ona");
    assert_eq!(created.method, "personal-access-token");
    assert_eq!(
        created.project_id.as_deref(),
        Some(demo::BACKEND_PROJECT_ID)
    );
    assert_eq!(created.org_id, demo::ORG_ID);
    assert_eq!(
        created.description.as_deref(),
        Some("Created by the Ona wizard")
    );
    assert_eq!(created.version, Some(1));
    assert!(created.project.is_none(), "no project key on create");
    let hash = created.credentials_hash.clone().expect("credentialsHash");
    assert_eq!(hash.len(), 64);
    let post = sb
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path == CREATE_PATH)
        .unwrap();
    assert_eq!(
        post.json().unwrap(),
        serde_json::json!({"name": "ona-main", "description": "Created by the Ona wizard",
            "method": "personal-access-token", "projectId": demo::BACKEND_PROJECT_ID,
            "credentials": {"personalAccessToken": demo::ONA_PAT}})
    );
    assert_eq!(sb.connections()[0].personal_access_token, demo::ONA_PAT);

    let in_project = c
        .list_connections(Some(demo::BACKEND_PROJECT_ID))
        .await
        .unwrap();
    assert_eq!(in_project.len(), 1);
    assert_eq!(in_project[0].id, created.id);
    let project = in_project[0]
        .project
        .as_ref()
        .expect("list items carry project");
    assert_eq!(project.id, demo::BACKEND_PROJECT_ID);
    assert_eq!(project.slug.as_deref(), Some(demo::BACKEND_PROJECT_SLUG));
    assert!(
        c.list_connections(Some(demo::FRONTEND_PROJECT_ID))
            .await
            .unwrap()
            .is_empty()
    );
    let org_wide = c.list_connections(None).await.unwrap();
    assert_eq!(
        org_wide.len(),
        1,
        "without projectId every connection is listed"
    );
    let last = sb.requests().pop().unwrap();
    assert_eq!(
        (last.path.as_str(), last.query.as_deref()),
        (CREATE_PATH, None)
    );

    let by_id = c.get_connection(&created.id).await.unwrap();
    assert_eq!(by_id, created);

    let by_name = c
        .find_connection_by_name("ona-main", Some(demo::BACKEND_PROJECT_ID))
        .await
        .unwrap();
    assert_eq!(by_name.as_ref(), Some(&created));
    assert_eq!(
        c.find_connection_by_name("ona-main", None).await.unwrap(),
        None,
        "a project-scoped connection is not found in org scope"
    );
    assert_eq!(
        c.find_connection_by_name("ona-main", Some(demo::FRONTEND_PROJECT_ID))
            .await
            .unwrap(),
        None
    );
    // A name that needs escaping stays one path segment.
    assert_eq!(
        c.find_connection_by_name("a/../b?x", Some(demo::BACKEND_PROJECT_ID))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        sb.requests().pop().unwrap().path,
        format!("{BY_NAME_PREFIX}a%2F..%2Fb%3Fx")
    );

    let pat2 = second_pat(&sb);
    let updated = c
        .update_connection(
            &created.id,
            &UpdateRequest {
                name: Some("ona-renamed".into()),
                description: Some(None),
                token: Some(Secret::new(pat2)),
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.id, created.id, "id stays");
    assert_eq!(updated.name, "ona-renamed");
    assert_eq!(updated.description, None);
    assert_ne!(updated.credentials_hash.as_deref(), Some(hash.as_str()));
    assert_ne!(updated.updated_at, created.updated_at);
    assert_eq!(sb.connections()[0].personal_access_token, pat2);
    // A PATCH without a token leaves the hash alone.
    let renamed = c
        .update_connection(
            &created.id,
            &UpdateRequest {
                description: Some(Some("again".into())),
                ..UpdateRequest::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(renamed.credentials_hash, updated.credentials_hash);
    assert_eq!(renamed.description.as_deref(), Some("again"));

    let deleted = c.delete_connection(&created.id).await.unwrap();
    assert_eq!(deleted.id, created.id);
    assert!(sb.connections().is_empty());
    let delete = sb.requests().pop().unwrap();
    assert_eq!(delete.method, "DELETE");
    assert_eq!(
        delete.header("content-type"),
        None,
        "DELETE carries no JSON type"
    );
    let gone = c.get_connection(&created.id).await.unwrap_err();
    assert_eq!(api(&gone).status, 404);

    assert_eq!(count(&sb, "POST", LOGIN_PATH), 1);
    assert!(sb.requests().iter().all(|r| r.status.is_some()));
    assert_ona_token_only_in_write_bodies(&sb, &[demo::ONA_PAT, pat2]);
}

#[tokio::test]
async fn a_user_session_token_works_too() {
    let sb = sandbox();
    let c = token_client(&sb, demo::USER_TOKEN).await;
    assert!(sb.requests().is_empty(), "adopting a token sends nothing");
    assert_eq!(c.list_projects().await.unwrap().len(), 2);
    assert!(
        sb.requests()[0]
            .header("authorization")
            .is_some_and(|h| h == format!("Bearer {}", demo::USER_TOKEN))
    );
}
