"""Cluster tiers: a multi-criteria classification after Denmark's competence clusters.

Each cluster is scored on a few criteria (by default the Danish four: structure,
competences, performance, cohesion), each from one or more indicators normalised across the
clusters and, optionally, from expert scores; the weighted total puts it in a tier:
national, regional or potentially interesting.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

import numpy as np
import pandas as pd
from scipy.special import ndtr

from grappes.engine import execute
from grappes.errors import InvalidInputError, MissingColumnsError, check_choice
from grappes.indicators.inputs import TableLike, describe_row, plain, prepare

__all__ = [
    "CUTOFFS",
    "DANISH_CRITERIA",
    "EXPERT_WEIGHT",
    "TIERS",
    "TierClassification",
    "classify_tiers",
]

#: The Danish competence-cluster criteria, each read from a column of the same name.
DANISH_CRITERIA: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "structure": ("structure",),
        "competences": ("competences",),
        "performance": ("performance",),
        "cohesion": ("cohesion",),
    }
)
#: The tiers, highest first.
TIERS: tuple[str, ...] = ("national", "regional", "potentially_interesting")
#: Smallest total scores of the national and the regional tier (Grappes' choice, see Notes).
CUTOFFS: tuple[float, float] = (0.75, 0.5)
#: Share of a criterion's score that comes from the experts when expert scores are given.
EXPERT_WEIGHT = 0.5

# Rounding in a weighted sum must not move a cluster that sits on a cutoff down a tier.
_TOLERANCE = 1e-12
_EXPERT = "expert"


@dataclass(frozen=True)
class TierClassification:
    """The tiers of :func:`classify_tiers` and the numbers behind them.

    Attributes
    ----------
    clusters
        One row per cluster: ``cluster``, ``score`` (weighted total in [0, 1]) and ``tier``
        (one of :data:`TIERS`), sorted by score, highest first, then by cluster.
    criteria
        One row per cluster x criterion: ``cluster``, ``criterion``, ``weight`` (the
        criterion's), ``indicator_score`` (mean normalised indicator, NaN when the criterion
        has no indicator), ``expert_score`` (rescaled mean expert score, NaN without one)
        and ``score``.
    evidence
        One row per cluster x criterion x indicator (``indicator`` is ``"expert"`` for the
        expert score): ``cluster``, ``criterion``, ``indicator``, ``raw``, ``normalised``
        and ``weight``, the share of the total score it carries. Per cluster the weights sum
        to 1 and ``sum(normalised * weight)`` is the ``score``.
    """

    clusters: pd.DataFrame
    criteria: pd.DataFrame
    evidence: pd.DataFrame


def classify_tiers(
    table: TableLike,
    *,
    cluster: str = "cluster",
    criteria: Mapping[str, Sequence[str]] = DANISH_CRITERIA,
    weights: Mapping[str, float] | None = None,
    cutoffs: tuple[float, float] = CUTOFFS,
    normalise: Literal["rank", "minmax", "zscore"] = "rank",
    expert: TableLike | None = None,
    expert_weight: float = EXPERT_WEIGHT,
    expert_scale: Literal["unit", "likert5"] = "unit",
    on_constant: Literal["raise", "half"] = "raise",
) -> TierClassification:
    """Return each cluster's criterion scores, total score and tier, with the evidence.

    Parameters
    ----------
    table
        One row per cluster with its indicator columns (larger = better; negate an
        indicator where smaller is better): pandas or Ibis (collected: one row per cluster).
    cluster
        Name of the cluster identifier column (strings).
    criteria
        Criterion name → the indicator columns that measure it. Default
        :data:`DANISH_CRITERIA`: ``structure``, ``competences``, ``performance`` and
        ``cohesion``, each from the column of that name. A criterion with no indicator is
        scored by the experts alone. An indicator belongs to one criterion only.
    weights
        Criterion → weight, non-negative and summing to 1; ``None`` (default): equal.
    cutoffs
        ``(national, regional)``: the smallest total scores of the national and of the
        regional tier, with ``0 <= regional < national <= 1``. Default (0.75, 0.5).
    normalise
        How an indicator is put on [0, 1] across the clusters: ``"rank"`` (default;
        :math:`(\\mathrm{rank} - 1)/(n - 1)`, ties at their mean rank), ``"minmax"``
        (:math:`(x - \\min)/(\\max - \\min)`) or ``"zscore"`` (:math:`\\Phi(z)`, the
        standard normal distribution function of :math:`z = (x - \\bar x)/s`, :math:`s`
        with divisor :math:`n`).
    expert
        Optional expert scores: columns ``cluster`` (the same name as in ``table``),
        ``criterion`` and ``score``. Several rows for a cluster x criterion (several
        experts) are averaged. When given, every cluster needs a score on every criterion.
    expert_weight
        Share of a criterion's score that comes from the experts, in [0, 1]. Default 0.5.
    expert_scale
        ``"unit"`` (default): scores in [0, 1], used as they are. ``"likert5"``: scores
        1 … 5, rescaled to :math:`(s - 1)/4`.
    on_constant
        What to do with an indicator that takes one value across the clusters (or a single
        cluster), which ``normalise`` cannot place: ``"raise"`` (default) or ``"half"``
        (every cluster gets 0.5 on it: no information either way).

    Returns
    -------
    TierClassification
        ``clusters``, ``criteria`` and ``evidence`` tables (pandas).

    Raises
    ------
    MissingColumnsError
        When the cluster column or an indicator column is absent, from ``table`` or from
        ``expert``.
    InvalidInputError
        For non-string or duplicate cluster codes; missing or non-finite indicator values;
        empty criteria, an indicator in two criteria, or a criterion without indicators and
        without expert scores; weights not covering exactly the criteria, negative, or not
        summing to 1; bad cutoffs, ``expert_weight`` or options; expert scores out of
        their scale, for an unknown cluster or criterion, or missing for a cluster x
        criterion; or a constant indicator under ``on_constant="raise"``.

    Notes
    -----
    With :math:`v_{ci}` the normalised value of indicator :math:`i` for cluster :math:`c`,
    :math:`I_k` the :math:`m_k` indicators of criterion :math:`k`, :math:`x_{ck}` the expert
    score, :math:`\\alpha` = ``expert_weight`` and :math:`w_k` the criterion weights:

    .. math:: S_{ck} = (1 - \\alpha) \\frac{1}{m_k} \\sum_{i \\in I_k} v_{ci}
              + \\alpha\\, x_{ck}, \\qquad S_c = \\sum_k w_k S_{ck}

    (:math:`S_{ck}` is the indicator mean alone without experts, :math:`x_{ck}` alone
    without indicators). Tier: national when :math:`S_c \\ge` ``cutoffs[0]``, regional when
    :math:`S_c \\ge` ``cutoffs[1]``, otherwise potentially interesting (comparisons
    within 1e-12). Raising one indicator of one cluster never lowers that cluster's score,
    under each of the three normalisations.

    The scheme follows Denmark's identification of competence clusters (FORA / Erhvervs-
    og Boligstyrelsen, *A New Economy and its New Clusters*, 2001), which scored
    candidate clusters on four criteria (structure, competences, performance, cohesion)
    from statistics and 75 interviews with local experts and classed 29 of them as of
    national importance (11), regional importance (9) or potentially interesting (9), as
    the paper in ``seed/`` reports. The Danish classification was a qualitative judgement
    with no published numeric cut-offs: the default cutoffs (the top quarter and the upper
    half of the score scale), equal weights and ``expert_weight`` = 0.5 are Grappes'
    choices, to be set by whoever runs the exercise.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"cluster": ["a", "b", "c"], "size": [10.0, 5.0, 1.0],
    ...                   "links": [3.0, 1.0, 2.0]})
    >>> result = classify_tiers(t, criteria={"structure": ["size"], "cohesion": ["links"]})
    >>> result.clusters["tier"].tolist()
    ['national', 'potentially_interesting', 'potentially_interesting']
    >>> result.clusters["score"].tolist()
    [1.0, 0.25, 0.25]
    """
    who = "classify_tiers"
    _check_options(who, normalise=normalise, expert_scale=expert_scale, on_constant=on_constant)
    plan = _check_criteria(who, criteria, cluster=cluster)
    weight = _check_weights(who, weights, plan)
    national, regional = _check_cutoffs(who, cutoffs)
    if not (isinstance(expert_weight, int | float) and 0 <= expert_weight <= 1):
        raise InvalidInputError(f"{who}: expert_weight must be in [0, 1]; got {expert_weight!r}")
    indicators = [i for columns in plan.values() for i in columns]
    frame = _collect(table, who=who, cluster=cluster, values=indicators)
    if expert is None:
        lacking = [k for k, columns in plan.items() if not columns]
        if lacking:
            raise InvalidInputError(
                f"{who}: criterion {lacking[0]!r} has no indicator column; give expert scores "
                "for it (expert=...) or name its indicators"
            )
        scores = None
    else:
        scores = _expert_scores(
            expert,
            who=who,
            cluster=cluster,
            clusters=frame[cluster],
            plan=plan,
            scale=expert_scale,
        )
    clusters = frame[cluster].to_numpy()
    evidence_parts: list[pd.DataFrame] = []
    criterion_rows: list[pd.DataFrame] = []
    for criterion, columns in plan.items():
        alpha = 0.0 if scores is None else (1.0 if not columns else float(expert_weight))
        normalised = [
            _normalise(
                frame[c],
                who=who,
                name=c,
                how=normalise,
                on_constant=on_constant,
                clusters=frame[cluster],
            )
            for c in columns
        ]
        for column, values in zip(columns, normalised, strict=True):
            evidence_parts.append(
                pd.DataFrame(
                    {
                        "cluster": clusters,
                        "criterion": criterion,
                        "indicator": column,
                        "raw": frame[column].to_numpy(dtype="float64"),
                        "normalised": values,
                        "weight": weight[criterion] * (1 - alpha) / len(columns),
                    }
                )
            )
        indicator_score = np.mean(normalised, axis=0) if columns else np.full(len(frame), np.nan)
        if scores is None:
            expert_score = np.full(len(frame), np.nan)
            score = indicator_score
        else:
            raw, expert_score = (
                scores[criterion].reindex(clusters)["raw"].to_numpy(),
                scores[criterion].reindex(clusters)["normalised"].to_numpy(),
            )
            evidence_parts.append(
                pd.DataFrame(
                    {
                        "cluster": clusters,
                        "criterion": criterion,
                        "indicator": _EXPERT,
                        "raw": raw,
                        "normalised": expert_score,
                        "weight": weight[criterion] * alpha,
                    }
                )
            )
            score = (
                expert_score
                if not columns
                else (1 - alpha) * indicator_score + alpha * expert_score
            )
        criterion_rows.append(
            pd.DataFrame(
                {
                    "cluster": clusters,
                    "criterion": criterion,
                    "weight": weight[criterion],
                    "indicator_score": indicator_score,
                    "expert_score": expert_score,
                    "score": score,
                }
            )
        )
    criteria_table = pd.concat(criterion_rows, ignore_index=True)
    total = np.zeros(len(frame))
    for criterion in plan:
        part = criteria_table.loc[criteria_table["criterion"] == criterion, "score"]
        total = total + weight[criterion] * part.to_numpy()
    tier = np.where(
        total >= national - _TOLERANCE,
        TIERS[0],
        np.where(total >= regional - _TOLERANCE, TIERS[1], TIERS[2]),
    )
    summary = pd.DataFrame({"cluster": clusters, "score": total, "tier": tier})
    summary = summary.sort_values(
        ["score", "cluster"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    evidence = pd.concat(evidence_parts, ignore_index=True)
    evidence = evidence.sort_values(["cluster"], kind="stable").reset_index(drop=True)
    criteria_table = criteria_table.sort_values(["cluster"], kind="stable").reset_index(drop=True)
    for piece in (summary, criteria_table, evidence):
        piece["cluster"] = piece["cluster"].astype("str")
    return TierClassification(clusters=summary, criteria=criteria_table, evidence=evidence)


def _check_options(
    who: str, *, normalise: object, expert_scale: object, on_constant: object
) -> None:
    for name, value, allowed in (
        ("normalise", normalise, ("rank", "minmax", "zscore")),
        ("expert_scale", expert_scale, ("unit", "likert5")),
        ("on_constant", on_constant, ("raise", "half")),
    ):
        check_choice(who, name, value, allowed)


def _check_criteria(
    who: str, criteria: Mapping[str, Sequence[str]], *, cluster: str
) -> dict[str, tuple[str, ...]]:
    if not isinstance(criteria, Mapping) or not criteria:
        raise InvalidInputError(
            f"{who}: criteria must map at least one criterion to its indicator columns; "
            f"got {criteria!r}"
        )
    plan: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    for criterion, columns in criteria.items():
        if isinstance(columns, str):
            raise InvalidInputError(
                f"{who}: criterion {criterion!r} must map to a list of columns; got the "
                f"string {columns!r} (write [{columns!r}])"
            )
        plan[str(criterion)] = tuple(columns)
        for column in columns:
            if column == cluster:
                raise InvalidInputError(
                    f"{who}: the cluster column {cluster!r} cannot be an indicator "
                    f"(criterion {criterion!r})"
                )
            if column in owner:
                raise InvalidInputError(
                    f"{who}: indicator {column!r} appears in criteria {owner[column]!r} and "
                    f"{criterion!r}; an indicator may count towards one criterion only"
                )
            owner[column] = str(criterion)
    return plan


def _check_weights(
    who: str, weights: Mapping[str, float] | None, plan: Mapping[str, Sequence[str]]
) -> dict[str, float]:
    if weights is None:
        return {criterion: 1 / len(plan) for criterion in plan}
    missing = [k for k in plan if k not in weights]
    extra = [k for k in weights if k not in plan]
    if missing or extra:
        raise InvalidInputError(
            f"{who}: weights must give one weight per criterion ({', '.join(map(repr, plan))}); "
            f"missing {missing or 'none'}, unknown {extra or 'none'}"
        )
    for criterion, value in weights.items():
        if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
            raise InvalidInputError(
                f"{who}: the weight of criterion {criterion!r} must be a non-negative number; "
                f"got {value!r}"
            )
    total = math.fsum(weights.values())
    if abs(total - 1) > 1e-9:
        raise InvalidInputError(
            f"{who}: weights must sum to 1; got {total!r}. Divide them by their sum if the "
            "proportions are right"
        )
    return {criterion: float(weights[criterion]) for criterion in plan}


def _check_cutoffs(who: str, cutoffs: tuple[float, float]) -> tuple[float, float]:
    ok = (
        isinstance(cutoffs, tuple | list)
        and len(cutoffs) == 2
        and all(isinstance(c, int | float) and math.isfinite(c) for c in cutoffs)
        and 0 <= cutoffs[1] < cutoffs[0] <= 1
    )
    if not ok:
        raise InvalidInputError(
            f"{who}: cutoffs must be (national, regional) scores with 0 <= regional < "
            f"national <= 1, such as (0.75, 0.5); got {cutoffs!r}"
        )
    return float(cutoffs[0]), float(cutoffs[1])


def _collect(table: TableLike, *, who: str, cluster: str, values: Sequence[str]) -> pd.DataFrame:
    # Indicators may be negative (growth rates): prepare()'s non-negativity check does not
    # apply, so only codes and uniqueness go through it and finiteness is checked here.
    prepared = prepare(table, who=who, codes=(cluster,), values=())
    frame = table.copy() if isinstance(table, pd.DataFrame) else execute(prepared.table)
    missing = [c for c in values if c not in frame.columns]
    if missing:
        raise MissingColumnsError(
            f"{who}: missing indicator column(s) {', '.join(map(repr, missing))}; the table "
            f"has {', '.join(map(repr, frame.columns))}. Name the columns of each criterion "
            "in criteria={...}"
        )
    for column in values:
        if not pd.api.types.is_numeric_dtype(frame[column].dtype) or pd.api.types.is_bool_dtype(
            frame[column].dtype
        ):
            raise InvalidInputError(
                f"{who}: indicator column {column!r} must be numeric; got {frame[column].dtype}"
            )
        numbers = frame[column].astype("float64")
        bad = ~np.isfinite(numbers.to_numpy())
        if bad.any():
            first = frame.loc[bad].iloc[0]
            raise InvalidInputError(
                f"{who}: indicator column {column!r} must hold finite numbers; got "
                f"{int(bad.sum())} offending row(s) (first: {describe_row(first, [cluster])}; "
                f"{column}={plain(first[column])!r})"
            )
    return frame.reset_index(drop=True)


def _normalise(
    values: pd.Series,
    *,
    who: str,
    name: str,
    how: str,
    on_constant: str,
    clusters: pd.Series,
) -> np.ndarray:
    x = values.to_numpy(dtype="float64")
    if len(x) < 2 or np.all(x == x[0]):
        if on_constant == "half":
            return np.full(len(x), 0.5)
        raise InvalidInputError(
            f"{who}: indicator {name!r} takes one value ({plain(x[0])!r}) across the "
            f"{len(x)} cluster(s), so normalise={how!r} cannot place them; drop it or pass "
            "on_constant='half'"
        )
    if how == "rank":
        ranks = pd.Series(x).rank(method="average").to_numpy()
        return np.asarray((ranks - 1) / (len(x) - 1), dtype="float64")
    if how == "minmax":
        return np.asarray((x - x.min()) / (x.max() - x.min()), dtype="float64")
    # Scaled by the largest magnitude first: z is unchanged by scaling, and neither the
    # spread of values near the smallest floats (underflowing to 0) nor of values near the
    # largest (their squares overflowing) can break it.
    y = x / np.max(np.abs(x))
    z = (y - y.mean()) / y.std(ddof=0)
    return np.asarray(ndtr(z), dtype="float64")


def _expert_scores(
    expert: TableLike,
    *,
    who: str,
    cluster: str,
    clusters: pd.Series,
    plan: Mapping[str, Sequence[str]],
    scale: str,
) -> dict[str, pd.DataFrame]:
    name = f"{who} (expert)"
    prepared = prepare(
        expert, who=name, codes=(cluster, "criterion"), values=("score",), unique=False
    )
    frame = expert.copy() if isinstance(expert, pd.DataFrame) else execute(prepared.table)
    low, high = (0.0, 1.0) if scale == "unit" else (1.0, 5.0)
    score = frame["score"].astype("float64")
    outside = (score < low) | (score > high)
    if outside.any():
        first = frame.loc[outside].iloc[0]
        raise InvalidInputError(
            f"{name}: scores must lie in [{low:g}, {high:g}] (expert_scale={scale!r}); got "
            f"{int(outside.sum())} outside (first: {describe_row(first, [cluster, 'criterion'])}"
            f", score={plain(first['score'])!r})"
        )
    unknown_cluster = ~frame[cluster].isin(set(clusters))
    if unknown_cluster.any():
        raise InvalidInputError(
            f"{name}: cluster {frame.loc[unknown_cluster, cluster].iloc[0]!r} is not in the table"
        )
    unknown_criterion = ~frame["criterion"].isin(set(plan))
    if unknown_criterion.any():
        raise InvalidInputError(
            f"{name}: criterion {frame.loc[unknown_criterion, 'criterion'].iloc[0]!r} is not "
            f"one of the criteria ({', '.join(map(repr, plan))})"
        )
    means = frame.groupby([cluster, "criterion"])["score"].mean()
    result: dict[str, pd.DataFrame] = {}
    for criterion in plan:
        for code in clusters:
            if (code, criterion) not in means.index:
                raise InvalidInputError(
                    f"{name}: no expert score for cluster={code!r}, criterion={criterion!r}; "
                    "every cluster needs a score on every criterion (or pass expert=None)"
                )
        raw = means.xs(criterion, level="criterion").astype("float64")
        result[criterion] = pd.DataFrame({"raw": raw, "normalised": (raw - low) / (high - low)})
    return result
