"""The contributions map: one coloured layer per category, legend with counts, every string
escaped (Leaflet uses innerHTML) and script-safe, local assets only."""

from __future__ import annotations

import json
import re

import folium

from carnet.ateliers.categories import categories
from carnet.maps.assets import external_links
from carnet.maps.contributions import add_contributions, contributions_map, marker_rows
from tests.ateliers.conftest import HOSTILE


def _rows():
    return [{"categorie": "idee", "texte": HOSTILE[0], "pseudonyme": HOSTILE[1], "lon": 3.35,
             "lat": 49.65},
            {"categorie": "idee", "texte": "Un marché couvert", "pseudonyme": "", "lon": 3.45,
             "lat": 49.65},
            {"categorie": "probleme", "texte": HOSTILE[3] + " " + "long " * 60,
             "pseudonyme": "", "lon": 3.4, "lat": 49.55}]


def _layer_data(html: str) -> list:
    return [json.loads(d) for d in re.findall(r"var d = (\[.*?\]), o = ", html)]


def test_markers_are_escaped_and_coloured_by_category():
    m = add_contributions(_rows())
    html = m.get_root().render()
    assert "<img src=x" not in html and "{{ 7*7 }}" not in html and "49\u00a0" not in html
    layers = _layer_data(html)
    assert [len(d) for d in layers] == [2, 1]  # idee then probleme, in registry order
    lon, lat, tooltip, popup = layers[0][0]
    assert (lon, lat) == (3.35, 49.65)
    assert tooltip == ("<b>Idée</b> — &#123;&#123; 7*7 &#125;&#125;<br>"
                       "&lt;img src=x onerror=alert(1)&gt;")
    assert "&lt;img src=x onerror=alert(1)&gt;" in popup and '<div class="cc-p">' in popup
    long_tip = layers[1][0][2]
    assert long_tip.endswith("…") and len(long_tip) < 200 and "**gras**" in long_tip
    assert layers[1][0][3].count("long") == 60  # the popup has the whole text
    cats = categories()
    assert f'"fillColor":"{cats["idee"].couleur}"' in html
    assert f'"fillColor":"{cats["probleme"].couleur}"' in html
    assert cats["atout"].couleur not in html  # no empty layer
    legend = re.search(r"var entries = (\[.*?\]);", html).group(1)
    assert json.loads(legend) == [["Idée (2)", cats["idee"].couleur],
                                  ["Problème (1)", cats["probleme"].couleur]]
    assert external_links(m) == []


def test_draws_on_a_given_map_and_over_a_territoire(tiny):
    given = folium.Map(tiles=None)
    assert add_contributions(_rows(), m=given) is given
    m = contributions_map(tiny, "plateau", _rows())
    html = m.get_root().render()
    assert "Limite du territoire" in html and "Contributions : Id\\u00e9e" in html
    assert external_links(m) == []
    empty = contributions_map(tiny, "plateau", []).get_root().render()
    assert "CarnetContributions" not in empty


def test_marker_rows_escape_the_category_label_too():
    rows = marker_rows([{"texte": "a", "pseudonyme": None, "lon": 1, "lat": 2}], "<b>x</b>")
    assert rows == [[1.0, 2.0, "<b>&lt;b&gt;x&lt;/b&gt;</b><br>a",
                     '<div class="cc-t">&lt;b&gt;x&lt;/b&gt;</div>a']]
