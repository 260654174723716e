//! Rendering benchmarks: the Containers pane with 1,000 containers in 10 compose
//! projects, with stats and full sparkline history, into a 200x50 TestBackend,
//! and the grouping/filtering/sorting of its rows alone; the Pipelines pane with
//! 5,000 runs across 50 repositories.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use flightdeck::app::App;
use flightdeck::config::keymap::Keymap;
use flightdeck::state::Store;
use flightdeck::state::container::{
    Container, ContainerDetail, ContainerHealth, ContainerState, ContainerStats, HISTORY_LEN,
};
use flightdeck::state::pipeline::{PipelineRun, Pipelines, RunConclusion, RunStatus};
use flightdeck::state::{Payload, SourceId, SourceKind, SourceSpec, Update};
use flightdeck::theme::{self, ColorDepth};
use flightdeck::ui::panes::containers::{ContainersPane, ContainersView, rows};
use flightdeck::ui::panes::pipelines::PipelinesPane;
use flightdeck::view::Tab;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const CONTAINERS: usize = 1_000;
const PROJECTS: usize = 10;

fn container(i: usize, at: chrono::DateTime<Utc>, cpu: f64) -> Container {
    let state = match i % 50 {
        0 => ContainerState::Exited,
        1 => ContainerState::Restarting,
        2 => ContainerState::Paused,
        _ => ContainerState::Running,
    };
    let health = if i.is_multiple_of(7) {
        ContainerHealth::Unhealthy
    } else {
        ContainerHealth::Healthy
    };
    Container {
        id: format!("{i:064x}"),
        name: format!("service-{}-{i}", i % PROJECTS),
        image: format!("ghcr.io/acme/service-{}:1.{}", i % PROJECTS, i % 13),
        project: Some(format!("project-{}", i % PROJECTS)),
        state,
        health,
        started_at: Some(at - chrono::Duration::seconds(i64::try_from(i).unwrap_or(0) * 60)),
        finished_at: None,
        exit_code: (state == ContainerState::Exited).then_some(1),
        restart_count: u64::try_from(i % 4).unwrap_or(0),
        crash_loop: false,
        recent_restarts: 0,
        stopped_on_request: false,
        ports: vec![format!("0.0.0.0:{}->80/tcp", 8000 + i)],
        labels: BTreeMap::new(),
        stats: Some(ContainerStats {
            cpu_percent: cpu,
            mem_used: 64 * 1024 * 1024 + u64::try_from(i).unwrap_or(0) * 4096,
            mem_limit: 2 * 1024 * 1024 * 1024,
            at,
        }),
        detail: ContainerDetail::default(),
    }
}

/// An app with one Docker host of 1,000 containers and full history for each.
fn big_app() -> App {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 27, 12, 0, 0)
        .single()
        .unwrap_or_default();
    let spec = SourceSpec {
        kind: SourceKind::Docker,
        name: "local".into(),
        interval: Duration::from_secs(2),
    };
    let mut store = Store::new(vec![spec]);
    let steps = i64::try_from(HISTORY_LEN).unwrap_or(0);
    for step in 0..steps {
        let at = now - chrono::Duration::seconds(2 * (steps - step));
        let cpu = f64::from(u32::try_from(step % 30).unwrap_or(0));
        let list: Vec<Container> = (0..CONTAINERS).map(|i| container(i, at, cpu)).collect();
        store.container_history.record(SourceId(0), &list);
    }
    let list = (0..CONTAINERS).map(|i| container(i, now, 12.5)).collect();
    store.apply(Update::Polled {
        source: SourceId(0),
        at: now,
        result: Ok(Payload::Containers(list)),
    });
    let mut app = App::new(store, Keymap::default(), false, now);
    app.view.tab = Tab::Containers;
    app.view.tables[Tab::Containers.index()].selected = Some(format!("c:0:{:064x}", 505));
    app
}

fn bench_containers(c: &mut Criterion) {
    let app = big_app();
    let theme =
        theme::load("default", None, ColorDepth::TrueColor).unwrap_or_else(|e| panic!("{e}"));
    let view = ContainersView::default();
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap_or_else(|e| panic!("{e}"));
    c.bench_function("containers_pane_1000_200x50", |b| {
        b.iter(|| {
            terminal
                .draw(|f| ContainersPane { app: &app.screen() }.draw(f, f.area(), &view, &theme))
                .unwrap_or_else(|e| panic!("{e}"));
        });
    });
    let table = app.view.tables[Tab::Containers.index()].clone();
    c.bench_function("containers_rows_1000", |b| {
        b.iter(|| black_box(rows(black_box(&app.store), &table, &view)).len());
    });
    let sorted = flightdeck::ui::widgets::table::TableView {
        sort_column: 6,
        descending: true,
        filter: "service-3".into(),
        ..table
    };
    c.bench_function("containers_rows_1000_filtered_by_cpu", |b| {
        b.iter(|| black_box(rows(black_box(&app.store), &sorted, &view)).len());
    });
}

const RUNS: usize = 5_000;

fn pipeline_run(i: usize, now: chrono::DateTime<Utc>) -> PipelineRun {
    let n = u64::try_from(i).unwrap_or(0);
    let created = now - chrono::Duration::minutes(i64::try_from(i).unwrap_or(0));
    let (status, conclusion) = match i % 9 {
        0 => (RunStatus::InProgress, None),
        1 => (RunStatus::Completed, Some(RunConclusion::Failure)),
        2 => (RunStatus::Queued, None),
        _ => (RunStatus::Completed, Some(RunConclusion::Success)),
    };
    PipelineRun {
        id: n,
        repo: format!("acme/service-{}", i % 50),
        workflow: ["CI", "Deploy", "Nightly"][i % 3].into(),
        workflow_id: 1 + n % 3,
        workflow_path: ".github/workflows/ci.yml".into(),
        number: n,
        attempt: 1,
        branch: if i.is_multiple_of(4) {
            "feature/x".into()
        } else {
            "main".into()
        },
        on_default_branch: !i.is_multiple_of(4),
        event: "push".into(),
        actor: "octocat".into(),
        head_sha: format!("{:040x}", n * 7919),
        title: format!("Change number {i}"),
        status,
        conclusion,
        created_at: created,
        started_at: Some(created),
        updated_at: created + chrono::Duration::seconds(200),
        url: String::new(),
        jobs: None,
    }
}

fn bench_pipelines(c: &mut Criterion) {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 27, 12, 0, 0)
        .single()
        .unwrap_or_default();
    let spec = SourceSpec {
        kind: SourceKind::Github,
        name: "github".into(),
        interval: Duration::from_secs(15),
    };
    let mut store = Store::new(vec![spec]);
    let runs = (0..RUNS).map(|i| pipeline_run(i, now)).collect();
    store.apply(Update::Polled {
        source: SourceId(0),
        at: now,
        result: Ok(Payload::Pipelines(Pipelines {
            runs,
            ..Pipelines::default()
        })),
    });
    let mut app = App::new(store, Keymap::default(), false, now);
    app.view.tab = Tab::Pipelines;
    app.view.tables[Tab::Pipelines.index()].selected = Some("2500".into());
    let theme =
        theme::load("default", None, ColorDepth::TrueColor).unwrap_or_else(|e| panic!("{e}"));
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap_or_else(|e| panic!("{e}"));
    c.bench_function("pipelines_pane_5000_200x50", |b| {
        b.iter(|| {
            terminal
                .draw(|f| PipelinesPane { app: &app.screen() }.draw(f, f.area(), &theme))
                .unwrap_or_else(|e| panic!("{e}"));
        });
    });
}

criterion_group!(benches, bench_containers, bench_pipelines);
criterion_main!(benches);
