"""``python -m walkaway`` runs the command line."""

from walkaway.cli import main

main()
