//! The watched repositories: exact `owner/name` specs are looked up (for their
//! default branch), `owner/<glob>` specs are expanded by listing the owner's
//! repositories page by page (`Link: rel="next"`). Both are refreshed rarely and
//! conditionally, since repositories and default branches seldom change.

use std::collections::HashMap;

use super::api::Api;
use super::{MAX_PAGES, wire};
use crate::config::RepoSpec;
use crate::error::SourceError;

/// Repositories are looked up again every this many polls.
const REFRESH_EVERY: u64 = 40;

/// One watched repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repo {
    /// `owner/name` as GitHub spells it.
    pub full_name: String,
    /// Its default branch, when known.
    pub default_branch: Option<String>,
}

/// The resolved repositories and the ETags of the answers they came from.
#[derive(Debug, Default)]
pub struct RepoCache {
    repos: Vec<Repo>,
    by_spec: HashMap<String, (Option<String>, Vec<Repo>)>,
    refreshed_at: Option<u64>,
}

impl RepoCache {
    /// The repositories, in config order, without duplicates.
    pub fn repos(&self) -> &[Repo] {
        &self.repos
    }

    /// Looks the specs up when due; returns the specs that could not be read.
    pub async fn refresh(
        &mut self,
        api: &Api,
        specs: &[RepoSpec],
        poll: u64,
    ) -> Result<Vec<(String, String)>, SourceError> {
        let due = self
            .refreshed_at
            .is_none_or(|at| poll.saturating_sub(at) >= REFRESH_EVERY);
        if !due {
            return Ok(Vec::new());
        }
        let mut problems = Vec::new();
        let mut first_error = None;
        for spec in specs {
            let key = spec.to_string();
            let etag = self.by_spec.get(&key).and_then(|(e, _)| e.clone());
            let found = if spec.is_glob() {
                expand(api, spec).await.map(|r| Some((None, r)))
            } else {
                lookup(api, spec, etag.as_deref()).await
            };
            match found {
                Ok(Some(fresh)) => {
                    self.by_spec.insert(key, fresh);
                }
                Ok(None) => {}
                Err(e @ (SourceError::NotFound { .. } | SourceError::Http { .. })) => {
                    self.by_spec.remove(&key);
                    problems.push((key, e.to_string()));
                    first_error.get_or_insert(e);
                }
                Err(e) => return Err(e),
            }
        }
        self.refreshed_at = Some(poll);
        let mut repos: Vec<Repo> = Vec::new();
        for spec in specs {
            for r in self
                .by_spec
                .get(&spec.to_string())
                .map(|(_, r)| r)
                .into_iter()
                .flatten()
            {
                if !repos
                    .iter()
                    .any(|x| x.full_name.eq_ignore_ascii_case(&r.full_name))
                {
                    repos.push(r.clone());
                }
            }
        }
        self.repos = repos;
        // With nothing to watch, the first failure is the source's error, as it was
        // (a 502 stays a server error, not "not found").
        if self.repos.is_empty()
            && let Some(e) = first_error
        {
            return Err(e);
        }
        Ok(problems)
    }
}

type Found = (Option<String>, Vec<Repo>);

async fn lookup(
    api: &Api,
    spec: &RepoSpec,
    etag: Option<&str>,
) -> Result<Option<Found>, SourceError> {
    let route = format!("/repos/{}/{}", spec.owner, spec.name);
    let answer = api
        .get(&route, etag, &format!("repository '{spec}'"))
        .await?;
    if answer.not_modified() {
        return Ok(None);
    }
    let repo: wire::WireRepo = answer.json(api.target(), &route)?;
    let found = Repo {
        full_name: repo.full_name,
        default_branch: repo.default_branch,
    };
    Ok(Some((answer.etag(), vec![found])))
}

/// Lists an owner's repositories (as an organisation, else as a user) matching the glob.
async fn expand(api: &Api, spec: &RepoSpec) -> Result<Vec<Repo>, SourceError> {
    match list(api, spec, "orgs").await {
        Err(SourceError::NotFound { .. }) => list(api, spec, "users").await,
        other => other,
    }
}

async fn list(api: &Api, spec: &RepoSpec, kind: &str) -> Result<Vec<Repo>, SourceError> {
    let mut found = Vec::new();
    let what = format!("the repositories of '{}'", spec.owner);
    for page in 1..=MAX_PAGES {
        let route = format!("/{kind}/{}/repos?per_page=100&page={page}", spec.owner);
        let answer = api.get(&route, None, &what).await?;
        let list: Vec<wire::WireRepo> = answer.json(api.target(), &route)?;
        // An empty page ends the list, whatever `Link` says.
        let is_empty = list.is_empty();
        for r in list.into_iter().filter(|r| !r.archived) {
            let name = r.full_name.split_once('/').map_or("", |(_, n)| n);
            if spec.matches(&spec.owner, name) {
                found.push(Repo {
                    full_name: r.full_name,
                    default_branch: r.default_branch,
                });
            }
        }
        if is_empty || !answer.has_next() {
            break;
        }
    }
    found.sort_by(|a, b| a.full_name.cmp(&b.full_name));
    Ok(found)
}
