//! The config contract: every kind of bad file gets one exact, located message.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use flightdeck::config::{self, ConfigError};

fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| map.get(name).cloned()
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/config")
        .join(name)
}

fn error_for(name: &str) -> String {
    let path = fixture(name);
    let src = std::fs::read_to_string(&path).unwrap();
    let err = config::parse_in(&src, &path, None, &env_of(&[])).unwrap_err();
    err.to_string()
}

/// Asserts the full message for a fixture; `rest` is everything after `error: FILE:`.
fn assert_error(name: &str, rest: &str) {
    let expected = format!("error: {}:{rest}", fixture(name).display());
    assert_eq!(error_for(name), expected);
}

#[test]
fn unknown_top_level_key_suggests_the_near_one() {
    assert_error(
        "unknown_top_level.toml",
        r#"1:1: unknown key 'thme' at top level; did you mean 'theme'?
   |
 1 | thme = "mono"
   | ^^^^"#,
    );
}

#[test]
fn unknown_key_in_github() {
    assert_error(
        "unknown_github_key.toml",
        r#"3:1: unknown key 'github.repo'; did you mean 'github.repos'?
   |
 3 | repo = "acme/web"
   | ^^^^"#,
    );
}

#[test]
fn unknown_key_in_second_panel() {
    assert_error(
        "unknown_panel_key.toml",
        r#"11:1: unknown key 'prometheus.panels[1].windw'; did you mean 'prometheus.panels[1].window'?
    |
 11 | windw = "2h"
    | ^^^^^"#,
    );
}

#[test]
fn unknown_key_without_a_near_one_lists_the_keys() {
    let path = Path::new("c.toml");
    let src = "[alertmanager]\nurl = 'http://a'\ncolour = 1\n";
    let err = config::parse_in(src, path, None, &env_of(&[]));
    assert_eq!(
        err.unwrap_err().to_string(),
        "error: c.toml:3:1: unknown key 'alertmanager.colour'; the keys here are 'url', \
         'token_env', 'username_env', 'password_env', 'interval'\n   |\n 3 | colour = 1\n   | ^^^^^^"
    );
}

#[test]
fn wrong_type() {
    assert_error(
        "wrong_type.toml",
        r#"2:13: wrong type for 'read_only': expected a boolean, found string 'yes'
   |
 2 | read_only = "yes"
   |             ^^^^^"#,
    );
}

#[test]
fn missing_required_key_points_at_the_table() {
    let err = config::parse_in(
        "[prometheus]\ninterval = '15s'\n",
        Path::new("c.toml"),
        None,
        &env_of(&[]),
    );
    assert_eq!(
        err.unwrap_err().to_string(),
        "error: c.toml:1:1: missing key 'prometheus.url'; add it to this table\n   |\n 1 | [prometheus]\n   | ^^^^^^^^^^^^"
    );
}

#[test]
fn docker_host_is_optional_docker_host_then_the_local_socket() {
    let src = "[[docker]]\nname = 'box'\ninterval = '5s'\n";
    let config = config::parse_in(src, Path::new("c.toml"), None, &env_of(&[])).unwrap();
    let engine = &config.docker[0];
    assert_eq!(
        (engine.name.as_str(), engine.host.as_str()),
        ("box", "unix:///var/run/docker.sock")
    );
    let env = env_of(&[
        ("DOCKER_HOST", "tcp://build:2376"),
        ("DOCKER_CERT_PATH", "/certs"),
        ("DOCKER_TLS_VERIFY", "1"),
    ]);
    let config = config::parse_in("[[docker]]\n", Path::new("c.toml"), None, &env).unwrap();
    let engine = &config.docker[0];
    assert_eq!(
        (engine.name.as_str(), engine.host.as_str()),
        ("build", "tcp://build:2376")
    );
    assert_eq!(engine.cert_path.as_deref(), Some(Path::new("/certs")));
    assert!(engine.tls_verify);
    let bad = env_of(&[("DOCKER_HOST", "build:2376")]);
    let err = config::parse_in("[[docker]]\n", Path::new("c.toml"), None, &bad).unwrap_err();
    let first = err.to_string().lines().next().unwrap().to_owned();
    assert!(
        first.starts_with("error: c.toml:1:1: 'docker[0]': no 'host' and DOCKER_HOST is 'build:2376': unsupported Docker host"),
        "{first}"
    );
}

#[test]
fn bad_duration() {
    assert_error(
        "bad_duration.toml",
        r#"4:12: 'docker[0].interval': invalid duration '15x': use a number and a unit, like "15s" or "2m"
   |
 4 | interval = "15x"
   |            ^^^^^"#,
    );
}

#[test]
fn bad_url() {
    assert_error(
        "bad_url.toml",
        r#"2:7: 'alertmanager.url': invalid URL 'localhost:9093': start it with http:// or https://, like 'http://localhost:9093'
   |
 2 | url = "localhost:9093"
   |       ^^^^^^^^^^^^^^^^"#,
    );
}

#[test]
fn inline_secret() {
    assert_error(
        "inline_secret.toml",
        r#"3:1: 'github.token': secrets are not stored in the config file; put the secret in an environment variable and name it with `token_env`
   |
 3 | token = "ghp_0123456789"
   | ^^^^^"#,
    );
}

#[test]
fn inline_password_names_password_env() {
    let src = "[mlflow]\nurl = 'http://m:5000'\npassword = 'hunter2'\n";
    let err = config::parse_in(src, Path::new("c.toml"), None, &env_of(&[])).unwrap_err();
    let first = err.to_string().lines().next().unwrap().to_owned();
    assert!(first.ends_with("name it with `password_env`"), "{first}");
}

#[test]
fn bad_repo_spec() {
    assert_error(
        "bad_repo.toml",
        r#"2:22: 'github.repos[1]': invalid repo 'acme': write it as 'owner/name', 'owner/*' or 'owner/api-*'
   |
 2 | repos = ["acme/api", "acme"]
   |                      ^^^^^^"#,
    );
}

#[test]
fn bad_unit() {
    assert_error(
        "bad_unit.toml",
        r#"7:8: 'prometheus.panels[0].unit': unknown unit 'percnt'; did you mean 'percent'? use one of 'bytes', 'percent', 'seconds', 'rps', 'none'
   |
 7 | unit = "percnt"
   |        ^^^^^^^^"#,
    );
}

#[test]
fn unknown_command_in_keys() {
    assert_error(
        "unknown_command.toml",
        r#"2:1: unknown command 'quti' in [keys]; did you mean 'quit'?
   |
 2 | quti = "x"
   | ^^^^"#,
    );
}

#[test]
fn bad_key_spec() {
    assert_error(
        "bad_key.toml",
        r#"2:14: 'keys.quit[1]': invalid key 'ctrl+q': write keys like 'q', 'G', 'ctrl-c', 'shift-tab', 'pageup' or 'f5'
   |
 2 | quit = ["q", "ctrl+q"]
   |              ^^^^^^^^"#,
    );
}

#[test]
fn key_conflict() {
    assert_error(
        "key_conflict.toml",
        r#"2:13: 'keys.sort_next': key 'j' for 'sort_next' is already bound to 'down'; choose another key, or rebind 'down' in [keys] (down = "" unbinds it)
   |
 2 | sort_next = "j"
   |             ^^^"#,
    );
}

#[test]
fn key_conflict_between_two_entries_is_reported_at_the_later() {
    let src = "[keys]\nup = \"x\"\ndown = [\"j\", \"x\"]\n";
    let err = config::parse_in(src, Path::new("c.toml"), None, &env_of(&[])).unwrap_err();
    let first = err.to_string().lines().next().unwrap().to_owned();
    assert_eq!(
        first,
        "error: c.toml:3:14: 'keys.down[1]': key 'x' for 'down' is already bound to 'up'; \
         choose another key, or rebind 'up' in [keys] (up = \"\" unbinds it)"
    );
}

#[test]
fn toml_syntax_error() {
    assert_error(
        "syntax_error.toml",
        "2:8: invalid TOML: string values must be quoted, expected literal string
   |
 2 | bell = 
   |        ^",
    );
}

#[test]
fn missing_explicit_file_is_named() {
    let path = fixture("does_not_exist.toml");
    let err = config::load(Some(&path), &env_of(&[])).unwrap_err();
    assert!(matches!(err, ConfigError::NotFound { .. }));
    assert_eq!(
        err.to_string(),
        format!(
            "error: config file '{}' does not exist (named by --config); check the path",
            path.display()
        )
    );
    let env = env_of(&[("FLIGHTDECK_CONFIG", "/nowhere/flightdeck.toml")]);
    assert_eq!(
        config::load(None, &env).unwrap_err().to_string(),
        "error: config file '/nowhere/flightdeck.toml' does not exist (named by FLIGHTDECK_CONFIG); \
         check the path, or unset FLIGHTDECK_CONFIG"
    );
}

#[test]
fn example_parses_and_names_every_command() {
    let config = config::parse_in(
        config::example(),
        Path::new("example.toml"),
        None,
        &env_of(&[]),
    )
    .unwrap();
    assert_eq!(config.keymap, config::Keymap::default());
    assert_eq!(config.docker.len(), 1);
    assert_eq!(config.docker[0].host, "unix:///var/run/docker.sock");
    // Optional sources are commented out, so the example works as written.
    assert!(config.github.is_none() && config.mlflow.is_none());
    assert!(config.prometheus.is_none() && config.alertmanager.is_none());
}

/// The example with every commented-out `key = ...` line and table header turned on.
fn example_uncommented() -> String {
    let is_key = |rest: &str| {
        rest.split_once(" =").is_some_and(|(k, _)| {
            !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
    };
    config::example()
        .lines()
        .map(|line| match line.strip_prefix("# ") {
            Some(rest) if rest.starts_with('[') || is_key(rest) => rest,
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn example_commented_out_sections_parse_when_turned_on() {
    let config = config::parse_in(
        &example_uncommented(),
        Path::new("example.toml"),
        None,
        &env_of(&[]),
    )
    .unwrap();
    assert_eq!(config.docker.len(), 2);
    assert_eq!(config.prometheus.unwrap().panels.len(), 2);
    assert!(config.github.is_some() && config.mlflow.is_some() && config.alertmanager.is_some());
    assert_eq!(config.apps.len(), 1);
}

#[tokio::test]
async fn example_as_written_gives_no_unknown_source_in_status() {
    let config =
        config::parse_in(config::example(), Path::new("e.toml"), None, &env_of(&[])).unwrap();
    let report = flightdeck::status::collect(&config, std::time::Duration::from_secs(3)).await;
    // Docker may be absent here (then it is an error, which is honest); nothing else may poll.
    let polled: Vec<String> = report
        .sources
        .iter()
        .filter(|s| s.health != "not_configured")
        .map(|s| s.kind.name().to_owned())
        .collect();
    assert_eq!(polled, ["docker"]);
}

#[test]
fn example_mentions_every_key() {
    // An unknown key's message lists the keys a table accepts.
    let tables = [
        "",
        "[github]\n",
        "[mlflow]\n",
        "[prometheus]\n",
        "[alertmanager]\n",
    ];
    let more = [
        "[[docker]]\n",
        "[prometheus]\nurl='http://p'\n[[prometheus.panels]]\n",
    ];
    for table in tables.iter().chain(&more) {
        let src = format!("{table}zzzzzzzzzzzz = 1\n");
        let message = config::parse_in(&src, Path::new("c.toml"), None, &env_of(&[]))
            .unwrap_err()
            .to_string();
        let line = message.lines().find(|l| l.contains("the keys here are "));
        let keys = line.unwrap().split("the keys here are ").nth(1).unwrap();
        for key in keys.split(", ").map(|k| k.trim_matches('\'')) {
            let example = config::example();
            let as_key =
                example.contains(&format!("\n{key} =")) || example.contains(&format!("# {key} ="));
            let as_table = example.contains(&format!("{key}]"));
            assert!(as_key || as_table, "{table}{key} is not in the example");
        }
    }
}

#[test]
fn no_file_means_defaults_with_the_local_engine() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().to_str().unwrap();
    let loaded = config::load(None, &env_of(&[("HOME", home)])).unwrap();
    assert_eq!(loaded.path, None);
    let config = loaded.config;
    assert_eq!(config.docker.len(), 1);
    assert_eq!(config.docker[0].name, "local");
    assert_eq!(config.docker[0].host, "unix:///var/run/docker.sock");
    assert_eq!(config.theme, "default");
    assert!(
        config.mlflow.is_none() && config.prometheus.is_none() && config.alertmanager.is_none()
    );
}

#[test]
fn default_location_is_under_xdg_config_home() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("flightdeck")).unwrap();
    let file = dir.path().join("flightdeck/config.toml");
    std::fs::write(&file, "theme = \"mono\"\n").unwrap();
    let xdg = dir.path().to_str().unwrap();
    let loaded = config::load(None, &env_of(&[("XDG_CONFIG_HOME", xdg)])).unwrap();
    assert_eq!(loaded.path.as_deref(), Some(file.as_path()));
    assert_eq!(loaded.config.theme, "mono");
    assert_eq!(
        config::config_dir(&env_of(&[("HOME", "/home/u")])),
        Some(PathBuf::from("/home/u/.config/flightdeck"))
    );
}

#[test]
fn cli_path_beats_flightdeck_config_which_beats_the_default() {
    let minimal = fixture("minimal.toml");
    let broken = fixture("syntax_error.toml");
    let env = env_of(&[("FLIGHTDECK_CONFIG", broken.to_str().unwrap())]);
    let loaded = config::load(Some(&minimal), &env).unwrap();
    assert_eq!(loaded.path.as_deref(), Some(minimal.as_path()));
    assert_eq!(loaded.config.theme, "ansi16");
    let env = env_of(&[
        ("FLIGHTDECK_CONFIG", minimal.to_str().unwrap()),
        ("XDG_CONFIG_HOME", "/x"),
    ]);
    assert_eq!(
        config::load(None, &env).unwrap().path.as_deref(),
        Some(minimal.as_path())
    );
}

#[test]
fn docker_host_and_tls_come_from_the_environment() {
    let env = env_of(&[
        ("DOCKER_HOST", "tcp://build:2376"),
        ("DOCKER_CERT_PATH", "/certs"),
        ("DOCKER_TLS_VERIFY", "1"),
    ]);
    let config = config::parse_in("", Path::new("c.toml"), None, &env).unwrap();
    assert_eq!(config.docker.len(), 1);
    let engine = &config.docker[0];
    assert_eq!(
        (engine.name.as_str(), engine.host.as_str()),
        ("local", "tcp://build:2376")
    );
    assert_eq!(engine.cert_path.as_deref(), Some(Path::new("/certs")));
    assert!(engine.tls_verify);
    let bad = env_of(&[("DOCKER_HOST", "build:2376")]);
    let err = config::parse_in("", Path::new("c.toml"), None, &bad).unwrap_err();
    assert_eq!(
        err.to_string(),
        "error: DOCKER_HOST is 'build:2376': unsupported Docker host 'build:2376': use unix://, \
         tcp://, ssh:// or npipe://, like 'unix:///var/run/docker.sock' or 'tcp://host:2376'"
    );
}

#[test]
fn docker_tables_replace_the_default_and_need_unique_names() {
    let src = "[[docker]]\nhost = 'unix:///run/docker.sock'\n[[docker]]\nhost = 'ssh://me@box'\n";
    let env = env_of(&[("DOCKER_HOST", "tcp://ignored:2376")]);
    let config = config::parse_in(src, Path::new("c.toml"), None, &env).unwrap();
    let names: Vec<&str> = config.docker.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["local", "box"]);
    let off = config::parse_in("docker = []\n", Path::new("c.toml"), None, &env).unwrap();
    assert!(off.docker.is_empty());
    let dup = "[[docker]]\nhost = 'unix:///a'\n[[docker]]\nhost = 'unix:///b'\n";
    let err = config::parse_in(dup, Path::new("c.toml"), None, &env)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("error: c.toml:3:1: 'docker[1].name': another [[docker]] table"),
        "{err}"
    );
}

#[test]
fn mlflow_comes_from_mlflow_tracking_uri() {
    let env = env_of(&[("MLFLOW_TRACKING_URI", "http://mlflow:5000/")]);
    let config = config::parse_in("", Path::new("c.toml"), None, &env).unwrap();
    assert_eq!(config.mlflow.unwrap().url, "http://mlflow:5000");
    let local = env_of(&[("MLFLOW_TRACKING_URI", "file:./mlruns")]);
    assert!(
        config::parse_in("", Path::new("c.toml"), None, &local)
            .unwrap()
            .mlflow
            .is_none()
    );
    let err = config::parse_in("[mlflow]\nmodels = []\n", Path::new("c.toml"), None, &local);
    assert_eq!(
        err.unwrap_err().to_string(),
        "error: c.toml:1:1: 'mlflow': no 'url' and MLFLOW_TRACKING_URI is 'file:./mlruns'; \
         add url = \"http://127.0.0.1:5000\"\n   |\n 1 | [mlflow]\n   | ^^^^^^^^"
    );
}

fn git_checkout(url: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    std::fs::create_dir_all(dir.path().join("src/deep")).unwrap();
    let config = format!(
        "[core]\n\tbare = false\n[remote \"upstream\"]\n\turl = https://github.com/other/x\n\
         [remote \"origin\"]\n\turl = {url}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n"
    );
    std::fs::write(dir.path().join(".git/config"), config).unwrap();
    dir
}

#[test]
fn github_default_uses_origin_when_a_token_is_set() {
    let token = env_of(&[("GH_TOKEN", "t")]);
    for url in [
        "https://github.com/acme/api.git",
        "git@github.com:acme/api.git",
        "ssh://git@github.com/acme/api",
        "https://github.com/acme/api/",
    ] {
        let dir = git_checkout(url);
        let github = config::github_default(&dir.path().join("src/deep"), &token).unwrap();
        assert_eq!(github.repos.len(), 1, "{url}");
        assert_eq!(github.repos[0].to_string(), "acme/api", "{url}");
        assert_eq!(github.api_url, "https://api.github.com");
        let parsed = config::parse_in("", Path::new("c.toml"), Some(dir.path()), &token).unwrap();
        assert_eq!(parsed.github, Some(github));
    }
    let dir = git_checkout("https://github.com/acme/api.git");
    assert!(config::github_default(dir.path(), &env_of(&[])).is_none());
    let gitlab = git_checkout("git@gitlab.com:acme/api.git");
    assert!(config::github_default(gitlab.path(), &token).is_none());
}

#[test]
fn resolve_token_prefers_the_named_variable() {
    let env = env_of(&[
        ("MY_TOKEN", "mine"),
        ("GITHUB_TOKEN", "gh"),
        ("GH_TOKEN", "cli"),
    ]);
    assert_eq!(
        config::resolve_token(Some("MY_TOKEN"), &env).as_deref(),
        Some("mine")
    );
    assert_eq!(
        config::resolve_token(Some("UNSET"), &env).as_deref(),
        Some("gh")
    );
    let env = env_of(&[("GITHUB_TOKEN", ""), ("GH_TOKEN", "cli")]);
    assert_eq!(config::resolve_token(None, &env).as_deref(), Some("cli"));
    assert_eq!(config::resolve_token(None, &env_of(&[])), None);
}

#[test]
fn keys_override_and_unbind() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use flightdeck::command::{Command, Context};
    let src = "[keys]\nquit = \"x\"\nhelp = \"\"\nrefresh = [\"ctrl-r\", \"f5\"]\n";
    let config = config::parse_in(src, Path::new("c.toml"), None, &env_of(&[])).unwrap();
    let keymap = &config.keymap;
    let press = |code| KeyEvent::new(code, KeyModifiers::NONE);
    let global = [Context::Global];
    assert_eq!(
        keymap.lookup(&press(KeyCode::Char('x')), &global),
        Some(Command::Quit)
    );
    assert_eq!(keymap.lookup(&press(KeyCode::Char('q')), &global), None);
    assert_eq!(keymap.lookup(&press(KeyCode::Char('?')), &global), None);
    assert_eq!(
        keymap.lookup(&press(KeyCode::F(5)), &global),
        Some(Command::Refresh)
    );
    assert!(keymap.keys(Command::Help).is_empty());
    assert_eq!(
        keymap.keys(Command::Down),
        config::Keymap::default().keys(Command::Down)
    );
}

#[test]
fn invalid_utf8_names_line_column_and_offset() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, b"theme = \"mono\"\nbell = \"\xff\"\n").unwrap();
    let err = config::load(Some(&path), &env_of(&[]))
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        format!(
            "error: {}:2:9: invalid UTF-8: byte 0xff at offset 23; save the file as UTF-8\n   |\n 2 | bell = \"\n   |         ^",
            path.display()
        )
    );
}

#[test]
fn carriage_return_in_a_string_is_an_error_not_a_panic() {
    let path = fixture("cr_in_string.toml");
    let src = std::fs::read_to_string(&path).unwrap();
    assert!(src.contains('\r'));
    let err = config::parse_in(&src, &path, None, &env_of(&[])).unwrap_err();
    let first = err.to_string().lines().next().unwrap().to_owned();
    assert!(
        first.starts_with(&format!("error: {}:1:", path.display())),
        "{first}"
    );
}

#[test]
fn durations_the_dashboard_cannot_use_are_refused() {
    assert_error(
        "huge_interval.toml",
        r#"3:12: 'docker[0].interval': '2562047788015215h' is longer than "24h"; use at most "24h"
   |
 3 | interval = "2562047788015215h"
   |            ^^^^^^^^^^^^^^^^^^^"#,
    );
    assert_error(
        "huge_window.toml",
        r#"7:10: 'prometheus.panels[0].window': '9999999999h' is longer than "90d"; use at most "90d"
   |
 7 | window = "9999999999h"
   |          ^^^^^^^^^^^^^"#,
    );
}

#[test]
fn unknown_theme_is_refused_as_the_dashboard_would() {
    let err = config::parse_in(
        "theme = \"nosuchtheme\"\n",
        Path::new("c.toml"),
        None,
        &env_of(&[]),
    );
    assert_eq!(
        err.unwrap_err().to_string(),
        "error: c.toml:1:9: 'theme': unknown theme 'nosuchtheme': not built in (default, ansi16, \
         mono) and no theme directory to look in (set XDG_CONFIG_HOME or HOME)\n   |\n 1 | theme = \
         \"nosuchtheme\"\n   |         ^^^^^^^^^^^^^"
    );
}

#[test]
fn user_theme_files_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let themes = dir.path().join("flightdeck/themes");
    std::fs::create_dir_all(&themes).unwrap();
    std::fs::write(
        themes.join("night.toml"),
        "[roles]\nok = { fg = \"green\" }\n",
    )
    .unwrap();
    std::fs::write(themes.join("broken.toml"), "[roles]\nokk = {}\n").unwrap();
    let env = env_of(&[("XDG_CONFIG_HOME", dir.path().to_str().unwrap())]);
    let ok = config::parse_in("theme = 'night'\n", Path::new("c.toml"), None, &env).unwrap();
    assert_eq!(ok.theme, "night");
    let err = config::parse_in("theme = 'broken'\n", Path::new("c.toml"), None, &env)
        .unwrap_err()
        .to_string();
    let first = err.lines().next().unwrap();
    assert_eq!(
        first,
        format!(
            "error: c.toml:1:9: 'theme': theme 'broken' in '{}' line 2, column 1: unknown role 'okk' (did you mean 'ok'?)",
            themes.join("broken.toml").display()
        )
    );
}

/// Runs the built binary with a clean home, no stdin and stdout captured (so no terminal).
fn flightdeck(args: &[&str]) -> (Option<i32>, String, String) {
    let home = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_flightdeck"))
        .args(args)
        .env_clear()
        .env("HOME", home.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn status_usage_errors_exit_unknown() {
    let (code, _, err) = flightdeck(&["status", "--timeout", "banana"]);
    assert_eq!(code, Some(3), "{err}");
    assert!(err.contains("invalid duration 'banana'"), "{err}");
    let (code, _, err) = flightdeck(&["status", "--no-such-flag"]);
    assert_eq!(code, Some(3), "{err}");
    let (code, _, _) = flightdeck(&["config", "--no-such-flag"]);
    assert_eq!(code, Some(2));
    let (code, out, _) = flightdeck(&["status", "--help"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("--timeout"));
}

#[test]
fn a_bad_config_at_start_says_error_once() {
    let bad = fixture("wrong_type.toml");
    let (code, _, err) = flightdeck(&["--config", bad.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert!(
        err.starts_with("error: ") && !err.contains("error: error:"),
        "{err}"
    );
}

#[test]
fn no_terminal_says_so_and_points_at_status() {
    let ok = fixture("minimal.toml");
    let (code, _, err) = flightdeck(&["--config", ok.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert_eq!(
        err,
        "error: no terminal to draw the dashboard on; for a one-shot report without one, \
         run `flightdeck status`\n"
    );
}

#[test]
fn config_check_refuses_what_the_dashboard_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.toml");
    std::fs::write(&file, "theme = \"nosuchtheme\"\n").unwrap();
    let (code, _, err) = flightdeck(&["config", "check", "--config", file.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert!(err.contains("unknown theme 'nosuchtheme'"), "{err}");
    let ok = fixture("minimal.toml");
    let args = [
        "config",
        "check",
        "--theme",
        "nope",
        "--config",
        ok.to_str().unwrap(),
    ];
    let (code, _, err) = flightdeck(&args);
    assert_eq!(code, Some(1));
    assert!(
        err.starts_with("error: --theme: unknown theme 'nope'"),
        "{err}"
    );
}

#[test]
fn help_creates_the_config_directory_before_writing_to_it() {
    let (code, out, _) = flightdeck(&["--help"]);
    assert_eq!(code, Some(0));
    assert!(
        out.contains(
            "mkdir -p ~/.config/flightdeck && flightdeck config example > ~/.config/flightdeck/config.toml"
        ),
        "{out}"
    );
}

/// The `error: FILE:LINE:COL: message` lines of a multi-error report, file name left out.
fn error_lines(message: &str, file: &Path) -> Vec<String> {
    let prefix = format!("error: {}:", file.display());
    message
        .lines()
        .filter_map(|l| l.strip_prefix(&prefix))
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_error_of_a_file_is_reported_in_file_order() {
    let path = fixture("many_errors.toml");
    let message = error_for("many_errors.toml");
    assert_eq!(
        error_lines(&message, &path),
        [
            "1:1: unknown key 'thme' at top level; did you mean 'theme'?",
            "2:13: wrong type for 'read_only': expected a boolean, found string 'yes'",
            "5:1: unknown command 'quti' in [keys]; did you mean 'quit'?",
            "6:14: 'keys.quit[1]': invalid key 'ctrl+q': write keys like 'q', 'G', 'ctrl-c', \
             'shift-tab', 'pageup' or 'f5'",
            "10:12: 'docker[0].interval': invalid duration '15x': use a number and a unit, \
             like \"15s\" or \"2m\"",
            "13:22: 'github.repos[1]': invalid repo 'acme': write it as 'owner/name', 'owner/*' \
             or 'owner/api-*'",
            "14:1: unknown key 'github.repo'; did you mean 'github.repos'?",
            "15:12: 'github.interval': '0s' is zero; use at least \"1s\"",
            "18:7: 'prometheus.url': invalid URL 'localhost:9090': start it with http:// or \
             https://, like 'http://localhost:9090'",
            "23:8: 'prometheus.panels[0].unit': unknown unit 'percnt'; did you mean 'percent'? \
             use one of 'bytes', 'percent', 'seconds', 'rps', 'none'",
            "28:1: unknown key 'prometheus.panels[1].windw'; did you mean \
             'prometheus.panels[1].window'?",
            "29:10: 'prometheus.panels[1].window': '9999999999h' is longer than \"90d\"; use at \
             most \"90d\"",
        ]
    );
    // Each error keeps its excerpt.
    assert_eq!(
        message.matches("\n   | ").count() + message.matches("\n    | ").count(),
        12
    );
}

#[test]
fn a_wrong_typed_required_key_is_not_also_reported_missing() {
    let src = "[prometheus]\nurl = 9090\n[alertmanager]\nurl = 'x'\n";
    let message = config::parse_in(src, Path::new("c.toml"), None, &env_of(&[]))
        .unwrap_err()
        .to_string();
    let lines = error_lines(&message, Path::new("c.toml"));
    assert_eq!(lines.len(), 2, "{message}");
    assert!(
        lines[0].starts_with("2:7: wrong type for 'prometheus.url'"),
        "{message}"
    );
    assert!(
        lines[1].starts_with("4:7: 'alertmanager.url': invalid URL 'x'"),
        "{message}"
    );
}

#[test]
fn more_than_twenty_errors_are_counted_not_shown() {
    let lines: Vec<String> = (0..25).map(|i| format!("unknown_{i:02} = 1")).collect();
    let src = lines.join("\n");
    let message = config::parse_in(&src, Path::new("c.toml"), None, &env_of(&[]))
        .unwrap_err()
        .to_string();
    let lines = error_lines(&message, Path::new("c.toml"));
    assert_eq!(lines.len(), 20);
    assert!(
        lines[0].starts_with("1:1: unknown key 'unknown_00'"),
        "{}",
        lines[0]
    );
    assert!(
        lines[19].starts_with("20:1: unknown key 'unknown_19'"),
        "{}",
        lines[19]
    );
    assert!(message.ends_with("\nand 5 more errors"), "{message}");
}

#[test]
fn unknown_tables_and_dotted_keys_are_skipped_whole() {
    let src = "[nosuch]\na = 1\n[github]\nrepos = ['acme/api']\nextra.deep = 2\ninterval = '0s'\n";
    let message = config::parse_in(src, Path::new("c.toml"), None, &env_of(&[]))
        .unwrap_err()
        .to_string();
    let lines = error_lines(&message, Path::new("c.toml"));
    assert_eq!(lines.len(), 3, "{message}");
    assert!(
        lines[0].starts_with("1:2: unknown key 'nosuch'"),
        "{message}"
    );
    assert!(
        lines[1].starts_with("5:1: unknown key 'github.extra'"),
        "{message}"
    );
    assert!(
        lines[2].starts_with("6:12: 'github.interval': '0s' is zero"),
        "{message}"
    );
}

#[test]
fn airflow_section_reads_its_keys_and_refuses_unknown_ones() {
    let path = Path::new("c.toml");
    let src = "docker = []\n[airflow]\nurl = 'http://af:8080/'\nusername_env = 'AF_USER'\n\
               password_env = 'AF_PASS'\ndags = ['etl_*']\n";
    let cfg = config::parse_in(src, path, None, &env_of(&[])).unwrap();
    let af = cfg.airflow.unwrap();
    assert_eq!(af.url, "http://af:8080");
    assert_eq!(af.interval, std::time::Duration::from_secs(15));
    assert!(af.watches("etl_daily") && !af.watches("ml_train"));
    let src = "docker = []\n[airflow]\nurl = 'http://af'\ndag = ['x']\n";
    let err = config::parse_in(src, path, None, &env_of(&[])).unwrap_err();
    assert!(
        err.to_string().starts_with(
            "error: c.toml:4:1: unknown key 'airflow.dag'; did you mean 'airflow.dags'?"
        ),
        "{err}"
    );
    let src = "docker = []\n[airflow]\nurl = 'http://af'\nusername_env = 'U'\n";
    let err = config::parse_in(src, path, None, &env_of(&[])).unwrap_err();
    assert!(
        err.to_string()
            .contains("'username_env' needs 'password_env'"),
        "{err}"
    );
}
