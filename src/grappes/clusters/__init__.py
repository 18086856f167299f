"""Cluster mapping: which clusters a territory has, how strong, what kind, where in their life.

- :func:`strong_clusters`: the US Cluster Mapping Project's strong-cluster rule.
- :func:`star_ratings`: the European Cluster Observatory's stars (size, specialisation, focus).
- :func:`classify_tiers`: the Danish tiers (national, regional, potentially interesting).
- :func:`typology`: knowledge-driven vs industrial clusters (the paper's Japanese distinction).
- :func:`cluster_definitions`: clusters of related industries from co-location (Delgado,
  Porter & Stern 2016).
- :func:`lifecycle`: emergence, growth, sustainment, decline (Menzel & Fornahl 2010) and the
  LQ level x trend quadrants.
"""

from __future__ import annotations

from grappes.clusters.definitions import ClusterDefinitions, cluster_definitions
from grappes.clusters.lifecycle import DEFAULT_THRESHOLDS, LifecycleThresholds, lifecycle
from grappes.clusters.stars import star_ratings
from grappes.clusters.strength import strong_clusters
from grappes.clusters.tiers import TierClassification, classify_tiers
from grappes.clusters.typology import typology

__all__ = [
    "DEFAULT_THRESHOLDS",
    "ClusterDefinitions",
    "LifecycleThresholds",
    "TierClassification",
    "classify_tiers",
    "cluster_definitions",
    "lifecycle",
    "star_ratings",
    "strong_clusters",
    "typology",
]
