"""The one shape of a story (récit): the spec a pack declares, and the slides it resolves to.

A story is data: ``data/territoires/<pack>/recits/<territoire>.toml`` (or a default generated
from the carnet when a territoire declares none) gives chapters grouped in three parts,
COMPRENDRE, DÉBATTRE, AGIR. Each chapter names a *type* from the chapter registry
(``carnet/data/chapitres.toml``), a title, a short text, an optional map view, figures and a
chart. :func:`carnet.recits.diapositives` resolves it against a pack (and the stored contract,
projects and contributions) into :class:`Diapositive` objects: every number already formatted
in French, every string plain text. The three renderings (presenter page, standalone HTML
diaporama, PDF carnet) only lay out these objects, so all three show the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PARTIES: dict[str, str] = {
    "comprendre": "COMPRENDRE",
    "debattre": "DÉBATTRE",
    "agir": "AGIR",
}


@dataclass(frozen=True)
class VueCarte:
    """A map view of a chapter: what the renderers draw with ``carnet.recits.cartes.carte``.

    ``genre`` picks the map builder (``communes``: the commune choropleth of ``indicateur``;
    ``projets``: the action plan; ``besoins``: needs vs projects; ``contributions``: the
    approved contributions; ``patrimoine`` / ``culture`` / ``environnement``: a carnet section's
    layers). ``etendue`` is ``territoire`` (fit the territoire) or ``departement``.
    """

    genre: str = "communes"
    indicateur: str | None = None
    classes: str = "quantiles"
    couches: tuple[str, ...] = ("epci",)
    etendue: str = "territoire"


@dataclass(frozen=True)
class Chapitre:
    """One chapter of the spec, as declared (or generated)."""

    id: str
    partie: str  # a key of PARTIES
    type: str  # a key of the chapter registry (carnet/data/chapitres.toml)
    titre: str
    texte: str = ""  # plain text, short (a few sentences)
    carte: VueCarte | None = None
    chiffres: tuple[str, ...] = ()  # indicator ids or families (latest vintage taken)
    graphique: str | None = None  # a chart key of the registry (population, territoires, …)


@dataclass(frozen=True)
class Recit:
    """A territoire's story: its chapters in order."""

    pack: str
    territoire: str
    titre: str
    chapitres: tuple[Chapitre, ...]
    declare: bool = True  # False: generated from the carnet (no recits/<territoire>.toml)
    fichier: str | None = None  # the declaring file, for messages


@dataclass(frozen=True)
class Chiffre:
    """One figure on a slide, formatted, with its comparison and source."""

    libelle: str
    valeur: str  # « 12,3 % », « non publié »
    reference: str = ""  # the département's value, formatted ("" when none)
    source: str = ""  # « INSEE · RP 2022 »
    reference_libelle: str = ""  # whose value ``reference`` is: « Département du Nord »


@dataclass(frozen=True)
class Diapositive:
    """One resolved slide (one chapter), ready for any rendering. Plain text throughout."""

    numero: int  # 1-based, in story order
    id: str  # the chapter id (stable: permalinks, anchors)
    partie: str  # a key of PARTIES
    titre: str
    texte: str = ""  # plain text; paragraphs separated by a blank line
    points: tuple[str, ...] = ()  # bullet points, plain text
    chiffres: tuple[Chiffre, ...] = ()
    carte: VueCarte | None = None
    graphique: Any = None  # an altair.Chart (st.altair_chart / vl-convert to SVG), or None
    tableau: Any = None  # a small pandas DataFrame of plain values (≤ 12 rows), or None
    sources: tuple[str, ...] = ()  # full citations of every figure, map and chart shown
    notes: tuple[str, ...] = field(default=())  # caveats shown small (« non publié » reasons…)

    @property
    def partie_label(self) -> str:
        return PARTIES[self.partie]
