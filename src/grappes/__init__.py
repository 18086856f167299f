"""Grappes: a cluster observatory and cluster-policy platform for the Maghreb.

Importing the package loads no data; each table is read when asked for::

    from grappes.data import morocco
    morocco.establishments(level="region")
"""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    """``grappes.__version__``, looked up when asked for: ``importlib.metadata`` takes
    about 0.05–0.1 s to import, which every ``import grappes.…`` would otherwise pay."""
    if name != "__version__":
        raise AttributeError(f"module 'grappes' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("grappes")
    except PackageNotFoundError:  # running from a source tree that was not installed
        return "0+unknown"
