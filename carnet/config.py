"""Territory pack configuration, read from ``data/territoires/<id>/territoire.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from carnet import paths
from carnet.errors import ConfigError, UnknownKeyError
from carnet.indicators import Indicator, registry
from carnet.sources import catalogue

CONFIG_NAME = "territoire.toml"


@dataclass(frozen=True)
class Territoire:
    """A contract territory: a set of EPCI, arrondissements or communes."""

    id: str
    nom: str
    epcis: tuple[str, ...] = ()
    arrondissements: tuple[str, ...] = ()
    communes: tuple[str, ...] = ()


@dataclass(frozen=True)
class PackConfig:
    """A territory pack: the département, its territories, sources and indicators."""

    id: str
    nom: str
    titre: str
    dep: str
    dep_nom: str
    dep_slug: str
    contours: str
    cog: str
    cog_recent: str | None
    territoires: tuple[Territoire, ...]
    sources: tuple[str, ...]
    couches: tuple[str, ...]
    indicator_ids: tuple[str, ...]
    perimetre: dict = field(default_factory=dict)
    path: Path | None = None

    @property
    def params(self) -> dict:
        """Parameters for source path templates."""
        return {"dep": self.dep, "dep_slug": self.dep_slug}

    @property
    def indicators(self) -> list[Indicator]:
        reg = registry()
        return [reg[i] for i in self.indicator_ids]

    def territoire(self, tid: str) -> Territoire:
        by_id = {t.id: t for t in self.territoires}
        if tid not in by_id:
            raise UnknownKeyError("Territoire", tid, by_id)
        return by_id[tid]


def available_packs() -> list[str]:
    """Ids of the territory packs found in ``data/territoires/``."""
    return sorted(p.parent.name for p in paths.PACKS_DIR.glob(f"*/{CONFIG_NAME}"))


def config_path(pack_id: str) -> Path:
    p = paths.PACKS_DIR / pack_id / CONFIG_NAME
    if not p.exists():
        raise UnknownKeyError("Territoire", pack_id, available_packs())
    return p


def load_config(pack_id: str = "nord", path: Path | None = None) -> PackConfig:
    """Read and validate a territory pack configuration.

    Raises
    ------
    ConfigError
        With a French message naming the file and the faulty key.
    """
    path = Path(path) if path else config_path(pack_id)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Fichier {path} : TOML invalide ({exc})") from None
    try:
        dep = raw["departement"]
        geo = raw["geographie"]
        terr = tuple(
            Territoire(
                id=t["id"], nom=t["nom"],
                epcis=tuple(t.get("epcis", ())),
                arrondissements=tuple(t.get("arrondissements", ())),
                communes=tuple(t.get("communes", ())),
            )
            for t in raw["territoires"]
        )
    except KeyError as exc:
        raise ConfigError(f"Fichier {path} : clé obligatoire manquante {exc}") from None
    cat = catalogue()
    srcs = tuple(raw.get("sources", {}).get("utiliser", ()))
    for s in (*srcs, geo["contours"], geo["cog"], *filter(None, [geo.get("cog_recent")])):
        if s not in cat:
            raise ConfigError(f"Fichier {path} : source inconnue {s!r} (valeurs : {', '.join(cat)})")
    from carnet.layers import layer_registry

    couches = tuple(raw.get("couches", {}).get("utiliser", ()))
    for c in couches:
        if c not in layer_registry():
            raise ConfigError(
                f"Fichier {path} : couche inconnue {c!r} (valeurs : {', '.join(layer_registry())})"
            )
    ids = _select_indicators(raw.get("indicateurs", {}), srcs, couches, path)
    if len({t.id for t in terr}) != len(terr):
        raise ConfigError(f"Fichier {path} : identifiants de territoires en double")
    return PackConfig(
        id=raw.get("id", path.parent.name), nom=raw.get("nom", dep["nom"]),
        titre=raw.get("titre", dep["nom"]), dep=str(dep["code"]), dep_nom=dep["nom"],
        dep_slug=dep["slug"], contours=geo["contours"], cog=geo["cog"],
        cog_recent=geo.get("cog_recent"), territoires=terr, sources=srcs, couches=couches,
        indicator_ids=ids, perimetre=raw.get("perimetre", {}), path=path,
    )


def _select_indicators(spec: dict, srcs, couches, path) -> tuple[str, ...]:
    from carnet.layers import layer_registry

    reg = registry()
    inclure = spec.get("inclure", ["*"])
    exclure = set(spec.get("exclure", ()))
    for i in [*exclure, *(x for x in inclure if x != "*")]:
        if i not in reg:
            raise ConfigError(f"Fichier {path} : indicateur inconnu {i!r} (valeurs : {', '.join(reg)})")
    layer_sources = {layer_registry()[c]["source"] for c in couches} | {
        layer_registry()[c].get("locations") for c in couches
    }
    usable = set(srcs) | layer_sources
    chosen = list(reg) if "*" in inclure else list(inclure)
    return tuple(i for i in chosen if i not in exclure and reg[i].sources <= usable)
