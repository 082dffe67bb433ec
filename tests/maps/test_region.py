"""The region map's level of detail (carnet.maps.region) on the tiny pack: the EPCI carry their
own values (ratio of sums), the communes theirs, each level its legend, switched at a zoom."""

from __future__ import annotations

import re

import pytest

from carnet.maps.elements import Legend, PolygonLayer, esc
from carnet.maps.region import ZoomSwitch, region_map


def layer_rows(layer: PolygonLayer) -> dict[str, list]:
    """code → row of a polygon layer's data."""
    return {r[0]: r for r in layer.data["r"]}


def parts(m):
    kids = list(m._children.values())
    return ([c for c in kids if isinstance(c, PolygonLayer)], [c for c in kids if isinstance(c, Legend)],
            [c for c in kids if isinstance(c, ZoomSwitch)])


def test_epci_below_the_zoom_communes_from_it(tiny):
    m = region_map(tiny, "taux_chomage_2022", commune_zoom=9)
    layers, legends, switch = parts(m)
    assert len(switch) == 1 and switch[0].zoom == 9
    (epci,), (communes,) = switch[0].low[0], switch[0].high[0]
    assert switch[0].low[1] == [legends[0]] and switch[0].high[1] == [legends[1]]
    # the EPCI's value is the pack's value of the EPCI (ratio of sums), not a mean of communes
    vals = tiny.values("epci")["taux_chomage_2022"]
    rows = layer_rows(epci)
    assert set(rows) == set(tiny.table("epci")["code"])
    for code, row in rows.items():
        assert row[3] == f"{vals[code]:.1f}".replace(".", ",") + "\u202f%", code
    assert set(layer_rows(communes)) == set(tiny.table("commune")["code"])
    assert communes.lazy and not epci.lazy  # the communes are built when first zoomed to
    assert not epci.control and not communes.control
    html = m.get_root().render()
    assert f"z0 = {9}" in html and 'layer.once("add"' in html
    # the switch names the layers and legends that exist in the page
    names = re.search(r"var low = (\[\[.*?\]\]);", html).group(1)
    assert epci.get_name() in names and legends[0].get_name() in names


def test_a_non_aggregable_indicator_is_drawn_on_the_communes_at_every_zoom(tiny):
    assert not tiny.indicator("revenu_median_2021").aggregable
    m = region_map(tiny, "revenu_median_2021")
    layers, legends, switch = parts(m)
    assert switch == [] and len(legends) == 1
    assert set(layer_rows(layers[0])) == set(tiny.table("commune")["code"]) and not layers[0].lazy


@pytest.mark.parametrize("hostile", ["<img src=x onerror=alert(1)>", "{{ 7*7 }}"])
def test_epci_names_are_inert(tiny, hostile):
    tab = tiny.table("epci")  # the pack's cached table: the map reads this frame
    code = tab["code"].iloc[0]
    tab.loc[tab.index[0], "nom"] = hostile
    m = region_map(tiny, "taux_chomage_2022")
    epci = parts(m)[2][0].low[0][0]
    assert layer_rows(epci)[code][1] == esc(hostile)
    html = m.get_root().render()
    assert "<img src=x" not in html and "{{ 7*7 }}" not in html
