//! Builders for the Pipelines pane tests: runs in every outcome across several
//! repositories, jobs with steps, and an app fed with them at the fixed `now`.
#![allow(dead_code, reason = "each test file uses a different subset")]
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use chrono::Duration;
use flightdeck::app::App;
use flightdeck::app::msg::Msg;
use flightdeck::app::update::update;
use flightdeck::state::pipeline::{
    Job, PipelineRun, Pipelines, RateLimit, RunConclusion, RunStatus, Step,
};
use flightdeck::state::{Payload, SourceId, SourceKind, Update};

use crate::common::{app, at, now, spec};

/// A run created `mins` minutes before `now()`, running for `secs` seconds.
pub fn run(
    id: u64,
    repo: &str,
    workflow: &str,
    branch: &str,
    status: RunStatus,
    conclusion: Option<RunConclusion>,
    mins: i64,
) -> PipelineRun {
    let created = now() - Duration::minutes(mins);
    PipelineRun {
        id,
        repo: repo.to_owned(),
        workflow: workflow.to_owned(),
        workflow_id: 1000 + workflow.len() as u64,
        workflow_path: format!(".github/workflows/{}.yml", workflow.to_lowercase()),
        number: id % 1000,
        attempt: if id.is_multiple_of(5) { 2 } else { 1 },
        branch: branch.to_owned(),
        on_default_branch: branch == "main",
        event: if branch == "main" {
            "push"
        } else {
            "pull_request"
        }
        .to_owned(),
        actor: "octocat".to_owned(),
        head_sha: format!("{:016x}{:024x}", id.wrapping_mul(0x9e37_79b9_7f4a_7c15), id),
        title: format!("Change number {id}"),
        status,
        conclusion,
        created_at: created,
        started_at: Some(created + Duration::seconds(4)),
        updated_at: created + Duration::seconds(4 + 194),
        url: format!("https://github.com/{repo}/actions/runs/{id}"),
        jobs: None,
    }
}

/// One of each outcome across three repositories, newest first
/// (id, repo, workflow, branch, status, conclusion, minutes ago).
pub fn realistic() -> Vec<PipelineRun> {
    const TABLE: &str = "\
        1011 acme/api CI main in_progress - 2
        1010 acme/web Deploy main queued - 3
        1009 acme/api CI fix/cache completed failure 12
        1008 acme/worker Nightly main completed timed_out 30
        1007 acme/web CI main completed success 45
        1006 acme/api Release main completed cancelled 70
        1005 acme/worker CI deps/bump completed skipped 95
        1004 acme/web Deploy main waiting - 130
        1003 acme/api CI main completed action_required 200";
    TABLE
        .lines()
        .map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let status = RunStatus::parse(f[4]);
            let conclusion = RunConclusion::parse(f[5]);
            run(
                f[0].parse().unwrap(),
                f[1],
                f[2],
                f[3],
                status,
                conclusion,
                f[6].parse().unwrap(),
            )
        })
        .collect()
}

/// The jobs of a failed run: a passing lint job and a failing test job.
pub fn jobs() -> Vec<Job> {
    use RunConclusion as C;
    let t = |m: i64, s: i64| Some(now() - Duration::minutes(12) + Duration::seconds(m * 60 + s));
    let step = |n: u32, name: &str, c: RunConclusion, a: (i64, i64), b: (i64, i64)| Step {
        number: n,
        name: name.to_owned(),
        status: RunStatus::Completed,
        conclusion: Some(c),
        started_at: t(a.0, a.1),
        completed_at: t(b.0, b.1),
    };
    vec![
        Job {
            id: 801,
            name: "lint".into(),
            status: RunStatus::Completed,
            conclusion: Some(C::Success),
            started_at: t(0, 5),
            completed_at: t(0, 50),
            steps: vec![
                step(1, "Set up job", C::Success, (0, 5), (0, 7)),
                step(2, "Run cargo clippy", C::Success, (0, 7), (0, 50)),
            ],
            url: String::new(),
        },
        Job {
            id: 901,
            name: "test (ubuntu-latest)".into(),
            status: RunStatus::Completed,
            conclusion: Some(C::Failure),
            started_at: t(0, 5),
            completed_at: t(3, 19),
            steps: vec![
                step(1, "Set up job", C::Success, (0, 5), (0, 7)),
                step(2, "Run actions/checkout@v4", C::Success, (0, 7), (0, 10)),
                step(3, "Run cargo test", C::Failure, (0, 10), (3, 18)),
                step(
                    4,
                    "Post Run actions/checkout@v4",
                    C::Skipped,
                    (3, 18),
                    (3, 18),
                ),
            ],
            url: String::new(),
        },
    ]
}

/// The payload of one GitHub poll with these runs.
pub fn payload(runs: Vec<PipelineRun>) -> Payload {
    Payload::Pipelines(Pipelines {
        runs,
        repos: vec![
            ("acme/api".into(), "main".into()),
            ("acme/web".into(), "main".into()),
            ("acme/worker".into(), "main".into()),
        ],
        problems: Vec::new(),
        rate: Some(RateLimit {
            remaining: 4873,
            limit: 5000,
            reset: at(1800),
        }),
        authenticated: true,
    })
}

/// An app with one GitHub source on the Pipelines tab.
pub fn github_app() -> App {
    let mut a = app(vec![spec(SourceKind::Github, "github")]);
    update(
        &mut a,
        Msg::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('2'),
            crossterm::event::KeyModifiers::NONE,
        )),
    );
    a
}

/// Feeds one successful poll at `now() + secs`.
pub fn feed(a: &mut App, secs: i64, runs: Vec<PipelineRun>) {
    let msg = Update::Polled {
        source: SourceId(0),
        at: at(secs),
        result: Ok(payload(runs)),
    };
    update(a, Msg::Source(msg));
    update(a, Msg::Tick { now: at(secs) });
}

/// The realistic runs with jobs attached to the failed one.
pub fn with_jobs() -> Vec<PipelineRun> {
    let mut runs = realistic();
    runs[2].jobs = Some(jobs());
    runs
}
