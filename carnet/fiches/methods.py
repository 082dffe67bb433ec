"""The Sources et méthodes page: sources, indicator definitions, perimeters, mergers, joins."""

from __future__ import annotations

import pandas as pd

from carnet.fiches.citations import source_label
from carnet.fiches.merged import merged_name, merged_year
from carnet.formatting import fmt_number
from carnet.pack import Pack
from carnet.sources import catalogue

CHECK_SOURCES = ("insee-appartenance-geo-2022",)  # read by `carnet check` (EPCI membership)


def source_ids(pack: Pack) -> list[str]:
    """Ids of the sources the pack uses (statistics, geography, layers, controls of ``check``)."""
    from carnet.layers import layer_registry

    cfg = pack.config
    ids = [cfg.contours, cfg.cog, *filter(None, [cfg.cog_recent]), *cfg.sources]
    for lid in pack.layer_ids:
        spec = layer_registry()[lid]
        ids += [spec["source"], *filter(None, [spec.get("locations")])]
    # controls of the build (the pack's EPCI outlines, if any; EPCI membership)
    ids += [*filter(None, [cfg.controle_epci]), *CHECK_SOURCES]
    cat = catalogue()
    return [s for s in dict.fromkeys(ids) if s in cat]


def sources_table(pack: Pack) -> pd.DataFrame:
    """Sources used by the pack (statistics, geography, layers, and the controls of ``check``)."""
    cat = catalogue()
    rows = [
        {"Source": cat[s].titre, "Producteur": cat[s].producteur, "Millésime": cat[s].millesime,
         "Licence": cat[s].licence, "Lien": cat[s].url, "Identifiant": s}
        for s in source_ids(pack)
    ]
    return pd.DataFrame(rows)


def open_data_credit(pack: Pack) -> str:
    """« Données ouvertes : INSEE, IGN, … » — the bodies whose data this pack shows, in order."""
    cat = catalogue()
    bodies = dict.fromkeys(cat[s].organisme for s in source_ids(pack))
    return f"Données ouvertes : {', '.join(bodies)}."


def indicators_table(pack: Pack) -> pd.DataFrame:
    """Every indicator with its theme, unit, definition, rule, source and vintage."""
    rows = [
        {"Thème": ind.theme, "Indicateur": ind.label, "Unité": ind.unit,
         "Définition": ind.definition, "Agrégation": ind.rule_label,
         "Source": source_label(ind), "Identifiant": iid}
        for iid, ind in pack.indicators.items()
    ]
    return pd.DataFrame(rows)


def territory_epcis(pack: Pack) -> pd.DataFrame:
    """Each contract territory with its EPCI and commune counts (the perimeter approximation)."""
    epci = pack.table("epci").set_index("code")
    rows = []
    for t in pack.territoires:
        for e in t.epcis:
            rows.append({"Territoire": t.nom, "EPCI": str(epci["nom"].get(e, e)), "SIREN": e,
                         "Communes retenues": int(epci["communes"].get(e, 0)),
                         "Communes de l'EPCI": int(epci["communes_total"].get(e, 0))})
    return pd.DataFrame(rows)


def mergers_table(pack: Pack) -> pd.DataFrame:
    """Commune mergers found at build time: merged commune, first year published, former communes."""
    names = pack.table("commune").set_index("code")["nom"]
    fus = pack.diagnostics.get("fusions", {}) or {}
    cols = ["Commune nouvelle", "Publiée depuis", "Communes d'origine (COG de référence)"]
    rows = [
        {cols[0]: f"{merged_name(pack, code)} ({code})",
         cols[1]: str(merged_year(pack, code) or "—"),
         cols[2]: ", ".join(f"{names.get(c, c)} ({c})" for c in olds)}
        for code, olds in fus.items()
    ]
    return pd.DataFrame(rows, columns=cols)


def missing_joins(pack: Pack) -> pd.DataFrame:
    """Per statistical source: rows read and communes absent (build diagnostics)."""
    j = pack.diagnostics.get("jointures", {}) or {}
    rows = [
        {"Source": sid, "Lignes lues": fmt_number(d.get("lignes")),
         "Communes absentes": ", ".join(d.get("communes_absentes", [])) or "aucune",
         "Codes inconnus": ", ".join(d.get("codes_inconnus", [])) or "aucun"}
        for sid, d in j.items()
    ]
    return pd.DataFrame(rows)
