"""The contract's timeline as French text, one row per phase (Contrat page, PDF carnet).

:func:`timeline_frame` turns :func:`carnet.contrat.phases.timeline` into the frame that
:func:`carnet.contrat.charts.timeline_chart` draws and the phase table shows: dates in words,
their state (connue, incertaine, calculée, inconnue), how a calculated date was derived
(:func:`regle_fr`) and where a known one comes from. Plain text; the caller escapes it.
"""

from __future__ import annotations

import re

import pandas as pd

from carnet.contrat import texte as tx
from carnet.contrat.phases import registry
from carnet.formatting import fmt_date


def _date_text(d) -> str:
    return fmt_date(d.valeur) if d.valeur is not None else "date inconnue"


def _dates(etape) -> list:
    return [etape.debut] if etape.jalon or etape.fin is etape.debut else [etape.debut, etape.fin]


def _etat(etape) -> str:
    dates = _dates(etape)
    kinds = {d.etat for d in dates}
    if any(d.valeur is not None and d.certitude == "incertaine" for d in dates):
        return "incertaine"
    if "calculee" in kinds:
        return "calculee"
    return "connue" if "connue" in kinds else "inconnue"


_RULE = re.compile(r"\s*([a-z_]+)\.(debut|fin)\s*\+\s*(\d+)\s*ans?\s*")


def regle_fr(regle: str) -> str:
    """``signature.debut + 6 ans`` → « signature du contrat + 6 ans »."""
    m = _RULE.fullmatch(str(regle))
    if m is None:
        return str(regle)
    labels = {p.code: p.libelle for p in registry().phases}
    what = labels.get(m[1], m[1])
    what = what[0].lower() + what[1:]
    if m[2] == "fin":
        what = f"fin de « {what} »"
    n = int(m[3])
    return f"{what} + {n} an{'s' if n > 1 else ''}" if n else f"date de {what}"


def _note(etape) -> str:
    notes = []
    for d in _dates(etape):
        if d.note:
            notes.append(d.note)
        if d.etat == "calculee":
            notes.append(f"date calculée : {regle_fr(d.regle)}")
        if d.etat == "inconnue" and d.regle:
            notes.append(f"se calculera ({regle_fr(d.regle)}) quand sa date de base sera connue")
    return " ; ".join(dict.fromkeys(notes))


def _origin(etape) -> str:
    words = []
    for d in _dates(etape):
        if d.etat == "connue":
            words.append(tx.provenance(d.provenance))
        elif d.etat == "calculee":  # the base date's citation is on the base's own row
            words.append(f"Calculée : {regle_fr(d.regle)}")
    return " ; ".join(dict.fromkeys(words)) or "Aucune : ni publiée ni calculable"


def timeline_frame(etapes) -> pd.DataFrame:
    """One row per phase for :func:`carnet.contrat.charts.timeline_chart` and the table."""
    out = []
    for i, e in enumerate(etapes):
        dates = _dates(e)
        if len(dates) == 1:
            texte = _date_text(dates[0])
        elif e.debut.valeur is None and e.fin.valeur is None:
            texte = "date inconnue"
        else:
            texte = f"{_date_text(e.debut)} – {_date_text(e.fin)}"
        valued = [d.valeur for d in dates if d.valeur is not None]
        out.append({"ordre": i, "code": e.code, "phase": e.libelle,
                    "debut": valued[0] if valued else None,
                    "fin": valued[1] if len(valued) > 1 else None,
                    "etat": _etat(e), "texte": texte, "note": _note(e), "origine": _origin(e),
                    "en_cours": bool(getattr(e, "en_cours", False))})
    return pd.DataFrame(out)
