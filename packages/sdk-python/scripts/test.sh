#!/bin/sh
# The Python SDK's tests (pnpm --filter @znyx/sdk-python test, and so `pnpm test`), run with
# Debian's Python 3.11 and Debian's packages: no other registry is reachable from CI.
set -eu
cd "$(dirname "$0")/.."
PYTHON=/usr/bin/python3
missing=""
for module in httpx pytest build hatchling mypy venv ensurepip; do
  "$PYTHON" -c "import $module" 2>/dev/null || missing="$missing $module"
done
if [ -n "$missing" ]; then
  echo "znyx-sdk tests: $PYTHON lacks:$missing" >&2
  echo "  apt-get install -y python3-httpx python3-pytest python3-build python3-hatchling python3-mypy python3-venv" >&2
  exit 1
fi
exec "$PYTHON" -m pytest "$@"
