//! Rendering benchmarks of the Models pane: 500 registered models of 20 versions
//! each into a 200x50 TestBackend (the table, and one model's versions), and the
//! filtering and sorting of the model rows alone.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use flightdeck::app::App;
use flightdeck::config::keymap::Keymap;
use flightdeck::state::Store;
use flightdeck::state::model::{ModelVersion, ModelsSnapshot, RegisteredModel, VersionStatus};
use flightdeck::state::{Payload, SourceId, SourceKind, SourceSpec, Update};
use flightdeck::theme::{self, ColorDepth};
use flightdeck::ui::panes::models::{ModelsPane, model_rows};
use flightdeck::ui::widgets::table::TableView;
use flightdeck::view::Tab;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const MODELS: u32 = 500;
const VERSIONS: u32 = 20;

fn model(i: u32, now: chrono::DateTime<Utc>) -> RegisteredModel {
    let versions = (1..=VERSIONS)
        .rev()
        .map(|v| ModelVersion {
            version: v.to_string(),
            status: if v % 7 == 0 {
                VersionStatus::Failed
            } else {
                VersionStatus::Ready
            },
            status_message: None,
            stage: None,
            created: Some(now - chrono::Duration::hours(i64::from(VERSIONS - v))),
            updated: Some(now),
            run_id: Some(format!("{i:016x}{v:016x}")),
            run_name: Some(format!("train-{i}-{v}")),
            git_commit: Some(format!("{v:040x}")),
            source: None,
            description: String::new(),
            aliases: if v == VERSIONS - 1 {
                vec!["champion".into()]
            } else {
                vec![]
            },
            tags: BTreeMap::new(),
        })
        .collect();
    RegisteredModel {
        name: format!("model-{}-{i}", i % 13),
        description: format!("Model number {i}\nmore"),
        updated: Some(now - chrono::Duration::minutes(i64::from(i))),
        tags: BTreeMap::from([("team".into(), format!("team-{}", i % 5))]),
        aliases: BTreeMap::from([("champion".into(), (VERSIONS - 1).to_string())]),
        versions,
        truncated: false,
    }
}

fn big_app() -> App {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 27, 12, 0, 0)
        .single()
        .unwrap_or_default();
    let spec = SourceSpec {
        kind: SourceKind::Mlflow,
        name: "mlflow".into(),
        interval: Duration::from_secs(30),
    };
    let mut store = Store::new(vec![spec]);
    let snapshot = ModelsSnapshot {
        models: (0..MODELS).map(|i| model(i, now)).collect(),
        missing: vec![],
    };
    store.apply(Update::Polled {
        source: SourceId(0),
        at: now,
        result: Ok(Payload::Models(snapshot)),
    });
    let mut app = App::new(store, Keymap::default(), false, now);
    app.view.tab = Tab::Models;
    app.view.tables[Tab::Models.index()].selected = Some("model-3-250".into());
    app
}

fn bench_models(c: &mut Criterion) {
    let mut app = big_app();
    let theme =
        theme::load("default", None, ColorDepth::TrueColor).unwrap_or_else(|e| panic!("{e}"));
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap_or_else(|e| panic!("{e}"));
    c.bench_function("models_pane_500_200x50", |b| {
        b.iter(|| {
            terminal
                .draw(|f| ModelsPane { app: &app.screen() }.draw(f, f.area(), &theme))
                .unwrap_or_else(|e| panic!("{e}"));
        });
    });
    let table = TableView {
        sort_column: 4,
        filter: "team-3".into(),
        ..TableView::default()
    };
    let Some(Payload::Models(snap)) = app.store.sources[0].data.clone() else {
        return;
    };
    c.bench_function("models_rows_500_filtered_by_updated", |b| {
        b.iter(|| black_box(model_rows(black_box(&snap), &table)).len());
    });
    app.view.models.model = Some("model-3-250".into());
    c.bench_function("versions_pane_20_200x50", |b| {
        b.iter(|| {
            terminal
                .draw(|f| ModelsPane { app: &app.screen() }.draw(f, f.area(), &theme))
                .unwrap_or_else(|e| panic!("{e}"));
        });
    });
}

criterion_group!(benches, bench_models);
criterion_main!(benches);
