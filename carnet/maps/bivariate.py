"""Bivariate choropleth: two variables in 3 × 3 classes, one colour per pair, legend as a grid.

Built for the needs-vs-projects analysis (issue #10 §3): need on the horizontal axis (red
grows), projects on the vertical axis (blue grows). A commune of high need and few projects
is the saturated red cell; the legend says so in words. The classes are computed by the
caller (:mod:`carnet.contrat.besoins`) and passed as columns of 0, 1, 2 (-1 or NaN: not
classed, drawn hatched grey like any "non publié").

Offline like every map of :mod:`carnet.maps`: no tiles by default, the vendored Leaflet
(:func:`carnet.maps.assets.use_local_assets`), every data string escaped
(:func:`carnet.maps.elements.esc`) in one script-safe JSON payload
(:mod:`carnet.maps.encoding`). Projects are drawn on top with
:func:`carnet.maps.projects.add_projects`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from carnet.formatting import fmt_int
from carnet.maps.assets import DEFAULT_BASE_URL, use_local_assets
from carnet.maps.base import Tiles, base_map
from carnet.maps.elements import Legend, PolygonLayer, ensure_style, esc
from carnet.maps.encoding import encode_polygonal
from carnet.maps.layers import add_layer_control
from carnet.maps.thematic import BASE_STYLE, HIGHLIGHT_STYLE, bounds_of, field_text, to_wgs84, tooltip_spec

#: Joshua Stevens' 3 × 3 red-blue scheme, by [y class][x class]: x (need) turns red, y
#: (projects) turns blue, both dark. Readable by the common colour-vision deficiencies
#: (red-blue, not red-green).
PALETTE = (
    ("#e8e8e8", "#e4acac", "#c85a5a"),
    ("#b0d5df", "#ad9ea5", "#985356"),
    ("#64acbe", "#627f8c", "#574249"),
)
N_CLASSES = 3
NOT_CLASSED = "non classée"
#: Room (px) left beside the polygons for the grid legend when the view is fitted.
LEGEND_PAD = 270


def cell_color(x: int, y: int) -> str:
    """Colour of the pair of classes (x, y), each 0–2."""
    return PALETTE[y][x]


def flat_palette() -> list[str]:
    """The nine colours in the order of :func:`cell_index`."""
    return [PALETTE[y][x] for y in range(N_CLASSES) for x in range(N_CLASSES)]


def cell_index(x, y) -> np.ndarray:
    """Index in :func:`flat_palette` of each pair of classes; -1 where one is missing."""
    xs = pd.to_numeric(pd.Series(x), errors="coerce").to_numpy(dtype=float)
    ys = pd.to_numeric(pd.Series(y), errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(xs) & np.isfinite(ys) & (xs >= 0) & (ys >= 0) & (xs < N_CLASSES) & (ys < N_CLASSES)
    out = np.full(len(xs), -1, dtype=int)
    out[ok] = (ys[ok].astype(int) * N_CLASSES + xs[ok].astype(int))
    return out


def legend_html(counts: np.ndarray, *, x_title: str, y_title: str, x_labels: Sequence[str],
                y_labels: Sequence[str], n_missing: int, source: str, note: str = "",
                missing_label: str = NOT_CLASSED, corners: Sequence[str] | None = None) -> str:
    """Legend HTML (every text escaped): a 3 × 3 grid of swatches with the count of each cell,
    the classes of both axes, what the corners mean, the unclassed communes and the source.

    ``counts`` is a 3 × 3 array indexed [y][x]; ``corners`` words the two telling corners
    (x high and y low, x low and y high), by default from the titles and labels.
    """
    if corners is None:
        corners = (f"{x_title} {x_labels[2]}, {y_title} {y_labels[0]}",
                   f"{x_title} {x_labels[0]}, {y_title} {y_labels[2]}")
    sw = ("display:inline-block;width:26px;height:20px;line-height:20px;text-align:center;"
          "font-size:10px;border:1px solid rgba(0,0,0,.15);color:#222")
    cells = []
    for y in reversed(range(N_CLASSES)):
        row = [f"<td style='text-align:right;padding-right:4px;font-size:11px;color:#444'>"
               f"{esc(y_labels[y])}</td>"]
        for x in range(N_CLASSES):
            n = int(counts[y][x])
            row.append(f"<td style='padding:1px'><span class='bv-c' data-x='{x}' data-y='{y}' "
                       f"style='{sw};background:{cell_color(x, y)}' "
                       f"title='{esc(x_labels[x])} ; {esc(y_labels[y])}'>{fmt_int(n)}</span></td>")
        cells.append("<tr>" + "".join(row) + "</tr>")
    xrow = "<tr><td></td>" + "".join(
        f"<td style='font-size:10px;color:#444;text-align:center;vertical-align:top'>"
        f"{esc(lbl)}</td>" for lbl in x_labels) + "</tr>"
    grid = (f"<table class='bv-grid' style='border-collapse:collapse;margin:2px 0'>"
            f"{''.join(cells)}{xrow}</table>")
    dot = "<i style='display:inline-block;width:12px;height:10px;background:{};margin-right:4px'></i>"
    corner = (f"<div class='lg-s'>{dot.format(cell_color(2, 0))}{esc(corners[0])}<br>"
              f"{dot.format(cell_color(0, 2))}{esc(corners[1])}</div>")
    out = [f"<div class='lg-t'>{esc(x_title)} × {esc(y_title)}</div>",
           f"<div class='lg-s' style='margin-top:0'>→ {esc(x_title)} ; ↑ {esc(y_title)} ; "
           "chiffre : nombre de communes</div>", grid, corner]
    if n_missing:
        out.append(f"<div class='lg-r lg-na'><i></i>{esc(missing_label)}"
                   f"<span class='lg-n'>({fmt_int(n_missing)})</span></div>")
    if note:
        out.append(f"<div class='lg-s'>{esc(note)}</div>")
    out.append(f"<div class='lg-s'>Source : {esc(source)}</div>")
    return "".join(out)


def bivariate(
    gdf: gpd.GeoDataFrame,
    *,
    x: str,
    y: str,
    x_title: str,
    y_title: str,
    x_labels: Sequence[str],
    y_labels: Sequence[str],
    source: str,
    m: folium.Map | None = None,
    projects: pd.DataFrame | None = None,
    tooltip_fields: Sequence[str] | Mapping[str, str] | None = None,
    code_field: str = "code",
    name_field: str = "nom",
    note: str = "",
    missing_label: str = NOT_CLASSED,
    corners: Sequence[str] | None = None,
    layer_name: str | None = None,
    precision: int = 5,
    tiles: Tiles = None,
    fit_bounds: bool = True,
    legend_position: str = "bottomleft",
    base_url: str | None = None,
) -> folium.Map:
    """Draw a 3 × 3 bivariate choropleth of the classes ``gdf[x]`` and ``gdf[y]``.

    Parameters
    ----------
    gdf : GeoDataFrame
        Polygons (any CRS; reprojected to WGS84) with ``code_field``, ``name_field`` and the
        two class columns (0, 1, 2; -1 or NaN: not classed, drawn hatched grey).
    x, y : str
        Class columns: ``x`` horizontal (red grows), ``y`` vertical (blue grows).
    x_title, y_title : str
        What the axes measure (legend, tooltip).
    x_labels, y_labels : sequence of 3 str
        French label of each class, lowest first (``besoin faible`` … ``besoin élevé``).
    source : str
        Sources and vintages, shown in the legend and the attribution.
    m : folium.Map, optional
        Map to draw on; a new :func:`carnet.maps.base.base_map` otherwise.
    projects : DataFrame, optional
        Projects drawn on top (:func:`carnet.maps.projects.add_projects`, with its legend).
    tooltip_fields : list or dict, optional
        Extra columns in the tooltip (dict: column → French label); numbers in French.
    note : str
        A sentence under the grid (how the classes were cut).
    corners : (str, str), optional
        Words for the corners x high / y low and x low / y high (legend).
    legend_position : str
        Corner of the grid legend (the projects legend is bottom right).

    Returns
    -------
    folium.Map
        ``m`` or the new map, with the layer, the legend, the projects and a layer control.

    Raises
    ------
    ValueError
        A missing column, or not three labels per axis.
    """
    for col in (x, y, code_field, name_field):
        if col not in gdf.columns:
            raise ValueError(f"colonne absente : {col!r}")
    if len(x_labels) != N_CLASSES or len(y_labels) != N_CLASSES:
        raise ValueError(f"il faut {N_CLASSES} libellés de classes par axe")
    idx = cell_index(gdf[x].to_numpy(), gdf[y].to_numpy())
    counts = np.zeros((N_CLASSES, N_CLASSES), dtype=int)
    for i in idx[idx >= 0]:
        counts[i // N_CLASSES][i % N_CLASSES] += 1
    frame = to_wgs84(gdf)
    extra = tooltip_spec(tooltip_fields)

    def label_of(values, labels):
        v = pd.to_numeric(pd.Series(values), errors="coerce")
        return [esc(labels[int(c)]) if np.isfinite(c) and 0 <= c < N_CLASSES else esc(missing_label)
                for c in v.to_numpy(dtype=float)]

    keys = ["code", "nom", "c", "bx", "by"] + [f"x{i}" for i in range(len(extra))]
    columns = [
        [esc(v) for v in frame[code_field]],
        [esc(v) for v in frame[name_field]],
        idx.tolist(),
        label_of(frame[x], x_labels),
        label_of(frame[y], y_labels),
        *(field_text(frame[col]) for col, _ in extra),
    ]
    rings = encode_polygonal(frame.geometry.values, precision)
    rows = [[*vals, geom] for *vals, geom in zip(*columns, rings, strict=True) if geom]
    data = {"p": precision, "k": keys, "r": rows}
    if m is None:
        m = base_map(tiles=tiles, bounds=bounds_of(frame), base_url=base_url or DEFAULT_BASE_URL)
    ensure_style(m)
    tooltip = {"title": "nom",
               "rows": [[esc(x_title), "bx"], [esc(y_title), "by"]]
               + [[esc(lbl), f"x{i}"] for i, (_, lbl) in enumerate(extra)]}
    PolygonLayer(data, name=layer_name or f"{x_title} × {y_title}", base_style=BASE_STYLE,
                 palette=flat_palette(), highlight_style=HIGHLIGHT_STYLE, tooltip=tooltip,
                 click_keys=["code", "nom"], attribution=source).add_to(m)
    Legend(legend_html(counts, x_title=x_title, y_title=y_title, x_labels=x_labels,
                       y_labels=y_labels, n_missing=int((idx < 0).sum()), source=source,
                       note=note, missing_label=missing_label, corners=corners),
           position=legend_position).add_to(m)
    if projects is not None and len(projects):
        from carnet.maps.projects import add_projects

        add_projects(m, projects, name=f"Projets ({fmt_int(len(projects))})")
    if fit_bounds and (b := bounds_of(frame)) is not None:
        # keep the polygons clear of the grid legend in its corner
        left = legend_position.endswith("left")
        m.fit_bounds(b, padding_top_left=(LEGEND_PAD if left else 8, 8),
                     padding_bottom_right=(8 if left else LEGEND_PAD, 8))
    add_layer_control(m, collapsed=True)
    use_local_assets(m, base_url=base_url)
    return m


# ------------------------------------------------------------------ from a pack


def besoins_map(pack, result, territoire: str | None, projects: pd.DataFrame | None = None, *,
                m: folium.Map | None = None, base_url: str | None = None) -> folium.Map:
    """The needs-vs-projects map of a pack: :func:`bivariate` of a
    :class:`carnet.contrat.besoins.Besoins` (listed communes), projects drawn on it.

    Classes: need in terciles of the reference communes' scores; projects « aucun projet »,
    then up to / above the median of the reference communes that have projects.
    """
    from carnet.fiches import short_producer
    from carnet.formatting import fmt_number

    t = result.table
    detail = "territoire" if territoire else "departement"
    geo = pack.geometry("commune", detail).set_index("code").geometry
    fused = pack.merged_geometry(detail).set_index("code").geometry
    geoms = [fused.get(c) if key != c else geo.get(c) for key, c in zip(t.index, t["code"], strict=True)]
    gdf = gpd.GeoDataFrame(t.reset_index(), geometry=geoms, crs=4326)
    gdf["score_texte"] = [fmt_number(v, 2) for v in gdf["score"]]
    gdf["projets_texte"] = [fmt_number(v, 1) for v in gdf["projets_pour_10000"]]
    gdf["rang_texte"] = ["non calculable" if pd.isna(r) else f"{int(r)} sur {n}"
                         for r, n in zip(gdf["rang"], [int(gdf["rang"].notna().sum())] * len(gdf),
                                         strict=True)]
    nb, pm = result.bounds.get("besoin") or [], result.bounds.get("projets")
    x_labels = ["faible", "moyen", "élevé"]
    y_labels = ["aucun", "peu", "plus"]
    need = (f"faible ≤ {fmt_number(nb[0], 2)} < moyen ≤ {fmt_number(nb[1], 2)} < élevé"
            if nb else "aucun score")
    proj = (f"aucun ; peu ≤ {fmt_number(pm, 1)} < plus" if pm is not None else "aucun projet")
    cites = sorted({f"{short_producer(pack.indicator(i).source)}, {pack.indicator(i).vintage}"
                    for i in result.indicators})
    source = " ; ".join(cites) + " ; registre des projets"
    note = (f"Score de besoin : {need} (tiers des communes de référence). Projets pour "
            f"10 000 hab. : {proj} (médiane des communes de référence qui en ont).")
    return bivariate(gdf, x="classe_besoin", y="classe_projets", x_title="Besoin",
                     y_title="Projets", x_labels=x_labels, y_labels=y_labels,
                     source=source, m=m, projects=projects, note=note,
                     corners=("besoin élevé, aucun projet", "besoin faible, plus de projets"),
                     tooltip_fields={"score_texte": "Score de besoin", "rang_texte": "Rang",
                                     "projets": "Nombre de projets",
                                     "projets_texte": "Projets pour 10 000 hab.",
                                     "quadrant": "Quadrant"},
                     layer_name="Besoins et projets", base_url=base_url)
