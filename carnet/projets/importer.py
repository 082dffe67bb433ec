"""Safe import of project files: CSV, XLSX, GeoJSON, GeoPackage, zipped Shapefile.

Steps: :func:`read_table` (safety checks, then reading), :func:`suggest_mapping` (source
column → field, on headers and content: :mod:`carnet.projets.mapping`), :func:`build_report`
(validation of every row, value matching and proposals: :mod:`carnet.projets.report`,
:mod:`carnet.projets.matching`) and :func:`commit` (all or nothing, or the valid rows when
asked). :func:`import_file` chains them.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from carnet.formatting import fmt_int, fmt_number
from carnet.geometry import METRIC_EPSG
from carnet.projets.errors import ImportRejected
from carnet.projets.fields import EDITABLE_FIELDS
from carnet.projets.mapping import (
    HEADER_SEARCH_ROWS,
    field_labels,
    find_header_line,
    find_header_row,
    guess_mapping,
    merge_mapping,
    synonyms,
)
from carnet.projets.phrases import number_list, quote_list
from carnet.projets.report import ImportReport, commit
from carnet.projets.report import build as _build
from carnet.projets.repository import ProjetRepository
from carnet.projets.territory import TerritoryContext, guess_crs
from carnet.projets.validation import is_blank
from carnet.text import fold

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ZIP_MEMBERS = 20
MAX_FEATURES = 50_000
MAX_COLUMNS = 200
SHAPEFILE_PARTS = {".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".xml"}
_VRT_MARKERS = (b"<ogrvrtdatasource", b"<vrtdataset")

#: Field → header synonyms (``carnet/data/champs_projets.toml``), pseudo-fields included.
FIELD_ALIASES: dict[str, list[str]] = synonyms()
#: Field → French label, for the mapping widgets.
FIELD_LABELS: dict[str, str] = field_labels()


@dataclass
class Table:
    """A file read into memory, before mapping.

    Attributes
    ----------
    df : pandas.DataFrame
        Attribute columns (strings for text files), one row per record kept.
    kind : str
        ``csv``, ``xlsx``, ``geojson``, ``gpkg`` or ``shapefile``.
    lon, lat : numpy.ndarray or None
        WGS84 point per row from the file's geometry (NaN when empty), geo files only;
        always aligned with ``df`` (same length, same order).
    crs : str or None
        CRS of the geometry as read (before reprojection) or detected.
    notes : list of str
        French notes (encoding, separator, CRS detection, sheet or layer read…).
    geometry_errors : dict
        Row index → French reason for unusable geometries.
    rows : list of int
        Number shown to users for each row: file line (CSV), sheet row (XLSX) or feature
        number (geo files), counted in the original file (blank rows skipped keep theirs).
    layer : str or None
        Sheet (XLSX) or layer (GeoPackage) read.
    layers : list of str
        Every sheet or layer of the file that holds data (the one read included).
    choice_needed : bool
        Several sheets or layers hold data and none was chosen: the first was read for the
        preview, and the import is refused until one is chosen.
    """

    df: pd.DataFrame
    kind: str
    lon: np.ndarray | None = None
    lat: np.ndarray | None = None
    crs: str | None = None
    notes: list[str] = field(default_factory=list)
    geometry_errors: dict[int, str] = field(default_factory=dict)
    rows: list[int] = field(default_factory=list)
    layer: str | None = None
    layers: list[str] = field(default_factory=list)
    choice_needed: bool = False
    #: Row index → French reason the row cannot be read (a schema file's translation).
    row_errors: dict[int, str] = field(default_factory=dict)
    #: Amounts were rounded to whole euros by the writer (national schema): a registry
    #: amount that rounds to the file's is unchanged.
    rounded_amounts: bool = False
    #: Row index → creation time (UTC) the file gives its project (a schema file's
    #: ``createdAt``): a new project keeps it (the audit log keeps the import's time).
    created_at: dict[int, object] = field(default_factory=dict)

    def line_number(self, i: int) -> int:
        """Number shown to users: file line, sheet row or feature number of row ``i``."""
        if self.rows:
            return self.rows[i]
        return i + 2 if self.kind in ("csv", "xlsx") else i + 1


def _reject(name: str, reason: str) -> ImportRejected:
    return ImportRejected(f"Fichier « {name} » refusé : {reason}")


# -- safety -----------------------------------------------------------------------------
def _check_zip(zf: zipfile.ZipFile, name: str, allowed: set[str] | None) -> list[zipfile.ZipInfo]:
    infos = [i for i in zf.infolist() if not i.is_dir()]
    if len(infos) > MAX_ZIP_MEMBERS and allowed is not None:
        raise _reject(name, f"archive de plus de {MAX_ZIP_MEMBERS} fichiers.")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED_BYTES:
        raise _reject(name, f"taille décompressée annoncée de {fmt_number(total / 2**20, 0)} Mo, au-delà de "
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
_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32 LE"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32 BE"),
    (b"\xef\xbb\xbf", "utf-8", "UTF-8 (avec BOM)"),
    (b"\xff\xfe", "utf-16-le", "UTF-16 LE"),
    (b"\xfe\xff", "utf-16-be", "UTF-16 BE"),
)
#: Characters a French file plausibly holds beyond ASCII: Latin-1, Latin Extended-A (œ, Ÿ),
#: general punctuation (’ … –), € and ™. Used to tell a UTF-8 line from a Windows-1252 one
#: in a file that mixes both (a cp1252 line is valid UTF-8 only by rare accident, and then
#: decodes to characters outside this set).
_PLAUSIBLE = re.compile(r"^[\x00-\x7f\u00a0-\u017f\u2000-\u206f\u20ac\u2116\u2122]*$")


def _wide_encoding(data: bytes) -> tuple[str, str] | None:
    """UTF-32/UTF-16 without a BOM, told by where the zero bytes fall (ASCII-heavy text)."""
    head = data[:4096]
    if len(head) < 8:
        return None

    def zeros(start: int, step: int) -> float:
        part = head[start::step]
        return part.count(0) / max(len(part), 1)

    if len(data) % 4 == 0:
        if min(zeros(1, 4), zeros(2, 4), zeros(3, 4)) > 0.9 and zeros(0, 4) < 0.5:
            return "utf-32-le", "UTF-32 LE (sans BOM)"
        if min(zeros(0, 4), zeros(1, 4), zeros(2, 4)) > 0.9 and zeros(3, 4) < 0.5:
            return "utf-32-be", "UTF-32 BE (sans BOM)"
    if len(data) % 2 == 0:
        if zeros(1, 2) > 0.6 and zeros(0, 2) < 0.1:
            return "utf-16-le", "UTF-16 LE (sans BOM)"
        if zeros(0, 2) > 0.6 and zeros(1, 2) < 0.1:
            return "utf-16-be", "UTF-16 BE (sans BOM)"
    return None


def _decode(data: bytes, name: str) -> tuple[str, str, list[str]]:
    """Decode a text file: ``(text, encoding label, notes)``.

    UTF-8 (with or without BOM), UTF-16 and UTF-32 (with a BOM, or told by their zero
    bytes), Windows-1252, and files mixing UTF-8 and Windows-1252 lines (each line is
    decoded in its own encoding and the lines are listed in a note). Never guesses
    silently: an undecodable byte refuses the file, naming the line.
    """
    codec = label = None
    for bom, bom_codec, bom_label in _BOMS:
        if data.startswith(bom):
            codec, label, data = bom_codec, bom_label, data[len(bom):]
            break
    if codec is None and b"\x00" in data[:8192]:
        wide = _wide_encoding(data)
        if wide is None:
            raise _reject(name, "fichier binaire : ce n'est pas un CSV texte.")
        codec, label = wide
    if codec is not None:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            raise _reject(name, f"encodage {label} invalide (octet en position {exc.start} : "
                          "fichier tronqué ou endommagé ?).") from exc
        if "\x00" in text:
            raise _reject(name, "fichier binaire : ce n'est pas un CSV texte.")
        return text, label, []
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise _reject(name, f"structure CSV invalide ligne {line} : caractère nul (fichier "
                      "binaire ou endommagé ?).")
    try:
        return data.decode("utf-8"), "UTF-8", []
    except UnicodeDecodeError:
        pass
    parts: list[str] = []
    utf8_lines: list[int] = []
    cp_lines: list[int] = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if raw.isascii():
            parts.append(raw.decode("ascii"))
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            line = None
        if line is not None and _PLAUSIBLE.match(line):
            parts.append(line)
            utf8_lines.append(number)
            continue
        try:
            parts.append(raw.decode("cp1252"))
        except UnicodeDecodeError as exc:
            raise _reject(name, f"encodage illisible ligne {number} : ni UTF-8 ni Windows-1252 "
                          f"(octet 0x{raw[exc.start]:02x}).") from exc
        cp_lines.append(number)
    text = "\n".join(parts)
    if not utf8_lines:
        return text, "Windows-1252 (cp1252)", []
    note = (f"Encodages mélangés : {len(utf8_lines)} ligne(s) en UTF-8 (ligne(s) "
            f"{number_list(utf8_lines)}) et {len(cp_lines)} en Windows-1252 (ligne(s) "
            f"{number_list(cp_lines)}) ; chaque ligne est lue dans son propre encodage : "
            "vérifiez les accents ci-dessous, puis enregistrez le fichier en UTF-8.")
    return text, "mixte (UTF-8 et Windows-1252)", [note]


def _csv_error(exc: csv.Error, line: int, name: str) -> ImportRejected:
    text = str(exc)
    if "field larger" in text:
        reason = f"une valeur dépasse {fmt_int(csv.field_size_limit())} caractères"
    elif "NUL" in text:
        reason = "caractère nul (fichier binaire ?)"
    elif "expected after" in text:
        reason = ("guillemet mal placé (un « \" » à l'intérieur d'une valeur entre guillemets "
                  "doit être doublé)")
    else:
        reason = "guillemets non fermés"
    return _reject(name, f"structure CSV invalide ligne {line} : {reason}.")


def _read_csv(data: bytes, name: str) -> Table:
    text, encoding, notes = _decode(data, name)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise _reject(name, "le fichier est vide.")
    header = next((ln for ln in re.split(r"\r\n|\r|\n", text) if ln.strip()), "")
    hint = re.fullmatch(r'"?sep=(.)"?', header.strip(), re.IGNORECASE)  # Excel's "sep=;" line
    skip_first = hint is not None
    rest = text
    if hint:
        rest = text.split("\n", 1)[1] if "\n" in text else ""
        header = next((ln for ln in re.split(r"\r\n|\r|\n", rest) if ln.strip()), "")
    lines = re.split(r"\r\n|\r|\n", rest)
    top = find_header_line(lines)  # title lines above the header are skipped
    header_start = top + 1 + (hint is not None)
    if top:
        header = lines[top]
    counts = {sep: header.count(sep) for sep in (";", ",", "\t", "|")}
    sep = max(counts, key=counts.get)
    if hint and hint.group(1) in counts:
        sep = hint.group(1)
        counts[sep] = max(counts[sep], 1)
    single = any(_norm(header) == _norm(a) for al in FIELD_ALIASES.values() for a in al)
    if counts[sep] == 0 and single:
        sep = ";"  # a one-column file (e.g. just "titre")
    elif counts[sep] == 0:
        raise _reject(name, "séparateur introuvable dans la ligne d'en-tête : utilisez « ; » "
                      "ou « , » entre les colonnes.")
    if sep == "|":
        raise _reject(name, "séparateur « | » non pris en charge : utilisez « ; » ou « , ».")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    columns: list[str] | None = None
    records: list[list[str]] = []
    rows: list[int] = []
    end = 0
    while True:
        start = end + 1
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise _csv_error(exc, start, name) from exc
        end = reader.line_num
        if skip_first:
            skip_first = False
            continue  # the "sep=;" line
        if not any(v.strip() for v in rec):
            continue  # blank line (or only separators)
        if columns is None and start < header_start:
            continue  # a title line above the header
        if columns is None:
            columns = rec
            notes.extend(_header_note(start, top))
            continue
        if len(rec) > len(columns):
            if any(v.strip() for v in rec[len(columns):]):
                raise _reject(name, f"structure CSV invalide ligne {start} : {len(rec)} valeurs "
                              f"pour {len(columns)} colonnes d'en-tête (une valeur contenant "
                              f"« {'tabulation' if sep == chr(9) else sep} » doit être entre "
                              "guillemets).")
            rec = rec[:len(columns)]
        records.append(rec + [""] * (len(columns) - len(rec)))
        rows.append(start)
        if len(records) > MAX_FEATURES:
            raise _reject(name, f"plus de {MAX_FEATURES} lignes.")
    columns = [c.strip() or f"colonne {j + 1}" for j, c in enumerate(columns or [])]
    df = pd.DataFrame(records, columns=columns, dtype=object)
    label = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}[sep]
    notes = [f"Encodage : {encoding} ; séparateur : {label}.", *notes]
    return _finish_table(df, "csv", name, notes, rows)


def _column_letter(j: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(j + 1)


def _sheet_grid(ws) -> list[tuple[int, list]]:
    """Non-empty rows of a read-only worksheet: ``(sheet row number, values)``."""
    ws.reset_dimensions()  # some writers declare a wrong used range
    out = []
    for number, values in enumerate(ws.iter_rows(min_row=1, min_col=1, values_only=True), 1):
        if any(not is_blank(v) for v in values):
            out.append((number, list(values)))
            if len(out) > MAX_FEATURES + 1:  # header + one row too many: refused anyway
                break
    return out


def _read_xlsx(data: bytes, name: str, layer: str | None = None) -> Table:
    if not data.startswith(b"PK"):
        raise _reject(name, "ce n'est pas un classeur Excel .xlsx valide.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            _check_zip(zf, name, None)
            try:
                workbook_xml = zf.read("xl/workbook.xml")[:200_000]
            except KeyError:
                workbook_xml = b""
            # sheets with formula (<f>) or error (t="e") cells, checked cell by cell below
            suspicious = {}
            for info in zf.infolist():
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    xml = _read_member(zf, info, name)
                    if _SUSPICIOUS_CELLS.search(xml):
                        suspicious[info.filename] = xml
    except zipfile.BadZipFile as exc:
        raise _reject(name, "classeur Excel endommagé.") from exc
    # openpyxl and xlsxwriter save formulas without (or with a 0 placeholder for) their
    # result and ask Excel to recompute on opening: those cached values are not results.
    recompute = re.search(rb'fullCalcOnLoad="(1|true)"', workbook_xml) is not None
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb_values = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types
        raise _reject(name, "classeur Excel illisible (structure endommagée ou format "
                      "non reconnu).") from exc
    try:
        sheets = []
        for ws in wb_values.worksheets:
            grid = _sheet_grid(ws)
            sheets.append((ws.title, ws.sheet_state, grid))
        titles = [t for t, _, _ in sheets]
        visible = [t for t, state, grid in sheets if state == "visible" and grid]
        hidden = [t for t, state, grid in sheets if state != "visible" and grid]
        notes: list[str] = []
        if layer is not None:
            chosen = _pick(layer, titles, "feuille", name)
        elif visible:
            chosen = visible[0]
        elif hidden:
            raise _reject(name, f"aucune feuille visible ne contient de données ; feuille(s) "
                          f"masquée(s) : {quote_list(hidden)} (choisissez-en une "
                          "explicitement pour l'importer).")
        else:
            raise _reject(name, "aucune ligne de données dans le classeur.")
        grid = next(g for t, _, g in sheets if t == chosen)
        others = [t for t in visible if t != chosen]
        notes.append(f"Feuille « {chosen} » lue.")
        if others:
            notes.append(f"Autres feuilles contenant des données : {quote_list(others)}"
                         + (" : choisissez la feuille à importer." if layer is None else
                            " (non lues)."))
        skipped_hidden = [t for t in hidden if t != chosen]
        if skipped_hidden:
            notes.append(f"Feuille(s) masquée(s) ignorée(s) : {quote_list(skipped_hidden)}.")
        path = str(getattr(wb_values[chosen], "_worksheet_path", "")).lstrip("/")
        xml = suspicious.get(path)
        problems = _formula_problems(xml, recompute) if xml else []
    finally:
        wb_values.close()
    if not grid:
        raise _reject(name, f"la feuille « {chosen} » est vide.")
    top = find_header_row([v for _, v in grid[:HEADER_SEARCH_ROWS]])  # title rows above
    header_row, header = grid[top]
    body = grid[top + 1:]
    notes.extend(_header_note(header_row, top))
    if problems:
        in_table = [(r, c, why) for r, c, why in problems if r >= header_row]
        if in_table:
            cells = [f"{_column_letter(c)}{r} ({why})" for r, c, why in in_table]
            raise _reject(name, f"feuille « {chosen} » : {len(cells)} cellule(s) sans valeur "
                          f"utilisable : {', '.join(cells[:10])}"
                          + (f" et {len(cells) - 10} autre(s)" if len(cells) > 10 else "")
                          + ". Ouvrez le classeur dans Excel ou LibreOffice, recalculez-le et "
                          "enregistrez-le (ou collez les valeurs à la place des formules), puis "
                          "réimportez-le.")
    width = max(len(header), *(len(v) for _, v in body)) if body else len(header)
    columns, keep = [], []
    for j in range(width):
        head = header[j] if j < len(header) else None
        has_data = any(j < len(v) and not is_blank(v[j]) for _, v in body)
        if is_blank(head) and not has_data:
            continue
        columns.append(f"colonne {_column_letter(j)}" if is_blank(head) else str(head).strip())
        keep.append(j)
    records = [[(v[j] if j < len(v) else None) for j in keep] for _, v in body]
    df = pd.DataFrame(records, columns=columns, dtype=object)
    df = df.map(lambda v: None if is_blank(v) else v)
    table = _finish_table(df, "xlsx", name, notes, [r for r, _ in body])
    table.layer = chosen
    table.layers = visible if chosen in visible else [chosen, *visible]
    table.choice_needed = layer is None and len(visible) > 1
    return table


def _formula_problems(xml: bytes, recompute: bool) -> list[tuple[int, int, str]]:
    """Cells of a sheet whose value cannot be trusted: ``(row, column index, reason)``.

    Read from the sheet's XML, where a formula cell without a ``<v>`` element has no
    cached result (openpyxl returns None for it as for an empty string result): formulas
    without result, or all formulas when the workbook asks to be recomputed on opening
    (their cached values are placeholders), and error values (``#DIV/0!``, ``#N/A``…).
    """
    import xml.etree.ElementTree as ET

    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    problems: list[tuple[int, int, str]] = []
    try:
        for _, elem in ET.iterparse(io.BytesIO(xml)):
            if elem.tag.rsplit("}", 1)[-1] != "c":
                continue
            children = {child.tag.rsplit("}", 1)[-1]: child for child in elem}
            ref = elem.get("r")
            formula, value = children.get("f"), children.get("v")
            if ref and (formula is not None or elem.get("t") == "e"):
                letters, row = coordinate_from_string(ref)
                col = column_index_from_string(letters) - 1
                if elem.get("t") == "e":
                    shown = (value.text or "") if value is not None else ""
                    problems.append((row, col, f"erreur « {shown} »"))
                elif value is None or recompute:
                    text = "=" + formula.text if formula.text else "formule partagée"
                    shown = text if len(text) <= 40 else text[:39] + "…"
                    problems.append((row, col, f"formule {shown} sans valeur calculée"))
            elem.clear()
    except (ET.ParseError, ValueError):
        return problems
    return problems


_SUSPICIOUS_CELLS = re.compile(rb'<(?:\w+:)?f[ >/]|\st="e"')


def _pick(wanted: str, available: list[str], word: str, name: str) -> str:
    """The sheet or layer ``wanted`` (exact, then case-insensitive), or a French refusal."""
    if wanted in available:
        return wanted
    folded = [a for a in available if a.casefold() == str(wanted).strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    raise _reject(name, f"{word} « {wanted} » absente du fichier ({word}s : "
                  f"{quote_list(available) or 'aucune'}).")


#: Mojibake: UTF-8 bytes of French characters read as Windows-1252 or Latin-1
#: ("Ã©" for "é", "â€™" for "’"), mapped back to the character.
def _mojibake_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for char in "".join(chr(c) for c in range(0xA0, 0x100)) + "œŒŸ’‘“”…–—€•":
        for codec in ("cp1252", "latin-1"):
            try:
                table.setdefault(char.encode("utf-8").decode(codec), char)
            except UnicodeDecodeError:  # bytes undefined in cp1252 (0x81, 0x8d…)
                continue
    return table


_MOJIBAKE = _mojibake_table()
_MOJIBAKE_RE = re.compile("|".join(re.escape(s) for s in sorted(_MOJIBAKE, key=len,
                                                                 reverse=True)))


def _fix_mojibake(text: str) -> str:
    return _MOJIBAKE_RE.sub(lambda m: _MOJIBAKE[m.group()], text)


def _repair_mojibake(df: pd.DataFrame, table_rows: list[int], kind: str) -> list[str]:
    """Repair doubly-encoded text in place; return French notes naming the cells."""
    fixed: list[tuple[int, str, str, str]] = []
    for col in df.columns:
        values = df[col]
        if not _is_text(values):
            continue
        strings = [v for v in values if isinstance(v, str)]
        if not strings or not _MOJIBAKE_RE.search("\x00".join(strings)):
            continue
        for i, v in enumerate(values):
            if isinstance(v, str) and _MOJIBAKE_RE.search(v):
                good = _fix_mojibake(v)
                df.iat[i, df.columns.get_loc(col)] = good
                fixed.append((table_rows[i], col, v, good))
    if not fixed:
        return []
    where = "ligne" if kind in ("csv", "xlsx") else "entité"
    first = fixed[0]
    return [f"Texte doublement encodé corrigé dans {len(fixed)} cellule(s) ({where}s "
            f"{number_list(sorted({r for r, *_ in fixed}))}) ; par exemple {where} {first[0]}, "
            f"colonne « {first[1]} » : « {_excerpt(first[2])} » → « {_excerpt(first[3])} »."]


def _is_text(values: pd.Series) -> bool:
    """Whether a column may hold strings (object or string dtype)."""
    return values.dtype == object or pd.api.types.is_string_dtype(values.dtype)


def _excerpt(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _finish_table(df: pd.DataFrame, kind: str, name: str, notes: list[str], rows: list[int],
                  lon: np.ndarray | None = None, lat: np.ndarray | None = None,
                  geometry_errors: dict[int, str] | None = None) -> Table:
    """Drop blank rows (keeping geometries and row numbers aligned), check the shape.

    Every per-row array (``rows``, ``lon``, ``lat``, ``geometry_errors``) is filtered with
    the same mask as ``df``: a dropped row never shifts the next one's point or number.
    """
    if df.shape[1] > MAX_COLUMNS:
        raise _reject(name, f"plus de {MAX_COLUMNS} colonnes.")
    df = df.reset_index(drop=True)
    filled = ~df.map(is_blank).all(axis=1).to_numpy() if df.shape[1] else np.zeros(
        len(df), dtype=bool)
    rows = list(rows)
    if lon is not None:
        with_geometry = [rows[i] for i in np.flatnonzero(~filled)
                         if np.isfinite(lon[i]) or i in (geometry_errors or {})]
        if with_geometry:
            notes.append(f"Entité(s) n° {number_list(with_geometry)} sans aucun attribut "
                         "(géométrie seule) ignorée(s).")
    keep = np.flatnonzero(filled)
    df = df.iloc[keep].reset_index(drop=True)
    rows = [rows[i] for i in keep]
    if lon is not None:
        lon, lat = np.asarray(lon, dtype=float)[keep], np.asarray(lat, dtype=float)[keep]
        new_index = {int(old): new for new, old in enumerate(keep)}
        geometry_errors = {new_index[i]: why for i, why in (geometry_errors or {}).items()
                           if i in new_index}
    if df.empty:
        raise _reject(name, "aucune ligne de données sous l'en-tête." if kind in ("csv", "xlsx")
                      else "aucune entité avec des attributs dans le fichier.")
    if len(df) > MAX_FEATURES:
        raise _reject(name, f"plus de {MAX_FEATURES} lignes.")
    df.columns = [_fix_mojibake(str(c).strip()) for c in df.columns]
    doubles = sorted({c for c in df.columns if list(df.columns).count(c) > 1})
    if doubles:
        raise _reject(name, f"plusieurs colonnes portent le même nom : {quote_list(doubles)}.")
    notes.extend(_repair_mojibake(df, rows, kind))
    return Table(df=df, kind=kind, notes=notes, rows=rows, lon=lon, lat=lat,
                 geometry_errors=geometry_errors or {})


def _gdal_unreadable(name: str) -> ImportRejected:
    """A French refusal for a GDAL failure (GDAL's English text and our temporary paths
    never reach users; the original error is chained for the logs)."""
    return _reject(name, "fichier géographique illisible (structure invalide, fichier "
                   "tronqué ou format non reconnu).")


def _list_layers(path: Path, name: str) -> list[tuple[str, bool, int]]:
    """``(layer name, has geometry, feature count)`` of every layer of a GDAL file."""
    import pyogrio

    try:
        layers = pyogrio.list_layers(path)
        out = []
        for layer_name, geometry_type in layers:
            count = pyogrio.read_info(path, layer=layer_name,
                                      force_feature_count=True).get("features", 0)
            out.append((str(layer_name), geometry_type is not None, int(count or 0)))
        return out
    except Exception as exc:  # noqa: BLE001 - GDAL errors
        raise _gdal_unreadable(name) from exc


def _read_geo(path: Path, kind: str, name: str, declared: list[bool] | None = None,
              layer: str | None = None, dbf: tuple[bytes, bytes | None] | None = None) -> Table:
    """Read a GDAL vector file, geometries aligned with attributes.

    Parameters
    ----------
    declared : list of bool, optional
        GeoJSON only: ``declared[i]`` tells that feature i has a geometry member.
    layer : str, optional
        Layer to read (GeoPackage); the only or first non-empty one when None.
    dbf : tuple, optional
        Shapefile only: raw ``.dbf`` bytes and ``.cpg`` content (or None), to decode the
        attribute table per value (see :func:`_shapefile_text`).
    """
    import pyogrio
    import shapely

    layers = _list_layers(path, name)
    names = [n for n, _, _ in layers]
    filled = [n for n, _, count in layers if count > 0]
    notes: list[str] = []
    if layer is not None:
        chosen = _pick(layer, names, "couche", name)
    elif filled:
        chosen = filled[0]
    elif names:
        raise _reject(name, "aucune entité dans le fichier.")
    else:
        raise _reject(name, "le fichier ne contient aucune couche.")
    count = next(c for n, _, c in layers if n == chosen)
    if count > MAX_FEATURES:
        raise _reject(name, f"{count} entités, au-delà de {MAX_FEATURES}.")
    if count == 0:
        raise _reject(name, f"la couche « {chosen} » ne contient aucune entité.")
    if kind == "gpkg":
        others = [f"« {n} » ({c} entité(s))" for n, _, c in layers if n != chosen and c > 0]
        notes.append(f"Couche « {chosen} » lue ({count} entité(s)).")
        if others:
            notes.append("Autres couches contenant des données : " + ", ".join(others)
                         + (" : choisissez la couche à importer." if layer is None
                            else " (non lues)."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            gdf = pyogrio.read_dataframe(path, layer=chosen, on_invalid="ignore",
                                         encoding="ISO-8859-1" if dbf else None)
    except Exception as exc:  # noqa: BLE001 - GDAL errors
        raise _gdal_unreadable(name) from exc
    n = len(gdf)
    if n != count or (declared is not None and len(declared) != n):
        expected = len(declared) if declared is not None else count
        raise _reject(name, f"lecture incomplète : {n} entité(s) lue(s) sur {expected} "
                      "(fichier endommagé ?). Rien n'a été importé.")
    import geopandas as gpd

    has_geometry = isinstance(gdf, gpd.GeoDataFrame) and gdf._geometry_column_name in gdf
    df = pd.DataFrame(gdf.drop(columns=gdf.geometry.name) if has_geometry else gdf)
    if dbf is not None:
        df, encoding_notes = _shapefile_text(df, *dbf, name)
        notes.extend(encoding_notes)
    rows = list(range(1, n + 1))
    if not has_geometry:
        notes.append(f"Couche « {chosen} » sans géométrie : les projets sont localisés par "
                     "leurs colonnes (coordonnées ou commune).")
        table = _finish_table(df, kind, name, notes, rows)
        return _with_layers(table, chosen, filled, layer) if kind == "gpkg" else table
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    errors: dict[int, str] = {}
    for i, g in enumerate(gdf.geometry.values):
        if g is None and not (declared and declared[i]):
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
        if g.is_empty or not (np.isfinite(g.x) and np.isfinite(g.y)):
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
    if epsg not in (4326, METRIC_EPSG, 4171):
        notes.append(f"Système de coordonnées {crs} reprojeté en WGS84.")
    if epsg != 4326:
        from carnet.projets.territory import transformer_to_wgs84

        try:
            t = transformer_to_wgs84(f"EPSG:{epsg}" if epsg else gdf.crs.to_wkt())
            lon, lat = t.transform(lon, lat)
        except Exception as exc:  # noqa: BLE001 - pyproj errors, in English
            raise _reject(name, "système de coordonnées du fichier non reconnu : fournissez "
                          "un fichier en WGS84 (EPSG:4326) ou Lambert-93 (EPSG:2154).") from exc
        if epsg == METRIC_EPSG:
            notes.append("Coordonnées en Lambert-93 (EPSG:2154) reprojetées en WGS84.")
    else:
        notes.append("Coordonnées en WGS84 (EPSG:4326).")
    lon = np.round(np.asarray(lon, dtype=float), 6)
    lat = np.round(np.asarray(lat, dtype=float), 6)
    table = _finish_table(df, kind, name, notes, rows, lon, lat, errors)
    table.crs = crs
    return _with_layers(table, chosen, filled, layer) if kind == "gpkg" else table


def _with_layers(table: Table, chosen: str, filled: list[str], layer: str | None) -> Table:
    table.layer = chosen
    table.layers = filled if chosen in filled else [chosen, *filled]
    table.choice_needed = layer is None and len(filled) > 1
    return table


_DBF_CODEPAGES = {0x01: "cp437", 0x02: "cp850", 0x03: "cp1252", 0x57: "cp1252",
                  0x58: "cp1252", 0x59: "cp1252", 0x64: "cp852", 0x65: "cp866"}
_CPG_ALIASES = {"UTF-8": "utf-8", "UTF8": "utf-8", "65001": "utf-8", "1252": "cp1252",
                "CP1252": "cp1252", "WINDOWS-1252": "cp1252", "ANSI 1252": "cp1252",
                "ISO-8859-1": "latin-1", "ISO88591": "latin-1", "88591": "latin-1",
                "LATIN1": "latin-1", "ISO-8859-15": "iso8859-15", "850": "cp850",
                "437": "cp437"}
_CODEC_LABELS = {"utf-8": "UTF-8", "cp1252": "Windows-1252", "latin-1": "ISO-8859-1",
                 "iso8859-15": "ISO-8859-15", "cp850": "DOS 850", "cp437": "DOS 437",
                 "cp852": "DOS 852", "cp866": "DOS 866"}


def _shapefile_text(df: pd.DataFrame, dbf: bytes, cpg: bytes | None,
                    name: str) -> tuple[pd.DataFrame, list[str]]:
    """Decode a Shapefile's attribute table value by value.

    GDAL read the ``.dbf`` as ISO-8859-1, i.e. one character per byte: each string is
    turned back into its bytes and decoded as UTF-8 when it is, else in the 8-bit code page
    the ``.cpg`` (or the DBF header) declares, Windows-1252 by default. A UTF-8 table
    without ``.cpg`` is thus read as UTF-8 (GDAL alone makes "MÃ©diathÃ¨que" of it), and
    a table mixing both is read value by value, with a note.
    """
    declared = None
    if cpg is not None:
        key = cpg.decode("ascii", "ignore").strip().upper()
        declared = _CPG_ALIASES.get(key)
    ldid = dbf[29] if len(dbf) > 29 else 0
    fallback = declared if declared not in (None, "utf-8") else _DBF_CODEPAGES.get(ldid, "cp1252")

    texts = [c for c in df.columns if _is_text(df[c])]
    raw_values = [(c, i, v.encode("latin-1")) for c in texts for i, v in enumerate(df[c])
                  if isinstance(v, str) and not v.isascii()]
    header = [c.encode("latin-1") if not c.isascii() else None for c in df.columns]
    samples = [b for *_, b in raw_values] + [h for h in header if h]

    def utf8(raw: bytes) -> str | None:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:  # a value cut inside a character by its writer
            if exc.reason == "unexpected end of data" and exc.start >= len(raw) - 3:
                return raw[:exc.start].decode("utf-8", "strict") if exc.start else ""
            return None

    all_utf8 = all(utf8(b) is not None for b in samples)
    used: dict[str, list[int]] = {}

    def decode(raw: bytes, row: int) -> str:
        text = utf8(raw)
        if text is not None and (all_utf8 or _PLAUSIBLE.match(text)):
            used.setdefault("utf-8", []).append(row)
            return text
        try:
            text = raw.decode(fallback)
        except UnicodeDecodeError as exc:
            raise _reject(name, f"table attributaire (.dbf) illisible entité {row + 1} : ni "
                          f"UTF-8 ni {_CODEC_LABELS.get(fallback, fallback)}.") from exc
        used.setdefault(fallback, []).append(row)
        return text

    df = df.copy()
    for col, i, raw in raw_values:
        df.iat[i, df.columns.get_loc(col)] = decode(raw, i)
    df.columns = [decode(h, -1) if h else c for c, h in zip(df.columns, header, strict=True)]
    if not used:
        return df, []
    rows = {k: sorted({r + 1 for r in v if r >= 0}) for k, v in used.items()}
    if len(used) > 1:
        parts = [f"{_CODEC_LABELS.get(k, k)} (entité(s) {number_list(v) or 'en-tête'})"
                 for k, v in rows.items()]
        return df, ["Table attributaire (.dbf) aux encodages mélangés, lue valeur par valeur : "
                    + ", ".join(parts) + " ; vérifiez les accents ci-dessous."]
    codec = next(iter(used))
    label = _CODEC_LABELS.get(codec, codec)
    if declared == codec:
        return df, [f"Table attributaire (.dbf) en {label} (fichier .cpg)."]
    if cpg is None:
        return df, [f"Table attributaire (.dbf) en {label} (pas de fichier .cpg : encodage "
                    "reconnu d'après le contenu)."]
    return df, [f"Table attributaire (.dbf) en {label}, bien que le fichier .cpg annonce "
                f"« {cpg.decode('ascii', 'replace').strip()} » (encodage reconnu d'après le "
                "contenu)."]


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
        payloads = {}
        for ext, info in parts.items():
            payloads[ext] = _read_member(zf, info, name)
            _sniff_vrt(payloads[ext], name)
    cpg = payloads.pop(".cpg", None)
    with tempfile.TemporaryDirectory(prefix="carnet-import-") as tmp:
        for ext, payload in payloads.items():
            (Path(tmp) / f"projets{ext}").write_bytes(payload)
        return _read_geo(Path(tmp) / "projets.shp", "shapefile", name,
                         dbf=(payloads[".dbf"], cpg))


def _geojson_features(data: bytes, name: str) -> list[bool]:
    """Check a GeoJSON before GDAL reads it; ``declared[i]``: feature i has a geometry."""
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        raise _reject(name, "ce n'est pas un GeoJSON (un objet JSON est attendu).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _reject(name, f"GeoJSON non encodé en UTF-8 (octet 0x{data[exc.start]:02x} en "
                      f"position {exc.start}) : enregistrez-le en UTF-8.") from exc
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _reject(name, f"JSON invalide ligne {exc.lineno}, colonne {exc.colno} "
                      "(fichier tronqué ou mal formé).") from exc
    except RecursionError as exc:
        raise _reject(name, "JSON invalide : imbrication trop profonde.") from exc
    if not isinstance(obj, dict) or obj.get("type") not in ("FeatureCollection", "Feature"):
        raise _reject(name, "GeoJSON attendu : « type » doit valoir FeatureCollection.")
    feats = obj.get("features") if obj.get("type") == "FeatureCollection" else [obj]
    if not isinstance(feats, list):
        raise _reject(name, "GeoJSON invalide : « features » doit être une liste d'entités.")
    if len(feats) > MAX_FEATURES:
        raise _reject(name, f"plus de {MAX_FEATURES} entités.")
    for i, f in enumerate(feats, start=1):
        if not isinstance(f, dict) or f.get("type") != "Feature":
            raise _reject(name, f"entité n° {i} invalide : un objet de type « Feature » est "
                          "attendu.")
        props = f.get("properties")
        if props is not None and not isinstance(props, dict):
            raise _reject(name, f"entité n° {i} : « properties » doit être un objet.")
    return [f.get("geometry") is not None for f in feats]


def _read_geojson(data: bytes, name: str, layer: str | None = None) -> Table:
    return _read_geo_bytes(data, "geojson", name, _geojson_features(data, name))


def _read_gpkg(data: bytes, name: str, layer: str | None = None) -> Table:
    if not data.startswith(b"SQLite format 3\x00"):
        raise _reject(name, "ce n'est pas un GeoPackage valide.")
    return _read_geo_bytes(data, "gpkg", name, None, layer)


def _read_geo_bytes(data: bytes, kind: str, name: str, declared: list[bool] | None,
                    layer: str | None = None) -> Table:
    """Read a GeoJSON or GeoPackage held in memory (GDAL wants a file)."""
    with tempfile.TemporaryDirectory(prefix="carnet-import-") as tmp:
        path = Path(tmp) / f"projets.{kind}"
        path.write_bytes(data)
        return _read_geo(path, kind, name, declared, layer)


@dataclass(frozen=True)
class Reader:
    """How to read one file extension: French name (messages), reader, layer choice."""

    label: str
    read: Callable[[bytes, str, str | None], Table]
    layers: bool = False  # a sheet (XLSX) or layer (GeoPackage) may be chosen


def _read_text_table(data: bytes, name: str) -> Table:
    """A CSV; one with the national schema's header is translated to our fields."""
    from carnet.projets import schema_collectivites as schema

    table = _read_csv(data, name)
    return schema.translate(table, name) if schema.is_projets_table(table.df.columns) else table


def _read_schema_package(data: bytes, name: str) -> Table:
    """A zipped Data Package of the national schema, as a Table of our fields.

    The archive is checked like any upload (size, members, paths); each CSV is read by the
    CSV reader (encoding, structure, line numbers), then translated.
    """
    from carnet.projets import schema_collectivites as schema

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise _reject(name, "archive zip endommagée.") from exc
    with zf:
        members = {PurePosixPath(i.filename).name: i
                   for i in _check_zip(zf, name, {".csv", ".json"})}
        try:
            desc = json.loads(_read_member(zf, members[schema.DESCRIPTOR], name)
                              .decode("utf-8-sig"))
        except (KeyError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise _reject(name, f"{schema.DESCRIPTOR} illisible (JSON UTF-8 attendu).") from exc
        files = schema.resource_files(desc)
        if files["projets-territoire"] not in members:
            raise _reject(name, f"la ressource « projets-territoire » "
                          f"({files['projets-territoire']}) est absente de l'archive.")
        raw = {k: _read_member(zf, members[v], name) for k, v in files.items() if v in members}
    label = f"{name} › {files['projets-territoire']}"
    collectivites = (_read_csv(raw["collectivites"], f"{name} › {files['collectivites']}")
                     if "collectivites" in raw else None)
    return schema.translate(_read_csv(raw["projets-territoire"], label), label, collectivites)


def _read_zip(data: bytes, name: str) -> Table:
    """A zipped Shapefile, or a zipped Data Package of the national schema."""
    from carnet.projets import schema_collectivites as schema

    return _read_schema_package(data, name) if schema.is_package(data) else (
        _read_shapefile_zip(data, name))


#: Readers by file extension, in the order the accepted formats are named to the user.
#: A ``.csv`` with the header of the national schema of local-authority projects, and a
#: ``.zip`` holding its Data Package (``schema-collectivites``), are read in that schema.
READERS: dict[str, Reader] = {
    ".csv": Reader("CSV", lambda data, name, layer: _read_text_table(data, name)),
    ".txt": Reader("CSV", lambda data, name, layer: _read_text_table(data, name)),
    ".xlsx": Reader("XLSX", _read_xlsx, layers=True),
    ".geojson": Reader("GeoJSON", _read_geojson),
    ".json": Reader("GeoJSON", _read_geojson),
    ".gpkg": Reader("GeoPackage", _read_gpkg, layers=True),
    ".zip": Reader("Shapefile zippé", lambda data, name, layer: _read_zip(data, name)),
}
ALLOWED_EXTENSIONS = tuple(READERS)


def read_table(data: bytes, filename: str, layer: str | None = None) -> Table:
    """Read an uploaded file safely.

    Parameters
    ----------
    data : bytes
        File content (at most 20 MB).
    filename : str
        Original name (its extension selects the reader).
    layer : str, optional
        Sheet (XLSX) or layer (GeoPackage) to read. When None: the first visible sheet
        holding data, the only layer holding features; when several hold data, the first
        is read and ``Table.choice_needed`` is set (the import is refused until one is
        chosen; ``Table.layers`` lists them).

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
    reader = READERS.get(ext)
    if reader is None:
        raise _reject(name, f"extension « {ext or '(aucune)'} » non prise en charge (admises : "
                      f"{', '.join(dict.fromkeys(r.label for r in READERS.values()))}).")
    if len(data) > MAX_UPLOAD_BYTES:
        raise _reject(name, f"{fmt_number(len(data) / 2**20, 1)} Mo, au-delà de la limite de "
                      f"{MAX_UPLOAD_BYTES // 2**20} Mo.")
    if not data.strip():
        raise _reject(name, "le fichier est vide.")
    _sniff_vrt(data, name)
    if layer is not None and not reader.layers:
        raise _reject(name, "le choix d'une feuille ou d'une couche ne s'applique qu'aux "
                      "classeurs XLSX et aux GeoPackage.")
    return reader.read(data, name, layer)


# -- mapping and validation (carnet.projets.report) ---------------------------------------
def _header_note(line: int, skipped: int) -> list[str]:
    """Note on the header found at ``line`` below ``skipped`` title rows (none if 0)."""
    if not skipped:
        return []
    return [f"En-tête trouvé ligne {line} : les {line - 1} ligne(s) au-dessus (titre, "
            "lignes vides) sont ignorées."]


def _norm(text: str) -> str:
    return fold(text).replace("_", " ").strip(" .:")


def suggest_mapping(columns: list[str], table: Table | None = None,
                    ctx: TerritoryContext | None = None) -> dict[str, str]:
    """Guess which source column feeds which field (headers, and content when given).

    Parameters
    ----------
    columns : list of str
        Source column names.
    table : Table, optional
        The table read, so that columns are also judged on their values.
    ctx : TerritoryContext, optional
        The territory (INSEE codes and commune names recognised in the values).

    Returns
    -------
    dict
        field → source column (only the fields recognised).
    """
    return guess_mapping(columns, table.df if table is not None else None, ctx).mapping


def build_report(
    table: Table,
    mapping: dict[str, str],
    ctx: TerritoryContext,
    repo: ProjetRepository | None = None,
    territoire: str | None = None,
    crs: str | None = None,
    accepted: dict[str, dict[str, str]] | None = None,
    accept_suggestions: bool = False,
) -> ImportReport:
    """Validate every row of a table; write nothing (see :func:`carnet.projets.report.build`)."""
    return _build(table, mapping, ctx, repo, territoire=territoire, crs=crs, accepted=accepted,
                  accept_suggestions=accept_suggestions)


def import_file(
    data: bytes,
    filename: str,
    ctx: TerritoryContext,
    repo: ProjetRepository,
    user: str,
    territoire: str | None = None,
    mapping: dict[str, str] | None = None,
    crs: str | None = None,
    dry_run: bool = False,
    layer: str | None = None,
    columns: dict[str, str] | None = None,
    accepted: dict[str, dict[str, str]] | None = None,
    accept_suggestions: bool = False,
    partial: bool = False,
    doublons: str | None = None,
) -> tuple[ImportReport, list[dict]]:
    """Read, validate and (unless ``dry_run``) commit a file, all or nothing.

    Parameters
    ----------
    layer : str, optional
        Sheet (XLSX) or layer (GeoPackage) to read; when the file holds several and none
        is chosen, the report lists them and the import is refused.
    mapping : dict, optional
        Complete mapping (field → column); guessed from the file when None.
    columns : dict, optional
        Overrides of the guessed mapping (``--colonnes``): field → column, "" to unmap.
    accepted : dict, optional
        Value mappings the user accepted: field → {value in the file: code}.
    accept_suggestions : bool
        Apply every single-candidate proposal (``--accepter-suggestions``).
    partial, doublons :
        See :func:`commit`.

    Returns
    -------
    tuple
        ``(report, created)``; ``created`` is empty on a dry run.

    Raises
    ------
    ImportRejected
        Unreadable/unsafe file, or rejected rows (``exc.report`` holds the report).
    """
    table = read_table(data, filename, layer)
    if mapping is None:
        mapping = merge_mapping(suggest_mapping(list(table.df.columns), table, ctx),
                                columns or {})
    report = build_report(table, mapping, ctx, repo, territoire, crs, accepted=accepted,
                          accept_suggestions=accept_suggestions)
    if dry_run:
        return report, []
    return report, commit(report, repo, user, partial=partial, doublons=doublons)


__all__ = ["EDITABLE_FIELDS", "ImportReport", "Table", "build_report", "commit",
           "import_file", "read_table", "suggest_mapping"]
