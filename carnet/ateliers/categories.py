"""The categories of a workshop contribution (``carnet/data/categories_contribution.toml``).

Each category has a code (stored), a French label, a marker colour and a line of help. The
registry is read once; :func:`categorie` raises :class:`carnet.errors.UnknownKeyError`
listing the valid codes for an unknown one.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from carnet.errors import ConfigError, lookup

REGISTRY = Path(__file__).resolve().parent.parent / "data" / "categories_contribution.toml"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_KEYS = {"libelle", "couleur", "aide"}


@dataclass(frozen=True)
class Categorie:
    """One category of the registry."""

    code: str
    libelle: str
    couleur: str
    aide: str = ""


def read_registry(path: Path = REGISTRY) -> dict[str, Categorie]:
    """Read and check a category registry (French errors naming the file and the key)."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Fichier {path.name} : illisible ({exc}).") from None
    out = {}
    for code, spec in raw.items():
        if not isinstance(spec, dict) or not re.fullmatch(r"[a-z_]{1,20}", code):
            raise ConfigError(f"Fichier {path.name} : [{code}] n'est pas une catégorie "
                              "(code en minuscules, table libelle/couleur/aide).")
        unknown = sorted(set(spec) - _KEYS)
        if unknown:
            raise ConfigError(f"Fichier {path.name}, [{code}] : clé inconnue « {unknown[0]} » "
                              f"(clés : {', '.join(sorted(_KEYS))}).")
        if not str(spec.get("libelle", "")).strip():
            raise ConfigError(f"Fichier {path.name}, [{code}] : libelle manquant.")
        if not _COLOUR.match(str(spec.get("couleur", ""))):
            raise ConfigError(f"Fichier {path.name}, [{code}] : couleur attendue au format "
                              f"#rrggbb (lu : {spec.get('couleur')!r}).")
        out[code] = Categorie(code, str(spec["libelle"]), str(spec["couleur"]),
                              str(spec.get("aide", "")))
    if not out:
        raise ConfigError(f"Fichier {path.name} : aucune catégorie.")
    return out


@cache
def categories() -> dict[str, Categorie]:
    """The categories of the Carnet, in registry order."""
    return read_registry()


def categorie(code: str) -> Categorie:
    """The category ``code``; :class:`UnknownKeyError` listing the valid codes otherwise."""
    return lookup(categories(), code, "Catégorie de contribution")
