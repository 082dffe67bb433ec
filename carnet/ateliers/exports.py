"""Export of approved contributions: CSV (spreadsheet-safe) and GeoJSON (raw strings).

CSV: ``;`` separated, UTF-8 with BOM (opens in a French spreadsheet), a cell starting with
``= + - @``, a tab or a carriage return gets a leading ``'`` so that no spreadsheet reads it
as a formula. GeoJSON: one Point feature per contribution (WGS84), properties holding the
raw strings (JSON-escaped by the encoder, nothing else done to them: whoever shows them
escapes them). The registry :data:`FORMATS` is dispatched by :func:`export_contributions`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from typing import NamedTuple

from carnet.errors import lookup
from carnet.text import FORMULA_START

#: (key of an approved contribution, column header), in order.
COLUMNS = (("atelier", "atelier"), ("atelier_titre", "titre_atelier"),
           ("territoire", "territoire"), ("categorie_libelle", "categorie"),
           ("texte", "texte"), ("pseudonyme", "pseudonyme"), ("lon", "lon"), ("lat", "lat"),
           ("created_at", "date"))
SOURCE = "Contributions des participants aux ateliers, après modération (Carnet de Territoire)"


def defuse(value):
    """A text cell made inert for spreadsheets (``'`` before a formula start), cell by cell
    as :func:`carnet.text.defuse_formulas` does for a frame (same :data:`FORMULA_START`)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _cell(value):
    if hasattr(value, "isoformat"):
        return value.isoformat(timespec="seconds") if hasattr(value, "hour") else value.isoformat()
    return value


def to_csv(rows: Sequence[dict]) -> bytes:
    """The contributions as CSV (see the module docstring)."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow([h for _, h in COLUMNS])
    for r in rows:
        out = []
        for key, _ in COLUMNS:
            v = _cell(r.get(key))
            if key in ("lon", "lat") and v is not None:
                v = f"{float(v):.6f}".replace(".", ",")
            out.append(defuse("" if v is None else v))
        w.writerow(out)
    return buf.getvalue().encode("utf-8-sig")


def to_geojson(rows: Sequence[dict]) -> bytes:
    """The contributions as a GeoJSON FeatureCollection (properties: raw strings)."""
    features = [{"type": "Feature",
                 "geometry": {"type": "Point", "coordinates": [float(r["lon"]), float(r["lat"])]},
                 "properties": {h: _cell(r.get(k)) for k, h in COLUMNS if k not in ("lon", "lat")}}
                for r in rows]
    doc = {"type": "FeatureCollection", "name": "contributions", "source": SOURCE,
           "features": features}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


class ExportFormat(NamedTuple):
    label: str
    extension: str
    mime: str
    write: Callable[[Sequence[dict]], bytes]


FORMATS: dict[str, ExportFormat] = {
    "csv": ExportFormat("CSV (tableur)", "csv", "text/csv", to_csv),
    "geojson": ExportFormat("GeoJSON (SIG)", "geojson", "application/geo+json", to_geojson),
}


def export_contributions(rows: Sequence[dict], fmt: str) -> bytes:
    """The approved contributions ``rows`` in format ``fmt`` (a key of :data:`FORMATS`)."""
    return lookup(FORMATS, fmt, "Format d'export")[3](rows)


def export_filename(pack: str, territoire: str, fmt: str, atelier: str | None = None) -> str:
    """``contributions-<pack>-<territoire>[-<code>].<ext>``."""
    ext = lookup(FORMATS, fmt, "Format d'export").extension
    stem = "-".join(p for p in ("contributions", pack, territoire, atelier) if p)
    return f"{stem}.{ext}"
