#!/usr/bin/env bash
# Setup on a fresh Debian machine: the Virtuoso server the tests start (as root), then the
# project and its test tools in .venv. The README's test command runs after this.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v virtuoso-t >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: virtuoso-t not found; run as root, or: sudo apt-get install virtuoso-opensource" >&2
    exit 2
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource >/dev/null
  # The tests start their own Virtuoso on free loopback ports; the system service is not used.
  invoke-rc.d virtuoso-opensource-7 stop >/dev/null 2>&1 || true
fi

python3 -m venv "${IUSGRAPH_VENV:-.venv}"
"${IUSGRAPH_VENV:-.venv}/bin/pip" install --quiet --upgrade pip
"${IUSGRAPH_VENV:-.venv}/bin/pip" install --quiet ".[test]"
