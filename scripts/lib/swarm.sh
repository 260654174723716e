# Sourced by scripts/test: a real three-node Docker Swarm for tests/swarm.rs.
# Every node is a dockerd in its own network, UTS and mount namespace, joined
# through a bridge in a hub namespace; nothing is added to the host's network
# namespace (a second dockerd or `swarm init` there takes docker0's subnet).
#   swarm_apt_needs  Debian packages it needs, for the caller's apt list
#   swarm_start      one manager, two workers (worker 2 drained), the test image
#                    loaded on every node, and the test services; exports
#                    FLIGHTDECK_SWARM_HOST=unix:///…/manager/docker.sock
#   swarm_stop       removes it all by PID and namespace; safe to call twice
# Services (stack `fdstack` on `web`): `fdstack_web` 3 replicas that converge
# (built from commit $SWARM_REVISION, says its revision label),
# `unplaceable` 3 replicas at most 1 per node (2 active nodes: 2/3), `crasher` 2
# replicas whose tasks exit 1.

SWARM_DIR=""
SWARM_ID=""
SWARM_PIDS=()
SWARM_NODES=(manager worker1 worker2)
SWARM_NET=10.213          # node addresses: 10.213.0.0/16, only inside the namespaces
SWARM_IMAGE=flightdeck-test:busybox
SWARM_REVISION=3f2a9c1e0b5d4c3a2b1f0e9d8c7b6a5f4e3d2c1b

swarm_apt_needs() {
  command -v ip >/dev/null 2>&1 || echo iproute2
  command -v fuse-overlayfs >/dev/null 2>&1 || echo fuse-overlayfs
  { command -v nsenter && command -v unshare; } >/dev/null 2>&1 || echo util-linux
}

swarm_ns() { echo "fd${SWARM_ID}$1"; }
swarm_sock() { echo "$SWARM_DIR/$1/docker.sock"; }
swarm_docker() {
  local node=$1
  shift
  docker -H "unix://$(swarm_sock "$node")" "$@"
}

# Creates the hub namespace with its bridge, then one namespace per node wired to it.
swarm_network() {
  local hub i node ns
  hub=$(swarm_ns hub)
  ip netns add "$hub"
  nsenter --net="/run/netns/$hub" ip link add br0 type bridge
  nsenter --net="/run/netns/$hub" ip link set br0 up
  nsenter --net="/run/netns/$hub" ip link set lo up
  for i in "${!SWARM_NODES[@]}"; do
    node=${SWARM_NODES[$i]}
    ns=$(swarm_ns "$i")
    ip netns add "$ns"
    # Both ends are created inside the hub, then one moves: nothing touches the host.
    nsenter --net="/run/netns/$hub" ip link add "h$i" type veth peer name eth0
    nsenter --net="/run/netns/$hub" ip link set eth0 netns "$ns"
    nsenter --net="/run/netns/$hub" ip link set "h$i" master br0 up
    nsenter --net="/run/netns/$ns" ip addr add "$SWARM_NET.0.$((i + 10))/16" dev eth0
    nsenter --net="/run/netns/$ns" ip link set eth0 up
    nsenter --net="/run/netns/$ns" ip link set lo up
    echo "$ns" >"$SWARM_DIR/$node.ns"
  done
}

# Starts node number I's dockerd in its namespace, in the background.
swarm_dockerd() {
  local i=$1 node=${SWARM_NODES[$1]} dir ns
  dir="$SWARM_DIR/$node"
  ns=$(swarm_ns "$i")
  mkdir -p "$dir/data" "$dir/exec"
  printf '{"deprecated-key-path": "%s/key.json"}\n' "$dir" >"$dir/daemon.json"
  env -i PATH="$PATH" nsenter --net="/run/netns/$ns" \
    unshare --uts --mount --propagation slave sh -c "hostname $node && exec dockerd \
      --config-file $dir/daemon.json --data-root $dir/data --exec-root $dir/exec \
      --pidfile $dir/docker.pid -H unix://$dir/docker.sock \
      --storage-driver fuse-overlayfs --bridge none --iptables=false --ip-masq=false \
      --shutdown-timeout 5 --default-address-pool base=10.214.$((i * 64)).0/18,size=24" \
    >"$dir/dockerd.log" 2>&1 &
  SWARM_PIDS+=($!)
}

swarm_wait_node() {
  local node=$1 n
  for n in $(seq 1 200); do
    swarm_docker "$node" info >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "swarm: dockerd of $node did not answer within 20 s; its log:" >&2
  tail -20 "$SWARM_DIR/$node/dockerd.log" >&2 || true
  return 1
}

# The command of every test service: exits at once on TERM (scale-down is quick).
SWARM_LOOP='trap "exit 0" TERM; while :; do sleep 1 & wait; done'

swarm_services() {
  local common=(--detach --no-resolve-image --stop-grace-period 2s)
  swarm_docker manager service create "${common[@]}" --name fdstack_web --replicas 3 --publish 8080:80 \
    --label com.docker.stack.namespace=fdstack \
    --container-label "org.opencontainers.image.revision=$SWARM_REVISION" \
    "$SWARM_IMAGE" sh -c "$SWARM_LOOP" >/dev/null
  swarm_docker manager service create "${common[@]}" --name unplaceable --replicas 3 \
    --replicas-max-per-node 1 "$SWARM_IMAGE" sh -c "$SWARM_LOOP" >/dev/null
  swarm_docker manager service create "${common[@]}" --name crasher --replicas 2 \
    --restart-delay 1s "$SWARM_IMAGE" sh -c 'sleep 1; exit 1' >/dev/null
}

swarm_start() {
  # Namespaces and a dockerd per node need root; under CI their absence fails the tests.
  if [ "$(id -u)" != 0 ]; then
    echo "swarm: not root, no swarm: tests/swarm.rs will skip (CI=1 makes that a failure)"
    return 0
  fi
  SWARM_ID=$(printf '%04x' $((RANDOM % 65536)))
  SWARM_DIR=$(mktemp -d "${TMPDIR:-/tmp}/flightdeck-swarm.XXXXXX")
  local t0 i token addr image
  t0=$(date +%s%N)
  swarm_network
  for i in "${!SWARM_NODES[@]}"; do swarm_dockerd "$i"; done
  image="$SWARM_DIR/image.tar"
  docker save -o "$image" "$SWARM_IMAGE"
  for i in "${!SWARM_NODES[@]}"; do
    swarm_wait_node "${SWARM_NODES[$i]}"
    swarm_docker "${SWARM_NODES[$i]}" load -q -i "$image" >/dev/null
  done
  addr="$SWARM_NET.0.10"
  swarm_docker manager swarm init --advertise-addr "$addr" \
    --default-addr-pool 10.215.0.0/16 >/dev/null
  token=$(swarm_docker manager swarm join-token -q worker)
  for node in worker1 worker2; do
    swarm_docker "$node" swarm join --token "$token" "$addr:2377" >/dev/null
  done
  swarm_docker manager node update --availability drain worker2 >/dev/null
  swarm_services
  export FLIGHTDECK_SWARM_HOST="unix://$(swarm_sock manager)"
  printf '\n== swarm up in %s ms: manager at %s\n' \
    "$((($(date +%s%N) - t0) / 1000000))" "$FLIGHTDECK_SWARM_HOST"
}

swarm_stop() {
  [ -n "$SWARM_DIR" ] || return 0
  local node pid ns s f t0 alive
  t0=$(date +%s%N)
  if [ -S "$(swarm_sock manager)" ]; then
    s=$(swarm_docker manager service ls -q 2>/dev/null || true)
    [ -z "$s" ] || swarm_docker manager service rm $s >/dev/null 2>&1 || true
  fi
  # Every node leaves at once (one by one takes seconds more).
  local leaving=()
  for node in "${SWARM_NODES[@]}"; do
    [ -S "$(swarm_sock "$node")" ] || continue
    swarm_docker "$node" swarm leave --force >/dev/null 2>&1 &
    leaving+=($!)
  done
  for pid in "${leaving[@]}"; do wait "$pid" 2>/dev/null || true; done
  for pid in "${SWARM_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # dockerd stops its containers within --shutdown-timeout 5; KILL what hangs past 15 s.
  local n
  for n in $(seq 1 150); do
    alive=0
    for pid in "${SWARM_PIDS[@]}"; do
      # An exited child stays a zombie (kill -0 succeeds) until it is waited for.
      case "$(ps -o stat= -p "$pid" 2>/dev/null)" in '' | Z*) ;; *) alive=1 ;; esac
    done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "${SWARM_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  for pid in "${SWARM_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  SWARM_PIDS=()
  # containerd shims are reparented to PID 1: find them by namespace.
  for f in "$SWARM_DIR"/*.ns; do
    [ -e "$f" ] || continue
    ns=$(cat "$f")
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
  done
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^fd${SWARM_ID}"); do
    ip netns delete "$ns" 2>/dev/null || true
  done
  rm -rf "$SWARM_DIR" 2>/dev/null || true
  unset FLIGHTDECK_SWARM_HOST
  SWARM_DIR=""
  printf '== swarm down in %s ms\n' "$((($(date +%s%N) - t0) / 1000000))"
}
