//! `[[app]]` tables: what a valid one reads as, and one located message per mistake.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

use std::path::Path;

use flightdeck::config::{self, ModelRef, Selector};

const SOURCES: &str = "docker = []\n\
[github]\nrepos = ['acme/api', 'acme/web-*']\n\
[prometheus]\nurl = 'http://prom:9090'\n\
[[prometheus.panels]]\ntitle = 'p95 latency'\nquery = 'x'\n";

fn parse(apps: &str) -> Result<config::Config, String> {
    let src = format!("{SOURCES}{apps}");
    config::parse_in(&src, Path::new("c.toml"), None, &|_| None).map_err(|e| e.to_string())
}

/// The line number in the whole file of line `n` (1-based) of the `[[app]]` text.
fn line(n: usize) -> usize {
    SOURCES.lines().count() + n
}

#[test]
fn a_full_app_reads_as_written() {
    let cfg = parse(
        "[[app]]\nname = 'checkout'\nrepo = 'acme/api'\n\
         containers = ['compose:shop', 'name:shop-*', 'label:app=checkout', 'service:shop_api']\n\
         model = 'churn-classifier@champion'\ndags = ['etl_daily']\npanels = ['p95 latency']\n\
         alerts = { service = 'checkout' }\n\
         [[app]]\nname = 'web'\nrepo = 'acme/web-front'\n",
    )
    .unwrap();
    assert_eq!(cfg.apps.len(), 2);
    let app = &cfg.apps[0];
    assert_eq!(app.name, "checkout");
    assert_eq!(app.repo.as_deref(), Some("acme/api"));
    assert_eq!(
        app.containers,
        vec![
            Selector::Compose("shop".into()),
            Selector::Name("shop-*".into()),
            Selector::Label("app".into(), "checkout".into()),
            Selector::Service("shop_api".into()),
        ]
    );
    assert_eq!(
        app.model,
        Some(ModelRef {
            name: "churn-classifier".into(),
            alias: "champion".into()
        })
    );
    assert_eq!(app.dags, ["etl_daily"]);
    assert_eq!(app.panels, ["p95 latency"]);
    assert_eq!(
        app.alerts.get("service").map(String::as_str),
        Some("checkout")
    );
    assert_eq!(
        cfg.apps[1].repo.as_deref(),
        Some("acme/web-front"),
        "a glob of [github] covers it"
    );
    assert!(parse("").unwrap().apps.is_empty());
}

#[test]
fn each_mistake_is_located_and_explained() {
    let cases: [(&str, String); 6] = [
        (
            "[[app]]\nname = 'a'\nrepos = 'acme/api'\n",
            format!(
                "error: c.toml:{}:1: unknown key 'app[0].repos'; did you mean 'app[0].repo'?",
                line(3)
            ),
        ),
        (
            "[[app]]\nname = 'a'\nrepo = 'acme/apj'\n",
            format!(
                "error: c.toml:{}:8: 'app[0].repo': repo 'acme/apj' is not in [github].repos; \
                 did you mean 'acme/api'? add it there or use one of 'acme/api', 'acme/web-*'",
                line(3)
            ),
        ),
        (
            "[[app]]\nname = 'a'\npanels = ['p99 latency']\n",
            format!(
                "error: c.toml:{}:11: 'app[0].panels[0]': unknown panel 'p99 latency'; \
                 did you mean 'p95 latency'? use a [[prometheus.panels]] title: 'p95 latency'",
                line(3)
            ),
        ),
        (
            "[[app]]\nname = 'a'\ncontainers = ['name:x', 'pod:x']\n",
            format!(
                "error: c.toml:{}:25: 'app[0].containers[1]': unknown container selector kind 'pod' \
                 in 'pod:x'; write 'compose:PROJECT', 'name:GLOB', 'label:KEY=VALUE' or 'service:NAME'",
                line(3)
            ),
        ),
        (
            "[[app]]\nname = 'a'\ncontainers = ['label:app']\n",
            format!(
                "error: c.toml:{}:15: 'app[0].containers[0]': label selector 'label:app' needs \
                 KEY=VALUE, like 'label:app=checkout'",
                line(3)
            ),
        ),
        (
            "[[app]]\nname = 'a'\nmodel = 'churn'\n",
            format!(
                "error: c.toml:{}:9: 'app[0].model': invalid model 'churn'; write 'MODEL@ALIAS', \
                 like 'churn-classifier@champion'",
                line(3)
            ),
        ),
    ];
    for (apps, want) in cases {
        let err = parse(apps).unwrap_err();
        let first = err.lines().next().unwrap();
        assert_eq!(first, want, "for {apps:?}:\n{err}");
    }
}

#[test]
fn references_need_their_sections() {
    let src = "docker = []\n[[app]]\nname = 'a'\nrepo = 'acme/api'\npanels = ['cpu']\n";
    let err = config::parse_in(src, Path::new("c.toml"), None, &|_| None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("c.toml:4:8: 'app[0].repo': repo 'acme/api' needs a [github] section"),
        "{err}"
    );
    assert!(
        err.contains("c.toml:5:11: 'app[0].panels[0]': panel 'cpu' needs a [prometheus] section"),
        "{err}"
    );
}

#[test]
fn two_apps_of_one_name_are_refused_at_the_second() {
    let err = parse("[[app]]\nname = 'a'\n[[app]]\nname = 'a'\n").unwrap_err();
    let want = format!(
        "error: c.toml:{}:8: 'app[1].name': another [[app]] is named 'a'; give each app its own name",
        line(4)
    );
    assert_eq!(err.lines().next().unwrap(), want, "{err}");
}
