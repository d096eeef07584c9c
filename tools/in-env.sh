#!/usr/bin/env bash
# Run a command inside the project's locked environment, bootstrapping it first when needed.
set -euo pipefail
cd "$(dirname "$0")/.."
UV=$(tools/bootstrap.sh) || { echo "in-env: bootstrap failed" >&2; exit 1; }
exec "$UV" run --frozen "$@"
