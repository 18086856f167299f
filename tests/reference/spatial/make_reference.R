# Reference values for Grappes' distance-based spatial statistics (Ripley K/L, Kd, M, m).
#
# Writes, next to this script (or into the folder given as first argument):
#   points_a.csv, points_b.csv, points_c.csv  the point sets (id, x, y, sector, weight)
#   cases.json                                 windows and r grids of the three sets
#   spatstat_k.csv                             Kest / Lest / Kcross / Lcross (spatstat)
#   points_d.csv, points_e.csv, polygon_cases.json,
#   spatstat_k_polygon.csv                     the same on the polygon windows of
#                                              polygon_windows.json (isotropic, none, border)
#   dbmss_kd.csv, dbmss_kd_params.csv          Kdhat (dbmss) + bandwidths and pair counts
#   dbmss_m.csv, dbmss_m_params.csv            Mhat and mhat (dbmss) + bandwidths
#   dbmss_kd_envelope.csv                      one KdEnvelope run (random: for information)
#   metadata.json                              versions, date, seeds
# With --timing as an argument it also times KdEnvelope on 20,000 sites (timing.csv).
#
# Needs R with spatstat (Debian 12: r-cran-spatstat) and dbmss 2.9-2.9002 built as described
# in tools/install_r_reference.sh. See README.md in this folder.
#
# Every value is computed from the CSV files as read back, so that a reader of the CSV files
# gets exactly the inputs used here (coordinates are rounded to 6 decimals before writing).

suppressPackageStartupMessages({
  library(spatstat)
  library(dbmss)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
timing <- "--timing" %in% args
args <- setdiff(args, "--timing")
script_arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
out_dir <- if (length(args) >= 1) {
  args[1]
} else if (length(script_arg) == 1) {
  dirname(normalizePath(sub("^--file=", "", script_arg)))
} else {
  "."
}
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)
out <- function(name) file.path(out_dir, name)

RNGkind("Mersenne-Twister", "Inversion", "Rejection")
SEED <- 20261126L

# Shortest of 15, 16 or 17 significant digits that reads back as the same double.
num <- function(x) {
  vapply(x, function(v) {
    if (is.na(v)) return("NA")
    for (digits in 15:17) {
      txt <- sprintf("%.*g", digits, v)
      if (as.numeric(txt) == v) return(txt)
    }
    txt
  }, character(1))
}
write_table <- function(df, name) {
  for (col in names(df)) if (is.double(df[[col]])) df[[col]] <- num(df[[col]])
  utils::write.csv(df, out(name), row.names = FALSE, quote = FALSE, na = "NA")
}

# ---------------------------------------------------------------------------------------------
# 1. Point sets
# ---------------------------------------------------------------------------------------------

# Offspring around parents, kept only inside the window (rejection).
clustered <- function(n, parents, sd, xr, yr) {
  x <- y <- numeric(0)
  while (length(x) < n) {
    k <- sample.int(nrow(parents), 1)
    px <- parents[k, 1] + stats::rnorm(1, 0, sd)
    py <- parents[k, 2] + stats::rnorm(1, 0, sd)
    if (px > xr[1] && px < xr[2] && py > yr[1] && py < yr[2]) {
      x <- c(x, px)
      y <- c(y, py)
    }
  }
  cbind(x, y)
}

make_sets <- function() {
  set.seed(SEED)
  # (a) 60 points, uniform in the unit square: 24 of sector A, 36 of sector B, weight 1.
  a <- data.frame(
    x = stats::runif(60), y = stats::runif(60),
    sector = rep(c("A", "B"), c(24, 36)), weight = 1
  )
  # (b) 200 points in the unit square: 80 of sector C in 4 Gaussian clusters (sd 0.04,
  #     parents uniform in [0.15, 0.85]^2), 120 of sector D uniform; weight 1.
  parents <- cbind(stats::runif(4, 0.15, 0.85), stats::runif(4, 0.15, 0.85))
  cc <- clustered(80, parents, 0.04, c(0, 1), c(0, 1))
  b <- data.frame(
    x = c(cc[, 1], stats::runif(120)), y = c(cc[, 2], stats::runif(120)),
    sector = rep(c("C", "D"), c(80, 120)), weight = 1
  )
  # (c) 150 establishments in a 10 km x 10 km square (coordinates in km): 50 of sector E
  #     (25 around (3, 3) with sd 0.8 km, 25 uniform), 100 of sector F uniform;
  #     weight = employees = 1 + round(lognormal(meanlog 2, sdlog 1)).
  ce <- clustered(25, cbind(3, 3), 0.8, c(0, 10), c(0, 10))
  c_ <- data.frame(
    x = c(ce[, 1], stats::runif(125, 0, 10)), y = c(ce[, 2], stats::runif(125, 0, 10)),
    sector = rep(c("E", "F"), c(50, 100)),
    weight = 1 + round(stats::rlnorm(150, meanlog = 2, sdlog = 1))
  )
  sets <- list(a = a, b = b, c = c_)
  for (s in names(sets)) {
    d <- sets[[s]]
    d$x <- round(d$x, 6)
    d$y <- round(d$y, 6)
    d <- data.frame(id = sprintf("%s%03d", s, seq_len(nrow(d))), d)
    utils::write.csv(
      data.frame(id = d$id, x = sprintf("%.6f", d$x), y = sprintf("%.6f", d$y),
                 sector = d$sector, weight = sprintf("%d", as.integer(d$weight))),
      out(sprintf("points_%s.csv", s)), row.names = FALSE, quote = FALSE
    )
  }
}
make_sets()

cases <- list(
  a = list(window = list(xmin = 0, xmax = 1, ymin = 0, ymax = 1), r = seq(0, 0.25, by = 0.01),
           types = c("A", "B")),
  b = list(window = list(xmin = 0, xmax = 1, ymin = 0, ymax = 1), r = seq(0, 0.25, by = 0.01),
           types = c("C", "D")),
  c = list(window = list(xmin = 0, xmax = 10, ymin = 0, ymax = 10), r = seq(0, 2.5, by = 0.1),
           types = c("E", "F"))
)
write(toJSON(cases, auto_unbox = TRUE, digits = NA, pretty = TRUE), out("cases.json"))

read_set <- function(s) {
  d <- utils::read.csv(out(sprintf("points_%s.csv", s)), stringsAsFactors = FALSE)
  d$weight <- as.numeric(d$weight)
  d
}
window_of <- function(s) {
  w <- cases[[s]]$window
  owin(c(w$xmin, w$xmax), c(w$ymin, w$ymax))
}

# ---------------------------------------------------------------------------------------------
# 2. spatstat: K and L with edge corrections, and own formulas as a check of the README
# ---------------------------------------------------------------------------------------------

CORRECTIONS <- c(none = "un", border = "border", isotropic = "iso", translate = "trans")

# Ripley's isotropic weight for a rectangle: 2*pi / (length of the circle inside W), circle
# centred on point i with radius d_ij; outside arcs: 2*acos(e/d) for each edge at distance
# e < d, minus the overlap (alpha + beta - pi/2) at each corner inside the circle.
ripley_rect <- function(x, y, d, W) {
  e <- cbind(x - W$xrange[1], W$xrange[2] - x, y - W$yrange[1], W$yrange[2] - y)
  half <- function(ei) ifelse(ei < d, acos(pmin(ei / d, 1)), 0)
  h <- apply(e, 2, half)
  if (is.null(dim(h))) h <- matrix(h, nrow = 1)
  outside <- 2 * rowSums(h)
  for (xc in 1:2) for (yc in 3:4) {
    corner_in <- e[, xc]^2 + e[, yc]^2 < d^2
    outside <- outside - ifelse(corner_in, h[, xc] + h[, yc] - pi / 2, 0)
  }
  pmin(2 * pi / (2 * pi - outside), 100)
}

# K from the README formulas: from points I to points J (I = J for Kest).
own_k <- function(xi, yi, xj, yj, same, W, r, correction) {
  A <- area(W)
  ni <- length(xi)
  nj <- length(xj)
  D <- sqrt(outer(xi, xj, "-")^2 + outer(yi, yj, "-")^2)
  DX <- outer(xi, xj, "-")
  DY <- outer(yi, yj, "-")
  keep <- matrix(TRUE, ni, nj)
  if (same) diag(keep) <- FALSE
  npairs <- if (same) ni * (ni - 1) else ni * nj
  if (correction == "border") {
    b <- pmin(xi - W$xrange[1], W$xrange[2] - xi, yi - W$yrange[1], W$yrange[2] - yi)
    lambda_j <- (if (same) ni else nj) / A
    if (same) {
      # Kest in a rectangle (C code Krect): point i is used at r when b_i >= r.
      return(vapply(r, function(rr) {
        inside <- b >= rr
        sum((D <= rr & keep)[inside, , drop = FALSE]) / (lambda_j * sum(inside))
      }, numeric(1)))
    }
    # Kcross (R code Kount, reduced sample on the histogram of the r grid): point i is used
    # at r_k when b_i >= r_{k-1} (r_0 = -(r_2 - r_1)), and pair (i, j) when d_ij <= b_i.
    r_prev <- c(-(r[2] - r[1]), r[-length(r)])
    return(vapply(seq_along(r), function(k) {
      inside <- b >= r_prev[k]
      sum((D <= r[k] & D <= b)[inside, , drop = FALSE]) / (lambda_j * sum(inside))
    }, numeric(1)))
  }
  wt <- switch(
    correction,
    none = matrix(1, ni, nj),
    translate = A / ((diff(W$xrange) - abs(DX)) * (diff(W$yrange) - abs(DY))),
    isotropic = matrix(ripley_rect(rep(xi, nj), rep(yi, nj), as.vector(D), W), ni, nj)
  )
  vapply(r, function(rr) A * sum(wt[D <= rr & keep]) / npairs, numeric(1))
}

spatstat_rows <- list()
own_check <- list()
for (s in names(cases)) {
  d <- read_set(s)
  W <- window_of(s)
  r <- cases[[s]]$r
  X <- ppp(d$x, d$y, window = W, marks = factor(d$sector))
  t1 <- cases[[s]]$types[1]
  t2 <- cases[[s]]$types[2]
  runs <- list(
    list(fn = "K", i = "", j = "", f = function() Kest(unmark(X), r = r, correction = names(CORRECTIONS))),
    list(fn = "K", i = t1, j = t1, f = function() Kest(unmark(X[marks(X) == t1]), r = r, correction = names(CORRECTIONS))),
    list(fn = "K", i = t2, j = t2, f = function() Kest(unmark(X[marks(X) == t2]), r = r, correction = names(CORRECTIONS))),
    list(fn = "Kcross", i = t1, j = t2, f = function() Kcross(X, t1, t2, r = r, correction = names(CORRECTIONS))),
    list(fn = "Kcross", i = t2, j = t1, f = function() Kcross(X, t2, t1, r = r, correction = names(CORRECTIONS)))
  )
  for (run in runs) {
    K <- as.data.frame(run$f())
    stopifnot(isTRUE(all.equal(K$r, r)))
    isel <- if (run$i == "") rep(TRUE, nrow(d)) else d$sector == run$i
    jsel <- if (run$j == "") rep(TRUE, nrow(d)) else d$sector == run$j
    same <- run$fn == "K"
    for (cor in names(CORRECTIONS)) {
      k <- K[[CORRECTIONS[[cor]]]]
      l <- sqrt(k / pi)
      lfn <- if (run$fn == "K") "L" else "Lcross"
      spatstat_rows[[length(spatstat_rows) + 1]] <- data.frame(
        set = s, `function` = c(rep(run$fn, length(r)), rep(lfn, length(r))),
        type_i = run$i, type_j = run$j, correction = cor, r = c(r, r), value = c(k, l),
        check.names = FALSE
      )
      mine <- own_k(d$x[isel], d$y[isel], d$x[jsel], d$y[jsel], same, W, r, cor)
      own_check[[length(own_check) + 1]] <- data.frame(
        set = s, fn = run$fn, i = run$i, j = run$j, correction = cor,
        max_abs_diff = max(abs(mine - k), na.rm = TRUE)
      )
    }
  }
}
spatstat_k <- do.call(rbind, spatstat_rows)
write_table(spatstat_k, "spatstat_k.csv")
own_check <- do.call(rbind, own_check)
print(own_check)
stopifnot(all(own_check$max_abs_diff < 1e-10))
# Lest itself, to confirm L = sqrt(K / pi) for every correction.
for (s in names(cases)) {
  d <- read_set(s)
  X <- ppp(d$x, d$y, window = window_of(s))
  L <- as.data.frame(Lest(X, r = cases[[s]]$r, correction = names(CORRECTIONS)))
  K <- as.data.frame(Kest(X, r = cases[[s]]$r, correction = names(CORRECTIONS)))
  for (col in CORRECTIONS) stopifnot(isTRUE(all.equal(L[[col]], sqrt(K[[col]] / pi))))
}

# ---------------------------------------------------------------------------------------------
# 2b. spatstat on polygon windows (isotropic correction; none and border as well)
# ---------------------------------------------------------------------------------------------

# The windows come from polygon_windows.json (written by make_polygon_windows.py from Grappes'
# bundled boundaries): outer rings anticlockwise, holes clockwise, coordinates in km.
poly_windows <- fromJSON(out("polygon_windows.json"), simplifyVector = FALSE)
owin_of <- function(s) {
  rings <- list()
  for (part in poly_windows[[s]]$parts) {
    for (ring in c(list(part$outer), part$holes)) {
      rings[[length(rings) + 1]] <- list(
        x = vapply(ring, function(v) as.numeric(v[[1]]), numeric(1)),
        y = vapply(ring, function(v) as.numeric(v[[2]]), numeric(1))
      )
    }
  }
  owin(poly = rings)
}

# n points in W (rounded to 6 decimals, kept only if still inside): uniform, or offspring
# around parents (Gaussian, sd) kept only inside W.
points_in <- function(W, n, parents = NULL, sd = 0) {
  x <- y <- numeric(0)
  while (length(x) < n) {
    if (is.null(parents)) {
      p <- runifpoint(1, W)
      px <- p$x
      py <- p$y
    } else {
      k <- sample.int(nrow(parents), 1)
      px <- parents[k, 1] + stats::rnorm(1, 0, sd)
      py <- parents[k, 2] + stats::rnorm(1, 0, sd)
    }
    px <- round(px, 6)
    py <- round(py, 6)
    if (inside.owin(px, py, W)) {
      x <- c(x, px)
      y <- c(y, py)
    }
  }
  cbind(x, y)
}

set.seed(SEED + 3L)
poly_sets <- list(
  # (d) 300 points: sector G (120) around 3 parents drawn uniformly in W (sd 6 km), H (180)
  #     uniform.
  d = list(n = c(120, 180), types = c("G", "H"), sd = 6, r = seq(0, 120, by = 2.5)),
  # (e) 250 points: sector J (100) around 2 parents (sd 4 km), K (150) uniform.
  e = list(n = c(100, 150), types = c("J", "K"), sd = 4, r = seq(0, 48, by = 1))
)
poly_cases <- list()
for (s in names(poly_sets)) {
  ps <- poly_sets[[s]]
  W <- owin_of(s)
  parents <- points_in(W, if (s == "d") 3 else 2)
  clustered_xy <- points_in(W, ps$n[1], parents, ps$sd)
  uniform_xy <- points_in(W, ps$n[2])
  xy <- rbind(clustered_xy, uniform_xy)
  utils::write.csv(
    data.frame(id = sprintf("%s%03d", s, seq_len(nrow(xy))), x = sprintf("%.6f", xy[, 1]),
               y = sprintf("%.6f", xy[, 2]), sector = rep(ps$types, ps$n), weight = "1"),
    out(sprintf("points_%s.csv", s)), row.names = FALSE, quote = FALSE
  )
  poly_cases[[s]] <- list(
    r = ps$r, types = ps$types, area = area(W),
    # Where spatstat's isotropic estimate stops: Kest at boundingradius(W) (computed on a
    # 128 x 128 pixel grid), Kcross at diameter(W) / 2.
    boundingradius = boundingradius(W), half_diameter = diameter(W) / 2
  )
}
write(toJSON(poly_cases, auto_unbox = TRUE, digits = NA, pretty = TRUE),
      out("polygon_cases.json"))

POLY_CORRECTIONS <- c(none = "un", border = "border", isotropic = "iso")
poly_rows <- list()
for (s in names(poly_sets)) {
  d <- read_set(s)
  W <- owin_of(s)
  X <- ppp(d$x, d$y, window = W, marks = factor(d$sector))
  stopifnot(npoints(X) == nrow(d))
  r <- poly_cases[[s]]$r
  t1 <- poly_cases[[s]]$types[1]
  t2 <- poly_cases[[s]]$types[2]
  # Kest is called once per correction: asked for border or none alone it takes its fast
  # C code (border: point i counts at r while r < b_i), which Grappes follows.
  kest <- function(Y) {
    cols <- lapply(names(POLY_CORRECTIONS), function(cor) {
      K <- as.data.frame(Kest(Y, r = r, correction = cor))
      stopifnot(isTRUE(all.equal(K$r, r)))
      K[[POLY_CORRECTIONS[[cor]]]]
    })
    stats::setNames(cols, names(POLY_CORRECTIONS))
  }
  kcross <- function(i, j) {
    K <- as.data.frame(Kcross(X, i, j, r = r, correction = names(POLY_CORRECTIONS)))
    stopifnot(isTRUE(all.equal(K$r, r)))
    lapply(POLY_CORRECTIONS, function(col) K[[col]])
  }
  runs <- list(
    list(fn = "K", i = "", j = "", k = kest(unmark(X))),
    list(fn = "K", i = t1, j = t1, k = kest(unmark(X[marks(X) == t1]))),
    list(fn = "Kcross", i = t1, j = t2, k = kcross(t1, t2)),
    list(fn = "Kcross", i = t2, j = t1, k = kcross(t2, t1))
  )
  for (run in runs) {
    lfn <- if (run$fn == "K") "L" else "Lcross"
    for (cor in names(POLY_CORRECTIONS)) {
      k <- run$k[[cor]]
      poly_rows[[length(poly_rows) + 1]] <- data.frame(
        set = s, `function` = c(rep(run$fn, length(r)), rep(lfn, length(r))),
        type_i = run$i, type_j = run$j, correction = cor, r = c(r, r),
        value = c(k, sqrt(k / pi)), check.names = FALSE
      )
    }
  }
  # A check of spatstat's isotropic weights on polygons: the share of the circle inside W
  # counted on 200,000 points of the circle, for 40 pairs (i, j) drawn at random.
  set.seed(SEED + 4L)
  close <- closepairs(unmark(X), max(r))
  pick <- sample.int(length(close$d), 40)
  wt <- edge.Ripley(ppp(close$xi[pick], close$yi[pick], window = W, check = FALSE),
                    matrix(close$d[pick], ncol = 1))
  phi <- (seq_len(200000) - 0.5) / 200000 * 2 * pi
  share <- vapply(seq_along(pick), function(k) {
    p <- pick[k]
    mean(inside.owin(close$xi[p] + close$d[p] * cos(phi), close$yi[p] + close$d[p] * sin(phi), W))
  }, numeric(1))
  sampled <- pmin(pmax(1 / share, 1), 100)
  cat(sprintf("set %s: isotropic weights vs circle sampling, largest relative difference %.2g\n",
              s, max(abs(wt - sampled) / sampled)))
  stopifnot(max(abs(wt - sampled) / sampled) < 1e-3)
}
write_table(do.call(rbind, poly_rows), "spatstat_k_polygon.csv")

# ---------------------------------------------------------------------------------------------
# 3. dbmss: Kd, M, m; closed forms of the README as a check
# ---------------------------------------------------------------------------------------------

wmppp_of <- function(s) {
  d <- read_set(s)
  df <- data.frame(X = d$x, Y = d$y, PointType = factor(d$sector), PointWeight = d$weight)
  row.names(df) <- d$id
  X <- suppressWarnings(wmppp(df, window = window_of(s)))
  stopifnot(X$n == nrow(d))
  X
}

# Pairs as dbmss' DistKd forms them (each unordered pair once).
kd_pairs <- function(d, ref, nbr) {
  isr <- if (ref == "") rep(TRUE, nrow(d)) else d$sector == ref
  isn <- if (ref == "") rep(TRUE, nrow(d)) else d$sector == nbr
  D <- sqrt(outer(d$x, d$x, "-")^2 + outer(d$y, d$y, "-")^2)
  WW <- outer(d$weight, d$weight)
  sel <- (outer(isr, isn) | outer(isn, isr)) & upper.tri(D)
  list(dist = D[sel], w = WW[sel])
}

kd_closed <- function(dist, w, r, h) {
  refl <- dist <= 4 * h
  num <- vapply(r, function(rr) {
    sum(w * stats::dnorm(rr, dist, h)) + sum(w[refl] * stats::dnorm(rr, -dist[refl], h))
  }, numeric(1))
  den <- sum(w * stats::pnorm(dist / h)) + sum(w[refl] * stats::pnorm(-dist[refl] / h))
  num / den
}

kd_cases <- list(
  list(set = "a", ref = "A", nbr = "A", weighted = FALSE, original = TRUE, adjust = 1),
  list(set = "a", ref = "A", nbr = "B", weighted = FALSE, original = TRUE, adjust = 1),
  list(set = "a", ref = "", nbr = "", weighted = FALSE, original = TRUE, adjust = 1),
  list(set = "b", ref = "C", nbr = "C", weighted = FALSE, original = TRUE, adjust = 1),
  list(set = "b", ref = "D", nbr = "D", weighted = FALSE, original = TRUE, adjust = 1),
  list(set = "b", ref = "C", nbr = "D", weighted = FALSE, original = TRUE, adjust = 1),
  list(set = "b", ref = "C", nbr = "C", weighted = FALSE, original = TRUE, adjust = 0.5),
  list(set = "b", ref = "C", nbr = "C", weighted = FALSE, original = FALSE, adjust = 1),
  list(set = "c", ref = "E", nbr = "E", weighted = FALSE, original = TRUE, adjust = 1),
  list(set = "c", ref = "E", nbr = "E", weighted = TRUE, original = TRUE, adjust = 1),
  list(set = "c", ref = "E", nbr = "F", weighted = TRUE, original = TRUE, adjust = 1),
  list(set = "c", ref = "", nbr = "", weighted = TRUE, original = TRUE, adjust = 1)
)

kd_rows <- list()
kd_params <- list()
for (k in seq_along(kd_cases)) {
  cs <- kd_cases[[k]]
  s <- cs$set
  d <- read_set(s)
  X <- wmppp_of(s)
  r <- cases[[s]]$r
  kd <- Kdhat(X, r = r, ReferenceType = cs$ref, NeighborType = cs$nbr, Weighted = cs$weighted,
              Original = cs$original, Approximate = 0, Adjust = cs$adjust)
  pr <- kd_pairs(d, cs$ref, cs$nbr)
  used <- pr$dist <= 2 * max(r)
  h <- (if (cs$original) stats::bw.nrd0(pr$dist[used]) else stats::bw.SJ(pr$dist[used])) *
    cs$adjust
  w <- if (cs$weighted) pr$w else rep(1, length(pr$dist))
  closed <- kd_closed(pr$dist, w, r, h)
  case_id <- sprintf("kd%02d", k)
  kd_rows[[k]] <- data.frame(case = case_id, set = s, r = r, kd = kd$Kd, kd_closed_form = closed)
  kd_params[[k]] <- data.frame(
    case = case_id, set = s, reference = cs$ref, neighbor = cs$nbr, weighted = cs$weighted,
    original = cs$original, adjust = cs$adjust, approximate = 0, max_r = max(r),
    n_pairs = length(pr$dist), n_pairs_for_bw = sum(used), n_reflected = sum(pr$dist <= 4 * h),
    bw = h, max_abs_diff_closed_form = max(abs(kd$Kd - closed)),
    max_rel_diff_closed_form = max(abs(kd$Kd - closed) / max(closed))
  )
}
kd_params <- do.call(rbind, kd_params)
print(kd_params)
write_table(do.call(rbind, kd_rows), "dbmss_kd.csv")
write_table(kd_params, "dbmss_kd_params.csv")

# Also one approximated Kd (Approximate = 1), for information only.
X <- wmppp_of("b")
kd_approx <- Kdhat(X, r = cases$b$r, ReferenceType = "C", NeighborType = "C", Approximate = 1)

m_closed <- function(d, ref, nbr, r, h) {
  isr <- d$sector == ref
  isn <- d$sector == nbr
  wsum <- sum(d$weight)
  if (ref == nbr) {
    global <- (sum(d$weight[isr]) - d$weight[isr]) / (wsum - d$weight[isr])
  } else {
    global <- sum(d$weight[isn]) / (wsum - d$weight[isr])
  }
  D <- sqrt(outer(d$x[isr], d$x, "-")^2 + outer(d$y[isr], d$y, "-")^2)
  self <- outer(which(isr), seq_len(nrow(d)), "==")
  Mv <- mv <- numeric(length(r))
  for (k in seq_along(r)) {
    within <- (D <= r[k]) & !self
    num <- as.vector((within & rep(isn, each = sum(isr))) %*% d$weight)
    all_ <- as.vector(within %*% d$weight)
    local <- num / all_
    ok <- is.finite(local)
    Mv[k] <- sum(local[ok]) / sum(global[ok])
    K <- stats::dnorm(r[k], D, h)
    K[self] <- 0
    kn <- as.vector((K * rep(isn, each = sum(isr))) %*% d$weight)
    ka <- as.vector(K %*% d$weight)
    mv[k] <- sum(kn / ka) / sum(global)
  }
  list(M = Mv, m = mv)
}

m_cases <- list(
  list(set = "a", ref = "A", nbr = "A"),
  list(set = "a", ref = "A", nbr = "B"),
  list(set = "b", ref = "C", nbr = "C"),
  list(set = "b", ref = "C", nbr = "D"),
  list(set = "b", ref = "D", nbr = "C"),
  list(set = "c", ref = "E", nbr = "E"),
  list(set = "c", ref = "E", nbr = "F")
)
m_rows <- list()
m_params <- list()
for (k in seq_along(m_cases)) {
  cs <- m_cases[[k]]
  s <- cs$set
  d <- read_set(s)
  X <- wmppp_of(s)
  r <- cases[[s]]$r
  M <- Mhat(X, r = r, ReferenceType = cs$ref, NeighborType = cs$nbr)
  m <- mhat(X, r = r, ReferenceType = cs$ref, NeighborType = cs$nbr, Original = TRUE,
            Approximate = 0, Adjust = 1)
  isr <- d$sector == cs$ref
  isn <- d$sector == cs$nbr
  D <- sqrt(outer(d$x[isr], d$x[isn], "-")^2 + outer(d$y[isr], d$y[isn], "-")^2)
  refd <- if (cs$ref == cs$nbr) D[upper.tri(D)] else as.vector(D)
  used <- refd <= 2 * max(r)
  h <- stats::bw.nrd0(refd[used])
  cl <- m_closed(d, cs$ref, cs$nbr, r, h)
  case_id <- sprintf("m%02d", k)
  m_rows[[k]] <- data.frame(
    case = case_id, set = s, r = r, M = M$M, M_closed_form = cl$M, m = m$m,
    m_closed_form = cl$m
  )
  m_params[[k]] <- data.frame(
    case = case_id, set = s, reference = cs$ref, neighbor = cs$nbr,
    weights = if (s == "c") "weight column" else "all 1", max_r = max(r),
    n_pairs_for_bw = sum(used), bw_m = h,
    max_abs_diff_M_closed_form = max(abs(M$M - cl$M), na.rm = TRUE),
    max_abs_diff_m_closed_form = max(abs(m$m - cl$m))
  )
}
m_params <- do.call(rbind, m_params)
print(m_params)
stopifnot(all(m_params$max_abs_diff_M_closed_form < 1e-12))
write_table(do.call(rbind, m_rows), "dbmss_m.csv")
write_table(m_params, "dbmss_m_params.csv")

# ---------------------------------------------------------------------------------------------
# 4. One global envelope (random; informative, not an exact target)
# ---------------------------------------------------------------------------------------------

set.seed(SEED + 1L)
env <- KdEnvelope(wmppp_of("b"), r = cases$b$r, NumberOfSimulations = 99, Alpha = 0.05,
                  ReferenceType = "C", NeighborType = "C", Weighted = FALSE, Original = TRUE,
                  Approximate = 0, Adjust = 1, SimulationType = "RandomLocation",
                  Global = TRUE, verbose = FALSE)
env_df <- as.data.frame(env)
write_table(data.frame(r = env_df$r, obs = env_df$obs, mean = env_df$mmean, lo = env_df$lo,
                       hi = env_df$hi), "dbmss_kd_envelope.csv")

# ---------------------------------------------------------------------------------------------
# 5. Timing (optional)
# ---------------------------------------------------------------------------------------------

timings <- NULL
if (timing) {
  set.seed(SEED + 2L)
  sites <- data.frame(X = stats::runif(20000, 0, 100), Y = stats::runif(20000, 0, 100))
  r_t <- seq(0, 30, by = 0.5)
  for (cfg in list(c(500, 1000), c(500, 99), c(2000, 99))) {
    n_ref <- cfg[1]
    nsim <- cfg[2]
    df <- sites
    df$PointType <- factor(ifelse(seq_len(20000) <= n_ref, "R", "O"))
    df$PointWeight <- 1
    Xt <- suppressWarnings(wmppp(df, window = owin(c(0, 100), c(0, 100))))
    secs <- system.time(
      KdEnvelope(Xt, r = r_t, NumberOfSimulations = nsim, Alpha = 0.05, ReferenceType = "R",
                 Approximate = 0, Global = TRUE, verbose = FALSE)
    )[["elapsed"]]
    timings <- rbind(timings, data.frame(sites = 20000, reference_points = n_ref,
                                         simulations = nsim, seconds = sprintf("%.1f", secs)))
    print(timings)
  }
  write_table(timings, "timing.csv")
} else if (file.exists(out("timing.csv"))) {
  timings <- utils::read.csv(out("timing.csv"))
}

# ---------------------------------------------------------------------------------------------
# 6. Metadata
# ---------------------------------------------------------------------------------------------

pv <- function(p) utils::packageDescription(p)$Version
meta <- list(
  generated_utc = format(Sys.time(), "%Y-%m-%dT%H:%M:%SZ", tz = "UTC"),
  r_version = R.version.string,
  platform = R.version$platform,
  packages = list(
    spatstat = pv("spatstat"), spatstat.geom = pv("spatstat.geom"),
    spatstat.explore = pv("spatstat.explore"), spatstat.random = pv("spatstat.random"),
    spatstat.utils = pv("spatstat.utils"), dbmss = pv("dbmss"), Rcpp = pv("Rcpp"),
    RcppParallel = pv("RcppParallel")
  ),
  dbmss_source = "github.com/EricMarcon/dbmss at commit adfc8fe4c4416ed35f876a5a1f5822e6cf87444d (DESCRIPTION Version 2.9-2.9002), estimator files only, built locally",
  seed = SEED,
  rng = RNGkind(),
  kd_approximate_1_case_b_C_C = list(r = cases$b$r, kd = kd_approx$Kd),
  envelope = list(set = "b", reference = "C", neighbor = "C", simulations = 99, alpha = 0.05,
                  global = TRUE, null = "RandomLocation", seed = SEED + 1L),
  timing = timings
)
write(toJSON(meta, auto_unbox = TRUE, digits = NA, pretty = TRUE), out("metadata.json"))
cat("done\n")
