//! The `[github]` section and its defaults: repository specs, the token lookup, and the
//! `origin` remote of the current checkout, read from `.git/config`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::diagnostics::{KeyPath, Problem, Problems};
use super::sources::{env_name, interval, url};

/// The GitHub REST API used when `[github] api_url` is not set.
pub const DEFAULT_GITHUB_API: &str = "https://api.github.com";

/// GitHub Actions: which repositories to watch and how to authenticate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GithubConfig {
    /// REST API root (`https://HOST/api/v3` for GitHub Enterprise).
    pub api_url: String,
    /// Environment variable holding the token, tried before `GITHUB_TOKEN` and `GH_TOKEN`.
    pub token_env: Option<String>,
    /// Repositories, exact or with a glob in the name.
    pub repos: Vec<RepoSpec>,
    /// Poll interval.
    pub interval: Duration,
}

/// `owner/name`, where the name may hold `*` and `?` globs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RepoSpec {
    /// User or organisation.
    pub owner: String,
    /// Repository name or glob.
    pub name: String,
}

impl RepoSpec {
    /// Parses `owner/name` or `owner/<glob>`; the error says how to write one.
    pub fn parse(text: &str) -> Result<RepoSpec, String> {
        let invalid = || {
            format!("invalid repo '{text}': write it as 'owner/name', 'owner/*' or 'owner/api-*'")
        };
        let (owner, name) = text.split_once('/').ok_or_else(invalid)?;
        let owner_ok = !owner.is_empty()
            && owner
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        let name_ok = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.*?".contains(c));
        if owner_ok && name_ok {
            Ok(RepoSpec {
                owner: owner.to_owned(),
                name: name.to_owned(),
            })
        } else {
            Err(invalid())
        }
    }

    /// Whether the name holds a glob and must be expanded by listing the owner's repos.
    pub fn is_glob(&self) -> bool {
        self.name.contains(['*', '?'])
    }

    /// Whether `owner/name` is selected by this spec (case-insensitive, like GitHub).
    pub fn matches(&self, owner: &str, name: &str) -> bool {
        let lower = |s: &str| s.to_ascii_lowercase().chars().collect::<Vec<_>>();
        self.owner.eq_ignore_ascii_case(owner) && glob(&lower(&self.name), &lower(name))
    }
}

fn glob(pattern: &[char], text: &[char]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some(('*', rest)) => (0..=text.len()).any(|i| glob(rest, &text[i..])),
        Some((p, rest)) => text
            .split_first()
            .is_some_and(|(t, tail)| (*p == '?' || p == t) && glob(rest, tail)),
    }
}

impl fmt::Display for RepoSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

/// Finds a GitHub token: the variable named by `token_env`, then `GITHUB_TOKEN`, then `GH_TOKEN`.
pub fn resolve_token(
    token_env: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<String> {
    token_env
        .into_iter()
        .chain(["GITHUB_TOKEN", "GH_TOKEN"])
        .find_map(|name| env(name).filter(|v| !v.trim().is_empty()))
}

/// The `[github]` used with no such section: the checkout's `origin`, if on `github.com` and a token is set.
pub fn github_default(cwd: &Path, env: &dyn Fn(&str) -> Option<String>) -> Option<GithubConfig> {
    resolve_token(None, env)?;
    let repo = origin_repo(cwd)?;
    Some(GithubConfig {
        api_url: DEFAULT_GITHUB_API.to_owned(),
        token_env: None,
        repos: vec![repo],
        interval: Duration::from_secs(15),
    })
}

/// The `github.com` repository of the `origin` remote of the checkout holding `cwd`.
pub fn origin_repo(cwd: &Path) -> Option<RepoSpec> {
    let git = cwd
        .ancestors()
        .map(|dir| dir.join(".git"))
        .find(|p| p.exists())?;
    let git_dir = if git.is_file() {
        let text = std::fs::read_to_string(&git).ok()?;
        let target = PathBuf::from(text.strip_prefix("gitdir:")?.trim());
        let target = git.parent()?.join(target);
        // A worktree's own dir points at the shared one, which holds `config`.
        match std::fs::read_to_string(target.join("commondir")) {
            Ok(common) => target.join(common.trim()),
            Err(_) => target,
        }
    } else {
        git
    };
    let config = std::fs::read_to_string(git_dir.join("config")).ok()?;
    github_repo_from_url(&origin_url(&config)?)
}

/// The `url` of `[remote "origin"]` in a git config file.
fn origin_url(config: &str) -> Option<String> {
    let mut in_origin = false;
    for line in config.lines().map(str::trim) {
        if line.starts_with('[') {
            in_origin = line.replace(' ', "") == "[remote\"origin\"]";
        } else if let Some((key, value)) = line.split_once('=')
            && in_origin
            && key.trim() == "url"
        {
            return Some(value.trim().trim_matches('"').to_owned());
        }
    }
    None
}

/// Parses `https://github.com/o/r.git`, `git@github.com:o/r.git`, `ssh://git@github.com/o/r`.
fn github_repo_from_url(url: &str) -> Option<RepoSpec> {
    let (host, path) = match url.split_once("://") {
        Some((_, rest)) => {
            let (authority, path) = rest.split_once('/')?;
            let host = authority
                .rsplit_once('@')
                .map_or(authority, |(_, host)| host);
            (host.split(':').next()?, path)
        }
        None => url
            .split_once('@')
            .map_or(url, |(_, rest)| rest)
            .split_once(':')?,
    };
    if !matches!(host, "github.com" | "www.github.com" | "ssh.github.com") {
        return None;
    }
    let path = path.trim_end_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    RepoSpec::parse(path).ok().filter(|spec| !spec.is_glob())
}

/// The `[github]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGithub {
    api_url: Option<String>,
    token_env: Option<String>,
    #[serde(default)]
    repos: Vec<String>,
    interval: Option<String>,
}

/// Validates `[github]`; with no repos listed it watches the checkout's `origin`.
pub(crate) fn github(raw: RawGithub, cwd: Option<&Path>, problems: &mut Problems) -> GithubConfig {
    let path = KeyPath::default().key("github");
    let api_url = problems.take(url(
        &path.key("api_url"),
        raw.api_url.as_deref().unwrap_or(DEFAULT_GITHUB_API),
    ));
    let mut repos = Vec::with_capacity(raw.repos.len());
    for (i, text) in raw.repos.iter().enumerate() {
        match RepoSpec::parse(text) {
            Ok(spec) => repos.push(spec),
            Err(e) => problems.push(Problem::value(path.key("repos").index(i), e)),
        }
    }
    if repos.is_empty() {
        repos.extend(cwd.and_then(origin_repo));
    }
    GithubConfig {
        api_url,
        token_env: problems.take(env_name(&path.key("token_env"), raw.token_env)),
        repos,
        interval: problems.take(interval(
            &path,
            raw.interval.as_deref(),
            Duration::from_secs(15),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_specs_and_globs() {
        let spec = RepoSpec::parse("acme/api-*").unwrap();
        assert!(spec.is_glob());
        assert!(spec.matches("Acme", "api-gateway"));
        assert!(!spec.matches("acme", "web"));
        assert!(
            RepoSpec::parse("acme/*")
                .unwrap()
                .matches("acme", "anything")
        );
        assert!(RepoSpec::parse("acme/a?i").unwrap().matches("acme", "api"));
        for bad in ["acme", "/api", "acme/", "ac me/api", "acme/api/x", "*/api"] {
            assert!(RepoSpec::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn github_urls() {
        let repo = |url: &str| github_repo_from_url(url).map(|r| r.to_string());
        assert_eq!(
            repo("https://github.com/acme/api.git").as_deref(),
            Some("acme/api")
        );
        assert_eq!(
            repo("https://tok@github.com/acme/api").as_deref(),
            Some("acme/api")
        );
        assert_eq!(
            repo("git@github.com:acme/api.git").as_deref(),
            Some("acme/api")
        );
        assert_eq!(
            repo("ssh://git@ssh.github.com:443/42org/api.git").as_deref(),
            Some("42org/api")
        );
        assert_eq!(repo("https://gitlab.com/acme/api"), None);
        assert_eq!(repo("/srv/git/api.git"), None);
    }

    #[test]
    fn origin_url_reads_only_the_origin_remote() {
        let config = "[remote \"up\"]\n\turl = a\n[remote \"origin\"]\n\tfetch = x\n\turl = b\n";
        assert_eq!(origin_url(config).as_deref(), Some("b"));
        assert_eq!(origin_url("[core]\n\turl = a\n"), None);
    }
}
