"""Readers for the real formats of the raw sources.

Each reader takes a path and options (from the source catalogue) and returns a
DataFrame whose cells are strings (or a GeoDataFrame for vector files). Numbers
are parsed later, column by column, with :func:`to_number`, so that a
statistical-secrecy blank stays a missing value and never becomes 0.

Readers check structure as they go and raise :class:`~carnet.errors.SourceFormatError`
naming the file and the line: wrong separator, truncated rows, duplicated codes.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pandas as pd

from carnet.errors import SourceFormatError, SourceMissingError, lookup
from carnet.text import insee_code

_SEPARATORS = (";", ",", "\t", "|")


#: An INSEE commune code as a 5-character string (:func:`carnet.text.insee_code`).
normalize_code = insee_code


def to_number(series: pd.Series, *, path: str = "", column: str = "",
              secret=("s",), decimal_comma: bool = False,
              lines: pd.Series | None = None) -> pd.Series:
    """Parse a column of strings into floats.

    Empty cells and secrecy markers become NaN (not published), never 0.
    A cell that is neither raises :class:`SourceFormatError` with its line.

    Parameters
    ----------
    series : Series of str
    path, column : str
        Used in the error message.
    secret : sequence of str
        Markers of statistical secrecy.
    decimal_comma : bool
        Whether ``"38,0"`` means 38.0.
    lines : Series of int, optional
        Line number in the file of each row (same index).
    """
    s = series.astype("string").str.strip()
    s = s.mask(s.isin(list(secret)) | (s == ""))
    if decimal_comma:
        s = s.str.replace(",", ".", regex=False)
    out = pd.to_numeric(s, errors="coerce")
    bad = out.isna() & s.notna()
    if bad.any():
        idx = bad[bad].index[0]
        line = int(lines.loc[idx]) if lines is not None else None
        raise SourceFormatError(
            path, f"valeur non numérique {series.loc[idx]!r} dans la colonne {column}", line
        )
    return out.astype("float64")


def _open_text(path: Path, member: str | None, encoding: str) -> tuple[str, str]:
    """Return (text, display name) of a file or of a member of a zip archive."""
    if not path.exists():
        raise SourceMissingError(f"Fichier introuvable : {path}")
    name = str(path)
    try:
        if member:
            name = f"{path}:{member}"
            with zipfile.ZipFile(path) as zf:
                if member not in zf.namelist():
                    raise SourceFormatError(
                        str(path),
                        f"l'archive ne contient pas {member} (elle contient : "
                        f"{', '.join(zf.namelist())})",
                    )
                raw = zf.read(member)
        else:
            raw = path.read_bytes()
    except zipfile.BadZipFile as exc:
        raise SourceFormatError(str(path), f"archive zip illisible ({exc})") from None
    for enc in (encoding, "cp1252"):
        try:
            return raw.decode(enc), name
        except UnicodeDecodeError:
            continue
    raise SourceFormatError(name, "encodage illisible (ni UTF-8 ni Windows-1252)")


def read_csv(path: Path, *, sep: str = ";", code: str | None = None, member: str | None = None,
             encoding: str = "utf-8-sig", unique: bool = True, dedupe: bool = False,
             departement: str | None = None, dep: str | None = None,
             lat: str | None = None, lon: str | None = None, latlon: str | None = None,
             **_ignored) -> pd.DataFrame:
    """Read a delimited text file (optionally inside a zip) as strings.

    Every row must have as many fields as the header: a short row (truncated
    file) or a long one (wrong separator, stray delimiter) is an error naming
    the line. The code column is normalised to 5-character strings; duplicates
    are an error unless ``dedupe`` (keep the first) or ``unique=False``.
    ``lat``/``lon`` or ``latlon`` (a ``"lat, lon"`` string) add float columns
    ``lat`` and ``lon``. Column ``_line`` keeps each row's line number.
    """
    text, name = _open_text(Path(path), member, encoding)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise SourceFormatError(name, "fichier vide")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise SourceFormatError(name, f"en-tête illisible ({exc})", 1) from None
    if len(header) == 1:
        found = [s for s in _SEPARATORS if s != sep and s in header[0]]
        hint = f" ; le fichier semble séparé par « {found[0]} »" if found else ""
        raise SourceFormatError(
            name, f"une seule colonne lue avec le séparateur « {sep} »{hint}", 1
        )
    rows, lines = [], []
    n = len(header)
    try:
        for row in reader:
            if not row:
                continue
            if len(row) != n:
                what = "tronquée" if len(row) < n else "trop longue"
                raise SourceFormatError(
                    name, f"ligne {what} : {len(row)} champs au lieu de {n}", reader.line_num
                )
            rows.append(row)
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise SourceFormatError(name, f"CSV mal formé ({exc})", reader.line_num) from None
    df = pd.DataFrame(rows, columns=header, dtype="string")
    df["_line"] = lines
    if code is not None:
        if code not in df.columns:
            raise SourceFormatError(name, f"colonne {code!r} absente (colonnes : {', '.join(header)})", 1)
        df[code] = df[code].map(normalize_code).astype("string")
        if dep is not None:
            if departement is not None:
                df = df[df[departement].str.strip() == dep]
            else:
                df = df[df[code].str.startswith(dep)]
        if dedupe:
            df = df.drop_duplicates(subset=code, keep="first")
        elif unique:
            dup = df[code].duplicated(keep=False) & df[code].notna()
            if dup.any():
                first = df[dup].iloc[:2]
                raise SourceFormatError(
                    name,
                    f"code {first[code].iloc[0]} en double (lignes "
                    f"{first['_line'].iloc[0]} et {first['_line'].iloc[1]})",
                    int(first["_line"].iloc[1]),
                )
    if latlon is not None:
        parts = df[latlon].str.split(",", n=1, expand=True)
        df["lat"] = to_number(parts[0], path=name, column=latlon, lines=df["_line"])
        df["lon"] = to_number(parts[1], path=name, column=latlon, lines=df["_line"])
    elif lat is not None and lon is not None:
        df["lat"] = to_number(df[lat], path=name, column=lat, lines=df["_line"])
        df["lon"] = to_number(df[lon], path=name, column=lon, lines=df["_line"])
    return df.reset_index(drop=True)


def read_xlsx(path: Path, *, header_first_cell: str, code: str | None = None,
              sheet: str | int = 0, **_ignored) -> pd.DataFrame:
    """Read an XLSX sheet whose table starts below some title rows.

    The header row is the first whose first cell equals ``header_first_cell``.
    """
    path = Path(path)
    if not path.exists():
        raise SourceMissingError(f"Fichier introuvable : {path}")
    try:
        raw = pd.read_excel(path, sheet_name=sheet, header=None, dtype=str)
    except Exception as exc:  # openpyxl raises many types on corrupt files
        raise SourceFormatError(str(path), f"classeur XLSX illisible ({exc})") from None
    hits = raw.index[raw.iloc[:, 0].astype("string").str.strip() == header_first_cell]
    if len(hits) == 0:
        raise SourceFormatError(str(path), f"aucune ligne d'en-tête commençant par {header_first_cell!r}")
    h = hits[0]
    df = raw.iloc[h + 1:].copy()
    df.columns = [str(c).strip() for c in raw.iloc[h]]
    df = df.dropna(how="all").astype("string")
    df["_line"] = df.index + 1
    if code is not None:
        df[code] = df[code].map(normalize_code).astype("string")
    return df.reset_index(drop=True)


def read_geojson(path: Path, *, make_valid: bool = False, code: str | None = None,
                 **_ignored):
    """Read a GeoJSON file as a GeoDataFrame in WGS84.

    ``make_valid`` repairs invalid polygons (some sources publish them).
    """
    import geopandas as gpd
    import shapely

    path = Path(path)
    if not path.exists():
        raise SourceMissingError(f"Fichier introuvable : {path}")
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:
        raise SourceFormatError(str(path), f"GeoJSON illisible ({exc})") from None
    if gdf.crs is None:
        gdf = gdf.set_crs(4326)
    elif gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    if make_valid:
        bad = ~gdf.is_valid
        gdf.loc[bad, "geometry"] = shapely.make_valid(gdf.geometry[bad].values)
        # keep polygonal parts only
        gdf["geometry"] = gdf.geometry.apply(_polygonal)
    if code is not None and code in gdf.columns:
        gdf[code] = gdf[code].map(normalize_code).astype("string")
    return gdf


def _polygonal(geom):
    import shapely

    if geom is None or geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else None


def read_geojson_folder(path: Path, *, files, code: str | None = None, **_ignored):
    """Read and concatenate several GeoJSON files of one folder."""
    import pandas as pd_

    frames = [read_geojson(Path(path) / f, code=code) for f in files]
    return pd_.concat(frames, ignore_index=True)


def read_cog(path: Path, **_ignored) -> dict[str, list[dict]]:
    """Read a COG folder of @etalab/decoupage-administratif JSON files.

    Returns a dict with keys ``communes``, ``epci``, ``arrondissements``,
    ``departements`` (lists of records).
    """
    path = Path(path)
    out = {}
    for key in ("communes", "epci", "arrondissements", "departements"):
        f = path / f"{key}.json"
        if not f.exists():
            raise SourceMissingError(f"Fichier introuvable : {f}")
        try:
            out[key] = json.loads(f.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            line = getattr(exc, "lineno", None)
            raise SourceFormatError(str(f), f"JSON illisible ({exc.__class__.__name__})", line) from None
    return out


READERS = {
    "csv": read_csv,
    "xlsx": read_xlsx,
    "geojson": read_geojson,
    "geojson_folder": read_geojson_folder,
    "cog": read_cog,
}


def get_reader(name: str):
    """Return the reader registered under ``name``."""
    return lookup(READERS, name, "Lecteur")
