"""Load a built territory pack; the file layout of its cache folder.

>>> pack = load_pack("nord")            # doctest: +SKIP
>>> pack.values("territoire").loc["cambresis", "pop_2022"]  # doctest: +SKIP
158302.0

:class:`Layout` names every file of a built pack (``data/cache/<id>/``): :mod:`carnet.build`
writes them there and :class:`Pack` reads them, so the names live in one place. The files of
the pack's own folder (``data/territoires/<id>/territoire.toml`` and ``atlas.toml``) are
named in :mod:`carnet.config`, which reads them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import pandas as pd

from carnet import paths
from carnet.config import Atlas, PackConfig, Territoire, load_config
from carnet.errors import CarnetError, lookup
from carnet.indicators import LEVELS, Indicator, registry

DETAILS = ("complet", "departement", "territoire")
MERGED = "fusion"  # the "level" of the communes merged since the reference COG, in file names


@dataclass(frozen=True)
class Layout:
    """The files of a built pack in its cache folder ``root``.

    ``level`` is a level of :data:`~carnet.indicators.LEVELS` or :data:`MERGED`; ``detail``
    one of :data:`DETAILS`.

    >>> Layout(Path("cache/nord")).values("territoire").name
    'values_territoire.parquet'
    """

    root: Path

    @property
    def meta(self) -> Path:
        """``meta.json``: fingerprint, format, indicators, layers and build diagnostics."""
        return self.root / "meta.json"

    @property
    def communes(self) -> Path:
        """Communes with their full polygons, EPCI, territory, centre and note."""
        return self.root / "communes.parquet"

    @property
    def variables(self) -> Path:
        """Raw source variables per commune (what the indicators are computed from)."""
        return self.root / "variables_commune.parquet"

    def geometry(self, level: str, detail: str) -> Path:
        """Polygons of a level at a detail level."""
        return self.root / f"geo_{level}_{detail}.parquet"

    def values(self, level: str) -> Path:
        """Indicator values of a level."""
        return self.root / f"values_{level}.parquet"

    def table(self, level: str) -> Path:
        """Names (and counts) of the units of a level above the commune."""
        return self.root / f"table_{level}.parquet"

    def layer(self, layer_id: str) -> Path:
        """Features of a point or polygon layer."""
        return self.root / f"layer_{layer_id}.parquet"


def pack_dir(pack_id: str) -> Path:
    """The cache folder of pack ``pack_id``: ``$CARNET_CACHE/<id>``."""
    return paths.cache_dir() / pack_id


def read_meta(pack_id: str) -> dict | None:
    """``meta.json`` of the built pack ``pack_id``, None if it was never built."""
    f = Layout(pack_dir(pack_id)).meta
    return json.loads(f.read_text(encoding="utf-8")) if f.exists() else None


@dataclass
class Pack:
    """A built territory pack, read lazily from the cache folder."""

    id: str
    path: Path
    config: PackConfig
    meta: dict
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def files(self) -> Layout:
        """The files of this pack in its cache folder."""
        return Layout(self.path)

    def _read(self, f: Path, geo: bool = False):
        """File ``f`` of the pack, read once (cached under its stem: ``table_epci``)."""
        if f.stem not in self._cache:
            if not f.exists():
                raise CarnetError(f"Carnet {self.id} incomplet : {f} manquant ; reconstruisez-le.")
            self._cache[f.stem] = gpd.read_parquet(f) if geo else pd.read_parquet(f)
        return self._cache[f.stem]

    def _indexed(self, f: Path) -> pd.DataFrame:
        """A values file indexed by unit code (read and indexed once)."""
        key = ("idx", f.stem)
        if key not in self._cache:
            self._cache[key] = self._read(f).set_index("code")
        return self._cache[key]

    @property
    def atlas(self) -> Atlas:
        """What the atlas pages show for this pack (its ``atlas.toml`` over the defaults)."""
        return self.config.atlas

    @property
    def territoires(self) -> tuple[Territoire, ...]:
        return self.config.territoires

    @cached_property
    def indicators(self) -> dict[str, Indicator]:
        """Indicators of this pack, by id, in registry order."""
        reg = registry()
        return {i: reg[i] for i in self.meta["indicators"]}

    def indicator(self, iid: str) -> Indicator:
        return lookup(self.indicators, iid, "Indicateur")

    @property
    def communes(self) -> gpd.GeoDataFrame:
        """Communes (full geometry, WGS84) with EPCI, territory, centre and note."""
        return self._read(self.files.communes, geo=True)

    def table(self, level: str) -> pd.DataFrame:
        """Names of the units of a level (code, nom, …)."""
        if level == "commune":
            return pd.DataFrame(self.communes.drop(columns="geometry"))
        lookup({lv: 1 for lv in LEVELS}, level, "Maille")
        return self._read(self.files.table(level))

    def values(self, level: str) -> pd.DataFrame:
        """Indicator values of a level, indexed by unit code."""
        lookup({lv: 1 for lv in LEVELS}, level, "Maille")
        return self._indexed(self.files.values(level))

    def geometry(self, level: str, detail: str = "departement") -> gpd.GeoDataFrame:
        """Polygons of a level (``code``, geometry) at a detail level of :data:`DETAILS`."""
        lookup({lv: 1 for lv in LEVELS}, level, "Maille")
        lookup({d: 1 for d in DETAILS}, detail, "Niveau de détail")
        return self._read(self.files.geometry(level, detail), geo=True)

    def merged_values(self) -> pd.DataFrame:
        """Values of the communes created by a merger after the reference COG.

        Indexed by the new commune code, with its ``nom``: computed from the
        sources published after the merger (and from the former communes' values
        summed where a source still publishes them separately).
        """
        return self._indexed(self.files.values(MERGED))

    def merged_geometry(self, detail: str = "departement") -> gpd.GeoDataFrame:
        """Polygons of the merged communes (``code``, geometry): union of their former communes."""
        lookup({d: 1 for d in DETAILS}, detail, "Niveau de détail")
        if not self.diagnostics.get("fusions"):
            return gpd.GeoDataFrame({"code": []}, geometry=[], crs=4326)
        return self._read(self.files.geometry(MERGED, detail), geo=True)

    def merger_of(self, commune_code: str) -> str | None:
        """Code of the commune that ``commune_code`` merged into, if any."""
        for new, members in self.diagnostics.get("fusions", {}).items():
            if commune_code in members:
                return new
        return None

    @property
    def layer_ids(self) -> list[str]:
        return list(self.meta["layers"])

    def layer(self, layer_id: str) -> gpd.GeoDataFrame:
        lookup({lid: 1 for lid in self.layer_ids}, layer_id, "Couche")
        return self._read(self.files.layer(layer_id), geo=True)

    @property
    def diagnostics(self) -> dict:
        return self.meta["diagnostics"]

    def territoire_of(self, commune_code: str) -> str | None:
        row = self.communes.loc[self.communes["code"] == commune_code, "territoire"]
        return None if row.empty else row.iloc[0]


def load_pack(pack_id: str = "nord") -> Pack:
    """Load the built pack ``pack_id`` from the cache.

    Raises
    ------
    CarnetError
        If the pack was never built (the message says how to build it).
    """
    cfg = load_config(pack_id)
    path = pack_dir(cfg.id)
    meta_file = Layout(path).meta
    if not meta_file.exists():
        raise CarnetError(
            f"Le carnet « {cfg.id} » n'est pas construit. Lancez : "
            f"python -m carnet build --pack {cfg.id}"
        )
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    return Pack(id=cfg.id, path=path, config=cfg, meta=meta)
