"""The fast map's values payload (carnet.maps.fast) against the folium choropleth it stands in for."""

from __future__ import annotations

import json

import pytest

from carnet.maps import atlas, fast
from carnet.maps.elements import Legend, PolygonLayer
from carnet.pack import load_pack


def _folium_parts(m):
    layer = next(c for c in m._children.values()
                 if isinstance(c, PolygonLayer) and c.options_dict.get("palette"))
    keys = layer.data["k"]
    rows = [dict(zip(keys, r[: len(keys)], strict=True)) for r in layer.data["r"]]
    legend = next(c for c in m._children.values() if isinstance(c, Legend))
    return layer.options_dict["palette"], {r["code"]: r["c"] for r in rows}, legend.html_content


@pytest.mark.parametrize("iid", ["pop_2022", "taux_chomage_2022", "densite_2022"])
@pytest.mark.parametrize("scheme", ["quantiles", "equal_interval"])
@pytest.mark.parametrize("tid", ["plateau", None])
def test_payload_classes_colours_legend_equal_the_folium_choropleth(tiny_pack, iid, scheme, tid):
    pack = load_pack(tiny_pack.id)
    palette, classes, legend = _folium_parts(atlas.commune_map(pack, tid, iid, scheme))
    p = fast.values_payload(pack, tid, iid, scheme)
    assert p["palette"] == palette
    assert {key[2:]: c for key, c, _ in p["rows"]} == classes
    assert p["legend"] == legend
    json.dumps(p)  # what the component is sent: plain JSON


def test_selection_outlines_the_clicked_commune(tiny_pack):
    pack = load_pack(tiny_pack.id)
    p = fast.values_payload(pack, "plateau", "pop_2022", selected="02001")
    assert p["selected"] == ["c:02001"]
    assert fast.values_payload(pack, "plateau", "pop_2022")["selected"] == []


def test_geometry_file_is_content_hashed_and_written_once(tiny_pack, tmp_path):
    pack = load_pack(tiny_pack.id)
    rel = fast.write_geometry(pack, "territoire", tmp_path)
    assert rel.startswith(f"geo/{pack.id}-territoire-") and rel.endswith(".json")
    doc = json.loads((tmp_path / rel).read_text(encoding="utf-8"))
    assert set(doc["c"]) == set(pack.table("commune")["code"])
    assert doc["c"]["02001"][0] == "Aubeville"
    before = (tmp_path / rel).stat().st_mtime_ns
    assert fast.write_geometry(pack, "territoire", tmp_path) == rel
    assert (tmp_path / rel).stat().st_mtime_ns == before
