//! Where requests may go: plain HTTP only to loopback, redirects never followed.

use super::*;

/// A raw listener on 127.0.0.1 that answers every request with `{"projects": []}` and reports
/// what it received.
struct RawServer {
    port: u16,
    handle: std::thread::JoinHandle<Vec<String>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl RawServer {
    fn start() -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stop_flag = stop.clone();
        let handle = std::thread::spawn(move || {
            let mut seen = Vec::new();
            while !stop_flag.load(std::sync::atomic::Ordering::SeqCst) {
                match listener.accept() {
                    Ok((mut stream, _)) => {
                        stream.set_nonblocking(false).unwrap();
                        stream
                            .set_read_timeout(Some(Duration::from_millis(500)))
                            .unwrap();
                        let mut buf = vec![0u8; 16 * 1024];
                        let n = stream.read(&mut buf).unwrap_or(0);
                        seen.push(String::from_utf8_lossy(&buf[..n]).into_owned());
                        let body = r#"{"projects":[]}"#;
                        let _ = write!(
                            stream,
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                            body.len()
                        );
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
            seen
        });
        RawServer { port, handle, stop }
    }

    fn finish(self) -> Vec<String> {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        self.handle.join().unwrap()
    }
}

#[tokio::test]
async fn plain_http_only_reaches_loopback() {
    let raw = RawServer::start();
    for host in [
        "example.com",
        "10.0.0.1",
        "0.0.0.0",
        "localhost.evil.test",
        "127.0.0.1.nip.io",
    ] {
        let url = format!("http://{host}:{}", raw.port);
        assert!(
            matches!(Domain::parse(&url), Err(DomainError::InsecureHttp(_))),
            "{url}"
        );
    }
    assert!(matches!(
        Domain::parse(&format!("http://127.0.0.1@example.com:{}", raw.port)),
        Err(DomainError::ExtraParts)
    ));
    // The same listener, addressed as loopback, gets exactly one request.
    let c = Client::new(options_for(&format!("http://127.0.0.1:{}", raw.port))).unwrap();
    c.sign_in(Credentials::AccessToken(Secret::new(demo::USER_TOKEN)))
        .await
        .unwrap();
    assert!(c.list_projects().await.unwrap().is_empty());
    let seen = raw.finish();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(seen[0].starts_with("GET /api/v1/projects?type=secret-manager HTTP/1.1\r\n"));
}

#[tokio::test]
async fn redirects_are_refused_and_never_followed() {
    let sb = sandbox();
    let elsewhere = RawServer::start();
    let target = format!("http://127.0.0.1:{}/api/v1/projects", elsewhere.port);
    let c = ua_client(&sb).await;

    sb.add_fault(Fault::new(
        FaultRoute::ListProjects,
        1,
        FaultAction::Redirect(target.clone()),
    ));
    let err = c.list_projects().await.unwrap_err();
    assert_eq!(
        err,
        Error::Redirect {
            status: 307,
            location: target.clone()
        }
    );
    assert_eq!(
        count(&sb, "GET", PROJECTS_PATH),
        1,
        "a redirect is not retried"
    );
    assert_clean(&sb, &err);

    sb.add_fault(Fault::new(
        FaultRoute::Create,
        1,
        FaultAction::Redirect(target.clone()),
    ));
    let err = c
        .create_connection(&request("moved"), false)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, CreateError::Rejected(Error::Redirect { .. })),
        "{err:?}"
    );
    assert_clean(&sb, &err);

    // A lookup that is redirected is a failure of that host: the token is not posted to it.
    sb.add_fault(Fault::new(
        FaultRoute::GetByName,
        1,
        FaultAction::Redirect(target.clone()),
    ));
    let posts_before = count(&sb, "POST", CREATE_PATH);
    let err = c
        .create_connection(&request("looked-up"), false)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, CreateError::LookupFailed(Error::Redirect { .. })),
        "{err:?}"
    );
    assert!(err.to_string().contains("the token was not sent"), "{err}");
    assert_eq!(
        count(&sb, "POST", CREATE_PATH),
        posts_before,
        "the token was posted"
    );
    assert_clean(&sb, &err);

    sb.add_fault(Fault::new(
        FaultRoute::Login,
        1,
        FaultAction::Redirect(target.clone()),
    ));
    let err = client(&sb).sign_in(ua()).await.unwrap_err();
    assert!(matches!(err, Error::Redirect { .. }), "{err:?}");
    assert_clean(&sb, &err);

    assert!(sb.connections().is_empty());
    assert_eq!(
        elsewhere.finish(),
        Vec::<String>::new(),
        "the target got no connection"
    );
    assert_ona_token_only_in_write_bodies(&sb, &[demo::ONA_PAT]);
}
