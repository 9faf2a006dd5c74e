#!/usr/bin/env bash
# Set up Vitrine in ./.venv. With --test, also what the test suite needs: Debian's chromium
# (as root, when missing), the test extras, and the npm checkers of package.json.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true

if [ "$want_test" = 1 ]; then
  .venv/bin/python -m pip install --quiet -c constraints.txt -e ".[test]"
  missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)  # the Nu Html Checker (npm vnu-jar)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "Installing ${missing[*]} with apt-get..."
      apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
      echo "warning: ${missing[*]} missing; run as root or install it: browser tests will be skipped" >&2
    fi
  fi
  if command -v npm >/dev/null 2>&1; then
    npm ci --silent --no-audit --no-fund >/dev/null
  else
    echo "warning: npm missing: the npm-based checkers will be skipped" >&2
  fi
  for extra in scripts/setup-*.sh; do
    [ -f "$extra" ] && bash "$extra"
  done
else
  .venv/bin/python -m pip install --quiet -c constraints.txt -e .
fi
