//! Theme loading through the public API: built-ins, colour depth, user files and error messages.

use std::fs;
use std::path::Path;

use flightdeck::theme::{self, BUILT_IN_NAMES, ColorDepth, Role, Theme, ThemeError};
use ratatui::style::{Color, Modifier, Style};

const ANSI16_COLORS: [Color; 17] = [
    Color::Reset,
    Color::Black,
    Color::Red,
    Color::Green,
    Color::Yellow,
    Color::Blue,
    Color::Magenta,
    Color::Cyan,
    Color::Gray,
    Color::DarkGray,
    Color::LightRed,
    Color::LightGreen,
    Color::LightYellow,
    Color::LightBlue,
    Color::LightMagenta,
    Color::LightCyan,
    Color::White,
];

fn built_in(name: &str, depth: ColorDepth) -> Theme {
    theme::load(name, None, depth).expect("built-in themes load")
}

fn colors(theme: &Theme) -> Vec<(Role, Color)> {
    Role::ALL
        .into_iter()
        .flat_map(|role| {
            let style = theme.style(role);
            [style.fg, style.bg]
                .into_iter()
                .flatten()
                .map(move |c| (role, c))
        })
        .collect()
}

fn write_theme(dir: &Path, name: &str, text: &str) {
    fs::write(dir.join(format!("{name}.toml")), text).expect("temp dir is writable");
}

#[test]
fn every_built_in_loads_at_every_depth_and_styles_every_role() {
    let depths = [
        ColorDepth::TrueColor,
        ColorDepth::Ansi256,
        ColorDepth::Ansi16,
    ];
    for name in BUILT_IN_NAMES {
        for depth in depths {
            let theme = built_in(name, depth);
            assert_eq!(theme.name(), name);
            for role in Role::ALL {
                if !matches!(role, Role::Text | Role::Border | Role::Ok) {
                    assert_ne!(theme.style(role), Style::new(), "{name} {depth:?} {role:?}");
                }
            }
        }
    }
}

#[test]
fn role_names_are_snake_case() {
    assert_eq!(Role::TabActive.name(), "tab_active");
    assert_eq!(Role::Match.name(), "match");
    assert_eq!(Role::ALL.len(), 18);
}

#[test]
fn ansi16_uses_only_the_16_named_colours() {
    for depth in [
        ColorDepth::TrueColor,
        ColorDepth::Ansi256,
        ColorDepth::Ansi16,
    ] {
        let theme = built_in("ansi16", depth);
        for (role, color) in colors(&theme) {
            assert!(ANSI16_COLORS.contains(&color), "{role:?} uses {color:?}");
        }
    }
}

#[test]
fn mono_uses_no_colours_and_marks_by_modifier() {
    let theme = built_in("mono", ColorDepth::TrueColor);
    assert_eq!(colors(&theme), []);
    assert!(
        theme
            .style(Role::Selection)
            .add_modifier
            .contains(Modifier::REVERSED)
    );
    assert!(
        theme
            .style(Role::Critical)
            .add_modifier
            .contains(Modifier::BOLD)
    );
}

#[test]
fn default_is_truecolor_and_degrades_with_depth() {
    let rgb = built_in("default", ColorDepth::TrueColor);
    assert_eq!(
        rgb.style(Role::Accent).fg,
        Some(Color::Rgb(0x7a, 0xa2, 0xf7))
    );

    let indexed = built_in("default", ColorDepth::Ansi256);
    for (role, color) in colors(&indexed) {
        assert!(
            matches!(color, Color::Indexed(16..)),
            "{role:?} uses {color:?}"
        );
    }

    let named = built_in("default", ColorDepth::Ansi16);
    for (role, color) in colors(&named) {
        assert!(ANSI16_COLORS.contains(&color), "{role:?} uses {color:?}");
    }
    // Modifiers survive degradation.
    assert_eq!(named.style(Role::Title).add_modifier, Modifier::BOLD);
}

#[test]
fn pure_red_degrades_to_196_and_bright_red() {
    let dir = tempfile::tempdir().unwrap();
    write_theme(
        dir.path(),
        "red",
        "[roles]\ncritical = { fg = \"#ff0000\" }\n",
    );
    let cases = [
        (ColorDepth::TrueColor, Some(Color::Rgb(0xff, 0, 0))),
        (ColorDepth::Ansi256, Some(Color::Indexed(196))),
        (ColorDepth::Ansi16, Some(Color::LightRed)),
    ];
    for (depth, expected) in cases {
        let theme = theme::load("red", Some(dir.path()), depth).unwrap();
        assert_eq!(theme.style(Role::Critical).fg, expected, "{depth:?}");
    }
    assert_eq!(
        ColorDepth::Ansi256.degrade(Color::Rgb(0xff, 0, 0)),
        Some(Color::Indexed(196))
    );
    assert_eq!(
        ColorDepth::Ansi16.degrade(Color::Rgb(0xff, 0, 0)),
        Some(Color::LightRed)
    );
}

#[test]
fn no_colour_depth_selects_mono_whatever_the_name() {
    let dir = tempfile::tempdir().unwrap();
    let missing = theme::load("drakula", Some(dir.path()), ColorDepth::None).unwrap();
    assert_eq!(missing.name(), "mono");
    assert_eq!(missing, built_in("mono", ColorDepth::TrueColor));
    assert_eq!(colors(&built_in("default", ColorDepth::None)), []);
}

#[test]
fn detect_reads_no_color_colorterm_and_term() {
    let cases: [(&[(&str, &str)], ColorDepth); 7] = [
        (
            &[("NO_COLOR", "1"), ("COLORTERM", "truecolor")],
            ColorDepth::None,
        ),
        (
            &[("NO_COLOR", ""), ("TERM", "xterm-256color")],
            ColorDepth::Ansi256,
        ),
        (&[("COLORTERM", "truecolor")], ColorDepth::TrueColor),
        (
            &[("COLORTERM", "24bit"), ("TERM", "xterm")],
            ColorDepth::TrueColor,
        ),
        (&[("TERM", "screen-256color")], ColorDepth::Ansi256),
        (&[("TERM", "dumb")], ColorDepth::None),
        (&[("TERM", "xterm")], ColorDepth::Ansi16),
    ];
    for (vars, expected) in cases {
        let env = |key: &str| {
            vars.iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (*v).to_owned())
        };
        assert_eq!(ColorDepth::detect(&env), expected, "{vars:?}");
    }
    assert_eq!(ColorDepth::detect(&|_| None), ColorDepth::Ansi16);
}

#[test]
fn user_theme_overrides_one_role_and_falls_back_for_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    write_theme(
        dir.path(),
        "mine",
        "[roles]\nok = { fg = \"bright_green\", bold = true }\n",
    );
    let mine = theme::load("mine", Some(dir.path()), ColorDepth::TrueColor).unwrap();
    let default = built_in("default", ColorDepth::TrueColor);
    assert_eq!(mine.name(), "mine");
    assert_eq!(
        mine.style(Role::Ok),
        Style::new()
            .fg(Color::LightGreen)
            .add_modifier(Modifier::BOLD)
    );
    for role in Role::ALL.into_iter().filter(|role| *role != Role::Ok) {
        assert_eq!(mine.style(role), default.style(role), "{role:?}");
    }
}

#[test]
fn built_in_names_win_over_user_files() {
    let dir = tempfile::tempdir().unwrap();
    write_theme(dir.path(), "mono", "[roles]\nok = { fg = \"red\" }\n");
    let mono = theme::load("mono", Some(dir.path()), ColorDepth::TrueColor).unwrap();
    assert_eq!(mono.style(Role::Ok).fg, None);
}

#[test]
fn unknown_theme_names_the_file_and_the_built_ins() {
    let err = theme::load(
        "drakula",
        Some(Path::new("/x/themes")),
        ColorDepth::TrueColor,
    )
    .unwrap_err();
    assert!(matches!(err, ThemeError::NotFound { .. }));
    assert_eq!(
        err.to_string(),
        "unknown theme 'drakula': not built in (default, ansi16, mono) \
         and no file '/x/themes/drakula.toml'"
    );

    let err = theme::load("drakula", None, ColorDepth::Ansi16).unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown theme 'drakula': not built in (default, ansi16, mono) \
         and no theme directory to look in (set XDG_CONFIG_HOME or HOME)"
    );
}

#[test]
fn unknown_role_key_names_theme_file_line_and_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    write_theme(
        dir.path(),
        "bad",
        "[roles]\nok = {}\nwarnign = { bold = true }\n",
    );
    let err = theme::load("bad", Some(dir.path()), ColorDepth::TrueColor).unwrap_err();
    let path = dir.path().join("bad.toml");
    assert_eq!(
        err.to_string(),
        format!(
            "theme 'bad' in '{}' line 3, column 1: unknown role 'warnign' (did you mean 'warning'?)",
            path.display()
        )
    );
}

#[test]
fn unknown_spec_key_and_bad_colour_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    write_theme(
        dir.path(),
        "key",
        "[roles]\nok = { fg = \"green\", blink = true }\n",
    );
    write_theme(dir.path(), "colour", "[roles]\nok = { fg = \"#12345\" }\n");
    write_theme(dir.path(), "top", "name = \"top\"\n");

    let err = theme::load("key", Some(dir.path()), ColorDepth::TrueColor).unwrap_err();
    let path = dir.path().join("key.toml");
    assert_eq!(
        err.to_string(),
        format!(
            "theme 'key' in '{}' line 2, column 22: unknown field `blink`, expected one of \
             `fg`, `bg`, `bold`, `dim`, `italic`, `underlined`, `reversed`",
            path.display()
        )
    );

    let err = theme::load("colour", Some(dir.path()), ColorDepth::TrueColor).unwrap_err();
    assert!(
        err.to_string()
            .contains("line 2, column 13: unknown colour '#12345'"),
        "{err}"
    );

    let err = theme::load("top", Some(dir.path()), ColorDepth::TrueColor).unwrap_err();
    assert!(
        err.to_string()
            .contains("unknown field `name`, expected `roles`"),
        "{err}"
    );
}
