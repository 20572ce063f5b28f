"""``python -m iusgraph`` runs the command line."""

from iusgraph.cli import main

main()
