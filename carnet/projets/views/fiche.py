"""A project's fiche: label/value pairs, plain text."""

from __future__ import annotations

from carnet.formatting import fmt_datetime, fmt_number
from carnet.projets import fields
from carnet.projets.constants import (
    CATEGORIES,
    MODES,
    NATURES,
    NON_RENSEIGNE,
    STATUTS,
)
from carnet.projets.orientations import orientations
from carnet.projets.territory import TerritoryContext
from carnet.projets.views.dashboard import fmt_euros


def fmt_coordinates(lon, lat) -> str:
    """``50,17217° N, 3,23456° E`` (French decimal comma; W / S for negative values)."""
    ns = "N" if lat >= 0 else "S"
    ew = "E" if lon >= 0 else "O"
    return f"{fmt_number(abs(lat), 5)}° {ns}, {fmt_number(abs(lon), 5)}° {ew}"


def fiche(p: dict, ctx: TerritoryContext | None = None) -> list[tuple[str, str]]:
    """Label/value pairs of a project's fiche (plain text; the page must not render HTML)."""
    from carnet.projets.validation import is_blank

    p = {k: (None if is_blank(v) else v) for k, v in p.items()}
    commune = p.get("commune")
    if commune and ctx is not None and commune in ctx.by_code:
        commune = f"{ctx.by_code[commune].get('nom')} ({commune})"
    loc = (fmt_coordinates(p["lon"], p["lat"]) if p.get("lon") is not None and p.get("lat") is not None
           else "À localiser")
    years = "–".join(str(int(y)) for y in (p.get("annee_debut"), p.get("annee_fin")) if y) or "—"

    def lab(vocab, key):
        return vocab.get(p.get(key), NON_RENSEIGNE) if p.get(key) else NON_RENSEIGNE

    values = {
        "titre": p.get("titre"), "description": p.get("description"),
        "territoire": (ctx.territoires.get(p.get("territoire"), p.get("territoire"))
                       if ctx else p.get("territoire")),
        "commune": commune,
        "orientation": lab(orientations(ctx.pack_id if ctx else p.get("pack")).labels,
                           "orientation"),
        "enjeu": p.get("enjeu"), "categorie": lab(CATEGORIES, "categorie"),
        "nature": lab(NATURES, "nature"), "mode": lab(MODES, "mode"),
        "statut": lab(STATUTS, "statut"), "maitre_ouvrage": p.get("maitre_ouvrage"),
        "partenaires": p.get("partenaires"), "cout_total": fmt_euros(p.get("cout_total")),
        "participation_cd": fmt_euros(p.get("participation_cd")), "source": p.get("source"),
        "ref": p.get("ref"),
        "illustratif": "Oui (projet fictif)" if p.get("illustratif") else "Non",
    }
    # labels from the fields table; the rows made of several fields are the fiche's own
    shown = {name: (fields.champ(name).fiche_label, value) for name, value in values.items()}
    rows = [
        *(shown[n] for n in ("titre", "description", "territoire", "commune")),
        ("Localisation", loc),
        *(shown[n] for n in ("orientation", "enjeu", "categorie", "nature", "mode", "statut",
                             "maitre_ouvrage", "partenaires", "cout_total", "participation_cd")),
        ("Années", years),
        *(shown[n] for n in ("source", "ref", "illustratif")),
        ("Version", str(p.get("version"))),
        ("Dernière modification",
         f"{fmt_datetime(p.get('updated_at'), naive_utc=True)} par {p.get('updated_by') or 'inconnu'}"),
    ]
    return [(k, "—" if v in (None, "") else str(v)) for k, v in rows]
