"""A story resolved into slides: every figure formatted by the domain, every string plain text.

One builder per chapter type (:data:`_BUILDERS`, the keys of ``carnet/data/chapitres.toml``).
A builder never computes a figure itself: key figures come from :mod:`carnet.fiches`, the
summary from :mod:`carnet.summary`, the contract's figures from :mod:`carnet.contrat`, the
heritage from :mod:`carnet.carnets.sections`. What a chapter lacks (no contract, no project,
no contribution yet) is said on the slide in words.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd

from carnet.formatting import fmt_date, fmt_int, fmt_percent
from carnet.recits.model import Chapitre, Chiffre, Diapositive, Recit


def _figure(kf, ctx) -> Chiffre:
    return Chiffre(libelle=kf.label, valeur=kf.text, reference=kf.reference, source=kf.source_short,
                   reference_libelle=ctx["pack"].config.titre)


def _territoire(ctx, ch: Chapitre) -> dict:
    from carnet import fiches

    p, tid = ctx["pack"], ctx["territoire"]
    t = p.config.territoire(tid)
    epcis = fiches.units(p, "epci")
    communes = fiches.territory_communes(p, tid)["code"]
    pop = fiches.key_figures(p, "territoire", tid, ["population"])
    return {
        "texte": ch.texte or f"{t.nom}, territoire du {p.config.titre} : "
                              f"{fiches.communes_count(p, communes)}.",
        "points": tuple(f"EPCI : {epcis.get(e, e)}" for e in t.epcis),
        "chiffres": tuple(_figure(k, ctx) for k in pop),
        "sources": tuple(k.source for k in pop),
    }


def _chiffres_cles(ctx, ch: Chapitre) -> dict:
    from carnet import fiches

    kfs = fiches.key_figures(ctx["pack"], "territoire", ctx["territoire"], list(ch.chiffres) or None)
    return {"chiffres": tuple(_figure(k, ctx) for k in kfs),
            "sources": tuple(dict.fromkeys(k.source for k in kfs))}


def _en_bref(ctx, ch: Chapitre) -> dict:
    from carnet import summary

    paras = summary.territory_summary(ctx["pack"], ctx["territoire"])
    return {"texte": "\n\n".join(filter(None, [ch.texte, *(p.text for p in paras)])),
            "sources": tuple(dict.fromkeys(s for p in paras for s in p.sources))}


def _carte_indicateur(ctx, ch: Chapitre) -> dict:
    from carnet import fiches

    p, tid = ctx["pack"], ctx["territoire"]
    vue = ch.carte
    iid = fiches.latest_vintage(p, vue.indicateur) if vue and vue.indicateur else None
    if iid is None:
        iid = fiches.default_indicator(p, fiches.indicator_options(p), "carte")
    vue = replace(vue, indicateur=iid)
    ind = p.indicator(iid)
    kfs = fiches.key_figures(p, "territoire", tid, list(ch.chiffres) or [iid]) if ind.aggregable else []
    notes = () if ind.aggregable else (
        f"« {ind.label} » n'est publié qu'à l'échelle des communes : une médiane ou un taux de "
        "pauvreté ne s'additionne pas, le Carnet ne donne donc pas de valeur pour le territoire.",)
    return {"titre": ch.titre if ch.titre != "Carte des communes" else ind.label,
            "texte": ch.texte or ind.definition, "carte": vue, "notes": notes,
            "chiffres": tuple(_figure(k, ctx) for k in kfs),
            "sources": tuple(dict.fromkeys([fiches.source_label(ind), *(k.source for k in kfs)]))}


def _population(ctx, ch: Chapitre) -> dict:
    from carnet import charts, fiches

    p, tid = ctx["pack"], ctx["territoire"]
    series = fiches.population_with_reference(p, tid, with_departement=True)
    return {"graphique": charts.population_chart(series, indexed=True),
            "texte": ch.texte or "Population des recensements, base 100 à la première année : "
                                 "le territoire comparé au département.",
            "sources": tuple(fiches.sources_footer(p, fiches.population_ids(p)))}


def _section(section_id: str):
    def build(ctx, ch: Chapitre) -> dict:
        from carnet.carnets.sections import sections

        sec = next(s for s in sections(ctx["pack"], ctx["territoire"]) if s.id == section_id)
        return {"texte": ch.texte, "points": sec.phrases, "notes": sec.manquants,
                "sources": sec.sources}
    return build


def _no_contract(ctx) -> dict:
    name = ctx["pack"].config.territoire(ctx["territoire"]).nom
    return {"texte": f"Le Carnet n'a pas de contrat de territoire pour {name}."}


def _enjeux(ctx, ch: Chapitre) -> dict:
    c = ctx["contrat"]
    if c is None:
        return _no_contract(ctx)
    from carnet.contrat.implementation import orientation_labels

    libelles = orientation_labels(ctx["pack"].id, c)
    points = tuple(
        e.titre + (f" (orientations : {', '.join(libelles.get(o, o) for o in e.orientations)})"
                   if e.orientations else "")
        for e in c.enjeux)
    docs = {e.provenance.citation.document for e in c.enjeux
            if e.provenance.kind == "document" and e.provenance.citation}
    return {"texte": ch.texte or (f"{len(c.enjeux)} enjeux retenus par le contrat." if c.enjeux
                                  else "Le contrat ne déclare pas encore ses enjeux."),
            "points": points, "sources": tuple(sorted(docs))}


def _contributions(ctx, ch: Chapitre) -> dict:
    df = ctx["contributions"]
    if isinstance(df, list):  # carnet.ateliers.approved gives a list of dicts
        df = pd.DataFrame(df)
    if df is None or len(df) == 0:
        return {"texte": ch.texte or "Aucune contribution publiée pour l'instant : elles "
                                     "apparaissent ici une fois modérées."}
    label = "categorie_libelle" if "categorie_libelle" in df else "categorie"
    counts = df[label].astype(str).value_counts()
    return {"texte": ch.texte,
            "chiffres": tuple(Chiffre(libelle=str(k), valeur=fmt_int(v)) for k, v in counts.items()),
            "points": tuple(str(t) for t in df["texte"].head(6)),
            "sources": ("Contributions des participants aux ateliers, après modération",)}


def _projects(ctx) -> pd.DataFrame | None:
    df = ctx["projets"]
    if df is None:
        return None
    return df[df["territoire"] == ctx["territoire"]] if "territoire" in df else df


def _published(ctx) -> tuple[list[Chiffre], list[str]]:
    """The contract's published counts of its action plan (« 280 projets inscrits »…)."""
    from carnet.contrat.implementation import published_engaged

    pub = published_engaged(ctx["contrat"]) if ctx["contrat"] is not None else None
    if pub is None or pub.n is None:
        return [], []
    docs = sorted({c.provenance.citation.document for c in pub.chiffres if c.provenance.citation})
    return [Chiffre("Projets engagés selon le document publié",
                    f"{fmt_int(pub.n)} sur {fmt_int(pub.total)}", source="Chiffre publié")], docs


def _plan_actions(ctx, ch: Chapitre) -> dict:
    from carnet.contrat.implementation import implementation

    chiffres, sources = _published(ctx)
    df = _projects(ctx)
    if df is None or df.empty:
        return {"texte": ch.texte or "Aucun projet de ce territoire dans le registre du Plan d'actions.",
                "chiffres": tuple(chiffres), "sources": tuple(sources), "carte": None,
                "notes": ("Le registre du Plan d'actions ne contient encore aucun projet de ce "
                          "territoire.",)}
    imp = implementation(df, ctx["contrat"], today=ctx["today"], pack_id=ctx["pack"].id)
    eng = imp["engages"]
    chiffres += [Chiffre("Projets au registre", fmt_int(imp["total"]), source="Registre du Plan d'actions"),
                 Chiffre("Engagés, en cours ou réalisés au registre",
                         fmt_percent(eng.part * 100 if eng.part is not None else None),
                         source="Registre du Plan d'actions")]
    notes = (f"{fmt_int(imp['illustratifs'])} projets illustratifs (inventés, signalés comme tels).",) \
        if imp["illustratifs"] else ()
    return {"texte": ch.texte, "chiffres": tuple(chiffres),
            "sources": tuple(["Registre du Plan d'actions du Carnet", *sources]), "notes": notes}


def _avancement(ctx, ch: Chapitre) -> dict:
    from carnet.contrat.progress import avancement

    df = _projects(ctx)
    if df is None or df.empty:
        return {"texte": ch.texte or "Sans projet au registre, le Carnet ne calcule pas d'avancement."}
    a = avancement(df, ctx["today"])
    return {"texte": ch.texte or "Avancement calculé des statuts des projets (jamais saisi).",
            "chiffres": (
                Chiffre("Avancement moyen", fmt_percent(a.avancement), source="Registre du Plan d'actions"),
                Chiffre("Projets sans statut", fmt_int(a.sans_statut)),
                Chiffre("En retard", fmt_int(a.en_retard)),
                Chiffre("Bloqués", fmt_int(a.bloques))),
            "sources": ("Registre du Plan d'actions ; barème carnet/data/avancement.toml",)}


def _when(d) -> str:
    """A timeline date in words, saying when it is computed rather than known."""
    if d.valeur is None:
        return "date inconnue"
    return fmt_date(d.valeur) + (" (date calculée)" if d.etat == "calculee" else "")


def _revoyure(ctx, ch: Chapitre) -> dict:
    from carnet.contrat.phases import timeline

    c = ctx["contrat"]
    if c is None:
        return _no_contract(ctx)
    tl = timeline(c, today=ctx["today"])
    rev = next((e for e in tl if e.code == "revoyure"), None)
    when = _when(rev.debut) if rev is not None else "date inconnue"
    points = tuple(f"{e.libelle} : {_when(e.debut)}" for e in tl)
    return {"texte": ch.texte or f"Clause de revoyure (mi-parcours) : {when}. L'état de référence "
                                 "(T0) est comparé au dernier millésime sur la page Évaluation.",
            "points": points, "sources": ("Contrat de territoire (phases et dates)",)}


_BUILDERS = {
    "territoire": _territoire,
    "chiffres_cles": _chiffres_cles,
    "en_bref": _en_bref,
    "carte_indicateur": _carte_indicateur,
    "population": _population,
    "patrimoine": _section("histoire"),
    "culture": _section("culture"),
    "environnement": _section("environnement"),
    "enjeux": _enjeux,
    "contributions": _contributions,
    "plan_actions": _plan_actions,
    "avancement": _avancement,
    "revoyure": _revoyure,
}


def diapositives(pack, recit: Recit, *, contrat=None, projets: pd.DataFrame | None = None,
                 contributions: pd.DataFrame | list[dict] | None = None,
                 today: date | None = None
                 ) -> list[Diapositive]:
    """The slides of ``recit``, one per chapter, in order.

    Parameters
    ----------
    pack : carnet.pack.Pack
    recit : Recit
        From :func:`carnet.recits.recit`.
    contrat : carnet.contrat.model.Contrat, optional
        The territoire's contract (store, else seed); None: the contract slides say so.
    projets : DataFrame, optional
        The registry's projects (``ProjetRepository.dataframe``); filtered on the territoire.
    contributions : DataFrame or list of dict, optional
        Approved contributions (``categorie``, ``texte``, ``pseudonyme``, ``lon``, ``lat``;
        counted by ``categorie_libelle`` when given): :func:`carnet.ateliers.approved`.
    today : date, optional
        Decides « en retard » and today's phase (default: today in Paris).
    """
    from carnet.contrat.progress import today_paris

    ctx = {"pack": pack, "territoire": recit.territoire, "contrat": contrat, "projets": projets,
           "contributions": contributions, "today": today or today_paris()}
    out = []
    for n, ch in enumerate(recit.chapitres, 1):
        built = {"titre": ch.titre, "texte": ch.texte, "carte": ch.carte,
                 **_BUILDERS[ch.type](ctx, ch)}
        out.append(Diapositive(numero=n, id=ch.id, partie=ch.partie, **built))
    return out
