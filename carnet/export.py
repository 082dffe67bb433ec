"""Exports of indicator tables: ``python -m carnet export``."""

from __future__ import annotations

import io
import os
import sys
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd

from carnet.errors import CarnetError, lookup
from carnet.pack import Pack


def export_frame(pack: Pack, level: str, with_geometry: bool = False) -> pd.DataFrame:
    """Columns ``code``, ``nom``, then one column per indicator id."""
    names = pack.table(level).set_index("code")["nom"]
    vals = pack.values(level)
    df = vals.copy()
    df.insert(0, "nom", names.reindex(df.index).values)
    df = df.reset_index()
    if with_geometry:
        geo = pack.geometry(level, "complet").set_index("code").geometry
        df = gpd.GeoDataFrame(df, geometry=geo.reindex(df["code"]).values, crs=4326)
    return df


def _write_csv(df, dest):
    df.to_csv(dest, index=False, float_format="%.10g")


def _write_geojson(df, dest):
    df.to_file(dest, driver="GeoJSON")


def _write_gpkg(df, dest):
    df.to_file(dest, driver="GPKG", layer="indicateurs")


FORMATS = {
    "csv": (_write_csv, False),
    "geojson": (_write_geojson, True),
    "gpkg": (_write_gpkg, True),
}


def export(pack: Pack, level: str, fmt: str, output: str | None = None) -> None:
    """Write an export; to stdout for CSV without output file, atomically otherwise."""
    writer, geo = lookup(FORMATS, fmt, "Format")
    df = export_frame(pack, level, with_geometry=geo)
    if output is None:
        if fmt != "csv":
            raise CarnetError(f"Le format {fmt} demande un fichier de sortie (--output).")
        buf = io.StringIO()
        writer(df, buf)
        sys.stdout.write(buf.getvalue())
        return
    out = Path(output)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=out.suffix, dir=out.parent or ".")
    os.close(fd)
    os.unlink(tmp)  # GDAL drivers want to create the file themselves
    try:
        writer(df, tmp)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
