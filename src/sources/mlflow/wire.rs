//! Reading MLflow's JSON into state types, field by field: a missing or oddly typed
//! field leaves that field empty instead of failing the page (MLflow 2.x and 3.x
//! differ in which fields they send, and protobuf JSON omits empty ones).

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;

use crate::state::model::{
    GIT_COMMIT_TAG, MetricPoint, ModelVersion, RegisteredModel, RunDetail, VersionStatus,
};

/// A string field (numbers are accepted too: some servers send versions as numbers).
pub fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A millisecond timestamp field (number or numeric string).
pub fn millis(v: &Value, key: &str) -> Option<DateTime<Utc>> {
    let ms = match v.get(key)? {
        Value::Number(n) => n.as_i64()?,
        Value::String(s) => s.parse().ok()?,
        _ => return None,
    };
    Utc.timestamp_millis_opt(ms).single()
}

/// A number that protobuf JSON may write as a string (`"NaN"`, `"Infinity"`).
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// The items of an array field (empty when absent).
pub fn items<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// `[{key, value}]` as a map.
pub fn pairs(v: &Value, field: &str) -> BTreeMap<String, String> {
    items(v, field)
        .iter()
        .filter_map(|p| Some((text(p, "key")?, text(p, "value").unwrap_or_default())))
        .collect()
}

/// A registered model without its versions (filled in later); `None` without a name.
pub fn registered_model(v: &Value) -> Option<RegisteredModel> {
    let aliases = items(v, "aliases")
        .iter()
        .filter_map(|a| Some((text(a, "alias")?, text(a, "version")?)))
        .collect();
    Some(RegisteredModel {
        name: text(v, "name")?,
        description: text(v, "description").unwrap_or_default(),
        updated: millis(v, "last_updated_timestamp").or_else(|| millis(v, "creation_timestamp")),
        tags: pairs(v, "tags"),
        aliases,
        versions: Vec::new(),
        truncated: false,
    })
}

/// A model version; `None` without a version number.
pub fn model_version(v: &Value) -> Option<ModelVersion> {
    let mut aliases: Vec<String> = items(v, "aliases")
        .iter()
        .filter_map(|a| a.as_str().map(str::to_owned))
        .collect();
    aliases.sort();
    Some(ModelVersion {
        version: text(v, "version")?,
        status: text(v, "status").map_or(VersionStatus::Ready, |s| VersionStatus::parse(&s)),
        status_message: text(v, "status_message").filter(|s| !s.is_empty()),
        stage: text(v, "current_stage"),
        created: millis(v, "creation_timestamp"),
        updated: millis(v, "last_updated_timestamp"),
        run_id: text(v, "run_id").filter(|s| !s.is_empty()),
        run_name: None,
        git_commit: None,
        source: text(v, "source").filter(|s| !s.is_empty()),
        description: text(v, "description").unwrap_or_default(),
        aliases,
        tags: pairs(v, "tags"),
    })
}

/// A `runs/get` answer's run, without metric histories.
pub fn run(answer: &Value) -> Option<RunDetail> {
    let run = answer.get("run")?;
    let info = run.get("info").unwrap_or(&Value::Null);
    let data = run.get("data").unwrap_or(&Value::Null);
    let metrics = items(data, "metrics")
        .iter()
        .filter_map(|m| Some((text(m, "key")?, number(m.get("value")?)?)))
        .collect();
    let tags = pairs(data, "tags");
    let run_name = text(info, "run_name")
        .filter(|s| !s.is_empty())
        .or_else(|| tags.get("mlflow.runName").cloned());
    Some(RunDetail {
        run_id: text(info, "run_id").or_else(|| text(info, "run_uuid"))?,
        run_name,
        status: text(info, "status"),
        params: pairs(data, "params"),
        metrics,
        history: BTreeMap::new(),
        tags,
    })
}

/// The git commit tag of a run answer.
pub fn git_commit(detail: &RunDetail) -> Option<String> {
    detail.tags.get(GIT_COMMIT_TAG).cloned()
}

/// An integer field (number or numeric string); 0 when absent.
fn integer(v: &Value, key: &str) -> i64 {
    match v.get(key) {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(s)) => s.parse().unwrap_or(0),
        _ => 0,
    }
}

/// The points of a `metrics/get-history` answer.
pub fn history(answer: &Value) -> Vec<MetricPoint> {
    items(answer, "metrics")
        .iter()
        .filter_map(|m| {
            Some(MetricPoint {
                step: integer(m, "step"),
                value: number(m.get("value")?)?,
                timestamp: integer(m, "timestamp"),
            })
        })
        .collect()
}

/// The page token of a paged answer, when more pages follow.
pub fn next_page(answer: &Value) -> Option<String> {
    text(answer, "next_page_token").filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tolerates_missing_and_odd_fields() {
        let m = registered_model(
            &json!({"name": "m", "aliases": [{"alias": "champion", "version": 3}]}),
        )
        .unwrap();
        assert_eq!(m.aliases.get("champion").map(String::as_str), Some("3"));
        assert!(registered_model(&json!({"description": "x"})).is_none());
        let v =
            model_version(&json!({"version": "2", "status": "FAILED_REGISTRATION", "tags": "odd"}))
                .unwrap();
        assert_eq!(v.status, VersionStatus::Failed);
        assert!(v.tags.is_empty());
    }

    #[test]
    fn reads_runs_and_histories() {
        let answer = json!({"run": {
            "info": {"run_id": "r1", "run_name": "train", "status": "FINISHED"},
            "data": {
                "metrics": [{"key": "acc", "value": 0.9}, {"key": "loss", "value": "NaN"}],
                "params": [{"key": "lr", "value": "0.1"}],
                "tags": [{"key": GIT_COMMIT_TAG, "value": "abc"}]
            }
        }});
        let r = run(&answer).unwrap();
        assert_eq!(r.metrics.get("acc"), Some(&0.9));
        assert!(r.metrics.get("loss").is_some_and(|v| v.is_nan()));
        assert_eq!(git_commit(&r).as_deref(), Some("abc"));
        let h =
            history(&json!({"metrics": [{"step": 1, "value": 0.5, "timestamp": 10}, {"step": 2}]}));
        assert_eq!(h.len(), 1);
    }
}
