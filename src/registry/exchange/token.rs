//! The token half of an [`Exchange`]: asking the Bearer realm for a token with the current
//! credential (anonymous GET, Basic GET, or the OAuth2 refresh-token POST with its GET
//! fallback), following the realm's redirects (credentials stay on the realm's origin), and
//! reading the answer into the client's token cache.

use super::{Exchange, State};
use crate::registry::client::Client;
use crate::registry::error::RegistryError;
use crate::registry::http::{Purpose, Response};
use crate::registry::retry::{is_retryable_status, parse_retry_after};
use crate::registry::token::{parse_token_response, token_request, TokenMode};
use crate::registry::url::Url;
use crate::registry::{Event, Step};

/// One token request in flight (or about to be).
#[derive(Clone, Debug)]
pub(super) struct TokenFetch {
    pub(super) realm: Url,
    pub(super) service: Option<String>,
    pub(super) key: String,
    pub(super) mode: TokenMode,
    pub(super) url: Url,
    pub(super) hops: Vec<String>,
    pub(super) fell_back: bool,
}

impl Exchange {
    pub(super) fn send_token(&mut self, tf: TokenFetch, client: &Client) -> Option<Step<Response>> {
        let at_realm = tf.url.origin() == tf.realm.origin();
        let cred = if at_realm { self.cred() } else { None };
        let mode = if cred.is_some() {
            tf.mode
        } else {
            TokenMode::Anonymous
        };
        if cred.is_some() && !client.credentials_allowed(&tf.url) {
            self.finish(Err(RegistryError::InsecureCredentialsRefused {
                host: tf.url.host().to_string(),
            }));
            return None;
        }
        let req = token_request(
            &tf.url,
            tf.service.as_deref(),
            &self.scopes,
            cred,
            mode,
            &client.config().user_agent,
        );
        self.state = State::AwaitToken(tf);
        Some(Step::Send(req))
    }

    pub(super) fn on_token(
        &mut self,
        mut tf: TokenFetch,
        resp: Response,
        client: &mut Client,
        now_ms: u64,
    ) {
        let oauth = tf.mode == TokenMode::OAuthRefresh
            && self.cred().is_some()
            && tf.url.origin() == tf.realm.origin();
        match resp.status {
            200..=299 => match parse_token_response(&resp.body) {
                Ok((token, expires_in)) => {
                    client.cache_token(tf.key.clone(), token.clone(), now_ms, expires_in);
                    self.fresh = Some((tf.key, token));
                    self.state = State::Ready;
                }
                Err(reason) => self.finish(Err(RegistryError::InvalidResponse {
                    reason,
                    url: tf.url.redacted(),
                })),
            },
            301 | 302 | 303 | 307 | 308 => {
                let from = tf.url.clone();
                let max = client.config().max_redirects;
                let Some(next) = self.redirect_target(&from, &resp, &tf.hops, max) else {
                    return;
                };
                let had = self.cred().is_some() && from.origin() == tf.realm.origin();
                self.events.push_back(Event::Redirect {
                    from_host: from.host().to_string(),
                    to_host: next.host().to_string(),
                    authorization_dropped: had && next.origin() != tf.realm.origin(),
                });
                tf.hops.push(next.to_string());
                tf.url = next;
                self.state = State::Token(tf);
            }
            400 | 401 | 404 | 405 if oauth && !tf.fell_back => {
                tf.fell_back = true;
                tf.mode = TokenMode::Basic;
                tf.url = tf.realm.clone();
                tf.hops.clear();
                self.state = State::Token(tf);
            }
            401 | 403 => {
                let url = tf.url.clone();
                self.next_slot_or_fail(&resp, Purpose::Token, &url);
            }
            s if is_retryable_status(s) && !oauth => {
                let retry_after = resp
                    .header("retry-after")
                    .and_then(|v| parse_retry_after(v, now_ms));
                let fail = RegistryError::from_response(&resp, Purpose::Token, &tf.url);
                let reason = format!("HTTP {s} from token server {}", tf.url.host());
                tf.url = tf.realm.clone();
                tf.hops.clear();
                self.retry_or_fail(client, reason, retry_after, fail, State::Token(tf));
            }
            _ => {
                let e = RegistryError::from_response(&resp, Purpose::Token, &tf.url);
                self.finish(Err(e));
            }
        }
    }
}
