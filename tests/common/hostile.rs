//! Hostile servers for the HTTP sources: a raw TCP server that answers every
//! request with an endless, huge, cut-off or stalled body (wiremock holds whole
//! bodies in memory and cannot cut a connection), and each source built on a URL
//! with a token, so tests can check it never shows.
#![allow(dead_code, reason = "each test file uses a different subset")]
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use flightdeck::config::{AlertmanagerConfig, GithubConfig, PrometheusConfig, RepoSpec};
use flightdeck::error::SourceError;
use flightdeck::sources::alertmanager::AlertmanagerSource;
use flightdeck::sources::github::{Api, Client, Focus, GithubSource};
use flightdeck::sources::mlflow::{Auth, MlflowClient, MlflowSource};
use flightdeck::sources::prometheus::PrometheusSource;
use flightdeck::sources::{Payload, Source};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The environment variable whose value stands in for a token (the crate forbids
/// `unsafe`, so no `set_var`; PATH is always set).
pub const TOKEN_VAR: &str = "PATH";

/// The "token" every source sends.
pub fn token() -> String {
    std::env::var(TOKEN_VAR).unwrap()
}

/// The HTTP sources under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// MLflow (REST API 2.0).
    Mlflow,
    /// Prometheus.
    Prometheus,
    /// Alertmanager.
    Alertmanager,
    /// GitHub Actions through octocrab.
    Github,
}

/// Every HTTP source.
pub const ALL: [Kind; 4] = [
    Kind::Mlflow,
    Kind::Prometheus,
    Kind::Alertmanager,
    Kind::Github,
];

/// `[prometheus]` at `url`, sending the token.
pub fn prometheus_config(url: &str) -> PrometheusConfig {
    PrometheusConfig {
        url: url.to_owned(),
        token_env: Some(TOKEN_VAR.into()),
        username_env: None,
        password_env: None,
        interval: Duration::from_secs(1),
        panels: vec![],
    }
}

/// `[alertmanager]` at `url`, sending the token.
pub fn alertmanager_config(url: &str) -> AlertmanagerConfig {
    AlertmanagerConfig {
        url: url.to_owned(),
        token_env: Some(TOKEN_VAR.into()),
        username_env: None,
        password_env: None,
        interval: Duration::from_secs(1),
    }
}

/// A GitHub source watching `acme/api` at `url`, sending the token.
pub fn github(url: &str, repos: &[&str]) -> GithubSource {
    let api = Api::new(url, Some(token())).unwrap();
    let cfg = GithubConfig {
        api_url: url.to_owned(),
        token_env: None,
        repos: repos.iter().map(|r| RepoSpec::parse(r).unwrap()).collect(),
        interval: Duration::from_secs(15),
    };
    let (_tx, rx) = tokio::sync::watch::channel(Focus::default());
    GithubSource::new(Client::with_api(cfg, api), rx, Arc::default())
}

/// An MLflow client at `url`, sending the token.
pub fn mlflow_client(url: &str) -> MlflowClient {
    let auth = Auth::Bearer {
        token: token(),
        from: TOKEN_VAR.into(),
    };
    MlflowClient::with_auth(url, auth).unwrap()
}

/// One poll of `kind` at `url`, cut off (as a failure) after 20 s.
pub async fn poll(kind: Kind, url: &str) -> Result<Payload, SourceError> {
    let work = async {
        match kind {
            Kind::Mlflow => {
                MlflowSource::with_client(Ok(mlflow_client(url)), url, vec![])
                    .poll()
                    .await
            }
            Kind::Prometheus => PrometheusSource::new(&prometheus_config(url)).poll().await,
            Kind::Alertmanager => {
                AlertmanagerSource::new(&alertmanager_config(url))
                    .poll()
                    .await
            }
            Kind::Github => github(url, &["acme/api"]).poll().await,
        }
    };
    tokio::time::timeout(Duration::from_secs(20), work)
        .await
        .unwrap_or_else(|_| panic!("{kind:?} did not finish its poll within 20 s"))
}

/// What the raw server answers to every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Raw {
    /// 200, chunked, a JSON string that never ends (the server gives up at 256 MiB).
    Endless,
    /// 200, chunked, a JSON object holding a string of this many bytes.
    Big(usize),
    /// 200 announcing 1000 bytes, then the connection closes after a few.
    CutOff,
    /// 200 announcing 10 bytes, then nothing for a minute.
    Stall,
}

/// A raw server's address and what it has done.
pub struct RawServer {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// Body bytes written so far, over all connections.
    pub sent: Arc<AtomicUsize>,
    /// Requests read so far.
    pub requests: Arc<AtomicUsize>,
}

/// Most bytes the endless body sends before the server gives up.
pub const ENDLESS_LIMIT: usize = 256 << 20;

/// Starts a raw server answering every request as `kind` says.
pub async fn raw_server(kind: Raw) -> RawServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let sent = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(AtomicUsize::new(0));
    let (s, r) = (Arc::clone(&sent), Arc::clone(&requests));
    tokio::spawn(async move {
        while let Ok((conn, _)) = listener.accept().await {
            tokio::spawn(answer(conn, kind, Arc::clone(&s), Arc::clone(&r)));
        }
    });
    RawServer {
        url,
        sent,
        requests,
    }
}

async fn answer(
    mut conn: TcpStream,
    kind: Raw,
    sent: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
) {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match conn.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    requests.fetch_add(1, Ordering::Relaxed);
    let _ = match kind {
        Raw::Endless => chunked(&mut conn, ENDLESS_LIMIT, false, &sent).await,
        Raw::Big(n) => chunked(&mut conn, n, true, &sent).await,
        Raw::CutOff => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                        Content-Length: 1000\r\nConnection: close\r\n\r\n{\"data\": [1, 2";
            conn.write_all(head.as_bytes()).await
        }
        Raw::Stall => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                        Content-Length: 10\r\n\r\n";
            let _ = conn.write_all(head.as_bytes()).await;
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok(())
        }
    };
}

/// Writes a chunked 200 whose body is `{"data":"aaaa…` of `len` bytes, closed
/// (`"}`) when `finish`; stops when the client goes away.
async fn chunked(
    conn: &mut TcpStream,
    len: usize,
    finish: bool,
    sent: &AtomicUsize,
) -> std::io::Result<()> {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    conn.write_all(head.as_bytes()).await?;
    write_chunk(conn, b"{\"data\":\"").await?;
    let block = vec![b'a'; 64 << 10];
    let mut written = 0;
    while written < len {
        let n = block.len().min(len - written);
        write_chunk(conn, &block[..n]).await?;
        written += n;
        sent.fetch_add(n, Ordering::Relaxed);
    }
    if finish {
        write_chunk(conn, b"\"}").await?;
        conn.write_all(b"0\r\n\r\n").await?;
    }
    conn.flush().await
}

async fn write_chunk(conn: &mut TcpStream, data: &[u8]) -> std::io::Result<()> {
    conn.write_all(format!("{:x}\r\n", data.len()).as_bytes())
        .await?;
    conn.write_all(data).await?;
    conn.write_all(b"\r\n").await
}

/// This process's peak resident memory (VmHWM) in KiB.
pub fn peak_rss_kib() -> u64 {
    status_kib("VmHWM:")
}

/// This process's resident memory now (VmRSS) in KiB.
pub fn rss_kib() -> u64 {
    status_kib("VmRSS:")
}

fn status_kib(key: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// Resets the peak resident memory to the current one (Linux `clear_refs` 5).
pub fn reset_peak_rss() {
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
}
