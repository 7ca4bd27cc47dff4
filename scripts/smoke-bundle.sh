#!/usr/bin/env bash
# Runs the production bundle (apps/server/dist) as an operator would: create an org with the
# CLI, start the server, list the org's datasets with its token, load the Console, stop with SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
export DATABASE_URL="$work/smoke.db" NODE_ENV=production HOST=127.0.0.1 PORT=0 LOG_LEVEL=info

org=$(node apps/server/dist/cli.mjs org create --name Smoke --json)
id=$(node -e 'console.log(JSON.parse(process.argv[1]).id)' "$org")
token=$(node -e 'console.log(JSON.parse(process.argv[1]).token)' "$org")

node apps/server/dist/main.mjs > "$work/server.log" &
server=$!
for _ in $(seq 1 50); do grep -q '"msg":"listening"' "$work/server.log" && break; sleep 0.1; done
url=$(grep '"msg":"listening"' "$work/server.log" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).url))')

total=$(curl -sf "$url/v1/orgs/$id/datasets?source=znyx_sample" -H "Authorization: Bearer $token" |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).total))')
[ "$total" -ge 6 ] || { echo "smoke: expected the ZNYX samples, got total=$total" >&2; exit 1; }
curl -sf "$url/console/" | grep -q '<div id="root">' || { echo "smoke: /console/ did not serve the Console" >&2; exit 1; }
kill -TERM "$server"
wait "$server"
echo "smoke: bundle served $total sample datasets and the Console, and shut down cleanly"
