"""Exports of indicator tables: ``python -m carnet export`` and the pages' downloads.

Values are rounded to each indicator's declared decimals (``decimals`` in the registry), as
the pages show them; ``rounded=False`` (CLI ``--brut``) keeps the unrounded values. Two CSV
dialects: ``csv`` (``,`` separator, decimal point, UTF-8 without BOM: for programs) and
``csv-tableur`` (``;`` separator, decimal comma, UTF-8 with BOM: what French spreadsheets
open correctly; the pages' default). XLSX cells are numbers with a number format of the
indicator's decimals.

At commune level, a commune merged after the reference COG has its own row (code of its
chef-lieu, ``statut`` « commune nouvelle (2025) ») holding the indicators whose sources
publish it; its former communes are blank there (``statut`` « fusionnée dans … ») and keep
the older sources' values, so that every summed column adds up to the département.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from carnet.errors import CarnetError, lookup
from carnet.fiches.merged import merged_indicators, merged_name, merged_note, merged_year
from carnet.fiches.values import round_values
from carnet.pack import Pack
from carnet.text import defuse_formulas


@dataclass(frozen=True)
class CsvDialect:
    sep: str
    decimal: str
    encoding: str
    description: str


CSV_DIALECTS = {
    "csv": CsvDialect(",", ".", "utf-8", "séparateur « , », point décimal, UTF-8 sans BOM"),
    "csv-tableur": CsvDialect(";", ",", "utf-8-sig",
                              "séparateur « ; », virgule décimale, UTF-8 avec BOM (tableurs)"),
}


def _merged_rows(pack: Pack, cols: list[str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """Rows of the merged communes (their sources' indicators only) and the members' status."""
    rows, status = [], {}
    merged = pack.merged_values()
    for new, members in (pack.diagnostics.get("fusions") or {}).items():
        ids = [i for i in merged_indicators(pack, new) if i in cols]
        year = merged_year(pack, new)
        row = {"code": new, "nom": merged_name(pack, new),
               "statut": f"commune nouvelle ({year})" if year else "commune nouvelle"}
        row.update({i: (merged.at[new, i] if new in merged.index else np.nan) for i in ids})
        rows.append(row)
        for m in members:
            status[m] = merged_note(pack, new)
    return pd.DataFrame(rows), status


def export_frame(pack: Pack, level: str, with_geometry: bool = False, rounded: bool = True
                 ) -> pd.DataFrame:
    """Columns ``code``, ``nom`` (commune level: ``statut``), then one column per indicator id.

    Rounded to each indicator's decimals unless ``rounded`` is False.
    """
    names = pack.table(level).set_index("code")["nom"]
    vals = pack.values(level)
    df = vals.copy()
    df.insert(0, "nom", names.reindex(df.index).values)
    df = df.reset_index()
    cols = list(vals.columns)
    if level == "commune":
        extra, status = _merged_rows(pack, cols)
        # a plain lookup: ``map`` of an empty dict (a pack without mergers) gives floats
        df.insert(2, "statut", [status.get(c, "commune") for c in df["code"]])
        if len(extra):
            df = pd.concat([df, extra[["code", "nom", "statut", *[c for c in extra.columns
                                                                  if c in cols]]]],
                           ignore_index=True)
            df = df.sort_values(["code", "statut"], kind="stable").reset_index(drop=True)
        df[cols] = df[cols].astype(float)
    if rounded:
        df = round_values(df, {i: ind.decimals for i, ind in pack.indicators.items()})
    if with_geometry:
        geo = pack.geometry(level, "complet").set_index("code").geometry
        geoms = list(geo.reindex(df["code"]).values)
        if level == "commune":
            fused = pack.merged_geometry("complet").set_index("code").geometry
            geoms = [fused.get(c) if s.startswith("commune nouvelle") else g
                     for c, s, g in zip(df["code"], df["statut"], geoms, strict=True)]
        df = gpd.GeoDataFrame(df, geometry=geoms, crs=4326)
    return df


def csv_bytes(df: pd.DataFrame, dialect: str = "csv-tableur") -> bytes:
    """CSV of a table in one of :data:`CSV_DIALECTS` (values written as they are, except a text
    cell a spreadsheet would run as a formula: prefixed by ``'``, :func:`carnet.text.defuse_formulas`)."""
    d = lookup(CSV_DIALECTS, dialect, "Format CSV")
    text = defuse_formulas(df).to_csv(index=False, sep=d.sep, decimal=d.decimal, float_format="%.10g")
    return text.encode(d.encoding)


def number_format(decimals: int) -> str:
    """Excel number format with thousands separator and ``decimals`` decimals: ``#,##0.0``.

    Excel shows it with the reader's separators (``1 234,5`` in French).
    """
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


#: By default xlsxwriter turns ``https://…``, ``mailto:…``, ``external:\\…`` or
#: ``file:///…`` into live hyperlinks, ``=…`` into formulas and ``0123`` into numbers.
#: With these options a text cell is exactly the string exported.
XLSX_OPTIONS = {"strings_to_urls": False, "strings_to_formulas": False, "strings_to_numbers": False}


def xlsx_bytes(df: pd.DataFrame, decimals: dict[str, int] | None = None, sheet: str = "Données",
               sources: pd.DataFrame | None = None) -> bytes:
    """XLSX of a table: numeric columns of ``decimals`` carry their number format.

    A second sheet « Sources » holds ``sources`` (citation and vintage of every column).
    Strings are written as text cells: no hyperlink, formula or number made of them
    (:data:`XLSX_OPTIONS`).
    """
    decimals = decimals or {}
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter", engine_kwargs={"options": XLSX_OPTIONS}) as xl:
        df.to_excel(xl, index=False, sheet_name=sheet)
        ws = xl.sheets[sheet]
        for i, c in enumerate(df.columns):
            width = min(45, max(12, len(str(c)) + 2))
            fmt = xl.book.add_format({"num_format": number_format(int(decimals[c]))}) \
                if c in decimals else None
            ws.set_column(i, i, width, fmt)
        if sources is not None:
            sources.to_excel(xl, index=False, sheet_name="Sources")
            xl.sheets["Sources"].set_column(0, len(sources.columns) - 1, 40)
    return buf.getvalue()


def _write_csv(df, dest, dialect="csv"):
    data = csv_bytes(df, dialect)
    if hasattr(dest, "write"):
        dest.write(data)
    else:
        Path(dest).write_bytes(data)


def _write_csv_tableur(df, dest):
    _write_csv(df, dest, "csv-tableur")


def _write_geojson(df, dest):
    df.to_file(dest, driver="GeoJSON")


def _write_gpkg(df, dest):
    df.to_file(dest, driver="GPKG", layer="indicateurs")


FORMATS = {
    "csv": (_write_csv, False),
    "csv-tableur": (_write_csv_tableur, False),
    "geojson": (_write_geojson, True),
    "gpkg": (_write_gpkg, True),
}


def describe(fmt: str, rounded: bool = True) -> str:
    """French description of what an export writes (the CLI prints it on stderr)."""
    what = {"geojson": "GeoJSON (WGS84)", "gpkg": "GeoPackage (couche « indicateurs »)"}
    text = f"CSV ({CSV_DIALECTS[fmt].description})" if fmt in CSV_DIALECTS else what[fmt]
    values = ("valeurs arrondies aux décimales de chaque indicateur (--brut : non arrondies)"
              if rounded else "valeurs non arrondies")
    return f"{text} ; {values}"


def export(pack: Pack, level: str, fmt: str, output: str | None = None, rounded: bool = True
           ) -> None:
    """Write an export; to stdout for CSV without output file, atomically otherwise."""
    writer, geo = lookup(FORMATS, fmt, "Format")
    df = export_frame(pack, level, with_geometry=geo, rounded=rounded)
    if output is None:
        if fmt not in CSV_DIALECTS:
            raise CarnetError(f"Le format {fmt} demande un fichier de sortie (--output).")
        data = csv_bytes(df, fmt)
        sys.stdout.flush()
        if hasattr(sys.stdout, "buffer"):
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:  # a text-only stream (tests, notebooks)
            sys.stdout.write(data.decode(CSV_DIALECTS[fmt].encoding))
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
