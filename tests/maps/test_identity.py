"""Rendered map HTML is identical to the record (benchmarks/map_identity.json).

The maps of the atlas and the projects map, rendered from the real Nord pack, give the
digests recorded before the map builders moved to ``carnet.maps``; a digest changes only
in a commit that says what changed on the map and why.
"""

from __future__ import annotations

import pytest

from benchmarks.map_identity import normalise, recorded, render_all

pytestmark = pytest.mark.integration


def test_normalise_numbers_folium_names_in_order():
    a, b = "0" * 31 + "a", "f" * 32
    html = f'<div id="map_{a}"></div><script>var map_{a} = L.map("map_{a}");' \
           f"var layer_control_{b}_layers = {{}};</script>"
    assert normalise(html) == ('<div id="map_0"></div><script>var map_0 = L.map("map_0");'
                               "var layer_control_1_layers = {};</script>")


def test_maps_render_as_recorded(nord, built_cache):
    assert render_all(str(built_cache)) == recorded()
