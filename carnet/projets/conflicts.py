"""Two editors on one project: what each changed, and the side-by-side comparison.

An editor edits from a *base* version (the one they opened). When they save, their
*changes* are the fields whose value differs from the base; if someone saved in the
meantime (*theirs*), re-applying means writing those changes, and only those, on top
of *theirs*: fields the other editor changed and this one did not keep the other
editor's value. Pure functions (no Streamlit); labels and values as in the fiche.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from carnet.formatting import fmt_datetime
from carnet.projets.fields import EDITABLE_FIELDS

#: Fiche rows left out of the comparison (bookkeeping, always different).
_SKIP_ROWS = {"Version", "Dernière modification"}


def fmt_moment(value: Any) -> str:
    """French date and time, Paris time: ``"1er décembre 2026 à 22 h 05"``.

    Parameters
    ----------
    value : datetime or str
        A timestamp (ISO string as stored in the snapshots); naive means UTC.
    """
    return fmt_datetime(value, naive_utc=True)


def _same(a: Any, b: Any) -> bool:
    blank = (None, "")
    if a in blank and b in blank:
        return True
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9)
    return a == b


def changed_fields(base: dict, clean: dict) -> dict:
    """Fields of ``clean`` (a validated record) whose value differs from ``base``.

    Parameters
    ----------
    base : dict
        The version the editor started from.
    clean : dict
        The editor's input, validated (``ProjetRepository.validate``).

    Returns
    -------
    dict
        field → new value, editable fields only, in model order.
    """
    return {k: clean.get(k) for k in EDITABLE_FIELDS
            if k in clean and not _same(base.get(k), clean.get(k))}


def editable(projet: dict) -> dict:
    """The editable fields of a stored project."""
    return {k: projet.get(k) for k in EDITABLE_FIELDS}


def comparison(base: dict, mine: dict, theirs: dict, merged: dict | None, ctx=None,
               who: str = "l'autre éditeur") -> pd.DataFrame:
    """Side-by-side table of a conflict, one row per fiche line that differs.

    Parameters
    ----------
    base, mine, theirs : dict
        The version the editor started from, their input (full record), the stored one.
    merged : dict or None
        What re-applying would store (None if it would not be valid).
    ctx : TerritoryContext, optional
        For commune and contract names.
    who : str
        Who saved ``theirs`` (column header).

    Returns
    -------
    pandas.DataFrame
        Columns ``Champ``, ``Modifié par``, ``Version de départ``, ``Votre saisie``,
        ``Version enregistrée (<who>)``, ``Si vous réappliquez``; plain text values.
    """
    from carnet.projets.views import fiche

    def rows(p):
        return dict(fiche(p, ctx)) if p is not None else {}

    b, m, t = rows(base), rows(mine), rows(theirs)
    r = rows(merged)
    out = []
    for label in b:
        if label in _SKIP_ROWS or b[label] == m.get(label) == t.get(label):
            continue
        mine_changed, theirs_changed = b[label] != m.get(label), b[label] != t.get(label)
        by = ("vous et " + who if mine_changed and theirs_changed
              else "vous" if mine_changed else who)
        out.append({"Champ": label, "Modifié par": by, "Version de départ": b[label],
                    "Votre saisie": m.get(label, "—"),
                    f"Version enregistrée ({who})": t.get(label, "—"),
                    "Si vous réappliquez": r.get(label, "non valide") if r else "non valide"})
    cols = ["Champ", "Modifié par", "Version de départ", "Votre saisie",
            f"Version enregistrée ({who})", "Si vous réappliquez"]
    return pd.DataFrame(out, columns=cols)


def changes_table(base: dict, mine: dict, ctx=None) -> pd.DataFrame:
    """The editor's input next to the version they started from (changed lines only)."""
    from carnet.projets.views import fiche

    b, m = dict(fiche(base, ctx)), dict(fiche(mine, ctx))
    out = [{"Champ": k, "Version de départ": v, "Votre saisie": m.get(k, "—")}
           for k, v in b.items() if k not in _SKIP_ROWS and v != m.get(k)]
    return pd.DataFrame(out, columns=["Champ", "Version de départ", "Votre saisie"])


def deleted_message(projet: dict) -> str:
    """``"Le projet n°3 a été supprimé par alice le 1er décembre 2026 à 22 h 05"``."""
    who = projet.get("deleted_by") or "un autre utilisateur"
    return (f"Le projet n°{projet.get('id')} a été supprimé par {who} le "
            f"{fmt_moment(projet.get('deleted_at'))}")
