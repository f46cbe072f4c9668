//! The ping: `GET /v2/`, which says whether a registry speaks the distribution API and how to
//! authenticate with it.

use super::client::{Client, LearnedAuth};
use super::error::RegistryError;
use super::exchange::Exchange;
use super::http::{Expect, Method, Purpose, RateLimit, Response, TransportError, ERROR_BODY_MAX};
use super::operation::{registry_url, Answer, Exchanges, Next, State};
use super::token::read_challenge;
use super::{Operation, Step};

/// What `GET /v2/` said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PingResult {
    /// 200 (open) or 401 (authentication required).
    pub status: u16,
    /// `Docker-Distribution-API-Version`, e.g. `registry/2.0`.
    pub api_version: Option<String>,
    /// `bearer` or `basic` when authentication is required.
    pub auth_scheme: Option<String>,
    /// The Bearer realm.
    pub realm: Option<String>,
    /// The Bearer service.
    pub service: Option<String>,
    pub rate_limit: Option<RateLimit>,
}

/// `GET /v2/`. Build with [`ping()`].
#[derive(Debug)]
pub struct PingOp {
    request: PingRequest,
    state: State<PingResult>,
}

#[derive(Debug)]
struct PingRequest {
    registry: String,
}

/// Pings a registry (a reference domain: `docker.io`, `127.0.0.1:5000`). A 401 is an answer,
/// not an error: its challenge is recorded in the client, saving later requests a round trip.
pub fn ping(registry: &str) -> PingOp {
    PingOp {
        request: PingRequest {
            registry: registry.to_string(),
        },
        state: State::Start,
    }
}

impl Exchanges for PingRequest {
    type Output = PingResult;

    fn start(&mut self, client: &Client) -> Result<Exchange, RegistryError> {
        let url = registry_url(client, &self.registry, "/v2/")?;
        let x = Exchange::new(
            &self.registry,
            "",
            url,
            Method::Get,
            Purpose::Ping,
            Expect::Full {
                max_len: ERROR_BODY_MAX,
            },
            Vec::new(),
        );
        Ok(x.without_auth())
    }

    fn judge(
        &mut self,
        client: &mut Client,
        answer: Answer,
    ) -> Result<Next<PingResult>, RegistryError> {
        let Answer {
            response: resp,
            rate_limit,
            url,
        } = answer;
        let url = &url;
        let mut out = PingResult {
            status: resp.status,
            api_version: resp
                .header("docker-distribution-api-version")
                .map(str::to_string),
            auth_scheme: None,
            realm: None,
            service: None,
            rate_limit,
        };
        match resp.status {
            200..=299 => Ok(Next::Done(out)),
            401 => {
                let own = client.base_url(&self.registry).map(|b| b.origin());
                if own.as_deref() != Some(url.origin().as_str()) {
                    // A challenge from where a redirect led is not the registry's to teach.
                    return Err(RegistryError::from_response(&resp, Purpose::Ping, url));
                }
                let info = read_challenge(&resp.header_all("www-authenticate"))?;
                match &info.auth {
                    LearnedAuth::Bearer { realm, service } => {
                        out.auth_scheme = Some("bearer".to_string());
                        out.realm = Some(realm.to_string());
                        out.service = service.clone();
                    }
                    LearnedAuth::Basic => out.auth_scheme = Some("basic".to_string()),
                }
                client.learn_auth(&self.registry, info.auth);
                Ok(Next::Done(out))
            }
            _ => Err(RegistryError::from_response(&resp, Purpose::Ping, url)),
        }
    }
}

impl Operation for PingOp {
    type Output = PingResult;

    fn next(&mut self, client: &mut Client, now_ms: u64) -> Step<PingResult> {
        self.state.step(&mut self.request, client, now_ms)
    }

    fn on_response(&mut self, client: &mut Client, response: Response, now_ms: u64) {
        self.state.on_response(client, response, now_ms);
    }

    fn on_transport_error(&mut self, client: &mut Client, error: TransportError, now_ms: u64) {
        self.state.on_transport_error(client, error, now_ms);
    }
}
