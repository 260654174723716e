//! Reading past refused entries, so one run reports every error of a file: the entry
//! serde stopped at is blanked out with spaces (byte offsets and line breaks kept, so
//! every later span still points into the original text) and the text is read again.

use std::ops::Range;
use std::path::Path;

use toml::de::DeValue;

use super::RawConfig;
use super::diagnostics::{self, Diagnostic, Document, KeyPath, Seg};

/// How many refused entries are blanked out, one read each, before reporting what was found.
pub(super) const MAX_PASSES: usize = 100;

/// The outcome of reading the (partly blanked) text once.
pub(super) enum Pass {
    /// It deserialised; validate it.
    Read(Box<RawConfig>),
    /// An error was recorded; read this text, with the entry blanked, again.
    Again(String),
    /// An error was recorded and nothing more can be learnt.
    Stop,
}

/// Reads `masked` once; on a serde error records it and blanks the entry it names.
pub(super) fn pass(
    src: &str,
    masked: &str,
    file: &Path,
    found: &mut Vec<Diagnostic>,
    reported: &mut Vec<KeyPath>,
) -> Pass {
    let (Ok(doc), Ok(deserializer)) = (
        Document::masked(src, masked, file),
        toml::de::Deserializer::parse(masked),
    ) else {
        return Pass::Stop;
    };
    let err = match serde_path_to_error::deserialize::<_, RawConfig>(deserializer) {
        Ok(raw) => return Pass::Read(Box::new(raw)),
        Err(err) => err,
    };
    let path = diagnostics::serde_path(&err);
    let missing = diagnostics::missing_key(&err);
    // A wrong-typed required key, once blanked, comes back as missing: said already.
    let key = missing.clone().unwrap_or_else(|| path.clone());
    if !reported.contains(&key) {
        found.push(doc.serde(&err));
        reported.push(key);
    }
    // Blanking a whole array element would renumber the ones after it in later messages.
    let in_array = path.0.iter().any(|s| matches!(s, Seg::Index(_)));
    let ranges = extent(&doc, &path);
    if (missing.is_some() && in_array) || ranges.is_empty() {
        return Pass::Stop;
    }
    Pass::Again(blank(masked, &ranges))
}

/// The byte ranges that hold the entry at `path` (its key, value, and for a table
/// written with `[header]`s, every header and entry inside), to blank it out.
fn extent(doc: &Document<'_>, path: &KeyPath) -> Vec<Range<usize>> {
    let mut table = Some(doc.root());
    let mut node: Option<(Range<usize>, Range<usize>, &DeValue<'_>)> = None;
    for seg in &path.0 {
        let found = match (seg, &node) {
            (Seg::Key(key), _) => table
                .and_then(|t| t.iter().find(|(k, _)| k.get_ref() == key))
                .map(|(k, v)| (k.span(), v.span(), v.get_ref())),
            (Seg::Index(index), Some((_, _, value))) => value
                .as_array()
                .and_then(|a| a.get(*index))
                .map(|v| (v.span(), v.span(), v.get_ref())),
            (Seg::Index(_), None) => None,
        };
        let Some(found) = found else {
            return Vec::new();
        };
        table = found.2.as_table();
        node = Some(found);
    }
    let mut ranges = Vec::new();
    if let Some((key, value_span, value)) = node {
        entry_ranges(key, value_span, value, &mut ranges);
    }
    ranges
}

/// Collects the ranges of one entry: a `key = value` line whole; a `[header]` table as
/// its header plus each entry inside (other tables may sit between them).
fn entry_ranges(
    key: Range<usize>,
    value_span: Range<usize>,
    value: &DeValue<'_>,
    out: &mut Vec<Range<usize>>,
) {
    let is_header = value_span.start < key.start;
    match value {
        DeValue::Table(table) if is_header || value_span == key => {
            let mut inner = Vec::new();
            for (k, v) in table {
                entry_ranges(k.span(), v.span(), v.get_ref(), &mut inner);
            }
            if is_header {
                out.push(value_span);
                out.extend(inner);
            } else {
                // A dotted key (`a.b = 1`): the whole line, dots included.
                let end = inner.iter().map(|r| r.end).max().unwrap_or(key.end);
                out.push(key.start..end);
            }
        }
        DeValue::Array(array) if is_header || array.iter().any(|e| e.span().start < key.start) => {
            for element in array {
                out.push(element.span());
                if let Some(table) = element.get_ref().as_table() {
                    for (k, v) in table {
                        entry_ranges(k.span(), v.span(), v.get_ref(), out);
                    }
                }
            }
        }
        _ => out.push(key.start.min(value_span.start)..key.end.max(value_span.end)),
    }
}

/// Blanks `ranges` of `text` with spaces, keeping newlines so offsets and lines stay.
fn blank(text: &str, ranges: &[Range<usize>]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for range in ranges {
        let end = range.end.min(bytes.len());
        for byte in bytes
            .get_mut(range.start.min(end)..end)
            .into_iter()
            .flatten()
        {
            if *byte != b'\n' && *byte != b'\r' {
                *byte = b' ';
            }
        }
    }
    // Whole characters are blanked byte by byte into spaces, so this stays UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blanked(src: &str, path: &KeyPath) -> String {
        let doc = Document::parse(src, Path::new("c.toml")).unwrap();
        blank(src, &extent(&doc, path))
    }

    #[test]
    fn a_key_value_is_blanked_whole_keeping_lines_and_offsets() {
        let src = "a = 1\nb = [\n  'é',\n]\nc = 3\n";
        let out = blanked(src, &KeyPath::default().key("b"));
        // 'é' is two bytes, so two spaces: offsets stay, and the text stays UTF-8.
        assert_eq!(out, "a = 1\n     \n       \n \nc = 3\n");
        assert_eq!(out.len(), src.len());
    }

    #[test]
    fn a_header_table_takes_its_sub_tables_but_not_tables_between() {
        let src = "[p]\nurl = 'u'\n[g]\nx = 1\n[[p.panels]]\nt = 't'\n";
        let out = blanked(src, &KeyPath::default().key("p"));
        assert_eq!(out, "   \n         \n[g]\nx = 1\n            \n       \n");
    }

    #[test]
    fn a_dotted_key_is_blanked_with_its_dots() {
        let src = "[g]\nextra.deep = 2\ny = 1\n";
        let out = blanked(src, &KeyPath::default().key("g").key("extra"));
        assert_eq!(out, "[g]\n              \ny = 1\n");
    }
}
