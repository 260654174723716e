#!/usr/bin/env python3
"""A local fake of the GitHub REST API for scripts/screenshots (never for tests:
tests/github.rs has its own wiremock fake).

    scripts/github-fake.py --port PORT [--token TOKEN]

Serves, on 127.0.0.1:PORT, what flightdeck's GitHub source calls
(src/sources/github/), with bodies shaped like GitHub's documented REST
responses and built the way tests/common/github.rs builds its fixtures
(repo_json, run_json, jobs_json, JOB_LOG, rate_headers):

  GET /repos/{owner}/{repo}                      the repository
  GET /repos/{owner}/{repo}/actions/runs         workflow runs, with an ETag
                                                 (If-None-Match -> 304)
  GET /repos/{owner}/{repo}/actions/runs/{id}/jobs   jobs with steps, ETag
  GET /repos/{owner}/{repo}/actions/jobs/{id}/logs   302 to the log text, as
                                                 GitHub redirects to blob storage;
                                                 404 while the job runs
  GET /blob/job-{id}.txt                         the log: timestamps, ##[group],
                                                 ##[endgroup], ##[error] lines

Every API answer carries GitHub's rate-limit headers; anything else answers
GitHub's 404 body. With --token, API requests must carry
`Authorization: Bearer TOKEN` (or `token TOKEN`), else 401 as GitHub answers.
Times are relative to when the fake started, so the runs read "2m ago" and
so on. Repositories: acme/shop-api, acme/shop-web (default branch main) and
acme/data-etl (trunk). Mutations (re-run, cancel, dispatch) are not served.
"""

import argparse
import hashlib
import json
import re
import sys
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

NOW = datetime.now(timezone.utc).replace(microsecond=0)
RESET = int((NOW + timedelta(minutes=42)).timestamp())
DOCS = "https://docs.github.com/rest"

REPOS = {"acme/shop-api": "main", "acme/shop-web": "main", "acme/data-etl": "trunk"}


def ts(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def repo_json(full, default_branch):
    """`GET /repos/{owner}/{repo}` (tests/common/github.rs repo_json)."""
    owner, name = full.split("/", 1)
    return {
        "id": 1296269, "node_id": "MDEwOlJlcG9zaXRvcnkxMjk2MjY5", "name": name,
        "full_name": full, "private": False, "archived": False, "disabled": False,
        "owner": {"login": owner, "id": 1, "type": "Organization"},
        "html_url": f"https://github.com/{full}",
        "default_branch": default_branch, "visibility": "public",
        "pushed_at": ts(NOW - timedelta(minutes=2)), "created_at": "2020-01-01T00:00:00Z",
        "updated_at": ts(NOW - timedelta(minutes=2)),
    }


# id, repo, workflow, branch, event, status, conclusion, minutes ago, duration
# in seconds (so far, for active runs), title, actor.
RUNS = [
    (7311, "acme/shop-api", "CI", "main", "push", "in_progress", None, 2, 95,
     "Retry on 503s", "mona"),
    (7310, "acme/shop-web", "CI", "feature/checkout-v2", "pull_request", "queued", None, 3, 0,
     "Checkout v2 form", "hubot"),
    (7309, "acme/shop-api", "CI", "main", "push", "completed", "failure", 18, 194,
     "Fix flaky cache", "octocat"),
    (7308, "acme/shop-api", "Deploy", "main", "workflow_dispatch", "completed", "success", 47, 312,
     "Deploy", "mona"),
    (7307, "acme/shop-web", "CI", "main", "push", "completed", "success", 55, 141,
     "Bump vite to 5.4", "hubot"),
    (7306, "acme/shop-api", "CI", "dependabot/cargo/tokio-1.48", "pull_request", "completed",
     "success", 130, 203, "Bump tokio to 1.48", "dependabot[bot]"),
    (7305, "acme/shop-web", "Deploy", "main", "workflow_dispatch", "completed", "cancelled", 190, 48,
     "Deploy", "octocat"),
    (7304, "acme/data-etl", "Nightly ETL", "trunk", "schedule", "completed", "failure", 410, 1260,
     "Nightly ETL", "github-actions[bot]"),
    (7303, "acme/data-etl", "CI", "trunk", "push", "completed", "success", 1500, 88,
     "Load orders daily", "octocat"),
    (7302, "acme/shop-api", "CI", "main", "push", "completed", "success", 1560, 187,
     "Add /healthz", "mona"),
    (7301, "acme/data-etl", "Nightly ETL", "trunk", "schedule", "completed", "success", 1850, 1174,
     "Nightly ETL", "github-actions[bot]"),
]


def user(login):
    kind = "Bot" if login.endswith("[bot]") else "User"
    return {"login": login, "id": sum(map(ord, login)) * 97, "type": kind}


def run_json(r):
    """One entry of `workflow_runs` (tests/common/github.rs run_json)."""
    rid, repo, workflow, branch, event, status, conclusion, ago, took, title, actor = r
    created = NOW - timedelta(minutes=ago)
    updated = created + timedelta(seconds=took)
    file = workflow.lower().replace(" ", "-")
    owner, name = repo.split("/", 1)
    api = f"https://api.github.com/repos/{repo}"
    short = {"id": 1296269, "name": name, "full_name": repo, "private": False,
             "owner": {"login": owner, "id": 1}}
    return {
        "id": rid, "name": workflow, "node_id": "WFR_kwLOBhJ6", "check_suite_id": 42,
        "check_suite_node_id": "CS_kwDO", "head_branch": branch,
        "head_sha": hashlib.sha1(f"{repo}{rid}".encode()).hexdigest(),
        "path": f".github/workflows/{file}.yml",
        "display_title": title, "run_number": rid - 7000,
        "event": event, "status": status, "conclusion": conclusion,
        "workflow_id": 1000 + len(file), "url": f"{api}/actions/runs/{rid}",
        "html_url": f"https://github.com/{repo}/actions/runs/{rid}",
        "pull_requests": [], "created_at": ts(created), "updated_at": ts(updated),
        "actor": user(actor), "run_attempt": 1, "referenced_workflows": [],
        "run_started_at": ts(created), "triggering_actor": user(actor),
        "jobs_url": f"{api}/actions/runs/{rid}/jobs",
        "logs_url": f"{api}/actions/runs/{rid}/logs",
        "check_suite_url": f"{api}/check-suites/42",
        "artifacts_url": f"{api}/actions/runs/{rid}/artifacts",
        "cancel_url": f"{api}/actions/runs/{rid}/cancel",
        "rerun_url": f"{api}/actions/runs/{rid}/rerun",
        "previous_attempt_url": None,
        "workflow_url": f"{api}/actions/workflows/{file}.yml",
        "head_commit": {
            "id": hashlib.sha1(f"{repo}{rid}".encode()).hexdigest(),
            "tree_id": hashlib.sha1(f"tree{rid}".encode()).hexdigest(),
            "message": f"{title}\n\nSee the pull request for details.",
            "timestamp": ts(created),
            "author": {"name": "Mona Octocat", "email": "octocat@github.com"},
            "committer": {"name": "GitHub", "email": "noreply@github.com"},
        },
        "repository": short, "head_repository": short,
    }


# The jobs of each kind of workflow: name, then its steps (name, seconds).
SETUP = [("Set up job", 2), ("Run actions/checkout@v4", 3)]
JOBS = {
    "CI": [
        ("lint", SETUP + [("Run cargo fmt --check", 4), ("Run cargo clippy -- -D warnings", 48)]),
        ("test (ubuntu-latest)", SETUP + [("Run cargo build --locked", 71), ("Run cargo test", 96)]),
        ("build-image", SETUP + [("Build and push image", 40)]),
    ],
    "Deploy": [
        ("build-image", SETUP + [("Build and push image", 95)]),
        ("deploy (production)", SETUP + [("Roll out shop-api", 160), ("Smoke test", 12)]),
    ],
    "Nightly ETL": [
        ("extract", SETUP + [("Extract orders", 420), ("Extract customers", 260)]),
        ("load", SETUP + [("Load warehouse", 480), ("Check row counts", 9)]),
    ],
}
# (run, job index) -> the step number that failed; the jobs after it are skipped.
FAILS = {(7309, 1): 4, (7304, 1): 3}
# An active run's clock: seconds since its start that count as done.
ACTIVE = {7311: 95}


def job_states(run):
    """Per job: (name, status, conclusion, steps, start, end), steps as (name,
    status, conclusion, start, end). The jobs run side by side, except the
    last, which `needs` the others: it waits for them, and is skipped when one
    failed."""
    rid, workflow, status, conclusion = run[0], run[2], run[5], run[6]
    created = NOW - timedelta(minutes=run[7])
    limit = created + timedelta(seconds=ACTIVE[rid]) if rid in ACTIVE else None
    jobs = JOBS.get(workflow, JOBS["CI"])
    out = []
    for index, (name, steps) in enumerate(jobs):
        last = index == len(jobs) - 1 and index > 0
        if last:
            ends = [j[5] for j in out]
            if any(j[2] == "failure" for j in out):
                out.append((name, "completed", "skipped", [], None, None))
                continue
            if None in ends or (limit and max(ends) >= limit):
                out.append((name, "queued", None, [], None, None))
                continue
            start = max(ends)
        else:
            start = created + timedelta(seconds=5 + 2 * index)
        if status == "queued":
            out.append((name, "queued", None, [], None, None))
            continue
        if conclusion == "cancelled" and last:
            out.append((name, "completed", "cancelled", [], None, None))
            continue
        out.append(run_job(name, steps, start, limit, FAILS.get((rid, index))))
    return out


def run_job(name, steps, start, limit, fail_at):
    """One job's state: its steps run one after another from `start` until
    `limit` (an active run's clock); step number `fail_at` fails."""
    clock, rows, job_end = start, [], "success"
    for number, (step, secs) in enumerate(steps, 1):
        end = clock + timedelta(seconds=secs)
        if job_end == "failure":
            rows.append((step, "completed", "skipped", None, None))
        elif job_end is None:
            rows.append((step, "pending", None, None, None))
        elif limit and end > limit:
            rows.append((step, "in_progress", None, clock, None))
            job_end = None
        else:
            bad = fail_at == number
            rows.append((step, "completed", "failure" if bad else "success", clock, end))
            clock = end
            if bad:
                job_end = "failure"
    if job_end is None:
        return (name, "in_progress", None, rows, start, None)
    return (name, "completed", job_end, rows, start, clock)


def jobs_json(run):
    """The list-jobs body (tests/common/github.rs jobs_json)."""
    rid, repo = run[0], run[1]
    sha = hashlib.sha1(f"{repo}{rid}".encode()).hexdigest()
    jobs = []
    for index, (name, status, conclusion, steps, start, end) in enumerate(job_states(run)):
        job_id = rid * 10 + index
        jobs.append({
            "id": job_id, "run_id": rid, "run_attempt": 1, "node_id": "CR_kwDO",
            "head_sha": sha,
            "url": f"https://api.github.com/repos/{repo}/actions/jobs/{job_id}",
            "html_url": f"https://github.com/{repo}/actions/runs/{rid}/job/{job_id}",
            "status": status, "conclusion": conclusion,
            "created_at": ts(NOW - timedelta(minutes=run[7])),
            "started_at": ts(start) if start else None,
            "completed_at": ts(end) if end else None,
            "name": name, "workflow_name": run[2], "head_branch": run[3],
            "labels": ["ubuntu-latest"], "runner_id": index + 1,
            "runner_name": f"GitHub Actions {index + 1}",
            "runner_group_id": 1, "runner_group_name": "GitHub Actions",
            "check_run_url": f"https://api.github.com/repos/{repo}/check-runs/{job_id}",
            "steps": [
                {"name": s, "status": st, "conclusion": c, "number": n,
                 "started_at": ts(a) if a else None, "completed_at": ts(b) if b else None}
                for n, (s, st, c, a, b) in enumerate(steps, 1)
            ],
        })
    return {"total_count": len(jobs), "jobs": jobs}


# The lines a step writes, after GitHub's ##[group]Run ... header.
STEP_OUTPUT = {
    "Run cargo test": [
        "   Compiling shop-api v2.14.0 (/home/runner/work/shop-api/shop-api)",
        "    Finished `test` profile [unoptimized + debuginfo] target(s) in 41.27s",
        "     Running unittests src/lib.rs (target/debug/deps/shop_api-3f1c0e2a9b7d4c61)",
        "running 48 tests",
        "test api::orders::lists_orders ... ok",
        "test api::orders::rejects_bad_ids ... ok",
        "test cache::evicts_oldest ... ok",
        "test cache::flaky ... FAILED",
        "test payments::retries_on_503 ... ok",
        "",
        "failures:",
        "",
        "---- cache::flaky stdout ----",
        "thread 'cache::flaky' panicked at src/cache.rs:212:9:",
        "assertion `left == right` failed: entry expired early",
        "  left: None",
        " right: Some(\"order-17\")",
        "",
        "test result: FAILED. 47 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out",
        "error: test failed, to rerun pass `--lib`",
    ],
    "Run cargo build --locked": [
        "    Updating crates.io index",
        "  Downloaded 214 crates (21.4 MB) in 2.31s",
        "   Compiling shop-api v2.14.0 (/home/runner/work/shop-api/shop-api)",
        "    Finished `dev` profile [unoptimized + debuginfo] target(s) in 1m 08s",
    ],
    "Load warehouse": [
        "loading orders: 1204331 rows",
        "loading customers: 88410 rows",
        "psycopg.errors.UniqueViolation: duplicate key value violates unique constraint \"orders_pkey\"",
        "DETAIL:  Key (id)=(5531902) already exists.",
    ],
}


def job_log(run, index):
    """A job's log as the download URL serves it (tests/common/github.rs JOB_LOG)."""
    name, status, _, steps, _, _ = job_states(run)[index]
    if status != "completed":
        return None
    sha = hashlib.sha1(f"{run[1]}{run[0]}".encode()).hexdigest()
    lines = []
    for step, _, conclusion, start, end in steps:
        if start is None:
            continue
        t = start
        stamp = lambda: t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{(len(lines) * 7919) % 10**7:07d}Z"
        if step == "Set up job":
            body = ["Current runner version: '2.321.0'", "##[group]Operating System",
                    "Ubuntu", "24.04.1", "LTS", "##[endgroup]", "##[group]Runner Image",
                    "Image: ubuntu-24.04", "Version: 20251130.1.0", "##[endgroup]",
                    f"Complete job name: {name}"]
        elif step.startswith("Run actions/checkout"):
            body = [f"##[group]{step}", "with:", f"  repository: {run[1]}",
                    "  fetch-depth: 1", "##[endgroup]", f"Syncing repository: {run[1]}",
                    "##[group]Fetching the repository",
                    f"[command]/usr/bin/git -c protocol.version=2 fetch --no-tags --depth=1 origin {sha}",
                    "##[endgroup]", f"HEAD is now at {sha[:7]} {run[9]}"]
        else:
            command = step.removeprefix("Run ")
            body = [f"##[group]{step}", command, "shell: /usr/bin/bash -e {0}", "env:",
                    "  CARGO_TERM_COLOR: always", "##[endgroup]"]
            body += STEP_OUTPUT.get(step, [f"{command}: done"])
        for line in body:
            lines.append(f"{stamp()} {line}")
        if conclusion == "failure":
            t = end
            code = 101 if "cargo" in step else 1
            lines.append(f"{stamp()} ##[error]Process completed with exit code {code}.")
    return "\ufeff" + "\n".join(lines) + "\n"


def find_run(repo, rid):
    return next((r for r in RUNS if r[0] == rid and r[1] == repo), None)


class Fake(BaseHTTPRequestHandler):
    token = None
    remaining = 4873

    def version_string(self):
        return "GitHub.com"

    def log_message(self, fmt, *args):  # quiet: the screenshots script reads stderr
        pass

    def send(self, status, body=None, headers=(), content_type="application/json; charset=utf-8"):
        data = b""
        if body is not None:
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def rate(self, counted):
        if counted and Fake.remaining > 0:
            Fake.remaining -= 1
        return [("X-RateLimit-Limit", "5000"), ("X-RateLimit-Remaining", str(Fake.remaining)),
                ("X-RateLimit-Reset", str(RESET)), ("X-RateLimit-Used", str(5000 - Fake.remaining)),
                ("X-RateLimit-Resource", "core"), ("X-GitHub-Api-Version-Selected", "2022-11-28")]

    def json_answer(self, body):
        """200 with an ETag, or 304 when the client has it already."""
        etag = '"' + hashlib.sha1(json.dumps(body, sort_keys=True).encode()).hexdigest() + '"'
        if self.headers.get("If-None-Match") == etag:
            return self.send(304, headers=self.rate(False) + [("ETag", etag)])
        self.send(200, body, self.rate(True) + [("ETag", etag), ("Cache-Control", "private, max-age=60, s-maxage=60")])

    def not_found(self):
        self.send(404, {"message": "Not Found", "documentation_url": DOCS, "status": "404"}, self.rate(True))

    def authorized(self):
        if Fake.token is None:
            return True
        auth = self.headers.get("Authorization", "")
        if auth in (f"Bearer {Fake.token}", f"token {Fake.token}"):
            return True
        self.send(401, {"message": "Bad credentials", "documentation_url": DOCS, "status": "401"},
                  self.rate(True))
        return False

    def do_GET(self):
        path = urlsplit(self.path).path
        blob = re.fullmatch(r"/blob/job-(\d+)\.txt", path)
        if blob:  # storage: no token, no rate limit, as GitHub's signed blob URLs
            job_id = int(blob.group(1))
            run = next((r for r in RUNS if r[0] == job_id // 10), None)
            log = job_log(run, job_id % 10) if run else None
            if log is None:
                return self.send(404, "BlobNotFound", content_type="text/plain")
            return self.send(200, log, content_type="text/plain; charset=utf-8")
        if not self.authorized():
            return None
        m = re.fullmatch(r"/repos/([^/]+/[^/]+)(/.*)?", path)
        if not m or m.group(1) not in REPOS:
            return self.not_found()
        repo, rest = m.group(1), m.group(2) or ""
        if rest == "":
            return self.json_answer(repo_json(repo, REPOS[repo]))
        if rest == "/actions/runs":
            runs = [run_json(r) for r in RUNS if r[1] == repo]
            return self.json_answer({"total_count": len(runs), "workflow_runs": runs})
        jobs = re.fullmatch(r"/actions/runs/(\d+)/jobs", rest)
        if jobs and find_run(repo, int(jobs.group(1))):
            return self.json_answer(jobs_json(find_run(repo, int(jobs.group(1)))))
        logs = re.fullmatch(r"/actions/jobs/(\d+)/logs", rest)
        if logs:
            job_id = int(logs.group(1))
            run = find_run(repo, job_id // 10)
            states = job_states(run) if run else []
            if job_id % 10 < len(states) and states[job_id % 10][1] == "completed":
                host = self.headers.get("Host", f"127.0.0.1:{self.server.server_port}")
                location = f"http://{host}/blob/job-{job_id}.txt?sv=2021-08-06&sig=shots"
                return self.send(302, headers=self.rate(True) + [("Location", location)])
        return self.not_found()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", help="the token API requests must carry")
    args = parser.parse_args()
    Fake.token = args.token
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Fake)
    print(f"github-fake: serving http://127.0.0.1:{args.port}", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
