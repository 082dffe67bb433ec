"""Safe import of project files: CSV, XLSX, GeoJSON, GeoPackage, zipped Shapefile.

Steps: :func:`read_table` (safety checks, then reading), :func:`suggest_mapping` (source
column → field), :func:`build_report` (validation of every row, French reasons) and
:func:`commit` (all-or-nothing). :func:`import_file` chains them.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from carnet.projets.errors import ImportRejected
from carnet.projets.models import EDITABLE_FIELDS
from carnet.projets.repository import ProjetRepository
from carnet.projets.territory import TerritoryContext, guess_crs
from carnet.projets.validation import clean_projet, clean_text, is_blank, parse_number

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ZIP_MEMBERS = 20
MAX_FEATURES = 50_000
MAX_COLUMNS = 200
ALLOWED_EXTENSIONS = {".csv", ".txt", ".xlsx", ".geojson", ".json", ".gpkg", ".zip"}
SHAPEFILE_PARTS = {".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".xml"}
_VRT_MARKERS = (b"<ogrvrtdatasource", b"<vrtdataset")

FIELD_ALIASES: dict[str, list[str]] = {
    "ref": ["ref", "id", "identifiant", "reference", "référence", "code projet", "n°", "num"],
    "titre": ["titre", "intitulé", "intitule", "nom du projet", "libellé", "libelle", "projet",
              "title", "nom"],
    "description": ["description", "descriptif", "objet"],
    "contrat": ["contrat", "territoire de contrat", "contrat de territoire"],
    "commune": ["commune", "code commune", "code insee", "insee", "codgeo", "code_insee",
                "depcom", "insee_com", "code_commune"],
    "lon": ["lon", "longitude", "lng", "long"],
    "lat": ["lat", "latitude"],
    "x": ["x", "x_l93", "xl93", "coord_x", "x lambert", "x (lambert 93)", "easting"],
    "y": ["y", "y_l93", "yl93", "coord_y", "y lambert", "y (lambert 93)", "northing"],
    "orientation": ["orientation", "orientation départementale", "axe"],
    "enjeu": ["enjeu", "enjeux", "enjeu du territoire"],
    "categorie": ["catégorie", "categorie", "category", "type de projet"],
    "nature": ["nature"],
    "mode": ["mode", "mode d'intervention"],
    "statut": ["statut", "état", "etat", "status", "avancement"],
    "maitre_ouvrage": ["maître d'ouvrage", "maitre d'ouvrage", "maitre_ouvrage", "moa",
                       "porteur", "maîtrise d'ouvrage"],
    "partenaires": ["partenaires", "partenaire"],
    "cout_total": ["coût total", "cout total", "cout_total", "coût", "cout", "montant",
                   "budget", "coût total (€)", "montant total"],
    "participation_cd": ["participation du département", "participation cd",
                         "participation_cd", "participation", "aide cd", "subvention cd",
                         "participation départementale"],
    "annee_debut": ["année de début", "annee de debut", "annee_debut", "début", "debut",
                    "année début"],
    "annee_fin": ["année de fin", "annee de fin", "annee_fin", "fin", "année fin"],
    "source": ["source"],
    "illustratif": ["illustratif"],
}
FIELD_LABELS: dict[str, str] = {
    "ref": "Identifiant", "titre": "Titre", "description": "Description",
    "contrat": "Contrat de territoire", "commune": "Code commune INSEE",
    "lon": "Longitude (WGS84)", "lat": "Latitude (WGS84)", "x": "X (Lambert-93 ou WGS84)",
    "y": "Y (Lambert-93 ou WGS84)", "orientation": "Orientation", "enjeu": "Enjeu",
    "categorie": "Catégorie", "nature": "Nature", "mode": "Mode", "statut": "Statut",
    "maitre_ouvrage": "Maître d'ouvrage", "partenaires": "Partenaires",
    "cout_total": "Coût total (€)", "participation_cd": "Participation du Département (€)",
    "annee_debut": "Année de début", "annee_fin": "Année de fin", "source": "Source",
    "illustratif": "Illustratif",
}


@dataclass
class Table:
    """A file read into memory, before mapping.

    Attributes
    ----------
    df : pandas.DataFrame
        Attribute columns (strings for text files).
    kind : str
        ``csv``, ``xlsx``, ``geojson``, ``gpkg`` or ``shapefile``.
    lon, lat : numpy.ndarray or None
        WGS84 point per row from the file's geometry (NaN when empty), geo files only.
    crs : str or None
        CRS of the geometry as read (before reprojection) or detected.
    notes : list of str
        French notes (encoding, separator, CRS detection…).
    geometry_errors : dict
        Row index → French reason for unusable geometries.
    """

    df: pd.DataFrame
    kind: str
    lon: np.ndarray | None = None
    lat: np.ndarray | None = None
    crs: str | None = None
    notes: list[str] = field(default_factory=list)
    geometry_errors: dict[int, str] = field(default_factory=dict)

    def line_number(self, i: int) -> int:
        """Number shown to users: file line for text files, feature number otherwise."""
        return i + 2 if self.kind in ("csv", "xlsx") else i + 1


@dataclass
class ImportReport:
    """Outcome of the validation of a file (nothing is written by building it)."""

    valid: list[dict]
    rejected: list[dict]
    notes: list[str]
    total: int
    kind: str

    @property
    def ok(self) -> bool:
        """True when every row is valid (and there is at least one)."""
        return not self.rejected and bool(self.valid)

    def rejected_frame(self) -> pd.DataFrame:
        """Rejected rows as a table (Ligne, Identifiant, Titre, Motifs)."""
        return pd.DataFrame(self.rejected, columns=["ligne", "ref", "titre", "motifs"]).rename(
            columns={"ligne": "Ligne", "ref": "Identifiant", "titre": "Titre",
                     "motifs": "Motifs du rejet"})

    def summary(self) -> str:
        """One French sentence summarising the report."""
        unit = "ligne(s)" if self.kind in ("csv", "xlsx") else "entité(s)"
        if self.ok:
            return f"{len(self.valid)} {unit} valide(s) sur {self.total}, prêtes à importer."
        if not self.rejected:
            return "Le fichier ne contient aucun projet à importer."
        return (f"{len(self.rejected)} {unit} rejetée(s) sur {self.total} : corrigez-les puis "
                "réimportez le fichier. Rien n'a été enregistré (import tout ou rien).")


def _reject(name: str, reason: str) -> ImportRejected:
    return ImportRejected(f"Fichier « {name} » refusé : {reason}")


# -- safety -----------------------------------------------------------------------------
def _check_zip(zf: zipfile.ZipFile, name: str, allowed: set[str] | None) -> list[zipfile.ZipInfo]:
    infos = [i for i in zf.infolist() if not i.is_dir()]
    if len(infos) > MAX_ZIP_MEMBERS and allowed is not None:
        raise _reject(name, f"archive de plus de {MAX_ZIP_MEMBERS} fichiers.")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED_BYTES:
        raise _reject(name, f"taille décompressée annoncée de {total / 2**20:.0f} Mo, au-delà de "
                      f"{MAX_UNPACKED_BYTES // 2**20} Mo (archive « bombe » possible).")
    for info in infos:
        if info.file_size > 1_000_000 and info.compress_size and (
                info.file_size / info.compress_size > MAX_COMPRESSION_RATIO):
            raise _reject(name, f"taux de compression anormal pour « {info.filename} » "
                          "(archive « bombe » possible).")
        if allowed is None:
            continue
        member = PurePosixPath(info.filename.replace("\\", "/"))
        if member.is_absolute() or ".." in member.parts:
            raise _reject(name, f"chemin interdit dans l'archive : « {info.filename} ».")
        ext = member.suffix.lower()
        if ext not in allowed:
            raise _reject(name, f"« {member.name} » n'est pas autorisé dans une archive "
                          f"(extensions admises : {', '.join(sorted(allowed))}).")
    return infos


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    with zf.open(info) as fh:
        data = fh.read(MAX_UNPACKED_BYTES + 1)
    if len(data) > MAX_UNPACKED_BYTES:
        raise _reject(name, "contenu décompressé trop volumineux.")
    return data


def _sniff_vrt(data: bytes, name: str) -> None:
    head = data[:4096].lower().lstrip(b"\xef\xbb\xbf \t\r\n")
    if any(m in head for m in _VRT_MARKERS):
        raise _reject(name, "fichier VRT de GDAL interdit (il pourrait lire des fichiers du "
                      "serveur).")


# -- readers ----------------------------------------------------------------------------
def _decode(data: bytes, name: str) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _reject(name, "encodage UTF-16 non pris en charge : enregistrez le fichier en "
                      "CSV UTF-8 ou CSV (séparateur point-virgule) Windows-1252.")
    if b"\x00" in data[:8192]:
        raise _reject(name, "fichier binaire : ce n'est pas un CSV texte.")
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252 (cp1252)"
    except UnicodeDecodeError as exc:
        raise _reject(name, "encodage illisible : ni UTF-8 ni Windows-1252 (octet "
                      f"0x{data[exc.start]:02x} en position {exc.start}).") from exc


def _read_csv(data: bytes, name: str) -> Table:
    text, encoding = _decode(data, name)
    if not text.strip():
        raise _reject(name, "le fichier est vide.")
    lines = text.splitlines()
    header = lines[0]
    counts = {sep: header.count(sep) for sep in (";", ",", "\t", "|")}
    sep = max(counts, key=counts.get)
    single = any(_norm(header) == _norm(a) for al in FIELD_ALIASES.values() for a in al)
    if counts[sep] == 0 and single:
        sep = ";"  # a one-column file (e.g. just "titre")
    elif counts[sep] == 0:
        raise _reject(name, "séparateur introuvable dans la ligne d'en-tête : utilisez « ; » "
                      "ou « , » entre les colonnes.")
    if sep == "|":
        raise _reject(name, "séparateur « | » non pris en charge : utilisez « ; » ou « , ».")
    if len(lines) - 1 > MAX_FEATURES:
        raise _reject(name, f"plus de {MAX_FEATURES} lignes.")
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                         skip_blank_lines=True, quoting=csv.QUOTE_MINIMAL, engine="python",
                         on_bad_lines="error")
    except (pd.errors.ParserError, csv.Error) as exc:
        raise _reject(name, f"structure CSV invalide (lignes de longueurs différentes ou "
                      f"guillemets non fermés) : {str(exc)[:160]}") from exc
    label = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}[sep]
    notes = [f"Encodage : {encoding} ; séparateur : {label}."]
    return _finish_table(df, "csv", name, notes)


def _read_xlsx(data: bytes, name: str) -> Table:
    if not data.startswith(b"PK"):
        raise _reject(name, "ce n'est pas un classeur Excel .xlsx valide.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            _check_zip(zf, name, None)
    except zipfile.BadZipFile as exc:
        raise _reject(name, "classeur Excel endommagé.") from exc
    try:
        df = pd.read_excel(io.BytesIO(data), sheet_name=0, dtype=object, engine="openpyxl")
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types
        raise _reject(name, f"classeur Excel illisible ({type(exc).__name__}).") from exc
    df = df.map(lambda v: None if is_blank(v) else v)
    return _finish_table(df, "xlsx", name, ["Première feuille du classeur lue."])


def _finish_table(df: pd.DataFrame, kind: str, name: str, notes: list[str]) -> Table:
    df = df.dropna(how="all")
    if kind == "csv":
        df = df[~(df == "").all(axis=1)]
    if df.shape[1] > MAX_COLUMNS:
        raise _reject(name, f"plus de {MAX_COLUMNS} colonnes.")
    if df.empty:
        raise _reject(name, "aucune ligne de données sous l'en-tête.")
    if len(df) > MAX_FEATURES:
        raise _reject(name, f"plus de {MAX_FEATURES} lignes.")
    df.columns = [str(c).strip() for c in df.columns]
    if len(set(df.columns)) != len(df.columns):
        raise _reject(name, "plusieurs colonnes portent le même nom.")
    return Table(df=df.reset_index(drop=True), kind=kind, notes=notes)


def _read_geo(path: Path, kind: str, name: str, declared: list[bool] | None = None) -> Table:
    """Read a GDAL vector file; ``declared[i]`` tells that feature i has a geometry."""
    import warnings

    import pyogrio
    import shapely

    try:
        info = pyogrio.read_info(path)
    except Exception as exc:  # noqa: BLE001 - GDAL errors
        raise _reject(name, f"fichier géographique illisible ({str(exc)[:160]}).") from exc
    if info.get("features", 0) > MAX_FEATURES:
        raise _reject(name, f"{info['features']} entités, au-delà de {MAX_FEATURES}.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            gdf = pyogrio.read_dataframe(path, on_invalid="ignore")
    except Exception as exc:  # noqa: BLE001
        raise _reject(name, f"fichier géographique illisible ({str(exc)[:160]}).") from exc
    if gdf.empty:
        raise _reject(name, "aucune entité dans le fichier.")
    notes = []
    geoms = gdf.geometry.values
    lon = np.full(len(gdf), np.nan)
    lat = np.full(len(gdf), np.nan)
    errors: dict[int, str] = {}
    for i, g in enumerate(geoms):
        if g is None and not (declared and i < len(declared) and declared[i]):
            continue  # no geometry: the project is "à localiser"
        if g is None or g.is_empty:
            errors[i] = "géométrie vide ou invalide (coordonnées manquantes, anneau non fermé…)"
            continue
        if g.geom_type == "MultiPoint" and len(g.geoms) == 1:
            g = g.geoms[0]
        if g.geom_type != "Point":
            if not g.is_valid:
                g = shapely.make_valid(g)
            g = g.representative_point()
            if "non ponctuelles" not in " ".join(notes):
                notes.append("Géométries non ponctuelles : un point intérieur est utilisé.")
        if not (np.isfinite(g.x) and np.isfinite(g.y)):
            errors[i] = "coordonnées non finies"
            continue
        lon[i], lat[i] = g.x, g.y
    crs = gdf.crs.to_string() if gdf.crs is not None else None
    if gdf.crs is None:
        ok = np.isfinite(lon)
        if not ok.any():
            raise _reject(name, "aucune géométrie exploitable dans le fichier.")
        guesses = {guess_crs(x, y) for x, y in zip(lon[ok], lat[ok], strict=True)}
        if len(guesses) != 1 or None in guesses:
            raise _reject(name, "système de coordonnées absent et impossible à deviner : "
                          "fournissez un fichier en WGS84 (EPSG:4326) ou Lambert-93 "
                          "(EPSG:2154).")
        crs = guesses.pop()
        notes.append(f"Système de coordonnées absent du fichier : {crs} déduit des valeurs.")
    epsg = gdf.crs.to_epsg() if gdf.crs is not None else int(crs.split(":")[1])
    if epsg not in (4326, 2154, 4171):
        notes.append(f"Système de coordonnées {crs} reprojeté en WGS84.")
    if epsg != 4326:
        from carnet.projets.territory import transformer_to_wgs84

        t = transformer_to_wgs84(f"EPSG:{epsg}" if epsg else crs)
        lon, lat = t.transform(lon, lat)
        if epsg == 2154:
            notes.append("Coordonnées en Lambert-93 (EPSG:2154) reprojetées en WGS84.")
    else:
        notes.append("Coordonnées en WGS84 (EPSG:4326).")
    df = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    table = _finish_table(df, kind, name, notes) if len(df.columns) else Table(df=df, kind=kind)
    table.lon = np.round(np.asarray(lon, dtype=float), 6)
    table.lat = np.round(np.asarray(lat, dtype=float), 6)
    table.crs, table.geometry_errors = crs, errors
    return table


def _read_shapefile_zip(data: bytes, name: str) -> Table:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise _reject(name, "archive zip endommagée.") from exc
    with zf:
        infos = _check_zip(zf, name, SHAPEFILE_PARTS)
        shps = [i for i in infos if i.filename.lower().endswith(".shp")]
        if len(shps) != 1:
            raise _reject(name, "l'archive doit contenir exactement un fichier .shp "
                          f"(trouvé : {len(shps)}).")
        stem = PurePosixPath(shps[0].filename).stem
        parts = {PurePosixPath(i.filename).suffix.lower(): i for i in infos
                 if PurePosixPath(i.filename).stem == stem}
        missing = [e for e in (".shp", ".shx", ".dbf") if e not in parts]
        if missing:
            raise _reject(name, f"shapefile incomplet : il manque {', '.join(missing)}.")
        with tempfile.TemporaryDirectory(prefix="carnet-import-") as tmp:
            for ext, info in parts.items():
                payload = _read_member(zf, info, name)
                _sniff_vrt(payload, name)
                (Path(tmp) / f"projets{ext}").write_bytes(payload)
            table = _read_geo(Path(tmp) / "projets.shp", "shapefile", name)
    return table


def read_table(data: bytes, filename: str) -> Table:
    """Read an uploaded file safely.

    Parameters
    ----------
    data : bytes
        File content (at most 20 MB).
    filename : str
        Original name (its extension selects the reader).

    Returns
    -------
    Table

    Raises
    ------
    ImportRejected
        With a French message when the file is too big, unsafe, empty or unreadable.
    """
    name = PurePosixPath(str(filename).replace("\\", "/")).name or "fichier"
    ext = PurePosixPath(name).suffix.lower()
    if ext not in ALLOWED_EXTENSIONS:
        raise _reject(name, f"extension « {ext or '(aucune)'} » non prise en charge (admises : "
                      "CSV, XLSX, GeoJSON, GeoPackage, Shapefile zippé).")
    if len(data) > MAX_UPLOAD_BYTES:
        raise _reject(name, f"{len(data) / 2**20:.1f} Mo, au-delà de la limite de "
                      f"{MAX_UPLOAD_BYTES // 2**20} Mo.")
    if not data.strip():
        raise _reject(name, "le fichier est vide.")
    _sniff_vrt(data, name)
    if ext in (".csv", ".txt"):
        return _read_csv(data, name)
    if ext == ".xlsx":
        return _read_xlsx(data, name)
    if ext == ".zip":
        return _read_shapefile_zip(data, name)
    if ext in (".geojson", ".json"):
        if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
            raise _reject(name, "ce n'est pas un GeoJSON (un objet JSON est attendu).")
        try:
            obj = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise _reject(name, f"JSON invalide ({str(exc)[:120]}).") from exc
        if obj.get("type") not in ("FeatureCollection", "Feature"):
            raise _reject(name, "GeoJSON attendu : « type » doit valoir FeatureCollection.")
        if len(obj.get("features") or []) > MAX_FEATURES:
            raise _reject(name, f"plus de {MAX_FEATURES} entités.")
        feats = obj.get("features") if obj.get("type") == "FeatureCollection" else [obj]
        declared = [isinstance(f, dict) and f.get("geometry") is not None for f in feats or []]
        kind, suffix = "geojson", ".geojson"
    else:
        if not data.startswith(b"SQLite format 3\x00"):
            raise _reject(name, "ce n'est pas un GeoPackage valide.")
        kind, suffix, declared = "gpkg", ".gpkg", None
    with tempfile.TemporaryDirectory(prefix="carnet-import-") as tmp:
        path = Path(tmp) / f"projets{suffix}"
        path.write_bytes(data)
        return _read_geo(path, kind, name, declared)


# -- mapping and validation -------------------------------------------------------------
def _norm(text: str) -> str:
    from carnet.projets.constants import _normalize

    return _normalize(text).replace("_", " ").strip(" .:")


def suggest_mapping(columns: list[str]) -> dict[str, str]:
    """Guess which source column feeds which field.

    Parameters
    ----------
    columns : list of str
        Source column names.

    Returns
    -------
    dict
        field → source column (only the fields recognised).
    """
    by_norm = {_norm(c): c for c in columns}
    mapping: dict[str, str] = {}
    for fname, aliases in FIELD_ALIASES.items():
        for alias in [fname, *aliases]:
            col = by_norm.get(_norm(alias))
            if col is not None and col not in mapping.values():
                mapping[fname] = col
                break
    return mapping


def build_report(
    table: Table,
    mapping: dict[str, str],
    ctx: TerritoryContext,
    repo: ProjetRepository | None = None,
    contrat: str | None = None,
    crs: str | None = None,
) -> ImportReport:
    """Validate every row of a table; write nothing.

    Parameters
    ----------
    table : Table
    mapping : dict
        field → source column (from :func:`suggest_mapping`, possibly edited).
    ctx : TerritoryContext
    repo : ProjetRepository, optional
        When given, identifiers already in the registry are rejected.
    contrat : str, optional
        Default contract for rows without one; points must fall inside it.
    crs : str, optional
        CRS of x/y columns (``EPSG:2154`` or ``EPSG:4326``); guessed per row when None.

    Returns
    -------
    ImportReport
    """
    unknown = set(mapping) - set(FIELD_ALIASES)
    if unknown:
        raise ImportRejected(f"Champs inconnus dans la correspondance : {sorted(unknown)}")
    missing_cols = [c for c in mapping.values() if c not in table.df.columns]
    if missing_cols:
        raise ImportRejected(f"Colonnes absentes du fichier : {', '.join(missing_cols)}")
    if "titre" not in mapping:
        raise ImportRejected("Aucune colonne n'est associée au titre du projet : choisissez-la "
                             "dans l'étape de correspondance des colonnes.")
    notes = list(table.notes)
    known_refs = repo.existing_refs(ctx.territoire) if repo is not None else set()
    seen_refs: dict[str, int] = {}
    valid, rejected = [], []
    records = table.df.to_dict("records")
    l93_rows = 0
    for i, rec in enumerate(records):
        raw = {f: rec.get(col) for f, col in mapping.items()}
        line = table.line_number(i)
        pre: list[str] = []
        if table.lon is not None and is_blank(raw.get("lon")) and is_blank(raw.get("x")):
            if i in table.geometry_errors:
                pre.append(table.geometry_errors[i])
            elif np.isfinite(table.lon[i]):
                raw["lon"], raw["lat"] = float(table.lon[i]), float(table.lat[i])
        if not is_blank(raw.get("x")) and not is_blank(raw.get("y")):
            raw["crs"] = crs
            try:
                if (crs or guess_crs(parse_number(raw["x"]), parse_number(raw["y"]))) == (
                        "EPSG:2154"):
                    l93_rows += 1
            except (TypeError, ValueError):
                pass
        raw.setdefault("contrat", None)
        if is_blank(raw["contrat"]):
            raw["contrat"] = contrat
        raw["territoire"] = ctx.territoire
        clean, errors = clean_projet(raw, ctx)
        errors = pre + errors
        if any(e.startswith("point (") for e in errors):
            lon, lat = clean.get("lon"), clean.get("lat")
            if lon is not None and ctx.contains(lat, lon, clean.get("contrat")):
                errors.append("longitude et latitude semblent inversées")
        ref = clean.get("ref")
        if ref:
            if ref in seen_refs:
                errors.append(f"identifiant « {ref} » en double dans le fichier "
                              f"(déjà ligne {seen_refs[ref]})")
            elif ref in known_refs:
                errors.append(f"identifiant « {ref} » déjà présent dans le registre")
            seen_refs.setdefault(ref, line)
        if errors:
            rejected.append({"ligne": line, "ref": ref, "titre": clean_text(raw.get("titre"), 80),
                             "motifs": " ; ".join(errors)})
        else:
            valid.append(clean)
    if l93_rows:
        notes.append(f"Coordonnées Lambert-93 (EPSG:2154) détectées sur {l93_rows} ligne(s) "
                     "et converties en WGS84.")
    return ImportReport(valid=valid, rejected=rejected, notes=notes, total=len(records),
                        kind=table.kind)


def commit(report: ImportReport, repo: ProjetRepository, user: str) -> list[dict]:
    """Write a fully valid report in one transaction; refuse otherwise (nothing written).

    Raises
    ------
    ImportRejected
        If any row was rejected or the report is empty.
    """
    if not report.ok:
        raise ImportRejected(report.summary(), report=report)
    return repo.create_many(report.valid, user=user, action="import", validate=False)


def import_file(
    data: bytes,
    filename: str,
    ctx: TerritoryContext,
    repo: ProjetRepository,
    user: str,
    contrat: str | None = None,
    mapping: dict[str, str] | None = None,
    crs: str | None = None,
    dry_run: bool = False,
) -> tuple[ImportReport, list[dict]]:
    """Read, validate and (unless ``dry_run``) commit a file, all or nothing.

    Returns
    -------
    tuple
        ``(report, created)``; ``created`` is empty on a dry run.

    Raises
    ------
    ImportRejected
        Unreadable/unsafe file, or rejected rows (``exc.report`` holds the report).
    """
    table = read_table(data, filename)
    report = build_report(table, mapping or suggest_mapping(list(table.df.columns)), ctx,
                          repo, contrat, crs)
    if dry_run:
        return report, []
    return report, commit(report, repo, user)


__all__ = ["EDITABLE_FIELDS", "ImportReport", "Table", "build_report", "commit",
           "import_file", "read_table", "suggest_mapping"]
