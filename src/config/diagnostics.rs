//! Turns every config problem into one message naming file, line, column and key,
//! with a source excerpt and, for near-miss names, a "did you mean" suggestion.
//! Spans come from toml's errors or, for values checked after deserialising, from the parsed tree.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

/// One step of a key path: a table key or a 0-based array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    /// A key in a table.
    Key(String),
    /// An element of an array.
    Index(usize),
}

/// A dotted key path such as `prometheus.panels[1].window`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct KeyPath(pub Vec<Seg>);

impl KeyPath {
    /// The path of `key` inside this table.
    pub fn key(&self, key: &str) -> KeyPath {
        let mut segs = self.0.clone();
        segs.push(Seg::Key(key.to_owned()));
        KeyPath(segs)
    }

    /// The path of element `index` of this array.
    pub fn index(&self, index: usize) -> KeyPath {
        let mut segs = self.0.clone();
        segs.push(Seg::Index(index));
        KeyPath(segs)
    }

    fn parent(&self) -> KeyPath {
        KeyPath(self.0[..self.0.len().saturating_sub(1)].to_vec())
    }

    fn from_serde(path: &serde_path_to_error::Path) -> KeyPath {
        use serde_path_to_error::Segment;
        let segs = path.iter().filter_map(|seg| match seg {
            Segment::Seq { index } => Some(Seg::Index(*index)),
            Segment::Map { key } => Some(Seg::Key(key.clone())),
            Segment::Enum { variant } => Some(Seg::Key(variant.clone())),
            Segment::Unknown => None,
        });
        KeyPath(segs.collect())
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(key) if i == 0 => f.write_str(key)?,
                Seg::Key(key) => write!(f, ".{key}")?,
                Seg::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// Which part of a `key = value` line a problem points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// The key itself (unknown names).
    Key,
    /// The value, or a table's header when the path names a table.
    Value,
}

/// A problem found after deserialising, located by key path instead of byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// Where the problem is.
    pub path: KeyPath,
    /// Whether to point at the key or its value.
    pub target: Target,
    /// The full message, naming the key and saying what to do.
    pub message: String,
}

impl Problem {
    /// A problem with the value at `path`; the message is prefixed with the quoted path.
    pub fn value(path: KeyPath, detail: impl fmt::Display) -> Problem {
        let message = format!("'{path}': {detail}");
        Problem {
            path,
            target: Target::Value,
            message,
        }
    }

    /// A problem with the key at `path`, with a message written in full by the caller.
    pub fn key(path: KeyPath, message: String) -> Problem {
        Problem {
            path,
            target: Target::Key,
            message,
        }
    }
}

/// Every problem found in one file, so a single run reports them all.
#[derive(Debug, Default)]
pub(crate) struct Problems(pub Vec<Problem>);

impl Problems {
    /// Records a problem.
    pub fn push(&mut self, problem: Problem) {
        self.0.push(problem);
    }

    /// The value of `result`, or `T::default()` after recording its problem.
    pub fn take<T: Default>(&mut self, result: Result<T, Problem>) -> T {
        result.unwrap_or_else(|problem| {
            self.0.push(problem);
            T::default()
        })
    }
}

/// At most this many errors are shown; the rest are counted.
pub const SHOWN: usize = 20;

/// Every located error of one file, in file order; `Display` shows the first [`SHOWN`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Sorts into file order and drops exact repeats.
    pub(crate) fn new(mut all: Vec<Diagnostic>) -> Diagnostics {
        all.sort_by_key(|d| (d.line, d.column));
        all.dedup();
        Diagnostics(all)
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.0.iter().take(SHOWN).enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{diagnostic}")?;
        }
        match self.0.len().saturating_sub(SHOWN) {
            0 => Ok(()),
            1 => write!(f, "\nand 1 more error"),
            more => write!(f, "\nand {more} more errors"),
        }
    }
}

/// A located config error; `Display` renders the message with a source excerpt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The config file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The message: what is wrong and what to do.
    pub message: String,
    /// The source line, tabs shown as spaces.
    pub source_line: String,
    /// How many characters to underline from `column`.
    pub width: usize,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (file, line, column) = (self.file.display(), self.line, self.column);
        writeln!(f, "error: {file}:{line}:{column}: {}", self.message)?;
        let gutter = " ".repeat(line.to_string().len() + 2);
        writeln!(f, "{gutter}|")?;
        writeln!(f, " {line} | {}", self.source_line)?;
        let pad = " ".repeat(column - 1);
        write!(f, "{gutter}| {pad}{}", "^".repeat(self.width))
    }
}

/// The text of a config file with its parsed tree, for locating problems.
pub(crate) struct Document<'a> {
    src: &'a str,
    file: &'a Path,
    root: DeTable<'a>,
}

impl<'a> Document<'a> {
    /// Parses `src`; a TOML syntax error comes back as a located diagnostic.
    pub fn parse(src: &'a str, file: &'a Path) -> Result<Document<'a>, Diagnostic> {
        Document::masked(src, src, file)
    }

    /// Parses `masked`, a copy of `src` with reported entries blanked (same byte offsets),
    /// and shows excerpts from `src`.
    pub fn masked(
        src: &'a str,
        masked: &'a str,
        file: &'a Path,
    ) -> Result<Document<'a>, Diagnostic> {
        match DeTable::parse(masked) {
            Ok(root) => Ok(Document {
                src,
                file,
                root: root.into_inner(),
            }),
            Err(err) => Err(syntax(src, file, &err)),
        }
    }

    /// The parsed tree.
    pub fn root(&self) -> &DeTable<'a> {
        &self.root
    }

    /// Locates a post-deserialisation problem.
    pub fn problem(&self, problem: Problem) -> Diagnostic {
        let span = self.locate(&problem.path, problem.target);
        diagnostic(self.src, self.file, span, problem.message)
    }

    /// Explains a deserialisation error: unknown keys, wrong types, missing keys.
    pub fn serde(&self, err: &serde_path_to_error::Error<toml::de::Error>) -> Diagnostic {
        let path = serde_path(err);
        let inner = err.inner();
        let message = explain(&path, inner.message());
        let target = if message.starts_with("missing") {
            Target::Value
        } else {
            Target::Key
        };
        let span = match inner.span() {
            Some(span) => span,
            None => self.locate(&path, target),
        };
        diagnostic(self.src, self.file, span, message)
    }

    /// Finds the byte span of the key or value at `path`, or the nearest enclosing one.
    pub fn locate(&self, path: &KeyPath, target: Target) -> Range<usize> {
        let mut node: Option<&DeValue<'_>> = None;
        let (mut key_span, mut value_span) = (0..0, 0..0);
        for seg in &path.0 {
            let table = match node {
                None => Some(&self.root),
                Some(value) => value.as_table(),
            };
            let found = match seg {
                Seg::Key(key) => table
                    .and_then(|t| t.iter().find(|(k, _)| k.get_ref() == key))
                    .map(|(k, v)| (k.span(), v)),
                Seg::Index(index) => node
                    .and_then(DeValue::as_array)
                    .and_then(|a| a.get(*index))
                    .map(|v| (v.span(), v)),
            };
            let Some((key, value)) = found else { break };
            (key_span, value_span) = (key, value.span());
            node = Some(value.get_ref());
        }
        match target {
            Target::Key => key_span,
            Target::Value => value_span,
        }
    }
}

/// The key path a deserialisation error happened at.
pub(crate) fn serde_path(err: &serde_path_to_error::Error<toml::de::Error>) -> KeyPath {
    KeyPath::from_serde(err.path())
}

/// The path of the key a "missing field" error asks for (its own path is the table).
pub(crate) fn missing_key(err: &serde_path_to_error::Error<toml::de::Error>) -> Option<KeyPath> {
    let rest = err.inner().message().strip_prefix("missing field `")?;
    let name = rest.split('`').next()?;
    Some(serde_path(err).key(name))
}

/// Explains a TOML syntax error.
pub(crate) fn syntax(src: &str, file: &Path, err: &toml::de::Error) -> Diagnostic {
    let span = err.span().unwrap_or(0..0);
    diagnostic(
        src,
        file,
        span,
        format!("invalid TOML: {}", err.message().trim_end()),
    )
}

/// Locates the first byte of `bytes` that is not UTF-8, showing the valid text before it.
pub(crate) fn invalid_utf8(bytes: &[u8], file: &Path, err: std::str::Utf8Error) -> Diagnostic {
    let offset = err.valid_up_to();
    let valid = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
    let byte = bytes.get(offset).copied().unwrap_or_default();
    let message =
        format!("invalid UTF-8: byte 0x{byte:02x} at offset {offset}; save the file as UTF-8");
    diagnostic(valid, file, offset..offset, message)
}

/// Builds a diagnostic for the byte `span` of `src`.
fn diagnostic(src: &str, file: &Path, span: Range<usize>, message: String) -> Diagnostic {
    let start = floor_char_boundary(src, span.start.min(src.len()));
    let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = src[start..].find('\n').map_or(src.len(), |i| start + i);
    let line_text = src[line_start..line_end].trim_end_matches('\r');
    let column = src[line_start..start].chars().count() + 1;
    // `start` may sit on a trailing '\r' that `line_text` left out, so never clamp below it.
    let end = floor_char_boundary(src, span.end.min(line_start + line_text.len()).max(start));
    let width = src[start..end].chars().count().max(1);
    Diagnostic {
        file: file.to_path_buf(),
        line: src[..start].matches('\n').count() + 1,
        column,
        message,
        source_line: line_text.replace('\t', " "),
        width,
    }
}

fn floor_char_boundary(src: &str, mut index: usize) -> usize {
    while !src.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// Rewrites serde's message for `path` in the config's own words.
fn explain(path: &KeyPath, message: &str) -> String {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or_default();
        let expected: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
        return unknown_key(&path.parent(), name, &expected);
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or_default();
        return format!("missing key '{}'; add it to this table", path.key(name));
    }
    if let Some((found, expected)) = message
        .strip_prefix("invalid type: ")
        .and_then(|m| m.split_once(", expected "))
    {
        let (found, expected) = (describe_found(found), describe_expected(expected));
        return format!("wrong type for '{path}': expected {expected}, found {found}");
    }
    if path.0.is_empty() {
        message.to_owned()
    } else {
        format!("'{path}': {message}")
    }
}

/// The message for an unknown key `name` in the table at `table`, which accepts `expected`.
pub(crate) fn unknown_key(table: &KeyPath, name: &str, expected: &[&str]) -> String {
    let full = table.key(name);
    let lower = name.to_ascii_lowercase();
    let is_secret = ["token", "password", "passwd", "secret"]
        .iter()
        .any(|s| lower.contains(s));
    if is_secret && !lower.ends_with("_env") {
        let env_key = if lower.contains("pass") {
            "password_env"
        } else {
            "token_env"
        };
        let advice = if expected.contains(&env_key) {
            format!(" and name it with `{env_key}`")
        } else {
            String::new()
        };
        return format!(
            "'{full}': secrets are not stored in the config file; \
             put the secret in an environment variable{advice}"
        );
    }
    let place = if table.0.is_empty() {
        " at top level"
    } else {
        ""
    };
    let env_twin = format!("{name}_env");
    let hint = if expected.contains(&env_twin.as_str()) {
        format!(
            "did you mean '{}'? it names the environment variable to read",
            table.key(&env_twin)
        )
    } else if let Some(best) = suggest(name, expected.iter().copied()) {
        format!("did you mean '{}'?", table.key(best))
    } else if expected.is_empty() {
        "this table takes no keys".to_owned()
    } else {
        format!("the keys here are {}", quoted_list(expected))
    };
    format!("unknown key '{full}'{place}; {hint}")
}

/// Joins names as `'a', 'b', 'c'`.
pub(crate) fn quoted_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    quoted.join(", ")
}

/// The closest candidate to `name` within a small edit distance (a swap counts as one edit).
pub(crate) fn suggest<'c>(
    name: &str,
    candidates: impl Iterator<Item = &'c str>,
) -> Option<&'c str> {
    let limit = (name.chars().count() / 3).clamp(1, 2);
    candidates
        .map(|c| (strsim::osa_distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn describe_found(found: &str) -> String {
    let found = found.replace('`', "'");
    match found
        .strip_prefix("string \"")
        .and_then(|s| s.strip_suffix('"'))
    {
        Some(text) => format!("string '{text}'"),
        None => match found.as_str() {
            "sequence" => "a list".to_owned(),
            "map" => "a table".to_owned(),
            _ => found,
        },
    }
}

fn describe_expected(expected: &str) -> &str {
    match expected {
        "f32" | "f64" => "a number",
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" => "an integer",
        "a sequence" => "a list",
        "a map" => "a table",
        e if e.starts_with("struct ") => "a table",
        e => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_only_close_names() {
        let keys = ["theme", "read_only", "bell"];
        assert_eq!(suggest("thme", keys.iter().copied()), Some("theme"));
        assert_eq!(suggest("readonly", keys.iter().copied()), Some("read_only"));
        assert_eq!(suggest("colour", keys.iter().copied()), None);
        // A swap of two letters counts as one edit.
        assert_eq!(suggest("tehme", keys.iter().copied()), Some("theme"));
    }

    #[test]
    fn key_path_displays_dotted() {
        let path = KeyPath::default()
            .key("prometheus")
            .key("panels")
            .index(1)
            .key("unit");
        assert_eq!(path.to_string(), "prometheus.panels[1].unit");
    }

    #[test]
    fn renders_excerpt_with_caret() {
        let src = "a = 1\n\tthme = \"mono\"\n";
        let d = diagnostic(src, Path::new("c.toml"), 7..11, "bad".into());
        assert_eq!((d.line, d.column, d.width), (2, 2, 4));
        assert_eq!(
            d.to_string(),
            "error: c.toml:2:2: bad\n   |\n 2 |  thme = \"mono\"\n   |  ^^^^"
        );
    }

    #[test]
    fn span_on_a_carriage_return_does_not_panic() {
        let src = "theme = \"x\r\n";
        let d = diagnostic(src, Path::new("c.toml"), 10..12, "bad".into());
        assert_eq!((d.line, d.column, d.width), (1, 11, 1));
        assert_eq!(d.source_line, "theme = \"x");
    }

    #[test]
    fn span_at_end_of_file_points_past_last_line() {
        let d = diagnostic("a = ", Path::new("c.toml"), 4..4, "bad".into());
        assert_eq!((d.line, d.column, d.width), (1, 5, 1));
    }

    #[test]
    fn locates_keys_values_and_array_elements() {
        let src = "[github]\nrepos = ['a', 'b']\n[[docker]]\nhost = 'x'\n";
        let doc = Document::parse(src, Path::new("c.toml")).unwrap();
        let repos = KeyPath::default().key("github").key("repos");
        assert_eq!(&src[doc.locate(&repos, Target::Key)], "repos");
        assert_eq!(&src[doc.locate(&repos.index(1), Target::Value)], "'b'");
        let docker = KeyPath::default().key("docker").index(0);
        assert_eq!(&src[doc.locate(&docker, Target::Value)], "[[docker]]");
        assert_eq!(
            &src[doc.locate(&docker.key("nope"), Target::Value)],
            "[[docker]]"
        );
    }
}
