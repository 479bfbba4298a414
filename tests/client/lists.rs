//! Lists as large organisations and broken servers send them: big answers are read whole,
//! one broken name costs only itself, and an oversized answer is refused with a clear message.

use super::*;

/// One project in Infisical's shape (about 800 bytes, as in the reference fixture).
fn project_json(i: usize, name: &str) -> serde_json::Value {
    serde_json::json!({
        "id": format!("{i:08x}-1111-4111-8111-111111111111"),
        "_id": format!("{i:08x}-1111-4111-8111-111111111111"),
        "name": name,
        "slug": format!("project-{i}"),
        "description": "A project of a large organisation, described the way people describe them",
        "type": "secret-manager",
        "defaultProduct": null,
        "autoCapitalization": false,
        "orgId": "00000000-0000-4000-8000-00000000000a",
        "createdAt": "2026-01-10T09:00:00.000Z",
        "updatedAt": "2026-04-01T12:00:00.000Z",
        "version": 3,
        "upgradeStatus": null,
        "pitVersionLimit": 10,
        "kmsCertificateKeyId": null,
        "auditLogsRetentionDays": null,
        "hasDeleteProtection": false,
        "secretSharing": true,
        "showSnapshotsLegacy": false,
        "secretDetectionIgnoreValues": [],
        "environments": [
            {"name": "Development", "slug": "dev", "id": "e0000000-0000-4000-8000-000000000101"},
            {"name": "Staging", "slug": "staging", "id": "e0000000-0000-4000-8000-000000000102"},
            {"name": "Production", "slug": "prod", "id": "e0000000-0000-4000-8000-000000000103"}
        ]
    })
}

fn serve_projects(sb: &Sandbox, body: String) {
    sb.add_fault(Fault::new(
        FaultRoute::ListProjects,
        1,
        FaultAction::Status(200, body, Some("application/json".into())),
    ));
}

#[tokio::test]
async fn two_thousand_projects_are_listed_whole() {
    let sb = sandbox();
    let projects: Vec<_> = (0..2000)
        .map(|i| project_json(i, &format!("Project {i}")))
        .collect();
    let body = serde_json::json!({ "projects": projects }).to_string();
    assert!(body.len() > 1_500_000, "{} bytes", body.len());
    serve_projects(&sb, body);
    let c = ua_client(&sb).await;
    let listed = c.list_projects().await.expect("the list is read whole");
    assert_eq!(listed.len(), 2000);
    assert_eq!(listed[1999].name, "Project 1999");
}

/// A name cut in the middle of an emoji (a lone surrogate escape), bytes that are not UTF-8,
/// and an item of the wrong shape: each costs only itself.
#[tokio::test]
async fn one_broken_name_keeps_the_rest_of_the_list() {
    let sb = sandbox();
    let good = |i| project_json(i, &format!("Project {i}")).to_string();
    let cut = project_json(1, "Cut PLACEHOLDER")
        .to_string()
        .replace("PLACEHOLDER", "\\ud83d");
    let body = format!(
        "{{\"projects\": [{}, {cut}, {}, {{\"id\": 7}}, {}]}}",
        good(0),
        project_json(2, "Bad \u{FFFD} bytes"),
        good(3)
    );
    serve_projects(&sb, body);
    let c = ua_client(&sb).await;
    let listed = c.list_projects().await.expect("the list survives");
    let names: Vec<&str> = listed.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Project 0",
            "Cut \u{FFFD}",
            "Bad \u{FFFD} bytes",
            "Project 3"
        ]
    );
}

/// Bytes that are not UTF-8 cannot travel in the sandbox's scripted answer (a `String`), so
/// this one is served by a bare listener.
#[tokio::test]
async fn invalid_utf8_in_one_name_keeps_the_rest_of_the_list() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let mut body = br#"{"projects": [{"id": "a", "name": "Bad "#.to_vec();
    body.extend_from_slice(b"\xff\xfe");
    body.extend_from_slice(br#"", "slug": "bad"}, {"id": "b", "name": "Fine", "slug": "fine"}]}"#);
    let server = std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        let mut request = [0u8; 4096];
        let _ = socket.read(&mut request);
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        socket.write_all(head.as_bytes()).unwrap();
        socket.write_all(&body).unwrap();
    });
    let c = Client::new(options_for(&url)).unwrap();
    c.sign_in(Credentials::AccessToken(Secret::new("t")))
        .await
        .unwrap();
    let listed = c.list_projects().await.expect("the list survives");
    server.join().unwrap();
    let names: Vec<&str> = listed.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Bad \u{FFFD}\u{FFFD}", "Fine"]);
}

/// The cap stays for hostile answers: beyond it the answer is refused with a message that
/// says so, rather than cut and misread.
#[tokio::test]
async fn an_oversized_answer_is_refused_with_a_clear_message() {
    let sb = sandbox();
    let filler = "x".repeat(33 << 20);
    serve_projects(
        &sb,
        format!("{{\"projects\": [], \"filler\": \"{filler}\"}}"),
    );
    let c = ua_client(&sb).await;
    let err = c.list_projects().await.unwrap_err();
    assert!(err.to_string().contains("larger than 32 MiB"), "{err}");
}
