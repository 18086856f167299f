"""The ``grappes`` command line (Typer + Rich)."""
