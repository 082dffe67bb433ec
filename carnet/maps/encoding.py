"""Compact, script-safe encoding of geometries and properties for the browser.

A folium ``GeoJson`` of the 648 Nord communes weighs ~600 KB of JSON: every
coordinate is written as ``[3.123456789, 50.12345678]`` and per-feature style
dictionaries are repeated. Here each polygon ring is written with the *encoded
polyline* algorithm (quantised integer deltas, 5 bits per printable character),
which gives ~4 characters per vertex instead of ~20, and is decoded by a few
lines of JavaScript (:data:`DECODER_JS`) into GeoJSON features before Leaflet
sees them.

Format of one encoded ring: the ring without its closing vertex, as the
sequence ``dx0 dy0 dx1 dy1 ...`` of integer deltas of ``round(lon * 10**p)``,
``round(lat * 10**p)`` (the first delta is from 0), each delta zigzag-encoded
and split into 5-bit groups, low group first, ``0x20`` marking "more groups",
plus 63 (Google's polyline scheme, longitude first).
"""

from __future__ import annotations

import json
import re

import numpy as np
import shapely

# Escapes that keep a JSON text inert inside an HTML <script> element and valid
# as a JavaScript literal (U+2028/2029 are line terminators in older engines).
_SCRIPT_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


# Jinja block openers. branca re-parses every rendered script as a Jinja
# template (``Element(script(...))``), so ``{{``, ``{%`` or ``{#`` coming from
# data would be evaluated on the server. In JSON text they can only occur inside
# strings (an object never opens right after ``{``), where ``\u007b`` is an
# equivalent escape.
_JINJA_OPEN = re.compile(r"\{(?=[{%#])")


def script_json(obj) -> str:
    """Compact JSON that is safe to embed in an inline ``<script>``.

    ``<``, ``>`` and ``&`` are written as ``\\u003c``... so no string can close
    the script element or open an HTML comment, and Jinja openers (``{{``,
    ``{%``, ``{#``) are broken so that folium's second template pass leaves the
    data alone, whatever the data contain.
    """
    text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return _JINJA_OPEN.sub(r"\\u007b", text.translate(_SCRIPT_ESCAPES))


def _zigzag(values: np.ndarray) -> np.ndarray:
    v = values.astype(np.int64)
    return np.where(v < 0, ~(v << 1), v << 1).astype(np.uint64)


def _group_counts(values: np.ndarray) -> np.ndarray:
    """Characters used by each encoded value (5 bits per character)."""
    rest = _zigzag(values)
    counts = np.ones(rest.shape, dtype=np.int64)
    while True:
        big = rest >= np.uint64(32)
        if not big.any():
            return counts
        counts += big
        rest = np.where(big, rest >> np.uint64(5), rest)


def _encode_values(values: np.ndarray) -> tuple[bytes, np.ndarray]:
    """Encode signed integer deltas as polyline characters (vectorised).

    Returns the ASCII bytes and the number of characters of each value.
    """
    z = _zigzag(values)
    ngroups = _group_counts(values)
    width = int(ngroups.max()) if len(ngroups) else 1
    shifts = (np.arange(width, dtype=np.uint64) * np.uint64(5))[None, :]
    groups = ((z[:, None] >> shifts) & np.uint64(0x1F)).astype(np.uint8)
    idx = np.arange(width)[None, :]
    more = idx < (ngroups[:, None] - 1)
    chars = groups + np.where(more, 0x20, 0).astype(np.uint8) + 63
    keep = idx < ngroups[:, None]
    return chars[keep].tobytes(), ngroups


def encode_rings(rings: list[np.ndarray], precision: int = 5) -> list[str]:
    """Encode closed rings (arrays of ``(lon, lat)``) as polyline strings.

    Parameters
    ----------
    rings : list of ndarray, shape (n, 2)
        Closed rings, first vertex repeated at the end (shapely/GeoJSON style).
    precision : int
        Decimals kept (5 ≈ 1 m, 4 ≈ 10 m).

    Returns
    -------
    list of str
        One string per ring, pure ASCII in ``?``..``~``.
    """
    if not rings:
        return []
    factor = 10.0**precision
    quantised = [np.round(np.asarray(r, dtype=np.float64)[:-1, :2] * factor) for r in rings]
    lengths = np.array([len(q) for q in quantised])
    allq = np.concatenate(quantised).astype(np.int64)
    deltas = np.diff(allq, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    deltas[starts[lengths > 0]] = allq[starts[lengths > 0]]  # each ring starts from 0
    flat = deltas.ravel()
    # Encode value by value to know where each ring's characters end.
    encoded, per_value = _encode_values(flat)
    value_ends = np.cumsum(per_value)
    ring_value_ends = np.cumsum(lengths) * 2
    out = []
    prev = 0
    text = encoded.decode("ascii")
    for end_value in ring_value_ends:
        end = int(value_ends[end_value - 1]) if end_value > 0 else 0
        out.append(text[prev:end])
        prev = end
    return out


def decode_ring(text: str, precision: int = 5) -> list[tuple[float, float]]:
    """Decode one ring (Python mirror of the JS decoder, for tests)."""
    values = []
    result = shift = 0
    for ch in text:
        b = ord(ch) - 63
        result |= (b & 0x1F) << shift
        shift += 5
        if b < 0x20:
            values.append(~(result >> 1) if result & 1 else result >> 1)
            result = shift = 0
    factor = 10.0**precision
    pts = []
    x = y = 0
    for dx, dy in zip(values[0::2], values[1::2], strict=True):
        x += dx
        y += dy
        pts.append((x / factor, y / factor))
    if pts:
        pts.append(pts[0])
    return pts


def encode_polygonal(geoms, precision: int = 5) -> list[list[list[str]]]:
    """Encode (multi)polygons as ``[[ring, ...] per polygon]`` per geometry.

    Empty or missing geometries give ``[]`` (the feature is drawn as nothing).
    Non polygonal geometries raise ``ValueError``.
    """
    geoms = np.asarray(geoms, dtype=object)
    parts = []  # (geometry index, polygon index, ring array)
    out: list[list[list[str]]] = [[] for _ in range(len(geoms))]
    for i, geom in enumerate(geoms):
        if geom is None or geom.is_empty:
            continue
        if geom.geom_type == "Polygon":
            polys = [geom]
        elif geom.geom_type == "MultiPolygon":
            polys = list(geom.geoms)
        else:
            raise ValueError(f"géométrie non surfacique : {geom.geom_type}")
        for j, poly in enumerate(polys):
            out[i].append([])
            parts.append((i, j, shapely.get_coordinates(poly.exterior)))
            parts.extend((i, j, shapely.get_coordinates(r)) for r in poly.interiors)
    rings = encode_rings([p[2] for p in parts], precision)
    for (i, j, _), ring in zip(parts, rings, strict=True):
        out[i][j].append(ring)
    return out


# JavaScript decoder, defined once per page (guarded), used by every layer.
DECODER_JS = """
if (!window.CarnetMaps) { window.CarnetMaps = {
  ring: function (s, f) {
    var pts = [], i = 0, n = s.length, x = 0, y = 0, r, sh, b;
    while (i < n) {
      r = 0; sh = 0;
      do { b = s.charCodeAt(i++) - 63; r |= (b & 31) << sh; sh += 5; } while (b >= 32);
      x += (r & 1) ? ~(r >>> 1) : (r >>> 1);
      r = 0; sh = 0;
      do { b = s.charCodeAt(i++) - 63; r |= (b & 31) << sh; sh += 5; } while (b >= 32);
      y += (r & 1) ? ~(r >>> 1) : (r >>> 1);
      pts.push([x / f, y / f]);
    }
    if (pts.length) { pts.push(pts[0]); }
    return pts;
  },
  features: function (d) {
    var f = Math.pow(10, d.p), keys = d.k, self = this;
    return d.r.map(function (row) {
      var props = {}, g = row[keys.length];
      for (var j = 0; j < keys.length; j++) { props[keys[j]] = row[j]; }
      var polys = g.map(function (p) { return p.map(function (s) { return self.ring(s, f); }); });
      return {type: "Feature", properties: props, geometry: polys.length === 1 ?
        {type: "Polygon", coordinates: polys[0]} : {type: "MultiPolygon", coordinates: polys}};
    });
  }
}; }
"""
