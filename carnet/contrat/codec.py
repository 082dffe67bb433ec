"""A contract as a JSON or TOML file, and back: the same tree in both formats.

The tree (``format = "carnet-contrat"``, ``version = 1``) holds ``pack``, ``territoire``,
``titre``, ``statut``, ``notes`` and the lists ``phases``, ``instances``, ``reunions``,
``chiffres``, ``orientations``, ``enjeux``, ``faits``, in the contract's order. Dates are ISO text
(``"2011-07-07"``), timestamps ISO text with their UTC offset, codes text. Every fact has
its ``provenance`` table (``kind``, ``document``, ``extrait``, ``source``, ``user``,
``at``). An empty value is left out (TOML has no null), so a key absent reads as empty.
Database ids, versions and the frozen T0 are not written: the file is portable, and an
export imported into a fresh database exports the same bytes.

:func:`loads` checks every key and type and raises :class:`ContratFileError`, a French
message naming the file and the key (``enjeux[2].titre``); the repository then checks
the values (codes, lengths, date order) before writing anything.
"""

from __future__ import annotations

import json
import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import Any

from carnet.contrat.model import (
    ChiffrePublie,
    Citation,
    Contrat,
    DateConnue,
    Enjeu,
    Fait,
    Instance,
    Orientation,
    Phase,
    Provenance,
    Reunion,
)
from carnet.errors import CarnetError

FORMAT = "carnet-contrat"
VERSION = 1
FORMATS = ("json", "toml")
#: Largest file read (a contract is a few kilobytes).
MAX_BYTES = 5 * 1024 * 1024


class ContratFileError(CarnetError):
    """A contract file cannot be read: file, key and reason (French)."""

    def __init__(self, path: str, reason: str, key: str | None = None):
        self.path, self.key, self.reason = str(path), key, reason
        where = f", clé « {key} »" if key else ""
        super().__init__(f"Fichier {self.path}{where} : {reason}. Rien n'a été importé.")


# --------------------------------------------------------------------------- writing
def _iso(value: datetime | date) -> str:
    return value.isoformat()


def _prov(p: Provenance) -> dict:
    out: dict[str, Any] = {"kind": p.kind}
    if p.citation is not None:
        if p.citation.document:
            out["document"] = p.citation.document
        if p.citation.extrait:
            out["extrait"] = p.citation.extrait
    if p.source:
        out["source"] = p.source
    if p.user:
        out["user"] = p.user
    if p.at is not None:
        out["at"] = _iso(p.at)
    return out


def _compact(d: dict) -> dict:
    return {k: v for k, v in d.items() if v not in (None, "", (), [])}


def _date(d: DateConnue | None) -> dict | None:
    if d is None:
        return None
    return _compact({"valeur": _iso(d.valeur), "certitude": d.certitude, "note": d.note,
                     "provenance": _prov(d.provenance)})


def to_tree(c: Contrat) -> dict:
    """The contract as a tree of dicts, lists, text and integers (see the module)."""
    return _compact({
        "format": FORMAT, "version": VERSION, "pack": c.pack, "territoire": c.territoire,
        "titre": c.titre, "statut": c.statut, "notes": c.notes,
        "phases": [_compact({"code": p.code, "debut": _date(p.debut), "fin": _date(p.fin)})
                   for p in c.phases],
        "instances": [_compact({"code": i.code, "libelle": i.libelle, "cote": i.cote,
                                "niveau": i.niveau, "provenance": _prov(i.provenance)})
                      for i in c.instances],
        "reunions": [_compact({"date": _iso(r.date), "instance": r.instance, "objet": r.objet,
                               "document": r.document, "provenance": _prov(r.provenance)})
                     for r in c.reunions],
        "chiffres": [_compact({"code": x.code, "libelle": x.libelle, "valeur": x.valeur,
                               "borne": x.borne, "provenance": _prov(x.provenance)})
                     for x in c.chiffres],
        "orientations": [_compact({"code": o.code, "libelle": o.libelle, "texte": o.texte,
                                   "provenance": _prov(o.provenance)})
                         for o in c.orientations],
        "enjeux": [_compact({"code": e.code, "titre": e.titre, "texte": e.texte,
                             "indicateurs": list(e.indicateurs),
                             "orientations": list(e.orientations),
                             "provenance": _prov(e.provenance)})
                   for e in c.enjeux],
        "faits": [{"code": f.code, "libelle": f.libelle, "provenance": _prov(f.provenance)}
                  for f in c.faits],
    })


def dumps(c: Contrat, fmt: str) -> str:
    """The contract as JSON or TOML text (UTF-8, ending with a newline)."""
    tree = to_tree(c)
    if fmt == "json":
        return json.dumps(tree, ensure_ascii=False, indent=2) + "\n"
    if fmt == "toml":
        import tomli_w

        return tomli_w.dumps(tree)
    raise CarnetError(f"Format inconnu « {fmt} » (valeurs possibles : {', '.join(FORMATS)}).")


# --------------------------------------------------------------------------- reading
class _Reader:
    def __init__(self, path: str):
        self.path = path

    def fail(self, key: str | None, reason: str):
        raise ContratFileError(self.path, reason, key)

    def table(self, value: Any, key: str, allowed: set[str], required=()) -> dict:
        if not isinstance(value, dict):
            self.fail(key or None, "table attendue")
        unknown = sorted(set(value) - allowed)
        if unknown:
            self.fail(f"{key}.{unknown[0]}" if key else unknown[0],
                      f"clé inconnue (clés possibles : {', '.join(sorted(allowed))})")
        for name in required:
            if name not in value:
                self.fail(f"{key}.{name}" if key else name, "clé obligatoire absente")
        return value

    def text(self, d: dict, name: str, key: str, default: str = "") -> str:
        value = d.get(name, default)
        if not isinstance(value, str):
            self.fail(f"{key}.{name}" if key else name, "texte attendu")
        return value

    def items(self, d: dict, name: str) -> list:
        value = d.get(name, [])
        if not isinstance(value, list):
            self.fail(name, "liste attendue")
        return value

    def day(self, value: Any, key: str) -> date:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                if len(value) == 10:
                    return date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(key, f"date « {value} » invalide (attendu : AAAA-MM-JJ)")

    def moment(self, value: Any, key: str) -> datetime:
        if isinstance(value, datetime):
            out = value
        else:
            try:
                out = datetime.fromisoformat(value) if isinstance(value, str) else None
            except ValueError:
                out = None
        if out is None or out.tzinfo is None:
            self.fail(key, f"horodatage « {value} » invalide (attendu : ISO 8601 avec "
                           "fuseau, ex. 2026-12-02T08:15:00+00:00)")
        return out

    def provenance(self, d: dict, key: str) -> Provenance:
        key = f"{key}.provenance"
        p = self.table(d.get("provenance", {"kind": "document"}), key,
                       {"kind", "document", "extrait", "source", "user", "at"}, ("kind",))
        document = self.text(p, "document", key)
        extrait = self.text(p, "extrait", key)
        at = self.moment(p["at"], f"{key}.at") if "at" in p else None
        return Provenance(kind=self.text(p, "kind", key),
                          citation=Citation(document, extrait) if (document or extrait)
                          else None,
                          source=self.text(p, "source", key), user=self.text(p, "user", key),
                          at=at)

    def date_connue(self, value: Any, key: str) -> DateConnue | None:
        if value is None:
            return None
        d = self.table(value, key, {"valeur", "certitude", "note", "provenance"}, ("valeur",))
        return DateConnue(valeur=self.day(d["valeur"], f"{key}.valeur"),
                          provenance=self.provenance(d, key),
                          certitude=self.text(d, "certitude", key, "certaine"),
                          note=self.text(d, "note", key))

    def codes(self, d: dict, name: str, key: str) -> tuple[str, ...]:
        value = d.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(f"{key}.{name}", "liste de codes (textes) attendue")
        return tuple(value)


_TOP = {"format", "version", "pack", "territoire", "titre", "statut", "notes", "phases",
        "instances", "reunions", "chiffres", "orientations", "enjeux", "faits"}


def from_tree(tree: Any, path: str = "<contrat>") -> Contrat:
    """Rebuild a :class:`Contrat` from :func:`to_tree`'s tree; French errors with the key."""
    r = _Reader(path)
    top = r.table(tree, "", _TOP, ("format", "pack", "territoire", "titre", "statut"))
    if top["format"] != FORMAT:
        r.fail("format", f"« {top['format']} » : un fichier de contrat porte "
                         f"format = \"{FORMAT}\"")
    if top.get("version", VERSION) != VERSION:
        r.fail("version", f"version {top.get('version')} inconnue (attendu : {VERSION})")
    phases, instances, reunions, chiffres, orientations, enjeux, faits = ([] for _ in range(7))
    for i, raw in enumerate(r.items(top, "phases")):
        k = f"phases[{i}]"
        d = r.table(raw, k, {"code", "debut", "fin"}, ("code",))
        phases.append(Phase(code=r.text(d, "code", k),
                            debut=r.date_connue(d.get("debut"), f"{k}.debut"),
                            fin=r.date_connue(d.get("fin"), f"{k}.fin")))
    for i, raw in enumerate(r.items(top, "instances")):
        k = f"instances[{i}]"
        d = r.table(raw, k, {"code", "libelle", "cote", "niveau", "provenance"},
                    ("code", "libelle", "cote"))
        instances.append(Instance(code=r.text(d, "code", k), libelle=r.text(d, "libelle", k),
                                  cote=r.text(d, "cote", k), niveau=r.text(d, "niveau", k),
                                  provenance=r.provenance(d, k)))
    for i, raw in enumerate(r.items(top, "reunions")):
        k = f"reunions[{i}]"
        d = r.table(raw, k, {"date", "instance", "objet", "document", "provenance"},
                    ("date", "instance", "objet"))
        reunions.append(Reunion(date=r.day(d["date"], f"{k}.date"),
                                instance=r.text(d, "instance", k), objet=r.text(d, "objet", k),
                                document=r.text(d, "document", k),
                                provenance=r.provenance(d, k)))
    for i, raw in enumerate(r.items(top, "chiffres")):
        k = f"chiffres[{i}]"
        d = r.table(raw, k, {"code", "libelle", "valeur", "borne", "provenance"},
                    ("code", "libelle", "valeur"))
        if isinstance(d["valeur"], bool) or not isinstance(d["valeur"], int):
            r.fail(f"{k}.valeur", "nombre entier attendu")
        chiffres.append(ChiffrePublie(code=r.text(d, "code", k), libelle=r.text(d, "libelle", k),
                                      valeur=d["valeur"], provenance=r.provenance(d, k),
                                      borne=r.text(d, "borne", k, "exact")))
    for i, raw in enumerate(r.items(top, "orientations")):
        k = f"orientations[{i}]"
        d = r.table(raw, k, {"code", "libelle", "texte", "provenance"}, ("code", "libelle"))
        orientations.append(Orientation(code=r.text(d, "code", k),
                                        libelle=r.text(d, "libelle", k),
                                        texte=r.text(d, "texte", k),
                                        provenance=r.provenance(d, k)))
    for i, raw in enumerate(r.items(top, "enjeux")):
        k = f"enjeux[{i}]"
        d = r.table(raw, k, {"code", "titre", "texte", "indicateurs", "orientations",
                             "provenance"}, ("code", "titre"))
        enjeux.append(Enjeu(code=r.text(d, "code", k), titre=r.text(d, "titre", k),
                            texte=r.text(d, "texte", k),
                            indicateurs=r.codes(d, "indicateurs", k),
                            orientations=r.codes(d, "orientations", k),
                            provenance=r.provenance(d, k)))
    for i, raw in enumerate(r.items(top, "faits")):
        k = f"faits[{i}]"
        d = r.table(raw, k, {"code", "libelle", "provenance"}, ("code", "libelle"))
        faits.append(Fait(code=r.text(d, "code", k), libelle=r.text(d, "libelle", k),
                          provenance=r.provenance(d, k)))
    return Contrat(pack=r.text(top, "pack", ""), territoire=r.text(top, "territoire", ""),
                   titre=r.text(top, "titre", ""), statut=r.text(top, "statut", ""),
                   phases=tuple(phases), instances=tuple(instances), reunions=tuple(reunions),
                   chiffres=tuple(chiffres), orientations=tuple(orientations),
                   enjeux=tuple(enjeux), notes=r.text(top, "notes", ""), faits=tuple(faits))


def loads(text: str, fmt: str, path: str = "<contrat>") -> Contrat:
    """Parse JSON or TOML text into a :class:`Contrat` (French errors naming ``path``)."""
    if fmt == "json":
        try:
            tree = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ContratFileError(path, f"JSON illisible ligne {exc.lineno}, colonne "
                                         f"{exc.colno} ({exc.msg})") from None
    elif fmt == "toml":
        try:
            tree = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ContratFileError(path, f"TOML illisible ({exc})") from None
    else:
        raise ContratFileError(path, f"format inconnu « {fmt} » (valeurs possibles : "
                                     f"{', '.join(FORMATS)})")
    return from_tree(tree, path)


def read(path: str | Path) -> Contrat:
    """Read a contract file (``.json`` or ``.toml``, UTF-8)."""
    p = Path(path)
    fmt = p.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ContratFileError(p, f"extension « {p.suffix} » non reconnue (attendu : .json ou "
                                  ".toml)")
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise ContratFileError(p, f"fichier trop gros ({size} octets, au plus {MAX_BYTES})")
        raw = p.read_bytes()
    except OSError as exc:
        raise ContratFileError(p, f"lecture impossible ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ContratFileError(p, f"texte non UTF-8 (octet {exc.start + 1})") from None
    return loads(text, fmt, str(p))
