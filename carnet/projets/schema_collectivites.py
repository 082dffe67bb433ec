"""Our projects in the national schema of local-authority projects, and back.

The « Schéma des projets de transition écologique des collectivités » (beta.gouv, Frictionless
Table Schemas: ``projets-territoire`` and ``collectivites``) is how Mon Espace Collectivité,
Territoires en Transitions and Recoco exchange projects. :func:`export_package` writes a
zipped Data Package (``datapackage.json``, ``projets-territoire.csv``, ``collectivites.csv``);
:func:`translate` turns such a package, read safely by :mod:`carnet.projets.importer` (or
a bare ``projets-territoire`` CSV), back into a ``Table`` of our fields, which the ordinary
import (mapping, validation, report, all-or-nothing commit) then reads.

What maps to what, and what does not travel, is in docs/SCHEMA_COLLECTIVITES.md; the status
table is data (``carnet/data/schema_collectivites.toml``). The schema itself is not in this
repository (the tests validate our output against it with ``frictionless``).
"""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
import uuid
import zipfile
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd

from carnet.projets.errors import ImportRejected, ProjetError
from carnet.projets.repository import UUID_NAMESPACE, backfill_uuid
from carnet.projets.validation import whole_euros

PATH = Path(__file__).resolve().parents[1] / "data" / "schema_collectivites.toml"
FORMAT_ID = "schema-collectivites"

#: Columns of ``projets-territoire`` (the schema's order; a test checks them against it).
PROJET_FIELDS = ("id", "createdAt", "updatedAt", "nom", "description", "budgetPrevisionnel",
                 "dateDebutPrevisionnelle", "phase", "phaseStatut", "programme",
                 "porteurCodeSiret", "porteurReferentEmail", "porteurReferentTelephone",
                 "porteurReferentPrenom", "porteurReferentNom", "porteurReferentFonction",
                 "competences", "leviers", "mecId", "tetId", "recocoId", "collectiviteIds")
#: Columns of ``collectivites``.
COLLECTIVITE_FIELDS = ("id", "nom", "type", "codeInsee", "codeDepartements", "codeRegions",
                       "codeEpci", "siren", "createdAt", "updatedAt")
#: File names inside the zipped package.
PROJETS_CSV = "projets-territoire.csv"
COLLECTIVITES_CSV = "collectivites.csv"
DESCRIPTOR = "datapackage.json"
#: Columns that tell a bare ``projets-territoire`` CSV from any other CSV.
SIGNATURE = frozenset({"id", "nom", "phase", "phaseStatut", "budgetPrevisionnel",
                       "collectiviteIds"})
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTRACT = re.compile(r"^\s*contrat\s+de\s+territoire\s*(?::\s*|du\s+|de\s+la\s+|de\s+l['’]\s*"
                       r"|des\s+|de\s+|d['’]\s*)?(?P<nom>.+?)\s*$", re.IGNORECASE)


@lru_cache(maxsize=1)
def load() -> dict:
    """The table of ``carnet/data/schema_collectivites.toml``."""
    return tomllib.loads(PATH.read_text(encoding="utf-8"))


def status_pairs() -> dict[str, tuple[str, str]]:
    """Our status → ``(phase, phaseStatut)`` (``""``: left empty)."""
    return {code: (str(v["phase"]), str(v["phaseStatut"])) for code, v in load()["statuts"].items()}


def status_of(phase: Any, phase_statut: Any) -> str | None:
    """Our status for a ``(phase, phaseStatut)`` read from a file (None when both are empty).

    Raises
    ------
    ValueError
        French message when no status corresponds.
    """
    phase = "" if _blank(phase) else str(phase).strip()
    statut = "" if _blank(phase_statut) else str(phase_statut).strip()
    if not phase and not statut:
        return None
    for code, pair in status_pairs().items():
        if pair == (phase, statut):
            return code
    for rule in load().get("lecture", []):
        if rule["phase"] in ("*", phase) and rule["phaseStatut"] in ("*", statut):
            return str(rule["statut"])
    raise ValueError(f"phase « {phase or '(vide)'} » et statut de phase « {statut or '(vide)'} » : "
                     "aucun statut du registre ne leur correspond")


def commune_uuid(code: str) -> str:
    """The UUID of a commune in ``collectivites`` (the same from one export to the next)."""
    return str(uuid.uuid5(UUID_NAMESPACE, f"commune:{code}"))


def budget(value: Any) -> int | None:
    """A cost in whole euros, rounded half up (1 200 000,50 € → 1 200 001)."""
    return whole_euros(value)


def timestamp(value: Any) -> str:
    """``2026-12-02T08:15:00Z`` (UTC; a naive time is the registry's UTC)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$")


def parse_timestamp(value: Any) -> datetime:
    """A schema timestamp (``2025-04-15T14:30:00.000Z``, with a zone) as a UTC datetime.

    Raises
    ------
    ValueError
        When it does not follow the schema's pattern.
    """
    text = str(value).strip()
    if not _STAMP.match(text):
        raise ValueError(text)
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def programme_names(pack_id: str, territoires: dict[str, str]) -> dict[str, str]:
    """Contract territory → programme (« Contrat de territoire du Cambrésis »).

    The contract's own title (``data/territoires/<pack>/contrats/<territoire>.toml``) when
    the pack has it, else « Contrat de territoire » and the pack's « of » phrase for the
    territory (``atlas.toml``), else « Contrat de territoire : <nom> ».
    """
    from carnet import paths

    phrases = {}
    try:
        from carnet.config import load_config

        phrases = load_config(pack_id).atlas.phrases
    except Exception:  # noqa: BLE001 - a pack without configuration (tests): names only
        phrases = {}
    out = {}
    for tid, nom in territoires.items():
        seed = paths.PACKS_DIR / pack_id / "contrats" / f"{tid}.toml"
        titre = None
        if seed.is_file():
            titre = tomllib.loads(seed.read_text(encoding="utf-8")).get("titre")
        if not titre and tid in phrases:
            titre = f"Contrat de territoire {phrases[tid].de}"
        out[tid] = str(titre or f"Contrat de territoire : {nom}")
    return out


# -- export -------------------------------------------------------------------------------
def _blank(v: Any) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, float) and v != v:
        return True
    return isinstance(v, str) and not v.strip()


def _text(v: Any) -> str:
    """A text cell: formula-like text gets a leading quote (inert in a spreadsheet)."""
    if _blank(v):
        return ""
    text = str(v)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _label(p: dict) -> str:
    ref = p.get("ref")
    return f"projet n°{p['id']}" + (f" ({ref})" if not _blank(ref) else "") + (
        f" « {str(p.get('titre'))[:60]} »" if not _blank(p.get("titre")) else "")


def export_rows(df: pd.DataFrame, ctx) -> tuple[list[dict], list[dict], list[str]]:
    """Rows of ``projets-territoire`` and ``collectivites``, and the projects that cannot go.

    Parameters
    ----------
    df : pandas.DataFrame
        Projects as ``ProjetRepository.dataframe`` returns them.
    ctx : TerritoryContext
        The pack (commune names, EPCI, contract territories).

    Returns
    -------
    tuple
        ``(projets, collectivites, problems)``: ``problems`` names each project that would
        make the file invalid and why (French); the rows are written only when it is empty.
    """
    pairs = status_pairs()
    programmes = programme_names(ctx.pack_id, ctx.territoires)
    projets: list[dict] = []
    communes: dict[str, dict] = {}
    problems: list[str] = []
    for p in df.to_dict("records"):
        reasons = []
        uid = p.get("uuid")
        uid = str(uid) if not _blank(uid) else backfill_uuid(p.get("pack"), p["id"])
        if _blank(p.get("titre")):
            reasons.append("titre vide (« nom » est obligatoire dans le schéma)")
        phase, phase_statut = "", ""
        if not _blank(p.get("statut")):
            if p["statut"] not in pairs:
                reasons.append(f"statut « {p['statut']} » sans phase du schéma "
                               f"({PATH.name}, [statuts])")
            else:
                phase, phase_statut = pairs[p["statut"]]
        commune_ids = []
        code = p.get("commune")
        if not _blank(code):
            code = str(code)
            row = ctx.by_code.get(code)
            if row is None or _blank(row.get("nom")):
                reasons.append(f"commune « {code} » absente du carnet « {ctx.pack_id} » (son "
                               "nom est obligatoire dans collectivites)")
            else:
                cid = commune_uuid(code)
                commune_ids.append(cid)
                entry = communes.setdefault(code, {
                    "id": cid, "nom": str(row["nom"]), "type": "Commune", "codeInsee": code,
                    "codeDepartements": [code[:3] if code.startswith("97") else code[:2]],
                    "codeRegions": [], "codeEpci": "" if _blank(row.get("epci"))
                    else str(row["epci"]), "siren": "", "_created": [], "_updated": []})
                entry["_created"].append(timestamp(p["created_at"]))
                entry["_updated"].append(timestamp(p["updated_at"]))
        territoire = p.get("territoire")
        if reasons:
            problems.append(f"{_label(p)} : " + " ; ".join(reasons))
            continue
        year = p.get("annee_debut")
        projets.append({
            "id": uid, "createdAt": timestamp(p["created_at"]),
            "updatedAt": timestamp(p["updated_at"]), "nom": _text(p.get("titre")),
            "description": _text(p.get("description")),
            "budgetPrevisionnel": budget(p.get("cout_total")),
            "dateDebutPrevisionnelle": "" if _blank(year) else f"{int(year):04d}",
            "phase": phase, "phaseStatut": phase_statut,
            "programme": "" if _blank(territoire) else programmes.get(
                str(territoire), f"Contrat de territoire : {territoire}"),
            "collectiviteIds": commune_ids,
        })
    rows = []
    for entry in communes.values():
        created, updated = entry.pop("_created"), entry.pop("_updated")
        rows.append({**entry, "createdAt": min(created), "updatedAt": max(updated)})
    rows.sort(key=lambda r: r["codeInsee"])
    return projets, rows, problems


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False) if value else ""
    if value is None:
        return ""
    return str(value)


def _csv(rows: list[dict], columns: tuple[str, ...]) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for r in rows:
        writer.writerow([_cell(r.get(c)) for c in columns])
    return buf.getvalue().encode("utf-8")


def descriptor(pack_id: str, n_projets: int, n_collectivites: int) -> dict:
    """``datapackage.json`` of an export: what it holds and the schema it follows."""
    schema = load()["schema"]
    resource = {"profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv",
                "encoding": "utf-8"}
    return {
        "profile": "tabular-data-package",
        "name": f"projets-carnet-de-territoire-{pack_id}",
        "title": f"Projets des contrats de territoire — carnet « {pack_id} »",
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "conformsTo": {"name": schema["nom"], "title": schema["titre"],
                       "version": schema["version"], "homepage": schema["site"]},
        "sources": [{"title": "Carnet de Territoire (registre des projets)"}],
        "resources": [
            {**resource, "name": "projets-territoire", "path": PROJETS_CSV,
             "description": f"{n_projets} projet(s)"},
            {**resource, "name": "collectivites", "path": COLLECTIVITES_CSV,
             "description": f"{n_collectivites} collectivité(s)"},
        ],
    }


def export_package(df: pd.DataFrame, ctx=None) -> bytes:
    """The projects as a zipped Data Package of the national schema.

    Parameters
    ----------
    df : pandas.DataFrame
        Projects of one pack (``ProjetRepository.dataframe``).
    ctx : TerritoryContext, optional
        The pack; loaded from the frame's pack when None (needs the built pack).

    Raises
    ------
    ProjetError
        French message naming every project that would make the file invalid (nothing is
        written then: never a silently invalid file).
    """
    if ctx is None:
        from carnet.projets.orientations import pack_of
        from carnet.projets.territory import TerritoryContext

        ctx = TerritoryContext.load(pack_of(df))
    projets, collectivites, problems = export_rows(df, ctx)
    if problems:
        shown = problems[:20]
        more = f" ; et {len(problems) - 20} autre(s)" if len(problems) > 20 else ""
        raise ProjetError(f"Export au schéma des projets des collectivités refusé : "
                          f"{len(problems)} projet(s) le rendraient invalide. "
                          + " ; ".join(shown) + more + ". Rien n'a été écrit.")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(DESCRIPTOR, json.dumps(descriptor(ctx.pack_id, len(projets),
                                                      len(collectivites)),
                                           ensure_ascii=False, indent=2))
        zf.writestr(PROJETS_CSV, _csv(projets, PROJET_FIELDS))
        zf.writestr(COLLECTIVITES_CSV, _csv(collectivites, COLLECTIVITE_FIELDS))
    return buf.getvalue()


# -- import -------------------------------------------------------------------------------
def is_package(data: bytes) -> bool:
    """Whether a zip holds a Data Package (a ``datapackage.json``), not a Shapefile."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return any(PurePosixPath(n).name == DESCRIPTOR for n in zf.namelist())
    except zipfile.BadZipFile:
        return False


def is_projets_table(columns) -> bool:
    """Whether a table's header is the schema's ``projets-territoire`` one."""
    return set(columns) >= SIGNATURE


def resource_files(desc: Any) -> dict[str, str]:
    """File of each resource of a package's ``datapackage.json`` (ours when it says none)."""
    paths = {}
    for res in desc.get("resources", []) if isinstance(desc, dict) else []:
        if isinstance(res, dict) and isinstance(res.get("path"), str):
            paths[str(res.get("name"))] = PurePosixPath(res["path"]).name
    return {"projets-territoire": paths.get("projets-territoire", PROJETS_CSV),
            "collectivites": paths.get("collectivites", COLLECTIVITES_CSV)}


def _collectivite_index(table) -> dict[str, dict]:
    if table is None:
        return {}
    out = {}
    for rec in table.df.to_dict("records"):
        cid = str(rec.get("id") or "").strip().lower()
        if cid:
            out[cid] = rec
    return out


def _ids(value: Any) -> list[str]:
    """The values of an array cell (JSON list), raising ValueError in French."""
    if _blank(value):
        return []
    try:
        items = json.loads(str(value))
    except json.JSONDecodeError:
        raise ValueError(f"liste illisible « {str(value)[:60]} » (tableau JSON attendu : "
                         '["…", "…"])') from None
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise ValueError(f"liste illisible « {str(value)[:60]} » (tableau JSON de textes "
                         "attendu)")
    return [i.strip() for i in items if i.strip()]


def translate(table, name: str, collectivites=None):
    """A ``projets-territoire`` table (read from a file) as a Table of our fields.

    Each row keeps its line; a row that cannot be read is given its French reason
    (``Table.row_errors``), which the report shows with the line. Columns of the schema
    the registry has no field for stay under their own name (the report lists them as
    ignored when they hold values).
    """
    from dataclasses import replace

    communes = _collectivite_index(collectivites)
    df = table.df
    missing = [c for c in ("id", "nom") if c not in df.columns]
    if missing:
        raise ImportRejected(f"Fichier « {name} » refusé : colonne(s) obligatoire(s) du schéma "
                             f"absente(s) : {', '.join(missing)}.")
    out = pd.DataFrame(index=df.index)
    out["uuid"] = df["id"]
    out["titre"] = df["nom"]
    for src, dst in (("description", "description"),):
        if src in df:
            out[dst] = df[src]
    out["cout_total"] = df.get("budgetPrevisionnel")
    out["annee_debut"] = df.get("dateDebutPrevisionnelle")
    statuts, terr, source, commune = [], [], [], []
    errors: dict[int, str] = {}
    created: dict[int, datetime] = {}
    recoded: dict[tuple[str, str], list[int]] = {}
    pairs = set(status_pairs().values())
    for i, rec in enumerate(df.to_dict("records")):
        reasons = []
        try:
            code = status_of(rec.get("phase"), rec.get("phaseStatut"))
            pair = (str(rec.get("phase") or "").strip(), str(rec.get("phaseStatut") or "").strip())
            if code is not None and pair not in pairs:
                recoded.setdefault(pair, []).append(table.line_number(i))
        except ValueError as exc:
            reasons.append(str(exc))
            code = None
        statuts.append(code)
        prog = "" if _blank(rec.get("programme")) else str(rec["programme"]).strip()
        m = _CONTRACT.match(prog) if prog else None
        terr.append(m.group("nom") if m else None)
        source.append(f"Programme « {prog} »" if prog and not m else None)
        codes = []
        try:
            for cid in _ids(rec.get("collectiviteIds")):
                found = communes.get(cid.lower())
                if found is None:
                    reasons.append(f"collectivité « {cid} » absente de collectivites.csv")
                elif str(found.get("type") or "").strip() != "Commune" or _blank(
                        found.get("codeInsee")):
                    reasons.append(f"collectivité « {found.get('nom') or cid} » de type "
                                   f"« {found.get('type') or '(vide)'} » : le registre ne "
                                   "rattache un projet qu'à une commune")
                else:
                    codes.append(str(found["codeInsee"]).strip())
        except ValueError as exc:
            reasons.append(f"collectiviteIds : {exc}")
        if len(codes) > 1:
            reasons.append(f"{len(codes)} communes ({', '.join(codes)}) : le registre ne "
                           "rattache un projet qu'à une commune")
        commune.append(codes[0] if codes else None)
        stamp = rec.get("createdAt")
        if not _blank(stamp):
            try:
                created[i] = parse_timestamp(stamp)
            except ValueError:
                reasons.append(f"createdAt illisible « {str(stamp)[:40]} » (attendu : "
                               "2025-04-15T14:30:00Z)")
        if reasons:
            errors[i] = " ; ".join(reasons)
    out["statut"] = statuts
    out["territoire"] = terr
    if any(source):  # only then: a column of blanks would erase the sources on an update
        out["source"] = source
    out["commune"] = commune
    for col in df.columns:  # the schema's columns without a field here, when they hold values
        if col not in {"id", "nom", "description", "budgetPrevisionnel",
                       "dateDebutPrevisionnelle", "phase", "phaseStatut", "programme",
                       "collectiviteIds", "createdAt", "updatedAt"} and (
                ~df[col].map(_blank)).any():
            out[col] = df[col]
    out = out.astype(object).where(out.notna(), None)
    notes = [*table.notes, f"Fichier au schéma des projets des collectivités ({name}) : "
             "id → UUID, nom → titre, budgetPrevisionnel → coût total, "
             "dateDebutPrevisionnelle → année de début, phase et phaseStatut → statut, "
             "programme → contrat de territoire, collectiviteIds → commune."]
    for (phase, statut), lines in recoded.items():
        code = status_of(phase, statut)
        notes.append(f"Phase « {phase or '(vide)'} », statut de phase « {statut} » lu comme "
                     f"« {code} » (le registre n'a pas de statut « {statut} ») : ligne(s) "
                     f"{', '.join(map(str, lines[:20]))}.")
    return replace(table, df=out, notes=notes, row_errors=errors, rounded_amounts=True,
                   created_at=created)
