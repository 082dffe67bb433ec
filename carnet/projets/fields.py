"""The fields of a project, one table: ``carnet/data/champs_projets.toml``.

Each field has its French label, its name inside messages, its kind, its longest
accepted value, its import synonyms, and whether it is exported, editable, imported,
required, in the import template. Validation (lengths), the importer (synonyms, labels),
the exporter (column order), the fiche and the edit form (labels, ``max_chars``) read it;
a test checks the SQLAlchemy columns of :class:`carnet.projets.models.Projet` against it.
This module is a leaf: it imports nothing of :mod:`carnet.projets`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from carnet.errors import ConfigError, lookup
from carnet.text import fold

PATH = Path(__file__).resolve().parents[1] / "data" / "champs_projets.toml"
#: Kinds of field (``type`` in the table).
KINDS = ("texte", "texte_long", "code", "insee", "coordonnee", "montant", "annee", "booleen",
         "pack")
_KEYS = {"libelle", "nom", "type", "longueur", "requis", "colonne", "exporte", "modifiable",
         "importe", "modele", "formulaire", "fiche", "synonymes", "vocabulaire"}


@dataclass(frozen=True)
class Champ:
    """One field of a project (a row of ``champs_projets.toml``)."""

    name: str
    libelle: str
    nom: str
    kind: str
    longueur: int | None = None
    requis: bool = False
    colonne: bool = True
    exporte: bool = True
    modifiable: bool = True
    importe: bool = True
    modele: bool = True
    formulaire: str | None = None
    fiche: str | None = None
    vocabulaire: str | None = None
    synonymes: tuple[str, ...] = ()

    @property
    def form_label(self) -> str:
        """Label in the edit form (`` *`` after a required field's)."""
        return (self.formulaire or self.libelle) + (" *" if self.requis else "")

    @property
    def fiche_label(self) -> str:
        """Label in the project's fiche."""
        return self.fiche or self.libelle


@lru_cache(maxsize=1)
def load() -> dict:
    """The raw table (fields, registry columns, vocabulary keywords)."""
    return tomllib.loads(PATH.read_text(encoding="utf-8"))


def _champ(name: str, spec: dict) -> Champ:
    unknown = set(spec) - _KEYS
    if unknown:
        raise ConfigError(f"{PATH.name}, champ {name} : clé(s) inconnue(s) "
                          f"{', '.join(sorted(unknown))} (clés : {', '.join(sorted(_KEYS))})")
    if spec.get("type") not in KINDS:
        raise ConfigError(f"{PATH.name}, champ {name} : type « {spec.get('type')} » inconnu "
                          f"(types : {', '.join(KINDS)})")
    colonne = spec.get("colonne", True)
    return Champ(
        name=name, libelle=spec["libelle"], nom=spec.get("nom", name), kind=spec["type"],
        longueur=spec.get("longueur"), requis=spec.get("requis", False), colonne=colonne,
        exporte=spec.get("exporte", colonne), modifiable=spec.get("modifiable", colonne),
        importe=spec.get("importe", True), modele=spec.get("modele", colonne),
        formulaire=spec.get("formulaire"), fiche=spec.get("fiche"),
        vocabulaire=spec.get("vocabulaire"), synonymes=tuple(spec.get("synonymes", ())))


@lru_cache(maxsize=1)
def champs() -> dict[str, Champ]:
    """Every field, in the table's order (the export's and the import mapping's)."""
    return {name: _champ(name, spec) for name, spec in load()["champs"].items()}


def champ(name: str) -> Champ:
    """The field ``name``; an unknown one raises :class:`carnet.errors.UnknownKeyError`
    listing the valid ones."""
    return lookup(champs(), name, "champ de projet")


def label(name: str) -> str:
    """French label of a field (import mapping, report)."""
    return champ(name).libelle


def nom(name: str) -> str:
    """Name of a field inside a French message (``coût total``)."""
    return champ(name).nom


def max_length(name: str) -> int | None:
    """Longest value accepted for a field (None: no limit of length)."""
    return champ(name).longueur


def value_keywords(name: str) -> dict[str, list[str]]:
    """Vocabulary keywords of a code field (``[valeurs.<field>]``): code → keywords."""
    return load().get("valeurs", {}).get(name, {})


def norm(text: Any) -> str:
    """Normalise a header or a value for comparison.

    Lower case, no accents, "œ" → "oe", punctuation and apostrophes as spaces, single
    spaces: ``"Maître d'Ouvrage"`` → ``"maitre d ouvrage"``.
    """
    return " ".join(re.sub(r"[^a-z0-9()]+", " ", fold(text)).split())


_REGISTRE = load()["registre"]
#: Columns kept by the registry itself: never imported, edited or validated.
INTERNAL_FIELDS: tuple[str, ...] = tuple(_REGISTRE["internes"])
#: Editable fields of a project (the columns of the table that are ``modifiable``).
EDITABLE_FIELDS: tuple[str, ...] = tuple(n for n, c in champs().items() if c.colonne
                                         and c.modifiable)
#: All columns of a project, in display order: id, the fields, the bookkeeping.
ALL_FIELDS: tuple[str, ...] = ("id", *(n for n, c in champs().items() if c.colonne),
                               *(n for n in INTERNAL_FIELDS if n != "id"))
#: Columns of the export, in order (the round-trip format).
EXPORT_COLUMNS: tuple[str, ...] = (*_REGISTRE["export_avant"],
                                   *(n for n, c in champs().items() if c.colonne and c.exporte),
                                   *_REGISTRE["export_apres"])
#: Columns of the import template: the exported fields that a file provides.
TEMPLATE_COLUMNS: tuple[str, ...] = tuple(n for n, c in champs().items()
                                          if c.colonne and c.exporte and c.modele)
#: Longest value accepted per text field: longer values are rejected, never cut.
TEXT_LIMITS: dict[str, int] = {n: c.longueur for n, c in champs().items()
                               if c.longueur is not None and c.kind in ("texte", "texte_long",
                                                                        "code", "pack")}
