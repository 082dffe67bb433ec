"""The catalogue of raw sources, declared in ``carnet/data/sources.toml``.

>>> from carnet.sources import catalogue
>>> catalogue()["insee-filosofi-2019"].licence
'Licence Ouverte 2.0'
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from carnet import paths
from carnet.errors import SourceMissingError, lookup
from carnet.readers import get_reader

CATALOGUE_FILE = Path(__file__).parent / "data" / "sources.toml"


@dataclass(frozen=True)
class Source:
    """One raw source: who publishes it, under which licence, where it lives."""

    id: str
    titre: str
    producteur: str
    licence: str
    millesime: str
    url: str
    path: str
    reader: str
    cog: int | None = None
    options: dict = field(default_factory=dict)
    #: Short credit in a map's attribution control (default: :meth:`map_credit`).
    attribution: str = ""
    #: The publishing body, short (« INSEE », « ministère de la Culture »): the app's credit line.
    organisme: str = ""

    def resolve(self, sources_dir: Path | None = None, **params) -> Path:
        """Return the expected path of this source inside the sources folder."""
        base = sources_dir or paths.sources_dir()
        return base / self.path.format(**params)

    def citation(self) -> str:
        """A one-line French citation: producer, title, vintage, licence."""
        return f"{self.producteur} — {self.titre} ({self.millesime}), {self.licence}"

    def map_credit(self) -> str:
        """Credit of this source on a map: ``attribution``, else producer (without its
        details) and vintage."""
        producer = self.producteur.split(" (")[0].split(",")[0].strip()
        return self.attribution or f"{producer}, {self.millesime}"

    def read(self, sources_dir: Path | None = None, params: dict | None = None, **extra):
        """Read this source with its reader; a missing file gives a French message."""
        p = self.resolve(sources_dir, **(params or {}))
        if not p.exists():
            raise SourceMissingError(
                f"Source « {self.id} » introuvable : {p}\n"
                f"  Téléchargez-la depuis {self.url}\n"
                f"  et placez-la dans le dossier des sources ({paths.ENV_SOURCES})."
            )
        return get_reader(self.reader)(p, **{**self.options, **extra})


@cache
def catalogue() -> dict[str, Source]:
    """Return every declared source, by id."""
    raw = tomllib.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    return {sid: Source(id=sid, **spec) for sid, spec in raw.items()}


def get_source(source_id: str) -> Source:
    """Return the source ``source_id``; an unknown id lists the valid ones."""
    return lookup(catalogue(), source_id, "Source")


def status(sources_dir: Path | None = None, params: dict | None = None) -> list[tuple[Source, Path, bool]]:
    """List every source with its expected path and whether it is present."""
    out = []
    for src in catalogue().values():
        try:
            p = src.resolve(sources_dir, **(params or {}))
        except KeyError:
            p = (sources_dir or paths.sources_dir()) / src.path
        out.append((src, p, p.exists()))
    return out
