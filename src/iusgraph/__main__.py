"""``python -m iusgraph`` runs the command line."""

from iusgraph.cli import run

run()
