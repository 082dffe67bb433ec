"""The three sections of a territoire's carnet, built from the pack's layers.

Each section states only what the layers say: counts and names, with the layer's source
and vintage beside them. A layer the pack does not have is named as missing (the Somme has
no monuments layer), never shown as zero.

- « Histoire et patrimoine »: immeubles protégés au titre des monuments historiques (base
  Mérimée), with their Mérimée reference and the link to their notice on the POP platform,
  built from the validated reference (:func:`merimee_url`), never from a data string;
- « Culture »: musées de France, with their Muséofile notice (:func:`museofile_url`);
- « Environnement et paysage »: the share of the territoire in a parc naturel régional and
  the parks' names (areas on the full commune polygons, in Lambert-93: the same surfaces as
  the indicator ``part_pnr``), and the gares de voyageurs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
import shapely

from carnet.fiches.citations import layer_source
from carnet.formatting import fmt_int, fmt_number, fmt_percent
from carnet.geometry import METRIC_CRS
from carnet.layers import layer_registry

#: Section id → French title, in the order of the page (and of the Markdown file).
SECTIONS: dict[str, str] = {
    "histoire": "Histoire et patrimoine",
    "culture": "Culture",
    "environnement": "Environnement et paysage",
}

#: The layers each section is built from (ids of ``couches.toml``).
SECTION_LAYERS: dict[str, tuple[str, ...]] = {
    "histoire": ("monuments",),
    "culture": ("musees",),
    "environnement": ("pnr", "gares"),
}

#: The layers of the carnet's map, in drawing order (zones under the points).
MAP_LAYERS: tuple[str, ...] = ("pnr", "monuments", "musees", "gares")

#: A Mérimée reference of a protected building: ``PA`` + two characters of the département
#: (``59``, ``2A``) + six digits (``PA00107879``, ``PA59000162``).
MERIMEE_REF = re.compile(r"PA[0-9][0-9AB][0-9]{6}")
#: A Muséofile identifier: ``M`` + four digits (``M0612``).
MUSEOFILE_REF = re.compile(r"M[0-9]{4}")
POP_NOTICE = "https://pop.culture.gouv.fr/notice"
#: How many communes a sentence names at most.
TOP = 3


def merimee_url(ref: object) -> str | None:
    """The POP notice of a Mérimée reference, or None if ``ref`` is not a valid reference."""
    ref = str(ref).strip() if isinstance(ref, str) else ""
    return f"{POP_NOTICE}/merimee/{ref}" if MERIMEE_REF.fullmatch(ref) else None


def museofile_url(ref: object) -> str | None:
    """The POP notice of a Muséofile identifier, or None if ``ref`` is not valid."""
    ref = str(ref).strip() if isinstance(ref, str) else ""
    return f"{POP_NOTICE}/museo/{ref}" if MUSEOFILE_REF.fullmatch(ref) else None


@dataclass(frozen=True)
class Listing:
    """One layer's features in a territoire, ready for a table.

    ``frame`` has plain-text columns (and link columns named in ``links``, holding URLs we
    built or None); ``source`` is the citation of the layer (producer, title, vintage).
    """

    layer: str
    titre: str
    frame: pd.DataFrame
    source: str
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """What the layers say for one section of one territoire."""

    id: str
    titre: str
    #: Generated sentences (plain text: every name in them comes from the data).
    phrases: tuple[str, ...] = ()
    listings: tuple[Listing, ...] = ()
    #: French sentences naming the layers this pack lacks.
    manquants: tuple[str, ...] = ()
    #: Citations of the layers used (producer, title, vintage).
    sources: tuple[str, ...] = ()
    #: Layers of the pack drawn on the section's map.
    couches: tuple[str, ...] = field(default=())


def _label(lid: str) -> str:
    return layer_registry()[lid]["label"]


def missing_layer(pack, lid: str) -> str:
    """« La couche « Monuments historiques » n'est pas dans le pack Somme … »."""
    return (f"La couche « {_label(lid)} » n'est pas dans le pack {pack.config.nom} : "
            f"elle n'est pas déclarée dans ses couches (territoire.toml, [couches] utiliser), "
            f"le Carnet n'en dit donc rien ici.")


def territory_communes(pack, tid: str) -> pd.DataFrame:
    """Code and name of the territoire's communes (the pack's reference geography)."""
    c = pack.communes
    return pd.DataFrame(c.loc[c["territoire"] == tid, ["code", "nom"]]).reset_index(drop=True)


def _points(pack, lid: str, tid: str) -> pd.DataFrame:
    communes = territory_communes(pack, tid)
    lay = pack.layer(lid)
    lay = pd.DataFrame(lay.drop(columns="geometry"))
    lay = lay[lay["commune"].isin(set(communes["code"]))]
    names = communes.set_index("code")["nom"]
    return lay.assign(commune_nom=lay["commune"].map(names)).sort_values(
        ["commune_nom", "nom"], kind="stable").reset_index(drop=True)


def _per_commune(points: pd.DataFrame) -> list[tuple[str, int]]:
    """(commune name, count), most first, then by name."""
    counts = points.groupby("commune_nom").size()
    order = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(str(k), int(v)) for k, v in order]


def _leaders(counts: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The first :data:`TOP` communes, ties at the cut included (at most 2 × TOP)."""
    if len(counts) <= TOP:
        return counts
    cut = counts[TOP - 1][1]
    keep = [kv for kv in counts if kv[1] >= cut]
    if len(keep) > 2 * TOP:  # a long tie: only those strictly above it
        keep = [kv for kv in counts if kv[1] > cut]
    return keep


def _enum(counts: list[tuple[str, int]]) -> str:
    parts = [f"{name} ({fmt_int(n)})" for name, n in counts]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]


def _count_phrase(n: int, n_communes: int, total_communes: int, one: str, many: str,
                  where: str) -> str:
    noun = one if n == 1 else many
    c_word = "commune" if n_communes == 1 else "communes"
    return (f"{fmt_int(n)} {noun} {where}, dans {fmt_int(n_communes)} {c_word} sur "
            f"{fmt_int(total_communes)}.")


def monuments_listing(pack, tid: str) -> Listing:
    """Protected monuments of the territoire: commune, name, Mérimée reference, notice link."""
    pts = _points(pack, "monuments", tid)
    frame = pd.DataFrame({
        "Commune": pts["commune_nom"].astype("string"),
        "Code INSEE": pts["commune"].astype("string"),
        "Monument": pts["nom"].astype("string"),
        "Référence Mérimée": pts["Référence Mérimée"].astype("string"),
        "Acte de protection": pts["Protection"].astype("string").str.replace(";", ", "),
        "Notice": [merimee_url(r) for r in pts["Référence Mérimée"]],
    })
    return Listing("monuments", "Immeubles protégés au titre des monuments historiques", frame,
                   layer_source("monuments"), links=("Notice",))


def musees_listing(pack, tid: str) -> Listing:
    """Musées de France of the territoire, with their Muséofile notice."""
    pts = _points(pack, "musees", tid)
    frame = pd.DataFrame({
        "Commune": pts["commune_nom"].astype("string"),
        "Code INSEE": pts["commune"].astype("string"),
        "Musée": pts["nom"].astype("string"),
        "Adresse": pts["Adresse"].astype("string"),
        "Muséofile": pts["Muséofile"].astype("string"),
        "Notice": [museofile_url(r) for r in pts["Muséofile"]],
    })
    return Listing("musees", "Musées de France", frame, layer_source("musees"), links=("Notice",))


def gares_listing(pack, tid: str) -> Listing:
    """Gares de voyageurs of the territoire."""
    pts = _points(pack, "gares", tid)
    frame = pd.DataFrame({
        "Commune": pts["commune_nom"].astype("string"),
        "Code INSEE": pts["commune"].astype("string"),
        "Gare": pts["nom"].astype("string"),
        "Segment": pts["Segment"].astype("string"),
    })
    return Listing("gares", "Gares de voyageurs", frame, layer_source("gares"))


def pnr_shares(pack, tid: str) -> tuple[pd.DataFrame, float]:
    """Area of the territoire in each parc naturel régional, and the territoire's area.

    Areas in km² on the full commune polygons of the pack, in Lambert-93 (:data:`METRIC_CRS`),
    as the indicator ``part_pnr``: the share is a ratio of sums. Returns a frame ``Parc``,
    ``km2``, ``part`` (percent of the territoire), the parks that overlap it only, largest
    first, and the territoire's area in km².
    """
    c = pack.communes
    mine = c[c["territoire"] == tid].to_crs(METRIC_CRS)
    total = float(shapely.area(mine.geometry.values).sum()) / 1e6
    parks = pack.layer("pnr").to_crs(METRIC_CRS)
    rows = []
    for name, geom in zip(parks["nom"], parks.geometry.values, strict=True):
        area = float(shapely.area(shapely.intersection(mine.geometry.values, geom)).sum()) / 1e6
        if area > 0:
            rows.append({"Parc": str(name), "km2": area, "part": 100 * area / total})
    frame = pd.DataFrame(rows, columns=["Parc", "km2", "part"])
    return frame.sort_values(["km2", "Parc"], ascending=[False, True]).reset_index(drop=True), total


def pnr_union_share(pack, tid: str) -> float:
    """Percent of the territoire's area in any parc (the union: overlapping parks count once)."""
    c = pack.communes
    mine = c[c["territoire"] == tid].to_crs(METRIC_CRS)
    union = shapely.union_all(pack.layer("pnr").to_crs(METRIC_CRS).geometry.values)
    inside = float(shapely.area(shapely.intersection(mine.geometry.values, union)).sum())
    return 100 * inside / float(shapely.area(mine.geometry.values).sum())


def _histoire(pack, tid: str, n_communes: int) -> Section:
    title = SECTIONS["histoire"]
    if "monuments" not in pack.layer_ids:
        return Section("histoire", title, manquants=(missing_layer(pack, "monuments"),))
    lst = monuments_listing(pack, tid)
    n = len(lst.frame)
    if n == 0:
        phrases = ("Aucun immeuble protégé au titre des monuments historiques n'est recensé "
                   "dans les communes du territoire.",)
    else:
        counts = _per_commune(lst.frame.rename(columns={"Commune": "commune_nom"}))
        phrases = (_count_phrase(n, len(counts), n_communes,
                                 "immeuble protégé au titre des monuments historiques",
                                 "immeubles protégés au titre des monuments historiques",
                                 "est recensé" if n == 1 else "sont recensés"),
                   f"Communes qui en comptent le plus : {_enum(_leaders(counts))}."
                   if len(counts) > 1 else f"Commune : {counts[0][0]}.")
    return Section("histoire", title, phrases, (lst,), sources=(lst.source,),
                   couches=("monuments",))


def _culture(pack, tid: str, n_communes: int) -> Section:
    title = SECTIONS["culture"]
    if "musees" not in pack.layer_ids:
        return Section("culture", title, manquants=(missing_layer(pack, "musees"),))
    lst = musees_listing(pack, tid)
    n = len(lst.frame)
    if n == 0:
        phrases = ("Aucun musée de France n'est recensé dans les communes du territoire.",)
    else:
        counts = _per_commune(lst.frame.rename(columns={"Commune": "commune_nom"}))
        phrases = (_count_phrase(n, len(counts), n_communes, "musée de France",
                                 "musées de France", "est recensé" if n == 1 else "sont recensés"),
                   f"Répartition : {_enum(counts)}." if len(counts) > 1
                   else f"Commune : {counts[0][0]}.")
    return Section("culture", title, phrases, (lst,), sources=(lst.source,), couches=("musees",))


def _environnement(pack, tid: str, n_communes: int) -> Section:
    title = SECTIONS["environnement"]
    phrases, listings, missing, sources, couches = [], [], [], [], []
    if "pnr" in pack.layer_ids:
        shares, total = pnr_shares(pack, tid)
        sources.append(layer_source("pnr"))
        couches.append("pnr")
        if shares.empty:
            phrases.append("Aucune partie du territoire n'est dans un parc naturel régional.")
        else:
            part = pnr_union_share(pack, tid)
            inside = part * total / 100
            parks = [f"« {r.Parc} » ({fmt_number(r.km2)} km², {fmt_percent(r.part)})"
                     for r in shares.itertuples()]
            which = ("un parc naturel régional" if len(parks) == 1
                     else "des parcs naturels régionaux")
            phrases.append(f"{fmt_percent(part)} de la superficie du territoire "
                           f"({fmt_number(inside)} km² sur {fmt_number(total)} km²) est dans "
                           f"{which} : {', '.join(parks)}.")
        frame = pd.DataFrame({"Parc naturel régional": shares["Parc"].astype("string"),
                              "Superficie dans le territoire (km²)": shares["km2"].round(1),
                              "Part du territoire (%)": shares["part"].round(1)})
        listings.append(Listing("pnr", "Parcs naturels régionaux", frame, layer_source("pnr")))
    else:
        missing.append(missing_layer(pack, "pnr"))
    if "gares" in pack.layer_ids:
        lst = gares_listing(pack, tid)
        n = len(lst.frame)
        sources.append(lst.source)
        couches.append("gares")
        listings.append(lst)
        if n == 0:
            phrases.append("Aucune gare de voyageurs n'est recensée dans les communes du territoire.")
        else:
            counts = _per_commune(lst.frame.rename(columns={"Commune": "commune_nom"}))
            phrases.append(_count_phrase(n, len(counts), n_communes, "gare de voyageurs",
                                         "gares de voyageurs",
                                         "est recensée" if n == 1 else "sont recensées"))
    else:
        missing.append(missing_layer(pack, "gares"))
    return Section("environnement", title, tuple(phrases), tuple(listings), tuple(missing),
                   tuple(sources), tuple(couches))


def sections(pack, tid: str) -> list[Section]:
    """The three sections of territoire ``tid`` of ``pack``, in the order of :data:`SECTIONS`."""
    pack.config.territoire(tid)  # unknown territoire: a French error listing the valid ones
    n = len(territory_communes(pack, tid))
    return [_histoire(pack, tid, n), _culture(pack, tid, n), _environnement(pack, tid, n)]


def communes_frame(pack, tid: str) -> gpd.GeoDataFrame:
    """The territoire's communes with their polygons (for the section maps)."""
    c = pack.communes
    return c[c["territoire"] == tid][["code", "nom", "geometry"]].reset_index(drop=True)
