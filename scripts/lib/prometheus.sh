# Sourced by scripts/test. Installs Debian's `prometheus` and
# `prometheus-alertmanager` when missing (their system services are not started),
# then runs both by hand on free loopback ports with configs written to a temp
# dir, exports their URLs for the tests, and stops them when the script exits.
#   FLIGHTDECK_TEST_PROMETHEUS_URL    Prometheus: scrapes itself every 1 s and has
#                                     the rule `FlightdeckAlwaysFiring` (severity critical)
#   FLIGHTDECK_TEST_ALERTMANAGER_URL  the Alertmanager that rule is routed to

prom_dir=""
prom_pids=()

# Installs the packages without letting their postinst start the services.
prom_install() {
  command -v prometheus >/dev/null 2>&1 && command -v prometheus-alertmanager >/dev/null 2>&1 \
    && command -v curl >/dev/null 2>&1 && return 0
  log "installing prometheus prometheus-alertmanager"
  local policy=/usr/sbin/policy-rc.d made_policy=""
  if [ ! -e "$policy" ]; then
    # 101 = "action not allowed": invoke-rc.d then leaves the services stopped.
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && made_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  local extra=()
  command -v curl >/dev/null 2>&1 || extra+=(curl)
  apt-get install -y -qq --no-install-recommends prometheus prometheus-alertmanager "${extra[@]}"
  [ -n "$made_policy" ] && rm -f "$policy"
  return 0
}

# A loopback port nothing listens on.
prom_free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

# Waits up to 30 s for URL to answer 200.
prom_wait() {
  local url=$1 name=$2 i
  for i in $(seq 1 300); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "$name did not answer at $url within 30 s; its log:" >&2
  cat "$prom_dir/$name.log" >&2 || true
  return 1
}

prom_stop() {
  local pid
  for pid in "${prom_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${prom_pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  prom_pids=()
  [ -n "$prom_dir" ] && rm -rf "$prom_dir"
  prom_dir=""
}

prom_start() {
  prom_dir=$(mktemp -d)
  # the caller stops it from its EXIT trap (scripts/test: cleanup)
  local pport aport
  aport=$(prom_free_port)
  cat >"$prom_dir/alertmanager.yml" <<CFG
route:
  receiver: none
  group_wait: 1s
  group_interval: 1s
receivers:
  - name: none
CFG
  prometheus-alertmanager --config.file="$prom_dir/alertmanager.yml" \
    --storage.path="$prom_dir/am" --web.listen-address="127.0.0.1:$aport" \
    --cluster.listen-address= >"$prom_dir/alertmanager.log" 2>&1 &
  prom_pids+=($!)
  pport=$(prom_free_port)
  while [ "$pport" = "$aport" ]; do pport=$(prom_free_port); done
  cat >"$prom_dir/rules.yml" <<CFG
groups:
  - name: flightdeck-test
    interval: 1s
    rules:
      - alert: FlightdeckAlwaysFiring
        expr: vector(1)
        labels:
          severity: critical
        annotations:
          summary: always fires, for flightdeck's tests
CFG
  cat >"$prom_dir/prometheus.yml" <<CFG
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $prom_dir/rules.yml
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["127.0.0.1:$aport"]
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ["127.0.0.1:$pport"]
CFG
  prometheus --config.file="$prom_dir/prometheus.yml" --storage.tsdb.path="$prom_dir/tsdb" \
    --web.listen-address="127.0.0.1:$pport" --rules.alert.resend-delay=1s \
    >"$prom_dir/prometheus.log" 2>&1 &
  prom_pids+=($!)
  prom_wait "http://127.0.0.1:$aport/-/ready" alertmanager
  prom_wait "http://127.0.0.1:$pport/-/ready" prometheus
  export FLIGHTDECK_TEST_PROMETHEUS_URL="http://127.0.0.1:$pport"
  export FLIGHTDECK_TEST_ALERTMANAGER_URL="http://127.0.0.1:$aport"
  log "prometheus at $FLIGHTDECK_TEST_PROMETHEUS_URL, alertmanager at $FLIGHTDECK_TEST_ALERTMANAGER_URL"
}
