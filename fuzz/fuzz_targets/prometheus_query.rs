//! Structure-aware: query and range answers built from arbitrary result types,
//! labels, timestamps and sample texts (NaN, +Inf, huge, empty), plus raw bytes
//! for the envelope itself.
#![no_main]

use arbitrary::Arbitrary;
use serde_json::json;

#[derive(Debug, Arbitrary)]
enum Kind {
    Matrix,
    Vector,
    Scalar,
    Text,
    Other(String),
}

#[derive(Debug, Arbitrary)]
struct Item {
    labels: Vec<(String, String)>,
    samples: Vec<(f64, String)>,
}

#[derive(Debug, Arbitrary)]
enum Input {
    Built { kind: Kind, items: Vec<Item> },
    Raw(Vec<u8>),
}

libfuzzer_sys::fuzz_target!(|input: Input| {
    let bytes = match input {
        Input::Raw(bytes) => bytes,
        Input::Built { kind, items } => {
            let metric = |i: &Item| -> serde_json::Map<String, serde_json::Value> {
                i.labels.iter().map(|(k, v)| (k.clone(), v.clone().into())).collect()
            };
            let (kind, result) = match kind {
                Kind::Matrix => (
                    "matrix".to_owned(),
                    items
                        .iter()
                        .map(|i| json!({"metric": metric(i), "values": i.samples}))
                        .collect::<Vec<_>>()
                        .into(),
                ),
                Kind::Vector => (
                    "vector".to_owned(),
                    items
                        .iter()
                        .map(|i| json!({"metric": metric(i), "value": i.samples.first()}))
                        .collect::<Vec<_>>()
                        .into(),
                ),
                Kind::Scalar => (
                    "scalar".to_owned(),
                    json!(items.first().and_then(|i| i.samples.first())),
                ),
                Kind::Text => ("string".to_owned(), json!(["1", "x"])),
                Kind::Other(name) => (name, json!([])),
            };
            let answer = json!({"status": "success", "data": {"resultType": kind, "result": result}});
            serde_json::to_vec(&answer).unwrap_or_default()
        }
    };
    flightdeck::fuzzing::prometheus_query(&bytes);
});
