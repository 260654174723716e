# Sourced by scripts/test: a pinned MLflow tracking server for tests/mlflow.rs.
#   mlflow_launch  creates the venv under target/ (once; reused when present) and
#                  starts `mlflow server` on a free loopback port, sqlite store;
#   mlflow_wait    waits until it answers, exports FLIGHTDECK_TEST_MLFLOW_URL;
#   mlflow_stop    stops it (its whole process group) and removes its data; the
#                  caller runs it from an EXIT trap so it also runs when tests fail.
# Launch early and wait late: the server starts while clippy runs.

MLFLOW_VERSION="3.17.2"
MLFLOW_VENV="${FLIGHTDECK_MLFLOW_VENV:-$PWD/target/mlflow-venv}"
MLFLOW_PID=""
MLFLOW_DIR=""
MLFLOW_URL=""

# Debian packages the MLflow step needs, for the caller's apt list.
mlflow_apt_needs() {
  command -v python3 >/dev/null 2>&1 || echo python3
  python3 -c 'import ensurepip' >/dev/null 2>&1 || echo python3-venv
}

mlflow_venv() {
  local stamp="$MLFLOW_VENV/.flightdeck-mlflow-$MLFLOW_VERSION"
  [ -f "$stamp" ] && return 0
  printf '\n== installing mlflow==%s into %s (once)\n' "$MLFLOW_VERSION" "$MLFLOW_VENV"
  rm -rf "$MLFLOW_VENV"
  python3 -m venv "$MLFLOW_VENV"
  "$MLFLOW_VENV/bin/pip" install --quiet --disable-pip-version-check "mlflow==$MLFLOW_VERSION"
  touch "$stamp"
}

mlflow_launch() {
  mlflow_venv
  local port
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  MLFLOW_DIR="$(mktemp -d "${TMPDIR:-/tmp}/flightdeck-mlflow.XXXXXX")"
  MLFLOW_URL="http://127.0.0.1:$port"
  printf '\n== starting mlflow %s at %s\n' "$MLFLOW_VERSION" "$MLFLOW_URL"
  # setsid: the server and its workers get their own process group, stopped as one.
  MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false setsid "$MLFLOW_VENV/bin/mlflow" server \
    --backend-store-uri "sqlite:///$MLFLOW_DIR/mlflow.db" \
    --default-artifact-root "$MLFLOW_DIR/artifacts" \
    --host 127.0.0.1 --port "$port" --workers 1 >"$MLFLOW_DIR/server.log" 2>&1 &
  MLFLOW_PID=$!
}

mlflow_wait() {
  local probe="$MLFLOW_URL/api/2.0/mlflow/registered-models/search?max_results=1"
  local i
  for i in $(seq 1 240); do
    if python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
      "$probe" >/dev/null 2>&1; then
      export FLIGHTDECK_TEST_MLFLOW_URL="$MLFLOW_URL"
      printf '== mlflow answers at %s\n' "$MLFLOW_URL"
      return 0
    fi
    kill -0 "$MLFLOW_PID" 2>/dev/null || break
    sleep 0.5
  done
  echo "mlflow server did not answer at $MLFLOW_URL; its log:" >&2
  cat "$MLFLOW_DIR/server.log" >&2 || true
  return 1
}

mlflow_stop() {
  if [ -n "$MLFLOW_PID" ]; then
    kill -TERM -- "-$MLFLOW_PID" 2>/dev/null || kill -TERM "$MLFLOW_PID" 2>/dev/null || true
    local i
    for i in $(seq 1 20); do
      kill -0 "$MLFLOW_PID" 2>/dev/null || break
      sleep 0.25
    done
    kill -KILL -- "-$MLFLOW_PID" 2>/dev/null || true
    wait "$MLFLOW_PID" 2>/dev/null || true
    MLFLOW_PID=""
  fi
  if [ -n "$MLFLOW_DIR" ]; then
    rm -rf "$MLFLOW_DIR"
    MLFLOW_DIR=""
  fi
}
