//! A workflow's `on.workflow_dispatch.inputs`, read from the workflow file through
//! the contents API and parsed leniently: unknown types count as text, a file
//! without a `workflow_dispatch` trigger is reported as not dispatchable.

use base64::Engine as _;
use yaml_rust2::{Yaml, YamlLoader};

use super::api::Api;
use super::wire;
use crate::error::SourceError;

pub use crate::state::pipeline::{InputKind, WorkflowInput};

/// The inputs of a workflow file, or why it cannot be dispatched.
pub fn parse(yaml: &str) -> Result<Vec<WorkflowInput>, String> {
    let docs = YamlLoader::load_from_str(yaml).map_err(|e| format!("not valid YAML: {e}"))?;
    let doc = docs.first().ok_or("the file is empty")?;
    let on = key(doc, "on")
        .or_else(|| match doc {
            // YAML 1.1 readers turn a bare `on` key into `true`.
            Yaml::Hash(h) => h.get(&Yaml::Boolean(true)),
            _ => None,
        })
        .ok_or("the workflow has no 'on' triggers")?;
    let dispatch = match on {
        Yaml::String(s) if s == "workflow_dispatch" => return Ok(Vec::new()),
        Yaml::Array(list) if list.iter().any(|t| t.as_str() == Some("workflow_dispatch")) => {
            return Ok(Vec::new());
        }
        Yaml::Hash(_) => key(on, "workflow_dispatch"),
        _ => None,
    }
    .ok_or("the workflow has no 'workflow_dispatch' trigger, so it cannot be dispatched")?;
    let Some(Yaml::Hash(inputs)) = key(dispatch, "inputs") else {
        return Ok(Vec::new());
    };
    Ok(inputs
        .iter()
        .filter_map(|(name, spec)| Some(input(name.as_str()?, spec)))
        .collect())
}

fn input(name: &str, spec: &Yaml) -> WorkflowInput {
    let text = |k: &str| key(spec, k).and_then(scalar);
    let kind = match text("type").as_deref() {
        Some("boolean") => InputKind::Bool,
        Some("choice") => InputKind::Choice(match key(spec, "options") {
            Some(Yaml::Array(list)) => list.iter().filter_map(scalar).collect(),
            _ => Vec::new(),
        }),
        _ => InputKind::Text,
    };
    WorkflowInput {
        name: name.to_owned(),
        description: text("description").unwrap_or_default(),
        required: key(spec, "required")
            .is_some_and(|r| r.as_bool() == Some(true) || r.as_str() == Some("true")),
        default: text("default"),
        kind,
    }
}

fn key<'a>(map: &'a Yaml, name: &str) -> Option<&'a Yaml> {
    match map {
        Yaml::Hash(h) => h.get(&Yaml::String(name.to_owned())),
        _ => None,
    }
}

fn scalar(y: &Yaml) -> Option<String> {
    match y {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Reads the workflow file at `path` on `git_ref` and parses its inputs.
pub async fn fetch(
    api: &Api,
    repo: &str,
    path: &str,
    git_ref: &str,
) -> Result<Vec<WorkflowInput>, SourceError> {
    let route = format!("/repos/{repo}/contents/{path}?ref={}", encode(git_ref));
    let what = format!("workflow file '{path}' on '{git_ref}' in '{repo}'");
    let answer = api.get(&route, None, &what).await?;
    let content: wire::WireContent = answer.json(api.target(), &route)?;
    let bad = |detail: String| SourceError::Malformed {
        target: api.target().to_owned(),
        detail: format!("{what}: {detail}"),
    };
    if content.encoding != "base64" {
        return Err(bad(format!("unexpected encoding '{}'", content.encoding)));
    }
    let packed: String = content.content.split_whitespace().collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(packed)
        .map_err(|e| bad(e.to_string()))?;
    let text = String::from_utf8_lossy(&bytes);
    parse(&text).map_err(|e| SourceError::Other(format!("{what}: {e}")))
}

/// Percent-encodes a git ref for a query string.
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_of_each_type() {
        let yaml = "name: deploy\non:\n  push:\n  workflow_dispatch:\n    inputs:\n      env:\n        type: choice\n        required: true\n        default: staging\n        options: [staging, production]\n      dry_run:\n        type: boolean\n        default: true\n      note:\n        description: Why\n";
        let got = parse(yaml).unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!(
            got[0].kind,
            InputKind::Choice(vec!["staging".into(), "production".into()])
        );
        assert!(got[0].required);
        assert_eq!(got[1].kind, InputKind::Bool);
        assert_eq!(got[1].default.as_deref(), Some("true"));
        assert_eq!(got[2].kind, InputKind::Text);
        assert_eq!(got[2].description, "Why");
        assert_eq!(
            parse("on: [push, workflow_dispatch]\n").unwrap(),
            Vec::new()
        );
        assert!(parse("on: push\n").is_err());
        assert!(parse(": : :\n\t- [").is_err());
    }
}
