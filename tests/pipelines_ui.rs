//! Snapshot and colour tests of the Pipelines pane: the runs table across
//! repositories, toggles, the jobs and steps view, the job log with an error line,
//! errors and the dispatch form, at fixed sizes and a fixed `now`.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;
#[path = "common/pipelines.rs"]
mod fx;

use common::{at, ch, key, screen, theme};
use crossterm::event::KeyCode;
use flightdeck::app::msg::Msg;
use flightdeck::app::update::update;
use flightdeck::error::SourceError;
use flightdeck::sources::github::inputs::{InputKind, WorkflowInput};
use flightdeck::state::{DispatchTarget, LogLine, SourceId, Update};
use flightdeck::theme::Role;
use fx::{feed, github_app, realistic, with_jobs};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

#[test]
fn runs_table() {
    let mut a = github_app();
    feed(&mut a, 0, realistic());
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("runs_{w}x{h}"), screen(&a, w, h));
    }
}

#[test]
fn live_duration_grows_with_the_clock() {
    let mut a = github_app();
    feed(&mut a, 0, realistic());
    let before = screen(&a, 120, 40);
    update(&mut a, Msg::Tick { now: at(75) });
    let after = screen(&a, 120, 40);
    assert!(before.contains("1m 56s"), "{before}");
    assert!(after.contains("3m 11s"), "{after}");
}

#[test]
fn failures_only_and_default_branch_only() {
    let mut a = github_app();
    feed(&mut a, 0, realistic());
    update(&mut a, ch('!'));
    insta::assert_snapshot!("failures_only_120x40", screen(&a, 120, 40));
    update(&mut a, ch('!'));
    update(&mut a, ch('b'));
    update(&mut a, ch('/'));
    common::type_text(&mut a, "repo:web");
    update(&mut a, key(KeyCode::Enter));
    insta::assert_snapshot!("default_branch_web_120x40", screen(&a, 120, 40));
}

#[test]
fn jobs_and_steps_view() {
    let mut a = github_app();
    feed(&mut a, 0, with_jobs());
    update(&mut a, ch('j'));
    update(&mut a, ch('j'));
    update(&mut a, key(KeyCode::Enter));
    update(&mut a, ch('j'));
    update(&mut a, ch('j'));
    update(&mut a, ch('j'));
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("jobs_{w}x{h}"), screen(&a, w, h));
    }
}

fn log_app() -> flightdeck::app::App {
    let mut a = github_app();
    feed(&mut a, 0, with_jobs());
    update(&mut a, ch('j'));
    update(&mut a, ch('j'));
    update(&mut a, key(KeyCode::Enter));
    update(&mut a, ch('G'));
    update(&mut a, key(KeyCode::Enter));
    let stream_id = a.view.log_stream;
    let raw = [
        "2026-11-27T11:50:00.1234567Z ##[group]Run cargo test",
        "2026-11-27T11:50:00.2234567Z cargo test --locked",
        "2026-11-27T11:50:00.3234567Z ##[endgroup]",
        "2026-11-27T11:53:10.0000000Z test cache::flaky ... FAILED",
        "2026-11-27T11:53:11.0000000Z ##[warning]1 test was ignored",
        "2026-11-27T11:53:13.0000000Z ##[error]Process completed with exit code 101.",
    ];
    let lines = raw
        .iter()
        .map(|l| flightdeck::sources::docker::logs::parse_line(l, false))
        .collect::<Vec<LogLine>>();
    update(&mut a, Msg::Source(Update::Log { stream_id, lines }));
    a
}

#[test]
fn log_view_with_an_error_line() {
    let mut a = log_app();
    insta::assert_snapshot!("log_80x24", screen(&a, 80, 24));
    update(&mut a, ch('t'));
    insta::assert_snapshot!("log_timestamps_80x24", screen(&a, 80, 24));
    let b = common::render(&a, &theme("default"), 80, 24);
    let text = common::text_of(&b);
    let y = text
        .lines()
        .position(|l| l.contains("exit code 101"))
        .unwrap();
    let x = text.lines().nth(y).unwrap().find("Process").unwrap();
    let cell = &b.buffer()[(u16::try_from(x).unwrap(), u16::try_from(y).unwrap())];
    assert_eq!(cell.fg, theme("default").style(Role::Critical).fg.unwrap());
}

#[test]
fn rate_limited_banner_keeps_stale_runs() {
    let mut a = github_app();
    feed(&mut a, 0, realistic());
    let err = Update::Polled {
        source: SourceId(0),
        at: at(30),
        result: Err(SourceError::RateLimited {
            target: "https://api.github.com".into(),
            until: at(1800),
            detail: "HTTP 403: API rate limit exceeded; waiting for the limit to reset".into(),
        }),
    };
    update(&mut a, Msg::Source(err));
    update(&mut a, Msg::Tick { now: at(40) });
    insta::assert_snapshot!("rate_limited_120x40", screen(&a, 120, 40));
}

#[test]
fn dispatch_form() {
    let mut a = github_app();
    feed(&mut a, 0, realistic());
    let target = DispatchTarget {
        source: SourceId(0),
        repo: "acme/web".into(),
        workflow_id: 1001,
        workflow: "Deploy".into(),
        path: ".github/workflows/deploy.yml".into(),
        git_ref: "main".into(),
    };
    let inputs = vec![
        WorkflowInput {
            name: "environment".into(),
            description: "Where to deploy".into(),
            required: true,
            default: Some("staging".into()),
            kind: InputKind::Choice(vec!["staging".into(), "production".into()]),
        },
        WorkflowInput {
            name: "dry_run".into(),
            description: String::new(),
            required: false,
            default: Some("false".into()),
            kind: InputKind::Bool,
        },
    ];
    update(
        &mut a,
        Msg::Source(Update::DispatchInputs {
            target,
            result: Ok(inputs),
        }),
    );
    insta::assert_snapshot!("dispatch_form_80x24", screen(&a, 80, 24));
}
