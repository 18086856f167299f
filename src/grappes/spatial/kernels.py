"""Numba kernels: pair distances binned into histograms, neighbourhood counts, relabelling.

Nothing here stores a distance per pair: memory is O(n + bins) whatever the number of pairs.
Simulations run in parallel with ``numba.prange``, one simulation per iteration; each
iteration seeds numba's (thread-local) generator with its own seed, so the result does not
depend on how iterations are spread over threads.

Conventions
-----------
- A **relabelling** (dbmss' "random location" null) permutes the marks and weights of the
  points over the fixed set of sites: point ``p`` moves to a site drawn without replacement.
  Only the points that matter (reference, and neighbour when different) are drawn, by a
  partial Fisher–Yates shuffle of the site indices.
- Histograms have ``nbins`` bins of width ``delta`` from 0; a distance ``d`` falls in bin
  ``floor(d / delta)``; distances at or beyond ``nbins * delta`` are not binned.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

_SQRT_2PI = math.sqrt(2.0 * math.pi)
#: Gaussian kernels are truncated at this many bandwidths (exp(-32) ~ 1e-14).
KERNEL_REACH = 8.0


@njit(cache=True)
def _draw_sites(n_sites: int, n_draw: int) -> np.ndarray:  # pragma: no cover - numba
    sites = np.arange(n_sites)
    for a in range(n_draw):
        # numba implements only the legacy np.random API (thread-local state, seeded per
        # simulation); numpy Generators are not available inside njit code.
        j = np.random.randint(a, n_sites)  # noqa: NPY002
        tmp = sites[a]
        sites[a] = sites[j]
        sites[j] = tmp
    return sites


@njit(cache=True, fastmath=True)
def _scaled_distances(
    xs: np.ndarray, ys: np.ndarray, start: int, xa: float, ya: float, inv: float, buf: np.ndarray
) -> int:  # pragma: no cover - numba
    # Distances from (xa, ya) to points start.. in units of bins, into buf: a branch-free
    # loop that LLVM vectorises (SIMD sqrt), kept apart from the scatter into the histogram.
    m = xs.shape[0] - start
    for b in range(m):
        dx = xs[start + b] - xa
        dy = ys[start + b] - ya
        buf[b] = math.sqrt(dx * dx + dy * dy) * inv
    return m


@njit(cache=True)
def _pair_histogram(
    xr: np.ndarray,
    yr: np.ndarray,
    wr: np.ndarray,
    xn: np.ndarray,
    yn: np.ndarray,
    wn: np.ndarray,
    univariate: bool,
    weighted: bool,
    delta: float,
    nbins: int,
    hist_n: np.ndarray,
    hist_w: np.ndarray,
) -> None:  # pragma: no cover - numba
    """Add every reference×neighbour pair distance below ``nbins*delta`` to the histograms.

    Univariate: unordered pairs among the reference points. ``hist_n`` counts pairs,
    ``hist_w`` sums the products of weights (only when ``weighted``). Both have
    ``nbins + 1`` entries: the last one collects the pairs beyond the range.
    """
    inv = 1.0 / delta
    limit = float(nbins)
    m = xr.shape[0]
    xs = xr if univariate else xn
    ys = yr if univariate else yn
    ws = wr if univariate else wn
    buf = np.empty(xs.shape[0])
    for a in range(m):
        start = a + 1 if univariate else 0
        count = _scaled_distances(xs, ys, start, xr[a], yr[a], inv, buf)
        if weighted:
            wa = wr[a]
            for b in range(count):
                # Branch-free: distances beyond the range land in the overflow bin nbins.
                k = int(min(buf[b], limit))
                hist_n[k] += 1.0
                hist_w[k] += wa * ws[start + b]
        else:
            for b in range(count):
                hist_n[int(min(buf[b], limit))] += 1.0


@njit(cache=True)
def _hist_quantile(hist: np.ndarray, delta: float, limit: int, total: float, q: float) -> float:
    # Type-7 quantile of values known only by bin; values in a bin are taken evenly spread.
    pos = (total - 1.0) * q
    lo = math.floor(pos)
    frac = pos - lo
    v0 = _order_statistic(hist, delta, limit, lo)
    if frac == 0.0:
        return v0
    v1 = _order_statistic(hist, delta, limit, lo + 1.0)
    return v0 + frac * (v1 - v0)


@njit(cache=True)
def _order_statistic(
    hist: np.ndarray, delta: float, limit: int, index: float
) -> float:  # pragma: no cover - numba
    cum = 0.0
    for b in range(limit):
        c = hist[b]
        if c > 0 and cum + c > index:
            return (b + (index - cum + 0.5) / c) * delta
        cum += c
    return limit * delta


@njit(cache=True)
def silverman_from_histogram(
    hist: np.ndarray, delta: float, limit: int
) -> float:  # pragma: no cover - numba
    """R's ``bw.nrd0`` of the distances counted in ``hist[:limit]`` (NaN if fewer than 2).

    Mean and variance use bin centres (Sheppard error delta²/12); quartiles interpolate
    within bins.
    """
    total = 0.0
    s1 = 0.0
    for b in range(limit):
        total += hist[b]
        s1 += hist[b] * (b + 0.5)
    if total < 2.0:
        return math.nan
    mean = s1 / total
    s2 = 0.0
    for b in range(limit):
        if hist[b] > 0:
            u = b + 0.5 - mean
            s2 += hist[b] * u * u
    sd = math.sqrt(s2 / (total - 1.0)) * delta
    iqr = _hist_quantile(hist, delta, limit, total, 0.75) - _hist_quantile(
        hist, delta, limit, total, 0.25
    )
    lo = min(sd, iqr / 1.34)
    if lo == 0.0:
        lo = sd
    if lo == 0.0:
        lo = mean * delta
    if lo == 0.0:
        lo = 1.0
    return 0.9 * lo * total**-0.2


@njit(cache=True)
def kde_from_histogram(
    hist: np.ndarray,
    delta: float,
    h: float,
    r: np.ndarray,
    total: float,
    out: np.ndarray,
) -> None:  # pragma: no cover - numba
    """Reflected Gaussian KDE of binned distances at ``r``, as dbmss ``Kdhat`` defines it.

    The fine histogram is first merged into bins no wider than ``h / 40``; each merged bin
    counts at the centroid ``m_b`` of its fine bins (so the first-order binning error
    vanishes). Bins with ``m_b <= 4h`` are reflected at 0, and the estimate is renormalised
    by its mass on [0, ∞)::

        out[k] = (Σ_b c_b φ_h(r_k − m_b) + Σ_{m_b ≤ 4h} c_b φ_h(r_k + m_b))
                 / (Σ_b c_b Φ(m_b / h) + Σ_{m_b ≤ 4h} c_b Φ(−m_b / h) + (total − Σ_b c_b))

    where ``total`` is the weight of all pairs, the unbinned ones (beyond the histogram)
    counting with Φ = 1.
    """
    nbins = hist.shape[0]
    m = max(1, int(h / 40.0 / delta))
    dc = m * delta
    nc = (nbins + m - 1) // m
    coarse = np.zeros(nc)
    centre = np.zeros(nc)
    for b in range(nbins):
        coarse[b // m] += hist[b]
        centre[b // m] += hist[b] * (b + 0.5)
    for c in range(nc):
        if coarse[c] != 0.0:
            centre[c] = centre[c] / coarse[c] * delta
    binned = 0.0
    mass = 0.0
    for c in range(nc):
        if coarse[c] != 0.0:
            binned += coarse[c]
            mass += coarse[c] * _phi_cdf(centre[c] / h)
            if centre[c] <= 4.0 * h:
                mass += coarse[c] * _phi_cdf(-centre[c] / h)
    mass += total - binned
    norm = 1.0 / (mass * h * _SQRT_2PI)
    reach = KERNEL_REACH * h
    for k in range(r.shape[0]):
        rk = r[k]
        lo = max(0, int((rk - reach) / dc) - 1)
        hi = min(nc, int((rk + reach) / dc) + 2)
        s = 0.0
        for c in range(lo, hi):
            if coarse[c] != 0.0:
                u = (rk - centre[c]) / h
                s += coarse[c] * math.exp(-0.5 * u * u)
        hi_ref = min(nc, int((reach - rk) / dc) + 2)
        for c in range(0, hi_ref):
            if coarse[c] != 0.0 and centre[c] <= 4.0 * h:
                u = (rk + centre[c]) / h
                s += coarse[c] * math.exp(-0.5 * u * u)
        out[k] = s * norm


@njit(cache=True)
def _phi_cdf(z: float) -> float:  # pragma: no cover - numba
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


@njit(cache=True)
def _kd_total(wr: np.ndarray, wn: np.ndarray, univariate: bool, weighted: bool) -> float:
    # Total weight of ALL pairs (near and far): the KDE's normalising constant.
    if univariate:
        if not weighted:
            n = wr.shape[0]
            return n * (n - 1) / 2.0
        s = wr.sum()
        return (s * s - (wr * wr).sum()) / 2.0
    if not weighted:
        return float(wr.shape[0]) * float(wn.shape[0])
    return wr.sum() * wn.sum()


@njit(cache=True)
def kd_curve(
    xr: np.ndarray,
    yr: np.ndarray,
    wr: np.ndarray,
    xn: np.ndarray,
    yn: np.ndarray,
    wn: np.ndarray,
    univariate: bool,
    weighted: bool,
    delta: float,
    nbins: int,
    limit: int,
    r: np.ndarray,
    fixed_h: float,
    out: np.ndarray,
) -> float:  # pragma: no cover - numba
    """Binned Kd of one pattern into ``out``; returns the bandwidth used.

    The bandwidth is ``fixed_h`` when positive, else Silverman's rule on the distances in
    bins ``[0, limit)`` (that is, below 2·max(r)).
    """
    hist_n = np.zeros(nbins + 1)
    hist_w = np.zeros(nbins + 1) if weighted else hist_n
    _pair_histogram(xr, yr, wr, xn, yn, wn, univariate, weighted, delta, nbins, hist_n, hist_w)
    h = fixed_h if fixed_h > 0 else silverman_from_histogram(hist_n, delta, limit)
    if not h > 0:
        out[:] = math.nan
        return h
    total = _kd_total(wr, wn, univariate, weighted)
    kde_from_histogram(hist_w[:nbins], delta, h, r, total, out)
    return h


@njit(parallel=True, cache=True)
def kd_simulations(
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    ref_points: np.ndarray,
    nb_points: np.ndarray,
    univariate: bool,
    weighted: bool,
    delta: float,
    nbins: int,
    limit: int,
    r: np.ndarray,
    fixed_h: float,
    seeds: np.ndarray,
    out: np.ndarray,
    bandwidths: np.ndarray,
) -> None:  # pragma: no cover - numba
    """Kd of ``seeds.size`` relabelled patterns: row ``s`` of ``out`` for seed ``seeds[s]``.

    ``ref_points`` / ``nb_points`` index the points of each type (``nb_points`` is unused
    when ``univariate``); each keeps its weight and moves to a random site.
    """
    n = x.shape[0]
    nr = ref_points.shape[0]
    nn = 0 if univariate else nb_points.shape[0]
    for s in prange(seeds.shape[0]):
        np.random.seed(seeds[s])  # noqa: NPY002 - see _draw_sites
        sites = _draw_sites(n, nr + nn)
        xr = np.empty(nr)
        yr = np.empty(nr)
        wr = np.empty(nr)
        for a in range(nr):
            xr[a] = x[sites[a]]
            yr[a] = y[sites[a]]
            wr[a] = w[ref_points[a]]
        xn = np.empty(nn)
        yn = np.empty(nn)
        wn = np.empty(nn)
        for b in range(nn):
            xn[b] = x[sites[nr + b]]
            yn[b] = y[sites[nr + b]]
            wn[b] = w[nb_points[b]]
        row = np.empty(r.shape[0])
        bandwidths[s] = kd_curve(
            xr, yr, wr, xn, yn, wn, univariate, weighted, delta, nbins, limit, r, fixed_h, row
        )
        out[s, :] = row


@njit(parallel=True, cache=True)
def pair_throughput_probe(x: np.ndarray, y: np.ndarray, repeats: int) -> float:
    """Sum of all unordered pair distances, ``repeats`` times in parallel (benchmarks only).

    The same SIMD distance loop as the Kd kernel, without the histogram: an upper bound of
    the pair throughput any binning kernel can reach on this machine.
    """
    n = x.shape[0]
    acc = np.zeros(repeats)
    for s in prange(repeats):
        buf = np.empty(n)
        t = 0.0
        for a in range(n):
            count = _scaled_distances(x, y, a + 1, x[a], y[a], 1.0, buf)
            for b in range(count):
                t += buf[b]
        acc[s] = t
    return acc.sum()


# ----------------------------------------------------------------------------------------
# Neighbourhoods (M and m): a cell grid over the fixed sites, built once
# ----------------------------------------------------------------------------------------


def build_grid(
    x: np.ndarray, y: np.ndarray, cell: float, max_cells: int = 4_000_000
) -> tuple[np.ndarray, np.ndarray, float, float, float, int, int]:
    """Sort sites into square cells of side >= ``cell``.

    Returns ``order`` (site indices sorted by cell), ``starts`` (cell ``c`` holds
    ``order[starts[c]:starts[c + 1]]``), the origin, the cell side and the grid shape.
    """
    x0 = float(x.min())
    y0 = float(y.min())
    width = max(float(x.max()) - x0, 1e-300)
    height = max(float(y.max()) - y0, 1e-300)
    side = max(cell, 1e-300)
    while True:
        ncx = int(width // side) + 1
        ncy = int(height // side) + 1
        if ncx * ncy <= max_cells:
            break
        side *= 2.0
    cx = np.minimum((x - x0) // side, ncx - 1).astype(np.int64)
    cy = np.minimum((y - y0) // side, ncy - 1).astype(np.int64)
    cid = cy * ncx + cx
    order = np.argsort(cid, kind="stable").astype(np.int64)
    counts = np.bincount(cid, minlength=ncx * ncy)
    starts = np.zeros(ncx * ncy + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    return order, starts, x0, y0, side, ncx, ncy


@njit(cache=True)
def _m_counts_one(
    x: np.ndarray,
    y: np.ndarray,
    site_w: np.ndarray,
    site_ref: np.ndarray,
    site_nb: np.ndarray,
    univariate: bool,
    w_ref_total: float,
    w_nb_total: float,
    w_total: float,
    order: np.ndarray,
    starts: np.ndarray,
    x0: float,
    y0: float,
    side: float,
    ncx: int,
    ncy: int,
    r2: np.ndarray,
    num: np.ndarray,
    den: np.ndarray,
) -> None:  # pragma: no cover - numba
    """Accumulate dbmss Mhat's sums Σ_i LocalRatio_i(r) and Σ_i GlobalRatio_i (finite only)."""
    nr = r2.shape[0]
    r2max = r2[nr - 1]
    reach = math.ceil(math.sqrt(r2max) / side)
    nbd_int = np.zeros(nr)
    nbd_all = np.zeros(nr)
    n = x.shape[0]
    for i in range(n):
        if not site_ref[i]:
            continue
        nbd_int[:] = 0.0
        nbd_all[:] = 0.0
        xi = x[i]
        yi = y[i]
        cx = min(int((xi - x0) // side), ncx - 1)
        cy = min(int((yi - y0) // side), ncy - 1)
        for gy in range(max(0, cy - reach), min(ncy, cy + reach + 1)):
            for gx in range(max(0, cx - reach), min(ncx, cx + reach + 1)):
                c = gy * ncx + gx
                for t in range(starts[c], starts[c + 1]):
                    j = order[t]
                    if j == i:
                        continue
                    dx = x[j] - xi
                    dy = y[j] - yi
                    d2 = dx * dx + dy * dy
                    if d2 <= r2max:
                        k = np.searchsorted(r2, d2)
                        nbd_all[k] += site_w[j]
                        if site_nb[j]:
                            nbd_int[k] += site_w[j]
        wi = site_w[i]
        # dbmss' intra-type correction: the point's own weight leaves the neighbour total.
        gr = (w_ref_total - wi) / (w_total - wi) if univariate else w_nb_total / (w_total - wi)
        acc_int = 0.0
        acc_all = 0.0
        for k in range(nr):
            acc_int += nbd_int[k]
            acc_all += nbd_all[k]
            if acc_all > 0.0:
                num[k] += acc_int / acc_all
                den[k] += gr


@njit(cache=True)
def _m_density_one(
    x: np.ndarray,
    y: np.ndarray,
    site_w: np.ndarray,
    site_ref: np.ndarray,
    site_nb: np.ndarray,
    univariate: bool,
    w_ref_total: float,
    w_nb_total: float,
    w_total: float,
    order: np.ndarray,
    starts: np.ndarray,
    x0: float,
    y0: float,
    side: float,
    ncx: int,
    ncy: int,
    r: np.ndarray,
    h: float,
    num: np.ndarray,
    den: np.ndarray,
) -> None:  # pragma: no cover - numba
    """Accumulate Σ_i [Σ_nb w_j φ_h(r−d_ij) / Σ_all w_j φ_h(r−d_ij)] and Σ_i GlobalRatio_i."""
    nr = r.shape[0]
    reach = KERNEL_REACH * h
    dmax = r[nr - 1] + reach
    dmax2 = dmax * dmax
    cells = math.ceil(dmax / side)
    djc = np.zeros(nr)
    dj = np.zeros(nr)
    n = x.shape[0]
    for i in range(n):
        if not site_ref[i]:
            continue
        djc[:] = 0.0
        dj[:] = 0.0
        xi = x[i]
        yi = y[i]
        cx = min(int((xi - x0) // side), ncx - 1)
        cy = min(int((yi - y0) // side), ncy - 1)
        for gy in range(max(0, cy - cells), min(ncy, cy + cells + 1)):
            for gx in range(max(0, cx - cells), min(ncx, cx + cells + 1)):
                c = gy * ncx + gx
                for t in range(starts[c], starts[c + 1]):
                    j = order[t]
                    if j == i:
                        continue
                    dx = x[j] - xi
                    dy = y[j] - yi
                    d2 = dx * dx + dy * dy
                    if d2 < dmax2:
                        d = math.sqrt(d2)
                        k0 = np.searchsorted(r, d - reach)
                        for k in range(k0, nr):
                            u = (r[k] - d) / h
                            if u > KERNEL_REACH:
                                break
                            g = site_w[j] * math.exp(-0.5 * u * u)
                            dj[k] += g
                            if site_nb[j]:
                                djc[k] += g
        wi = site_w[i]
        # dbmss' intra-type correction: the point's own weight leaves the neighbour total.
        gr = (w_ref_total - wi) / (w_total - wi) if univariate else w_nb_total / (w_total - wi)
        for k in range(nr):
            if dj[k] > 0.0:
                num[k] += djc[k] / dj[k]
                den[k] += gr


@njit(parallel=True, cache=True)
def m_simulations(
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    is_ref: np.ndarray,
    is_nb: np.ndarray,
    univariate: bool,
    order: np.ndarray,
    starts: np.ndarray,
    x0: float,
    y0: float,
    side: float,
    ncx: int,
    ncy: int,
    r: np.ndarray,
    density: bool,
    h: float,
    seeds: np.ndarray,
    out: np.ndarray,
) -> None:  # pragma: no cover - numba
    """M (or m when ``density``) of the observed labels (seed ``-1``) or relabelled ones.

    Row ``s`` of ``out`` holds the curve for ``seeds[s]``; a negative seed keeps the
    observed labels. Marks and weights are permuted together over all sites.
    """
    n = x.shape[0]
    w_ref_total = 0.0
    w_nb_total = 0.0
    for i in range(n):
        if is_ref[i]:
            w_ref_total += w[i]
        if is_nb[i]:
            w_nb_total += w[i]
    w_total = w.sum()
    r2 = r * r
    for s in prange(seeds.shape[0]):
        site_w = np.empty(n)
        site_ref = np.empty(n, dtype=np.bool_)
        site_nb = np.empty(n, dtype=np.bool_)
        if seeds[s] < 0:
            site_w[:] = w
            site_ref[:] = is_ref
            site_nb[:] = is_nb
        else:
            np.random.seed(seeds[s])  # noqa: NPY002 - see _draw_sites
            perm = _draw_sites(n, n - 1)
            for k in range(n):
                p = perm[k]
                site_w[k] = w[p]
                site_ref[k] = is_ref[p]
                site_nb[k] = is_nb[p]
        num = np.zeros(r.shape[0])
        den = np.zeros(r.shape[0])
        if density:
            _m_density_one(
                x, y, site_w, site_ref, site_nb, univariate, w_ref_total, w_nb_total,
                w_total, order, starts, x0, y0, side, ncx, ncy, r, h, num, den,
            )  # fmt: skip
        else:
            _m_counts_one(
                x, y, site_w, site_ref, site_nb, univariate, w_ref_total, w_nb_total,
                w_total, order, starts, x0, y0, side, ncx, ncy, r2, num, den,
            )  # fmt: skip
        for k in range(r.shape[0]):
            out[s, k] = num[k] / den[k] if den[k] > 0 else math.nan
