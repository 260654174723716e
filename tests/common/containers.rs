//! Container fixtures for the Containers pane tests: a realistic engine (compose
//! projects, failing and long-named containers), history, and pane rendering.
#![allow(dead_code, reason = "each test uses a different subset")]

use std::collections::BTreeMap;

use chrono::Duration;
use flightdeck::app::App;
use flightdeck::app::msg::Msg;
use flightdeck::app::update::update;
use flightdeck::state::container::{
    Container, ContainerDetail, ContainerHealth, ContainerState, ContainerStats, Probe,
    REVISION_LABEL, SOURCE_LABEL,
};
use flightdeck::state::{Payload, SourceId, SourceKind, Update};
use flightdeck::ui::panes::containers::{ContainersPane, ContainersView};
use flightdeck::view::Tab;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::common::{app, at, now, spec, text_of, theme};

const GIB: u64 = 1024 * 1024 * 1024;
const MIB: u64 = 1024 * 1024;

/// A stable 64-hex-digit id derived from `name`.
pub fn id_of(name: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}").repeat(4)
}

/// A running container without health check, project or stats, up for 3 hours.
pub fn running(name: &str, image: &str) -> Container {
    Container {
        id: id_of(name),
        name: name.to_owned(),
        image: image.to_owned(),
        project: None,
        state: ContainerState::Running,
        health: ContainerHealth::None,
        started_at: Some(at(-3 * 3600)),
        finished_at: None,
        exit_code: None,
        restart_count: 0,
        crash_loop: false,
        recent_restarts: 0,
        stopped_on_request: false,
        ports: vec![],
        labels: BTreeMap::new(),
        stats: None,
        detail: ContainerDetail::default(),
    }
}

/// A resource sample taken at `now()`.
pub fn stats(cpu: f64, used_mib: u64, limit_gib: u64) -> ContainerStats {
    ContainerStats {
        cpu_percent: cpu,
        mem_used: used_mib * MIB,
        mem_limit: limit_gib * GIB,
        at: now(),
    }
}

fn in_project(mut c: Container, project: &str) -> Container {
    c.project = Some(project.to_owned());
    c.labels
        .insert("com.docker.compose.project".into(), project.into());
    c
}

/// The web container: healthy, published ports, OCI labels, probes, env.
pub fn web() -> Container {
    let mut c = in_project(running("shop-web-1", "ghcr.io/acme/shop-web:1.4.2"), "shop");
    c.health = ContainerHealth::Healthy;
    c.ports = vec!["0.0.0.0:8080->80/tcp".into(), "[::]:8080->80/tcp".into()];
    c.stats = Some(stats(12.5, 123, 2));
    c.labels.insert(
        REVISION_LABEL.into(),
        "9f1c2e7a4b3d5f60718293a4b5c6d7e8f9a0b1c2".into(),
    );
    c.labels
        .insert(SOURCE_LABEL.into(), "https://github.com/acme/shop".into());
    c.detail = ContainerDetail {
        probes: vec![
            probe(-95, 0, "HTTP 200 OK"),
            probe(-65, 0, "HTTP 200 OK"),
            probe(-35, 0, "\u{1b}[32mHTTP 200 OK\u{1b}[0m in 3ms\nsecond line"),
        ],
        restart_policy: "unless-stopped".into(),
        env: vec![
            ("PATH".into(), "/usr/local/bin:/usr/bin:/bin".into()),
            ("DATABASE_URL".into(), "postgres://shop@db:5432/shop".into()),
            ("STRIPE_SECRET_KEY".into(), "••••••".into()),
            ("SESSION_TOKEN".into(), "••••••".into()),
        ],
        mounts: vec!["/srv/shop/static → /app/static (ro)".into()],
        networks: vec!["shop_default 172.18.0.3".into()],
        command: "gunicorn shop.wsgi --bind 0.0.0.0:80 --workers 4".into(),
        ..ContainerDetail::default()
    };
    c
}

fn probe(secs: i64, exit_code: i64, output: &str) -> Probe {
    Probe {
        start: Some(at(secs)),
        exit_code,
        output: output.into(),
    }
}

/// The api container: unhealthy, restarted twice, busy.
pub fn api() -> Container {
    let mut c = in_project(running("shop-api-1", "ghcr.io/acme/shop-api:1.4.2"), "shop");
    c.health = ContainerHealth::Unhealthy;
    c.restart_count = 2;
    c.started_at = Some(at(-25 * 60));
    c.ports = vec!["127.0.0.1:9000->9000/tcp".into()];
    c.stats = Some(stats(85.3, 412, 2));
    c.detail.probes = vec![probe(
        -40,
        1,
        "curl: (7) Failed to connect to localhost port 9000",
    )];
    c.detail.restart_policy = "on-failure:5".into();
    c
}

/// The database of the shop project.
pub fn db() -> Container {
    let mut c = in_project(running("shop-db-1", "postgres:16"), "shop");
    c.health = ContainerHealth::Healthy;
    c.started_at = Some(at(-2 * 86_400));
    c.ports = vec!["5432/tcp".into()];
    c.stats = Some(stats(1.2, 61, 2));
    c
}

/// A worker stuck restarting, in the etl project.
pub fn worker() -> Container {
    let mut c = in_project(running("etl-worker-1", "acme/etl:2.0"), "etl");
    c.state = ContainerState::Restarting;
    c.restart_count = 7;
    c.exit_code = Some(1);
    c.started_at = Some(at(-10));
    c
}

/// A batch job that exited with code 3 five minutes ago, in the etl project.
pub fn job() -> Container {
    let mut c = in_project(running("etl-job-1", "acme/etl:2.0"), "etl");
    c.state = ContainerState::Exited;
    c.exit_code = Some(3);
    c.finished_at = Some(at(-5 * 60));
    c
}

/// A paused cache without a project.
pub fn cache() -> Container {
    let mut c = running("cache", "redis:7-alpine");
    c.state = ContainerState::Paused;
    c.stats = Some(stats(0.0, 8, 1));
    c
}

/// A container with a very long name and image whose health check is starting.
pub fn long_named() -> Container {
    let mut c = running(
        "analytics-feature-store-materializer-nightly",
        "registry.internal.example.com:5000/data-platform/feature-store-materializer:2026.11.27-rc3",
    );
    c.health = ContainerHealth::Starting;
    c.started_at = Some(at(-20));
    c.stats = Some(stats(240.7, 3_300, 16));
    c
}

/// A created, never started migration container.
pub fn created() -> Container {
    let mut c = running("migrate", "acme/migrate:latest");
    c.state = ContainerState::Created;
    c.started_at = None;
    c
}

/// The realistic set: the shop project of 3, the etl project of 2 and 3 loose ones.
pub fn realistic() -> Vec<Container> {
    vec![
        web(),
        api(),
        db(),
        worker(),
        job(),
        cache(),
        long_named(),
        created(),
    ]
}

/// An app with Docker hosts named `hosts`, on the Containers tab.
pub fn docker_app(hosts: &[&str]) -> App {
    let mut a = app(hosts.iter().map(|h| spec(SourceKind::Docker, h)).collect());
    a.view.tab = Tab::Containers;
    a
}

/// Feeds a successful poll of `containers` to `source` at `now() + secs`.
pub fn feed(a: &mut App, source: usize, secs: i64, containers: Vec<Container>) {
    let msg = Update::Polled {
        source: SourceId(source),
        at: at(secs),
        result: Ok(Payload::Containers(containers)),
    };
    update(a, Msg::Source(msg));
}

/// Records `samples` two-second samples of a rising CPU and memory curve for
/// `c`, ending just before its current sample.
pub fn history(a: &mut App, source: usize, c: &Container, samples: i64) {
    for i in 0..samples {
        let mut s = c.clone();
        let wave = f64::from(u32::try_from((i * 7) % 40).unwrap_or(0));
        s.stats = Some(ContainerStats {
            cpu_percent: 5.0 + wave,
            mem_used: (100 + u64::try_from(i).unwrap_or(0)) * MIB,
            mem_limit: 2 * GIB,
            at: now() - Duration::seconds(2 * (samples - i)),
        });
        a.store
            .container_history
            .record(SourceId(source), std::slice::from_ref(&s));
    }
}

/// Renders the Containers pane alone into the body area of a `width` x `height` screen.
pub fn render_pane(a: &App, view: &ContainersView, width: u16, height: u16) -> TestBackend {
    render_pane_with(a, view, width, height, "default")
}

/// As `render_pane`, with a named theme.
pub fn render_pane_with(
    a: &App,
    view: &ContainersView,
    width: u16,
    height: u16,
    theme_name: &str,
) -> TestBackend {
    let t = theme(theme_name);
    // The body is the screen minus the tab bar, the source line and the footer.
    let mut terminal = Terminal::new(TestBackend::new(width, height - 3)).unwrap();
    terminal
        .draw(|f| ContainersPane { app: &a.screen() }.draw(f, f.area(), view, &t))
        .unwrap();
    terminal.backend().clone()
}

/// The pane's text at `width` x `height` (the screen size; the body is 3 rows less).
pub fn pane(a: &App, view: &ContainersView, width: u16, height: u16) -> String {
    text_of(&render_pane(a, view, width, height))
}
