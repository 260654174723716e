//! The engine going away mid-session: the source reports a clear error while the
//! store keeps the last good data, and polling recovers by itself once the engine
//! is back — also when the socket did not exist at start-up. The engine is put
//! behind a unix-socket relay that the test can stop.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]
#![allow(clippy::too_many_lines, reason = "a scenario reads best top to bottom")]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Utc;
use flightdeck::config::DockerConfig;
use flightdeck::error::SourceError;
use flightdeck::sources::docker::{DockerSource, Focus};
use flightdeck::sources::{Payload, Source, SourceId, SourceKind, SourceSpec, Update};
use flightdeck::state::{Health, Store};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

const ENGINE: &str = "/var/run/docker.sock";

/// Whether the engine is reachable; under CI a missing engine is a failure.
fn engine_present() -> bool {
    let present = Path::new(ENGINE).exists();
    assert!(
        present || std::env::var_os("CI").is_none(),
        "CI is set but {ENGINE} is missing"
    );
    if !present {
        eprintln!("skipping: no Docker engine at {ENGINE}");
    }
    present
}

/// Relays connections from `path` to the engine until aborted.
fn relay(path: &Path) -> JoinHandle<()> {
    let _ = std::fs::remove_file(path);
    let listener = UnixListener::bind(path).unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut client, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                if let Ok(mut engine) = UnixStream::connect(ENGINE).await {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut engine).await;
                }
            });
        }
    })
}

fn socket_path() -> PathBuf {
    let nanos = Utc::now().timestamp_nanos_opt().unwrap_or_default();
    std::env::temp_dir().join(format!("fd-relay-{}-{nanos}.sock", std::process::id()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn engine_gone_keeps_last_data_then_recovers() {
    if !engine_present() {
        return;
    }
    let path = socket_path();
    let host = format!("unix://{}", path.display());
    let cfg = DockerConfig {
        name: "relay".into(),
        host: host.clone(),
        interval: std::time::Duration::from_secs(2),
        cert_path: None,
        tls_verify: false,
        swarm: true,
    };
    let cancel = CancellationToken::new();
    let (_focus, rx) = watch::channel(Focus::default());
    // The socket does not exist yet: the source must keep trying to connect.
    let mut source = DockerSource::lazy(cfg.clone(), rx, Arc::new(Notify::new()), cancel.clone());
    let spec = SourceSpec {
        kind: SourceKind::Docker,
        name: "relay".into(),
        interval: cfg.interval,
    };
    let mut store = Store::new(vec![spec]);
    let mut apply = |result: Result<Payload, SourceError>| {
        store.apply(Update::Polled {
            source: SourceId(0),
            at: Utc::now(),
            result,
        });
        (
            store.sources[0].health.clone(),
            store.sources[0].data.is_some(),
        )
    };

    let missing = source.poll().await;
    assert!(
        matches!(&missing, Err(SourceError::Unreachable { .. })),
        "{missing:?}"
    );
    assert!(matches!(apply(missing), (Health::Error { .. }, false)));

    let relay_task = relay(&path);
    let first = source.poll().await;
    assert!(first.is_ok(), "{first:?}");
    assert!(matches!(apply(first), (Health::Ok { .. }, true)));

    relay_task.abort();
    let _ = relay_task.await;
    std::fs::remove_file(&path).unwrap();
    let down = source.poll().await;
    let Err(err) = &down else {
        panic!("poll through a dead relay succeeded")
    };
    assert!(matches!(err, SourceError::Unreachable { .. }), "{err:?}");
    assert!(
        err.to_string().contains("Docker engine running"),
        "says what to check: {err}"
    );
    let (health, has_data) = apply(down);
    assert!(matches!(health, Health::Error { .. }));
    assert!(
        has_data,
        "the last good data is kept while the engine is gone"
    );

    let relay_task = relay(&path);
    let back = source.poll().await;
    assert!(back.is_ok(), "recovers without a restart: {back:?}");
    assert!(matches!(apply(back), (Health::Ok { .. }, true)));
    relay_task.abort();
    cancel.cancel();
    let _ = std::fs::remove_file(&path);
}
