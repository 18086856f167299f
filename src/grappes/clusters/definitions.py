"""Cluster definitions: groups of related industries found from where industries co-locate.

After Delgado, Porter & Stern (2016), "Defining clusters of related industries", *Journal of
Economic Geography* 16(1), 1–38 (DPS): build a relatedness matrix between every pair of
sectors from several kinds of link, cluster the sectors with several algorithms and several
numbers of clusters, score every candidate by how much more related sectors are inside
their cluster than across clusters, and keep the best. DPS never published their code; this
is an open reimplementation of the same steps, not a copy of their US definitions.

Clustering a few dozen sectors needs the whole sector x sector matrix, which SQL cannot
express portably: the input (pandas or Ibis) is validated on its engine, the region x sector
table (small: one row per cell) is collected, and the matrices are computed with numpy and
scikit-learn. The result is always a set of pandas tables.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias, get_args

import numpy as np
import pandas as pd
from scipy.stats import rankdata
from sklearn.cluster import AgglomerativeClustering, SpectralClustering
from sklearn.metrics import silhouette_score

from grappes.engine import execute
from grappes.errors import InvalidInputError, MissingColumnsError, check_choice
from grappes.indicators import coagglomeration, location_quotient
from grappes.indicators.inputs import TableLike, describe_row, plain, prepare

Algorithm = Literal["average", "complete", "spectral", "kmedoids"]
Method = Literal["all", "average", "complete", "spectral", "kmedoids"]
Measure = Literal["correlation", "coagglomeration"]
Criterion = Literal["difference", "ratio", "silhouette", "validation"]
Combine = Literal["scaled", "rank"]

ALGORITHMS: tuple[Algorithm, ...] = get_args(Algorithm)
MEASURES: tuple[Measure, ...] = get_args(Measure)
CRITERIA: tuple[Criterion, ...] = get_args(Criterion)
COMBINES: tuple[Combine, ...] = get_args(Combine)

#: Restarts of the k-medoids search; the best of them (least total distance) is kept.
KMEDOIDS_RESTARTS = 20

SimilarityInput: TypeAlias = "TableLike | Mapping[str, TableLike]"


@dataclass(frozen=True)
class ClusterDefinitions:
    """The chosen grouping of sectors into clusters, and the evidence for it.

    Attributes
    ----------
    assignment
        ``sector``, ``cluster`` (1, 2, … numbered in the order of each cluster's first
        sector code): the best candidate's grouping, one row per sector.
    scores
        One row per candidate: ``method``, ``k``, ``within``, ``between``, ``difference``
        (``within - between``), ``ratio`` (``within / between``), ``silhouette``,
        ``validation``, ``singletons`` and ``best`` (True on the chosen row).
    best
        ``(method, k)`` of the chosen candidate.
    relatedness
        One row per unordered pair of sectors (``sector_a < sector_b``): each raw measure,
        its rescaled value in [0, 1] (columns ``scaled_<measure>``) and the combined
        ``relatedness`` (mean of the rescaled values) that the algorithms clustered.
    candidates
        ``method``, ``k``, ``sector``, ``cluster``: every candidate's grouping, to compare
        them.
    """

    assignment: pd.DataFrame
    scores: pd.DataFrame
    best: tuple[str, int]
    relatedness: pd.DataFrame
    candidates: pd.DataFrame


def cluster_definitions(
    table: TableLike,
    *,
    region: str = "region",
    sector: str = "sector",
    value: str = "employment",
    establishments: str | None = None,
    method: Method = "all",
    n_clusters: int | Sequence[int] | None = None,
    seed: int | np.random.Generator | None = None,
    similarity: SimilarityInput | None = None,
    measures: Sequence[Measure] = ("correlation", "coagglomeration"),
    combine: Combine = "scaled",
    criterion: Criterion = "silhouette",
) -> ClusterDefinitions:
    """Return the best grouping of sectors into clusters of related industries.

    Parameters
    ----------
    table
        Long table, one row per region x sector, every region x sector present (write zeros
        explicitly): pandas or Ibis.
    region, sector, value
        Names of the region code, sector code and employment columns.
    establishments
        Optional second value column (establishments): adds the locational correlation of
        establishments, as DPS do (their LC-Est next to LC-Emp).
    method
        Clustering algorithm(s) to run: ``"average"`` or ``"complete"`` (hierarchical
        agglomerative linkage on the distance ``1 - relatedness``), ``"spectral"`` (spectral
        clustering with the relatedness as affinity), ``"kmedoids"`` (k-medoids on the same
        distance), or ``"all"`` (default: the four, as DPS compare several algorithms).
    n_clusters
        Number(s) of clusters to try. Default: every k from 2 to ``max(2, n // 2)`` for
        ``n`` sectors (clusters of two sectors on average at the finest), capped at
        ``n - 1``.
    seed
        Seed of the random parts (spectral clustering's k-means, k-medoids' starts). The same
        seed gives the same result.
    similarity
        Optional similarity matrices the user supplies, such as input–output links or
        occupational similarity: a table with columns ``sector_a``, ``sector_b``,
        ``similarity`` (one row per pair of sectors, either order), or a mapping from a
        measure name to such a table. Every pair of the table's sectors must be present;
        pairs involving other sectors are not used. A pair given in both orders with two
        values (an asymmetric input–output share) counts with the larger, as DPS do.
    measures
        Co-location measures computed from ``table``: ``"correlation"`` (locational
        correlation of employment, and of establishments when ``establishments`` is given)
        and ``"coagglomeration"`` (Ellison–Glaeser–Kerr γᶜ of employment). At least one
        measure in all (here or in ``similarity``).
    combine
        How measures of different scales are put on one: ``"scaled"`` (default, min–max to
        [0, 1]) or ``"rank"`` (percentile rank among pairs); see Notes.
    criterion
        Score that picks the best candidate: ``"silhouette"`` (default, on the distance
        ``1 - relatedness``), ``"difference"`` (mean within-cluster minus mean
        between-cluster relatedness), ``"ratio"`` (within / between) or ``"validation"``
        (share of sectors more related to their own cluster than to any other). Every score
        is reported whichever picks. Ties go to the smaller k, then to the algorithm listed
        first under ``method``. The default is silhouette because, on planted clusters, the
        within-minus-between difference keeps rising with k once noise blurs the groups
        (it then picks the largest k tried), while silhouette stays near the planted k; see
        ``docs/clusters/definitions-lifecycle.md``.

    Returns
    -------
    ClusterDefinitions
        ``assignment`` (sector, cluster), ``scores`` (per candidate), ``best`` (method, k),
        ``relatedness`` (per pair of sectors) and ``candidates``.

    Raises
    ------
    MissingColumnsError
        When a named column is absent, or a similarity table lacks its columns.
    InvalidInputError
        For non-string codes; missing, non-finite or negative values; duplicate or missing
        region x sector cells; fewer than three regions or sectors; a sector with no
        employment or the same share of employment in every region (correlation undefined);
        a region with no employment; a pair of sectors missing from a similarity table; an
        unknown option; a k outside ``[2, n - 1]``.

    Notes
    -----
    *Relatedness.* For each measure, a value per pair of sectors *a*, *b*:

    - locational correlation: Pearson's correlation across regions *r* of the location
      quotients :math:`LQ_{ra}` and :math:`LQ_{rb}` (equivalently of the sectors' shares of
      regional employment :math:`e_{ra}/e_r`, since the LQ only rescales them per sector);
    - coagglomeration: :math:`\\gamma^c_{ab}` (Ellison, Glaeser & Kerr 2010), from
      :func:`grappes.indicators.coagglomeration`;
    - a user's similarity, as given.

    The measures have different scales, so each is rescaled over the :math:`P = n(n-1)/2`
    pairs to [0, 1]: ``combine="scaled"`` (default) maps it linearly, :math:`(x - \\min) /
    (\\max - \\min)`, which keeps the gaps between strongly and weakly related pairs;
    ``combine="rank"`` uses its percentile rank, :math:`(\\text{rank} - 1)/(P - 1)` (ties
    share their mean rank), unit-free and robust to an outlying pair but blind to gaps. A
    measure equal for every pair becomes 0.5. The combined relatedness :math:`R_{ab}` is the
    mean of the rescaled measures, with :math:`R_{aa} = 1`. DPS combine their measures into
    one similarity matrix too; the rescaling is this implementation's choice.

    *Candidates.* Each algorithm is run for each k on the distance :math:`D = 1 - R` (the
    affinity :math:`R` for spectral clustering).

    *Scores* (DPS score each candidate set of definitions by within- against
    between-cluster relatedness): ``within`` is the mean of :math:`R_{ab}` over pairs in the
    same cluster, ``between`` over pairs in different clusters; ``silhouette`` is
    Rousseeuw's (1987) on :math:`D`; ``validation`` is the share of sectors whose mean
    relatedness to the rest of their cluster exceeds their mean relatedness to every other
    cluster (a sector alone in its cluster does not pass), in the spirit of DPS's validation
    scores.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({
    ...     "region": [r for r in "pqrs" for _ in range(4)],
    ...     "sector": list("abcd") * 4,
    ...     "employment": [9.0, 8, 1, 2,  1, 2, 9, 8,  8, 9, 2, 1,  2, 1, 8, 9]})
    >>> result = cluster_definitions(t, n_clusters=2, seed=0)
    >>> result.assignment["cluster"].tolist()
    [1, 1, 2, 2]
    """
    who = "cluster_definitions"
    algorithms = _check_options(
        method=method, measures=measures, criterion=criterion, combine=combine
    )
    values = [value] if establishments is None else [value, establishments]
    prepared = prepare(table, who=who, codes=[region, sector], values=values)
    frame = execute(prepared.table.select(region, sector, *values))
    wide = {
        column: _wide(frame, who=who, region=region, sector=sector, value=column)
        for column in values
    }
    sectors = list(wide[value].columns)
    n = len(sectors)
    ks = _check_ks(n_clusters, n=n, who=who)
    if not measures and similarity is None:
        raise InvalidInputError(
            f"{who}: no relatedness measure; give at least one of measures={MEASURES} "
            "or a similarity table"
        )
    raw: dict[str, np.ndarray] = {}
    if "correlation" in measures:
        for column in values:
            raw[f"correlation_{column}"] = _locational_correlation(
                frame, wide[column], who=who, region=region, sector=sector, value=column
            )
    if "coagglomeration" in measures:
        raw["coagglomeration"] = _coagglomeration(
            frame, sectors, region=region, sector=sector, value=value
        )
    for name, matrix in _similarities(similarity, sectors, who=who).items():
        if name in raw:
            raise InvalidInputError(
                f"{who}: similarity name {name!r} is already a computed measure; "
                f"name it otherwise (computed: {', '.join(raw)})"
            )
        raw[name] = matrix
    ranks = {name: _rescale(matrix, combine=combine) for name, matrix in raw.items()}
    related = np.mean(np.stack(list(ranks.values())), axis=0)
    np.fill_diagonal(related, 1.0)
    distance = 1.0 - related
    rng = np.random.default_rng(seed)
    rows: list[dict[str, object]] = []
    labels_of: dict[tuple[str, int], np.ndarray] = {}
    for algorithm in algorithms:
        for k in ks:
            labels = _relabel(_cluster(algorithm, k, related, distance, rng=rng))
            labels_of[(algorithm, k)] = labels
            rows.append({"method": algorithm, "k": k, **_score(labels, related, distance)})
    scores = pd.DataFrame(rows)
    best_index = _choose(scores, criterion=criterion, algorithms=algorithms, who=who)
    scores["best"] = False
    scores.loc[best_index, "best"] = True
    best = (  # scores has a RangeIndex: the label is the position
        str(scores["method"].to_numpy()[best_index]),
        int(scores["k"].to_numpy()[best_index]),
    )
    assignment = pd.DataFrame({"sector": sectors, "cluster": labels_of[best]})
    candidates = pd.concat(
        [
            pd.DataFrame({"method": m, "k": k, "sector": sectors, "cluster": labels})
            for (m, k), labels in labels_of.items()
        ],
        ignore_index=True,
    )
    return ClusterDefinitions(
        assignment=assignment,
        scores=scores,
        best=best,
        relatedness=_pairs_table(sectors, raw, ranks, related),
        candidates=candidates,
    )


# --- validation -------------------------------------------------------------------------


def _check_options(
    *, method: str, measures: Sequence[str], criterion: str, combine: str
) -> tuple[Algorithm, ...]:
    who = "cluster_definitions"
    if method != "all" and method not in ALGORITHMS:
        raise InvalidInputError(
            f"{who}: method must be 'all' or one of {ALGORITHMS}; got {method!r}"
        )
    unknown = [m for m in measures if m not in MEASURES]
    if isinstance(measures, str) or unknown:
        raise InvalidInputError(
            f"{who}: measures must be a sequence of {MEASURES}; got {measures!r}"
        )
    check_choice(who, "criterion", criterion, CRITERIA)
    check_choice(who, "combine", combine, COMBINES)
    return ALGORITHMS if method == "all" else (method,)  # type: ignore[return-value]


def _check_ks(n_clusters: int | Sequence[int] | None, *, n: int, who: str) -> list[int]:
    if n < 3:
        raise InvalidInputError(f"{who}: needs at least 3 sectors to group; got {n}")
    if n_clusters is None:
        return list(range(2, min(n - 1, max(2, n // 2)) + 1))
    given = isinstance(n_clusters, Sequence) and not isinstance(n_clusters, str)
    ks: list[object] = list(n_clusters) if given else [n_clusters]  # type: ignore[arg-type]
    bad = [k for k in ks if not isinstance(k, int | np.integer) or not 2 <= k <= n - 1]
    if not ks or bad:
        raise InvalidInputError(
            f"{who}: n_clusters must be whole numbers between 2 and {n - 1} (the number of "
            f"sectors minus one); got {n_clusters!r}"
        )
    return sorted({int(k) for k in ks})  # type: ignore[call-overload]


def _wide(frame: pd.DataFrame, *, who: str, region: str, sector: str, value: str) -> pd.DataFrame:
    wide = frame.pivot(index=region, columns=sector, values=value).sort_index().sort_index(axis=1)
    missing = wide.isna()
    if missing.to_numpy().any():
        rows, columns = np.nonzero(missing.to_numpy())
        first = (wide.index[rows[0]], wide.columns[columns[0]])
        raise InvalidInputError(
            f"{who}: every region x sector needs a row (write zeros explicitly); "
            f"{int(missing.to_numpy().sum())} cell(s) missing (first: {region}={first[0]!r}, "
            f"{sector}={first[1]!r})"
        )
    if wide.shape[0] < 3:
        raise InvalidInputError(
            f"{who}: needs at least 3 regions to correlate sectors across; got {wide.shape[0]}"
        )
    for key, totals in ((sector, wide.sum(axis="index")), (region, wide.sum(axis="columns"))):
        zero = totals[totals == 0]
        if len(zero):
            raise InvalidInputError(
                f"{who}: column {value!r} sums to zero for {key}={zero.index[0]!r} "
                f"({len(zero)} {key}(s) in all); its location quotients are undefined"
            )
    return wide.astype(float)


# --- relatedness ------------------------------------------------------------------------


def _locational_correlation(
    frame: pd.DataFrame,
    wide: pd.DataFrame,
    *,
    who: str,
    region: str,
    sector: str,
    value: str,
) -> np.ndarray:
    lq = location_quotient(frame, region=region, sector=sector, value=value)
    assert isinstance(lq, pd.DataFrame)
    pivot = lq.pivot(index=region, columns=sector, values="location_quotient")
    matrix = pivot.loc[wide.index, wide.columns].to_numpy(dtype=float)
    spread = matrix.std(axis=0)
    flat = np.flatnonzero(spread <= 1e-12 * np.maximum(1.0, np.abs(matrix).max(axis=0)))
    if len(flat):
        raise InvalidInputError(
            f"{who}: the locational correlation of {value!r} is undefined for "
            f"{sector}={plain(wide.columns[flat[0]])!r}: its share of regional {value} is the "
            f"same in every region ({len(flat)} sector(s) in all); drop it or leave "
            "'correlation' out of measures"
        )
    return np.corrcoef(matrix, rowvar=False)


def _coagglomeration(
    frame: pd.DataFrame, sectors: list[str], *, region: str, sector: str, value: str
) -> np.ndarray:
    pairs = coagglomeration(frame, region=region, sector=sector, value=value)
    assert isinstance(pairs, pd.DataFrame)
    return _square(pairs, sectors, column="coagglomeration")


def _similarities(
    similarity: SimilarityInput | None, sectors: list[str], *, who: str
) -> dict[str, np.ndarray]:
    if similarity is None:
        return {}
    named: Mapping[str, TableLike] = (
        {"similarity": similarity} if not isinstance(similarity, Mapping) else similarity
    )
    out: dict[str, np.ndarray] = {}
    for name, given in named.items():
        where = f"similarity {name!r}"
        prepared = prepare(
            given, who=f"{who} ({where})", codes=["sector_a", "sector_b"], values=[], unique=False
        )
        columns = prepared.table.schema().names
        if "similarity" not in columns:
            raise MissingColumnsError(
                f"{who}: {where} needs columns 'sector_a', 'sector_b', 'similarity'; "
                f"got {', '.join(map(repr, columns))}"
            )
        pairs = execute(prepared.table.select("sector_a", "sector_b", "similarity"))
        pairs = pairs[pairs["sector_a"] != pairs["sector_b"]]
        score = pairs["similarity"]
        if not pd.api.types.is_numeric_dtype(score):
            raise InvalidInputError(
                f"{who}: {where} column 'similarity' must be numeric; got dtype {score.dtype}"
            )
        bad = pairs[~np.isfinite(score.to_numpy(dtype=float))]
        if len(bad):
            first = bad.iloc[0]
            raise InvalidInputError(
                f"{who}: {where} column 'similarity' must hold finite numbers; got "
                f"{plain(first['similarity'])!r} in {len(bad)} row(s) (first: "
                f"{describe_row(first, ['sector_a', 'sector_b'])})"
            )
        # Both orders of a pair on one key; an asymmetric link (input-output shares a->b and
        # b->a) counts with the stronger direction, as DPS take max(IO_ab, IO_ba).
        low = pairs[["sector_a", "sector_b"]].min(axis=1)
        high = pairs[["sector_a", "sector_b"]].max(axis=1)
        merged = (
            pd.DataFrame({"sector_a": low, "sector_b": high, "similarity": score})
            .groupby(["sector_a", "sector_b"], as_index=False)["similarity"]
            .max()
        )
        inside = merged[merged["sector_a"].isin(sectors) & merged["sector_b"].isin(sectors)]
        expected = len(sectors) * (len(sectors) - 1) // 2
        if len(inside) < expected:
            have = set(zip(inside["sector_a"], inside["sector_b"], strict=True))
            lacking = [
                (a, b)
                for i, a in enumerate(sectors)
                for b in sectors[i + 1 :]
                if (a, b) not in have
            ]
            raise InvalidInputError(
                f"{who}: {where} must give a value for every pair of the table's sectors; "
                f"{len(lacking)} pair(s) missing (first: sector_a={lacking[0][0]!r}, "
                f"sector_b={lacking[0][1]!r})"
            )
        out[name] = _square(inside, sectors, column="similarity")
    return out


def _square(pairs: pd.DataFrame, sectors: list[str], *, column: str) -> np.ndarray:
    position = {code: i for i, code in enumerate(sectors)}
    matrix = np.full((len(sectors), len(sectors)), np.nan)
    i = pairs["sector_a"].map(position).to_numpy(dtype=int)
    j = pairs["sector_b"].map(position).to_numpy(dtype=int)
    matrix[i, j] = matrix[j, i] = pairs[column].to_numpy(dtype=float)
    return matrix


def _rescale(matrix: np.ndarray, *, combine: Combine) -> np.ndarray:
    n = matrix.shape[0]
    upper = np.triu_indices(n, k=1)
    values = matrix[upper]
    count = len(values)
    low, high = float(values.min()), float(values.max())
    if high <= low:  # every pair equally related: the measure tells nothing apart
        ranked = np.full(count, 0.5)
    elif combine == "scaled":
        ranked = (values - low) / (high - low)
    else:
        ranked = (rankdata(values) - 1.0) / (count - 1.0)
    out = np.ones((n, n))
    out[upper] = ranked
    out[(upper[1], upper[0])] = ranked
    return out


def _pairs_table(
    sectors: list[str],
    raw: dict[str, np.ndarray],
    ranks: dict[str, np.ndarray],
    related: np.ndarray,
) -> pd.DataFrame:
    i, j = np.triu_indices(len(sectors), k=1)
    columns: dict[str, object] = {
        "sector_a": [sectors[a] for a in i],
        "sector_b": [sectors[b] for b in j],
    }
    columns.update({name: matrix[i, j] for name, matrix in raw.items()})
    columns.update({f"scaled_{name}": matrix[i, j] for name, matrix in ranks.items()})
    columns["relatedness"] = related[i, j]
    return pd.DataFrame(columns)


# --- clustering and scores --------------------------------------------------------------


def _cluster(
    algorithm: Algorithm,
    k: int,
    related: np.ndarray,
    distance: np.ndarray,
    *,
    rng: np.random.Generator,
) -> np.ndarray:
    if algorithm in ("average", "complete"):
        model = AgglomerativeClustering(n_clusters=k, metric="precomputed", linkage=algorithm)
        return np.asarray(model.fit_predict(distance))
    if algorithm == "spectral":
        spectral = SpectralClustering(
            n_clusters=k,
            affinity="precomputed",
            random_state=int(rng.integers(2**31 - 1)),
            # QR-pivoting label assignment (Damle, Minden & Ying 2019): no k-means restarts,
            # deterministic given the embedding, and much faster on a few dozen sectors.
            assign_labels="cluster_qr",
        )
        with warnings.catch_warnings():
            # Sectors with zero relatedness to all others leave the affinity graph in pieces;
            # the pieces are then the natural clusters, which is the answer wanted here.
            warnings.filterwarnings("ignore", message="Graph is not fully connected")
            return np.asarray(spectral.fit_predict(related))
    return _kmedoids(distance, k, rng=rng)


def _kmedoids(distance: np.ndarray, k: int, *, rng: np.random.Generator) -> np.ndarray:
    """k-medoids by alternation (Park & Jun 2009), best of several k-medoids++ starts."""
    n = distance.shape[0]
    best_labels = np.zeros(n, dtype=int)
    best_cost = np.inf
    for _ in range(KMEDOIDS_RESTARTS):
        medoids = [int(rng.integers(n))]
        while len(medoids) < k:
            nearest = distance[:, medoids].min(axis=1)
            weights = nearest**2
            total = weights.sum()
            pool = np.setdiff1d(np.arange(n), medoids)
            chosen = int(rng.choice(pool)) if total <= 0 else int(rng.choice(n, p=weights / total))
            medoids.append(chosen)
        current = np.array(medoids)
        for _step in range(100):
            labels = np.argmin(distance[:, current], axis=1)
            labels[current] = np.arange(k)  # a medoid stays in its own cluster
            updated = current.copy()
            for c in range(k):
                members = np.flatnonzero(labels == c)
                within = distance[np.ix_(members, members)].sum(axis=1)
                updated[c] = members[int(np.argmin(within))]
            if np.array_equal(np.sort(updated), np.sort(current)):
                break
            current = updated
        labels = np.argmin(distance[:, current], axis=1)
        labels[current] = np.arange(k)
        cost = float(distance[np.arange(n), current[labels]].sum())
        if cost < best_cost - 1e-12:
            best_cost, best_labels = cost, labels
    return best_labels


def _relabel(labels: np.ndarray) -> np.ndarray:
    """Number clusters 1, 2, … in the order their first sector appears (sectors are sorted)."""
    order: dict[int, int] = {}
    for label in labels:
        order.setdefault(int(label), len(order) + 1)
    return np.array([order[int(label)] for label in labels], dtype=int)


def _score(labels: np.ndarray, related: np.ndarray, distance: np.ndarray) -> dict[str, float]:
    n = len(labels)
    same = labels[:, None] == labels[None, :]
    off = ~np.eye(n, dtype=bool)
    inside = related[same & off]
    across = related[~same]
    within = float(inside.mean()) if inside.size else float("nan")
    between = float(across.mean()) if across.size else float("nan")
    clusters = np.unique(labels)
    k = len(clusters)
    silhouette = (
        float(silhouette_score(distance, labels, metric="precomputed"))
        if 2 <= k <= n - 1
        else float("nan")
    )
    # Mean relatedness of each sector to each cluster, leaving the sector itself out.
    members = (labels[:, None] == clusters[None, :]).astype(float)
    sums = np.where(off, related, 0.0) @ members
    counts = members.sum(axis=0)[None, :] - members
    with np.errstate(divide="ignore", invalid="ignore"):
        means = sums / counts
    own = means[members.astype(bool)]
    others = np.where(members.astype(bool), -np.inf, means).max(axis=1)
    passed = int(((counts[members.astype(bool)] > 0) & (own > others)).sum())
    sizes = np.bincount(labels)
    return {
        "within": within,
        "between": between,
        "difference": within - between,
        "ratio": within / between if between > 0 else float("nan"),
        "silhouette": silhouette,
        "validation": passed / n,
        "singletons": int((sizes == 1).sum()),
    }


def _choose(
    scores: pd.DataFrame, *, criterion: Criterion, algorithms: tuple[Algorithm, ...], who: str
) -> int:
    usable = scores[scores[criterion].notna()]
    if usable.empty:
        raise InvalidInputError(
            f"{who}: criterion {criterion!r} is undefined for every candidate (all clusters "
            "are single sectors); try fewer clusters or another criterion"
        )
    order = {a: i for i, a in enumerate(algorithms)}
    ranked = usable.assign(_order=usable["method"].map(order)).sort_values(
        [criterion, "k", "_order"], ascending=[False, True, True], kind="stable"
    )
    return int(ranked.index[0])
