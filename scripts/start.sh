#!/bin/sh
# One command from a clean clone to a serving process: installs the locked dependencies when they are
# missing or stale, installs Debian's redis-server when the embedded default needs it and this machine
# can (root with apt-get), then serves the app on Node (default) or Deno (`start.sh deno`).
set -e
cd "$(dirname "$0")/.."

# A node_modules that is a link (a git worktree sharing another checkout's install) is left alone:
# npm ci would empty the folder it points to.
if [ ! -L node_modules ] && { [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  npm ci --no-audit --no-fund >&2
fi

if [ -z "$REDIS_URL" ] && [ -z "$REDIS_CLUSTER_NODES" ] && ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bookstore: installing redis-server (Debian package) for the embedded Redis" >&2
    (apt-get install -y -qq redis-server || (apt-get update -qq && apt-get install -y -qq redis-server)) >&2
  else
    echo "bookstore: the embedded Redis needs redis-server: run 'sudo apt-get install -y redis-server', or set REDIS_URL" >&2
    exit 1
  fi
fi

# npm runs this script as `exec sh scripts/start.sh` and the server replaces it (exec below), so the
# server is npm's own child: npm's SIGTERM reaches it, and if npm is killed outright the server dies
# with it (see exitWithParent in src/process.ts) instead of living on as an orphan holding the port.
export BOOKSTORE_WATCH_PID=$PPID

# `npm run demo` (`demo deno`): the same preparation, then the demo (scripts/demo.ts), which starts
# the server through this script (`start.sh` or `start.sh deno`) and fills it.
if [ "$1" = "demo" ]; then
  shift
  exec node --import tsx scripts/demo.ts "$@"
fi

if [ "$1" = "deno" ]; then
  # The platform binary itself (the npm package's launcher would stand between npm and the server).
  deno=node_modules/.bin/deno
  for candidate in node_modules/@deno/linux-x64-glibc/deno node_modules/@deno/linux-arm64-glibc/deno node_modules/deno/deno; do
    if [ -x "$candidate" ]; then deno=$candidate; break; fi
  done
  exec "$deno" run -A src/server.deno.ts
fi
exec node --import tsx src/server.ts
