//! Entry points for the cargo-fuzz targets in `fuzz/`: each takes outside input
//! as bytes and runs it through one parser the way the program does, so the
//! targets stay one line each and the parsers keep their narrow visibility.
//! Not an API: nothing in the program calls these; they only must never panic.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use ratatui::style::Style;
use serde::de::DeserializeOwned;

use crate::config::keymap::KeySpecs;
use crate::config::{self, Keymap, duration};
use crate::sources::docker::{convert, events, lifecycle, logs, stats, swarm};
use crate::sources::mlflow::wire as mwire;
use crate::sources::{alertmanager, github::wire, prometheus};
use crate::state::health;
use crate::view::{ansi, text::TextView};

/// The fixed "now" every target runs at, so a crash replays exactly.
fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_780_000_000, 0).unwrap_or_default()
}

fn json<T: DeserializeOwned>(data: &[u8]) -> Option<T> {
    serde_json::from_slice(data).ok()
}

/// The config loader with its diagnostics, as `config check` and startup run it.
pub fn config(data: &[u8]) {
    let file = Path::new("fuzz.toml");
    let env = |name: &str| (name == "GITHUB_TOKEN").then(|| "t0ken".to_owned());
    match std::str::from_utf8(data) {
        Ok(src) => {
            if let Err(e) = config::parse_in(src, file, None, &env) {
                let _ = e.to_string();
                if let config::ConfigError::Invalid(d) = e {
                    for one in &d.0 {
                        let _ = one.to_string();
                    }
                }
            }
        }
        Err(e) => {
            let _ = config::diagnostics::invalid_utf8(data, file, e).to_string();
        }
    }
}

/// Key specs (`ctrl-r`, `shift-tab`, `f5`) one per line, and `[keys]` tables as `name=spec`.
pub fn keymap(text: &str) {
    let mut entries = Vec::new();
    for line in text.lines() {
        if let Ok(key) = config::Key::parse(line) {
            // What parses is shown in help and must parse again to the same key.
            let shown = key.to_string();
            assert_eq!(
                config::Key::parse(&shown),
                Ok(key),
                "key '{line}' shows as '{shown}', which reads back differently"
            );
        }
        if let Some((name, specs)) = line.split_once('=') {
            let list: Vec<String> = specs.split(',').map(str::to_owned).collect();
            entries.push((name.to_owned(), KeySpecs(list, specs.contains(','))));
        }
    }
    let _ = Keymap::with_overrides(&entries);
}

/// Config durations, their written-back form and the staleness arithmetic they feed.
pub fn duration(text: &str) {
    let Ok(d) = duration::parse(text) else {
        return;
    };
    let shown = duration::Display(d).to_string();
    if d <= Duration::from_secs(100 * 365 * 86_400) {
        let again = duration::parse(&shown).map(|a| a.as_millis());
        assert_eq!(again, Ok(d.as_millis()), "'{text}' shows as '{shown}'");
    }
    let _ = health::is_stale(now(), d, now());
    let _ = health::stale_at(DateTime::<Utc>::MAX_UTC, d);
    let _ = prometheus::window_start(now(), d);
    let _ = prometheus::window_start(DateTime::<Utc>::MIN_UTC, d);
    let _ = prometheus::step_for(d);
}

/// The ANSI renderer: every styled range it returns must slice its plain text.
pub fn ansi(line: &str) {
    let (plain, styles) = ansi::parse(line);
    for (range, _) in &styles {
        assert!(
            plain.get(range.clone()).is_some(),
            "range {range:?} does not slice {plain:?}"
        );
    }
    let _ = ansi::line(&plain, &styles, Style::default());
}

/// A log as GitHub or Docker sends it: timestamps, `##[group]`/`##[error]`, ANSI, search.
pub fn log(text: &str) {
    let mut view = TextView::new("fuzz", 64);
    let mut split = String::new();
    for (i, raw) in text.split('\n').enumerate() {
        let line = logs::parse_line(raw.trim_start_matches('\u{feff}'), i % 3 == 0);
        view.push_log(&line);
        split.push_str(raw);
    }
    view.set_search(split.get(..split.len().min(8)).unwrap_or("e"), 10);
    view.next_match(true, 10);
    view.next_match(false, 10);
    let _ = view.first_error(10);
    view.scroll(isize::MIN, 10);
    view.scroll(isize::MAX, 10);
    let _ = view.effective_top(0);
    let _ = view.lines().count();
}

/// GitHub's workflow-run list, converted to pipeline runs.
pub fn github_runs(data: &[u8]) {
    if let Some(list) = json::<wire::RunList>(data) {
        for run in list.workflow_runs {
            let _ = wire::run("acme/api", Some("main"), run);
        }
    }
}

/// GitHub's job list of a run, converted to jobs and steps.
pub fn github_jobs(data: &[u8]) {
    if let Some(list) = json::<wire::JobList>(data) {
        for job in list.jobs {
            let _ = wire::job(job);
        }
    }
}

/// A container's list entry and inspect answer (`[summary, inspect]`) to a row.
pub fn docker_inspect(data: &[u8]) {
    type Pair = (
        bollard::models::ContainerSummary,
        bollard::models::ContainerInspectResponse,
    );
    if let Some((summary, inspect)) = json::<Pair>(data) {
        let _ = convert::brief(&summary);
        if let Some(mut c) = convert::container(&summary, &inspect) {
            let life = lifecycle::Lifecycle::default();
            let verdict = life.verdict(&c.id, c.started_at, now());
            lifecycle::judge(&mut c, verdict, now());
        }
        let _ = convert::health_from_status(summary.status.as_deref().unwrap_or_default());
    }
}

/// Two stats samples (`[previous, current]`) and the CLI's CPU and memory arithmetic.
pub fn docker_stats(data: &[u8]) {
    type Pair = (
        bollard::models::ContainerStatsResponse,
        bollard::models::ContainerStatsResponse,
    );
    if let Some((prev, cur)) = json::<Pair>(data) {
        let before = stats::cpu_sample(&prev);
        if let Some(s) = stats::to_stats(&cur, before, now()) {
            assert!(
                s.cpu_percent.is_finite() && s.cpu_percent >= 0.0,
                "CPU % {} from {before:?}",
                s.cpu_percent
            );
        }
    }
}

/// The CPU % formula on raw counters, which a restarted container can send backwards.
pub fn cpu_percent(prev: (u64, u64), cur: (u64, u64), cpus: u32) {
    let sample = |(total, system)| stats::CpuSample { total, system };
    let pct = stats::cpu_percent(sample(prev), sample(cur), cpus);
    assert!(pct.is_finite() && pct >= 0.0, "CPU % {pct}");
}

/// A list of engine events, as the replay and the live stream feed the lifecycle.
pub fn docker_events(data: &[u8]) {
    if let Some(list) = json::<Vec<bollard::models::EventMessage>>(data) {
        let mut life = lifecycle::Lifecycle::default();
        for ev in &list {
            let _ = events::is_relevant(ev);
            life.record(ev);
        }
        life.cover(now());
        for ev in &list {
            if let Some((id, at, _)) = lifecycle::mark_of(ev) {
                let _ = life.verdict(&id, Some(at), now());
            }
        }
        life.retain(|id| id.len() % 2 == 0, now());
    }
}

/// A Swarm manager's three lists (`[services, tasks, nodes]`) to a snapshot.
pub fn swarm(data: &[u8]) {
    type Lists = (
        Vec<bollard::models::Service>,
        Vec<bollard::models::Task>,
        Vec<bollard::models::Node>,
    );
    if let Some((services, tasks, nodes)) = json::<Lists>(data) {
        let _ = swarm::snapshot(&services, &tasks, &nodes, now());
        let _ = swarm::snapshot(&services, &tasks, &nodes, DateTime::<Utc>::MIN_UTC);
    }
}

/// Any MLflow answer: models, versions, runs, metric histories, page tokens.
pub fn mlflow(data: &[u8]) {
    let Some(v) = json::<serde_json::Value>(data) else {
        return;
    };
    for item in mwire::items(&v, "registered_models") {
        let _ = mwire::registered_model(item);
    }
    for item in mwire::items(&v, "model_versions") {
        let _ = mwire::model_version(item);
    }
    let _ = mwire::registered_model(&v);
    let _ = mwire::model_version(&v);
    if let Some(run) = mwire::run(&v) {
        let _ = mwire::git_commit(&run);
    }
    let _ = mwire::history(&v);
    let _ = mwire::next_page(&v);
}

/// Airflow 3 answers: DAG, run and task pages as the source converts them (with
/// the severity rule and the dependency order), and a task log as the viewer reads it.
pub fn airflow(data: &[u8]) {
    use crate::sources::airflow::{tasks, wire as awire};
    use crate::state::dag_tasks::sort_by_order;
    if let Some(page) = json::<awire::DagPage>(data) {
        let mut dags: Vec<_> = page
            .dags
            .into_iter()
            .map(awire::WireDag::into_dag)
            .collect();
        if let Some(runs) = json::<awire::RunPage>(data) {
            for (dag, run) in dags.iter_mut().zip(runs.dag_runs) {
                dag.runs.push(run.into_run());
            }
        }
        for dag in &dags {
            let _ = dag.severity(now());
        }
    }
    if let Some(list) = json::<awire::TaskList>(data) {
        let order = list.order();
        if let Some(page) = json::<awire::TaskPage>(data) {
            let mut ts: Vec<_> = page
                .task_instances
                .into_iter()
                .map(awire::WireTask::into_task)
                .collect();
            sort_by_order(&mut ts, &order);
        }
    }
    let _ = tasks::parse_log(&String::from_utf8_lossy(data));
}

/// `/api/v1/query` and `/api/v1/query_range` answers, with the `up` summary.
pub fn prometheus_query(data: &[u8]) {
    type Answer = prometheus::convert::Envelope<prometheus::convert::QueryData>;
    if let Some(answer) = json::<Answer>(data)
        && let Ok(series) = prometheus::convert::series(answer.data)
    {
        let _ = prometheus::convert::up_by_job(&series);
    }
}

/// `/api/v1/targets` answers.
pub fn prometheus_targets(data: &[u8]) {
    type Answer = prometheus::convert::Envelope<prometheus::convert::TargetsData>;
    if let Some(answer) = json::<Answer>(data) {
        let _ = prometheus::convert::targets(answer.data);
    }
}

/// `/api/v1/alerts` answers, sorted as the pane sorts them.
pub fn prometheus_alerts(data: &[u8]) {
    type Answer = prometheus::convert::Envelope<prometheus::convert::AlertsData>;
    if let Some(answer) = json::<Answer>(data) {
        let mut alerts = prometheus::convert::alerts(answer.data);
        crate::state::alert::sort(&mut alerts);
    }
}

/// Alertmanager's `/api/v2/alerts` answer.
pub fn alertmanager_alerts(data: &[u8]) {
    let _ = alertmanager::fuzz_alerts(data);
}

/// Alertmanager's `/api/v2/silences` answer.
pub fn alertmanager_silences(data: &[u8]) {
    let _ = alertmanager::fuzz_silences(data);
}

#[cfg(test)]
mod tests {
    /// The Airflow target's seeds and a few hostile inputs run without a panic.
    #[test]
    fn airflow_seeds_and_hostile_input() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/seeds/airflow");
        let mut n = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            super::airflow(&std::fs::read(entry.unwrap().path()).unwrap());
            n += 1;
        }
        assert_eq!(n, 3);
        for hostile in [
            &b"{\"tasks\":[{\"task_id\":\"a\",\"downstream_task_ids\":[\"a\",\"a\"]}]}"[..],
            b"{\"content\":[1,null,{\"event\":5}]}",
            b"{\"dag_runs\":[{\"start_date\":\"9999-12-31T23:59:59Z\",\"state\":\"running\"}],\"dags\":[{}]}",
            b"\xff\xfe",
        ] {
            super::airflow(hostile);
        }
    }
}
