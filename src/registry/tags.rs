//! The two small operations: the ping (`GET /v2/`: API version and how to authenticate) and
//! the tag listing (`GET /v2/<name>/tags/list?n=`, following `Link: <...>; rel="next"`).
//!
//! Pagination stays on the registry's origin: a `next` link to another origin is
//! `FOREIGN_PAGINATION` unless [`TagsOp::allow_foreign_origin`] (then it is followed without
//! credentials). A link seen twice, or more than [`DEFAULT_MAX_PAGES`] pages, is
//! `PAGINATION_LOOP`. Each page is also reported as [`Event::TagsPage`].

use super::client::{Client, LearnedAuth};
use super::error::RegistryError;
use super::exchange::Exchange;
use super::http::{
    next_link, Expect, Method, Purpose, RateLimit, Response, TransportError, ERROR_BODY_MAX,
};
use super::manifest_fetch::registry_url;
use super::token::read_challenge;
use super::url::Url;
use super::{registry_and_repo, Event, Operation, Step};
use crate::reference::Reference;
use std::collections::VecDeque;

/// Largest tag list page read (4 MiB).
pub const MAX_TAGS_PAGE: usize = 4 * 1024 * 1024;

/// Pages followed at most by default.
pub const DEFAULT_MAX_PAGES: u32 = 1000;

/// What `GET /v2/` said.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
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
    /// Rate limit headers.
    pub rate_limit: Option<RateLimit>,
}

/// `GET /v2/`. Build with [`ping()`].
#[derive(Debug)]
pub struct PingOp {
    registry: String,
    exchange: Option<Exchange>,
    done: bool,
}

/// Pings a registry (a reference domain: `docker.io`, `127.0.0.1:5000`). A 401 is an answer,
/// not an error: its challenge is recorded in the client, saving later requests a round trip.
pub fn ping(registry: &str) -> PingOp {
    PingOp {
        registry: registry.to_string(),
        exchange: None,
        done: false,
    }
}

impl PingOp {
    fn judge(
        &self,
        client: &mut Client,
        resp: Response,
        url: &Url,
        rate_limit: Option<RateLimit>,
    ) -> Result<PingResult, RegistryError> {
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
            200..=299 => Ok(out),
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
                Ok(out)
            }
            _ => Err(RegistryError::from_response(&resp, Purpose::Ping, url)),
        }
    }
}

impl Operation for PingOp {
    type Output = PingResult;

    fn next(&mut self, client: &mut Client, now_ms: u64) -> Step<PingResult> {
        if self.done {
            return Step::Done(Err(RegistryError::state("next() called after Done")));
        }
        if self.exchange.is_none() {
            match registry_url(client, &self.registry, "/v2/") {
                Ok(url) => {
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
                    self.exchange = Some(x.without_auth());
                }
                Err(e) => {
                    self.done = true;
                    return Step::Done(Err(e));
                }
            }
        }
        let Some(x) = &mut self.exchange else {
            return Step::Done(Err(RegistryError::state("no exchange")));
        };
        match x.next(client, now_ms).pending() {
            Ok(step) => step,
            Err(r) => {
                self.done = true;
                let (url, rl) = (x.final_url().clone(), x.rate_limit());
                Step::Done(r.and_then(|resp| self.judge(client, resp, &url, rl)))
            }
        }
    }

    fn on_response(&mut self, client: &mut Client, response: Response, now_ms: u64) {
        if let Some(x) = &mut self.exchange {
            x.on_response(client, response, now_ms);
        }
    }

    fn on_transport_error(&mut self, client: &mut Client, error: TransportError, now_ms: u64) {
        if let Some(x) = &mut self.exchange {
            x.on_transport_error(client, error, now_ms);
        }
    }
}

/// All tags of a repository.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TagList {
    /// `name` from the first page (the repository).
    pub name: String,
    /// Every tag, in the order the pages gave them.
    pub tags: Vec<String>,
    /// Pages fetched.
    pub pages: u32,
}

/// The tag listing. Build with [`tags()`].
#[derive(Debug)]
pub struct TagsOp {
    registry: Result<(String, String), RegistryError>,
    page_size: Option<u32>,
    allow_foreign: bool,
    max_pages: u32,
    exchange: Option<Exchange>,
    origin: Option<String>,
    seen: Vec<String>,
    list: TagList,
    events: VecDeque<Event>,
    done: Option<Option<Result<TagList, RegistryError>>>,
}

/// Lists the tags of the reference's repository (its tag/digest are ignored), `page_size`
/// per page (`?n=`; `None` lets the registry choose).
pub fn tags(reference: &Reference, page_size: Option<u32>) -> TagsOp {
    TagsOp {
        registry: registry_and_repo(reference),
        page_size,
        allow_foreign: false,
        max_pages: DEFAULT_MAX_PAGES,
        exchange: None,
        origin: None,
        seen: Vec::new(),
        list: TagList {
            name: reference.path().to_string(),
            tags: Vec::new(),
            pages: 0,
        },
        events: VecDeque::new(),
        done: None,
    }
}

impl TagsOp {
    /// Follow `next` links to other origins too (without credentials).
    pub fn allow_foreign_origin(mut self) -> TagsOp {
        self.allow_foreign = true;
        self
    }

    /// Stop with `PAGINATION_LOOP` after this many pages.
    pub fn max_pages(mut self, n: u32) -> TagsOp {
        self.max_pages = n;
        self
    }

    fn exchange_for(&self, url: Url) -> Result<Exchange, RegistryError> {
        let (registry, repo) = super::clone_repo(&self.registry)?;
        Ok(Exchange::new(
            &registry,
            &repo,
            url,
            Method::Get,
            Purpose::Tags,
            Expect::Full {
                max_len: MAX_TAGS_PAGE,
            },
            Vec::new(),
        ))
    }

    fn first(&mut self, client: &Client) -> Result<Exchange, RegistryError> {
        let (registry, repo) = super::clone_repo(&self.registry)?;
        let mut url = registry_url(client, &registry, &format!("/v2/{repo}/tags/list"))?;
        self.origin = Some(url.origin());
        if let Some(n) = self.page_size {
            url = url.with_query(&[("n", &n.to_string())]);
        }
        self.seen.push(url.to_string());
        self.exchange_for(url)
    }

    /// Takes a page in; the next page's exchange, or `None` when done.
    fn page(&mut self, resp: Response, url: &Url) -> Result<Option<Exchange>, RegistryError> {
        if !resp.is_success() {
            return Err(RegistryError::from_response(&resp, Purpose::Tags, url));
        }
        if resp.body_overflow {
            return Err(RegistryError::TooLarge {
                code: "RESPONSE_TOO_LARGE",
                limit: MAX_TAGS_PAGE as u64,
                size: None,
            });
        }
        let v: serde_json::Value = crate::manifest::parse_value_bytes(&resp.body).map_err(|e| {
            RegistryError::InvalidResponse {
                reason: format!("tag list is not JSON: {e}"),
                url: url.redacted(),
            }
        })?;
        let tags: Vec<String> = match v.get("tags") {
            None | Some(serde_json::Value::Null) => Vec::new(),
            Some(serde_json::Value::Array(a)) => a
                .iter()
                .filter_map(|t| t.as_str().map(str::to_string))
                .collect(),
            Some(_) => {
                return Err(RegistryError::InvalidResponse {
                    reason: "tags is not an array".to_string(),
                    url: url.redacted(),
                })
            }
        };
        if self.list.pages == 0 {
            if let Some(n) = v.get("name").and_then(|n| n.as_str()) {
                self.list.name = n.to_string();
            }
        }
        self.list.pages += 1;
        self.list.tags.extend(tags.iter().cloned());
        self.events.push_back(Event::TagsPage {
            page: self.list.pages,
            tags,
        });
        let Some(link) = next_link(&resp) else {
            return Ok(None);
        };
        let next = url
            .join(&link)
            .ok_or_else(|| RegistryError::InvalidResponse {
                reason: "unusable Link rel=\"next\" target".to_string(),
                url: url.redacted(),
            })?;
        let origin = self.origin.clone().unwrap_or_default();
        if next.origin() != origin && !self.allow_foreign {
            return Err(RegistryError::ForeignPagination {
                expected: origin,
                found: next.redacted(),
            });
        }
        if self.list.pages >= self.max_pages || self.seen.contains(&next.to_string()) {
            return Err(RegistryError::PaginationLoop {
                pages: self.list.pages,
            });
        }
        self.seen.push(next.to_string());
        self.exchange_for(next).map(Some)
    }
}

impl Operation for TagsOp {
    type Output = TagList;

    fn next(&mut self, client: &mut Client, now_ms: u64) -> Step<TagList> {
        loop {
            if let Some(e) = self.events.pop_front() {
                return Step::Event(e);
            }
            if let Some(done) = &mut self.done {
                return Step::Done(super::take_done(done));
            }
            let Some(x) = &mut self.exchange else {
                match self.first(client) {
                    Ok(x) => self.exchange = Some(x),
                    Err(e) => self.done = Some(Some(Err(e))),
                }
                continue;
            };
            match x.next(client, now_ms).pending() {
                Ok(step) => return step,
                Err(r) => {
                    let url = x.final_url().clone();
                    match r.and_then(|resp| self.page(resp, &url)) {
                        Ok(Some(next)) => self.exchange = Some(next),
                        Ok(None) => {
                            self.done = Some(Some(Ok(std::mem::replace(
                                &mut self.list,
                                TagList {
                                    name: String::new(),
                                    tags: Vec::new(),
                                    pages: 0,
                                },
                            ))))
                        }
                        Err(e) => self.done = Some(Some(Err(e))),
                    }
                }
            }
        }
    }

    fn on_response(&mut self, client: &mut Client, response: Response, now_ms: u64) {
        if let Some(x) = &mut self.exchange {
            x.on_response(client, response, now_ms);
        }
    }

    fn on_transport_error(&mut self, client: &mut Client, error: TransportError, now_ms: u64) {
        if let Some(x) = &mut self.exchange {
            x.on_transport_error(client, error, now_ms);
        }
    }
}
