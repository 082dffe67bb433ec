"""Territory pack configuration, read from ``data/territoires/<id>/territoire.toml``.

What the atlas pages show for a pack (key figures, fiche and comparison indicators, map
defaults, the phrases of the summary) is read from the pack's ``atlas.toml`` over the defaults
of ``carnet/data/atlas.toml`` (:class:`Atlas`).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from carnet import paths
from carnet.errors import ConfigError, UnknownKeyError, lookup
from carnet.indicators import Indicator, registry
from carnet.sources import catalogue

CONFIG_NAME = "territoire.toml"
DEPARTEMENTS_FILE = Path(__file__).parent / "data" / "departements.toml"
ATLAS_NAME = "atlas.toml"
ATLAS_DEFAULTS = Path(__file__).parent / "data" / ATLAS_NAME
ATLAS_LISTS = ("chiffres_cles", "fiche_commune", "comparaison", "carte", "carte_commune",
               "serie_population")
ATLAS_SUMMARY = ("population", "evolution", "chomage", "revenu")


@dataclass(frozen=True)
class Territoire:
    """A contract territory: a set of EPCI, arrondissements or communes."""

    id: str
    nom: str
    epcis: tuple[str, ...] = ()
    arrondissements: tuple[str, ...] = ()
    communes: tuple[str, ...] = ()
    departements: tuple[str, ...] = ()


@dataclass(frozen=True)
class Departement:
    """A département of a pack: INSEE code, name, and the slug of its contours folder."""

    code: str
    nom: str
    slug: str

    @property
    def params(self) -> dict:
        """Parameters for source path templates (``{dep}-{dep_slug}``)."""
        return {"dep": self.code, "dep_slug": self.slug}


@dataclass(frozen=True)
class Ensemble:
    """How a sentence names a pack's whole (the maille « departement »): its word and the word
    with its article after « le », « au », « du », and before a title (« du Département du Nord »)."""

    mot: str
    le: str
    au: str
    du: str
    titre_de: str

    @property
    def Mot(self) -> str:  # noqa: N802 - the capitalised word (« Département »)
        return self.mot[0].upper() + self.mot[1:]


#: The words a pack's whole may be called (``[ensemble] libelle``); an unknown one lists these.
ENSEMBLES = {
    "département": Ensemble("département", "le département", "au département", "du département", "du"),
    "région": Ensemble("région", "la région", "à la région", "de la région", "de la"),
    "ensemble": Ensemble("ensemble", "l'ensemble", "à l'ensemble", "de l'ensemble", "de"),
}


@cache
def departement_registry() -> dict[str, dict]:
    """The départements a pack may list in ``departements = [...]`` (``carnet/data/departements.toml``)."""
    return tomllib.loads(DEPARTEMENTS_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Phrases:
    """How a sentence names a territory: ``Le Cambrésis``, ``dans le Cambrésis``, ``du Cambrésis``."""

    sujet: str
    dans: str
    de: str


@dataclass(frozen=True)
class Atlas:
    """What the atlas pages show for a pack, from its ``atlas.toml`` (defaults: ``carnet/data``).

    ``lists`` maps each key of :data:`ATLAS_LISTS` to indicator ids and ``summary`` each key of
    :data:`ATLAS_SUMMARY` to one; ids from the defaults are taken at the latest vintage the
    pack has (:func:`carnet.fiches.latest_vintage`), ids from the pack's file are its own.
    """

    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    summary: dict[str, str] = field(default_factory=dict)
    search_example: str = ""
    of_departement: str | None = None  # « du Nord »; None: derived from the pack's title
    phrases: dict[str, Phrases] = field(default_factory=dict)

    def ids(self, key: str) -> tuple[str, ...]:
        """The indicator list ``key`` of :data:`ATLAS_LISTS` (an unknown key lists the valid ones)."""
        return lookup(self.lists, key, "Identifiant de liste")


@dataclass(frozen=True)
class PackConfig:
    """A territory pack: its département(s), its territories, sources and indicators.

    ``dep`` and ``dep_nom`` name the pack's whole, the unit of the maille « departement »: the
    département of a one-département pack (``[departement]``), else the whole of the
    départements listed in ``departements = [...]`` (``[ensemble]``: code, nom, libelle, e.g.
    the region « 32 », « Hauts-de-France », « région »). ``departements`` lists every
    département whose communes the pack holds; ``ensemble_libelle`` is the word for the whole.
    """

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
    controle_epci: str | None = None  # published EPCI outlines the dissolved ones are checked against
    atlas: Atlas = field(default_factory=lambda: load_atlas())
    departements: tuple[Departement, ...] = ()
    ensemble_libelle: str = "département"

    def __post_init__(self):
        if not self.departements:  # built in code with dep alone (tests): one département
            object.__setattr__(self, "departements", (Departement(self.dep, self.dep_nom,
                                                                  self.dep_slug),))

    @property
    def ensemble(self) -> Ensemble:
        """The words naming the pack's whole (« département », « région »)."""
        return ENSEMBLES[self.ensemble_libelle]

    @property
    def dep_codes(self) -> tuple[str, ...]:
        """INSEE codes of the pack's départements (``("59",)``, ``("02", "59", …)``)."""
        return tuple(d.code for d in self.departements)

    @property
    def multi(self) -> bool:
        """Whether the pack spans several départements."""
        return len(self.departements) > 1

    @property
    def params(self) -> dict:
        """Parameters for source path templates (the first département's in a multi-département
        pack: a source whose path names a département is read once per département, see
        :attr:`params_all`)."""
        return self.departements[0].params

    @property
    def params_all(self) -> tuple[dict, ...]:
        """Path template parameters of every département of the pack."""
        return tuple(d.params for d in self.departements)

    @property
    def indicators(self) -> list[Indicator]:
        reg = registry()
        return [reg[i] for i in self.indicator_ids]

    def territoire(self, tid: str) -> Territoire:
        by_id = {t.id: t for t in self.territoires}
        if tid not in by_id:
            raise UnknownKeyError("Territoire", tid, by_id)
        return by_id[tid]


#: Environment variable naming the pack the app and the command line use by default.
ENV_PACK = "CARNET_PACK"
DEFAULT_PACK = "nord"


def default_pack() -> str:
    """The pack used when none is named: ``$CARNET_PACK``, else ``nord``."""
    return os.environ.get(ENV_PACK, "").strip() or DEFAULT_PACK


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
        deps, whole = _departements(raw, path)
        geo = raw["geographie"]
        terr = tuple(
            Territoire(
                id=t["id"], nom=t["nom"],
                epcis=tuple(t.get("epcis", ())),
                arrondissements=tuple(t.get("arrondissements", ())),
                communes=tuple(t.get("communes", ())),
                departements=tuple(str(d) for d in t.get("departements", ())),
            )
            for t in raw["territoires"]
        )
    except KeyError as exc:
        raise ConfigError(f"Fichier {path} : clé obligatoire manquante {exc}") from None
    codes = {d.code for d in deps}
    for t in terr:
        for d in t.departements:
            if d not in codes:
                raise ConfigError(f"Fichier {path} : [[territoires]] {t.id} : departements : "
                                  f"département {d!r} hors du carnet (valeurs : {', '.join(sorted(codes))})")
    cat = catalogue()
    srcs = tuple(raw.get("sources", {}).get("utiliser", ()))
    for s in (*srcs, geo["contours"], geo["cog"],
              *filter(None, [geo.get("cog_recent"), geo.get("controle_epci")])):
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
        id=raw.get("id", path.parent.name), nom=raw.get("nom", whole["nom"]),
        titre=raw.get("titre", whole["nom"]), dep=whole["code"], dep_nom=whole["nom"],
        dep_slug=deps[0].slug if len(deps) == 1 else "", contours=geo["contours"], cog=geo["cog"],
        cog_recent=geo.get("cog_recent"), territoires=terr, sources=srcs, couches=couches,
        indicator_ids=ids, perimetre=raw.get("perimetre", {}), path=path,
        controle_epci=geo.get("controle_epci"),
        atlas=load_atlas(path.parent / ATLAS_NAME, ids, tuple(t.id for t in terr)),
        departements=deps, ensemble_libelle=whole["libelle"],
    )


def _departements(raw: dict, path: Path) -> tuple[tuple[Departement, ...], dict]:
    """The pack's départements and its whole (code, nom, libelle) from ``[departement]`` (one
    département) or ``departements = [...]`` and ``[ensemble]`` (several).

    Raises
    ------
    ConfigError
        Naming the file and the key: both forms or neither, an empty or repeated list, a code
        not in ``carnet/data/departements.toml`` (the valid ones listed).
    """
    if "departement" in raw and "departements" in raw:
        raise ConfigError(f"Fichier {path} : [departement] et departements : l'un ou l'autre, pas les deux")
    if "departements" not in raw:
        dep = raw["departement"]
        if not isinstance(dep, dict):
            raise ConfigError(f"Fichier {path} : [departement] doit être une table (code, nom, slug)")
        d = Departement(str(dep["code"]), dep["nom"], dep["slug"])
        return (d,), {"code": d.code, "nom": d.nom, "libelle": "département"}
    codes = raw["departements"]
    if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
        raise ConfigError(f"Fichier {path} : departements : liste non vide de codes INSEE attendue "
                          f"(ex. [\"59\", \"62\"]), trouvé {codes!r}")
    if len(set(codes)) != len(codes):
        raise ConfigError(f"Fichier {path} : departements : code en double dans {codes!r}")
    reg = departement_registry()
    try:
        deps = tuple(Departement(c, reg[c]["nom"], reg[c]["slug"]) for c in codes)
    except KeyError as exc:
        unknown = UnknownKeyError("Département", exc.args[0], reg)
        raise ConfigError(f"Fichier {path} : departements : {unknown}") from None
    ens = raw.get("ensemble", {})
    if not isinstance(ens, dict):
        raise ConfigError(f"Fichier {path} : [ensemble] doit être une table (code, nom, libelle)")
    for key in ens:
        if key not in ("code", "nom", "libelle"):
            unknown = UnknownKeyError("Paramètre de [ensemble]", key, ("code", "nom", "libelle"))
            raise ConfigError(f"Fichier {path} : {unknown}")
    if len(deps) == 1:
        default = {"code": deps[0].code, "nom": deps[0].nom, "libelle": "département"}
    else:
        default = {"code": "-".join(codes), "nom": " + ".join(d.nom for d in deps), "libelle": "ensemble"}
    whole = {**default, **{k: str(v) for k, v in ens.items()}}
    try:
        lookup(ENSEMBLES, whole["libelle"], "Libellé de [ensemble]")
    except UnknownKeyError as exc:
        raise ConfigError(f"Fichier {path} : {exc}") from None
    if whole["code"] in codes and len(deps) > 1:
        raise ConfigError(f"Fichier {path} : [ensemble] code : {whole['code']!r} est le code "
                          "d'un des départements")
    return deps, whole


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Fichier {path} : TOML invalide ({exc})") from None


def load_atlas(path: Path | None = None, indicator_ids=None, territory_ids=()) -> Atlas:
    """The atlas settings of a pack: its ``atlas.toml`` (if any) over the defaults.

    Parameters
    ----------
    path : Path, optional
        The pack's ``atlas.toml``; absent or None: the defaults alone.
    indicator_ids : sequence of str, optional
        The pack's indicators: every id of the pack's file must be one of them.
    territory_ids : sequence of str
        The pack's territories: every territory of ``[textes.territoires]`` must be one of them.

    Raises
    ------
    ConfigError
        Naming the file and the key; an unknown indicator or territory lists the valid ones.
    """
    base = _default_atlas()
    if path is None or not Path(path).exists():
        return base
    valid = {i: 1 for i in (indicator_ids if indicator_ids is not None else registry())}
    own = _parse_atlas(Path(path), _read_toml(Path(path)), valid, territory_ids)
    return Atlas(lists={**base.lists, **own.lists}, summary={**base.summary, **own.summary},
                 search_example=own.search_example or base.search_example,
                 of_departement=own.of_departement or base.of_departement,
                 phrases={**base.phrases, **own.phrases})


@cache
def _default_atlas() -> Atlas:
    return _parse_atlas(ATLAS_DEFAULTS, _read_toml(ATLAS_DEFAULTS), registry(), ())


def _parse_atlas(path: Path, raw: dict, valid, territory_ids) -> Atlas:
    """The settings found in one atlas file (missing keys absent), checked against ``valid`` ids."""

    def check(section: str, key: str, iid) -> str:
        if not isinstance(iid, str):
            raise ConfigError(f"Fichier {path} : [{section}] {key} : identifiant d'indicateur attendu, "
                              f"trouvé {iid!r}")
        try:
            lookup(valid, iid, "Indicateur")
        except UnknownKeyError as exc:
            raise ConfigError(f"Fichier {path} : [{section}] {key} : {exc}") from None
        return iid

    known = {"indicateurs": ATLAS_LISTS, "resume": ATLAS_SUMMARY,
             "textes": ("exemple_recherche", "du_departement", "territoires")}
    for section, keys in raw.items():
        try:
            allowed = lookup(known, section, "Tableau")
            if not isinstance(keys, dict):
                raise ConfigError(f"Fichier {path} : [{section}] doit être une table")
            for key in keys:
                lookup({k: 1 for k in allowed}, key, f"Paramètre de [{section}]")
        except UnknownKeyError as exc:
            raise ConfigError(f"Fichier {path} : {exc}") from None
    lists = {}
    for key, ids in raw.get("indicateurs", {}).items():
        if not isinstance(ids, list):
            raise ConfigError(f"Fichier {path} : [indicateurs] {key} : liste d'identifiants attendue")
        lists[key] = tuple(check("indicateurs", key, i) for i in ids)
    summary = {key: check("resume", key, i) for key, i in raw.get("resume", {}).items()}
    textes = raw.get("textes", {})
    phrases = {}
    for tid, ph in textes.get("territoires", {}).items():
        try:
            lookup({t: 1 for t in territory_ids}, tid, "Territoire")
            phrases[tid] = Phrases(sujet=str(ph["sujet"]), dans=str(ph["dans"]), de=str(ph["de"]))
        except UnknownKeyError as exc:
            raise ConfigError(f"Fichier {path} : [textes.territoires] {exc}") from None
        except (KeyError, TypeError):
            raise ConfigError(f"Fichier {path} : [textes.territoires] {tid} : "
                              "sujet, dans et de attendus") from None
    return Atlas(lists=lists, summary=summary, search_example=str(textes.get("exemple_recherche", "")),
                 of_departement=textes.get("du_departement"), phrases=phrases)


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
