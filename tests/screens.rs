//! Snapshot tests of every pane and overlay at fixed sizes and a fixed `now`.

mod common;

use common::{app, at, ch, render, screen, spec, text_of, theme};
use flightdeck::app::App;
use flightdeck::app::msg::Msg;
use flightdeck::app::update::update;
use flightdeck::error::SourceError;
use flightdeck::state::{SourceId, SourceKind, Update};
use flightdeck::ui::widgets::confirm::ConfirmDialog;
use flightdeck::ui::widgets::text_view::TextView;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use std::fmt::Write as _;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn all_kinds() -> App {
    app(vec![
        spec(SourceKind::Github, "github"),
        spec(SourceKind::Docker, "local"),
        spec(SourceKind::Mlflow, "mlflow"),
        spec(SourceKind::Prometheus, "prometheus"),
        spec(SourceKind::Alertmanager, "alertmanager"),
    ])
}

fn fail(a: &mut App, source: usize, t: i64, error: SourceError) {
    let msg = Update::Polled {
        source: SourceId(source),
        at: at(t),
        result: Err(error),
    };
    update(a, Msg::Source(msg));
}

#[test]
fn every_tab_not_configured() {
    for (w, h) in SIZES {
        let mut a = app(vec![]);
        for c in '1'..='6' {
            update(&mut a, ch(c));
            let name = format!("not_configured_tab{c}_{w}x{h}");
            insta::assert_snapshot!(name, screen(&a, w, h));
        }
    }
}

#[test]
fn every_tab_loading() {
    let mut a = all_kinds();
    for c in '1'..='6' {
        update(&mut a, ch(c));
        insta::assert_snapshot!(format!("loading_tab{c}_80x24"), screen(&a, 80, 24));
    }
}

#[test]
fn sources_erroring_and_crashed() {
    let mut a = all_kinds();
    fail(
        &mut a,
        1,
        0,
        SourceError::Unreachable {
            target: "unix:///var/run/docker.sock".into(),
            detail: "permission denied: add your user to the 'docker' group or set DOCKER_HOST"
                .into(),
        },
    );
    fail(
        &mut a,
        0,
        10,
        SourceError::Auth {
            target: "https://api.github.com".into(),
            detail: "token rejected (HTTP 401)".into(),
        },
    );
    let crash = Update::Crashed {
        source: SourceId(2),
        at: at(20),
        message: "index out of bounds".into(),
    };
    update(&mut a, Msg::Source(crash));
    update(&mut a, Msg::Tick { now: at(95) });
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("errors_overview_{w}x{h}"), screen(&a, w, h));
    }
    update(&mut a, ch('3'));
    insta::assert_snapshot!("errors_containers_80x24", screen(&a, 80, 24));
}

#[test]
fn help_overlay() {
    for (w, h) in SIZES {
        let mut a = all_kinds();
        update(&mut a, ch('?'));
        insta::assert_snapshot!(format!("help_{w}x{h}"), screen(&a, w, h));
    }
}

#[test]
fn help_shows_remapped_and_unbound_keys() {
    use flightdeck::config;
    let src = "[keys]\nquit = \"x\"\nsuspend = \"\"\n";
    let cfg = config::parse(src, std::path::Path::new("k.toml"), &|_| None).unwrap();
    let mut a = all_kinds();
    a.keymap = cfg.keymap;
    update(&mut a, ch('?'));
    let s = screen(&a, 80, 24);
    assert!(s.contains(" x                quit"), "{s}");
    assert!(
        s.contains(":suspend"),
        "unbound: run by name from the palette: {s}"
    );
    assert!(!s.contains("ctrl-z"), "{s}");
}

#[test]
fn palette_overlay() {
    let mut a = all_kinds();
    update(&mut a, ch(':'));
    insta::assert_snapshot!("palette_empty_80x24", screen(&a, 80, 24));
    common::type_text(&mut a, "tab");
    update(&mut a, common::key(crossterm::event::KeyCode::Down));
    insta::assert_snapshot!("palette_tab_80x24", screen(&a, 80, 24));
}

#[test]
fn filter_input_in_footer() {
    let mut a = all_kinds();
    update(&mut a, ch('/'));
    common::type_text(&mut a, "dock");
    insta::assert_snapshot!("filter_typing_80x24", screen(&a, 80, 24));
}

#[test]
fn too_small_screen() {
    let a = all_kinds();
    insta::assert_snapshot!("too_small_50x10", screen(&a, 50, 10));
    insta::assert_snapshot!("too_small_59x24", screen(&a, 59, 24));
}

fn draw_widget(w: u16, h: u16, f: impl FnOnce(&mut ratatui::Frame)) -> TestBackend {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(f).unwrap();
    terminal.backend().clone()
}

#[test]
fn confirm_modal() {
    let t = theme("default");
    let restart = ConfirmDialog {
        action: "Restart container",
        target: "web-1",
        host: "docker local",
        destructive: false,
        second: false,
    };
    let b = draw_widget(60, 12, |f| restart.draw(f, f.area(), &t));
    insta::assert_snapshot!("confirm_restart", text_of(&b));
    let remove = ConfirmDialog {
        action: "Remove container",
        target: "old-db",
        host: "docker prod",
        destructive: true,
        second: true,
    };
    let b = draw_widget(60, 12, |f| remove.draw(f, f.area(), &t));
    insta::assert_snapshot!("confirm_remove_destructive", text_of(&b));
}

#[test]
fn a_long_confirmation_still_shows_its_question_and_keys() {
    let t = theme("default");
    let alias = ConfirmDialog {
        action: "Set alias 'champion' to version 12 of model",
        target: "churn-classifier-with-a-long-name",
        host: "mlflow",
        destructive: false,
        second: false,
    };
    let b = draw_widget(80, 24, |f| alias.draw(f, f.area(), &t));
    let shown = text_of(&b);
    assert!(shown.contains("on mlflow? (y/N)"), "{shown}");
    assert!(shown.contains("y yes"), "{shown}");
    insta::assert_snapshot!("confirm_long_alias", shown);
}

#[test]
fn text_viewer_with_search() {
    let t = theme("default");
    let mut v = TextView::new("logs", 1000);
    for i in 0..40 {
        v.push(format!(
            "{i:03} request handled{}",
            if i % 7 == 0 {
                " error: upstream timeout"
            } else {
                ""
            }
        ));
    }
    v.set_search("error", 10);
    v.next_match(true, 10);
    let b = draw_widget(60, 10, |f| v.draw(f, f.area(), &t));
    insta::assert_snapshot!("text_view_search", text_of(&b));
}

/// The header row with each style run spelled out, to pin each theme's colours.
fn styled_row(buf: &Buffer, y: u16) -> String {
    let mut out = String::new();
    let mut last = None;
    for x in 0..buf.area.width {
        let cell = &buf[(x, y)];
        let style = (cell.fg, cell.bg, cell.modifier);
        if last != Some(style) {
            let _ = write!(
                out,
                "
[fg={:?} bg={:?} mod={:?}] ",
                cell.fg, cell.bg, cell.modifier
            );
            last = Some(style);
        }
        out.push_str(cell.symbol());
    }
    out
}

#[test]
fn header_in_each_theme() {
    let mut a = all_kinds();
    fail(
        &mut a,
        1,
        0,
        SourceError::Timeout {
            target: "unix:///var/run/docker.sock".into(),
            secs: 5,
        },
    );
    update(&mut a, Msg::Tick { now: at(3) });
    update(&mut a, ch('3'));
    for name in ["default", "ansi16", "mono"] {
        let b = render(&a, &theme(name), 120, 24);
        let rows = format!(
            "{}\n{}",
            styled_row(b.buffer(), 0),
            styled_row(b.buffer(), 1)
        );
        insta::assert_snapshot!(format!("header_{name}"), rows);
    }
}

#[test]
fn status_never_by_colour_alone_in_mono() {
    let mut a = all_kinds();
    fail(
        &mut a,
        1,
        0,
        SourceError::Timeout {
            target: "x".into(),
            secs: 5,
        },
    );
    let b = render(&a, &theme("mono"), 120, 24);
    let text = text_of(&b);
    let header = text.lines().nth(1).unwrap();
    assert!(header.contains("✗ docker local"), "{header}");
    assert!(header.contains("… github"), "{header}");
    for x in 0..120 {
        let cell = &b.buffer()[(x, 1)];
        assert_eq!(cell.fg, ratatui::style::Color::Reset, "mono has no colours");
    }
}
