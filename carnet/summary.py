"""Plain-language summary of a territory, generated from the pack's figures.

Template-based and deliberately sober: every sentence states figures that are in
the pack, and each paragraph ends with its source and vintage. A sentence whose
figures are not published is left out rather than guessed.

>>> from carnet.pack import load_pack             # doctest: +SKIP
>>> territory_summary(load_pack("nord"), "cambresis")[0].text[:40]  # doctest: +SKIP
'Le Cambrésis compte 158 302 habitants en'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from carnet.fiches import source_label, value
from carnet.formatting import fmt_int, fmt_number, fmt_percent
from carnet.pack import Pack

# How sentences name a territory: (subject, "in" phrase). Others get a neutral form.
PHRASES = {
    "flandre-maritime": ("La Flandre maritime", "en Flandre maritime"),
    "flandre-interieure": ("La Flandre intérieure", "en Flandre intérieure"),
    "metropole-lilloise": ("La Métropole lilloise", "dans la Métropole lilloise"),
    "douaisis": ("Le Douaisis", "dans le Douaisis"),
    "cambresis": ("Le Cambrésis", "dans le Cambrésis"),
    "sambre-avesnois": ("La Sambre-Avesnois", "en Sambre-Avesnois"),
    "valenciennois": ("Le Valenciennois", "dans le Valenciennois"),
}


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the summary and the sources of its figures."""

    theme: str
    text: str
    sources: tuple[str, ...]


def _names(pack: Pack, tid: str) -> tuple[str, str]:
    """(subject, "in" phrase) for a territory, e.g. ('Le Cambrésis', 'dans le Cambrésis')."""
    nom = next((t.nom for t in pack.territoires if t.id == tid), tid)
    return PHRASES.get(tid, (f"Le territoire {nom}", f"dans le territoire {nom}"))


def _pct_pts(x: float) -> str:
    """A difference of rates in percentage points: ``1,9 point``, ``2,4 points``."""
    s = fmt_number(abs(x), 1)
    return f"{s} point" if abs(x) < 2 else f"{s} points"


def _has(*xs) -> bool:
    return all(x is not None and not (isinstance(x, float) and math.isnan(x)) for x in xs)


def population_paragraph(pack: Pack, tid: str) -> Paragraph | None:
    subject, _ = _names(pack, tid)
    p22 = value(pack, "territoire", tid, "pop_2022")
    if not _has(p22):
        return None
    dep = pack.config.dep_nom
    share = p22 / value(pack, "departement", pack.config.dep, "pop_2022") * 100
    text = (f"{subject} compte {fmt_int(p22)} habitants en 2022, soit "
            f"{fmt_percent(share)} de la population du {dep}.")
    srcs = [source_label(pack.indicator("pop_2022"))]
    p16 = value(pack, "territoire", tid, "pop_2016")
    evol = value(pack, "territoire", tid, "evol_pop_2016_2022")
    evol_dep = value(pack, "departement", pack.config.dep, "evol_pop_2016_2022")
    if _has(p16, evol, evol_dep):
        diff = p22 - p16
        if round(diff) == 0:
            trend = "Depuis 2016, la population est stable"
        else:
            verb = "augmenté" if diff > 0 else "diminué"
            trend = f"Depuis 2016, elle a {verb} de {fmt_int(abs(diff))} habitants"
        sign = "+" if evol > 0 else ""
        sign_dep = "+" if evol_dep > 0 else ""
        text += (f" {trend} ({sign}{fmt_number(evol, 2)} % par an en moyenne, contre "
                 f"{sign_dep}{fmt_number(evol_dep, 2)} % par an pour le département).")
        srcs.append(source_label(pack.indicator("evol_pop_2016_2022")))
    return Paragraph("Population", text, tuple(dict.fromkeys(srcs)))


def unemployment_paragraph(pack: Pack, tid: str) -> Paragraph | None:
    _, dans = _names(pack, tid)
    t = value(pack, "territoire", tid, "taux_chomage_2022")
    d = value(pack, "departement", pack.config.dep, "taux_chomage_2022")
    if not _has(t, d):
        return None
    others = pack.values("territoire")["taux_chomage_2022"].dropna()
    rank = int((others > t).sum()) + 1
    n = len(others)
    if abs(t - d) < 0.05:
        comp = "au même niveau que dans le département"
    else:
        side = "au-dessus" if t > d else "en dessous"
        comp = f"{_pct_pts(t - d)} {side} du taux départemental ({fmt_percent(d)})"
    if rank == 1:
        pos = f"C'est le taux le plus élevé des {n} territoires."
    elif rank == n:
        pos = f"C'est le taux le plus bas des {n} territoires."
    else:
        pos = f"Il se classe au {rank}e rang des {n} territoires, du plus élevé au plus bas."
    text = (f"Le taux de chômage des 15-64 ans (au sens du recensement) atteint {fmt_percent(t)} "
            f"{dans} en 2022, {comp}. {pos}")
    return Paragraph("Chômage", text, (source_label(pack.indicator("taux_chomage_2022")),))


def income_paragraph(pack: Pack, tid: str, iid: str = "revenu_median_2021") -> Paragraph | None:
    """Income is published per commune only (a median does not add up): describe the spread.

    The reference is the median *of the Nord's communes* (each commune counts once), stated
    as such: it is not the département's median income, which the pack does not hold.
    """
    if iid not in pack.indicators:
        return None
    _, dans = _names(pack, tid)
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
    text = (f"Le revenu disponible médian n'est publié que par commune : une médiane ne s'additionne "
            f"pas. {dans_cap}, il est publié pour {len(pub)} communes sur {len(terr)} et va de "
            f"{fmt_int(lo['v'])} € par unité de consommation ({lo['nom']}) à {fmt_int(hi['v'])} € "
            f"({hi['nom']}) en 2021. Parmi elles, {above} dépassent {fmt_int(ref)} €, le revenu de la "
            f"commune médiane du {pack.config.dep_nom} (chaque commune comptant pour une).")
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
        parts.append(f"{_md_escape(p.text)}  \n*Source : {_md_escape(srcs)}.*")
    return "\n\n".join(parts)


def _md_escape(text: str) -> str:
    """Escape the Markdown characters that could alter rendering of data-derived text."""
    for ch in ("\\", "*", "_", "`", "[", "]", "<", ">", "#", "$", "~", "|"):
        text = text.replace(ch, "\\" + ch)
    return text

