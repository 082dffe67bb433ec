"""Validation report of an imported table (nothing written) and its atomic commit.

:func:`build` turns each row into a clean project, a reason for refusing it, an update
of a project already in the registry (same ``ref``, or same ``id`` in our own export) or
nothing at all (unchanged); it collects what the user must decide: value
:class:`~carnet.projets.matching.Proposal` s (close spellings, ambiguous names, swapped
coordinates) and likely duplicates (same title, commune and year). :func:`commit`
writes in one transaction: everything, or — only when asked — the valid rows.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from carnet.geometry import METRIC_CRS
from carnet.projets.errors import ImportRejected
from carnet.projets.fields import EDITABLE_FIELDS
from carnet.projets.mapping import (
    PSEUDO_FIELDS,
    field_labels,
    header_multiplier,
    norm,
    synonyms,
)
from carnet.projets.matching import FIELD_NAMES, Proposal, commune_index, vocab_index
from carnet.projets.phrases import quote_list
from carnet.projets.repository import backfill_uuid, clean_uuid
from carnet.projets.territory import guess_crs
from carnet.projets.validation import (
    clean_projet,
    clean_text,
    is_blank,
    parse_number,
    ref_key,
    whole_euros,
)

VOCAB_FIELDS = ("orientation", "categorie", "nature", "mode", "statut", "territoire")
TEXT_FIELDS = ("ref", "titre", "description", "enjeu", "maitre_ouvrage", "partenaires",
               "source")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_YEAR = re.compile(r"(?<!\d)(19[9]\d|20\d{2}|2100)(?!\d)")
_MULTIPLIER = re.compile(r"^(.*?)\s*(k€|keur|k|m€|meur|m|millions?\s*(?:d\s*)?(?:€|euros?)?)\s*$",
                         re.IGNORECASE)
_POINT_ERRORS = ("point (", "Coordonnées (", "coordonnées hors des bornes")
DUPLICATE_CHOICES = ("ignorer", "importer")
_COORD_SOURCES = {"lon/lat": "colonnes longitude/latitude", "x/y": "colonnes X/Y",
                  "géométrie": "géométrie du fichier"}


@dataclass
class ImportReport:
    """Outcome of the validation of a file (nothing is written by building it).

    Attributes
    ----------
    valid : list of dict
        New projects, clean (``valid_lines``: their line numbers).
    rejected : list of dict
        ``ligne``, ``ref``, ``titre``, ``motifs``.
    updates : list of dict
        ``ligne``, ``id``, ``version``, ``titre``, ``changes`` (field → new value).
    unchanged : list of int
        Lines identical to the registry (nothing to do).
    proposals : list of Proposal
        What the importer could not decide alone.
    duplicates : list of dict
        ``ligne``, ``titre``, ``motif``: likely duplicates among the new projects.
    mapping, mapping_reasons : dict
        The mapping used (field → column) and why.
    """

    valid: list[dict]
    rejected: list[dict]
    notes: list[str]
    total: int
    kind: str
    valid_lines: list[int] = field(default_factory=list)
    updates: list[dict] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    mapping_reasons: dict[str, str] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=dict)
    layer: str | None = None
    layers: list[str] = field(default_factory=list)
    choice_needed: bool = False

    @property
    def unit(self) -> str:
        return "ligne(s)" if self.kind in ("csv", "xlsx") else "entité(s)"

    @property
    def ok(self) -> bool:
        """True when every row is valid (and there is at least one) and nothing to choose."""
        return (not self.rejected and bool(self.valid or self.updates or self.unchanged)
                and not self.choice_needed)

    @property
    def layer_word(self) -> str:
        """``feuille`` (XLSX) or ``couche`` (geo files)."""
        return "feuille" if self.kind == "xlsx" else "couche"

    def rejected_frame(self) -> pd.DataFrame:
        """Rejected rows as a table (Ligne, Identifiant, Titre, Motifs)."""
        return pd.DataFrame(self.rejected, columns=["ligne", "ref", "titre", "motifs"]).rename(
            columns={"ligne": "Ligne", "ref": "Identifiant", "titre": "Titre",
                     "motifs": "Motifs du rejet"})

    def mapping_frame(self) -> pd.DataFrame:
        """The mapping used: Champ, Colonne du fichier, Reconnue par."""
        labels = {**field_labels(), "id": "N° dans le registre", "version": "Version"}
        rows = [{"Champ": labels.get(f, f), "Colonne du fichier": c,
                 "Reconnue par": self.mapping_reasons.get(f, "choix de l'utilisateur")}
                for f, c in self.mapping.items()]
        return pd.DataFrame(rows, columns=["Champ", "Colonne du fichier", "Reconnue par"])

    def proposals_frame(self) -> pd.DataFrame:
        """Proposed value mappings, one row per candidate, for the page's table.

        Columns: Appliquer (False), Champ, Valeur du fichier, Lignes, Proposition, and the
        hidden keys ``_field``, ``_code`` that :func:`accepted_from_frame` reads back.
        """
        rows = []
        for p in self.proposals:
            lines = ", ".join(str(n) for n in p.lines[:20]) + ("…" if len(p.lines) > 20 else "")
            for code, label in p.candidates:
                rows.append({"Appliquer": False,
                             "Champ": FIELD_NAMES.get(p.field, "coordonnées"),
                             "Valeur du fichier": p.value if p.kind != "inversion"
                             else "longitude / latitude", "Lignes": lines,
                             "Proposition": label, "_field": p.field, "_value": p.value,
                             "_code": code})
        return pd.DataFrame(rows, columns=["Appliquer", "Champ", "Valeur du fichier", "Lignes",
                                           "Proposition", "_field", "_value", "_code"])

    def duplicates_frame(self) -> pd.DataFrame:
        """Likely duplicates: Ligne, Titre, Motif."""
        return pd.DataFrame(self.duplicates, columns=["ligne", "titre", "motif"]).rename(
            columns={"ligne": "Ligne", "titre": "Titre", "motif": "Motif"})

    def summary(self) -> str:
        """One French sentence summarising the report."""
        unit = self.unit
        if self.choice_needed:
            word = self.layer_word
            return (f"Le fichier contient {len(self.layers)} {word}s de données "
                    f"({quote_list(self.layers)}) : choisissez celle à importer "
                    f"(aperçu : {word} « {self.layer} »). Rien n'a été enregistré.")
        todo = []
        if self.valid:
            todo.append(f"{len(self.valid)} à créer")
        if self.updates:
            todo.append(f"{len(self.updates)} à mettre à jour")
        if self.unchanged:
            todo.append(f"{len(self.unchanged)} inchangée(s)")
        if self.ok:
            if not self.valid and not self.updates:
                return (f"Aucun changement : les {len(self.unchanged)} {unit} sont identiques "
                        "au registre.")
            if not self.updates and not self.unchanged:
                return f"{len(self.valid)} {unit} valide(s) sur {self.total}, prêtes à importer."
            return f"{self.total} {unit} valide(s) : {', '.join(todo)}."
        if not self.rejected:
            return "Le fichier ne contient aucun projet à importer."
        text = f"{len(self.rejected)} {unit} rejetée(s) sur {self.total} : corrigez-les puis " \
               "réimportez le fichier"
        n_ok = len(self.valid) + len(self.updates)
        if n_ok:
            text += f", ou importez seulement les {n_ok} {unit} valide(s)"
        return text + ". Rien n'a été enregistré (import tout ou rien)."


def accepted_from_frame(frame: pd.DataFrame) -> dict[str, dict[str, str]]:
    """The value mappings ticked in :meth:`ImportReport.proposals_frame` (first tick wins)."""
    out: dict[str, dict[str, str]] = {}
    if frame is None or frame.empty:
        return out
    for rec in frame.to_dict("records"):
        if rec.get("Appliquer") is True:
            out.setdefault(str(rec["_field"]), {}).setdefault(str(rec["_value"]),
                                                              str(rec["_code"]))
    return out


# -- value coercion -------------------------------------------------------------------------
def coerce_year(value: Any, last: bool = False) -> Any:
    """A year from a date: ``datetime``, "15/03/2021", "mars 2021", "2021-2023" (first,
    or last when ``last``); other values unchanged (validation judges them)."""
    if is_blank(value) or isinstance(value, bool):
        return value
    if isinstance(value, datetime | date | pd.Timestamp):
        return value.year
    if isinstance(value, int | float | np.integer | np.floating):
        return value
    text = str(value).strip()
    if re.fullmatch(r"\d{4}(\.0+)?", text):
        return text
    years = _YEAR.findall(text)
    if years:
        return int(years[-1] if last else years[0])
    return value


def coerce_amount(value: Any, unit: int = 1) -> Any:
    """An amount as written: "1 250 000 €", "1,2 M€", "250 k€", "300 000 € HT".

    ``unit`` is the column's unit from its header ("Coût (k€)": 1000), applied to plain
    numbers; a cell that says its own unit ("1,2 M€") keeps it.
    """
    if is_blank(value) or isinstance(value, bool):
        return value
    if not isinstance(value, str):
        if unit != 1 and isinstance(value, int | float | np.integer | np.floating):
            return round(float(value) * unit, 2)
        return value
    text = re.sub(r"\b(ht|ttc|h\.t\.|t\.t\.c\.|euros?)\b", " ", value, flags=re.IGNORECASE)
    text = re.sub(r"\s+d['’]?\s*$", "", text.strip()).strip()
    m = _MULTIPLIER.match(text)
    if m and re.search(r"\d", m.group(1)):
        unit = m.group(2).lower()
        factor = 1_000 if unit.startswith("k") else 1_000_000
        try:
            number = parse_number(m.group(1))
        except (TypeError, ValueError):
            return value
        if number is not None:
            return round(number * factor, 2)
    if unit != 1 and text:
        try:
            number = parse_number(text)
        except (TypeError, ValueError):
            return text
        return round(number * unit, 2) if number is not None else text
    return text or value


def _undefuse(value: Any) -> Any:
    """Drop the quote our exports put before formula-like text ("'=…")."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and (
            value[1] in _FORMULA_START):
        return value[1:]
    return value


def _blank(v: Any) -> bool:
    return is_blank(v) or v is pd.NA


def _same(a: Any, b: Any) -> bool:
    if _blank(a) and _blank(b):
        return True
    if _blank(a) or _blank(b):
        return False
    if isinstance(a, bool) or isinstance(b, bool):
        return bool(a) == bool(b)
    if isinstance(a, int | float | np.integer | np.floating) and isinstance(
            b, int | float | np.integer | np.floating):
        return math.isclose(float(a), float(b), abs_tol=1e-6)
    return str(a) == str(b)


def _dup_key(clean: dict) -> tuple | None:
    titre = norm(clean.get("titre") or "")
    if not titre:
        return None
    return (titre, clean.get("commune") or "", clean.get("annee_debut") or "")


# -- report ---------------------------------------------------------------------------------
def build(table, mapping: dict[str, str], ctx, repo=None, territoire: str | None = None,
          crs: str | None = None, accepted: dict[str, dict[str, str]] | None = None,
          accept_suggestions: bool = False) -> ImportReport:
    """Validate every row of a table; write nothing.

    Parameters
    ----------
    table : carnet.projets.importer.Table
    mapping : dict
        field → source column (from ``suggest_mapping``, possibly edited).
    ctx : TerritoryContext
    repo : ProjetRepository, optional
        When given, rows are matched to the registry (``ref``, or ``id`` + ``version`` of
        an export): unchanged rows are skipped, changed ones become updates; new rows are
        checked for likely duplicates.
    territoire : str, optional
        Default contract territory for rows without one; points must fall inside it.
    crs : str, optional
        CRS of x/y columns (``EPSG:2154`` or ``EPSG:4326``); guessed per row when None.
    accepted : dict, optional
        Value mappings accepted by the user: field → {value as in the file: code};
        ``{"coordonnees": {"inversion": "oui"}}`` swaps flagged coordinates.
    accept_suggestions : bool
        Accept every proposal that has a single candidate.

    Returns
    -------
    ImportReport
    """
    known = set(synonyms()) | set(PSEUDO_FIELDS)
    unknown = set(mapping) - known
    if unknown:
        raise ImportRejected(f"Champs inconnus dans la correspondance : {sorted(unknown)}")
    missing_cols = [c for c in mapping.values() if c not in table.df.columns]
    if missing_cols:
        raise ImportRejected(f"Colonnes absentes du fichier : {', '.join(missing_cols)}")
    if "titre" not in mapping:
        raise ImportRejected("Aucune colonne n'est associée au titre du projet : choisissez-la "
                             "dans l'étape de correspondance des colonnes.")
    from carnet.projets.mapping import guess_mapping

    guess = guess_mapping(list(table.df.columns), table.df, ctx)
    reasons = {f: r for f, r in guess.reasons.items() if guess.mapping[f] == mapping.get(f)}
    accepted = {f: {str(k).strip(): str(v) for k, v in m.items()}
                for f, m in (accepted or {}).items()}
    swap_ok = accept_suggestions or str(accepted.get("coordonnees", {}).get("inversion", "")
                                        ).lower() in ("oui", "1", "true", "yes")
    notes = list(table.notes)
    ignored = [c for c in table.df.columns if c not in mapping.values()]
    if ignored:
        notes.append(f"Colonne(s) ignorée(s), associée(s) à aucun champ : "
                     f"{quote_list(ignored, 30)}.")
    existing = _registry(repo, ctx)
    by_ref = {r["ref"]: r for r in existing if r.get("ref")}
    by_ref_key = {ref_key(r["ref"]): r["ref"] for r in existing if r.get("ref")}
    by_id = {int(r["id"]): r for r in existing}
    by_uuid = {r.get("uuid") or backfill_uuid(r.get("pack"), r["id"]): r for r in existing}
    seen_uuids: dict[str, int] = {}
    dup_index = {}
    for r in existing:
        key = _dup_key(r)
        if key and r.get("deleted_at") is None:
            dup_index.setdefault(key, r)
    touched = {f for f in mapping if f in EDITABLE_FIELDS and f != "pack"}
    if "commune_nom" in mapping:
        touched.add("commune")
    if {"x", "y", "lon", "lat"} & set(mapping) or table.lon is not None:
        touched |= {"lon", "lat"}
    if territoire:
        touched.add("territoire")

    units = {f: header_multiplier(mapping[f]) for f in ("cout_total", "participation_cd")
             if f in mapping}
    for f, unit in units.items():
        if unit != 1:
            notes.append(f"Montants de « {mapping[f]} » en "
                         f"{'milliers' if unit == 1000 else 'millions'} d'euros (d'après "
                         "l'en-tête) : multipliés par "
                         f"{'1 000' if unit == 1000 else '1 000 000'}.")
    seen_refs: dict[str, tuple[int, str]] = {}
    sources: dict[str, int] = {}
    seen_keys: dict[tuple, int] = {}
    props: dict[tuple[str, str], Proposal] = {}
    recognised: dict[tuple[str, str], list] = {}
    cache: dict[tuple[str, str], Any] = {}
    report = ImportReport(valid=[], rejected=[], notes=notes, total=len(table.df),
                          kind=table.kind, mapping=dict(mapping), mapping_reasons=reasons,
                          layer=getattr(table, "layer", None),
                          layers=list(getattr(table, "layers", []) or []),
                          choice_needed=bool(getattr(table, "choice_needed", False)))
    l93_rows = wgs_rows = swapped_rows = 0

    def resolve(fname: str, value: Any):
        key = clean_text(value) or ""
        if key in accepted.get(fname, {}):
            from carnet.projets.matching import Resolution

            return key, Resolution(accepted[fname][key], "accepte")
        if (fname, key) not in cache:
            index = commune_index(ctx) if fname == "commune" else vocab_index(fname, ctx)
            cache[(fname, key)] = index.resolve(value)
        return key, cache[(fname, key)]

    def understand(fname: str, value: Any, line: int, pre: list[str]) -> str | None:
        """Code for a vocabulary/commune cell; None (with a reason in ``pre``) if unsure."""
        key, res = resolve(fname, value)
        label = FIELD_NAMES.get(fname, fname)
        if res.sure:
            if res.how != "exact":
                recognised.setdefault((fname, key), [res, []])[1].append(line)
            return res.code
        if res.how == "approchant" and accept_suggestions:
            recognised.setdefault((fname, key), [res, []])[1].append(line)
            return res.candidates[0][0]
        if res.how in ("approchant", "ambigu"):
            prop = props.setdefault((fname, key), Proposal(fname, key, [], res.candidates,
                                                           res.how, res.score))
            prop.lines.append(line)
            if res.how == "ambigu":
                options = " ou ".join(lab for _, lab in res.candidates[:6])
                pre.append(f"{label} « {key} » ambigu(ë) : {options} ? (à préciser)")
            else:
                pre.append(f"{label} « {key} » non reconnu(e) : proposition "
                           f"« {res.candidates[0][1]} » à accepter")
            return None
        return "?"

    records = table.df.to_dict("records")
    for i, rec in enumerate(records):
        raw = {f: rec.get(col) for f, col in mapping.items()}
        line = table.line_number(i)
        pre: list[str] = []
        source = ("lon/lat" if not (_blank(raw.get("lon")) and _blank(raw.get("lat")))
                  else "x/y" if not (_blank(raw.get("x")) and _blank(raw.get("y")))
                  else None)
        if i in getattr(table, "row_errors", {}):
            pre.append(table.row_errors[i])
        if table.lon is not None and source is None:
            if i in table.geometry_errors:
                pre.append(table.geometry_errors[i])
            elif np.isfinite(table.lon[i]):
                raw["lon"], raw["lat"] = float(table.lon[i]), float(table.lat[i])
                source = "géométrie"
        if source:
            sources[source] = sources.get(source, 0) + 1
        for f in TEXT_FIELDS:
            if f in raw:
                raw[f] = _undefuse(raw[f])
        for f in ("annee_debut", "annee_fin"):
            if f in raw:
                raw[f] = coerce_year(raw[f], last=f == "annee_fin")
        for f in ("cout_total", "participation_cd"):
            if f in raw:
                raw[f] = coerce_amount(raw[f], units.get(f, 1))
        for f in VOCAB_FIELDS:
            if f in raw and not _blank(raw[f]):
                code = understand(f, raw[f], line, pre)
                if code != "?":
                    raw[f] = code
        raw["commune"] = _commune(raw.pop("commune", None), raw.pop("commune_nom", None),
                                  understand, line, pre, ctx)
        file_id, file_version = raw.pop("id", None), raw.pop("version", None)
        try:
            file_uuid = clean_uuid(raw.pop("uuid", None))
        except ValueError as exc:
            pre.append(str(exc))
            file_uuid = None
        if not _blank(raw.get("x")) and not _blank(raw.get("y")):
            raw["crs"] = crs
            try:
                found = crs or guess_crs(parse_number(raw["x"]), parse_number(raw["y"]))
            except (TypeError, ValueError):
                found = None
            l93_rows += found == METRIC_CRS
            wgs_rows += found == "EPSG:4326"
        raw.setdefault("territoire", None)
        if _blank(raw["territoire"]):
            raw["territoire"] = territoire
        raw["pack"] = ctx.pack_id
        clean, errors = clean_projet(raw, ctx)
        errors = pre + errors
        if any(e.startswith(_POINT_ERRORS) for e in errors):
            swapped = {**raw, "lon": raw.get("lat"), "lat": raw.get("lon"),
                       "x": raw.get("y"), "y": raw.get("x")}
            clean2, errors2 = clean_projet(swapped, ctx)
            if clean2.get("lon") is not None and not any(
                    e.startswith(_POINT_ERRORS) for e in errors2):
                if swap_ok:
                    clean, errors = clean2, pre + errors2
                    swapped_rows += 1
                else:
                    errors = [e for e in errors if not e.startswith(_POINT_ERRORS)]
                    errors.append("coordonnées inversées ? (proposition : échanger longitude "
                                  "et latitude)")
                    prop = props.setdefault(("coordonnees", "inversion"), Proposal(
                        "coordonnees", "inversion", [], [("oui", "échanger longitude et "
                                                          "latitude")], "inversion"))
                    prop.lines.append(line)
        ref = clean.get("ref")
        if file_uuid is not None:  # a file that names its projects by UUID: only that
            target = by_uuid.get(file_uuid)
            if file_uuid in seen_uuids:
                errors.append(f"UUID « {file_uuid} » en double dans le fichier (déjà ligne "
                              f"{seen_uuids[file_uuid]})")
            seen_uuids.setdefault(file_uuid, line)
            other = by_ref.get(ref) if ref else None
            if target is not None and other is not None and other is not target:
                errors.append(f"identifiant « {ref} » déjà pris dans le registre par le projet "
                              f"n°{other['id']}, d'un autre UUID")
        else:
            target = _target(file_id, ref, by_id, by_ref, ctx)
        key = ref_key(ref)
        if key:
            if key in seen_refs:
                line0, ref0 = seen_refs[key]
                same = "" if ref0 == ref else f" sous la forme « {ref0} »"
                errors.append(f"identifiant « {ref} » en double dans le fichier "
                              f"(déjà ligne {line0}{same})")
            elif target is None and key in by_ref_key:
                # same identifier up to case or invisible characters: not the same project
                errors.append(f"identifiant « {ref} » déjà présent dans le registre sous la "
                              f"forme « {by_ref_key[key]} »")
            seen_refs.setdefault(key, (line, ref))
        if target is not None:
            if target.get("deleted_at") is not None:
                errors.append(f"le projet « {ref or target['id']} » a été supprimé du registre "
                              "(restaurez-le avant de le réimporter)")
            elif not _blank(file_version) and str(file_version).split(".")[0] != str(
                    target["version"]):
                errors.append(f"projet n°{target['id']} modifié dans le registre depuis "
                              f"l'export (version {str(file_version).split('.')[0]} dans le "
                              f"fichier, {target['version']} dans le registre) : exportez-le "
                              "de nouveau")
        if errors:
            report.rejected.append({"ligne": line, "ref": ref,
                                    "titre": clean_text(raw.get("titre"), 80),
                                    "motifs": " ; ".join(errors)})
            continue
        if target is not None:
            fields = set(touched)
            if "commune" in fields and not _same(clean.get("commune"), target.get("commune")):
                fields |= {"lon", "lat"}
            changes = {f: clean.get(f) for f in fields if not _same(clean.get(f),
                                                                       target.get(f))}
            if getattr(table, "rounded_amounts", False):  # whole euros in the file
                changes = {f: v for f, v in changes.items() if not (
                    f in ("cout_total", "participation_cd") and not _blank(v)
                    and not _blank(target.get(f)) and whole_euros(target[f]) == v)}
            if changes:
                report.updates.append({"ligne": line, "id": int(target["id"]),
                                       "version": int(target["version"]),
                                       "titre": clean.get("titre"), "changes": changes})
            else:
                report.unchanged.append(line)
            continue
        key = _dup_key(clean)
        if key is not None:
            if key in dup_index:
                old = dup_index[key]
                report.duplicates.append({"ligne": line, "titre": clean["titre"], "motif": (
                    f"même titre, commune et année que le projet n°{old['id']} du registre")})
            elif key in seen_keys:
                report.duplicates.append({"ligne": line, "titre": clean["titre"], "motif": (
                    f"même titre, commune et année que la ligne {seen_keys[key]}")})
            seen_keys.setdefault(key, line)
        created = getattr(table, "created_at", {}).get(i)
        report.valid.append({**clean, **({"uuid": file_uuid} if file_uuid else {}),
                             **({"created_at": created} if created else {})})
        report.valid_lines.append(line)
    if l93_rows:
        notes.append(f"Coordonnées Lambert-93 (EPSG:2154) détectées sur {l93_rows} ligne(s) "
                     "et converties en WGS84.")
    located = [k for k in ("lon", "x") if k in mapping] + (["geo"] if table.lon is not None
                                                           else [])
    if len(located) > 1 and sources:
        notes.append("Localisation : " + ", ".join(
            f"{_COORD_SOURCES[k]} sur {n} ligne(s)" for k, n in sources.items())
            + (" (lon/lat prioritaires ; une ligne dont lon/lat et x/y divergent est rejetée)."
               if {"lon", "x"} <= set(mapping) else "."))
    if wgs_rows:
        notes.append(f"Coordonnées X/Y en WGS84 (longitude, latitude) détectées sur {wgs_rows} "
                     "ligne(s).")
    if swapped_rows:
        notes.append(f"Longitude et latitude échangées sur {swapped_rows} ligne(s) "
                     "(proposition acceptée).")
    notes.extend(_recognised_notes(recognised, ctx))
    report.proposals = sorted(props.values(), key=lambda p: (p.field, p.value))
    return report


def _commune(code_v, name_v, understand, line: int, pre: list[str], ctx) -> str | None:
    """Commune code of a row from its code and/or name columns."""
    found: list[tuple[str, Any]] = []
    for value in (code_v, name_v):
        if _blank(value):
            continue
        before = len(pre)
        code = understand("commune", value, line, pre)
        if code == "?":
            text = str(value).strip()
            if re.fullmatch(r"\d[\dAB]\d{3}(\.0+)?", text) or text.isdigit():
                return text  # an unknown code: validation says so
            pre.append(f"commune « {clean_text(value, 80)} » introuvable dans le territoire "
                       f"« {ctx.pack_id} »")
            return None
        if code is None:
            if found:  # the code column already decided: drop the name's question
                del pre[before:]
                continue
            return None
        found.append((code, value))
    if len(found) == 2 and found[0][0] != found[1][0]:
        names = {c: (ctx.by_code.get(c) or {}).get("nom", c) for c, _ in found}
        pre.append(f"le code INSEE « {found[0][1]} » ({names[found[0][0]]}) et la commune "
                   f"« {found[1][1]} » ne concordent pas")
    return found[0][0] if found else None


def _registry(repo, ctx) -> list[dict]:
    if repo is None:
        return []
    df = repo.dataframe(ctx.pack_id, include_deleted=True)
    out = []
    for rec in df.to_dict("records"):
        out.append({k: (None if _blank(v) else v) for k, v in rec.items()})
    return out


def _target(file_id, ref, by_id: dict, by_ref: dict, ctx) -> dict | None:
    if not _blank(file_id):
        try:
            row = by_id.get(int(float(str(file_id).replace(",", "."))))
        except ValueError:
            row = None
        if row is not None and row.get("pack") == ctx.pack_id and (
                not ref or not row.get("ref") or row.get("ref") == ref):
            return row
    return by_ref.get(ref) if ref else None


def _recognised_notes(recognised: dict, ctx) -> list[str]:
    how_fr = {"prefixe": "début du libellé", "mot-cle": "mot-clé", "numero": "numéro",
              "ancienne": "ancienne commune rattachée", "approchant": "proposition acceptée",
              "accepte": "correspondance choisie"}
    by_field: dict[str, list[str]] = {}
    for (fname, key), (res, lines) in recognised.items():
        target = res.code or res.candidates[0][0]
        if fname == "commune":
            label = commune_index(ctx).labels.get(target, target)
        else:
            label = vocab_index(fname, ctx).labels.get(target, target)
        extra = f" ; {res.note}" if res.note and res.how != "ancienne" else ""
        by_field.setdefault(fname, []).append(
            f"« {key} » → « {label} » ({how_fr.get(res.how, res.how)}, {len(lines)} "
            f"ligne(s){extra})")
    return [f"Valeurs reconnues ({FIELD_NAMES.get(f, f)}) : " + " ; ".join(items)
            for f, items in by_field.items()]


# -- commit ---------------------------------------------------------------------------------
def commit(report: ImportReport, repo, user: str, partial: bool = False,
           doublons: str | None = None) -> list[dict]:
    """Write a report in one transaction (nothing written on any error).

    Parameters
    ----------
    report : ImportReport
    repo : ProjetRepository or UserRepository
    user : str
    partial : bool
        Import the valid rows even though others were rejected (explicit choice; the
        default is all or nothing).
    doublons : {None, "ignorer", "importer"}
        What to do with likely duplicates; None refuses when there are some.

    Returns
    -------
    list of dict
        The projects created (``report.written`` counts creations and updates).

    Raises
    ------
    ImportRejected
        Rejected rows (unless ``partial``), undecided duplicates, or nothing to import.
    """
    if doublons not in (None, *DUPLICATE_CHOICES):
        raise ImportRejected(f"Choix des doublons inconnu « {doublons} » (ignorer, importer).")
    if report.choice_needed or (report.rejected and not partial):
        raise ImportRejected(report.summary(), report=report)
    dup_lines = {d["ligne"] for d in report.duplicates}
    if dup_lines and doublons is None:
        raise ImportRejected(
            f"{len(dup_lines)} projet(s) probablement en double (même titre, commune et "
            "année) : choisissez de les ignorer ou de les importer quand même. Rien n'a été "
            "enregistré.", report=report)
    rows = [r for r, n in zip(report.valid, report.valid_lines, strict=True)
            if not (doublons == "ignorer" and n in dup_lines)]
    if not rows and not report.updates:
        if report.unchanged or dup_lines:
            report.written = {"created": 0, "updated": 0}
            return []
        raise ImportRejected(report.summary(), report=report)
    created = repo.apply_import(rows, report.updates, user=user)
    report.written = {"created": len(created), "updated": len(report.updates)}
    return created
