//! One logical request to a registry, carried through authentication, retries and redirects:
//! the building block every operation drives. It finishes with the final [`Response`] (any
//! status the operation must judge) or a [`RegistryError`].
//!
//! Per send, the `Authorization` header is decided afresh: the registry's credentials or token
//! go only to the registry's origin (so a redirect to another origin drops them and a
//! same-origin redirect keeps them); token requests carry credentials only to the realm's
//! origin. A `401` teaches the client the registry's scheme; with Bearer a token is fetched
//! and the request retried once; a refused token (or Basic credential) moves to the next
//! credential; `insufficient_scope` asks once more with the challenge's scopes merged in.

use super::client::{Client, LearnedAuth};
use super::error::RegistryError;
use super::http::{
    parse_rate_limit, Expect, Method, Purpose, Request, Response, TransportError,
    TransportErrorKind,
};
use super::retry::{is_retryable_status, parse_retry_after};
use super::token::{
    b64token_problem, basic_header, bearer_header, merge_scopes, read_challenge, token_key,
    token_mode, TokenMode,
};
use super::url::Url;
use super::{Event, Operation, Step};
use crate::auth::credential::{Credential, SecretString};
use std::collections::VecDeque;
use token::TokenFetch;

mod token;

/// What the last main request carried.
#[derive(Clone, Debug)]
enum Sent {
    None,
    Basic,
    Bearer(String),
}

/// Where an exchange is: ready to send the main request, about to ask the realm for a token,
/// waiting for the answer to either, or finished.
#[derive(Debug)]
enum State {
    Ready,
    Token(TokenFetch),
    AwaitMain(Sent),
    AwaitToken(TokenFetch),
    Finished(Option<Result<Response, RegistryError>>),
}

/// A request to a registry with auth, retries and redirects handled.
#[derive(Debug)]
pub struct Exchange {
    /// The registry (a reference's domain) the request is for.
    registry: String,
    /// The origin of the registry's base URL, set on the first step: the main request carries
    /// credentials and tokens only there (token requests carry credentials to the realm's
    /// origin, see `token.rs`).
    registry_origin: Option<String>,
    /// `<registry>/<repository>`: where the client remembers which credential worked.
    pref_key: String,
    /// The URL first asked for. A retry starts here again; a redirect back here is a loop.
    target: Url,
    /// The URL of the current hop (`target`, or where redirects led).
    url: Url,
    method: Method,
    purpose: Purpose,
    expect: Expect,
    /// Headers the operation adds (`Accept`, `Range`).
    headers: Vec<(String, String)>,
    /// False for the ping: a 401 is then an answer, not a challenge to meet.
    handle_auth: bool,
    /// The token scopes asked for: pull on the repository, plus what challenges added.
    scopes: Vec<String>,
    /// The credentials to try, in the keyring's order (`None`: anonymous); read from the
    /// client on the first step, so that credentials set after construction count.
    slots: Option<Vec<Option<Credential>>>,
    /// The one in use (starts at the one that last worked for `pref_key`).
    slot: usize,
    /// An `insufficient_scope` challenge already widened the scopes for this credential:
    /// the next refusal moves on rather than asking again.
    escalated: bool,
    /// The token just fetched, under its cache key: used for the next send without asking the
    /// cache, which by then may count it expired (a short `expires_in`, a slow driver). A token
    /// is good for the request it was fetched for; asking the cache could fetch it in a loop.
    fresh: Option<(String, SecretString)>,
    /// Redirects followed in this attempt (a loop or too many ends it).
    hops: Vec<String>,
    /// Attempts that failed with a retryable error so far.
    failures: u32,
    state: State,
    /// A back-off to report as [`Step::Wait`] once `events` are out (the retry's event first).
    wait: Option<(u64, String)>,
    /// Events to report before anything else.
    events: VecDeque<Event>,
    /// The last `RateLimit-*` values the registry sent.
    rate_limit: Option<super::http::RateLimit>,
}

impl Exchange {
    /// A request for `repository` of `registry` (a reference domain) to `url`, pull-scoped.
    pub fn new(
        registry: &str,
        repository: &str,
        url: Url,
        method: Method,
        purpose: Purpose,
        expect: Expect,
        headers: Vec<(String, String)>,
    ) -> Exchange {
        Exchange {
            registry: registry.to_string(),
            registry_origin: None,
            pref_key: format!("{registry}/{repository}"),
            target: url.clone(),
            method,
            purpose,
            expect,
            headers,
            handle_auth: true,
            scopes: if repository.is_empty() {
                Vec::new()
            } else {
                vec![format!("repository:{repository}:pull")]
            },
            slots: None,
            slot: 0,
            escalated: false,
            fresh: None,
            url,
            hops: Vec::new(),
            failures: 0,
            state: State::Ready,
            wait: None,
            events: VecDeque::new(),
            rate_limit: None,
        }
    }

    /// Do not authenticate: a 401 is a final response (the ping).
    pub fn without_auth(mut self) -> Exchange {
        self.handle_auth = false;
        self
    }

    /// The last `RateLimit-*` values the registry sent.
    pub fn rate_limit(&self) -> Option<super::http::RateLimit> {
        self.rate_limit
    }

    /// The URL of the final hop (after redirects).
    pub fn final_url(&self) -> &Url {
        &self.url
    }

    fn finish(&mut self, r: Result<Response, RegistryError>) {
        self.state = State::Finished(Some(r));
    }

    fn cred(&self) -> Option<&Credential> {
        self.slots.as_ref()?.get(self.slot)?.as_ref()
    }

    fn cred_id(&self) -> String {
        match self.cred() {
            Some(c) => format!("{}#{}", self.slot, c.username),
            None => "anonymous".to_string(),
        }
    }

    /// Whether `url` is on the registry's own origin (the only place its credentials go).
    fn is_registry(&self, url: &Url) -> bool {
        self.registry_origin.as_deref() == Some(url.origin().as_str())
    }

    fn init_slots(&mut self, client: &Client) {
        if self.slots.is_some() {
            return;
        }
        self.registry_origin = client.base_url(&self.registry).map(|u| u.origin());
        let repo = self.pref_key.split_once('/').map_or("", |(_, r)| r);
        let creds = client.credentials_for(&self.registry, repo);
        let slots: Vec<Option<Credential>> = if creds.is_empty() {
            vec![None]
        } else {
            creds
                .iter()
                .map(|c| (!c.is_anonymous()).then(|| c.clone()))
                .collect()
        };
        self.slot = client
            .preferred_credential(&self.pref_key)
            .min(slots.len() - 1);
        self.slots = Some(slots);
    }

    fn slot_count(&self) -> usize {
        self.slots.as_ref().map_or(1, Vec::len)
    }

    fn base_headers(&self, client: &Client) -> Vec<(String, String)> {
        let mut h = Vec::new();
        let ua = &client.config().user_agent;
        if !ua.is_empty() {
            h.push(("User-Agent".to_string(), ua.clone()));
        }
        h.extend(self.headers.iter().cloned());
        h
    }

    fn request(&self, headers: Vec<(String, String)>) -> Request {
        Request {
            method: self.method,
            url: self.url.to_string(),
            headers,
            body: None,
            purpose: self.purpose,
            expect: self.expect.clone(),
        }
    }

    /// Sends the main request, or switches to fetching a token first (returns `None`).
    fn send_main(&mut self, client: &Client, now_ms: u64) -> Option<Step<Response>> {
        let mut headers = self.base_headers(client);
        let mut sent = Sent::None;
        let at_registry = self.is_registry(&self.url);
        if self.handle_auth && at_registry {
            let credentialed = self.cred().is_some();
            if credentialed
                && !client.credentials_allowed(&self.url)
                && client.learned_auth(&self.registry).is_some()
            {
                self.finish(Err(RegistryError::InsecureCredentialsRefused {
                    host: self.url.host().to_string(),
                }));
                return None;
            }
            match client.learned_auth(&self.registry).cloned() {
                Some(LearnedAuth::Bearer { realm, service }) => {
                    let key = token_key(
                        &self.registry,
                        &realm,
                        service.as_deref(),
                        &self.scopes,
                        &self.cred_id(),
                    );
                    let token = match self.fresh.take() {
                        Some((k, t)) if k == key => Some(t),
                        _ => client.cached_token(&key, now_ms).cloned(),
                    };
                    match token {
                        Some(t) => {
                            // Checked where a token becomes a header, whatever put it in the
                            // cache (parse_token_response and cache_token refuse such tokens).
                            let Some(value) = bearer_header(&t) else {
                                self.finish(Err(RegistryError::InvalidResponse {
                                    reason: b64token_problem(t.expose()),
                                    url: realm.redacted(),
                                }));
                                return None;
                            };
                            headers.push(("Authorization".to_string(), value));
                            sent = Sent::Bearer(key);
                        }
                        None => {
                            let mode = token_mode(self.cred());
                            self.state = State::Token(TokenFetch {
                                url: realm.clone(),
                                realm,
                                service,
                                key,
                                mode,
                                hops: Vec::new(),
                                fell_back: false,
                            });
                            return None;
                        }
                    }
                }
                Some(LearnedAuth::Basic) => {
                    if let Some(c) = self.cred() {
                        headers.push(("Authorization".to_string(), basic_header(c)));
                        sent = Sent::Basic;
                    }
                }
                None => {}
            }
        }
        let req = self.request(headers);
        self.state = State::AwaitMain(sent);
        Some(Step::Send(req))
    }

    fn next_slot_or_fail(&mut self, resp: &Response, purpose: Purpose, url: &Url) {
        self.slot += 1;
        self.escalated = false;
        if self.slot < self.slot_count() {
            self.state = State::Ready;
            return;
        }
        let n = self
            .slots
            .as_ref()
            .map_or(0, |s| s.iter().filter(|c| c.is_some()).count());
        let context = if n == 0 {
            format!("no credentials are configured for {}", self.registry)
        } else {
            format!("tried {n} credential(s) for {}", self.registry)
        };
        self.finish(Err(
            RegistryError::from_response(resp, purpose, url).with_context(context)
        ));
    }

    fn retry_or_fail(
        &mut self,
        client: &mut Client,
        reason: String,
        retry_after: Option<u64>,
        fail: RegistryError,
        resume: State,
    ) {
        self.failures += 1;
        let policy = client.config().retry.clone();
        if self.failures >= policy.attempts {
            let context = format!("gave up after {} attempt(s)", self.failures);
            self.finish(Err(fail.with_context(context)));
            return;
        }
        let wait_ms = match retry_after {
            Some(ms) => ms.min(policy.retry_after_cap_ms),
            None => client.backoff_ms(self.failures),
        };
        self.events.push_back(Event::Retry {
            attempt: self.failures,
            wait_ms,
            reason: reason.clone(),
        });
        self.wait = Some((wait_ms, reason));
        self.url = self.target.clone();
        self.hops.clear();
        self.state = resume;
    }

    /// Where a redirect goes, or `None` after finishing with the reason it may not be followed.
    fn redirect_target(
        &mut self,
        from: &Url,
        resp: &Response,
        hops: &[String],
        max: usize,
    ) -> Option<Url> {
        let next = resp.header("location").and_then(|l| from.join(l));
        let Some(next) = next else {
            self.finish(Err(RegistryError::InvalidResponse {
                reason: format!("HTTP {} without a usable Location", resp.status),
                url: from.redacted(),
            }));
            return None;
        };
        if hops.len() >= max || next == self.target || hops.contains(&next.to_string()) {
            self.finish(Err(RegistryError::RedirectLoop {
                url: next.redacted(),
                hops: hops.len() + 1,
            }));
            return None;
        }
        Some(next)
    }

    fn on_main(&mut self, sent: Sent, resp: Response, client: &mut Client, now_ms: u64) {
        let at_registry = self.is_registry(&self.url);
        if at_registry {
            if let Some(rl) = parse_rate_limit(&resp) {
                self.rate_limit = Some(rl);
                self.events.push_back(Event::RateLimit(rl));
            }
        }
        let authed = !matches!(sent, Sent::None);
        match resp.status {
            301 | 302 | 303 | 307 | 308 => {
                let from = self.url.clone();
                let hops = self.hops.clone();
                let max = client.config().max_redirects;
                let Some(next) = self.redirect_target(&from, &resp, &hops, max) else {
                    return;
                };
                self.events.push_back(Event::Redirect {
                    from_host: from.host().to_string(),
                    to_host: next.host().to_string(),
                    authorization_dropped: authed && !self.is_registry(&next),
                });
                self.hops.push(next.to_string());
                self.url = next;
                self.state = State::Ready;
            }
            401 if self.handle_auth && at_registry => self.on_unauthorized(sent, resp, client),
            403 if self.handle_auth
                && at_registry
                && authed
                && self.slot + 1 < self.slot_count() =>
            {
                if let Sent::Bearer(k) = &sent {
                    client.forget_token(k);
                }
                let url = self.url.clone();
                self.next_slot_or_fail(&resp, self.purpose, &url);
            }
            s if is_retryable_status(s) && self.method.is_idempotent() => {
                let retry_after = resp
                    .header("retry-after")
                    .and_then(|v| parse_retry_after(v, now_ms));
                let fail = RegistryError::from_response(&resp, self.purpose, &self.url);
                self.retry_or_fail(
                    client,
                    format!("HTTP {s} from {}", self.url.host()),
                    retry_after,
                    fail,
                    State::Ready,
                );
            }
            _ => {
                if resp.is_success() && authed {
                    client.prefer_credential(&self.pref_key, self.slot);
                }
                self.finish(Ok(resp));
            }
        }
    }

    fn on_unauthorized(&mut self, sent: Sent, resp: Response, client: &mut Client) {
        let url = self.url.clone();
        let values = resp.header_all("www-authenticate");
        if values.is_empty() {
            // Nothing to learn: only a refused credential is worth replacing.
            if matches!(sent, Sent::None) {
                let e = RegistryError::from_response(&resp, self.purpose, &url)
                    .with_context("the registry sent no WWW-Authenticate challenge".to_string());
                return self.finish(Err(e));
            }
            return self.next_slot_or_fail(&resp, self.purpose, &url);
        }
        let info = match read_challenge(&values) {
            Ok(i) => i,
            Err(e) => return self.finish(Err(e)),
        };
        client.learn_auth(&self.registry, info.auth.clone());
        match (&info.auth, sent) {
            (LearnedAuth::Bearer { .. }, Sent::Bearer(key)) => {
                client.forget_token(&key);
                let merged = merge_scopes(&self.scopes, &info.scopes);
                if info.insufficient_scope && !self.escalated && merged != self.scopes {
                    self.escalated = true;
                    self.scopes = merged;
                    self.state = State::Ready;
                } else {
                    self.next_slot_or_fail(&resp, self.purpose, &url);
                }
            }
            (LearnedAuth::Bearer { .. }, _) => {
                self.scopes = merge_scopes(&self.scopes, &info.scopes);
                self.state = State::Ready;
            }
            (LearnedAuth::Basic, Sent::Basic) => self.next_slot_or_fail(&resp, self.purpose, &url),
            (LearnedAuth::Basic, _) => {
                if self.cred().is_some() {
                    self.state = State::Ready;
                } else {
                    self.next_slot_or_fail(&resp, self.purpose, &url);
                }
            }
        }
    }
}

impl Operation for Exchange {
    type Output = Response;

    fn next(&mut self, client: &mut Client, now_ms: u64) -> Step<Response> {
        self.init_slots(client);
        loop {
            if let Some(e) = self.events.pop_front() {
                return Step::Event(e);
            }
            if let Some((ms, reason)) = self.wait.take() {
                return Step::Wait { ms, reason };
            }
            match std::mem::replace(&mut self.state, State::Finished(None)) {
                State::Ready => {
                    if let Some(step) = self.send_main(client, now_ms) {
                        return step;
                    }
                }
                State::Token(tf) => {
                    if let Some(step) = self.send_token(tf, client) {
                        return step;
                    }
                }
                State::AwaitMain(_) | State::AwaitToken(_) => {
                    self.finish(Err(RegistryError::state(
                        "next() called while a response is outstanding",
                    )));
                }
                State::Finished(r) => {
                    return Step::Done(
                        r.unwrap_or_else(|| Err(RegistryError::state("next() called after Done"))),
                    )
                }
            }
        }
    }

    fn on_response(&mut self, client: &mut Client, response: Response, now_ms: u64) {
        match std::mem::replace(&mut self.state, State::Finished(None)) {
            State::AwaitMain(sent) => self.on_main(sent, response, client, now_ms),
            State::AwaitToken(tf) => self.on_token(tf, response, client, now_ms),
            _ => self.finish(Err(RegistryError::state(
                "a response arrived with no request outstanding",
            ))),
        }
    }

    fn on_transport_error(&mut self, client: &mut Client, error: TransportError, _now_ms: u64) {
        let retryable = matches!(
            error.kind,
            TransportErrorKind::Network | TransportErrorKind::Timeout
        );
        let reason = format!("network error: {}", error.safe_message());
        match std::mem::replace(&mut self.state, State::Finished(None)) {
            State::AwaitMain(_) => {
                let fail = RegistryError::from_transport(&error, &self.url, self.failures + 1);
                if retryable && self.method.is_idempotent() {
                    self.retry_or_fail(client, reason, None, fail, State::Ready);
                } else {
                    self.finish(Err(fail));
                }
            }
            State::AwaitToken(mut tf) => {
                let fail = RegistryError::from_transport(&error, &tf.url, self.failures + 1);
                let post = tf.mode == TokenMode::OAuthRefresh
                    && self.cred().is_some()
                    && tf.url.origin() == tf.realm.origin();
                if retryable && !post {
                    tf.url = tf.realm.clone();
                    tf.hops.clear();
                    self.retry_or_fail(client, reason, None, fail, State::Token(tf));
                } else {
                    self.finish(Err(fail));
                }
            }
            _ => self.finish(Err(RegistryError::state(
                "a transport error arrived with no request outstanding",
            ))),
        }
    }
}
