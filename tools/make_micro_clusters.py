"""Compute the micro-clusters of the bundled 2024 communes and write them into the package.

    .venv/bin/python tools/make_micro_clusters.py

Writes ``src/grappes/store/bundled/micro_clusters/{runs,clusters,members}.csv`` from
HCP RGPH 2024 establishments by commune (``grappes.data.morocco``) and the communes'
contiguity (``grappes.data.communes_graph``, OpenStreetMap, ODbL), with the parameters of
``grappes.store.micro_clusters`` (the cluster report's: Gi* with binary contiguity weights,
the commune itself included, 9,999 permutations, seed 0, FDR 5 %; ``runs.csv`` records the
weights in ``transform``). The result is deterministic; ``tests/store/test_loading.py``
recomputes it (a slow test) and fails when the shipped files differ. Takes about 20 s
(most of it esda compiling its numba kernels).
"""

from __future__ import annotations

import time

from grappes.data import communes_graph, morocco
from grappes.store.loading import COMMUNE_GRAPH
from grappes.store.micro_clusters import BUNDLED, compute_micro_clusters, write_micro_clusters


def main() -> None:
    start = time.perf_counter()
    results = compute_micro_clusters(
        morocco.establishments(level="commune"),
        graph=communes_graph.contiguity_graph(),
        graph_name=COMMUNE_GRAPH,
    )
    for path in write_micro_clusters(results, BUNDLED):
        print(f"wrote {path}")
    weights = ", ".join(sorted(set(results.runs["transform"])))
    print(
        f"{len(results.clusters)} micro-clusters, {len(results.members)} communes "
        f"(weights {weights}), {time.perf_counter() - start:.1f} s"
    )


if __name__ == "__main__":
    main()
