#!/usr/bin/env bash
# Set everything up and run the app on http://127.0.0.1:5000 (SQLite by default).
# First run: creates the schema, seeds demo data and prints one-time sign-ins (admin, and in
# development an editor, an author and a translator).
# Every run: brings the repository's catalogs into the database (translate sync).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/setup.sh"
export BACKOFFICE_CONFIG="${BACKOFFICE_CONFIG:-development}"

flask --app main db upgrade
flask --app main translate sync >/dev/null  # the repository's catalogs into the database
first_run=""
if flask --app main users list | grep -q "^No users yet"; then
  flask --app main seed
  first_run=1
fi
flask --app main users bootstrap
if [ -n "$first_run" ] && [ "$BACKOFFICE_CONFIG" = "development" ]; then
  flask --app main users demo-logins  # an editor, an author and a translator to try
fi

echo "==> Backoffice at http://127.0.0.1:${PORT:-5000}/admin/ (Ctrl+C to stop)"
exec flask --app main run --host 127.0.0.1 --port "${PORT:-5000}"
