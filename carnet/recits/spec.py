"""A territoire's story as declared by its pack, or generated from the carnet.

``data/territoires/<pack>/recits/<territoire>.toml``::

    titre = "Le Cambrésis : comprendre, débattre, agir"

    [[chapitres]]
    type = "chiffres_cles"          # a key of carnet/data/chapitres.toml
    titre = "…"                     # optional: the type's default title
    texte = "…"                     # optional, plain text
    chiffres = ["population", "taux_chomage"]   # indicators or families (latest vintage)

    [[chapitres]]
    type = "carte_indicateur"
    carte = { indicateur = "revenu_median", classes = "quantiles", couches = ["epci"] }

Every key is checked: an unknown type, part, indicator, classification or key gives a French
message naming the file, the chapter and the valid values. A territoire without a file gets
:func:`default_recit`, built from what the pack has.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from carnet import paths
from carnet.errors import ConfigError
from carnet.recits.model import PARTIES, Chapitre, Recit, VueCarte

REGISTRY_FILE = Path(__file__).resolve().parent.parent / "data" / "chapitres.toml"
FOLDER = "recits"
CHAPTER_KEYS = ("id", "type", "partie", "titre", "texte", "carte", "chiffres", "graphique")
MAP_KEYS = ("genre", "indicateur", "classes", "couches", "etendue")
GENRES = ("communes", "territoires", "projets", "patrimoine", "culture", "environnement")
ETENDUES = ("territoire", "departement")
GRAPHIQUES = ("population", "territoires")
#: Longest text of a chapter (a slide is read from the back of a room).
MAX_TEXTE = 600


@lru_cache(maxsize=1)
def chapter_types() -> dict[str, dict]:
    """The chapter registry (``carnet/data/chapitres.toml``): type → partie, titre, carte."""
    with REGISTRY_FILE.open("rb") as f:
        raw = tomllib.load(f)
    for key, spec in raw.items():
        if spec.get("partie") not in PARTIES:
            raise ConfigError(f"{REGISTRY_FILE.name} : type {key!r}, partie {spec.get('partie')!r} "
                              f"inconnue (valeurs possibles : {', '.join(PARTIES)})")
    return raw


def folder(pack_id: str) -> Path:
    """``data/territoires/<pack>/recits/`` (may not exist)."""
    return paths.PACKS_DIR / pack_id / FOLDER


def _fail(where: str, msg: str) -> ConfigError:
    return ConfigError(f"{where} : {msg}")


def _choice(value, valid, what: str, where: str) -> str:
    if value not in valid:
        raise _fail(where, f"{what} inconnu(e) : {value!r}. Valeurs possibles : {', '.join(valid)}")
    return value


def _indicator(pack, iid, where: str) -> str:
    from carnet.fiches.figures import latest_vintage

    if not isinstance(iid, str) or latest_vintage(pack, iid) is None:
        raise _fail(where, f"indicateur inconnu de ce carnet : {iid!r}. Valeurs possibles : "
                           f"{', '.join(sorted(pack.indicators))}")
    return iid


def _text(value, key: str, where: str, limit: int | None = None) -> str:
    if not isinstance(value, str):
        raise _fail(where, f"« {key} » doit être un texte")
    if limit and len(value) > limit:
        raise _fail(where, f"« {key} » fait {len(value)} caractères (au plus {limit} : une "
                           "diapositive se lit du fond de la salle)")
    return value


def _vue(pack, raw, default_genre: str | None, where: str) -> VueCarte | None:
    from carnet.maps.thematic import scheme_labels

    if raw is None:
        return VueCarte(genre=default_genre) if default_genre else None
    if raw is False:
        return None
    if not isinstance(raw, dict):
        raise _fail(where, "« carte » doit être une table (genre, indicateur, classes, couches, étendue)")
    for k in raw:
        _choice(k, MAP_KEYS, "clé de carte", where)
    genre = _choice(raw.get("genre", default_genre or "communes"), GENRES, "genre de carte", where)
    iid = raw.get("indicateur")
    if iid is not None:
        _indicator(pack, iid, where)
    classes = _choice(raw.get("classes", "quantiles"), list(scheme_labels()), "classement", where)
    couches = raw.get("couches", ["epci"])
    if not isinstance(couches, list) or not all(isinstance(c, str) for c in couches):
        raise _fail(where, "« couches » doit être une liste de couches")
    valid_couches = ["epci", *sorted(pack.layer_ids)]
    for c in couches:
        _choice(c, valid_couches, "couche", where)
    etendue = _choice(raw.get("etendue", "territoire"), ETENDUES, "étendue", where)
    return VueCarte(genre=genre, indicateur=iid, classes=classes, couches=tuple(couches),
                    etendue=etendue)


def parse_chapitre(pack, raw: dict, n: int, where: str) -> Chapitre:
    """Chapter ``n`` (1-based) of a story file, checked."""
    here = f"{where}, chapitre {n}"
    if not isinstance(raw, dict):
        raise _fail(here, "un chapitre est une table [[chapitres]]")
    for k in raw:
        _choice(k, CHAPTER_KEYS, "clé", here)
    types = chapter_types()
    if "type" not in raw:
        raise _fail(here, f"« type » manquant (valeurs possibles : {', '.join(types)})")
    kind = _choice(raw["type"], list(types), "type de chapitre", here)
    spec = types[kind]
    partie = _choice(raw.get("partie", spec["partie"]), list(PARTIES), "partie", here)
    chiffres = raw.get("chiffres", [])
    if not isinstance(chiffres, list):
        raise _fail(here, "« chiffres » doit être une liste d'indicateurs")
    graphique = raw.get("graphique")
    if graphique is not None:
        _choice(graphique, GRAPHIQUES, "graphique", here)
    return Chapitre(
        id=_text(raw.get("id", f"{n}-{kind}"), "id", here, 60),
        partie=partie, type=kind,
        titre=_text(raw.get("titre", spec["titre"]), "titre", here, 120),
        texte=_text(raw.get("texte", ""), "texte", here, MAX_TEXTE),
        carte=_vue(pack, raw.get("carte"), spec.get("carte"), here),
        chiffres=tuple(_indicator(pack, i, here) for i in chiffres),
        graphique=graphique,
    )


def read_recit(pack, path: Path | str, territoire: str) -> Recit:
    """The story file ``path`` of ``territoire``, checked (French errors: file, chapter, key)."""
    path = Path(path)
    where = f"Récit {path.parent.parent.name}/{FOLDER}/{path.name}"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise _fail(where, "le fichier n'est pas en UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise _fail(where, f"TOML invalide ({exc})") from None
    for k in raw:
        _choice(k, ("titre", "chapitres"), "clé", where)
    chapitres = raw.get("chapitres")
    if not isinstance(chapitres, list) or not chapitres:
        raise _fail(where, "aucun chapitre ([[chapitres]])")
    parsed = tuple(parse_chapitre(pack, c, i, where) for i, c in enumerate(chapitres, 1))
    ids = [c.id for c in parsed]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise _fail(where, f"identifiants de chapitres en double : {', '.join(dup)}")
    return Recit(pack=pack.id, territoire=territoire,
                 titre=_text(raw.get("titre", pack.config.territoire(territoire).nom), "titre", where, 120),
                 chapitres=parsed, declare=True, fichier=where)


#: The default story's chapters, in order (two indicator maps: see :func:`_default_maps`).
_DEFAULT = ("territoire", "chiffres_cles", "en_bref", "carte_indicateur", "carte_indicateur",
            "population", "patrimoine", "culture", "environnement", "enjeux", "contributions",
            "plan_actions", "avancement", "revoyure")


def _default_maps(pack) -> list[str]:
    """Two indicators for the default story's maps: the atlas's default, then another family."""
    from carnet.fiches.figures import atlas_ids, default_indicator, indicator_options

    inds = indicator_options(pack)
    first = default_indicator(pack, inds, "carte")
    picked = [first] if first else []
    for iid in atlas_ids(pack, "chiffres_cles"):
        ind = pack.indicators.get(iid)
        if iid not in picked and ind is not None and getattr(ind, "famille", None) != \
                getattr(pack.indicators.get(first), "famille", None):
            picked.append(iid)
            break
    return picked


def default_recit(pack, territoire: str) -> Recit:
    """The story generated from the carnet for a territoire without a story file."""
    types = chapter_types()
    maps = iter(_default_maps(pack))
    chapitres = []
    for kind in _DEFAULT:
        spec = types[kind]
        vue = VueCarte(genre=spec["carte"]) if spec.get("carte") else None
        if kind == "carte_indicateur":
            iid = next(maps, None)
            if iid is None:
                continue
            vue = VueCarte(genre="communes", indicateur=iid)
        chapitres.append(Chapitre(id=f"{len(chapitres) + 1}-{kind}", partie=spec["partie"],
                                  type=kind, titre=spec["titre"], carte=vue))
    t = pack.config.territoire(territoire)
    return Recit(pack=pack.id, territoire=territoire, titre=t.nom, chapitres=tuple(chapitres),
                 declare=False)


def recit(pack, territoire: str) -> Recit:
    """The story of ``territoire``: its pack's file, else :func:`default_recit`."""
    pack.config.territoire(territoire)  # unknown: a French error listing the valid ones
    path = folder(pack.id) / f"{territoire}.toml"
    if path.is_file():
        return read_recit(pack, path, territoire)
    return default_recit(pack, territoire)
