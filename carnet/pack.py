"""Load a built territory pack.

>>> pack = load_pack("nord")            # doctest: +SKIP
>>> pack.values("territoire").loc["cambresis", "pop_2022"]  # doctest: +SKIP
158302.0
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import pandas as pd

from carnet.build import pack_dir
from carnet.config import Atlas, PackConfig, Territoire, load_config
from carnet.errors import CarnetError, lookup
from carnet.indicators import LEVELS, Indicator, registry

DETAILS = ("complet", "departement", "territoire")


@dataclass
class Pack:
    """A built territory pack, read lazily from the cache folder."""

    id: str
    path: Path
    config: PackConfig
    meta: dict
    _cache: dict = field(default_factory=dict, repr=False)

    def _read(self, name: str, geo: bool = False):
        if name not in self._cache:
            f = self.path / f"{name}.parquet"
            if not f.exists():
                raise CarnetError(f"Carnet {self.id} incomplet : {f} manquant ; reconstruisez-le.")
            self._cache[name] = gpd.read_parquet(f) if geo else pd.read_parquet(f)
        return self._cache[name]

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
        return self._read("communes", geo=True)

    def table(self, level: str) -> pd.DataFrame:
        """Names of the units of a level (code, nom, …)."""
        if level == "commune":
            return pd.DataFrame(self.communes.drop(columns="geometry"))
        lookup({lv: 1 for lv in LEVELS}, level, "Maille")
        return self._read(f"table_{level}")

    def values(self, level: str) -> pd.DataFrame:
        """Indicator values of a level, indexed by unit code."""
        lookup({lv: 1 for lv in LEVELS}, level, "Maille")
        key = f"values_{level}"
        if ("idx", key) not in self._cache:
            self._cache[("idx", key)] = self._read(key).set_index("code")
        return self._cache[("idx", key)]

    def geometry(self, level: str, detail: str = "departement") -> gpd.GeoDataFrame:
        """Polygons of a level (``code``, geometry) at a detail level of :data:`DETAILS`."""
        lookup({lv: 1 for lv in LEVELS}, level, "Maille")
        lookup({d: 1 for d in DETAILS}, detail, "Niveau de détail")
        return self._read(f"geo_{level}_{detail}", geo=True)

    def merged_values(self) -> pd.DataFrame:
        """Values of the communes created by a merger after the reference COG.

        Indexed by the new commune code, with its ``nom``: computed from the
        sources published after the merger (and from the former communes' values
        summed where a source still publishes them separately).
        """
        key = ("idx", "values_fusion")
        if key not in self._cache:
            self._cache[key] = self._read("values_fusion").set_index("code")
        return self._cache[key]

    def merged_geometry(self, detail: str = "departement") -> gpd.GeoDataFrame:
        """Polygons of the merged communes (``code``, geometry): union of their former communes."""
        lookup({d: 1 for d in DETAILS}, detail, "Niveau de détail")
        if not self.diagnostics.get("fusions"):
            return gpd.GeoDataFrame({"code": []}, geometry=[], crs=4326)
        return self._read(f"geo_fusion_{detail}", geo=True)

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
        return self._read(f"layer_{layer_id}", geo=True)

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
    meta_file = path / "meta.json"
    if not meta_file.exists():
        raise CarnetError(
            f"Le carnet « {cfg.id} » n'est pas construit. Lancez : "
            f"python -m carnet build --territoire {cfg.id}"
        )
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    return Pack(id=cfg.id, path=path, config=cfg, meta=meta)
