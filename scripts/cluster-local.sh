#!/usr/bin/env bash
# The production topology on one machine (README, "Running in production"): three API processes
# over one PostgreSQL database and one Redis. Starts Redis if it is down, creates the database if
# it is missing, builds the bundle, creates an org, starts the three processes on 3001-3003, waits
# until each is ready, then shows the token's one budget being spent across them. Ctrl-C stops
# the three (`--exit`: stop right after the demonstration).
set -euo pipefail
cd "$(dirname "$0")/.."

PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/test}
DB_NAME=${DB_NAME:-znyx_cluster}
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/$DB_NAME}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
export NODE_ENV=production HOST=127.0.0.1
PORTS=(3001 3002 3003)
LOG_DIR=${LOG_DIR:-data/cluster}
mkdir -p "$LOG_DIR"

pids=()
stop() {
  [ ${#pids[@]} -eq 0 ] || kill -TERM "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT TERM
field() { node -e 'let v=JSON.parse(process.argv[1]);for(const k of process.argv[2].split("."))v=v?.[k];console.log(v)' "$1" "$2"; }

echo "--- Redis at $REDIS_URL"
if ! redis-cli -u "$REDIS_URL" ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 30); do redis-cli -u "$REDIS_URL" ping >/dev/null 2>&1 && break; sleep 0.2; done
fi

echo "--- PostgreSQL database $DB_NAME"
if [ "$(psql "$PG_ADMIN_URL" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != 1 ]; then
  psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $DB_NAME"
fi

echo "--- build (turbo: a cache hit when nothing changed)"
pnpm --silent build:app

echo "--- an org and its admin token (the CLI migrates the database if it is new)"
org=$(node apps/server/dist/cli.mjs org create --name "Local Cluster" --json)
org_id=$(field "$org" id)
token=$(field "$org" token)

echo "--- three API processes"
for port in "${PORTS[@]}"; do
  PORT=$port node --max-semi-space-size=8 apps/server/dist/main.mjs > "$LOG_DIR/server-$port.log" 2>&1 &
  pids+=($!)
done
for port in "${PORTS[@]}"; do
  for _ in $(seq 1 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ] && break
    sleep 0.1
  done
  echo "http://127.0.0.1:$port  /healthz $(curl -s "http://127.0.0.1:$port/healthz")  /readyz $(curl -s "http://127.0.0.1:$port/readyz")"
done

echo "--- one budget for the token, whichever process answers (RateLimit-Remaining)"
for port in "${PORTS[@]}" "${PORTS[@]}"; do
  remaining=$(curl -s -o /dev/null -D - "http://127.0.0.1:$port/v1/orgs/$org_id/datasets?limit=1" \
    -H "Authorization: Bearer $token" | tr -d '\r' | sed -n 's/^RateLimit-Remaining: //ip')
  echo "  :$port  RateLimit-Remaining: $remaining"
done

cat <<INFO

Org:          $org_id
Admin token:  $token
Logs:         $LOG_DIR/server-{${PORTS[0]},${PORTS[1]},${PORTS[2]}}.log
Try:
  curl -s 'http://127.0.0.1:${PORTS[1]}/v1/orgs/$org_id/tokens' -H 'Authorization: Bearer $token'
INFO
[ "${1:-}" = --exit ] && exit 0
echo "Serving; Ctrl-C stops the three processes."
wait
