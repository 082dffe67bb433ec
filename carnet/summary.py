"""Plain-language summary of a territory, generated from the pack's figures.

Template-based and deliberately sober: every sentence states figures that are in
the pack, and each paragraph ends with its source and vintage. A sentence whose
figures are not published is left out rather than guessed. Each figure is taken at the
latest vintage the pack has (:func:`carnet.fiches.latest_vintage`: the Somme pack stops at
the 2021 census and Filosofi 2019), and the sentences say that year.

>>> from carnet.pack import load_pack             # doctest: +SKIP
>>> territory_summary(load_pack("nord"), "cambresis")[0].text[:40]  # doctest: +SKIP
'Le Cambrésis compte 158 302 habitants en'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from carnet.fiches import latest_vintage, source_label, summary_id, value
from carnet.formatting import fmt_int, fmt_number, fmt_percent
from carnet.indicators import vintage_of
from carnet.pack import Pack
from carnet.text import md


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the summary and the sources of its figures."""

    theme: str
    text: str
    sources: tuple[str, ...]


def _phrases(pack: Pack, tid: str) -> tuple[str, str, str]:
    """(subject, "in" phrase, "of" phrase) for a territory:
    ('Le Cambrésis', 'dans le Cambrésis', 'du Cambrésis'), from the pack's
    ``[textes.territoires]`` (``atlas.toml``).

    Otherwise a name that starts with « Arrondissement » reads as a common noun:
    ("L'arrondissement d'Amiens", "dans l'arrondissement d'Amiens", "de l'arrondissement d'Amiens"),
    and any other name gets a neutral form (« Le territoire X »).
    """
    own = pack.atlas.phrases.get(tid)
    if own is not None:
        return own.sujet, own.dans, own.de
    nom = next((t.nom for t in pack.territoires if t.id == tid), tid)
    if nom.startswith("Arrondissement "):
        low = "a" + nom[1:]
        return f"L'{low}", f"dans l'{low}", f"de l'{low}"
    return f"Le territoire {nom}", f"dans le territoire {nom}", f"du territoire {nom}"


def _names(pack: Pack, tid: str) -> tuple[str, str]:
    """(subject, "in" phrase) for a territory, e.g. ('Le Cambrésis', 'dans le Cambrésis')."""
    return _phrases(pack, tid)[:2]


def _of_departement(pack: Pack) -> str:
    """The département after « de »: ``du Nord``, ``de la Somme``.

    From the pack's ``[textes] du_departement`` (``atlas.toml``), else from its title.
    """
    if pack.atlas.of_departement:
        return pack.atlas.of_departement
    titre = pack.config.titre
    if titre.startswith("Département "):
        return titre.removeprefix("Département ")
    return f"du {pack.config.dep_nom}"


def _of_whole_rate(pack: Pack) -> str:
    """« départemental » for a département's rate, else « de la région », « de l'ensemble »."""
    return "départemental" if pack.config.ensemble_libelle == "département" else pack.config.ensemble.du


def _territories_word(pack: Pack) -> str:
    """The pack's plural word for its territories, lower case: ``territoires de contrat``."""
    word = pack.config.perimetre.get("libelle_pluriel") or "territoires"
    return word[0].lower() + word[1:]


def _pct_pts(x: float) -> str:
    """A difference of rates in percentage points: ``1,9 point``, ``2,4 points``."""
    s = fmt_number(abs(x), 1)
    return f"{s} point" if round(abs(x), 1) < 2 else f"{s} points"  # « 2,0 points » (1.97)


def _has(*xs) -> bool:
    return all(x is not None and not (isinstance(x, float) and math.isnan(x)) for x in xs)


def population_paragraph(pack: Pack, tid: str) -> Paragraph | None:
    """Population at the latest census the pack has, its share and its trend since the base year.

    The trend sentence needs an evolution ending on the same census year and the population
    of its base year (Nord: 2016-2022; Somme: 2015-2021).
    """
    subject, _, of_terr = _phrases(pack, tid)
    pid = summary_id(pack, "population")
    if pid is None:
        return None
    pop = value(pack, "territoire", tid, pid)
    if not _has(pop):
        return None
    year = pack.indicator(pid).annee
    share = pop / value(pack, "departement", pack.config.dep, pid) * 100
    text = (f"{subject} compte {fmt_int(pop)} habitants en {year}, soit "
            f"{fmt_percent(share)} de la population {_of_departement(pack)}.")
    srcs = [source_label(pack.indicator(pid))]
    eid = summary_id(pack, "evolution")
    ev = pack.indicator(eid) if eid is not None else None
    base = ev.annee - ev.years if ev is not None and ev.annee == year else None
    p0id = vintage_of(pack.indicators, pack.indicator(pid).famille, base) if base else None
    if p0id is not None:
        p0 = value(pack, "territoire", tid, p0id)
        evol = value(pack, "territoire", tid, eid)
        evol_dep = value(pack, "departement", pack.config.dep, eid)
        if _has(p0, evol, evol_dep):
            diff = pop - p0
            # The subject is written out: after « … de la population du Nord », « elle » would
            # name the département's population, not the territory's.
            if round(diff) == 0:
                trend = f"Depuis {base}, la population {of_terr} est stable"
            else:
                verb = "augmenté" if diff > 0 else "diminué"
                trend = f"Depuis {base}, la population {of_terr} a {verb} de {fmt_int(abs(diff))} habitants"
            sign = "+" if evol > 0 else ""
            sign_dep = "+" if evol_dep > 0 else ""
            text += (f" {trend} ({sign}{fmt_number(evol, 2)} % par an en moyenne, contre "
                     f"{sign_dep}{fmt_number(evol_dep, 2)} % par an pour {pack.config.ensemble.le}).")
            srcs.append(source_label(pack.indicator(eid)))
    return Paragraph("Population", text, tuple(dict.fromkeys(srcs)))


def unemployment_paragraph(pack: Pack, tid: str) -> Paragraph | None:
    """Census unemployment rate at the latest vintage, against the département and its rank."""
    _, dans = _names(pack, tid)
    iid = summary_id(pack, "chomage")
    if iid is None:
        return None
    t = value(pack, "territoire", tid, iid)
    d = value(pack, "departement", pack.config.dep, iid)
    if not _has(t, d):
        return None
    words = _territories_word(pack)
    others = pack.values("territoire")[iid].dropna()
    rank = int((others > t).sum()) + 1
    n = len(others)
    if abs(t - d) < 0.05:
        comp = f"au même niveau que dans {pack.config.ensemble.le}"
    else:
        side = "au-dessus" if t > d else "en dessous"
        comp = f"{_pct_pts(t - d)} {side} du taux {_of_whole_rate(pack)} ({fmt_percent(d)})"
    if rank == 1:
        pos = f"C'est le taux le plus élevé des {n} {words}."
    elif rank == n:
        pos = f"C'est le taux le plus bas des {n} {words}."
    else:
        pos = f"Il se classe au {rank}e rang des {n} {words}, du plus élevé au plus bas."
    text = (f"Le taux de chômage des 15-64 ans (au sens du recensement) atteint {fmt_percent(t)} "
            f"{dans} en {pack.indicator(iid).annee}, {comp}. {pos}")
    return Paragraph("Chômage", text, (source_label(pack.indicator(iid)),))


def income_paragraph(pack: Pack, tid: str, iid: str | None = None) -> Paragraph | None:
    """The Carnet's sources give income per commune only (a median does not add up): describe
    the spread. INSEE does publish EPCI and département medians, in files the Carnet does not read.

    The reference is the median *of the département's communes* (each commune counts once),
    stated as such: it is not the département's median income, which the pack does not hold.
    ``iid`` (default: the pack's summary ``revenu``) falls back to the latest vintage the pack
    has (Somme: Filosofi 2019).
    """
    iid = summary_id(pack, "revenu") if iid is None else latest_vintage(pack, iid)
    if iid is None:
        return None
    _, dans, of_terr = _phrases(pack, tid)
    c = pack.table("commune")
    vals = pack.values("commune")[iid]
    terr = c.loc[c["territoire"] == tid, ["code", "nom"]].assign(v=lambda d: d["code"].map(vals))
    pub = terr.dropna(subset=["v"])
    allv = vals.reindex(c["code"]).dropna()
    if pub.empty or allv.empty:
        return None
    ref = float(allv.median())
    above = int((pub["v"] > ref).sum())
    lo, hi = pub.loc[pub["v"].idxmin()], pub.loc[pub["v"].idxmax()]
    dans_cap = dans[0].upper() + dans[1:]
    vintage = pack.indicator(iid).vintage
    text = (f"Les sources du Carnet ne donnent le revenu disponible médian ({vintage}) que par "
            f"commune, et une médiane ne s'additionne pas : le Carnet n'a pas de médiane {of_terr} "
            f"(l'INSEE publie aussi des médianes d'EPCI et de départements, dans des fichiers que le "
            f"Carnet ne lit pas). {dans_cap}, le revenu médian est publié pour {len(pub)} communes sur "
            f"{len(terr)} et va de "
            f"{fmt_int(lo['v'])} € par unité de consommation ({lo['nom']}) à {fmt_int(hi['v'])} € "
            f"({hi['nom']}) en {pack.indicator(iid).annee}. Parmi elles, {above} dépassent "
            f"{fmt_int(ref)} €, le revenu "
            f"de la commune médiane {_of_departement(pack)} (chaque commune comptant pour une).")
    return Paragraph("Revenus", text, (source_label(pack.indicator(iid)),))


def territory_summary(pack: Pack, tid: str) -> list[Paragraph]:
    """The summary of territory ``tid``: population, unemployment, income paragraphs."""
    paras = [population_paragraph(pack, tid), unemployment_paragraph(pack, tid),
             income_paragraph(pack, tid)]
    return [p for p in paras if p is not None]


def summary_markdown(paragraphs: list[Paragraph]) -> str:
    """Markdown of a summary: each paragraph followed by its sources in italics."""
    parts = []
    for p in paragraphs:
        srcs = " ; ".join(p.sources)
        parts.append(f"{md(p.text)}  \n*Source : {md(srcs)}.*")
    return "\n\n".join(parts)
