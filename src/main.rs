//! flightdeck's entry point: a table of contents. Parse the command line, then
//! open the dashboard, print a status report, or check the config.

use std::process::ExitCode;

use clap::Parser;
use flightdeck::cli::{Cli, Cmd, ConfigCmd};
use flightdeck::{app, config, logging, status, theme};

fn main() -> ExitCode {
    let cli = Cli::parse();
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
        Some(Cmd::Status { json, timeout }) => status_command(cli, *json, timeout),
        None => dashboard(cli),
    }
}

fn config_check(cli: &Cli) -> ExitCode {
    match config::load(cli.config.as_deref(), &env) {
        Ok(loaded) => {
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

fn status_command(cli: &Cli, json: bool, timeout: &str) -> anyhow::Result<ExitCode> {
    let loaded = match config::load(cli.config.as_deref(), &env) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitCode::from(status::Severity::Unknown.exit_code()));
        }
    };
    let timeout =
        config::duration::parse(timeout).map_err(|e| anyhow::anyhow!("--timeout: {e}"))?;
    let _log = start_logging(cli)?;
    let report = runtime()?.block_on(status::collect(&loaded.config, timeout));
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", status::render_text(&report));
    }
    Ok(ExitCode::from(report.status.exit_code()))
}

fn dashboard(cli: &Cli) -> anyhow::Result<ExitCode> {
    let mut loaded =
        config::load(cli.config.as_deref(), &env).map_err(|e| anyhow::anyhow!("{e}"))?;
    loaded.config.read_only |= cli.read_only;
    let theme_name = cli
        .theme
        .clone()
        .unwrap_or_else(|| loaded.config.theme.clone());
    let user_themes = config::config_dir(&env).map(|d| d.join("themes"));
    let theme = theme::load(
        &theme_name,
        user_themes.as_deref(),
        theme::ColorDepth::detect(&env),
    )?;
    let _log = start_logging(cli)?;
    tracing::info!(config = ?loaded.path, read_only = loaded.config.read_only, "starting");
    runtime()?.block_on(app::run::run(&loaded.config, &theme))?;
    Ok(ExitCode::SUCCESS)
}

fn start_logging(cli: &Cli) -> anyhow::Result<tracing_appender::non_blocking::WorkerGuard> {
    let file = cli
        .log_file
        .clone()
        .or_else(|| logging::default_log_file(&env))
        .ok_or_else(|| anyhow::anyhow!("no log file: set --log-file or HOME"))?;
    logging::init(&file, &cli.log_level)
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}
