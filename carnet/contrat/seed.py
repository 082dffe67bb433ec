"""The pack's seed of contracts: ``data/territoires/<pack>/contrats/<territoire>.toml`` → :class:`Contrat`.

One TOML file per territoire (format: ``docs/CONTRAT.md``). Every fact carries its provenance:
``document`` (a short name of the file's ``[documents]`` table) and ``extrait`` (the exact words
it rests on), or ``source`` (a source id of ``carnet/data/sources.toml``). The reader checks
everything against the pack and the registries and raises :class:`~carnet.errors.ConfigError`
with a French message naming the file, the table and row, and the reason; nothing is
truncated, re-encoded or interpreted: strings stay plain data, exactly as written.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from carnet import paths
from carnet.contrat.model import (
    BORNES,
    CERTITUDES,
    COTES,
    NIVEAUX,
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
from carnet.contrat.phases import Registre, registry
from carnet.errors import ConfigError
from carnet.formatting import fmt_int

#: Folder of a pack holding its contracts, one ``<territoire>.toml`` each.
FOLDER = "contrats"
#: A seed file larger than this is refused (a contract is a few kilobytes).
MAX_BYTES = 1_000_000
#: Longest accepted string per kind of field (longer: refused, never truncated).
MAX_LEN = {"code": 64, "libelle": 300, "extrait": 2_000, "texte": 20_000, "lien": 2_000}
CODE = re.compile(r"[a-z0-9][a-z0-9_-]*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

PROVENANCE_KEYS = ("document", "extrait", "source")
TOP_KEYS = ("titre", "statut", "notes", "documents", "phases", "instances", "reunions",
            "chiffres", "orientations", "enjeux", "faits")
ROW_KEYS = {
    "phases": ("code", "debut", "fin", "certitude", "note", *PROVENANCE_KEYS),
    "instances": ("code", "libelle", "cote", "niveau", *PROVENANCE_KEYS),
    "reunions": ("date", "instance", "objet", "lien", *PROVENANCE_KEYS),
    "chiffres": ("code", "libelle", "valeur", "borne", *PROVENANCE_KEYS),
    "orientations": ("code", "libelle", "texte", *PROVENANCE_KEYS),
    "enjeux": ("code", "titre", "texte", "indicateurs", "orientations", *PROVENANCE_KEYS),
    "faits": ("code", "libelle", *PROVENANCE_KEYS),
}
DATE_KEYS = ("date", "certitude", "note", *PROVENANCE_KEYS)


def folder(pack_id: str) -> Path:
    """``data/territoires/<pack>/contrats/`` (may not exist: a pack without contracts)."""
    return paths.PACKS_DIR / pack_id / FOLDER


def display_path(path: Path) -> str:
    """The file as messages name it: relative to the repository when inside it."""
    try:
        return str(Path(path).resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(path)


def _list(values) -> str:
    return ", ".join(sorted(values)) or "aucune"


@dataclass(frozen=True)
class _Context:
    """What a seed file is checked against: the pack and the registries."""

    pack: str
    territoires: dict[str, str]
    indicateurs: frozenset[str]
    orientations: tuple[str, ...]
    sources: frozenset[str]
    registre: Registre


def _context(pack: str) -> _Context:
    from carnet.config import load_config
    from carnet.projets.orientations import orientations
    from carnet.sources import catalogue

    cfg = load_config(pack)
    return _Context(pack=pack, territoires={t.id: t.nom for t in cfg.territoires},
                    indicateurs=frozenset(cfg.indicator_ids),
                    orientations=tuple(orientations(pack).codes),
                    sources=frozenset(catalogue()), registre=registry())


class _Reader:
    def __init__(self, path: Path, ctx: _Context):
        self.path, self.ctx = path, ctx
        self.name = display_path(path)
        self.documents: dict[str, str] = {}

    # ---------------------------------------------------------------- messages
    def fail(self, where: str, reason: str) -> ConfigError:
        return ConfigError(f"Fichier {self.name} : {where + ' : ' if where else ''}{reason}")

    # ---------------------------------------------------------------- scalars
    def text(self, row: dict, key: str, where: str, *, kind: str = "libelle",
             required: bool = True) -> str:
        value = row.get(key)
        if value is None:
            if required:
                raise self.fail(where, f"« {key} » manquant (texte obligatoire)")
            return ""
        if not isinstance(value, str):
            raise self.fail(where, f"« {key} » doit être un texte entre guillemets, "
                                   f"trouvé {_kind(value)}")
        if required and not value.strip():
            raise self.fail(where, f"« {key} » est vide")
        limit = MAX_LEN[kind]
        if len(value) > limit:
            raise self.fail(where, f"« {key} » fait {fmt_int(len(value))} caractères, plus que "
                                   f"les {fmt_int(limit)} admis (rien n'est tronqué : "
                                   "raccourcissez-le)")
        if kind != "texte" and "\n" in value:
            raise self.fail(where, f"« {key} » tient sur une ligne (retour à la ligne trouvé)")
        if m := _CONTROL.search(value):
            raise self.fail(where, f"« {key} » contient un caractère de contrôle "
                                   f"(U+{ord(m.group()):04X}), refusé")
        return value

    def code(self, row: dict, where: str, key: str = "code") -> str:
        value = self.text(row, key, where, kind="code")
        if not CODE.fullmatch(value):
            raise self.fail(where, f"code {value!r} invalide (minuscules sans accent, chiffres, "
                                   "« _ » ou « - », par exemple « conference_partenariale »)")
        return value

    def choice(self, row: dict, key: str, valid, where: str, default: str | None = None,
               what: str = "") -> str:
        value = row.get(key, default)
        if value is None:
            raise self.fail(where, f"« {key} » manquant (valeurs possibles : {_list(valid)})")
        if not isinstance(value, str) or value not in valid:
            shown = value if isinstance(value, str) else _kind(value)
            raise self.fail(where, f"{what or key} inconnu « {shown} » "
                                   f"(valeurs possibles : {_list(v for v in valid if v)})")
        return value

    def date(self, value, key: str, where: str) -> date:
        if isinstance(value, datetime) or not isinstance(value, date):
            raise self.fail(where, f"« {key} » doit être une date TOML AAAA-MM-JJ sans guillemets "
                                   f"(par exemple 2011-07-07), trouvé {_kind(value)}")
        return value

    # ---------------------------------------------------------------- structure
    def keys(self, row, allowed, where: str) -> dict:
        if not isinstance(row, dict):
            raise self.fail(where, f"table attendue, trouvé {_kind(row)}")
        for key in row:
            if key not in allowed:
                raise self.fail(where, f"clé inconnue « {key} » "
                                       f"(clés possibles : {', '.join(allowed)})")
        return row

    def rows(self, raw: dict, table: str) -> list[tuple[str, dict]]:
        items = raw.get(table, [])
        if not isinstance(items, list):
            raise self.fail(f"[[{table}]]", "tableau de tables attendu "
                                            f"(une ligne « [[{table}]] » par élément)")
        out = []
        for i, row in enumerate(items, start=1):
            where = f"[[{table}]] n° {i}"
            code = row.get("code") if isinstance(row, dict) else None
            if isinstance(code, str) and code:
                where += f" (« {code[:MAX_LEN['code']]} »)"
            self.keys(row, ROW_KEYS[table], where)
            out.append((where, row))
        return out

    def unique(self, items, table: str, taken=()) -> None:
        seen = set(taken)
        for i, item in enumerate(items, start=1):
            if item.code in seen:
                raise self.fail(f"[[{table}]] n° {i}", f"code « {item.code} » en double")
            seen.add(item.code)

    # ---------------------------------------------------------------- provenance
    def provenance(self, row: dict, where: str) -> Provenance:
        doc, extrait, source = (row.get(k) for k in PROVENANCE_KEYS)
        if source is not None and (doc is not None or extrait is not None):
            raise self.fail(where, "provenance double : soit « document » + « extrait », "
                                   "soit « source », pas les deux")
        if source is not None:
            sid = self.text(row, "source", where, kind="code")
            if sid not in self.ctx.sources:
                raise self.fail(where, f"source inconnue « {sid} » : ce n'est pas un "
                                       f"identifiant de carnet/data/sources.toml"
                                       f"{_close(sid, self.ctx.sources)}")
            return Provenance(kind="source", source=sid)
        if doc is None and extrait is None:
            raise self.fail(where, "fait sans provenance : donnez « document » (un nom court "
                                   "de [documents]) et « extrait » (les mots exacts du "
                                   "document), ou « source » (un identifiant de "
                                   "carnet/data/sources.toml)")
        if doc is None:
            raise self.fail(where, "« extrait » sans « document » (un nom court de "
                                   f"[documents] : {_list(self.documents)})")
        short = self.text(row, "document", where, kind="code")
        if short not in self.documents:
            raise self.fail(where, f"document inconnu « {short} » (noms courts de [documents] : "
                                   f"{_list(self.documents)})")
        if extrait is None:
            raise self.fail(where, "« document » sans « extrait » : citez les mots exacts "
                                   "du document sur lesquels repose le fait")
        words = self.text(row, "extrait", where, kind="extrait")
        return Provenance(kind="document", citation=Citation(self.documents[short], words))

    # ---------------------------------------------------------------- tables
    def read_documents(self, raw: dict) -> None:
        docs = raw.get("documents", {})
        if not isinstance(docs, dict):
            raise self.fail("[documents]", "table attendue : nom court = \"titre du document\"")
        for short in docs:
            if not CODE.fullmatch(short) or len(short) > MAX_LEN["code"]:
                raise self.fail("[documents]", f"nom court {short!r} invalide (minuscules sans "
                                               "accent, chiffres, « _ » ou « - »)")
            self.documents[short] = self.text(docs, short, f"[documents] {short}")

    def phases(self, raw: dict) -> tuple[Phase, ...]:
        reg, out = self.ctx.registre, []
        for where, row in self.rows(raw, "phases"):
            code = self.choice(row, "code", reg.codes, where, what="code de phase")
            if "debut" not in row and "fin" not in row:
                raise self.fail(where, "ni « debut » ni « fin » : donnez au moins une date "
                                       "(une date inconnue s'omet avec sa phase)")
            if "fin" in row and reg.phase(code).jalon:
                raise self.fail(where, f"« fin » donnée pour « {code} », qui est un jalon (une "
                                       "date, pas une période) : seul « debut » vaut")
            dates = {b: self.phase_date(row, b, where) for b in ("debut", "fin") if b in row}
            debut, fin = dates.get("debut"), dates.get("fin")
            if debut and fin and fin.valeur < debut.valeur:
                raise self.fail(where, f"la fin ({fin.valeur.isoformat()}) précède le début "
                                       f"({debut.valeur.isoformat()})")
            out.append(Phase(code, debut, fin))
        self.unique(out, "phases")
        return tuple(out)

    def phase_date(self, row: dict, borne: str, where: str) -> DateConnue:
        value = row[borne]
        here = f"{where}, {borne}"
        if isinstance(value, dict):
            sub = self.keys(value, DATE_KEYS, here)
            if "date" not in sub:
                raise self.fail(here, "« date » manquante")
            return self.date_connue(sub, self.date(sub["date"], "date", here), here)
        valeur = self.date(value, borne, where)
        if any(k in row for k in PROVENANCE_KEYS):
            return self.date_connue(row, valeur, where)
        raise self.fail(here, "date sans provenance : donnez « document » + « extrait » ou "
                              "« source » dans la phase, ou écrivez la date en table "
                              f"([phases.{borne}] avec date, document, extrait)")

    def date_connue(self, row: dict, valeur: date, where: str) -> DateConnue:
        certitude = self.choice(row, "certitude", CERTITUDES, where, default="certaine")
        note = self.text(row, "note", where, kind="texte", required=False)
        if certitude == "incertaine" and not note.strip():
            raise self.fail(where, "date « incertaine » sans « note » : dites pourquoi")
        return DateConnue(valeur, self.provenance(row, where), certitude, note)

    def instances(self, raw: dict) -> tuple[Instance, ...]:
        out = []
        for where, row in self.rows(raw, "instances"):
            cote = self.choice(row, "cote", COTES, where, what="côté")
            niveau = self.choice(row, "niveau", NIVEAUX, where, default="", what="niveau")
            if cote == "interne" and niveau:
                raise self.fail(where, f"niveau « {niveau} » pour une instance interne : le "
                                       "niveau (politique, technique) ne vaut que pour les "
                                       "instances partenariales")
            out.append(Instance(self.code(row, where), self.text(row, "libelle", where), cote,
                                niveau, self.provenance(row, where)))
        self.unique(out, "instances")
        return tuple(out)

    def reunions(self, raw: dict, instances) -> tuple[Reunion, ...]:
        codes, out = [i.code for i in instances], []
        for where, row in self.rows(raw, "reunions"):
            if "date" not in row:
                raise self.fail(where, "« date » manquante")
            out.append(Reunion(
                date=self.date(row["date"], "date", where),
                instance=self.choice(row, "instance", codes, where, what="instance"),
                objet=self.text(row, "objet", where),
                document=self.text(row, "lien", where, kind="lien", required=False),
                provenance=self.provenance(row, where)))
        return tuple(out)

    def chiffres(self, raw: dict) -> tuple[ChiffrePublie, ...]:
        out = []
        for where, row in self.rows(raw, "chiffres"):
            valeur = row.get("valeur")
            if isinstance(valeur, bool) or not isinstance(valeur, int) or valeur < 0:
                raise self.fail(where, "« valeur » doit être un nombre entier positif ou nul "
                                       f"sans guillemets, trouvé {_kind(valeur)}")
            out.append(ChiffrePublie(
                self.code(row, where), self.text(row, "libelle", where), valeur,
                self.provenance(row, where),
                self.choice(row, "borne", BORNES, where, default="exact", what="borne")))
        self.unique(out, "chiffres")
        return tuple(out)

    def orientations(self, raw: dict) -> tuple[Orientation, ...]:
        out = [Orientation(self.code(row, where), self.text(row, "libelle", where),
                           self.text(row, "texte", where, kind="texte", required=False),
                           self.provenance(row, where))
               for where, row in self.rows(raw, "orientations")]
        for i, o in enumerate(out, start=1):
            if o.code in self.ctx.orientations:
                raise self.fail(f"[[orientations]] n° {i} (« {o.code} »)",
                                f"le code « {o.code} » est déjà celui d'une orientation du "
                                f"Département (pack {self.ctx.pack} : "
                                f"{_list(self.ctx.orientations)}) : choisissez-en un autre")
        self.unique(out, "orientations")
        return tuple(out)

    def enjeux(self, raw: dict, own: tuple[Orientation, ...]) -> tuple[Enjeu, ...]:
        valid_or = (*self.ctx.orientations, *(o.code for o in own))
        out = []
        for where, row in self.rows(raw, "enjeux"):
            ids = self.code_list(row, "indicateurs", where)
            for iid in ids:
                if iid not in self.ctx.indicateurs:
                    raise self.fail(where, f"indicateur inconnu « {iid} » : ce n'est pas un des "
                                           f"{len(self.ctx.indicateurs)} indicateurs du pack "
                                           f"{self.ctx.pack} (carnet/data/indicateurs.toml)"
                                           f"{_close(iid, self.ctx.indicateurs)}")
            ors = self.code_list(row, "orientations", where)
            for code in ors:
                if code not in valid_or:
                    raise self.fail(where, f"orientation inconnue « {code} » (valeurs "
                                           f"possibles : {_list(valid_or)})")
            out.append(Enjeu(self.code(row, where), self.text(row, "titre", where),
                             self.text(row, "texte", where, kind="texte", required=False),
                             ids, ors, self.provenance(row, where)))
        self.unique(out, "enjeux")
        return tuple(out)

    def code_list(self, row: dict, key: str, where: str) -> tuple[str, ...]:
        values = row.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise self.fail(where, f"« {key} » doit être une liste de codes entre guillemets "
                                   f"([\"a\", \"b\"]), trouvé {_kind(values)}")
        for v in values:
            if len(v) > MAX_LEN["code"] or _CONTROL.search(v):
                raise self.fail(where, f"« {key} » : code {v[:MAX_LEN['code']]!r}… invalide")
        if len(set(values)) != len(values):
            dup = next(v for v in values if values.count(v) > 1)
            raise self.fail(where, f"« {key} » : « {dup} » en double")
        return tuple(values)

    def faits(self, raw: dict) -> tuple[Fait, ...]:
        out = [Fait(self.code(row, where), self.text(row, "libelle", where),
                    self.provenance(row, where))
               for where, row in self.rows(raw, "faits")]
        self.unique(out, "faits")
        return tuple(out)

    # ---------------------------------------------------------------- the file
    def read(self, territoire: str) -> Contrat:
        if territoire not in self.ctx.territoires:
            raise self.fail("", f"territoire inconnu « {territoire} » dans le pack "
                                f"{self.ctx.pack} (territoires : {_list(self.ctx.territoires)} ; "
                                f"le nom du fichier est l'identifiant du territoire)")
        raw = self.load()
        self.keys(raw, TOP_KEYS, "")
        self.read_documents(raw)
        instances = self.instances(raw)
        own = self.orientations(raw)
        return Contrat(
            pack=self.ctx.pack, territoire=territoire,
            titre=self.text(raw, "titre", "titre"),
            statut=self.choice(raw, "statut", self.ctx.registre.statuts, "statut",
                               what="statut"),
            phases=self.phases(raw), instances=instances,
            reunions=self.reunions(raw, instances), chiffres=self.chiffres(raw),
            orientations=own, enjeux=self.enjeux(raw, own),
            notes=self.text(raw, "notes", "notes", kind="texte", required=False),
            faits=self.faits(raw))

    def load(self) -> dict:
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            raise self.fail("", f"illisible ({exc.strerror or exc})") from None
        if len(data) > MAX_BYTES:
            raise self.fail("", f"{fmt_int(len(data))} octets, plus que les {fmt_int(MAX_BYTES)} "
                                "admis pour un contrat")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise self.fail("", f"n'est pas en UTF-8 (octet {exc.start + 1}) : "
                                "enregistrez-le en UTF-8") from None
        try:
            return tomllib.loads(text.removeprefix("\ufeff"))
        except tomllib.TOMLDecodeError as exc:
            raise self.fail("", f"TOML invalide{_toml_where(exc)}") from None


_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)")


def _toml_where(exc: tomllib.TOMLDecodeError) -> str:
    """« , ligne 8, colonne 9 (Cannot overwrite a value) » from tomllib's message."""
    text = str(exc)
    m = _TOML_AT.search(text)
    if m is None:
        return f" ({text})"
    reason = (text[:m.start()] + text[m.end():]).strip()
    return f", ligne {m[1]}, colonne {m[2]} ({reason})"


def _kind(value) -> str:
    if value is None:
        return "rien"
    if isinstance(value, bool):
        return "un booléen"
    if isinstance(value, (int, float)):
        return f"le nombre {value!r}"
    if isinstance(value, str):
        return f"le texte {value[:40]!r}" + ("…" if len(value) > 40 else "")
    if isinstance(value, datetime):
        return "une date avec heure"
    if isinstance(value, date):
        return f"la date {value.isoformat()}"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, dict):
        return "une table"
    return type(value).__name__


def _close(value: str, valid) -> str:
    near = difflib.get_close_matches(value, sorted(valid), n=3)
    return f" ; voulez-vous dire : {', '.join(near)} ?" if near else ""


def read_contrat(path: Path | str, *, pack: str, territoire: str) -> Contrat:
    """Read one seed file into a :class:`Contrat` of ``territoire`` in ``pack``.

    Raises
    ------
    ConfigError
        French message naming the file, the table and row, and the reason (unknown
        territoire, phase, statut, instance, indicator, orientation or document; bad
        certitude, borne, cote or niveau; duplicate code; a fact with no provenance…).
    """
    return _Reader(Path(path), _context(pack)).read(territoire)


def contrats(pack_id: str) -> dict[str, Contrat]:
    """Every contract declared by a pack, territoire id → :class:`Contrat` (none: ``{}``).

    Files are ``contrats/<territoire>.toml``; the dict follows the pack's order of
    territories. The first invalid file raises its :class:`ConfigError`.
    """
    from carnet.config import config_path

    config_path(pack_id)  # an unknown pack lists the packs
    files = sorted(folder(pack_id).glob("*.toml")) if folder(pack_id).is_dir() else []
    if not files:
        return {}
    ctx = _context(pack_id)
    found = {f.stem: _Reader(f, ctx).read(f.stem) for f in files}
    return {t: found[t] for t in ctx.territoires if t in found}


__all__ = ["FOLDER", "MAX_BYTES", "MAX_LEN", "contrats", "display_path", "folder", "read_contrat"]
