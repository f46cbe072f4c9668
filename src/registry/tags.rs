//! The tag listing: `GET /v2/<name>/tags/list?n=`, following `Link: <...>; rel="next"`.
//!
//! Pagination stays on the registry's origin: a `next` link to another origin is
//! `FOREIGN_PAGINATION` unless [`TagsOp::allow_foreign_origin`] (then it is followed without
//! credentials). A link seen twice, or more than [`DEFAULT_MAX_PAGES`] pages, is
//! `PAGINATION_LOOP`. Each page is also reported as [`Event::TagsPage`].

use super::client::Client;
use super::error::RegistryError;
use super::exchange::Exchange;
use super::http::{next_link, Expect, Method, Purpose};
use super::operation::{
    exchange_operation, repository, Answer, Exchanges, Next, Repository, State,
};
use super::url::Url;
use super::Event;
use crate::reference::Reference;
use std::collections::VecDeque;

/// Largest tag list page read (4 MiB).
pub const MAX_TAGS_PAGE: usize = 4 * 1024 * 1024;

/// Pages followed at most by default.
pub const DEFAULT_MAX_PAGES: u32 = 1000;

/// All tags of a repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagList {
    /// `name` from the first page (the repository).
    pub name: String,
    /// Every tag, in the order the pages gave them.
    pub tags: Vec<String>,
    pub pages: u32,
}

/// The tag listing. Build with [`tags()`].
#[derive(Debug)]
pub struct TagsOp {
    request: TagsRequest,
    state: State<TagList>,
}

#[derive(Debug)]
struct TagsRequest {
    repository: Result<Repository, RegistryError>,
    page_size: Option<u32>,
    allow_foreign: bool,
    max_pages: u32,
    /// The registry's origin, where `next` links must stay unless `allow_foreign`.
    origin: Option<String>,
    /// Every page URL asked for (a link back to one is a loop).
    seen: Vec<String>,
    /// The tags so far.
    list: TagList,
    /// A [`Event::TagsPage`] per page, reported before the next request (or the result).
    events: VecDeque<Event>,
}

/// Lists the tags of the reference's repository (its tag/digest are ignored), `page_size`
/// per page (`?n=`; `None` lets the registry choose).
pub fn tags(reference: &Reference, page_size: Option<u32>) -> TagsOp {
    TagsOp {
        request: TagsRequest {
            repository: Repository::of(reference),
            page_size,
            allow_foreign: false,
            max_pages: DEFAULT_MAX_PAGES,
            origin: None,
            seen: Vec::new(),
            list: TagList {
                name: reference.path().to_string(),
                tags: Vec::new(),
                pages: 0,
            },
            events: VecDeque::new(),
        },
        state: State::Start,
    }
}

impl TagsOp {
    /// Follow `next` links to other origins too (without credentials).
    pub fn allow_foreign_origin(mut self) -> TagsOp {
        self.request.allow_foreign = true;
        self
    }

    /// Stop with `PAGINATION_LOOP` after this many pages.
    pub fn max_pages(mut self, n: u32) -> TagsOp {
        self.request.max_pages = n;
        self
    }
}

impl TagsRequest {
    fn exchange_for(&self, url: Url) -> Result<Exchange, RegistryError> {
        let repo = repository(&self.repository)?;
        Ok(Exchange::new(
            &repo.registry,
            &repo.name,
            url,
            Method::Get,
            Purpose::Tags,
            Expect::Full {
                max_len: MAX_TAGS_PAGE,
            },
            Vec::new(),
        ))
    }
}

impl Exchanges for TagsRequest {
    type Output = TagList;

    fn start(&mut self, client: &Client) -> Result<Exchange, RegistryError> {
        let repo = repository(&self.repository)?;
        let mut url = repo.url(client, "tags/list")?;
        self.origin = Some(url.origin());
        if let Some(n) = self.page_size {
            url = url.with_query(&[("n", &n.to_string())]);
        }
        self.seen.push(url.to_string());
        self.exchange_for(url)
    }

    /// Takes a page in: the next page's exchange, or the whole list after the last.
    fn judge(&mut self, _: &mut Client, answer: Answer) -> Result<Next<TagList>, RegistryError> {
        let (resp, url) = (answer.response, &answer.url);
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
            let empty = TagList {
                name: String::new(),
                tags: Vec::new(),
                pages: 0,
            };
            return Ok(Next::Done(std::mem::replace(&mut self.list, empty)));
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
        self.exchange_for(next).map(|x| Next::Exchange(Box::new(x)))
    }

    fn take_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }
}

exchange_operation!(TagsOp, TagList);
