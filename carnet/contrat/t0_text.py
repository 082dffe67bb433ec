"""The T0 evolution as French text (:func:`carnet.contrat.t0.evolution` → table of strings).

Shared by the page « Évaluation » (:mod:`carnet.ui.contrat.evaluation`) and the PDF carnet
(:mod:`carnet.rapport`), so both print the same words and numbers. Plain text: the caller
escapes for its medium.
"""

from __future__ import annotations

import pandas as pd

from carnet import formatting
from carnet.contrat import t0 as t0mod

NBSP = "\u202f"
MINUS = "\u2212"

ETAT_TEXT = {"non_publie": "non publié", "non_agregeable": "non agrégeable"}
VERDICT_TEXT = {"favorable": "favorable", "defavorable": "défavorable", "stable": "stable",
                "neutre": "sans objet", "non_calculable": "non calculable",
                "meme_millesime": "pas de millésime plus récent"}


def fmt_level(value, state: str, unit: str, decimals: int) -> str:
    """A T0 or latest value; a blank says why (« non publié », « non agrégeable »)."""
    if value is None or pd.isna(value):
        return ETAT_TEXT.get(state, "non publié")
    return formatting.fmt_value(value, unit, decimals)


def fmt_change(change, unit: str) -> str:
    """``+2,4 %``, ``−2,7 pts``; a blank is « — »."""
    if change is None or pd.isna(change):
        return "—"
    text = formatting.fmt_number(abs(change), t0mod.CHANGE_DECIMALS)
    sign = "" if text.strip("0,") == "" else ("+" if change > 0 else MINUS)
    return f"{sign}{text}{NBSP}{unit}"


def reading(change, unit: str, verdict: str) -> str:
    """An evolution and its reading: ``−2,7 pts · favorable``; why none when there is none."""
    if verdict == "meme_millesime":
        return "— (pas de millésime plus récent)"
    if verdict == "non_calculable":
        return "non calculable"
    text = fmt_change(change, unit)
    return text if verdict == "neutre" else f"{text} · {VERDICT_TEXT[verdict]}"


def enjeux_of(r, enjeux: dict[str, str]) -> list[str]:
    """Titles of the enjeux an indicator family evidences (``pourquoi``: ``enjeu:<code>``)."""
    return [enjeux.get(w.removeprefix("enjeu:"), w.removeprefix("enjeu:"))
            for w in r.get("pourquoi", []) or [] if w.startswith("enjeu:")]


def evolution_table(ev: pd.DataFrame, territoire_nom: str, dep_titre: str,
                    enjeux: dict[str, str] | None = None) -> pd.DataFrame:
    """The evolution as French text, one row per indicator: vintages, then for the
    territoire and the département « T0 → aujourd'hui » and the change with its reading.
    ``enjeux`` (code → title) names the enjeux an indicator evidences."""
    rows = []
    for _, r in ev.iterrows():
        unit, dec = r["unite"], int(r["decimales"])
        late = " (postérieur à la signature)" if r["choix"] == "posterieur" else ""
        vintages = f"{r['t0_millesime']}{late} → {r['dernier_millesime'] or 'aucun'}"
        mark = " (indicateur d'enjeu)" if enjeux_of(r, enjeux or {}) else ""
        row = {"Indicateur": r["libelle"] + mark, "Millésimes : T0 → dernier": vintages}
        for level, nom in (("territoire", territoire_nom), ("departement", dep_titre)):
            before = fmt_level(r[f"{level}_t0"], r[f"{level}_t0_etat"], unit, dec)
            now = fmt_level(r[f"{level}_dernier"], r[f"{level}_dernier_etat"], unit, dec)
            row[f"{nom} : T0 → aujourd'hui"] = before if r[f"{level}_verdict"] == "meme_millesime" \
                else f"{before} → {now}"
            row[f"Évolution ({'territoire' if level == 'territoire' else 'département'})"] = reading(
                r[f"{level}_evolution"], r["evolution_unite"], r[f"{level}_verdict"])
        rows.append(row)
    return pd.DataFrame(rows)


def chart_frame(ev: pd.DataFrame, territoire_nom: str, dep_nom: str) -> pd.DataFrame:
    """Long frame of the small multiples: a rate as it is, a count as an index (T0 = 100)."""
    rows = []
    for _, r in ev.iterrows():
        if r["territoire_verdict"] == "meme_millesime" or r["dernier_annee"] is None:
            continue
        rate = r["unite"] in t0mod.POINT_UNITS
        panel = f"{r['libelle']}|({r['unite']})" if rate else f"{r['libelle']}|(indice, T0 = 100)"
        for level, nom in (("territoire", territoire_nom), ("departement", dep_nom)):
            base, last = r[f"{level}_t0"], r[f"{level}_dernier"]
            if base is None or last is None or pd.isna(base) or pd.isna(last) or (not rate and not base):
                continue
            points = (("T0", r["t0_annee"], r["t0_millesime"], base),
                      ("Aujourd'hui", r["dernier_annee"], r["dernier_millesime"], last))
            for moment, annee, millesime, v in points:
                shown = v if rate else v / base * 100
                rows.append({"panneau": panel, "niveau": nom, "moment": moment, "annee": int(annee),
                             "millesime": millesime, "valeur": shown,
                             "texte": formatting.fmt_value(v, r["unite"], int(r["decimales"]))})
    return pd.DataFrame(rows, columns=["panneau", "niveau", "moment", "annee", "millesime", "valeur",
                                       "texte"])
