#!/usr/bin/env bash
# A throwaway 3-master Redis Cluster on loopback (no replicas, no persistence), for running the service
# and the test suite against a cluster (DESIGN.md §6).
#
#   scripts/redis-cluster.sh [start] [DIR] [PORTS]   start; prints REDIS_CLUSTER_NODES=...
#   scripts/redis-cluster.sh stop [DIR] [PORTS]      shut the nodes down and remove DIR
#
# DIR defaults to $REDIS_CLUSTER_DIR or ./data/redis-cluster; PORTS (comma-separated, three or more)
# to $REDIS_CLUSTER_PORTS or 7101,7102,7103; the host to $REDIS_CLUSTER_HOST or 127.0.0.1. Each node
# also uses its port + 10000 for the cluster bus. Starting again first stops whatever an earlier run
# left in DIR, so the script can be re-run after a crash.
set -euo pipefail

action=start
case "${1:-}" in
  start | stop) action=$1; shift ;;
esac
dir=${1:-${REDIS_CLUSTER_DIR:-./data/redis-cluster}}
ports_list=${2:-${REDIS_CLUSTER_PORTS:-7101,7102,7103}}
host=${REDIS_CLUSTER_HOST:-127.0.0.1}
IFS=',' read -r -a ports <<<"$ports_list"
if [ "${#ports[@]}" -lt 3 ]; then
  echo "redis-cluster: a cluster needs at least 3 ports, got '$ports_list'" >&2
  exit 2
fi
for port in "${ports[@]}"; do
  case "$port" in
    '' | *[!0-9]*) echo "redis-cluster: bad port '$port'" >&2; exit 2 ;;
  esac
done

# Removes what this script wrote in DIR (never anything else), then DIR itself when it is empty.
clean_dir() {
  for port in "${ports[@]}"; do rm -rf "${dir:?}/$port"; done
  rm -f "$dir/create.log"
  rmdir "$dir" 2>/dev/null || true
}

# True while process $1 runs redis-server (a zombie waiting to be reaped by init counts as gone, and
# so does a stale pid now used by another program).
alive() {
  local state command
  state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  command=$(ps -o comm= -p "$1" 2>/dev/null) || return 1
  [[ $state != Z* && $command == redis-server* ]]
}

# Stops the nodes this script started in DIR (those with a pid file there; a Redis on one of the
# ports that this script did not start is left alone). Quiet and idempotent.
stop_nodes() {
  for port in "${ports[@]}"; do
    local pidfile="$dir/$port/redis.pid" pid
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile" 2>/dev/null || true)
    [ -n "$pid" ] && alive "$pid" || continue
    redis-cli -h "$host" -p "$port" shutdown nosave >/dev/null 2>&1 || true
    for _ in $(seq 1 50); do
      alive "$pid" || break
      sleep 0.1
    done
    if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  done
}

if [ "$action" = stop ]; then
  stop_nodes
  clean_dir
  echo "redis-cluster: stopped ${ports[*]}"
  exit 0
fi

command -v redis-server >/dev/null 2>&1 || {
  echo "redis-cluster: redis-server not found (apt-get install -y redis-server)" >&2
  exit 1
}

# A stale run: stop its nodes and start from empty directories (old nodes.conf files would make the
# nodes remember a cluster and refuse `--cluster create`).
stop_nodes
clean_dir
for port in "${ports[@]}"; do
  if redis-cli -h "$host" -p "$port" ping >/dev/null 2>&1; then
    echo "redis-cluster: $host:$port is already taken by a Redis this script did not start" >&2
    exit 1
  fi
done

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
nodes=()
for port in "${ports[@]}"; do
  mkdir -p "$dir/$port"
  redis-server --bind "$host" --port "$port" --protected-mode no \
    --cluster-enabled yes --cluster-config-file "$dir/$port/nodes.conf" --cluster-node-timeout 5000 \
    --dir "$dir/$port" --pidfile "$dir/$port/redis.pid" --logfile "$dir/$port/redis.log" \
    --daemonize yes --save '' --appendonly no --maxmemory-policy noeviction
  nodes+=("$host:$port")
done

for port in "${ports[@]}"; do
  for _ in $(seq 1 100); do
    redis-cli -h "$host" -p "$port" ping >/dev/null 2>&1 && continue 2
    sleep 0.1
  done
  echo "redis-cluster: node $host:$port did not start; its log:" >&2
  cat "$dir/$port/redis.log" >&2 || true
  exit 1
done

redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$dir/create.log" 2>&1 || {
  echo "redis-cluster: cluster create failed:" >&2
  cat "$dir/create.log" >&2
  exit 1
}

# Ready when every node agrees the cluster is ok and knows all the masters.
for _ in $(seq 1 300); do
  ready=1
  for port in "${ports[@]}"; do
    info=$(redis-cli -h "$host" -p "$port" cluster info 2>/dev/null || true)
    if ! grep -q '^cluster_state:ok' <<<"$info" ||
      ! grep -q "^cluster_known_nodes:${#ports[@]}" <<<"$info"; then
      ready=""
      break
    fi
  done
  if [ -n "$ready" ]; then
    list=$(IFS=','; echo "${nodes[*]}")
    echo "REDIS_CLUSTER_NODES=$list"
    exit 0
  fi
  sleep 0.1
done
echo "redis-cluster: the cluster did not reach cluster_state:ok within 30 s" >&2
for port in "${ports[@]}"; do redis-cli -h "$host" -p "$port" cluster info >&2 || true; done
exit 1
