#!/usr/bin/env bash
# Set everything up and run the app on http://127.0.0.1:5000 (SQLite by default).
# First run: creates the schema, seeds demo data and prints a one-time admin sign-in.
# Every run: brings the repository's catalogs into the database (translate sync).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/setup.sh"
export BACKOFFICE_CONFIG="${BACKOFFICE_CONFIG:-development}"

flask --app main db upgrade
flask --app main translate sync >/dev/null  # the repository's catalogs into the database
if flask --app main users list | grep -q "^No users yet"; then
  flask --app main seed
fi
flask --app main users bootstrap

echo "==> Backoffice at http://127.0.0.1:${PORT:-5000}/admin/ (Ctrl+C to stop)"
exec flask --app main run --host 127.0.0.1 --port "${PORT:-5000}"
