//! Holds the layering rules against the code: every `crate::` path in `src/` is
//! an edge between top-level modules, and the edges must point down the stack
//! (app → view → state, never back up). Reads the sources as text, so a
//! reintroduced `use crate::app` in `ui/` fails here, not in review.
#![allow(
    clippy::unwrap_used,
    reason = "a test: an unreadable src/ should fail loudly"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Edges `from → to` between top-level modules, with one file that makes each.
type Edges = BTreeMap<(String, String), PathBuf>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file under `src/` belongs to (`ui`, `command`, …).
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_owned()
}

/// Every top-level module named by a `crate::` path in `text`, comments skipped.
fn referenced(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + "crate::".len()..];
            if let Some(group) = after.strip_prefix('{') {
                // `use crate::{a::X, b};`: every item's first segment.
                let inner = group.split('}').next().unwrap_or("");
                for item in inner.split(',') {
                    let name: String = item
                        .trim()
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() {
                        found.insert(name);
                    }
                }
            } else {
                let name: String = after
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.insert(name);
                }
            }
            rest = after;
        }
    }
    found
}

fn edges() -> Edges {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut edges = Edges::new();
    for file in files {
        let from = module_of(&src, &file);
        let text = fs::read_to_string(&file).unwrap();
        for to in referenced(&text) {
            if to != from {
                edges.entry((from.clone(), to)).or_insert(file.clone());
            }
        }
    }
    edges
}

/// The modules `from` imports, with the file that does.
fn imports_of<'a>(edges: &'a Edges, from: &str) -> Vec<(&'a str, &'a Path)> {
    edges
        .iter()
        .filter(|((f, _), _)| f == from)
        .map(|((_, t), file)| (t.as_str(), file.as_path()))
        .collect()
}

#[test]
fn forbidden_imports_are_absent() {
    let edges = edges();
    let rules: &[(&str, &[&str])] = &[
        ("ui", &["app", "sources", "actions"]),
        ("view", &["app", "ui", "sources", "actions"]),
        (
            "state",
            &[
                "sources", "app", "ui", "view", "config", "status", "actions",
            ],
        ),
        ("sources", &["app", "ui", "view"]),
        ("status", &["app", "ui", "view"]),
        ("config", &["app", "ui", "view", "sources"]),
        (
            "command",
            &["app", "ui", "view", "sources", "config", "state"],
        ),
        ("actions", &["app", "ui", "view"]),
    ];
    let mut broken = Vec::new();
    for (from, banned) in rules {
        for (to, file) in imports_of(&edges, from) {
            if banned.contains(&to) {
                broken.push(format!("{from} imports {to} in {}", file.display()));
            }
        }
    }
    assert!(broken.is_empty(), "layering broken:\n{}", broken.join("\n"));
}

#[test]
fn app_uses_ui_only_to_draw() {
    // `update` and its helpers never see drawing code: only the run loop calls `ui::draw`.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/app");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        let uses_ui = referenced(&text).contains("ui");
        let is_loop = file.ends_with("run.rs");
        assert!(
            !uses_ui || is_loop,
            "{} imports ui; only app/run.rs may (to draw)",
            file.display()
        );
    }
}

// Depth-first search with colours; a grey node reached again closes a circle.
fn visit<'a>(
    node: &'a str,
    graph: &BTreeMap<&'a str, BTreeSet<&'a str>>,
    colour: &mut BTreeMap<&'a str, u8>,
    path: &mut Vec<&'a str>,
) -> Option<Vec<&'a str>> {
    match colour.get(node) {
        Some(1) => {
            let start = path.iter().position(|n| *n == node).unwrap_or(0);
            let mut circle = path[start..].to_vec();
            circle.push(node);
            return Some(circle);
        }
        Some(2) => return None,
        _ => {}
    }
    colour.insert(node, 1);
    path.push(node);
    for next in graph.get(node).into_iter().flatten() {
        if let Some(c) = visit(next, graph, colour, path) {
            return Some(c);
        }
    }
    path.pop();
    colour.insert(node, 2);
    None
}

#[test]
fn no_circle_among_top_level_modules() {
    let edges = edges();
    let mut graph: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (from, to) in edges.keys() {
        graph.entry(from).or_default().insert(to);
    }
    let mut colour = BTreeMap::new();
    for node in graph.keys() {
        let mut path = Vec::new();
        if let Some(circle) = visit(node, &graph, &mut colour, &mut path) {
            let shown: Vec<String> = circle
                .windows(2)
                .map(|w| {
                    let file = &edges[&(w[0].to_owned(), w[1].to_owned())];
                    format!("{} → {} ({})", w[0], w[1], file.display())
                })
                .collect();
            panic!("import circle:\n{}", shown.join("\n"));
        }
    }
}

#[test]
fn the_scanner_sees_grouped_and_plain_paths() {
    let found = referenced(
        "use crate::{app::App, ui};\nlet x = crate::state::Store::new(); // crate::nope",
    );
    let want: BTreeSet<String> = ["app", "ui", "state"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    assert_eq!(found, want);
}
