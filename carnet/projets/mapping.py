"""Column mapping of an imported table: headers (synonyms kept as data) and content.

The synonyms live in the fields table, ``carnet/data/champs_projets.toml``
(:mod:`carnet.projets.fields`). A header matches a field when
its normalised text equals one of the field's synonyms (with or without the part in
brackets: "Coût total (€ HT)"), or, failing that, contains one as whole words (the
longest wins: "Montant de la participation départementale" → participation_cd). Then the
content decides where headers cannot: the column whose values are INSEE codes of the
territory is the commune code, a column of commune names feeds ``commune_nom`` (resolved
to codes by :mod:`carnet.projets.matching`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from carnet.projets import fields
from carnet.projets.fields import norm
from carnet.text import INSEE_PATTERN

#: Pseudo-fields: not stored, used to resolve others (commune name → code, id/version of
#: an export → the project to update).
PSEUDO_FIELDS = ("commune_nom", "id", "version")
#: Rows of the top of a sheet searched for the header.
HEADER_SEARCH_ROWS = 30
#: Cells of a row looked at when searching for the header.
MAX_HEADER_CELLS = 300
_CODE_RE = re.compile(rf"^({INSEE_PATTERN})$")


def _variants(header: str) -> list[str]:
    full = norm(header)
    bare = " ".join(re.sub(r"\([^)]*\)", " ", full).split())
    out = [full.replace("(", "").replace(")", "").strip()]
    if bare and bare not in out:
        out.append(bare)
    return [v for v in out if v]


@lru_cache(maxsize=1)
def synonyms() -> dict[str, list[str]]:
    """Field → normalised synonyms (the field name first), in file order."""
    out = {}
    for fname, spec in fields.champs().items():
        if not spec.importe:
            continue
        seen: list[str] = []
        # "commune" (the stored code) is named by code-like headers only: a "Commune"
        # header usually holds names (the content decides when it holds codes)
        own = [] if fname == "commune" else [fname]
        for s in [*own, *spec.synonymes]:
            for v in _variants(s):
                if v not in seen:
                    seen.append(v)
        out[fname] = seen
    out.setdefault("id", ["id"])
    out.setdefault("version", ["version"])
    return out


def field_labels() -> dict[str, str]:
    """Field → French label (for the mapping widgets and messages)."""
    return {f: spec.libelle for f, spec in fields.champs().items() if spec.importe}


@lru_cache(maxsize=8192)
def header_field(header: str) -> tuple[str | None, int]:
    """Field named by a header, and the strength of the match.

    Returns
    -------
    tuple
        ``(field, score)``: score 1000 - rank for an exact synonym, the synonym's
        length for a whole-word containment, ``(None, 0)`` otherwise.
    """
    best: tuple[str | None, int] = (None, 0)
    variants = _variants(header)
    # a header with a year ("Budget 2027") is a slice of something: exact synonyms only
    dated = re.search(r"(?<!\d)(19|20)\d{2}(?!\d)", str(header)) is not None
    for fname, syns in synonyms().items():
        for rank, syn in enumerate(syns):
            if syn in variants:
                score = 1000 - rank
            elif not dated and len(syn) >= 4 and any(f" {syn} " in f" {v} " for v in variants):
                score = len(syn)
            else:
                continue
            if score > best[1]:
                best = (fname, score)
    return best


# -- header row -------------------------------------------------------------------------
def _cell_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def header_multiplier(header: str) -> int:
    """Unit of an amount column said in its header: 1000 for "(k€)", 10⁶ for "(M€)"."""
    text = str(header)
    if re.search(r"k\s*€|\bkeur\b|milliers? d['’ ]?euros", text, re.IGNORECASE):
        return 1_000
    if re.search(r"\bM\s*€|\bMEUR\b|millions? d['’ ]?euros", text):
        return 1_000_000
    return 1


def find_header_row(rows: list[list]) -> int:
    """Index of the header among the first rows of a sheet (0 when it is the first).

    Title rows ("Contrat de territoire du Cambrésis — plan d'actions 2024"), blank rows
    and notes above the table are skipped: the header is the first row of which at least
    two cells name known fields, or else the first row as wide as the table whose
    cells are all text.
    """
    rows = [[_cell_text(c) for c in r] for r in rows[:HEADER_SEARCH_ROWS]]
    width = max((sum(1 for c in r if c) for r in rows), default=0)
    best, best_hits = None, 1
    for i, r in enumerate(rows):
        hits = _distinct_fields(r)
        if hits > best_hits:
            best, best_hits = i, hits
        if best is not None and hits < best_hits:
            break  # data rows below the header
    if best is not None:
        return best
    for i, r in enumerate(rows):
        filled = [c for c in r if c]
        if width >= 2 and len(filled) >= max(2, width * 0.6) and all(
                not _looks_numeric(c) for c in filled):
            return i
    return 0


def _distinct_fields(cells: list) -> int:
    """How many different fields the cells of a row name (a data row repeating "Commune"
    a hundred times names one)."""
    return len({header_field(c)[0] for c in (_cell_text(c) for c in cells[:MAX_HEADER_CELLS])
                if c and len(c) <= 120} - {None})


def find_header_line(lines: list[str]) -> int:
    """Header line of a CSV text (title lines above it are skipped); 0 by default."""
    import csv

    best, best_score = 0, -1
    for sep in (";", ",", "\t"):
        try:
            rows = list(csv.reader(lines[:HEADER_SEARCH_ROWS], delimiter=sep))
        except csv.Error:
            continue  # the reader names the faulty line itself
        if not any(len(r) > 1 for r in rows):
            continue
        i = find_header_row(rows)
        score = _distinct_fields(rows[i]) if rows else 0
        if score > best_score:
            best, best_score = i, score
    return best


def _looks_numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[-+]?[\d\s.,\u00a0\u202f]+(€|%)?", text.strip()))


# -- mapping ------------------------------------------------------------------------------
@dataclass
class MappingGuess:
    """A proposed mapping and why each field got its column (French)."""

    mapping: dict[str, str] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)


def _code_share(values: list, ctx) -> float:
    from carnet.projets.validation import normalize_commune_code

    if not values or ctx is None:
        return 0.0
    known = set(ctx.by_code) | set(getattr(ctx, "former_communes", {}) or {})
    ok = sum(1 for v in values if normalize_commune_code(v) in known)
    return ok / len(values)


def _name_share(values: list, ctx) -> float:
    if not values or ctx is None:
        return 0.0
    from carnet.projets.matching import commune_index

    idx = commune_index(ctx)
    ok = sum(1 for v in values if idx.exact(v) is not None)
    return ok / len(values)


def _sample(df: pd.DataFrame, col: str, n: int = 300) -> list:
    from carnet.projets.validation import is_blank

    vals = [v for v in df[col].tolist() if not is_blank(v)]
    return vals[:n]


#: Headers of the exports made before ``contrat`` became ``territoire`` (and the pack's
#: ``territoire`` became ``pack``): with both and no ``pack`` column, ``territoire`` is the pack.
LEGACY_PACK_HEADER, LEGACY_TERRITORY_HEADER = "territoire", "contrat"


def _legacy_pack_column(columns: list[str]) -> str | None:
    """The pack column of an export in the old layout (``territoire`` beside ``contrat``)."""
    by_norm = {norm(c): c for c in columns}
    if LEGACY_TERRITORY_HEADER in by_norm and LEGACY_PACK_HEADER in by_norm \
            and "pack" not in by_norm:
        return by_norm[LEGACY_PACK_HEADER]
    return None


def guess_mapping(columns: list[str], df: pd.DataFrame | None = None,
                  ctx=None) -> MappingGuess:
    """Guess which column feeds which field, from headers and (when given) content.

    Parameters
    ----------
    columns : list of str
        Column names of the table.
    df : pandas.DataFrame, optional
        The table, to judge columns by their values.
    ctx : TerritoryContext, optional
        The territory (its commune codes and names).

    Returns
    -------
    MappingGuess
    """
    candidates: list[tuple[int, str, str, str]] = []  # (score, field, column, reason)
    content: dict[str, tuple[float, float]] = {}
    legacy_pack = _legacy_pack_column(columns)
    for col in columns:
        if col == legacy_pack:  # an export made before the rename: the pack, not a territory
            continue
        fname, score = header_field(col)
        if df is not None and ctx is not None and col in df.columns:
            values = _sample(df, col)
            codes, names = _code_share(values, ctx), _name_share(values, ctx)
            content[col] = (codes, names)
            if values and codes >= 0.6 and (fname in (None, "commune", "commune_nom")):
                candidates.append((2000, "commune", col,
                                   f"contenu : {round(codes * 100)} % de codes INSEE du "
                                   "territoire"))
                continue
            if values and names >= 0.6 and (fname in ("commune", "commune_nom")
                                             or (fname is None and names >= 0.9)):
                candidates.append((1999, "commune_nom", col,
                                   f"contenu : {round(names * 100)} % de noms de communes "
                                   "du territoire"))
                continue
        if fname is not None:
            how = "en-tête" if score >= 1000 - 100 else "en-tête (synonyme approché)"
            candidates.append((score, fname, col, how))
    guess = MappingGuess()
    used: set[str] = set()
    for _score, fname, col, reason in sorted(candidates, key=lambda c: -c[0]):
        if fname in guess.mapping or col in used:
            continue
        guess.mapping[fname] = col
        guess.reasons[fname] = reason
        used.add(col)
    # an "id" column is the registry id only in our own export (which has "version")
    if "id" in guess.mapping and "version" not in guess.mapping:
        col = guess.mapping.pop("id")
        guess.reasons.pop("id", None)
        if "ref" not in guess.mapping:
            guess.mapping["ref"] = col
            guess.reasons["ref"] = "en-tête"
    if "version" in guess.mapping and "id" not in guess.mapping:
        guess.mapping.pop("version")
        guess.reasons.pop("version", None)
    return guess


def parse_columns_option(text: str) -> dict[str, str]:
    """Parse ``titre="Intitulé",commune="Code INSEE"`` (the CLI's ``--colonnes``).

    Raises
    ------
    ValueError
        With a French message when the text is malformed.
    """
    import csv

    out: dict[str, str] = {}
    for part in next(csv.reader([text], skipinitialspace=True), []):
        if not part.strip():
            continue
        if "=" not in part:
            raise ValueError(f"« {part} » : attendu champ=\"Nom de la colonne\"")
        key, _, value = part.partition("=")
        out[key.strip()] = value.strip().strip('"').strip("'")
    return out


def load_mapping_file(path: str | Path) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Read a mapping file: ``[colonnes]`` field = "column", ``[valeurs.<field>]``.

    Returns
    -------
    tuple
        ``(columns, values)``: field → column, and field → {value in the file: code}.
    """
    raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    cols = {str(k): str(v) for k, v in (raw.get("colonnes") or {}).items()}
    values = {str(f): {str(k): str(v) for k, v in m.items()}
              for f, m in (raw.get("valeurs") or {}).items()}
    return cols, values


def merge_mapping(auto: dict[str, str], overrides: dict[str, str]) -> dict[str, str]:
    """Apply the user's choices over the guessed mapping.

    A column given to a field is taken from whatever field the guess gave it; an empty
    column (``titre=""``) unmaps the field.

    Raises
    ------
    ValueError
        For an unknown field (French message listing the known ones).
    """
    known = synonyms()
    unknown = [f for f in overrides if f not in known]
    if unknown:
        raise ValueError(f"champ(s) inconnu(s) : {', '.join(unknown)} (champs : "
                         f"{', '.join(known)})")
    out = dict(auto)
    for fname, col in overrides.items():
        out.pop(fname, None)
        if col:
            for f in [f for f, c in out.items() if c == col]:
                out.pop(f)
            out[fname] = col
    return out
