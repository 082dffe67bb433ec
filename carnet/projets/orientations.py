"""The orientations of a pack's Département: one table in the pack, one accessor.

Declared as ``[[orientations]]`` in ``data/territoires/<pack>/territoire.toml`` (code,
numero, libelle, libelle_court, couleur); a pack that declares none has no orientation
field (the Somme pack: the Nord's three orientations are the Nord's).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache

from carnet.errors import ConfigError

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True)
class Orientation:
    """One orientation: stored code, number, label, short label and map colour."""

    code: str
    numero: int
    libelle: str
    libelle_court: str
    couleur: str


@dataclass(frozen=True)
class Orientations:
    """The orientations of one pack, in their declared order (possibly none)."""

    items: tuple[Orientation, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.items)

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def codes(self) -> list[str]:
        return [o.code for o in self.items]

    @property
    def labels(self) -> dict[str, str]:
        """Code → label (the vocabulary of the ``orientation`` field)."""
        return {o.code: o.libelle for o in self.items}

    @property
    def short(self) -> dict[str, str]:
        """Code → short label (tables, dashboard, map legend)."""
        return {o.code: o.libelle_court for o in self.items}

    @property
    def colors(self) -> dict[str, str]:
        """Code → marker colour."""
        return {o.code: o.couleur for o in self.items}

    @property
    def numbers(self) -> dict[str, str]:
        """Number as typed in a file (``"1"``) → code."""
        return {str(o.numero): o.code for o in self.items}

    def expected(self) -> str:
        """The accepted numbers, French: ``1, 2 ou 3`` (validation messages)."""
        nums = [str(o.numero) for o in self.items]
        if not nums:
            return "aucune orientation déclarée pour ce pack"
        return nums[0] if len(nums) == 1 else f"{', '.join(nums[:-1])} ou {nums[-1]}"


def _parse(raw: list, where: str) -> Orientations:
    items = []
    for i, row in enumerate(raw, start=1):
        try:
            o = Orientation(code=str(row["code"]), numero=int(row["numero"]),
                            libelle=str(row["libelle"]), libelle_court=str(row["libelle_court"]),
                            couleur=str(row["couleur"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"Fichier {where} : orientation n°{i} incomplète ou invalide "
                              f"({exc})") from None
        if not _COLOUR.fullmatch(o.couleur):
            raise ConfigError(f"Fichier {where} : couleur « {o.couleur} » de l'orientation "
                              f"« {o.code} » invalide (attendu : #rrvvbb)")
        items.append(o)
    for attr in ("code", "numero"):
        values = [getattr(o, attr) for o in items]
        if len(set(values)) != len(values):
            raise ConfigError(f"Fichier {where} : {attr} d'orientation en double")
    return Orientations(tuple(items))


def orientations(pack_id: str | None = None) -> Orientations:
    """The orientations declared by a pack (``$CARNET_PACK``, else ``nord``, when None).

    Raises
    ------
    ConfigError
        French message naming the file when a row is incomplete or repeated.
    """
    from carnet.config import default_pack

    return _load(pack_id or default_pack())


@lru_cache(maxsize=16)
def _load(pack_id: str) -> Orientations:
    from carnet.config import config_path

    path = config_path(pack_id)
    raw = tomllib.loads(path.read_text(encoding="utf-8")).get("orientations", [])
    return _parse(raw, str(path))


def pack_of(df) -> str | None:
    """The pack of a projects table (its ``pack`` column), None when it has none."""
    if df is None or "pack" not in getattr(df, "columns", ()):
        return None
    packs = df["pack"].dropna()
    return str(packs.iloc[0]) if len(packs) else None
