"""Compact geometry encoding and script-safe JSON."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely

from carnet.maps.encoding import decode_ring, encode_polygonal, encode_rings, script_json


@pytest.mark.parametrize("precision", [4, 5, 6])
def test_ring_roundtrip(precision):
    rng = np.random.default_rng(1)
    ring = np.column_stack([3 + rng.random(50), 50 + rng.random(50)])
    ring = np.vstack([ring, ring[:1]])
    (text,) = encode_rings([ring], precision)
    assert set(text) <= {chr(c) for c in range(63, 127)}
    back = np.array(decode_ring(text, precision))
    assert back.shape == ring.shape
    assert np.abs(back - ring).max() <= 0.5 * 10**-precision + 1e-12


def test_negative_and_large_coordinates():
    ring = np.array(
        [[-179.98765, -89.5], [179.5, 89.99999], [0.00001, -0.00001], [-179.98765, -89.5]]
    )
    (text,) = encode_rings([ring])
    assert np.allclose(decode_ring(text), ring, atol=1e-5)


def test_multipolygon_with_hole():
    outer = shapely.box(3, 50, 3.2, 50.2)
    hole = shapely.box(3.05, 50.05, 3.1, 50.1)
    poly = shapely.Polygon(outer.exterior.coords, [hole.exterior.coords])
    multi = shapely.MultiPolygon([poly, shapely.box(4, 51, 4.1, 51.1)])
    (enc,) = encode_polygonal([multi])
    assert [len(p) for p in enc] == [2, 1]
    hole_back = shapely.Polygon(decode_ring(enc[0][1]))
    assert hole_back.equals_exact(shapely.Polygon(hole.exterior.coords), 1e-6)
    assert encode_polygonal([None, shapely.Polygon()]) == [[], []]
    with pytest.raises(ValueError):
        encode_polygonal([shapely.Point(0, 0)])


def test_script_json_is_inert_in_html_and_jinja():
    value = {"s": "</script><!-- {{ 7*7 }} {% x %} {#c#} & \u2028"}
    text = script_json(value)
    for bad in ("<", ">", "{{", "{%", "{#", "&", "\u2028"):
        assert bad not in text
    assert json.loads(text) == value
    assert script_json({"a": [{"b": 1}]}) == '{"a":[{"b":1}]}'
