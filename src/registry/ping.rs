//! The ping: `GET /v2/`, which says whether a registry speaks the distribution API and how to
//! authenticate with it.

use super::client::{Client, LearnedAuth};
use super::error::RegistryError;
use super::exchange::Exchange;
use super::http::{Expect, Method, Purpose, RateLimit, ERROR_BODY_MAX};
use super::operation::{exchange_operation, registry_url, Answer, Exchanges, Next, State};
use super::token::read_challenge;

/// What `GET /v2/` said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PingResult {
    /// 200 (open) or 401 (authentication required).
    pub status: u16,
    /// `Docker-Distribution-API-Version`, e.g. `registry/2.0`.
    pub api_version: Option<String>,
    /// How to authenticate, when the answer was 401 (JS: `auth: {scheme, realm?, service?}`).
    pub auth: Option<LearnedAuth>,
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
        let (resp, url, rate_limit) = (answer.response, &answer.url, answer.rate_limit);
        let mut out = PingResult {
            status: resp.status,
            api_version: resp
                .header("docker-distribution-api-version")
                .map(str::to_string),
            auth: None,
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
                out.auth = Some(info.auth.clone());
                client.learn_auth(&self.registry, info.auth);
                Ok(Next::Done(out))
            }
            _ => Err(RegistryError::from_response(&resp, Purpose::Ping, url)),
        }
    }
}

exchange_operation!(PingOp, PingResult);
