"""Spatial statistics: distance-based measures of geocoded establishments, local statistics
of areal data, and micro-clusters.

- Distance-based, with simulated envelopes: Duranton–Overman Kd (:func:`duranton_overman`),
  Marcon–Puech M and m (:func:`marcon_puech`, :func:`m`), Ripley's K and L with edge
  corrections (:func:`ripley_k`, :func:`ripley_l`).
- Areal: local Moran (:func:`local_moran`) and Getis–Ord Gi / Gi* (:func:`getis_ord`) with
  permutation inference and a false-discovery-rate correction.
- Micro-clusters: DBSCAN / HDBSCAN on establishments (:func:`micro_clusters`), contiguous
  groups of significant hot spots on areal data (:func:`areal_micro_clusters`).
"""

from __future__ import annotations

from grappes.spatial.areal_clusters import AreaMicroClusters, areal_micro_clusters
from grappes.spatial.duranton_overman import KdResult, duranton_overman
from grappes.spatial.hotspots import getis_ord, graph_neighbours, local_moran
from grappes.spatial.marcon_puech import MResult, m, marcon_puech
from grappes.spatial.micro_clusters import MicroClusters, micro_clusters
from grappes.spatial.multiple_testing import adjust_p_values, benjamini_hochberg, bonferroni
from grappes.spatial.ripley import RipleyResult, ripley_k, ripley_l

__all__ = [
    "AreaMicroClusters",
    "KdResult",
    "MResult",
    "MicroClusters",
    "RipleyResult",
    "adjust_p_values",
    "areal_micro_clusters",
    "benjamini_hochberg",
    "bonferroni",
    "duranton_overman",
    "getis_ord",
    "graph_neighbours",
    "local_moran",
    "m",
    "marcon_puech",
    "micro_clusters",
    "ripley_k",
    "ripley_l",
]
