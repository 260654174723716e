#!/usr/bin/env python3
"""Seeds an MLflow tracking server for scripts/screenshots over its REST API 2.0.

    python3 scripts/lib/seed-mlflow.py URL

Creates an experiment `churn` with three finished runs (params, an
`mlflow.source.git.commit` tag, `accuracy` and `loss` over 10 steps, values
that differ per run), a registered model `churn-classifier` with one version
per run (source `runs:/<run_id>/model`) and the aliases `champion` -> v2 and
`challenger` -> v3, and a model `fraud-detector` with one version. Meant for a
fresh server: names that already exist are an error. Python 3 stdlib only.
"""

import json
import sys
import time
import urllib.error
import urllib.request


class Api:
    def __init__(self, url):
        self.base = url.rstrip("/") + "/api/2.0/mlflow/"

    def _send(self, req, endpoint):
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                text = r.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            body = e.read().decode("utf-8", "replace")
            sys.exit(f"seed-mlflow: {endpoint}: HTTP {e.code}: {body}")
        except urllib.error.URLError as e:
            sys.exit(f"seed-mlflow: {endpoint}: {e.reason}")
        return json.loads(text) if text.strip() else {}

    def post(self, endpoint, body):
        req = urllib.request.Request(
            self.base + endpoint,
            data=json.dumps(body).encode("utf-8"),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        return self._send(req, endpoint)



# Per run: name, params, final accuracy, final loss, git commit.
RUNS = [
    ("baseline-logreg", {"model": "logreg", "lr": "0.1", "epochs": "10", "max_depth": "-"},
     0.842, 0.361, "3f9c2a1e7b4d5c6a8e9f0a1b2c3d4e5f6a7b8c9d"),
    ("xgb-depth6", {"model": "xgboost", "lr": "0.05", "epochs": "10", "max_depth": "6"},
     0.913, 0.214, "a41d7e09c3b2f5e6d7c8b9a0f1e2d3c4b5a69788"),
    ("xgb-depth8", {"model": "xgboost", "lr": "0.03", "epochs": "10", "max_depth": "8"},
     0.897, 0.238, "c07e5b3a9d1f2e4c6b8a0d2f4e6c8a0b2d4f6e81"),
]
STEPS = 10


def curve(final, start, step):
    """A value moving from start to final over STEPS, easing out."""
    t = (step + 1) / STEPS
    return round(start + (final - start) * (1 - (1 - t) ** 2), 4)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: seed-mlflow.py URL")
    api = Api(sys.argv[1])
    now = int(time.time() * 1000)

    exp_id = api.post("experiments/create", {"name": "churn"})["experiment_id"]

    run_ids = []
    for i, (name, params, acc, loss, commit) in enumerate(RUNS):
        # Runs a few hours apart, the newest ending about 20 minutes ago.
        start = now - (len(RUNS) - i) * 3 * 3600 * 1000
        run = api.post("runs/create", {
            "experiment_id": exp_id,
            "run_name": name,
            "start_time": start,
            "tags": [
                {"key": "mlflow.source.git.commit", "value": commit},
                {"key": "mlflow.user", "value": "ci"},
            ],
        })
        run_id = run["run"]["info"]["run_id"]
        metrics = []
        for s in range(STEPS):
            ts = start + (s + 1) * 60_000
            metrics.append({"key": "accuracy", "value": curve(acc, 0.55, s), "timestamp": ts, "step": s})
            metrics.append({"key": "loss", "value": curve(loss, 0.69, s), "timestamp": ts, "step": s})
        metrics.append({"key": "auc", "value": round(acc + 0.04, 4), "timestamp": start + STEPS * 60_000, "step": STEPS - 1})
        api.post("runs/log-batch", {
            "run_id": run_id,
            "metrics": metrics,
            "params": [{"key": k, "value": v} for k, v in params.items()],
        })
        api.post("runs/update", {
            "run_id": run_id,
            "status": "FINISHED",
            "end_time": start + (STEPS + 1) * 60_000,
        })
        run_ids.append(run_id)

    api.post("registered-models/create", {
        "name": "churn-classifier",
        "description": "Predicts customer churn within 30 days\nTrained nightly on the orders warehouse",
        "tags": [{"key": "team", "value": "growth"}],
    })
    for run_id in run_ids:
        api.post("model-versions/create", {
            "name": "churn-classifier",
            "source": f"runs:/{run_id}/model",
            "run_id": run_id,
        })
    for alias, version in (("champion", "2"), ("challenger", "3")):
        api.post("registered-models/alias", {"name": "churn-classifier", "alias": alias, "version": version})

    # A second model, its version from a run of its own experiment.
    fraud_exp = api.post("experiments/create", {"name": "fraud"})["experiment_id"]
    start = now - 26 * 3600 * 1000
    run = api.post("runs/create", {
        "experiment_id": fraud_exp,
        "run_name": "isolation-forest",
        "start_time": start,
        "tags": [{"key": "mlflow.source.git.commit", "value": "5e8b1c4d2a3f6e7d8c9b0a1f2e3d4c5b6a7f8e90"}],
    })
    fraud_run = run["run"]["info"]["run_id"]
    api.post("runs/log-batch", {
        "run_id": fraud_run,
        "metrics": [{"key": "precision", "value": round(0.78 + s * 0.012, 4), "timestamp": start + s * 60_000, "step": s}
                    for s in range(STEPS)],
        "params": [{"key": "n_estimators", "value": "200"}, {"key": "contamination", "value": "0.01"}],
    })
    api.post("runs/update", {"run_id": fraud_run, "status": "FINISHED", "end_time": start + 15 * 60_000})
    api.post("registered-models/create", {
        "name": "fraud-detector",
        "description": "Flags suspicious payments for manual review",
        "tags": [{"key": "team", "value": "risk"}],
    })
    api.post("model-versions/create", {
        "name": "fraud-detector",
        "source": f"runs:/{fraud_run}/model",
        "run_id": fraud_run,
    })

    print(f"seed-mlflow: experiment churn ({len(run_ids)} runs), churn-classifier v1-v3 "
          f"(champion -> v2, challenger -> v3), fraud-detector v1", file=sys.stderr)


if __name__ == "__main__":
    main()
