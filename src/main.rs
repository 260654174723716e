//! flightdeck's entry point: a table of contents. Parse the command line, then
//! open the dashboard, print a status report, or check the config.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use flightdeck::cli::{self, Cli, Cmd, ConfigCmd};
use flightdeck::{app, config, logging, status, theme};

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(err) => return usage_error(&err, cli::is_status(&args)),
    };
    // One TLS crypto provider for every client (bollard's TLS path requires a default).
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    match run(&cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// Prints clap's message; a usage error of `status` exits 3 (UNKNOWN), as monitoring
/// plugins must, where clap would exit 2 (CRITICAL to Nagios).
fn usage_error(err: &clap::Error, is_status: bool) -> ExitCode {
    let _ = err.print();
    match err.exit_code() {
        0 => ExitCode::SUCCESS,
        _ if is_status => ExitCode::from(status::Severity::Unknown.exit_code()),
        code => ExitCode::from(u8::try_from(code).unwrap_or(2)),
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Some(Cmd::Config {
            action: ConfigCmd::Example,
        }) => {
            print!("{}", config::example());
            Ok(ExitCode::SUCCESS)
        }
        Some(Cmd::Config {
            action: ConfigCmd::Check,
        }) => Ok(config_check(cli)),
        Some(Cmd::Status { json, timeout }) => Ok(status_command(cli, *json, *timeout)),
        Some(Cmd::Snapshot {
            format,
            out,
            timeout,
        }) => Ok(snapshot_command(cli, *format, out.as_deref(), *timeout)),
        None => dashboard(cli),
    }
}

fn config_check(cli: &Cli) -> ExitCode {
    match config::load(cli.config.as_deref(), &env) {
        Ok(loaded) => {
            // `--theme` overrides the file's theme at start; check it the same way.
            if let Some(name) = &cli.theme
                && let Err(e) = load_theme(name, theme::ColorDepth::TrueColor)
            {
                eprintln!("error: --theme: {e}");
                return ExitCode::from(1);
            }
            match &loaded.path {
                Some(p) => println!("{}: ok", p.display()),
                None => println!("no config file; the defaults are valid"),
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}

fn status_command(cli: &Cli, json: bool, timeout: Duration) -> ExitCode {
    let unknown = ExitCode::from(status::Severity::Unknown.exit_code());
    let loaded = match config::load(cli.config.as_deref(), &env) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{e}");
            return unknown;
        }
    };
    // Whatever stops the report from being made is UNKNOWN, never WARNING.
    let report = || -> anyhow::Result<ExitCode> {
        let _log = start_logging(cli)?;
        let report = runtime()?.block_on(status::collect(&loaded.config, timeout));
        if json {
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            print!("{}", status::render_text(&report));
        }
        Ok(ExitCode::from(report.status.exit_code()))
    };
    report().unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        unknown
    })
}

fn snapshot_command(
    cli: &Cli,
    format: cli::SnapshotFormat,
    out: Option<&std::path::Path>,
    timeout: Duration,
) -> ExitCode {
    let loaded = match config::load(cli.config.as_deref(), &env) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    let run = || -> anyhow::Result<()> {
        let _log = start_logging(cli)?;
        let rt = runtime()?;
        let snap = rt.block_on(status::snapshot::take(&loaded.config, timeout));
        let secrets = rt.block_on(status::snapshot::secrets(&loaded.config, &env));
        let text = match format {
            cli::SnapshotFormat::Md => status::snapshot::markdown(&snap, &secrets),
            cli::SnapshotFormat::Json => status::snapshot::to_json(&snap, &secrets) + "\n",
        };
        match out {
            Some(path) => {
                status::snapshot::write_private(path, &text).map_err(anyhow::Error::msg)?;
                eprintln!("snapshot written to '{}'", path.display());
            }
            None => print!("{text}"),
        }
        Ok(())
    };
    run().map_or_else(
        |e| {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        },
        |()| ExitCode::SUCCESS,
    )
}

fn dashboard(cli: &Cli) -> anyhow::Result<ExitCode> {
    let mut loaded = match config::load(cli.config.as_deref(), &env) {
        Ok(loaded) => loaded,
        Err(e) => {
            // The message already starts with "error:".
            eprintln!("{e}");
            return Ok(ExitCode::from(1));
        }
    };
    loaded.config.read_only |= cli.read_only;
    let theme_name = cli
        .theme
        .clone()
        .unwrap_or_else(|| loaded.config.theme.clone());
    let theme = load_theme(&theme_name, theme::ColorDepth::detect(&env))?;
    if !has_terminal() {
        anyhow::bail!(
            "no terminal to draw the dashboard on; for a one-shot report without one, \
             run `flightdeck status`"
        );
    }
    let _log = start_logging(cli)?;
    tracing::info!(config = ?loaded.path, read_only = loaded.config.read_only, "starting");
    runtime()?.block_on(app::run::run(&loaded.config, &theme))?;
    Ok(ExitCode::SUCCESS)
}

fn load_theme(name: &str, depth: theme::ColorDepth) -> Result<theme::Theme, theme::ThemeError> {
    let user_themes = config::config_dir(&env).map(|d| d.join("themes"));
    theme::load(name, user_themes.as_deref(), depth)
}

/// Whether the dashboard can draw (stdout) and read keys (stdin, else `/dev/tty`, as crossterm does).
fn has_terminal() -> bool {
    let keys = std::io::stdin().is_terminal() || std::fs::File::open("/dev/tty").is_ok();
    std::io::stdout().is_terminal() && keys
}

fn start_logging(cli: &Cli) -> anyhow::Result<tracing_appender::non_blocking::WorkerGuard> {
    let file = cli
        .log_file
        .clone()
        .or_else(|| logging::default_log_file(&env))
        .ok_or_else(|| anyhow::anyhow!("no log file: set --log-file or HOME"))?;
    logging::init(&file, &cli.log_level)
}

/// The dashboard's loop runs on the main thread (`block_on`); one worker runs the
/// pollers and actions. Each extra worker costs its own malloc arena (~0.7 MiB
/// resident) for work that is mostly waiting on sockets.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?)
}
