"""``python -m iusgraph`` runs the command line."""

from .cli import main

main()
