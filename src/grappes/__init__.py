"""Grappes: a cluster observatory and cluster-policy platform for the Maghreb.

Importing the package loads no data; each table is read when asked for::

    from grappes.data import morocco
    morocco.establishments(level="region")
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("grappes")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
