#!/usr/bin/env bash
# Set up everything the tests need, then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
# The independent checkers are part of the suite: fail, do not skip, when one is missing.
export VITRINE_REQUIRE_VALIDATOR=1 VITRINE_REQUIRE_BROWSER=1
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
