//! Snapshot and colour tests of the Containers pane: table, toggles, folds,
//! filter, several hosts, stale data, detail view and sparklines, at fixed
//! sizes and a fixed `now`.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;
#[path = "common/containers.rs"]
mod fixtures;

use common::{at, screen, theme};
use fixtures::{
    api, db, docker_app, feed, history, id_of, job, pane, realistic, render_pane, running, web,
};
use flightdeck::app::App;
use flightdeck::app::msg::Msg;
use flightdeck::app::update::update;
use flightdeck::error::SourceError;
use flightdeck::state::container::{Container, ContainerState};
use flightdeck::state::{SourceId, Update};
use flightdeck::theme::Role;
use flightdeck::ui::panes::containers::{ContainerRow, ContainersView, rows};
use flightdeck::view::Tab;
use ratatui::backend::TestBackend;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn loaded() -> App {
    let mut a = docker_app(&["local"]);
    feed(&mut a, 0, 0, realistic());
    a
}

fn select(a: &mut App, row_id: &str) {
    a.view.tables[Tab::Containers.index()].selected = Some(row_id.to_owned());
}

fn fail(a: &mut App, source: usize, secs: i64) {
    let msg = Update::Polled {
        source: SourceId(source),
        at: at(secs),
        result: Err(SourceError::Unreachable {
            target: "ssh://deploy@prod-1".into(),
            detail: "connection refused".into(),
        }),
    };
    update(a, Msg::Source(msg));
    update(a, Msg::Tick { now: at(secs) });
}

/// Finds the first cell whose row text contains `needle` and returns its (x, y).
fn find(b: &TestBackend, needle: &str) -> (u16, u16) {
    let text = common::text_of(b);
    for (y, line) in text.lines().enumerate() {
        if let Some(byte) = line.find(needle) {
            let x = line[..byte].chars().count();
            return (u16::try_from(x).unwrap(), u16::try_from(y).unwrap());
        }
    }
    panic!("{needle:?} not on screen:\n{text}");
}

#[test]
fn table_with_realistic_set() {
    let a = loaded();
    for (w, h) in SIZES {
        let view = ContainersView::default();
        insta::assert_snapshot!(format!("table_{w}x{h}"), pane(&a, &view, w, h));
    }
}

#[test]
fn running_only_and_problems_only() {
    let a = loaded();
    let view = ContainersView {
        running_only: true,
        ..ContainersView::default()
    };
    insta::assert_snapshot!("running_only_120x40", pane(&a, &view, 120, 40));
    let view = ContainersView {
        problems_only: true,
        ..ContainersView::default()
    };
    insta::assert_snapshot!("problems_only_120x40", pane(&a, &view, 120, 40));
}

#[test]
fn folded_project() {
    let a = loaded();
    let mut view = ContainersView::default();
    view.folded.insert("p:0:shop".into());
    insta::assert_snapshot!("folded_shop_80x24", pane(&a, &view, 80, 24));
}

#[test]
fn filter_matches_name_image_project_and_state() {
    let mut a = loaded();
    a.view.tables[Tab::Containers.index()].filter = "ETL".into();
    let view = ContainersView::default();
    insta::assert_snapshot!("filter_etl_80x24", pane(&a, &view, 80, 24));
    a.view.tables[Tab::Containers.index()].filter = "paused".into();
    let all = rows(&a.store, &a.view.tables[Tab::Containers.index()], &view);
    let names: Vec<String> = all.iter().map(ContainerRow::id).collect();
    assert_eq!(names, [format!("c:0:{}", id_of("cache"))]);
    a.view.tables[Tab::Containers.index()].filter = "8080".into();
    let all = rows(&a.store, &a.view.tables[Tab::Containers.index()], &view);
    assert_eq!(all.len(), 2, "the shop project row and web");
}

#[test]
fn sorted_by_cpu_descending() {
    let mut a = loaded();
    let table = &mut a.view.tables[Tab::Containers.index()];
    table.sort_column = 6;
    table.descending = true;
    insta::assert_snapshot!(
        "sort_cpu_desc_120x40",
        pane(&a, &ContainersView::default(), 120, 40)
    );
}

#[test]
fn two_hosts_grouped() {
    let mut a = docker_app(&["local", "prod"]);
    feed(&mut a, 0, 0, vec![web(), api(), db(), fixtures::cache()]);
    feed(&mut a, 1, 0, vec![web(), job()]);
    let mut view = ContainersView::default();
    insta::assert_snapshot!("two_hosts_120x40", pane(&a, &view, 120, 40));
    view.folded.insert("h:0".into());
    insta::assert_snapshot!("two_hosts_first_folded_80x24", pane(&a, &view, 80, 24));
}

#[test]
fn error_banner_with_stale_data() {
    let mut a = docker_app(&["local", "prod"]);
    feed(&mut a, 0, 0, vec![web(), db()]);
    feed(&mut a, 1, 0, vec![api(), job()]);
    fail(&mut a, 1, 5 * 60);
    for (w, h) in SIZES {
        let name = format!("stale_banner_{w}x{h}");
        insta::assert_snapshot!(name, pane(&a, &ContainersView::default(), w, h));
    }
    let b = render_pane(&a, &ContainersView::default(), 120, 40);
    let (x, y) = find(&b, "shop-api-1");
    let stale = theme("default").style(Role::Stale);
    assert_eq!(
        b.buffer()[(x, y)].fg,
        stale.fg.unwrap(),
        "rows of a failing host are stale"
    );
    let (x, y) = find(&b, "✗ docker prod");
    let critical = theme("default").style(Role::Critical);
    assert_eq!(b.buffer()[(x, y)].fg, critical.fg.unwrap());
}

#[test]
fn detail_view_with_probes_env_and_revision() {
    let a = loaded();
    let id = format!("c:0:{}", id_of("shop-web-1"));
    let mut view = ContainersView {
        detail: Some(id),
        ..ContainersView::default()
    };
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("detail_web_{w}x{h}"), pane(&a, &view, w, h));
    }
    let whole = pane(&a, &view, 120, 40);
    assert!(
        whole.contains("                      second line"),
        "every line of a probe's output:\n{whole}"
    );
    view.detail_scroll = 12;
    insta::assert_snapshot!("detail_web_scrolled_80x24", pane(&a, &view, 80, 24));
    let b = render_pane(
        &a,
        &ContainersView {
            detail_scroll: 0,
            ..view
        },
        120,
        40,
    );
    let (x, y) = find(&b, "9f1c2e7a4b3d");
    let accent = theme("default").style(Role::Accent);
    assert_eq!(
        b.buffer()[(x, y)].fg,
        accent.fg.unwrap(),
        "the revision is accented"
    );
}

#[test]
fn detail_without_labels_or_probes() {
    let a = loaded();
    let id = format!("c:0:{}", id_of("etl-job-1"));
    let view = ContainersView {
        detail: Some(id),
        ..ContainersView::default()
    };
    insta::assert_snapshot!("detail_job_80x24", pane(&a, &view, 80, 24));
}

#[test]
fn detail_for_a_gone_container() {
    let a = loaded();
    let view = ContainersView {
        detail: Some("c:0:deadbeefcafe0123456789".into()),
        ..ContainersView::default()
    };
    let text = pane(&a, &view, 80, 24);
    assert!(
        text.contains("container 'deadbeefcafe' is gone (removed)"),
        "{text}"
    );
    insta::assert_snapshot!("detail_gone_80x24", text);
}

#[test]
fn sparkline_strip_with_history() {
    let mut a = docker_app(&["local"]);
    let api = api();
    history(&mut a, 0, &api, 90);
    feed(&mut a, 0, 0, realistic());
    let current = realistic();
    a.store.container_history.record(SourceId(0), &current);
    select(&mut a, &format!("c:0:{}", api.id));
    assert_eq!(
        a.store.container_history.of(SourceId(0), &api.id).count(),
        91
    );
    for (w, h) in SIZES {
        insta::assert_snapshot!(
            format!("strip_api_{w}x{h}"),
            pane(&a, &ContainersView::default(), w, h)
        );
    }
    select(&mut a, &format!("c:0:{}", id_of("shop-db-1")));
    let text = pane(&a, &ContainersView::default(), 80, 24);
    assert!(
        text.contains("no samples yet") || text.contains("MEM"),
        "{text}"
    );
}

#[test]
fn status_cells_use_their_roles() {
    let app = loaded();
    let default = theme("default");
    let b = render_pane(&app, &ContainersView::default(), 120, 40);
    let checks = [
        ("✗ unhealthy", Role::Critical),
        ("✓ healthy", Role::Ok),
        ("↻ restarting", Role::Critical),
        ("■ exited", Role::Critical),
        ("‖ paused", Role::Pending),
        ("… starting", Role::Warning),
        ("○ created", Role::Pending),
    ];
    for (text, role) in checks {
        let (x, y) = find(&b, text);
        let cell = &b.buffer()[(x, y)];
        assert_eq!(cell.fg, default.style(role).fg.unwrap(), "{text}");
        assert_eq!(
            cell.symbol(),
            text.split(' ').next().unwrap(),
            "glyph present: {text}"
        );
    }
}

#[test]
fn mono_theme_keeps_glyphs_and_words() {
    let a = loaded();
    let b = fixtures::render_pane_with(&a, &ContainersView::default(), 80, 24, "mono");
    let text = common::text_of(&b);
    for word in [
        "✗ unhealthy",
        "↻ restarting",
        "■ exited",
        "‖ paused",
        "● running",
    ] {
        assert!(text.contains(word), "{word} missing:\n{text}");
    }
}

#[test]
fn selection_is_kept_by_id_and_highlighted() {
    let mut a = loaded();
    select(&mut a, &format!("c:0:{}", id_of("etl-job-1")));
    let b = render_pane(&a, &ContainersView::default(), 120, 40);
    let (_, y) = find(&b, "etl-job-1");
    let sel = theme("default").style(Role::Selection).bg.unwrap();
    assert_eq!(b.buffer()[(0, y)].bg, sel);
    // A new poll that re-sorts keeps the same container selected.
    let mut reordered = realistic();
    reordered.reverse();
    feed(&mut a, 0, 2, reordered);
    let b = render_pane(&a, &ContainersView::default(), 120, 40);
    let (_, y2) = find(&b, "etl-job-1");
    assert_eq!(b.buffer()[(0, y2)].bg, sel);
}

#[test]
fn row_ids_are_stable_and_groups_ordered() {
    let mut a = docker_app(&["local", "prod"]);
    feed(&mut a, 0, 0, realistic());
    feed(&mut a, 1, 0, vec![db()]);
    let view = ContainersView::default();
    let all = rows(&a.store, &a.view.tables[Tab::Containers.index()], &view);
    let ids: Vec<String> = all.iter().map(ContainerRow::id).collect();
    assert_eq!(ids[0], "h:0");
    assert_eq!(ids[1], "p:0:etl");
    assert!(ids.contains(&"p:0:shop".to_owned()));
    let db_id = format!("c:1:{}", id_of("shop-db-1"));
    assert_eq!(ids[ids.len() - 3..], ["h:1", "p:1:shop", db_id.as_str()]);
    for r in &all {
        assert!(r.has_id(&r.id()), "{}", r.id());
        assert!(!r.has_id("c:9:x"));
    }
    let web_row = all
        .iter()
        .find(|r| r.has_id(&format!("c:0:{}", id_of("shop-web-1"))))
        .unwrap();
    assert_eq!(
        web_row.container().map(|(s, c)| (s, c.name.as_str())),
        Some((SourceId(0), "shop-web-1"))
    );
}

#[test]
fn no_data_delegates_to_the_source_state() {
    let a = docker_app(&["local"]);
    let text = pane(&a, &ContainersView::default(), 80, 24);
    assert!(text.contains("docker local: loading"), "{text}");
    let a = docker_app(&[]);
    let text = pane(&a, &ContainersView::default(), 80, 24);
    assert!(text.contains("No docker source configured."), "{text}");
    let mut a = docker_app(&["local"]);
    feed(&mut a, 0, 0, vec![]);
    let text = pane(&a, &ContainersView::default(), 80, 24);
    assert!(text.contains("no containers on the Docker hosts"), "{text}");
}

/// The whole screen through `ui::draw`. Until the pane is wired into
/// `ui::panes::draw` this shows the generic source state; regenerate it then.
#[test]
fn full_screen_containers_120x40() {
    let mut a = loaded();
    a.size = (120, 40);
    insta::assert_snapshot!("full_screen_containers_120x40", screen(&a, 120, 40));
}

/// A crash loop, a failed start, a stop on request and an OOM kill, as the source judges them.
fn troubled() -> Vec<Container> {
    let mut looping = running("looper", "acme/loop:1");
    looping.started_at = Some(at(-3));
    looping.exit_code = Some(1);
    looping.restart_count = 9;
    looping.crash_loop = true;
    looping.recent_restarts = 4;
    let mut failed = running("nostart", "acme/bad:1");
    failed.state = ContainerState::Created;
    failed.started_at = None;
    failed.exit_code = Some(127);
    failed.detail.error =
        r#"exec: "/nonexistent": stat /nonexistent: no such file or directory"#.into();
    let mut asked = running("asked", "acme/web:1");
    asked.state = ContainerState::Exited;
    asked.exit_code = Some(137);
    asked.finished_at = Some(at(-120));
    asked.stopped_on_request = true;
    let mut oom = running("hungry", "acme/etl:1");
    oom.state = ContainerState::Exited;
    oom.exit_code = Some(137);
    oom.finished_at = Some(at(-60));
    oom.detail.oom_killed = true;
    vec![looping, failed, asked, oom]
}

fn detail_of(a: &App, name: &str) -> String {
    let view = ContainersView {
        detail: Some(format!("c:0:{}", id_of(name))),
        ..ContainersView::default()
    };
    pane(a, &view, 120, 40)
}

#[test]
fn crash_loops_failed_starts_stops_on_request_and_oom_kills_read_true() {
    let mut a = docker_app(&["local"]);
    feed(&mut a, 0, 0, troubled());
    let table = pane(&a, &ContainersView::default(), 120, 40);
    let line = |name: &str| {
        table
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(line("looper").contains("↻ crash loop"), "{table}");
    assert!(line("looper").contains("4×/5m · exit 1"), "{table}");
    assert!(line("nostart").contains("start failed"), "{table}");
    assert!(line("asked").contains("stopped · 2m ago"), "{table}");
    let problems = ContainersView {
        problems_only: true,
        ..ContainersView::default()
    };
    let shown = pane(&a, &problems, 120, 40);
    for (name, listed) in [
        ("looper", true),
        ("nostart", true),
        ("hungry", true),
        ("asked", false),
    ] {
        assert_eq!(shown.contains(name), listed, "{name} under `!`:\n{shown}");
    }
    let detail = detail_of(&a, "nostart");
    assert!(
        detail.contains(r#"error     failed to start: exec: "/nonexistent""#),
        "{detail}"
    );
    assert!(detail_of(&a, "hungry").contains("killed out of memory"));
    assert!(detail_of(&a, "looper").contains("restarts  crash loop: 4 in the last 5m"));
    assert!(detail_of(&a, "asked").contains("stopped on request (exit 137)"));
}
