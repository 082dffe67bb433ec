"""Join diagnostics of a built pack: ``python -m carnet check --territoire nord``.

Nothing is dropped silently: unmatched codes on either side, commune mergers,
communes without territory, missing values per indicator and level, totals.
"""

from __future__ import annotations

from carnet.formatting import fmt_int, fmt_percent, fmt_value
from carnet.indicators import LEVELS, latest_of_family, registry
from carnet.pack import Pack

TOTALS = ("pop_2022", "pop_2018", "superficie", "logements_2022", "emplois_2022")


def report(pack: Pack) -> str:
    """Return the French diagnostics text of a built pack."""
    d = pack.diagnostics
    out = [f"Carnet « {pack.id} » — diagnostics de construction", ""]
    c = d["contours"]
    out.append(f"Communes : {c['communes_cog']} au COG de référence, {c['polygones']} polygones.")
    for key, label in (("sans_polygone", "communes sans polygone"),
                       ("hors_cog", "polygones hors COG")):
        out.append(f"  {label} : {', '.join(c[key]) or 'aucune'}")
    out.append(f"  communes sans territoire : {', '.join(d['sans_territoire']) or 'aucune'}")
    out.append(f"  centres des communes : {d.get('centres', '')}")
    out.append("")
    out.append("Fusions de communes postérieures au COG de référence :")
    if d["fusions"]:
        noms = pack.communes.set_index("code")["nom"]
        for new, members in d["fusions"].items():
            names = ", ".join(f"{m} {noms.get(m, '?')}" for m in members)
            out.append(f"  {new} ← {names} : les sources plus récentes publient la commune "
                       "nouvelle ; ses valeurs comptent dans les agrégats, pas dans les fiches "
                       "des anciennes communes.")
    else:
        out.append("  aucune")
    out.append("")
    noms = pack.communes.set_index("code")["nom"]
    earlier = d.get("fusions_anterieures", {})
    if earlier or d.get("scissions"):
        out.append("Changements de communes avant le COG de référence "
                   "(sources de géographie plus ancienne) :")
        for sid, chefs in earlier.items():
            for chef, olds in chefs.items():
                out.append(f"  {sid} : {', '.join(olds)} additionnée(s) dans {chef} {noms.get(chef, '?')}")
        for code, chef in d.get("scissions", {}).items():
            out.append(f"  {code} {noms.get(code, '?')} : détachée de {chef} {noms.get(chef, '?')} ; "
                       "comptée avec elle dans les agrégats, inconnue seule")
        out.append("")
    out.append("Jointures source × communes (codes inconnus / communes absentes) :")
    for sid, j in d["jointures"].items():
        out.append(f"  {sid} : {j['lignes']} lignes ; codes inconnus : "
                   f"{', '.join(j['codes_inconnus']) or 'aucun'} ; communes absentes : "
                   f"{', '.join(j['communes_absentes']) or 'aucune'}")
    out.append("")
    out.append("Couches :")
    for lid, r in d["couches"].items():
        details = ", ".join(f"{k} {v}" for k, v in r.items())
        out.append(f"  {lid} : {details}")
    out.append("")
    ctrl = d.get("controle_epci", {})
    if ctrl:
        out.append("Contrôle des contours d'EPCI (dissous des communes) contre IGN Admin Express 2025 :")
        out.append("  (1 à 3 % d'écart viennent des simplifications différentes des deux sources)")
        names = pack.table("epci").set_index("code")["nom"]
        for code, r in ctrl.items():
            if r.get("absent_de_la_reference"):
                out.append(f"  {code} {names.get(code, '')} : absent de la référence")
                continue
            ref, ours = r["part_reference_couverte"], r["part_dissoute_dans_reference"]
            flag = ("" if min(ref, ours) > 0.95
                    else "  ← écart notable : EPCI à cheval sur un autre département ?")
            out.append(f"  {code} {names.get(code, '')} : {fmt_percent(100 * ref)} du contour IGN couvert, "
                       f"{fmt_percent(100 * ours)} du contour dissous dans le contour IGN{flag}")
        out.append("")
    out.extend(_epci_membership_changes(pack))
    out.append("Valeurs manquantes (non publiées) par indicateur et maille :")
    counts = {lvl: pack.values(lvl).isna().sum() for lvl in LEVELS}
    for iid, ind in pack.indicators.items():
        parts = [f"{lvl} {int(counts[lvl][iid])}/{len(pack.values(lvl))}" for lvl in LEVELS]
        note = "" if ind.aggregable else " (non agrégeable : communes seulement)"
        if any(counts[lvl][iid] for lvl in LEVELS):
            out.append(f"  {iid} : {', '.join(parts)}{note}")
    out.append("")
    out.append("Indicateurs du registre absents de ce carnet (source non déclarée dans [sources]) : "
               + (", ".join(i for i in registry() if i not in pack.indicators) or "aucun"))
    out.append("")
    out.append(f"Totaux par maille (somme des unités ; doit égaler {pack.config.ensemble.le}) :")
    from carnet.export import export_frame

    communes = export_frame(pack, "commune", rounded=False)
    # blank on purpose: a former commune where the merged commune's row carries the value, or
    # the merged commune's row for a source that still publishes the former communes
    merged_out = communes[list(pack.indicators)].isna().mul(communes["statut"] != "commune", axis=0)
    # each at the latest vintage the pack has (the Somme: pop_2021, emplois_2018)
    for iid in dict.fromkeys(filter(None, (latest_of_family(pack.indicators, i) for i in TOTALS))):
        ind = pack.indicator(iid)
        line = []
        for lvl in LEVELS:
            v = pack.values(lvl)[iid]
            if lvl == "commune":  # with the merged communes' own rows (export rows)
                v = communes[iid].where(~merged_out[iid], 0.0)
            total = v.sum(min_count=len(v))
            line.append(f"{lvl} {fmt_value(total, ind.unit, ind.decimals)}")
        out.append(f"  {iid} : " + " ; ".join(line))
    out.append("")
    t = pack.table("territoire")
    out.append("Communes par territoire : " + ", ".join(
        f"{r.nom} {fmt_int(r.communes)}" for r in t.itertuples()))
    return "\n".join(out)


def _epci_membership_changes(pack: Pack) -> list[str]:
    """Communes whose EPCI differs between INSEE's 2022 table and the reference COG."""
    from carnet import paths
    from carnet.errors import CarnetError
    from carnet.sources import get_source

    src = get_source("insee-appartenance-geo-2022")
    title = "Appartenance aux EPCI : table INSEE 2022 contre COG de référence :"
    try:
        table = src.read(paths.sources_dir())
    except CarnetError as exc:
        return [title, f"  contrôle impossible ({exc})", ""]
    table = table[table["DEP"].isin(pack.config.dep_codes)].set_index("CODGEO")["EPCI"]
    ref = pack.communes.set_index("code")["epci"]
    common = ref.index.intersection(table.index)
    changed = [c for c in common if table[c] != ref[c]]
    lines = [title, f"  {len(common)} communes comparées ; {len(changed)} ont changé d'EPCI"]
    names = pack.communes.set_index("code")["nom"]
    for c in changed[:20]:
        lines.append(f"  {c} {names[c]} : {table[c]} (2022) → {ref[c]} (référence)")
    missing = sorted(set(ref.index) - set(table.index))
    if missing:
        lines.append(f"  absentes de la table 2022 : {', '.join(missing)}")
    return [*lines, ""]
