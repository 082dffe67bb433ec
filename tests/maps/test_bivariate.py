"""The bivariate (3 × 3) choropleth: classes, colours, legend, escaping, projects, offline."""

from __future__ import annotations

import re

import folium
import numpy as np
import pandas as pd
import pytest

from carnet.maps import base_map
from carnet.maps.assets import external_links
from carnet.maps.bivariate import PALETTE, bivariate, cell_color, cell_index, flat_palette
from carnet.maps.elements import Legend, PolygonLayer
from tests.maps.conftest import XSS_NAME, script_and_link_urls

JINJA = "{{ 7 * 191 }}"
X_LABELS = ["faible", "moyen", "<b>élevé</b>"]
Y_LABELS = ["aucun projet", "≤ 5", "> 5"]


@pytest.fixture
def classed(communes):
    """Six communes: (need, projects) classes (0,0) (2,0) (1,1) (NaN) (0,2) (2,2)."""
    c = communes.copy()
    c["bx"] = [0, 2, 1, np.nan, 0, 2]
    c["by"] = [0, 0, 1, 1, 2, 2]
    c["texte"] = ["a", JINJA, "c", "d", "e", "f"]
    return c


def _map(classed, **kw):
    return bivariate(classed, x="bx", y="by", x_title="Besoin", y_title="Projets pour 10 000 hab.",
                     x_labels=X_LABELS, y_labels=Y_LABELS, source="INSEE <RP 2022>",
                     tooltip_fields={"texte": "Texte"}, **kw)


def _features(m):
    layer = next(c for c in m._children.values() if isinstance(c, PolygonLayer))
    keys = layer.data["k"]
    return layer, [dict(zip(keys, row[: len(keys)], strict=True)) for row in layer.data["r"]]


def test_cell_index_and_palette():
    assert cell_index([0, 2, 1, np.nan, 0, 2, -1], [0, 0, 1, 1, 2, 2, 0]).tolist() == \
        [0, 2, 4, -1, 6, 8, -1]
    assert flat_palette() == [PALETTE[y][x] for y in range(3) for x in range(3)]
    assert len(set(flat_palette())) == 9
    # high need, few projects: the saturated red corner; low need, many projects: blue
    assert cell_color(2, 0) == "#c85a5a" and cell_color(0, 2) == "#64acbe"


def test_classes_in_the_payload(classed):
    m = _map(classed)
    layer, feats = _features(m)
    assert [f["c"] for f in feats] == [0, 2, 4, -1, 6, 8]
    assert layer.options_dict["palette"] == flat_palette()
    assert feats[1]["bx"] == "&lt;b&gt;élevé&lt;/b&gt;" and feats[1]["by"] == "aucun projet"
    assert feats[3]["bx"] == "non classée"


def test_legend_explains_both_axes(classed):
    m = _map(classed, note="Besoin : tiers des communes.")
    legend = next(c for c in m._children.values() if isinstance(c, Legend))
    h = legend.html_content
    assert "Besoin × Projets pour 10 000 hab." in h
    assert "→ Besoin ; ↑ Projets pour 10 000 hab." in h
    for label in ("faible", "moyen", "&lt;b&gt;élevé&lt;/b&gt;", "aucun projet", "≤ 5", "&gt; 5"):
        assert label in h
    # one count per cell (here 1 in five cells, 0 elsewhere), and the unclassed commune
    cells = re.findall(r"data-x='(\d)' data-y='(\d)' style='[^']*background:(#[0-9a-f]{6})'"
                       r"[^>]*>(\d+)</span>", h)
    assert len(cells) == 9
    counts = {(int(x), int(y)): int(n) for x, y, _, n in cells}
    assert counts == {(0, 0): 1, (1, 0): 0, (2, 0): 1, (0, 1): 0, (1, 1): 1, (2, 1): 0,
                      (0, 2): 1, (1, 2): 0, (2, 2): 1}
    assert all(col == cell_color(int(x), int(y)) for x, y, col, _ in cells)
    assert "non classée" in h and "(1)" in h
    assert "Besoin : tiers des communes." in h and "INSEE &lt;RP 2022&gt;" in h
    # the corners in words
    assert "Besoin &lt;b&gt;élevé&lt;/b&gt;, Projets pour 10 000 hab. aucun projet" in h
    assert "Besoin faible, Projets pour 10 000 hab. &gt; 5" in h


def test_escaped_tooltips_and_names(classed):
    classed.loc[0, "nom"] = XSS_NAME
    html = _map(classed).get_root().render()
    assert XSS_NAME not in html and "<img" not in html
    assert "<b>élevé</b>" not in html
    assert JINJA not in html and "1337" not in html  # braces escaped, never evaluated
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in html


def test_offline_and_on_a_given_map(classed):
    m0 = base_map()
    m = _map(classed, m=m0)
    assert m is m0 and isinstance(m, folium.Map)
    html = m.get_root().render()
    urls = script_and_link_urls(html)
    assert urls and all(u.startswith("/app/static/vendor/") for u in urls), urls
    assert external_links(m) == []
    assert not re.search(r"https?://[^\"' ]+\.(js|css)\b", html)


def test_projects_drawn_on_it(classed):
    projects = pd.DataFrame({
        "titre": ["<script>alert(5)</script>", "Voirie"], "statut": ["engage", None],
        "orientation": [None, None], "commune": ["59000", "59001"],
        "commune_nom": ["Commune 0", "Commune 1"], "lon": [3.02, 3.07], "lat": [50.62, 50.62],
        "illustratif": [False, True], "pack": ["nord", "nord"]})
    m = _map(classed, projects=projects)
    html = m.get_root().render()
    assert "markerClusterGroup" in html
    assert "<script>alert(5)" not in html
    assert "Voirie" in html and "illustratif" in html
    legends = [c for c in m._children.values() if isinstance(c, Legend)]
    assert len(legends) == 2 and "Engagé, en cours, réalisé" in legends[1].html_content


def test_bad_inputs(classed):
    with pytest.raises(ValueError, match="colonne absente"):
        bivariate(classed, x="absente", y="by", x_title="a", y_title="b", x_labels=X_LABELS,
                  y_labels=Y_LABELS, source="s")
    with pytest.raises(ValueError, match="3 libellés"):
        bivariate(classed, x="bx", y="by", x_title="a", y_title="b", x_labels=["a", "b"],
                  y_labels=Y_LABELS, source="s")
