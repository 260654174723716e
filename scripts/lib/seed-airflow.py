#!/usr/bin/env python3
"""Seeds the Airflow of scripts/screenshots: waits for the test DAGs
(tests/fixtures/airflow/dags) to be parsed, triggers fd_ok twice, fd_fail twice
and fd_long once over the REST API (/api/v2), and waits until the fd_ok and
fd_fail runs have finished. Reads AIRFLOW_USERNAME and AIRFLOW_PASSWORD; prints
no secret.

    seed-airflow.py URL
"""
import json
import os
import sys
import time
import urllib.error
import urllib.request


def call(base, method, path, token=None, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.load(resp)


def main():
    base = sys.argv[1].rstrip("/")
    creds = {"username": os.environ["AIRFLOW_USERNAME"], "password": os.environ["AIRFLOW_PASSWORD"]}
    token = call(base, "POST", "/auth/token", body=creds)["access_token"]
    deadline = time.time() + 180
    for dag in ("fd_ok", "fd_fail", "fd_long"):
        while True:
            try:
                call(base, "GET", f"/api/v2/dags/{dag}", token)
                break
            except urllib.error.HTTPError as e:
                if e.code != 404 or time.time() > deadline:
                    sys.exit(f"seed-airflow: DAG {dag} not available: HTTP {e.code}")
                time.sleep(1)
    runs = []
    for dag in ("fd_ok", "fd_fail", "fd_ok", "fd_fail", "fd_long"):
        run = call(base, "POST", f"/api/v2/dags/{dag}/dagRuns", token, {"logical_date": None})
        runs.append((dag, run["dag_run_id"]))
        time.sleep(1)
    deadline = time.time() + 240
    for dag, run_id in runs:
        if dag == "fd_long":
            continue
        while True:
            state = call(base, "GET", f"/api/v2/dags/{dag}/dagRuns/{run_id}", token)["state"]
            if state in ("success", "failed"):
                print(f"seed-airflow: {dag} {run_id}: {state}")
                break
            if time.time() > deadline:
                sys.exit(f"seed-airflow: {dag} {run_id} still {state}")
            time.sleep(1)


if __name__ == "__main__":
    main()
