//! Semantic colour roles, styled from `themes/*.toml` and degraded to the terminal's colour depth.
//! Code asks `theme.style(Role::Critical)` and never names a colour. Depth `None` (`NO_COLOR`
//! or a dumb terminal) always selects the mono theme, whatever theme was asked for.

mod depth;
mod file;
mod role;

use std::io;
use std::path::{Path, PathBuf};

use ratatui::style::Style;

pub use depth::{ColorDepth, nearest_16, nearest_256};
pub use role::Role;

use file::RoleStyles;

/// The names of the themes compiled into the binary, in the order error messages list them.
pub const BUILT_IN_NAMES: [&str; 3] = ["default", "ansi16", "mono"];

/// The built-in theme files, by name.
const BUILT_INS: [(&str, &str); 3] = [
    ("default", include_str!("../../themes/default.toml")),
    ("ansi16", include_str!("../../themes/ansi16.toml")),
    ("mono", include_str!("../../themes/mono.toml")),
];

/// A loaded theme: one style per role, already degraded to the terminal's colour depth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    name: String,
    styles: [Style; Role::ALL.len()],
}

impl Theme {
    /// Returns the style for a role.
    pub fn style(&self, role: Role) -> Style {
        self.styles[role.index()]
    }

    /// Returns the theme's name (`mono` when colour is off, whatever was asked for).
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Why a theme could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThemeError {
    /// The name is neither built in nor a file in the user theme directory.
    #[error(
        "unknown theme '{name}': not built in ({}) and no file '{}'",
        BUILT_IN_NAMES.join(", "),
        .path.display()
    )]
    NotFound { name: String, path: PathBuf },
    /// The name is not built in and there is no user theme directory to look in.
    #[error(
        "unknown theme '{name}': not built in ({}) and no theme directory to look in \
         (set XDG_CONFIG_HOME or HOME)",
        BUILT_IN_NAMES.join(", ")
    )]
    NoThemeDir { name: String },
    /// The theme file exists but could not be read.
    #[error("cannot read theme '{name}' from '{}': {reason}", .path.display())]
    Read {
        name: String,
        path: PathBuf,
        reason: String,
    },
    /// The theme file is not valid TOML or not a valid theme.
    #[error("theme '{name}' in '{}' line {line}, column {column}: {message}", .path.display())]
    Invalid {
        name: String,
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

/// Loads a theme by name and degrades its colours to `depth`.
///
/// Built-in names win; any other name is read from `{user_dir}/{name}.toml`, and roles that
/// file omits fall back to the default theme's. Depth `None` loads the mono theme instead,
/// without looking at `name`, so `NO_COLOR` works even with a broken theme setting.
pub fn load(name: &str, user_dir: Option<&Path>, depth: ColorDepth) -> Result<Theme, ThemeError> {
    let name = if depth == ColorDepth::None {
        "mono"
    } else {
        name
    };
    let base = parse_built_in("default", BUILT_INS[0].1)?;
    let chosen = match BUILT_INS.iter().find(|(built_in, _)| *built_in == name) {
        Some((built_in, text)) => parse_built_in(built_in, text)?,
        None => parse_user(name, user_dir)?,
    };
    let styles = std::array::from_fn(|i| {
        let style = chosen[i].or(base[i]).unwrap_or_default();
        degrade(style, depth)
    });
    Ok(Theme {
        name: name.to_owned(),
        styles,
    })
}

/// Parses a compiled-in theme file.
fn parse_built_in(name: &str, text: &str) -> Result<RoleStyles, ThemeError> {
    let path = PathBuf::from(format!("themes/{name}.toml"));
    parse_text(name, &path, text)
}

/// Reads and parses `{user_dir}/{name}.toml`.
fn parse_user(name: &str, user_dir: Option<&Path>) -> Result<RoleStyles, ThemeError> {
    let Some(dir) = user_dir else {
        return Err(ThemeError::NoThemeDir {
            name: name.to_owned(),
        });
    };
    let path = dir.join(format!("{name}.toml"));
    match std::fs::read_to_string(&path) {
        Ok(text) => parse_text(name, &path, &text),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Err(ThemeError::NotFound {
            name: name.to_owned(),
            path,
        }),
        Err(err) => Err(ThemeError::Read {
            name: name.to_owned(),
            path,
            reason: err.to_string(),
        }),
    }
}

/// Parses theme text, naming the theme and file in any error.
fn parse_text(name: &str, path: &Path, text: &str) -> Result<RoleStyles, ThemeError> {
    file::parse(text).map_err(|err| ThemeError::Invalid {
        name: name.to_owned(),
        path: path.to_owned(),
        line: err.line,
        column: err.column,
        message: err.message,
    })
}

/// Degrades a style's colours to `depth`, keeping its modifiers.
fn degrade(style: Style, depth: ColorDepth) -> Style {
    Style {
        fg: style.fg.and_then(|color| depth.degrade(color)),
        bg: style.bg.and_then(|color| depth.degrade(color)),
        ..style
    }
}

#[cfg(test)]
mod tests {
    use super::{BUILT_IN_NAMES, BUILT_INS, Role, file};

    #[test]
    fn built_ins_are_listed_in_order() {
        let names: Vec<&str> = BUILT_INS.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, BUILT_IN_NAMES);
    }

    #[test]
    fn every_built_in_defines_every_role() {
        for (name, text) in BUILT_INS {
            let styles = file::parse(text).unwrap_or_else(|err| panic!("{name}: {err:?}"));
            for role in Role::ALL {
                assert!(
                    styles[role.index()].is_some(),
                    "{name} lacks '{}'",
                    role.name()
                );
            }
        }
    }
}
