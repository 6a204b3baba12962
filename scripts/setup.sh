#!/usr/bin/env bash
# Shared setup for scripts/run.sh and scripts/test.sh: a virtual environment with the
# pinned dependencies, compiled catalogs and built assets. Safe to run again.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  # Debian packages the project needs, installed only when missing.
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: apt-get not found; install these packages by hand: $*" >&2
    exit 1
  fi
  if [ -z "${APT_UPDATED:-}" ]; then
    as_root apt-get update -qq
    APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

if ! "$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
  echo "error: Python 3.11 or newer is required (tried '$PYTHON')." >&2
  exit 1
fi

if [ ! -x "$VENV/bin/python" ]; then
  rm -rf "$VENV"
  if ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    # Debian ships venv/ensurepip separately.
    pyver="$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
    apt_install "python${pyver}-venv"
  fi
  "$PYTHON" -m venv "$VENV"
fi
if [ ! -x "$VENV/bin/python" ]; then
  echo "error: '$PYTHON -m venv $VENV' did not create $VENV/bin/python; remove $VENV and retry." >&2
  exit 1
fi

stamp="$VENV/.installed"
if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ] || [ "$ROOT/requirements.lock" -nt "$stamp" ]; then
  echo "==> installing Python dependencies into $VENV (log: $VENV/pip.log)"
  if ! { "$VENV/bin/python" -m pip install --upgrade pip &&
         "$VENV/bin/python" -m pip install -c "$ROOT/requirements.lock" -e "$ROOT[dev]"; } >"$VENV/pip.log" 2>&1; then
    tail -n 30 "$VENV/pip.log" >&2
    echo "error: installing the Python dependencies failed (full log: $VENV/pip.log)" >&2
    exit 1
  fi
  touch "$stamp"
fi

export PATH="$VENV/bin:$PATH"
cd "$ROOT"
flask --app main translate compile >/dev/null
flask --app main assets build >/dev/null
