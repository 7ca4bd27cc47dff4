#!/usr/bin/env bash
# Runs the production bundle (apps/server/dist) as an operator and a newcomer would: create an
# org with the CLI and list its tokens, start the README's first command (`pnpm demo`: the bundle
# with --demo), follow its banner to the Console, list the org's datasets, stop with SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
server=""
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
export DATABASE_URL="$work/smoke.db" NODE_ENV=production HOST=127.0.0.1 PORT=0 LOG_LEVEL=info
fail() { echo "smoke: $*" >&2; exit 1; }
# field JSON a.b.c: one value out of a JSON text
field() { node -e 'let v=JSON.parse(process.argv[1]);for(const k of process.argv[2].split("."))v=v?.[k];console.log(v)' "$1" "$2"; }

org=$(node apps/server/dist/cli.mjs org create --name Smoke --json)
id=$(field "$org" id)
token=$(field "$org" token)
listed=$(node apps/server/dist/cli.mjs token list --org "$id" --json)
[ "$(field "$listed" tokens.0.id)" = "$(field "$org" token_id)" ] || fail "token list lacks org create's admin token: $listed"

# After `pnpm build` the build step of `pnpm demo` is a cache hit, so this starts at once.
pnpm --silent demo > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do grep -q '^  curl ' "$work/server.log" && break; sleep 0.1; done
url=$(grep '"msg":"listening"' "$work/server.log" | field "$(cat)" url)
[ -n "$url" ] || fail "the server did not start: $(cat "$work/server.log")"

console_url=$(sed -n 's/^Console: *\(http[^ ]*\).*/\1/p' "$work/server.log")
[ "$console_url" = "$url/console/" ] || fail "the demo banner does not name the Console at $url/console/"
status=$(curl -s -o "$work/console.html" -w '%{http_code}' "$console_url")
[ "$status" = 200 ] || fail "GET $console_url answered $status"
grep -q '<div id="root">' "$work/console.html" || fail "$console_url is not the Console"

total=$(curl -sf "$url/v1/orgs/$id/datasets?source=znyx_sample" -H "Authorization: Bearer $token")
total=$(field "$total" total)
[ "$total" -ge 6 ] || fail "expected the ZNYX samples, got total=$total"
kill -TERM "$server"
wait "$server" || fail "the server did not stop cleanly: $(tail -5 "$work/server.log")"
echo "smoke: pnpm demo served the bundle, its banner's Console ($console_url, 200) and $total sample datasets, and shut down cleanly"
