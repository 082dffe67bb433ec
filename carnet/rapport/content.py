"""The carnet's content gathered from the domain (nothing recomputed here): key figures
(:func:`carnet.fiches.key_figures`), the summary (:mod:`carnet.summary`), the sources
(:func:`carnet.fiches.methods.sources_table`). Plain strings only; the template shows them as text."""

from __future__ import annotations

from datetime import date

from carnet import fiches, summary
from carnet.fiches.methods import sources_table
from carnet.formatting import fmt_date


def content(pack, tid: str, *, today: date | None = None) -> dict:
    """The JSON-able content of territoire ``tid``'s carnet (see :mod:`carnet.rapport.typst_doc`)."""
    from carnet.contrat.progress import today_paris

    today = today or today_paris()
    nom = fiches.territory_options(pack)[tid]
    figures = [f"{k.label} : {k.text} (département : {k.reference}) — source : {k.source}"
               for k in fiches.key_figures(pack, "territoire", tid)]
    brief = [f"{p.text} Source : {' ; '.join(p.sources)}." for p in summary.territory_summary(pack, tid)]
    srcs = [f"{r['Source']} — {r['Producteur']}, {r['Millésime']} ({r['Licence']})"
            for _, r in sources_table(pack).iterrows()]
    return {
        "titre": f"Carnet de territoire : {nom}",
        "sous_titre": f"{pack.config.titre} · généré le {fmt_date(today)}",
        "genere_le": f"Généré le {fmt_date(today)}",
        "sections": [
            {"titre": "Chiffres clés", "paragraphes": figures},
            {"titre": "En bref", "paragraphes": brief},
            {"titre": "Sources et méthodes", "paragraphes": srcs},
        ],
    }
