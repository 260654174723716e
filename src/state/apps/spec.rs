//! An `[[app]]` as the config gives it: which repo, containers, model alias, DAGs,
//! panels and alerts make up one app. Parsed here (not in `config/`) so the join in
//! this folder and the config read selectors alike.

use std::collections::BTreeMap;
use std::fmt;

use super::super::container::Container;
use super::super::glob::glob;

/// One app: the parts of the store that together answer "is it OK?".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AppSpec {
    /// Its name (`checkout`), unique among apps.
    pub name: String,
    /// `owner/name` of the repository whose default branch builds it.
    pub repo: Option<String>,
    /// Which containers run it.
    pub containers: Vec<Selector>,
    /// The model version it serves, by alias.
    pub model: Option<ModelRef>,
    /// The DAG ids that feed it.
    pub dags: Vec<String>,
    /// Titles of `[[prometheus.panels]]` that watch it.
    pub panels: Vec<String>,
    /// Label matchers (equality) of the firing alerts about it.
    pub alerts: BTreeMap<String, String>,
}

/// Which containers belong to an app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// `compose:PROJECT`: every container of a Compose project.
    Compose(String),
    /// `name:GLOB`: containers whose name matches.
    Name(String),
    /// `label:KEY=VALUE`: containers carrying that label.
    Label(String, String),
    /// `service:NAME`: the tasks of a Swarm service (their containers are named `NAME.N.ID`).
    Service(String),
}

/// `model@alias`: a registered model and the alias the app serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelRef {
    /// The registered model's name.
    pub name: String,
    /// The alias (`champion`).
    pub alias: String,
}

impl Selector {
    /// The prefixes a selector takes, for messages.
    pub const PREFIXES: [&'static str; 4] = ["compose", "name", "label", "service"];

    /// Parses `compose:shop`, `name:shop-*`, `label:app=checkout` or `service:shop_api`.
    pub fn parse(text: &str) -> Result<Selector, String> {
        let example = "write 'compose:PROJECT', 'name:GLOB', 'label:KEY=VALUE' or 'service:NAME'";
        let Some((kind, rest)) = text.split_once(':') else {
            return Err(format!("invalid container selector '{text}'; {example}"));
        };
        if rest.trim().is_empty() {
            return Err(format!(
                "container selector '{text}' names nothing after '{kind}:'; {example}"
            ));
        }
        let rest = rest.to_owned();
        match kind {
            "compose" => Ok(Selector::Compose(rest)),
            "name" => Ok(Selector::Name(rest)),
            "service" => Ok(Selector::Service(rest)),
            "label" => match rest.split_once('=') {
                Some((k, v)) if !k.is_empty() => Ok(Selector::Label(k.to_owned(), v.to_owned())),
                _ => Err(format!(
                    "label selector '{text}' needs KEY=VALUE, like 'label:app=checkout'"
                )),
            },
            other => Err(format!(
                "unknown container selector kind '{other}' in '{text}'; {example}"
            )),
        }
    }

    /// Whether container `c` is selected.
    pub fn matches(&self, c: &Container) -> bool {
        match self {
            Selector::Compose(p) => c.project.as_deref() == Some(p.as_str()),
            Selector::Name(g) => glob(g, &c.name),
            Selector::Label(k, v) => c.labels.get(k) == Some(v),
            Selector::Service(s) => {
                c.labels.get("com.docker.swarm.service.name") == Some(s)
                    || c.name
                        .strip_prefix(s.as_str())
                        .is_some_and(|rest| rest.starts_with('.'))
            }
        }
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Selector::Compose(p) => write!(f, "compose:{p}"),
            Selector::Name(g) => write!(f, "name:{g}"),
            Selector::Label(k, v) => write!(f, "label:{k}={v}"),
            Selector::Service(s) => write!(f, "service:{s}"),
        }
    }
}

impl ModelRef {
    /// Parses `name@alias`; MLflow aliases are letters, digits, `_` and `-`.
    pub fn parse(text: &str) -> Result<ModelRef, String> {
        let bad = || {
            format!("invalid model '{text}'; write 'MODEL@ALIAS', like 'churn-classifier@champion'")
        };
        let (name, alias) = text.rsplit_once('@').ok_or_else(bad)?;
        let alias_ok = !alias.is_empty()
            && alias
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if name.trim().is_empty() || !alias_ok {
            return Err(bad());
        }
        Ok(ModelRef {
            name: name.to_owned(),
            alias: alias.to_owned(),
        })
    }
}

impl fmt::Display for ModelRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.name, self.alias)
    }
}

impl AppSpec {
    /// Whether container `c` is one of the app's.
    pub fn selects(&self, c: &Container) -> bool {
        self.containers.iter().any(|s| s.matches(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::testkit;

    #[test]
    fn selectors_parse_and_match() {
        let c = Container {
            project: Some("shop".into()),
            labels: [("app".to_owned(), "checkout".to_owned())].into(),
            ..testkit::container("shop-api-1")
        };
        for text in ["compose:shop", "name:shop-*", "label:app=checkout"] {
            let s = Selector::parse(text).unwrap();
            assert!(s.matches(&c), "{text}");
            assert_eq!(s.to_string(), text);
        }
        for text in [
            "compose:web",
            "name:web-*",
            "label:app=cart",
            "service:shop",
        ] {
            assert!(!Selector::parse(text).unwrap().matches(&c), "{text}");
        }
        let task = testkit::container("shop_api.1.x9f2");
        assert!(Selector::parse("service:shop_api").unwrap().matches(&task));
        assert!(!Selector::parse("service:shop").unwrap().matches(&task));
        for bad in ["shop", "compose:", "label:app", "label:=x", "pod:x"] {
            assert!(Selector::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn model_refs() {
        let m = ModelRef::parse("churn-classifier@champion").unwrap();
        assert_eq!(
            (m.name.as_str(), m.alias.as_str()),
            ("churn-classifier", "champion")
        );
        for bad in ["churn", "@champion", "churn@", "churn@cham pion"] {
            assert!(ModelRef::parse(bad).is_err(), "{bad}");
        }
    }
}
