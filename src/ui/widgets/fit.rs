//! Cutting text to a column width, with `…` where it was cut.

use std::borrow::Cow;

/// Cuts `text` to `width` characters, ending in `…` when cut.
pub fn fit(text: &str, width: usize) -> Cow<'_, str> {
    if text.chars().count() <= width {
        return Cow::Borrowed(text);
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    Cow::Owned(out)
}

/// Cuts `text` to `width` characters from the left, so an image keeps its tag.
pub fn fit_tail(text: &str, width: usize) -> Cow<'_, str> {
    let len = text.chars().count();
    if len <= width {
        return Cow::Borrowed(text);
    }
    let skip = len + 1 - width.max(1);
    let mut out = String::from("…");
    out.extend(text.chars().skip(skip));
    Cow::Owned(out)
}
