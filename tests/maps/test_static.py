"""Static (print) choropleth: the screen's classes, labels and colours; readable in grey."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import to_rgba

from carnet.maps import static, thematic


def _grey_at(fig, ax, points) -> list[float]:
    """Grey level (ITU-R 601 luma, 0–255) of the rendered figure at projected points."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba(), dtype=float)
    h = rgba.shape[0]
    out = []
    for x, y in ax.transData.transform(points):
        r, g, b = rgba[int(round(h - y)), int(round(x)), :3]
        out.append(0.299 * r + 0.587 * g + 0.114 * b)
    return out


@pytest.mark.parametrize("scheme", list(thematic.SCHEMES))
def test_classes_labels_and_colours_are_the_screen_ones(communes, scheme):
    fig = static.choropleth(communes, "valeur", label="Valeur", unit="€", source="INSEE",
                            vintage="RP 2022", scheme=scheme, k=3, decimals=1)
    screen = thematic.classify(communes["valeur"].to_numpy(), scheme, 3)
    cls, colors = static.classes_of(fig)
    assert cls.classes.tolist() == screen.classes.tolist() and cls.classes.tolist().count(-1) == 1
    assert np.array_equal(cls.bins, screen.bins) and colors == thematic.palette(screen.k)
    ax = fig.axes[0]
    drawn, hatched = ax.collections[0], ax.collections[1]
    want = [to_rgba(colors[c]) for c in screen.classes if c >= 0]
    assert [tuple(np.round(f, 4)) for f in drawn.get_facecolors()] == \
        [tuple(np.round(w, 4)) for w in want]
    assert hatched.get_hatch() == static.MISSING_HATCH and len(hatched.get_paths()) == 1
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    screen_labels = thematic.class_labels(screen, 1)
    assert labels == [f"{t} ({n})" for t, n in zip(screen_labels, screen.counts, strict=True)] + \
        ["non publié (1)"]
    # the on-screen legend (folium) shows the same class texts
    html = thematic.legend_html(screen, colors, label="Valeur", unit="€", source="INSEE",
                                vintage="RP 2022", decimals=1)
    assert all(f"{t}<span" in html for t in screen_labels) and "non publié" in html
    caption = " ".join(t.get_text() for t in fig.texts)
    assert "Source : INSEE, RP 2022" in caption and thematic.SCHEMES[scheme].legend in caption


def test_palette_darkens_strictly_for_every_class_count():
    for k in range(1, 10):
        lum = [static.luminance(c) for c in thematic.palette(k)]
        assert all(a > b for a, b in zip(lum, lum[1:], strict=False)), (k, lum)


def test_printed_in_grey_each_class_is_darker_than_the_previous():
    import geopandas as gpd
    import shapely

    # ten squares, two per class: 5 quantile classes, one per colour step
    boxes = [shapely.box(3 + 0.05 * i, 50.6, 3.05 + 0.05 * i, 50.65) for i in range(10)]
    g = gpd.GeoDataFrame({"v": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10.0]}, geometry=boxes, crs=4326)
    fig = static.choropleth(g, "v", label="V", unit="", source="S", vintage="2022", k=5)
    cls, _ = static.classes_of(fig)
    centres = g.to_crs(static.PRINT_CRS).geometry.centroid
    grey = _grey_at(fig, fig.axes[0], np.column_stack([centres.x, centres.y]))
    by_class = [np.mean([v for v, c in zip(grey, cls.classes, strict=True) if c == k])
                for k in range(cls.k)]
    assert cls.k == 5 and all(a > b + 10 for a, b in zip(by_class, by_class[1:], strict=False)), \
        by_class


def test_png_is_deterministic_and_has_no_date(communes):
    a = static.png(static.choropleth(communes, "valeur", label="V", unit="", source="S", vintage=1))
    b = static.png(static.choropleth(communes, "valeur", label="V", unit="", source="S", vintage=1))
    assert a == b and a[:8] == b"\x89PNG\r\n\x1a\n"
