# Sourced by scripts/test: a pinned Airflow 3 for tests/airflow.rs (sqlite,
# LocalExecutor, Simple auth manager with a user whose password file is written
# before start, so Airflow never generates or prints one).
#   airflow_launch  creates the venv under target/ (once), writes AIRFLOW_HOME in a
#                   temp dir with the test DAGs, migrates the db and starts the
#                   api-server, scheduler and dag-processor on a free loopback port;
#   airflow_wait    waits until /api/v2/version answers and exports
#                   FLIGHTDECK_AIRFLOW_URL, AIRFLOW_USERNAME and AIRFLOW_PASSWORD;
#   airflow_stop    stops every process of the tree (BashOperator commands run in
#                   a session of their own, so their groups are killed too) and
#                   removes AIRFLOW_HOME; the caller runs it from an EXIT trap.
# Launch early and wait late: migration and start-up run while clippy does.

AIRFLOW_VERSION="3.3.2"
AIRFLOW_VENV="${FLIGHTDECK_AIRFLOW_VENV:-$PWD/target/airflow-venv}"
AIRFLOW_PIDS=()
AIRFLOW_DIR=""
AIRFLOW_BASE=""
AIRFLOW_LAUNCHER=""

airflow_venv() {
  local stamp="$AIRFLOW_VENV/.flightdeck-airflow-$AIRFLOW_VERSION"
  [ -f "$stamp" ] && return 0
  printf '\n== installing apache-airflow==%s into %s (once)\n' "$AIRFLOW_VERSION" "$AIRFLOW_VENV"
  rm -rf "$AIRFLOW_VENV"
  python3 -m venv "$AIRFLOW_VENV"
  # Without the cadwyn pin pip backtracks through dozens of fastapi/cadwyn releases.
  "$AIRFLOW_VENV/bin/pip" install --quiet --disable-pip-version-check \
    "apache-airflow==$AIRFLOW_VERSION" "cadwyn==7.0.0"
  touch "$stamp"
}

# Starts migration and the three processes in the background (the launcher's pid
# is kept so airflow_wait can tell a failed migration from a slow one).
airflow_launch() {
  airflow_venv
  local port secret api_key password
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  secret="$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
  api_key="$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
  password="$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')"
  AIRFLOW_DIR="$(mktemp -d "${TMPDIR:-/tmp}/flightdeck-airflow.XXXXXX")"
  AIRFLOW_BASE="http://127.0.0.1:$port"
  mkdir -p "$AIRFLOW_DIR/dags"
  cp tests/fixtures/airflow/dags/*.py "$AIRFLOW_DIR/dags/"
  (umask 077 && printf '{"flightdeck": "%s"}\n' "$password" >"$AIRFLOW_DIR/passwords.json")
  printf '%s' "$password" >"$AIRFLOW_DIR/.password" && chmod 600 "$AIRFLOW_DIR/.password"
  cat >"$AIRFLOW_DIR/env" <<ENV
export AIRFLOW_HOME='$AIRFLOW_DIR'
export AIRFLOW__CORE__DAGS_FOLDER='$AIRFLOW_DIR/dags'
export AIRFLOW__CORE__EXECUTOR=LocalExecutor
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__AUTH_MANAGER=airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS=flightdeck:admin
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE='$AIRFLOW_DIR/passwords.json'
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS=False
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL='$AIRFLOW_BASE/execution/'
export AIRFLOW__API_AUTH__JWT_SECRET='$secret'
export AIRFLOW__API__SECRET_KEY='$api_key'
export AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL=5
export AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL=5
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN='sqlite:///$AIRFLOW_DIR/airflow.db'
ENV
  chmod 600 "$AIRFLOW_DIR/env"
  printf '\n== starting airflow %s at %s\n' "$AIRFLOW_VERSION" "$AIRFLOW_BASE"
  local bin="$AIRFLOW_VENV/bin/airflow" dir="$AIRFLOW_DIR"
  # setsid: each process and its workers get a group of their own.
  setsid bash -c ". '$dir/env' && '$bin' db migrate >'$dir/migrate.log' 2>&1 && touch '$dir/migrated'" &
  AIRFLOW_LAUNCHER=$!
  # The servers start once the db is migrated; each in its own session.
  AIRFLOW_PIDS=()
  local what
  for what in "api-server -H 127.0.0.1 -p $port -w 1" "scheduler --skip-serve-logs" "dag-processor"; do
    setsid bash -c "while [ ! -f '$dir/migrated' ]; do [ -f '$dir/stop' ] && exit 1; sleep 0.2; done; \
      . '$dir/env' && exec '$bin' $what" >"$dir/${what%% *}.log" 2>&1 &
    AIRFLOW_PIDS+=($!)
  done
}

airflow_wait() {
  local i
  for i in $(seq 1 600); do
    if python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
      "$AIRFLOW_BASE/api/v2/version" >/dev/null 2>&1; then
      export FLIGHTDECK_AIRFLOW_URL="$AIRFLOW_BASE"
      export AIRFLOW_USERNAME=flightdeck
      AIRFLOW_PASSWORD="$(cat "$AIRFLOW_DIR/.password")"
      export AIRFLOW_PASSWORD
      printf '== airflow answers at %s\n' "$AIRFLOW_BASE"
      return 0
    fi
    # A failed migration or a dead api-server ends the wait at once.
    if [ ! -f "$AIRFLOW_DIR/migrated" ] && ! kill -0 "$AIRFLOW_LAUNCHER" 2>/dev/null; then break; fi
    if [ -f "$AIRFLOW_DIR/migrated" ] && ! kill -0 "${AIRFLOW_PIDS[0]}" 2>/dev/null; then break; fi
    sleep 0.5
  done
  echo "airflow did not answer at $AIRFLOW_BASE; its logs:" >&2
  tail -n 40 "$AIRFLOW_DIR"/*.log >&2 || true
  return 1
}

# Every descendant of the given pids (children first found, then theirs), read
# from ps before anything is killed: an orphan would be re-parented and lost.
airflow_tree() {
  local all frontier next pid
  all=("$@")
  frontier=("$@")
  while [ ${#frontier[@]} -gt 0 ]; do
    next=()
    for pid in "${frontier[@]}"; do
      while read -r child; do
        [ -n "$child" ] && next+=("$child")
      done < <(ps -o pid= --ppid "$pid" 2>/dev/null)
    done
    all+=("${next[@]}")
    frontier=("${next[@]}")
  done
  printf '%s\n' "${all[@]}"
}

airflow_stop() {
  [ -n "$AIRFLOW_DIR" ] && touch "$AIRFLOW_DIR/stop" 2>/dev/null
  local roots=()
  [ -n "$AIRFLOW_LAUNCHER" ] && roots+=("$AIRFLOW_LAUNCHER")
  roots+=("${AIRFLOW_PIDS[@]}")
  if [ ${#roots[@]} -gt 0 ]; then
    local pids=() groups=() pid pgid
    while read -r pid; do pids+=("$pid"); done < <(airflow_tree "${roots[@]}")
    for pid in "${pids[@]}"; do
      pgid="$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')"
      [ -n "$pgid" ] && [ "$pgid" != "$(ps -o pgid= -p $$ | tr -d ' ')" ] && groups+=("$pgid")
    done
    for pgid in "${groups[@]}"; do kill -TERM -- "-$pgid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    local i alive
    for i in $(seq 1 40); do
      alive=0
      for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
      [ "$alive" = 0 ] && break
      sleep 0.25
    done
    for pgid in "${groups[@]}"; do kill -KILL -- "-$pgid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    for pid in "${roots[@]}"; do wait "$pid" 2>/dev/null || true; done
    AIRFLOW_PIDS=()
    AIRFLOW_LAUNCHER=""
  fi
  if [ -n "$AIRFLOW_DIR" ]; then
    rm -rf "$AIRFLOW_DIR"
    AIRFLOW_DIR=""
  fi
}
