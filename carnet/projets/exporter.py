"""Export of projects (the current filter) as CSV, XLSX, GeoJSON or GeoPackage."""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import geopandas as gpd
import pandas as pd
from shapely import points

from carnet.projets import fields
from carnet.projets.constants import vocabs
from carnet.projets.errors import ProjetError
from carnet.projets.orientations import pack_of
from carnet.text import FORMULA_START, defuse_formulas

#: Columns of the export, in order (``carnet/data/champs_projets.toml``: the exported fields
#: between the registry's id and its bookkeeping).
EXPORT_COLUMNS: list[str] = list(fields.EXPORT_COLUMNS)
_FORMULA_START = FORMULA_START  # kept for the tests and helpers that name it


def _labelled(df: pd.DataFrame) -> pd.DataFrame:
    out = df.reindex(columns=EXPORT_COLUMNS).copy()
    for name, vocab in vocabs(pack_of(df)).items():
        out[name] = out[name].map(lambda c, v=vocab: v.get(c, c) if isinstance(c, str) else c)
    for name in ("created_at", "updated_at"):
        out[name] = out[name].astype("string")
    return out


def _defuse(df: pd.DataFrame) -> pd.DataFrame:
    """Neutralise spreadsheet formulas in text cells (CSV/XLSX injection)."""
    return defuse_formulas(df)


def _write_csv(data: pd.DataFrame) -> bytes:
    return _defuse(data).to_csv(sep=";", decimal=",", index=False).encode("utf-8-sig")


def _write_xlsx(data: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    # text stays text: no hyperlink from https://, mailto:, file:///… (nor formula, number)
    options = {"strings_to_urls": False, "strings_to_formulas": False,
               "strings_to_numbers": False}
    with pd.ExcelWriter(buf, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        _defuse(data).to_excel(writer, sheet_name="Projets", index=False)
    return buf.getvalue()


def _points(data: pd.DataFrame) -> gpd.GeoDataFrame:
    geom = points(data["lon"].to_numpy(dtype=float), data["lat"].to_numpy(dtype=float))
    located = data["lon"].notna() & data["lat"].notna()
    geom = [g if ok else None for g, ok in zip(geom, located, strict=True)]
    gdf = gpd.GeoDataFrame(data.drop(columns=["lon", "lat"]), geometry=geom, crs="EPSG:4326")
    for name in ("annee_debut", "annee_fin", "id", "version"):
        gdf[name] = gdf[name].astype("Int64")
    return gdf


def _write_geojson(data: pd.DataFrame) -> bytes:
    return json.dumps(json.loads(_points(data).to_json(na="null", drop_id=True)),
                      ensure_ascii=False).encode("utf-8")


def _write_gpkg(data: pd.DataFrame) -> bytes:
    with tempfile.TemporaryDirectory(prefix="carnet-export-") as tmp:
        path = Path(tmp) / "projets.gpkg"
        _points(data).to_file(path, layer="projets", driver="GPKG", engine="pyogrio")
        return path.read_bytes()


def _write_schema_collectivites(data: pd.DataFrame) -> bytes:
    from carnet.projets.schema_collectivites import export_package

    return export_package(data)


class ExportFormat(NamedTuple):
    """One export format: file suffix, MIME type, writer (labelled frame → bytes).

    ``raw``: the writer takes the registry's frame (codes, not labels); ``label``: the
    button's name when not the format id in capitals.
    """

    suffix: str
    mime: str
    write: Callable[[pd.DataFrame], bytes]
    raw: bool = False
    label: str | None = None


#: Writers by format id (``--format``, the page's buttons), in the order they are offered.
FORMATS: dict[str, ExportFormat] = {
    "csv": ExportFormat(".csv", "text/csv", _write_csv),
    "xlsx": ExportFormat(".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         _write_xlsx),
    "geojson": ExportFormat(".geojson", "application/geo+json", _write_geojson),
    "gpkg": ExportFormat(".gpkg", "application/geopackage+sqlite3", _write_gpkg),
    # the national schema of local-authority projects, as a zipped Data Package
    # (carnet/projets/schema_collectivites.py, docs/SCHEMA_COLLECTIVITES.md)
    "schema-collectivites": ExportFormat(".zip", "application/zip",
                                         _write_schema_collectivites, raw=True,
                                         label="Exporter au schéma national (ZIP)"),
}


def export_format(fmt: str) -> ExportFormat:
    """The format ``fmt`` (any case); an unknown one raises a French error listing the others."""
    found = FORMATS.get(str(fmt).lower())
    if found is None:
        raise ProjetError(f"Format d'export inconnu « {str(fmt).lower()} » ({', '.join(FORMATS)}).")
    return found


def export_projects(df: pd.DataFrame, fmt: str) -> bytes:
    """Serialise projects.

    Parameters
    ----------
    df : pandas.DataFrame
        Projects as returned by ``ProjetRepository.dataframe`` (possibly filtered).
    fmt : str
        A key of :data:`FORMATS`: ``csv`` (``;``, decimal comma, UTF-8 with BOM for
        spreadsheets), ``xlsx``, ``geojson`` (WGS84), ``gpkg`` (layer ``projets``, EPSG:4326)
        or ``schema-collectivites`` (the national schema, a zipped Data Package).

    Returns
    -------
    bytes

    Raises
    ------
    ProjetError
        Unknown format (the message lists the accepted ones).
    """
    found = export_format(fmt)
    return found.write(df if found.raw else _labelled(df))


#: Columns of the import template: the exported fields a file provides (the round-trip format).
TEMPLATE_COLUMNS: list[str] = list(fields.TEMPLATE_COLUMNS)


def accepted_values_frame(territoires: dict[str, str] | None = None,
                          ctx=None) -> pd.DataFrame:
    """Accepted values of the vocabulary fields (and territories), for the page and template.

    Columns: Champ, Code, Libellé, Aussi reconnu (keywords, numbers, short labels).
    """
    from carnet.projets.matching import accepted_values

    rows = []
    for fname in ("orientation", "statut", "categorie", "nature", "mode"):
        for code, label, extra in accepted_values(fname, ctx):
            rows.append({"Champ": fields.label(fname), "Code": code, "Libellé": label,
                         "Aussi reconnu": extra})
    for code, label in (territoires or {}).items():
        rows.append({"Champ": fields.label("territoire"), "Code": code, "Libellé": label,
                     "Aussi reconnu": ""})
    return pd.DataFrame(rows, columns=["Champ", "Code", "Libellé", "Aussi reconnu"])


def template_bytes(fmt: str, territoires: dict[str, str] | None = None, ctx=None) -> bytes:
    """An empty import template (the export's columns), CSV or XLSX.

    The XLSX adds a sheet « Valeurs acceptées »; the file re-imports as is.
    """
    empty = pd.DataFrame(columns=TEMPLATE_COLUMNS)
    if fmt == "csv":
        return empty.to_csv(sep=";", index=False).encode("utf-8-sig")
    if fmt != "xlsx":
        raise ProjetError(f"Modèle disponible en CSV ou XLSX, pas « {fmt} ».")
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter") as writer:
        empty.to_excel(writer, sheet_name="Projets", index=False)
        _defuse(accepted_values_frame(territoires, ctx)).to_excel(
            writer, sheet_name="Valeurs acceptées", index=False)
    return buf.getvalue()


def export_filename(pack: str, territoire: str | None, fmt: str) -> str:
    """File name for an export, e.g. ``projets_nord_cambresis.gpkg``."""
    return f"projets_{pack}{'_' + territoire if territoire else ''}{FORMATS[fmt][0]}"
