"""Economic complexity: ECI of regions, PCI of sectors, complexity outlook and gain.

The presence matrix (which region has which sector, from the RCA) is aggregated by the user's
engine with Ibis; eigenvectors are not SQL, so that small region x sector matrix is brought
to numpy with :func:`grappes.engine.execute` and the rest is linear algebra. A pandas table
in gives a pandas table out; an Ibis table in gives an ``ibis.memtable`` of the (small)
result, which is in memory rather than on the input's engine.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import ibis
import numpy as np
import numpy.typing as npt

from grappes.engine import execute
from grappes.errors import InvalidInputError, check_choice
from grappes.indicators.inputs import TableLike, is_pandas, plain, prepare
from grappes.indicators.relatedness import (
    Diagonal,
    NoPresence,
    check_threshold,
    presence,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["complexity_outlook", "eci", "pci"]

Method = Literal["eigenvector", "reflections"]
Standardise = Literal["stata", "py-ecomplexity", "none"]
Vector = npt.NDArray[np.float64]

#: Relative gap below which two eigenvalues count as equal (the eigenvector is then not
#: unique, and no sign or ranking drawn from it would be either).
EIGENVALUE_GAP = 1e-9


def eci(
    table: TableLike,
    *,
    region: str = "region",
    sector: str = "sector",
    value: str = "employment",
    by: Sequence[str] = (),
    threshold: float = 1.0,
    method: Method = "eigenvector",
    standardise: Standardise = "stata",
    iterations: int = 200,
    on_no_presence: NoPresence = "raise",
) -> TableLike:
    """Return the economic complexity index (ECI) of every region.

    Parameters
    ----------
    table
        Long table, one row per region x sector (x ``by``): pandas or Ibis. A region x
        sector pair absent from the table has no employment, hence no presence.
    region, sector, value
        Names of the region code, sector code and value columns.
    by
        Further key columns to compute within, such as ``("year",)``.
    threshold
        The RCA at and above which a region has a sector (see
        :func:`grappes.indicators.relatedness.rca`).
    method
        ``"eigenvector"`` (default, Hausmann, Hidalgo et al. 2014) or ``"reflections"``
        (Hidalgo & Hausmann 2009: ``iterations`` rounds of the method of reflections started
        from the ubiquities, which converge on the same vector).
    standardise
        ``"stata"`` (default): z-score with the mean and standard deviation (``ddof=1``) of
        the long region x sector table, as the Stata ``ecomplexity`` command and the Atlas
        of Economic Complexity do. ``"py-ecomplexity"``: standard deviation with ``ddof=0``
        over regions, as py-ecomplexity 0.5.3 does (its values are those of ``"stata"``
        times :math:`\\sqrt{N_r N_s / (N_r N_s - 1)}`). ``"none"``: the raw vector
        :math:`k_r = (1/k_{r,0}) \\sum_s M_{rs} q_s` from the unit-length sector eigenvector
        :math:`q` (eigenvector method only).
    iterations
        Rounds of the method of reflections (each a region-to-sector-to-region step); used
        only with ``method="reflections"``.
    on_no_presence
        What to do with a region or sector that has no presence (RCA below the threshold
        everywhere, or a total of zero), for which the ECI is undefined: ``"raise"``
        (default, naming them) or ``"nan"`` (they are left out of the computation and get
        NaN, as both ``ecomplexity`` implementations do).

    Returns
    -------
    pandas.DataFrame or ibis.Table
        Columns ``region``, the ``by`` keys and ``eci``; a pandas table is sorted by its keys.
        For Ibis input, an ``ibis.memtable`` of the result.

    Raises
    ------
    MissingColumnsError
        When a named column is absent.
    InvalidInputError
        For non-string codes, missing, non-finite or negative values, duplicate keys, a bad
        option, threshold or number of iterations; a region or sector with no presence under
        ``on_no_presence="raise"``; fewer than two regions or sectors with presence; a
        region x sector network in several pieces, or a second eigenvalue that is not simple
        (the ECI is then not unique); or a vector uncorrelated with diversity (its sign is
        then undefined).

    Notes
    -----
    With :math:`M` the presence matrix, :math:`k_{r,0} = \\sum_s M_{rs}` the diversity of
    region :math:`r` and :math:`k_{s,0} = \\sum_r M_{rs}` the ubiquity of sector :math:`s`,

    .. math:: \\tilde M^{S}_{ss'} = \\frac{1}{k_{s,0}} \\sum_r \\frac{M_{rs} M_{rs'}}{k_{r,0}},
              \\qquad \\tilde M^{S} q = \\lambda_2 q,
              \\qquad k_r = \\frac{1}{k_{r,0}} \\sum_s M_{rs} q_s,

    with :math:`q` the eigenvector of the second largest eigenvalue. :math:`k` is the
    eigenvector of :math:`\\tilde M^{R} = D^{-1} M U^{-1} M^\\top` for the same eigenvalue.
    The sign is chosen so that :math:`k` correlates positively with diversity (the Atlas's
    convention: diversified regions are complex). Then

    .. math:: ECI_r = \\frac{k_r - \\langle k \\rangle}{\\mathrm{sd}(k)}.

    Hidalgo & Hausmann (2009), "The building blocks of economic complexity", *PNAS*
    106(26); Hausmann, Hidalgo et al. (2014), *The Atlas of Economic Complexity*, MIT Press.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"region": list("AAABBC"), "sector": list("xyzxyx"),
    ...                   "employment": [1.0] * 6})
    >>> eci(t, threshold=0.5).set_index("region")["eci"].round(4)[["A", "C"]].tolist()
    [1.1547, -1.1547]
    """
    who = "eci"
    by = tuple(by)
    rows = []
    for group in _complexity(
        table,
        who=who,
        region=region,
        sector=sector,
        value=value,
        by=by,
        threshold=threshold,
        method=method,
        standardise=standardise,
        iterations=iterations,
        on_no_presence=on_no_presence,
    ):
        frame = _frame({region: group.regions, "eci": group.eci_all})
        rows.append(_with_keys(frame, by, group.key))
    return _finish(rows, table, columns=[region, *by, "eci"], order_by=[*by, region])


def pci(
    table: TableLike,
    *,
    region: str = "region",
    sector: str = "sector",
    value: str = "employment",
    by: Sequence[str] = (),
    threshold: float = 1.0,
    method: Method = "eigenvector",
    standardise: Standardise = "stata",
    iterations: int = 200,
    on_no_presence: NoPresence = "raise",
) -> TableLike:
    """Return the product (here: sector) complexity index (PCI) of every sector.

    Parameters
    ----------
    table, region, sector, value, by, threshold, method, iterations, on_no_presence
        As for :func:`eci`.
    standardise
        As for :func:`eci`: the PCI is standardised with the mean and standard deviation of
        the regions' :math:`k` (not its own), so that a region's ECI is the mean PCI of the
        sectors it has. ``"none"`` gives the unit-length eigenvector :math:`q`.

    Returns
    -------
    pandas.DataFrame or ibis.Table
        Columns ``sector``, the ``by`` keys and ``pci``; a pandas table is sorted by its keys.
        For Ibis input, an ``ibis.memtable`` of the result.

    Raises
    ------
    MissingColumnsError, InvalidInputError
        As for :func:`eci`.

    Notes
    -----
    With :math:`q`, :math:`k` and :math:`\\lambda_2` as in :func:`eci`,

    .. math:: PCI_s = \\frac{q_s - \\langle k \\rangle}{\\mathrm{sd}(k)},
              \\qquad q = \\frac{1}{\\lambda_2} U^{-1} M^\\top k,

    so the PCI correlates +1 with :math:`(1/k_{s,0}) \\sum_r M_{rs} ECI_r` and
    :math:`ECI_r = (1/k_{r,0}) \\sum_s M_{rs} PCI_s`. The sign follows the ECI's: rare sectors
    held by diversified regions are complex. (Some packages return the PCI reversed; this
    sign is the Atlas's and both ``ecomplexity`` implementations'.) Hausmann, Hidalgo et al.
    (2014), *The Atlas of Economic Complexity*, MIT Press.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"region": list("AAABBC"), "sector": list("xyzxyx"),
    ...                   "employment": [1.0] * 6})
    >>> pci(t, threshold=0.5)["pci"].round(4).tolist()
    [-1.1547, 1.1547, 3.4641]
    """
    who = "pci"
    by = tuple(by)
    rows = []
    for group in _complexity(
        table,
        who=who,
        region=region,
        sector=sector,
        value=value,
        by=by,
        threshold=threshold,
        method=method,
        standardise=standardise,
        iterations=iterations,
        on_no_presence=on_no_presence,
    ):
        frame = _frame({sector: group.sectors, "pci": group.pci_all})
        rows.append(_with_keys(frame, by, group.key))
    return _finish(rows, table, columns=[sector, *by, "pci"], order_by=[*by, sector])


def complexity_outlook(
    table: TableLike,
    *,
    region: str = "region",
    sector: str = "sector",
    value: str = "employment",
    by: Sequence[str] = (),
    threshold: float = 1.0,
    method: Method = "eigenvector",
    standardise: Standardise = "stata",
    diagonal: Diagonal = "zero",
    iterations: int = 200,
    on_no_presence: NoPresence = "raise",
) -> TableLike:
    """Return the complexity outlook index of every region and the outlook gain of every
    region x sector.

    Parameters
    ----------
    table, region, sector, value, by, threshold, method, iterations, on_no_presence
        As for :func:`eci`.
    standardise
        ``"stata"`` (default): the COI is z-scored with the mean and standard deviation
        (``ddof=1``) of the long region x sector table and the COG divided by the standard
        deviation of the regions' :math:`k`, as the Stata ``ecomplexity`` command does.
        ``"py-ecomplexity"``: the same with ``ddof=0`` over regions (py-ecomplexity 0.5.3).
        ``"none"``: the sums below, unscaled.
    diagonal
        The proximity of a sector to itself in the density and the gain (see
        :func:`grappes.indicators.relatedness.relatedness_density`): ``"zero"`` (default,
        Stata ``ecomplexity``; ``"omit"`` is the same) or ``"one"`` (py-ecomplexity 0.5.3).

    Returns
    -------
    pandas.DataFrame or ibis.Table
        Columns ``region``, ``sector``, the ``by`` keys, ``coi`` (the region's, repeated on
        each of its rows) and ``cog``, for every region x sector pair; a pandas table is
        sorted by its keys. For Ibis input, an ``ibis.memtable`` of the result.

    Raises
    ------
    MissingColumnsError, InvalidInputError
        As for :func:`eci`.

    Notes
    -----
    With :math:`q` the signed unit-length sector eigenvector of :func:`eci`,
    :math:`\\varphi` the proximity and :math:`\\omega_{rs}` the relatedness density of
    :mod:`grappes.indicators.relatedness`,

    .. math:: COI_r = \\sum_s \\omega_{rs} (1 - M_{rs})\\, q_s, \\qquad
              COG_{rs} = (1 - M_{rs}) \\sum_{s'} \\frac{\\varphi_{s s'}}
              {\\sum_{s''} \\varphi_{s'' s'}} (1 - M_{rs'})\\, q_{s'},

    then standardised as ``standardise`` says. These are the formulas of the Atlas of
    Economic Complexity (Hausmann, Hidalgo et al. 2014, where the outlook index is the
    "opportunity value"), with the density written :math:`\\omega = 1 - d` for the Atlas's
    distance :math:`d`, as the Stata ``ecomplexity`` command (the Atlas's own code) computes
    them: with the raw eigenvector :math:`q` in place of the standardised PCI, and with the
    gain set to 0 for sectors the region already has (the Atlas's gain also subtracts
    :math:`\\omega_{rs} PCI_s`; the command leaves that term out).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"region": list("AAABBC"), "sector": list("xyzxyx"),
    ...                   "employment": [1.0] * 6})
    >>> out = complexity_outlook(t, threshold=0.5)
    >>> out.groupby("region")["coi"].first().round(4).tolist()
    [-1.1862, 1.1203, 0.0659]
    """
    who = "complexity_outlook"
    by = tuple(by)
    check_choice(who, "diagonal", diagonal, Diagonal)
    rows = []
    for group in _complexity(
        table,
        who=who,
        region=region,
        sector=sector,
        value=value,
        by=by,
        threshold=threshold,
        method=method,
        standardise=standardise,
        iterations=iterations,
        on_no_presence=on_no_presence,
    ):
        coi, cog = _outlook(group, diagonal=diagonal)
        n_regions, n_sectors = len(group.regions), len(group.sectors)
        frame = _frame(
            {
                region: np.repeat(group.regions, n_sectors),
                sector: np.tile(group.sectors, n_regions),
                "coi": np.repeat(coi, n_sectors),
                "cog": cog.ravel(),
            }
        )
        rows.append(_with_keys(frame, by, group.key))
    return _finish(
        rows, table, columns=[region, sector, *by, "coi", "cog"], order_by=[*by, region, sector]
    )


@dataclass(frozen=True)
class _Group:
    """One ``by`` group: the presence matrix and its complexity vectors.

    ``regions`` and ``sectors`` list every code of the group; ``kept_r`` and ``kept_s`` mark
    those with presence, over which ``presence``, ``k`` and ``q`` are defined.
    """

    key: tuple[object, ...]
    regions: npt.NDArray[np.str_]
    sectors: npt.NDArray[np.str_]
    kept_r: npt.NDArray[np.bool_]
    kept_s: npt.NDArray[np.bool_]
    presence: npt.NDArray[np.float64]
    k: Vector
    q: Vector
    centre: float
    spread: float
    standardise: Standardise

    @property
    def eci_all(self) -> Vector:
        return _spread_out((self.k - self.centre) / self.spread, self.kept_r)

    @property
    def pci_all(self) -> Vector:
        return _spread_out((self.q - self.centre) / self.spread, self.kept_s)


def _complexity(
    table: TableLike,
    *,
    who: str,
    region: str,
    sector: str,
    value: str,
    by: tuple[str, ...],
    threshold: float,
    method: Method,
    standardise: Standardise,
    iterations: int,
    on_no_presence: NoPresence,
) -> Iterator[_Group]:
    check_threshold(threshold, who=who)
    check_choice(who, "method", method, Method)
    check_choice(who, "standardise", standardise, Standardise)
    check_choice(who, "on_no_presence", on_no_presence, NoPresence)
    if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 1:
        raise InvalidInputError(f"{who}: iterations must be a positive integer; got {iterations!r}")
    if method == "reflections" and standardise == "none":
        raise InvalidInputError(
            f"{who}: the method of reflections gives a vector with no fixed scale or centre; "
            "use standardise='stata' or 'py-ecomplexity' with it, or method='eigenvector'"
        )
    prepared = prepare(table, who=who, codes=(region, sector), by=by, values=(value,))
    present = presence(
        prepared.table,
        who=who,
        region=region,
        sector=sector,
        value=value,
        by=by,
        threshold=threshold,
        on_zero_total="nan",
    )
    long = execute(present.select(*by, region, sector, "presence"))
    groups = long.groupby(list(by), sort=True) if by else [((), long)]
    for key, part in groups:
        key_tuple = key if isinstance(key, tuple) else (key,)
        yield _group(
            part,
            key=key_tuple,
            who=who,
            region=region,
            sector=sector,
            by=by,
            method=method,
            standardise=standardise,
            iterations=iterations,
            on_no_presence=on_no_presence,
        )


def _group(
    part: pd.DataFrame,
    *,
    key: tuple[object, ...],
    who: str,
    region: str,
    sector: str,
    by: tuple[str, ...],
    method: Method,
    standardise: Standardise,
    iterations: int,
    on_no_presence: NoPresence,
) -> _Group:
    named = ", ".join(f"{name}={plain(v)!r}" for name, v in zip(by, key, strict=True))
    where = f" in {named}" if by else ""
    # Codes sorted, so the matrix (and every float that follows) does not depend on row order.
    regions = np.array(sorted(part[region].unique()), dtype=str)
    sectors = np.array(sorted(part[sector].unique()), dtype=str)
    matrix = np.zeros((len(regions), len(sectors)))
    held = part[part["presence"] == 1]
    matrix[np.searchsorted(regions, held[region]), np.searchsorted(sectors, held[sector])] = 1.0
    kept_r = matrix.sum(axis=1) > 0
    kept_s = matrix.sum(axis=0) > 0
    if on_no_presence == "raise" and not (kept_r.all() and kept_s.all()):
        raise InvalidInputError(
            f"{who}: every region and every sector must have a presence (RCA >= threshold) "
            f"somewhere{where}; {_absent_both(regions, kept_r, sectors, kept_s)}. Lower the "
            "threshold, drop them, "
            "or pass on_no_presence='nan'."
        )
    m = matrix[np.ix_(kept_r, kept_s)]
    if m.shape[0] < 2 or m.shape[1] < 2:
        raise InvalidInputError(
            f"{who}: needs at least 2 regions and 2 sectors with presence{where}; "
            f"got {m.shape[0]} region(s) and {m.shape[1]} sector(s)"
        )
    q = _sector_vector(m, who=who, where=where, method=method, iterations=iterations)
    diversity = m.sum(axis=1)
    k = (m @ q) / diversity
    sign = _sign(diversity, k, who=who, where=where)
    k, q = sign * k, sign * q
    centre, spread = _scale(k, n_sectors=m.shape[1], standardise=standardise)
    return _Group(
        key=key,
        regions=regions,
        sectors=sectors,
        kept_r=kept_r,
        kept_s=kept_s,
        presence=m,
        k=k,
        q=q,
        centre=centre,
        spread=spread,
        standardise=standardise,
    )


def _sector_vector(
    m: npt.NDArray[np.float64], *, who: str, where: str, method: Method, iterations: int
) -> Vector:
    """The sector eigenvector q of the second largest eigenvalue, of unit length."""
    diversity = m.sum(axis=1)
    ubiquity = m.sum(axis=0)
    # M~S = U^-1 M' D^-1 M is similar to the symmetric U^-1/2 M' D^-1 M U^-1/2, whose
    # eigenvalues eigh gives real and sorted, and whose eigenvectors map back by U^-1/2.
    root = np.sqrt(ubiquity)
    symmetric = (m / root).T @ (m / root / diversity[:, None])
    values, vectors = np.linalg.eigh((symmetric + symmetric.T) / 2)
    top, second = values[-1], values[-2]
    if top - second <= EIGENVALUE_GAP * top:
        raise InvalidInputError(
            f"{who}: the region x sector network{where} falls into several unconnected "
            "pieces (no region links some sectors to the others), so the ECI is not unique; "
            "compute each piece on its own"
        )
    if len(values) > 2 and second - values[-3] <= EIGENVALUE_GAP * top:
        raise InvalidInputError(
            f"{who}: the second eigenvalue of the sector matrix{where} is not simple "
            f"({second:.12g} twice), so the ECI is not unique"
        )
    if method == "eigenvector":
        q = vectors[:, -2] / root
    else:
        transition = (m / ubiquity).T @ (m / diversity[:, None])
        q = ubiquity.astype(float)
        for _ in range(iterations):
            q = transition @ q
            # The rows of M~S sum to 1, so centring and scaling each round changes nothing in
            # the standardised result; it only keeps the vector from collapsing to a constant.
            q = q - q.mean()
            size = np.linalg.norm(q)
            if size == 0:
                raise InvalidInputError(
                    f"{who}: the method of reflections{where} reached a constant vector; "
                    "use method='eigenvector'"
                )
            q = q / size
    result: Vector = q / np.linalg.norm(q)
    return result


def _sign(diversity: Vector, k: Vector, *, who: str, where: str) -> float:
    if np.ptp(diversity) == 0 or np.ptp(k) == 0:
        correlation = 0.0
    else:
        correlation = float(np.corrcoef(diversity, k)[0, 1])
    if abs(correlation) < 1e-12:
        raise InvalidInputError(
            f"{who}: the complexity vector{where} is uncorrelated with the regions' diversity, "
            "so its sign (which way is complex) is undefined"
        )
    return 1.0 if correlation > 0 else -1.0


def _scale(k: Vector, *, n_sectors: int, standardise: Standardise) -> tuple[float, float]:
    if standardise == "none":
        return 0.0, 1.0
    centre = float(k.mean())
    squares = float(((k - centre) ** 2).sum())
    if standardise == "stata":
        # Stata's `summarize` over the long table: each region's value repeated once per
        # sector, N_r * N_s rows, with ddof = 1.
        spread = np.sqrt(squares * n_sectors / (len(k) * n_sectors - 1))
    else:
        spread = np.sqrt(squares / len(k))
    return centre, float(spread)


def _outlook(group: _Group, *, diagonal: Diagonal) -> tuple[Vector, npt.NDArray[np.float64]]:
    """COI per region and COG per region x sector (all codes of the group; NaN if left out)."""
    m = group.presence
    ubiquity = m.sum(axis=0)
    together = m.T @ m
    phi = together / np.maximum.outer(ubiquity, ubiquity)
    if diagonal != "one":
        np.fill_diagonal(phi, 0.0)
    # A connected network (checked with the eigenvalues) leaves no sector without a
    # neighbour, so no total is zero even with the diagonal at zero.
    totals = phi.sum(axis=0)
    absent = 1.0 - m
    # density[r, s] = Σ_k M_rk φ_ks / Σ_j φ_js
    density = m @ (phi / totals[None, :])
    # gain[r, s] = Σ_k (1 - M_rk) φ_ks q_k / Σ_j φ_jk: each sector k the region lacks
    # shares its q among its neighbours s in proportion to their proximity to it.
    shares = phi * (group.q / totals)[:, None]
    coi = (density * absent) @ group.q
    cog = absent * (absent @ shares)
    if group.standardise == "none":
        coi_scaled, cog_scaled = coi, cog
    else:
        centre, spread = _scale(coi, n_sectors=m.shape[1], standardise=group.standardise)
        coi_scaled = (coi - centre) / spread
        cog_scaled = cog / group.spread
    # Held sectors have a gain of 0 (times a negative q it is -0.0, which would print "-0").
    cog_scaled = cog_scaled + 0.0
    coi_all = _spread_out(coi_scaled, group.kept_r)
    cog_all = np.full((len(group.regions), len(group.sectors)), np.nan)
    cog_all[np.ix_(group.kept_r, group.kept_s)] = cog_scaled
    return coi_all, cog_all


def _spread_out(values: Vector, kept: npt.NDArray[np.bool_]) -> Vector:
    """Values for the kept codes, NaN for the others, in the order of all codes."""
    out = np.full(len(kept), np.nan)
    out[kept] = values
    return out


def _absent(what: str, codes: npt.NDArray[np.str_], kept: npt.NDArray[np.bool_]) -> str:
    missing = codes[~kept]
    if not len(missing):
        return ""
    shown = ", ".join(map(repr, missing[:5].tolist())) + (" …" if len(missing) > 5 else "")
    return f"got {len(missing)} {what}(s) with none ({shown})"


def _absent_both(
    regions: npt.NDArray[np.str_],
    kept_r: npt.NDArray[np.bool_],
    sectors: npt.NDArray[np.str_],
    kept_s: npt.NDArray[np.bool_],
) -> str:
    parts = [_absent("region", regions, kept_r), _absent("sector", sectors, kept_s)]
    return "; ".join(part for part in parts if part)


def _frame(columns: dict[str, object]) -> pd.DataFrame:
    import pandas as pd  # the group came from execute: already imported

    return pd.DataFrame(columns)


def _with_keys(frame: pd.DataFrame, by: tuple[str, ...], key: tuple[object, ...]) -> pd.DataFrame:
    keyed = frame.copy()
    import pandas as pd  # the frames are pandas: already imported

    for name, value in zip(by, key, strict=True):
        keyed[name] = pd.Series([value] * len(keyed), index=keyed.index)
    return keyed


def _finish(
    parts: list[pd.DataFrame], table: TableLike, *, columns: list[str], order_by: list[str]
) -> TableLike:
    import pandas as pd  # the frames are pandas: already imported

    frame = pd.concat(parts, ignore_index=True)[columns]
    if is_pandas(table):
        return frame.sort_values(order_by, kind="stable").reset_index(drop=True)
    return ibis.memtable(frame)
