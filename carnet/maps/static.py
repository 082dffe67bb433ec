"""Static maps for print (the PDF carnet): matplotlib (Agg), no tiles, no network.

The commune choropleth is the screen's (:func:`carnet.maps.atlas.commune_map`) drawn on
paper: the same frame (:func:`carnet.fiches.commune_map_frame`), the same classes
(:func:`carnet.maps.thematic.classify`), the same class labels and colours
(:func:`~carnet.maps.thematic.class_labels`, :func:`~carnet.maps.thematic.palette`, whose
YlGnBu ramp darkens strictly from class to class, so it reads in black and white), the same
« non publié » label for missing values, drawn hatched. EPCI outlines on top; the source and
vintage under the map. Each builder takes ``ax=None`` (drawn there when given) and returns the
:class:`matplotlib.figure.Figure`; :func:`png` writes it.
"""

from __future__ import annotations

import io

import geopandas as gpd
import numpy as np
import pandas as pd

from carnet.geometry import METRIC_CRS
from carnet.maps.thematic import (
    MISSING_LABEL,
    SCHEMES,
    Classification,
    auto_decimals,
    class_labels,
    classify,
    palette,
)

MISSING_FACE = "#ffffff"
MISSING_HATCH = "////"
MISSING_EDGE = "#6b6b6b"
EDGE = "#ffffff"
OUTLINE = "#1a1a1a"
#: Lambert-93 (carnet.geometry.METRIC_CRS): the French metric projection, so the map is not squashed.
PRINT_CRS = METRIC_CRS


def _figure(ax, size: tuple[float, float]):
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=size, dpi=100)
    return fig, fig.add_subplot(1, 1, 1)


def luminance(color: str) -> float:
    """Relative luminance (WCAG, 0 black – 1 white) of a colour: its grey on a B&W print."""
    from matplotlib.colors import to_rgb

    def lin(u: float) -> float:
        return u / 12.92 if u <= 0.04045 else ((u + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(u) for u in to_rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def choropleth(gdf: gpd.GeoDataFrame, column: str, *, label: str, unit: str, source: str,
               vintage: str | int, scheme: str = "quantiles", k: int = 5,
               decimals: int | None = None, outlines: gpd.GeoDataFrame | None = None,
               outline_label: str = "Contours des EPCI", palette_name: str = "YlGnBu",
               size: tuple[float, float] = (6.4, 5.6), ax=None):
    """A classified choropleth of ``gdf[column]`` for print, like :func:`carnet.maps.thematic.choropleth`.

    Parameters
    ----------
    gdf : GeoDataFrame
        Polygons (any CRS) with a numeric ``column``; NaN is « non publié » (hatched).
    column, label, unit, source, vintage, scheme, k, decimals, palette_name
        As :func:`carnet.maps.thematic.choropleth` (same classes, labels and colours).
    outlines : GeoDataFrame, optional
        Polygons whose contours are drawn on top (the EPCI).
    ax : matplotlib Axes, optional
        Axes to draw on (a new figure otherwise).

    Returns
    -------
    matplotlib.figure.Figure
        With ``fig.carnet_classes`` (the :class:`~carnet.maps.thematic.Classification`) and
        ``fig.carnet_colors`` (the class colours) for whoever checks it.
    """
    from matplotlib.patches import Patch

    values = pd.to_numeric(gdf[column], errors="coerce").astype(float)
    values = values.where(np.isfinite(values))
    cls = classify(values.to_numpy(), scheme, k)
    colors = palette(cls.k, palette_name) if cls.k else []
    d = auto_decimals(values) if decimals is None else decimals
    frame = gdf.to_crs(PRINT_CRS) if gdf.crs is not None else gdf
    faces = [colors[c] if c >= 0 else MISSING_FACE for c in cls.classes]

    fig, ax = _figure(ax, size)
    shown = ~frame.geometry.is_empty & frame.geometry.notna()
    known = shown & (cls.classes >= 0)
    if known.any():
        frame[known.to_numpy()].plot(ax=ax, color=[f for f, ok in zip(faces, known, strict=True) if ok],
                                     edgecolor=EDGE, linewidth=0.4)
    gaps = shown & (cls.classes < 0)
    if gaps.any():
        frame[gaps.to_numpy()].plot(ax=ax, facecolor=MISSING_FACE, edgecolor=MISSING_EDGE,
                                    hatch=MISSING_HATCH, linewidth=0.4)
    handles = [Patch(facecolor=c, edgecolor="#888888", linewidth=0.5, label=f"{t} ({n})")
               for t, c, n in zip(class_labels(cls, d), colors, cls.counts, strict=True)]
    if cls.n_missing:
        handles.append(Patch(facecolor=MISSING_FACE, edgecolor=MISSING_EDGE, hatch=MISSING_HATCH,
                             linewidth=0.5, label=f"{MISSING_LABEL} ({cls.n_missing})"))
    if outlines is not None and len(outlines):
        o = outlines.to_crs(PRINT_CRS) if outlines.crs is not None else outlines
        o.boundary.plot(ax=ax, color="#ffffff", linewidth=3.0)  # a halo: visible on dark classes
        o.boundary.plot(ax=ax, color=OUTLINE, linewidth=1.3)
        from matplotlib.lines import Line2D

        handles.append(Line2D([], [], color=OUTLINE, linewidth=1.3, label=outline_label))
    ax.set_axis_off()
    ax.set_aspect("equal")
    title = label + (f" ({unit})" if unit else "")
    fig.subplots_adjust(left=0.01, right=0.99, top=0.99, bottom=0.24)
    leg = ax.legend(handles=handles, title=title, loc="upper left", bbox_to_anchor=(0.0, 0.0),
                    ncols=2, frameon=False, fontsize=9, title_fontsize=10, alignment="left")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    box = leg.get_window_extent(canvas.get_renderer()).transformed(fig.transFigure.inverted())
    fig.text(box.x0 + 0.005, box.y0 - 0.005, f"Source : {source}, {vintage} · Classes : "
             f"{SCHEMES[cls.scheme].legend}, {cls.k} classes", fontsize=8, color="#333333", va="top")
    fig.carnet_classes, fig.carnet_colors = cls, colors
    return fig


def commune_map(pack, tid: str, iid: str, scheme: str = "quantiles", *, ax=None):
    """The Territoire page's commune map of indicator ``iid`` (5 classes, EPCI outlines), for print."""
    from carnet.fiches import commune_map_frame, short_producer

    ind = pack.indicator(iid)
    epci = pack.geometry("epci", "territoire").merge(pack.table("epci")[["code", "territoire"]],
                                                     on="code")
    return choropleth(commune_map_frame(pack, tid, iid), "valeur", label=ind.label, unit=ind.unit,
                      source=short_producer(ind.source), vintage=ind.vintage, scheme=scheme, k=5,
                      decimals=ind.decimals, outlines=epci[epci["territoire"] == tid], ax=ax)


def classes_of(fig) -> tuple[Classification, list[str]]:
    """The classification and class colours a figure of :func:`choropleth` was drawn with."""
    return fig.carnet_classes, fig.carnet_colors


def png(fig, dpi: int = 150) -> bytes:
    """The figure as PNG bytes (no metadata date, so the same map gives the same bytes)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", pad_inches=0.05,
                metadata={"Software": None})
    return buf.getvalue()
