//! The theme file format: a `[roles]` table of colour and modifier specs, one per role name.
//! Parsing is strict (unknown keys, roles and colour names are errors) and knows nothing of depth.

use std::collections::BTreeMap;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use toml::Spanned;

use super::role::Role;

/// One style per role, `None` where the file does not mention the role.
pub(crate) type RoleStyles = [Option<Style>; Role::ALL.len()];

/// The colour names a theme file may use, with the ratatui colour each means.
const COLOR_NAMES: [(&str, Color); 17] = [
    ("reset", Color::Reset),
    ("black", Color::Black),
    ("red", Color::Red),
    ("green", Color::Green),
    ("yellow", Color::Yellow),
    ("blue", Color::Blue),
    ("magenta", Color::Magenta),
    ("cyan", Color::Cyan),
    ("white", Color::Gray),
    ("bright_black", Color::DarkGray),
    ("bright_red", Color::LightRed),
    ("bright_green", Color::LightGreen),
    ("bright_yellow", Color::LightYellow),
    ("bright_blue", Color::LightBlue),
    ("bright_magenta", Color::LightMagenta),
    ("bright_cyan", Color::LightCyan),
    ("bright_white", Color::White),
];

/// A theme file's syntax or content error, located in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileError {
    /// 1-based line of the offending text.
    pub(crate) line: usize,
    /// 1-based column (in characters) of the offending text.
    pub(crate) column: usize,
    /// What is wrong, with the offending value in single quotes.
    pub(crate) message: String,
}

/// The whole file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    /// Role name → spec.
    #[serde(default)]
    roles: BTreeMap<Spanned<String>, RoleSpec>,
}

/// One role's spec; a modifier set to `false` is removed rather than merely not added.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleSpec {
    fg: Option<FileColor>,
    bg: Option<FileColor>,
    bold: Option<bool>,
    dim: Option<bool>,
    italic: Option<bool>,
    underlined: Option<bool>,
    reversed: Option<bool>,
}

/// A colour as a theme file spells it: `"#rrggbb"`, a base colour name, or `"reset"`.
#[derive(Deserialize)]
#[serde(try_from = "String")]
struct FileColor(Color);

impl TryFrom<String> for FileColor {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        parse_color(&text).map(FileColor).ok_or_else(|| {
            format!("unknown colour '{text}': use '#rrggbb', 'reset' or a base colour name (red, bright_red, …)")
        })
    }
}

/// Parses a theme file into per-role styles at full colour.
pub(crate) fn parse(text: &str) -> Result<RoleStyles, FileError> {
    let file: ThemeFile = toml::from_str(text).map_err(|err| FileError {
        message: err.message().to_owned(),
        ..locate(text, err.span().map_or(0, |span| span.start))
    })?;
    let mut styles: RoleStyles = [None; Role::ALL.len()];
    for (key, spec) in file.roles {
        let Some(role) = Role::from_name(key.get_ref()) else {
            return Err(FileError {
                message: unknown_role_message(key.get_ref()),
                ..locate(text, key.span().start)
            });
        };
        styles[role.index()] = Some(spec.style());
    }
    Ok(styles)
}

impl RoleSpec {
    /// Converts the spec into a ratatui style.
    fn style(&self) -> Style {
        let mut style = Style::new();
        style.fg = self.fg.as_ref().map(|color| color.0);
        style.bg = self.bg.as_ref().map(|color| color.0);
        let flags = [
            (self.bold, Modifier::BOLD),
            (self.dim, Modifier::DIM),
            (self.italic, Modifier::ITALIC),
            (self.underlined, Modifier::UNDERLINED),
            (self.reversed, Modifier::REVERSED),
        ];
        for (flag, modifier) in flags {
            style = match flag {
                Some(true) => style.add_modifier(modifier),
                Some(false) => style.remove_modifier(modifier),
                None => style,
            };
        }
        style
    }
}

/// Parses `"#rrggbb"` or a colour name.
fn parse_color(text: &str) -> Option<Color> {
    if let Some(hex) = text.strip_prefix('#') {
        let channel = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
        return (hex.len() == 6 && hex.is_ascii())
            .then(|| Some(Color::Rgb(channel(0)?, channel(2)?, channel(4)?)))
            .flatten();
    }
    COLOR_NAMES
        .iter()
        .find(|(name, _)| *name == text)
        .map(|&(_, color)| color)
}

/// Returns the 1-based line and column of a byte offset, with an empty message.
fn locate(text: &str, offset: usize) -> FileError {
    let before = text.get(..offset).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    FileError {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
        message: String::new(),
    }
}

/// Says that a role name is unknown, suggesting the closest real one when it is a likely typo.
fn unknown_role_message(name: &str) -> String {
    let closest = Role::ALL
        .into_iter()
        .map(|role| (strsim::levenshtein(name, role.name()), role.name()))
        .min();
    match closest {
        Some((distance, suggestion)) if distance <= 2 => {
            format!("unknown role '{name}' (did you mean '{suggestion}'?)")
        }
        _ => {
            let names: Vec<&str> = Role::ALL.into_iter().map(Role::name).collect();
            format!("unknown role '{name}' (roles: {})", names.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{parse, parse_color};
    use crate::theme::Role;
    use ratatui::style::{Color, Modifier, Style};

    #[test]
    fn colours_parse_from_hex_and_names() {
        assert_eq!(parse_color("#7aa2f7"), Some(Color::Rgb(0x7a, 0xa2, 0xf7)));
        assert_eq!(parse_color("white"), Some(Color::Gray));
        assert_eq!(parse_color("bright_white"), Some(Color::White));
        assert_eq!(parse_color("reset"), Some(Color::Reset));
        for bad in ["#7aa2f", "#7aa2fz", "#ééé", "purple", "Red", ""] {
            assert_eq!(parse_color(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_spec_becomes_a_style_and_false_removes() {
        let styles = parse("[roles]\nok = { fg = \"green\", bold = true, dim = false }\n").unwrap();
        let expected = Style::new()
            .fg(Color::Green)
            .add_modifier(Modifier::BOLD)
            .remove_modifier(Modifier::DIM);
        assert_eq!(styles[Role::Ok.index()], Some(expected));
        assert_eq!(styles[Role::Text.index()], None);
    }

    #[test]
    fn errors_are_located() {
        let err = parse("[roles]\nok = {}\n  okk = { bold = true }\n").unwrap_err();
        assert_eq!((err.line, err.column), (3, 3));
        assert_eq!(err.message, "unknown role 'okk' (did you mean 'ok'?)");

        let err = parse("[roles]\nok = { fg = \"purple\" }\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 13));
        assert!(
            err.message.starts_with("unknown colour 'purple'"),
            "{}",
            err.message
        );

        let err = parse("[roles]\nok = { boldd = true }\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(
            err.message.starts_with("unknown field `boldd`"),
            "{}",
            err.message
        );
    }

    #[test]
    fn distant_names_list_every_role() {
        let err = parse("[roles]\nzzzzzz = {}\n").unwrap_err();
        assert!(
            err.message.contains("(roles: text, muted,"),
            "{}",
            err.message
        );
    }
}
