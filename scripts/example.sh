#!/usr/bin/env bash
# Set up Vitrine and build the example catalogue of this repository into output/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/vitrine build --site .
echo
echo "Look at it: .venv/bin/vitrine serve   then open http://127.0.0.1:8000/"
