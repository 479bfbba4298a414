//! How one call reaches Infisical: the session token, retries of reads with backoff, one
//! renewal of an expired Universal Auth session, bounded bodies, and errors that say which
//! host failed and how.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode, header};
use serde::de::DeserializeOwned;

use super::client::{Call, Client, Kind, RetryPolicy};
use super::error::{ApiError, Error, MAX_ANSWER, MAX_BODY};
use crate::secret::Secret;

impl Client {
    /// Sends with the session token: reads retry on transient failures; any call rejected
    /// for its token is repeated once after a fresh Universal Auth login, when possible.
    pub(super) async fn call<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T, Error> {
        let policy = &self.options.retry;
        let started = Instant::now();
        let mut attempt = 1;
        let mut renewed = false;
        loop {
            let token = self.auth.lock().await.token.as_ref().map(Secret::duplicate);
            let Some(token) = token else {
                return Err(Error::NotSignedIn);
            };
            let error = match self.send_once(&call, Some(&token)).await {
                Ok(bytes) => return self.decode(&bytes),
                Err(e) => e,
            };
            if error.is_token_error() && !renewed && self.renew().await? {
                renewed = true;
                continue;
            }
            let wait = match (&error, call.kind) {
                (_, Kind::Write) => None,
                (_, Kind::Read) if attempt >= policy.max_attempts => None,
                (Error::Api(e), _) if e.status == 429 => {
                    match e.retry_after.map(Duration::from_secs) {
                        Some(d) if d > policy.max_retry_after => None,
                        Some(d) => Some(d),
                        None => Some(backoff(policy, attempt)),
                    }
                }
                (Error::Api(e), _) if e.status >= 500 => Some(backoff(policy, attempt)),
                (Error::Connect { .. } | Error::Network { .. } | Error::Timeout { .. }, _) => {
                    Some(backoff(policy, attempt))
                }
                _ => None,
            };
            let Some(wait) = wait else {
                // After several tries, say so and how long it really took.
                return Err(match error {
                    Error::Timeout { host, sent, .. } if attempt > 1 => Error::Timeout {
                        host,
                        seconds: started.elapsed().as_secs_f64().ceil() as u64,
                        sent,
                        attempts: attempt,
                    },
                    other => other,
                });
            };
            tracing::debug!(attempt, wait_ms = wait.as_millis() as u64, "retrying read");
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// Logs in again with the Universal Auth credentials at hand; false when there are none.
    pub(super) async fn renew(&self) -> Result<bool, Error> {
        let credentials = {
            let auth = self.auth.lock().await;
            auth.universal_auth
                .as_ref()
                .map(|(id, secret)| (id.clone(), secret.duplicate()))
        };
        let Some((client_id, secret)) = credentials else {
            return Ok(false);
        };
        tracing::info!("access token rejected; signing in again");
        let token = self.login(&client_id, &secret).await?;
        self.auth.lock().await.token = Some(token);
        Ok(true)
    }

    /// One HTTP exchange. Logs method, path, status and duration only; never headers or
    /// bodies.
    pub(super) async fn send_once(
        &self,
        call: &Call<'_>,
        token: Option<&Secret>,
    ) -> Result<Vec<u8>, Error> {
        let domain = &self.options.domain;
        let mut url = url::Url::parse(&domain.api(&call.path)).map_err(|e| Error::Decode {
            host: domain.host().into(),
            status: 0,
            detail: e.to_string(),
        })?;
        if !call.query.is_empty() {
            url.query_pairs_mut().extend_pairs(call.query.iter());
        }
        let timeout = match call.kind {
            Kind::Read => self.options.timeouts.read,
            Kind::Write if call.method == Method::POST && call.path.contains("/auth/") => {
                self.options.timeouts.read
            }
            Kind::Write => self.options.timeouts.write,
        };
        let mut request = self.http.request(call.method.clone(), url).timeout(timeout);
        if let Some(token) = token {
            request = request.bearer_auth(token.expose());
        }
        // DELETE gets no content type: Fastify rejects an empty JSON body (docs/infisical-api.md §1).
        if let Some(body) = &call.body {
            request = request
                .header(header::CONTENT_TYPE, "application/json")
                .body(serde_json::to_vec(body).unwrap_or_default());
        }
        let started = Instant::now();
        let result = request.send().await;
        let host = domain.host().to_string();
        let mut response = match result {
            Ok(r) => r,
            Err(e) => {
                tracing::debug!(method = %call.method, path = %call.path, error = "transport", elapsed_ms = started.elapsed().as_millis() as u64);
                return Err(classify(e, host, timeout));
            }
        };
        let status = response.status();
        tracing::debug!(method = %call.method, path = %call.path, status = status.as_u16(), elapsed_ms = started.elapsed().as_millis() as u64);
        if status.is_redirection() {
            let location = response
                .headers()
                .get(header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .unwrap_or("(no location)");
            return Err(Error::Redirect {
                status: status.as_u16(),
                location: crate::sanitize::for_terminal(location, 200),
            });
        }
        let retry_after = response
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        // An error is shown, never parsed as data: its first MiB says all there is to say.
        let cap = if status.is_success() {
            MAX_ANSWER
        } else {
            MAX_BODY
        };
        let mut body = Vec::new();
        let mut cut = false;
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    let room = cap.saturating_sub(body.len());
                    body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                    if room < chunk.len() {
                        cut = true;
                        break;
                    }
                }
                Ok(None) => break,
                Err(e) => return Err(classify(e, host, timeout)),
            }
        }
        if status.is_success() && cut {
            Err(Error::Decode {
                host,
                status: status.as_u16(),
                detail: format!("the answer is larger than {} MiB", MAX_ANSWER >> 20),
            })
        } else if status.is_success() {
            Ok(body)
        } else {
            Err(Error::Api(ApiError::from_body(
                status.as_u16(),
                &body,
                retry_after.as_deref(),
            )))
        }
    }

    pub(super) fn decode<T: DeserializeOwned>(&self, body: &[u8]) -> Result<T, Error> {
        serde_json::from_str(&super::lenient::json_text(body)).map_err(|e| Error::Decode {
            host: self.options.domain.host().into(),
            status: StatusCode::OK.as_u16(),
            detail: format!("not the expected JSON ({e})"),
        })
    }
}

fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
    policy
        .base_delay
        .saturating_mul(factor)
        .min(policy.max_delay)
}

fn classify(e: reqwest::Error, host: String, timeout: Duration) -> Error {
    let mut detail = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    let detail = crate::sanitize::for_terminal(&detail, 200);
    let tls = detail.to_ascii_lowercase().contains("certificate") || detail.contains("tls");
    if e.is_timeout() {
        Error::Timeout {
            host,
            seconds: timeout.as_secs(),
            sent: !e.is_connect(),
            attempts: 1,
        }
    } else if e.is_connect() && tls {
        Error::Tls { host, detail }
    } else if e.is_connect() {
        Error::Connect { host, detail }
    } else {
        Error::Network { host, detail }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_capped() {
        let p = RetryPolicy::default();
        assert_eq!(backoff(&p, 1), Duration::from_millis(300));
        assert_eq!(backoff(&p, 2), Duration::from_millis(600));
        assert_eq!(backoff(&p, 10), Duration::from_secs(4));
    }
}
