"""The carnet's content gathered from the domain (nothing recomputed here).

Key figures :func:`carnet.fiches.key_figures`, the summary :mod:`carnet.summary`, the maps
:mod:`carnet.maps.static` (the story's map chapters, :func:`carnet.recits.recit`), the
population chart :func:`carnet.charts.population_chart` (vl-convert, offline), the contract
:mod:`carnet.contrat.phases` / :mod:`carnet.contrat.implementation` /
:mod:`carnet.contrat.progress` (words of :mod:`carnet.contrat.texte`), the mid-term review
:mod:`carnet.contrat.t0` (words of :mod:`carnet.contrat.t0_text`), heritage, culture and
environment :func:`carnet.carnets.sections.sections`, the sources
:func:`carnet.fiches.methods.sources_table`. Plain strings only: the template shows them as
text (:mod:`carnet.rapport.typst_doc`).

:func:`content` returns the JSON-able document; images are added to ``files`` (name →
PNG bytes) when a dict is given, else left out (text only).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from carnet import fiches, summary
from carnet.formatting import fmt_date, fmt_datetime, fmt_int

#: The section titles, in order (the PDF test checks each one).
SECTIONS = ("Chiffres clés", "En bref", "Cartes des communes", "Évolution de la population",
            "Le contrat de territoire", "Plan d'actions : synthèse et avancement",
            "Clause de revoyure : bilan à mi-parcours", "Patrimoine, culture et environnement",
            "Contributions des ateliers", "Sources et méthodes")


def _texte(t: str) -> dict:
    return {"type": "texte", "texte": str(t)}


def _note(t: str) -> dict:
    return {"type": "note", "texte": str(t)}


def _inter(t: str) -> dict:
    return {"type": "intertitre", "texte": str(t)}


def _liste(items) -> dict:
    return {"type": "liste", "items": [str(i) for i in items]}


def _tableau(header, rows) -> dict:
    return {"type": "tableau", "entetes": [str(h) for h in header],
            "lignes": [["" if v is None else str(v) for v in r] for r in rows]}


def _image(files: dict, name: str, data: bytes, legende: str, largeur: int = 100) -> dict:
    files[name] = data
    return {"type": "image", "fichier": name, "legende": str(legende), "largeur": largeur}


# ----------------------------------------------------------------------------- atlas


def _chiffres(pack, tid: str) -> list[dict]:
    kfs = fiches.key_figures(pack, "territoire", tid)
    return [{"type": "chiffres",
             "entetes": ["Indicateur", "Territoire", pack.config.titre, "Source et millésime"],
             "lignes": [{"libelle": k.label, "valeur": k.text, "reference": k.reference,
                         "source": k.source_short} for k in kfs]},
            _note("Sources : " + " ; ".join(dict.fromkeys(k.source for k in kfs)) + "."),
            _note("Valeurs du territoire : rapports des sommes des communes (jamais une moyenne de "
                  "taux) ; « non publié » où la source ne publie pas la valeur (secret statistique).")]


def _bref(pack, tid: str) -> list[dict]:
    paras = summary.territory_summary(pack, tid)
    if not paras:
        return [_texte("Le carnet n'a pas les indicateurs du résumé pour ce territoire.")]
    return [b for p in paras for b in (_texte(p.text), _note(f"Source : {' ; '.join(p.sources)}."))]


def map_indicators(pack, tid: str) -> list[tuple[str, str, str, str]]:
    """``(indicator id, scheme, chapter title, chapter text)`` of the story's map chapters
    (latest vintage), else the pack's default map indicator in quantiles."""
    from carnet.recits import recit

    out = []
    for ch in recit(pack, tid).chapitres:
        if ch.type != "carte_indicateur":
            continue
        vue = ch.carte
        iid = fiches.latest_vintage(pack, vue.indicateur) if vue and vue.indicateur else None
        iid = iid or fiches.default_indicator(pack, fiches.indicator_options(pack), "carte")
        if iid not in {o[0] for o in out}:
            out.append((iid, (vue.classes if vue else None) or "quantiles", ch.titre, ch.texte))
    if not out:
        out.append((fiches.default_indicator(pack, fiches.indicator_options(pack), "carte"),
                    "quantiles", "Carte des communes", ""))
    return out


def _cartes(pack, tid: str, files: dict | None) -> list[dict]:
    from carnet.maps import static

    blocs = [_texte("Les cartes du récit du territoire, commune par commune, avec les classes de la "
                    "page Territoire (5 classes) ; hachures : valeur non publiée. Lisibles en noir "
                    "et blanc : chaque classe est plus sombre que la précédente.")]
    for n, (iid, scheme, titre, texte) in enumerate(map_indicators(pack, tid), 1):
        ind = pack.indicator(iid)
        # the heading sticks to the next block: the map right under it, its texts after it
        blocs.append(_inter(titre if titre != "Carte des communes" else ind.label))
        if files is not None:
            fig = static.commune_map(pack, tid, iid, scheme)
            blocs.append(_image(files, f"carte_{n}.png", static.png(fig),
                                f"{ind.label} — source : {fiches.source_label(ind)}.", 88))
        if texte:
            blocs.append(_texte(texte))
        blocs.append(_note(f"{ind.label} : {ind.definition}"))
        if not ind.aggregable:
            blocs.append(_note(f"« {ind.label} » n'est publié qu'à l'échelle des communes : une médiane "
                               "ou un taux de pauvreté ne s'additionne pas, le Carnet ne donne donc "
                               "pas de valeur pour le territoire."))
    return blocs


def chart_png(chart, width: int | None = 470) -> bytes:
    """An Altair chart as PNG, offline (vl-convert; external data refused); ``width`` in
    pixels for a chart that stretches on screen (None: the chart's own)."""
    import vl_convert

    spec = (chart.properties(width=width) if width else chart).to_json()
    return vl_convert.vegalite_to_png(spec, scale=2, allowed_base_urls=[])


def _population(pack, tid: str, files: dict | None) -> list[dict]:
    from carnet import charts

    series = fiches.population_with_reference(pack, tid, with_departement=True)
    blocs = [_texte("Population municipale des recensements, base 100 à la première année : le "
                    "territoire comparé au département.")]
    if files is not None and not series.dropna(subset=["population"]).empty:
        blocs.append(_image(files, "population.png", chart_png(charts.population_chart(series, indexed=True)),
                            "Population (indice, base 100 à la première année du recensement)", 85))
    d = series.dropna(subset=["population"]).sort_values(["code", "annee"])
    rows = [[r["nom"], r["millesime"], r["texte"]] for _, r in d.iterrows()]
    if rows:
        blocs.append(_tableau(["Territoire", "Millésime", "Population"], rows))
    blocs.append(_note("Sources : " + " ; ".join(fiches.sources_footer(pack, fiches.population_ids(pack)))
                       + "."))
    return blocs


# ----------------------------------------------------------------------------- contract

def date_text(d) -> str:
    """A timeline date in words, with its state (« date calculée : … », « incertaine »)."""
    from carnet.contrat.frise import regle_fr

    if d.valeur is None:
        return "date inconnue"
    if d.etat == "calculee":
        return f"{fmt_date(d.valeur)} (date calculée : {regle_fr(d.regle)})"
    return fmt_date(d.valeur) + (" (date incertaine)" if d.certitude == "incertaine" else "")


def _no_contract(pack, tid: str) -> list[dict]:
    return [_texte(f"Le Carnet n'a pas de contrat de territoire pour "
                   f"{pack.config.territoire(tid).nom}.")]


def _contrat(pack, tid: str, contrat, today: date, files: dict | None) -> list[dict]:
    if contrat is None:
        return _no_contract(pack, tid)
    from carnet.contrat import texte as tx
    from carnet.contrat.charts import timeline_chart
    from carnet.contrat.frise import timeline_frame
    from carnet.contrat.implementation import orientation_labels
    from carnet.contrat.phases import statut_libelle, timeline

    tl = timeline(contrat, today=today)
    frame = timeline_frame(tl)
    blocs = [_texte(contrat.titre), _texte(f"Statut déclaré : {statut_libelle(contrat.statut)}. "
                                           f"Au {fmt_date(today)} : {tl.position.libelle}.")]
    if contrat.notes:
        blocs.append(_note(contrat.notes))
    blocs.append(_inter("Les étapes du contrat"))
    if files is not None and frame[["debut", "fin"]].notna().any().any():
        blocs.append(_image(files, "frise.png", chart_png(timeline_chart(frame, today), 380),
                            f"Les étapes du contrat ; trait rouge : aujourd'hui ({fmt_date(today)})"))
    kinds = {"calculee": "calculée", "incertaine": "incertaine"}
    blocs += [_tableau(["Phase", "Date(s)", "D'où vient la date"],
                       [[r["phase"] + (" (en cours)" if r["en_cours"] else ""),
                         r["texte"] + (f" ({kinds[r['etat']]})" if r["etat"] in kinds else ""),
                         r["origine"]] for _, r in frame.iterrows()]),
              _note("Plein : date connue ; losange et « ? » : date incertaine ; creux en pointillé : "
                    "date calculée (règle du contrat, non publiée) ; « date inconnue » : ni publiée "
                    "ni calculable, jamais inventée.")]
    for _, r in frame[frame["etat"] == "incertaine"].iterrows():
        blocs.append(_note(f"Date incertaine — {r['phase']} ({r['texte']}) : "
                           f"{(r['note'] or 'le document est ambigu').rstrip('.')}."))
    labels = orientation_labels(pack.id, contrat)
    blocs.append(_inter("Enjeux"))
    if contrat.enjeux:
        blocs.append(_liste(
            e.titre + (f" (orientations : {', '.join(labels.get(o, o) for o in e.orientations)})"
                       if e.orientations else "") for e in contrat.enjeux))
        docs = dict.fromkeys(tx.provenance(e.provenance) for e in contrat.enjeux)
        blocs.append(_note("D'où : " + " ; ".join(docs)))
    else:
        blocs.append(_texte("Le contrat ne déclare pas encore ses enjeux."))
    used = dict.fromkeys([*(o for e in contrat.enjeux for o in e.orientations),
                          *(o.code for o in contrat.orientations)])
    blocs.append(_inter("Orientations"))
    if used:
        blocs.append(_liste(labels.get(o, o) for o in used))
        own = {o.code: o for o in contrat.orientations}
        for o in own.values():
            if o.texte:
                blocs.append(_note(f"{o.libelle} : {o.texte}"))
    else:
        blocs.append(_texte("Aucune orientation rattachée aux enjeux du contrat."))
    if contrat.faits:
        blocs += [_inter("Ce que le document établit"),
                  _tableau(["Fait", "D'où"], [[f.libelle, tx.provenance(f.provenance)]
                                              for f in contrat.faits])]
    return blocs


def _share(part) -> str:
    """The Évaluation page's reading of an engaged share."""
    from carnet.formatting import fmt_percent

    if part is None:
        return "non publiée"
    if part.renseignes == 0:
        return "non renseignée"
    if part.part is None:
        n = "non publié" if part.n is None else fmt_int(part.n)
        tot = "non publié" if part.total is None else fmt_int(part.total)
        return f"{n} sur {tot}"
    return f"{fmt_percent(part.part * 100)} ({fmt_int(part.n)} sur {fmt_int(part.total)})"


def territory_projects(projets: pd.DataFrame | None, tid: str) -> pd.DataFrame | None:
    """The projects of ``tid`` among the registry's (None stays None)."""
    if projets is None:
        return None
    return projets[projets["territoire"] == tid] if "territoire" in projets else projets


def _plan(pack, tid: str, contrat, projets: pd.DataFrame | None, today: date) -> list[dict]:
    from carnet.contrat import implementation as impl
    from carnet.contrat import progress
    from carnet.contrat import texte as tx
    from carnet.projets.seed import published_totals

    blocs = []
    publies = impl.plan_totals(published_totals(pack.id, tid).get(tid))
    pub = impl.published_engaged(contrat, publies)
    if pub is not None and pub.n is not None:
        cites = dict.fromkeys(tx.provenance(c.provenance) for c in pub.chiffres)
        blocs += [_texte(f"Projets engagés selon le document publié : {fmt_int(pub.n)} sur "
                         f"{fmt_int(pub.total)}."), _note("Chiffre publié, non recalculé — "
                                                           + " ; ".join(cites))]
    else:
        blocs.append(_texte("Le contrat ne publie pas de nombre de projets engagés."))
    df = territory_projects(projets, tid)
    built = f"registre des projets du Carnet au {fmt_date(today)}"
    if df is None or df.empty:
        blocs.append(_texte("Aucun projet de ce territoire dans le registre du Plan d'actions : le "
                            "Carnet ne calcule ni part engagée ni avancement."))
        return blocs
    r = impl.implementation(df, contrat, today=today, pack_id=pack.id, publies=publies)
    a = progress.avancement(df, today)
    if r["illustratifs"]:
        blocs.append(_note(f"{fmt_int(r['illustratifs'])} projet(s) illustratif(s) compté(s) : données "
                           "fictives générées pour la démonstration, à ne pas citer."))
    blocs.append(_tableau(["Chiffre", "Valeur"], [
        ["Projets au registre du Carnet", fmt_int(r["total"])],
        ["Part engagée : registre du Carnet", _share(r["engages"])],
        ["Part engagée : publiée", _share(r["engages_publie"])],
        ["Réalisés", fmt_int(r["realises"])], ["En retard", fmt_int(r["en_retard"])],
        ["Bloqués", fmt_int(r["bloques"])],
        ["Avancement moyen", tx.progression(a)], ["Coût total", tx.budget(a) or "—"],
        ["Participation du Département", tx.departement(a) or "—"],
        ["Vigilance", tx.vigilance(a) or "—"], ["Dernière mise à jour", tx.mise_a_jour(a) or "—"]]))
    blocs.append(_note("Avancement calculé des statuts, jamais saisi (barème "
                       "carnet/data/avancement.toml) ; montants : sommes des montants connus. "
                       f"Source : {built}."))
    labels = impl.orientation_labels(pack.id, contrat)
    by_o = progress.par_orientation(df, today, list(labels))
    if by_o:
        blocs += [_inter("Par orientation"),
                  _tableau(["Orientation", "Projets", "Avancement", "Vigilance"],
                           [[labels.get(k, k) if k else "Orientation non renseignée",
                             fmt_int(v.projets), tx.progression(v), tx.vigilance(v) or "—"]
                            for k, v in by_o.items()])]
    return blocs


def _revoyure(pack, tid: str, contrat, t0: dict | None, today: date,
              files: dict | None) -> list[dict]:
    if contrat is None:
        return _no_contract(pack, tid)
    from carnet.contrat import t0 as t0mod
    from carnet.contrat.charts import evolution_chart
    from carnet.contrat.phases import timeline
    from carnet.contrat.t0_text import chart_frame, evolution_table

    tl = timeline(contrat, today=today)
    blocs = [_texte(f"Contrat signé le {date_text(tl.etape('signature').debut)} · clause de revoyure : "
                    f"{date_text(tl.etape('revoyure').debut)} · fin : {date_text(tl.etape('fin').debut)}.")]
    if t0mod.signature_date(contrat) is None:
        blocs.append(_texte("Date de signature inconnue : l'état de référence (T0) se fige à la "
                            "signature ; pas de bilan à mi-parcours."))
        return blocs
    frozen = t0 is not None
    snap = t0 if frozen else t0mod.snapshot(pack, contrat)
    blocs.append(_note(
        (f"T0 figé dans la base des contrats, à partir du carnet construit le "
         f"{fmt_datetime(snap['carnet']['construit_le'])} : une mise à jour des sources ne le "
         "réécrit pas." if frozen else
         "T0 calculé pour ce carnet à partir du carnet construit, pas encore figé dans la base des "
         "contrats.") + " " + snap["regle"]))
    ev = t0mod.evolution(pack, snap)
    if ev.empty:
        blocs.append(_texte("Aucun indicateur du T0 dans ce carnet."))
        return blocs
    nom = pack.config.territoire(tid).nom
    table = evolution_table(ev, nom, pack.config.titre, {e.code: e.titre for e in contrat.enjeux})
    blocs.append(_tableau(list(table.columns), table.itertuples(index=False)))
    blocs.append(_note("Évolution en points pour un taux ou une part, en % pour un effectif ou un "
                       "niveau ; « favorable » quand l'indicateur a évolué dans le sens souhaité, "
                       "« sans objet » quand aucun sens n'est favorable en soi. Valeurs : rapports "
                       "des sommes des communes ; « non agrégeable » : publié par commune seulement."))
    frame = chart_frame(ev, nom, pack.config.titre)
    if files is not None and not frame.empty:
        chart = evolution_chart(frame, nom, pack.config.titre)
        blocs.append(_image(files, "evolution.png", chart_png(chart, width=None),
                            "T0 et aujourd'hui : un taux tel quel, un effectif en indice (T0 = 100)"))
    cites = list(dict.fromkeys([*ev["t0_citation"], *ev["dernier_citation"].dropna()]))
    blocs.append(_note("Sources : " + " ; ".join(cites) + "."))
    return blocs


# ----------------------------------------------------------------------------- the rest


def _sections(pack, tid: str) -> list[dict]:
    from carnet.carnets.sections import sections

    blocs = []
    for s in sections(pack, tid):
        blocs.append(_inter(s.titre))
        blocs.append(_liste(s.phrases) if s.phrases else _texte("Rien de recensé dans ce carnet."))
        blocs += [_note(m) for m in s.manquants]
        if s.sources:
            blocs.append(_note("Sources : " + " ; ".join(s.sources) + "."))
    return blocs


def _when(v) -> str:
    if isinstance(v, date):
        return fmt_date(v)
    return "" if v is None else str(v)


def _contributions(contributions: list[dict] | None) -> list[dict]:
    if not contributions:
        return [_texte("Aucune contribution publiée pour l'instant : elles apparaissent ici une fois "
                       "modérées.")]
    return [_texte("Contributions des participants aux ateliers, après modération, telles qu'écrites."),
            _tableau(["Catégorie", "Contribution", "Pseudonyme", "Date"],
                     [[c.get("categorie", ""), c.get("texte", ""), c.get("pseudonyme", ""),
                       _when(c.get("date"))] for c in contributions])]


def _sources(pack) -> list[dict]:
    from carnet.fiches.methods import open_data_credit, sources_table

    srcs = sources_table(pack)
    return [
        _texte("Chaque chiffre de ce carnet vient du carnet construit du "
               f"{pack.config.titre} (python -m carnet build), le même que l'application et "
               "l'export (python -m carnet export). Valeurs d'un territoire ou du département : "
               "rapports des sommes des communes, jamais une moyenne de taux ; une médiane ou un taux "
               "de pauvreté n'est publié que par commune. Une valeur que la source ne publie pas "
               "(secret statistique) est « non publié », jamais 0. Codes INSEE des communes : "
               "géographie du COG de référence du carnet."),
        _texte("Cartes : classes de la page Territoire (quantiles, seuils naturels ou intervalles "
               "égaux ; 5 classes), palette séquentielle YlGnBu (ColorBrewer), dont chaque classe "
               "est plus sombre que la précédente ; sans fond de carte."),
        _texte(open_data_credit(pack)),
        _tableau(["Source", "Producteur", "Millésime", "Licence"],
                 [[r["Source"], r["Producteur"], r["Millésime"], r["Licence"]]
                  for _, r in srcs.iterrows()]),
    ]


def content(pack, tid: str, *, contrat=None, projets: pd.DataFrame | None = None,
            t0: dict | None = None, contributions: list[dict] | None = None,
            today: date | None = None, files: dict[str, bytes] | None = None) -> dict:
    """The JSON-able content of territoire ``tid``'s carnet (see :mod:`carnet.rapport.typst_doc`).

    Parameters
    ----------
    pack : carnet.pack.Pack
    tid : str
        A territoire of the pack.
    contrat : carnet.contrat.model.Contrat, optional
        Its contract (store, else seed); None: the contract sections say there is none.
    projets : DataFrame, optional
        The registry's projects (filtered on ``tid``).
    t0 : dict, optional
        The contract's frozen T0 (store); None: computed for the carnet and said so.
    contributions : list of dict, optional
        Approved contributions (``categorie``, ``texte``, ``pseudonyme``, ``date``), plain text.
    today : date, optional
        Generation date (default: today in Paris); decides « en retard » and the phase.
    files : dict, optional
        Receives the images (name → PNG bytes); None: no image (text only).
    """
    from carnet.contrat.progress import today_paris
    from carnet.fiches.methods import open_data_credit

    today = today or today_paris()
    nom = fiches.territory_options(pack)[tid]
    communes = fiches.territory_communes(pack, tid)["code"]
    body = {
        "Chiffres clés": _chiffres(pack, tid),
        "En bref": _bref(pack, tid),
        "Cartes des communes": _cartes(pack, tid, files),
        "Évolution de la population": _population(pack, tid, files),
        "Le contrat de territoire": _contrat(pack, tid, contrat, today, files),
        "Plan d'actions : synthèse et avancement": _plan(pack, tid, contrat, projets, today),
        "Clause de revoyure : bilan à mi-parcours": _revoyure(pack, tid, contrat, t0, today, files),
        "Patrimoine, culture et environnement": _sections(pack, tid),
        "Contributions des ateliers": _contributions(contributions),
        "Sources et méthodes": _sources(pack),
    }
    return {
        "surtitre": f"Carnet de territoire · {pack.config.titre}",
        "titre": nom,
        "sous_titre": f"{pack.config.perimetre.get('libelle', 'Territoire de contrat')} du "
                      f"{pack.config.titre} · {fiches.communes_count(pack, communes)}",
        "mention": f"Généré le {fmt_date(today)} · {open_data_credit(pack)}",
        "genere_le": f"{nom} · généré le {fmt_date(today)}",
        "sections": [{"titre": t, "blocs": body[t]} for t in SECTIONS],
    }
