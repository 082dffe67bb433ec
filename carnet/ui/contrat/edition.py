"""Editors' forms of the Contrat page: phases, instances, réunions, enjeux.

Only shown to a role with the ``edit`` permission (``carnet.auth``); the store checks it
again on every write. Input is checked here first (:func:`check_phase` … pure functions
returning the record or French reasons), so a refused form keeps what was typed and says
why; an entry is recorded as « saisie de <user> le <date> ». A stale version (someone saved
in the meantime) gets the store's conflict message, as projects do: nothing is overwritten.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime

import streamlit as st

from carnet.contrat import texte as tx
from carnet.contrat.model import (
    COTES,
    NIVEAUX,
    Contrat,
    DateConnue,
    Enjeu,
    Instance,
    Phase,
    Provenance,
    Reunion,
)
from carnet.errors import CarnetError
from carnet.formatting import fmt_date
from carnet.projets.constants import ANNEE_MAX, ANNEE_MIN
from carnet.text import fold
from carnet.ui.contrat import data
from carnet.ui.plain import md

LIBELLE_MAX = 200
OBJET_MAX = 500
TEXTE_MAX = 5000
NOTE_MAX = 1000
FLASH = "contrat_flash"
#: Session keys of the versions the editor opened forms on.
BASE = "ct_opened_"


def _saisie(user: str) -> Provenance:
    return Provenance(kind="saisie", user=user, at=datetime.now(UTC))


def _text(value, name: str, limit: int, errors: list[str], required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors.append(f"{name} : obligatoire")
    if len(text) > limit:
        errors.append(f"{name} : {len(text)} caractères, {limit} au plus (rien n'est coupé : "
                      "raccourcissez le texte)")
    return text


def _year_ok(d: date | None, name: str, errors: list[str]) -> None:
    if d is not None and not ANNEE_MIN <= d.year <= ANNEE_MAX:
        errors.append(f"{name} : l'année {d.year} est hors de {ANNEE_MIN}–{ANNEE_MAX}")


def code_of(libelle: str) -> str:
    """A stable code from a label: « Comité de pilotage » → ``comite_de_pilotage``."""
    return re.sub(r"[^a-z0-9]+", "_", fold(libelle)).strip("_")[:64] or "instance"


def check_phase(code: str, debut: date | None, fin: date | None, certitude: str, note: str,
                user: str, base: Phase | None = None) -> tuple[Phase | None, list[str]]:
    """A phase from the form, or the French reasons it is refused."""
    errors: list[str] = []
    codes = list(data.phase_labels())
    if code not in codes:
        errors.append(f"Phase : « {code} » n'est pas une phase du contrat")
    note = _text(note, "Note", NOTE_MAX, errors)
    _year_ok(debut, "Début", errors)
    _year_ok(fin, "Fin", errors)
    if debut and fin and fin < debut:
        errors.append(f"Fin : le {fmt_date(fin)} précède le début ({fmt_date(debut)})")
    if certitude == "incertaine" and not note:
        errors.append("Note : dites pourquoi la date est incertaine (ce que dit le document)")
    if certitude not in ("certaine", "incertaine"):
        errors.append("Certitude : « certaine » ou « incertaine »")
    if errors:
        return None, errors
    prov = _saisie(user)

    def keep(old: DateConnue | None, new: date | None) -> DateConnue | None:
        if new is None:
            return None
        if old is not None and old.valeur == new and old.certitude == certitude and old.note == note:
            return old  # unchanged: keeps its citation
        return DateConnue(new, prov, certitude, note)

    base = base or Phase(code)
    return replace(base, debut=keep(base.debut, debut), fin=keep(base.fin, fin)), []


def check_instance(libelle: str, cote: str, niveau: str, user: str,
                   contrat: Contrat, base: Instance | None = None) -> tuple[Instance | None, list[str]]:
    errors: list[str] = []
    libelle = _text(libelle, "Nom de l'instance", LIBELLE_MAX, errors, required=True)
    if cote not in COTES:
        errors.append("Côté : interne ou partenarial")
    if niveau not in NIVEAUX:
        errors.append("Niveau : politique, technique ou aucun")
    if cote == "interne" and niveau:
        errors.append("Niveau : seules les instances partenariales ont un niveau (politique ou technique)")
    code = base.code if base else code_of(libelle)
    if base is None and any(i.code == code or fold(i.libelle) == fold(libelle) for i in contrat.instances):
        errors.append(f"Nom de l'instance : « {libelle} » existe déjà dans ce contrat")
    if errors:
        return None, errors
    return Instance(code, libelle, cote, niveau, _saisie(user)), []


def check_reunion(jour: date | None, instance: str | None, objet: str, document: str, user: str,
                  contrat: Contrat, base: Reunion | None = None) -> tuple[Reunion | None, list[str]]:
    errors: list[str] = []
    if jour is None:
        errors.append("Date : obligatoire")
    _year_ok(jour, "Date", errors)
    if instance not in {i.code for i in contrat.instances}:
        errors.append("Instance : choisissez une instance du contrat (onglet Instances pour en ajouter)")
    objet = _text(objet, "Objet", OBJET_MAX, errors, required=True)
    document = _text(document, "Document", OBJET_MAX, errors)
    if errors:
        return None, errors
    if base is not None:
        return replace(base, date=jour, instance=instance, objet=objet, document=document,
                       provenance=_saisie(user)), []
    return Reunion(jour, instance, objet, document, _saisie(user)), []


def check_enjeu(titre: str, texte: str, indicateurs, orientations, user: str, contrat: Contrat,
                known_indicators, known_orientations, base: Enjeu | None = None
                ) -> tuple[Enjeu | None, list[str]]:
    errors: list[str] = []
    titre = _text(titre, "Titre de l'enjeu", LIBELLE_MAX, errors, required=True)
    texte = _text(texte, "Texte", TEXTE_MAX, errors)
    bad = [i for i in indicateurs if i not in set(known_indicators)]
    if bad:
        errors.append(f"Indicateurs inconnus : {', '.join(bad)}")
    bad = [o for o in orientations if o not in set(known_orientations)]
    if bad:
        errors.append(f"Orientations inconnues : {', '.join(bad)}")
    others = [e for e in contrat.enjeux if base is None or e.code != base.code]
    if any(fold(e.titre) == fold(titre) for e in others):
        errors.append(f"Titre de l'enjeu : « {titre} » existe déjà dans ce contrat")
    if errors:
        return None, errors
    if base is not None:
        return replace(base, titre=titre, texte=texte, indicateurs=tuple(indicateurs),
                       orientations=tuple(orientations), provenance=_saisie(user)), []
    code = code_of(titre)
    taken = {e.code for e in contrat.enjeux}
    n, unique = 2, code
    while unique in taken:
        unique, n = f"{code}_{n}", n + 1
    return Enjeu(unique, titre, texte, tuple(indicateurs), tuple(orientations), _saisie(user)), []


# ------------------------------------------------------------------ saving
def _refused(errors: list[str]) -> None:
    st.error(md("Rien n'a été enregistré : " + " ; ".join(errors) + "."), icon=":material/error:")


def opened(key: str, current):
    """The version of a record the editor opened the form on (kept across reruns).

    Every rerun reads the store again: without this, a form submitted after someone else
    saved would carry the *new* version and silently overwrite their change.
    """
    if key not in st.session_state:
        st.session_state[key] = current
    return st.session_state[key]


def _save(method: str, contrat: Contrat, item, user: str, role: str, opened_key: str = "") -> bool:
    """Call the store's ``method`` as ``user`` (its role checked again by the store).

    After a save or a conflict the opened version is forgotten: the form starts again from
    the stored one (the editor's input stays in the widgets).
    """
    from carnet.contrat.repository import UserContratRepository

    shared = data.store()
    if shared is None:
        st.warning("Rien n'a été enregistré : la base des contrats est inaccessible.",
                   icon=":material/database_off:")
        return False
    try:
        getattr(UserContratRepository(shared, user, role), method)(contrat.territoire, item,
                                                                   user=user)
    except CarnetError as exc:
        if hasattr(exc, "theirs"):  # optimistic locking, as for projects
            if opened_key:
                st.session_state.pop(opened_key, None)
            st.error(md(f"{exc} Votre saisie reste dans le formulaire ; la page montre "
                        "maintenant la version enregistrée : « Enregistrer » appliquera votre "
                        "saisie sur elle."), icon=":material/call_split:")
        else:
            st.error(md(exc), icon=":material/error:")
        return False
    if opened_key:
        st.session_state.pop(opened_key, None)
    st.session_state[FLASH] = f"Enregistré à votre nom ({user})."
    st.rerun()
    return True  # pragma: no cover - st.rerun does not return


def editeur(contrat: Contrat, user: str, role: str) -> None:
    """The four forms (an editor's tab)."""
    if msg := st.session_state.pop(FLASH, None):
        st.success(md(msg), icon=":material/check:")
    st.caption(md(f"Vos saisies sont enregistrées à votre nom ({user}) et datées ; la page "
                  "les affiche « saisie de … le … »."))
    t_phase, t_inst, t_reun, t_enjeu = st.tabs(["Phases", "Instances", "Réunions", "Enjeux"])
    with t_phase:
        _phase_form(contrat, user, role)
    with t_inst:
        _instance_form(contrat, user, role)
    with t_reun:
        _reunion_form(contrat, user, role)
    with t_enjeu:
        _enjeu_form(contrat, user, role)


def _phase_form(contrat: Contrat, user: str, role: str) -> None:
    labels = data.phase_labels()
    code = st.selectbox("Phase", list(labels), format_func=labels.get, key="ct_phase")
    base = opened(f"{BASE}phase_{contrat.territoire}_{code}", contrat.phase(code) or Phase(code))
    with st.form("ct_phase_form"):
        debut = st.date_input("Début (ou date de l'événement)",
                              value=base.debut.valeur if base.debut else None,
                              min_value=date(ANNEE_MIN, 1, 1), max_value=date(ANNEE_MAX, 12, 31),
                              format="DD/MM/YYYY", key=f"ct_debut_{code}",
                              help="Laisser vide : la date est calculée par la règle du contrat "
                                   "si elle en a une, sinon inconnue.")
        fin = st.date_input("Fin", value=base.fin.valeur if base.fin else None,
                            min_value=date(ANNEE_MIN, 1, 1), max_value=date(ANNEE_MAX, 12, 31),
                            format="DD/MM/YYYY", key=f"ct_fin_{code}")
        known = base.debut or base.fin
        certitude = st.radio("Certitude", ["certaine", "incertaine"], horizontal=True,
                             index=1 if known and known.certitude == "incertaine" else 0,
                             format_func=str.capitalize, key=f"ct_cert_{code}")
        note = st.text_area("Note (obligatoire si la date est incertaine)",
                            value=known.note if known else "", key=f"ct_note_{code}", max_chars=NOTE_MAX)
        if st.form_submit_button("Enregistrer la phase", type="primary"):
            phase, errors = check_phase(code, debut, fin, certitude, note, user, base)
            if errors:
                _refused(errors)
            else:
                _save("save_phase", contrat, phase, user, role,
                      opened_key=f"{BASE}phase_{contrat.territoire}_{code}")


def _instance_form(contrat: Contrat, user: str, role: str) -> None:
    with st.form("ct_instance_form", clear_on_submit=False):
        libelle = st.text_input("Nom de l'instance *", key="ct_inst_libelle", max_chars=LIBELLE_MAX)
        cote = st.radio("Côté", list(COTES), format_func=tx.COTE_WORDS.get, horizontal=True,
                        key="ct_inst_cote")
        niveau = st.radio("Niveau (instances partenariales)", list(NIVEAUX),
                          format_func=lambda n: tx.NIVEAU_WORDS[n] or "Aucun", horizontal=True,
                          index=2, key="ct_inst_niveau")
        if st.form_submit_button("Ajouter l'instance", type="primary"):
            inst, errors = check_instance(libelle, cote, niveau, user, contrat)
            if errors:
                _refused(errors)
            else:
                _save("save_instance", contrat, inst, user, role)


def _reunion_form(contrat: Contrat, user: str, role: str) -> None:
    if not contrat.instances:
        st.info("Ajoutez d'abord une instance (onglet « Instances ») : une réunion est celle d'une instance.")
        return
    names = {i.code: i.libelle for i in contrat.instances}
    with st.form("ct_reunion_form"):
        jour = st.date_input("Date *", value=None, min_value=date(ANNEE_MIN, 1, 1),
                             max_value=date(ANNEE_MAX, 12, 31), format="DD/MM/YYYY", key="ct_reun_date")
        instance = st.selectbox("Instance *", list(names), format_func=names.get, index=None,
                                placeholder="Choisir…", key="ct_reun_instance")
        objet = st.text_input("Objet *", key="ct_reun_objet", max_chars=OBJET_MAX)
        document = st.text_input("Document (référence ou adresse, affichée en texte)", key="ct_reun_doc",
                                 max_chars=OBJET_MAX)
        if st.form_submit_button("Ajouter la réunion", type="primary"):
            reunion, errors = check_reunion(jour, instance, objet, document, user, contrat)
            if errors:
                _refused(errors)
            else:
                _save("add_reunion", contrat, reunion, user, role)


def _enjeu_form(contrat: Contrat, user: str, role: str) -> None:
    from carnet.projets.orientations import orientations
    from carnet.ui.data import pack

    p = pack()
    indicators = {i: ind.label for i, ind in p.indicators.items()}
    ori = {**orientations(contrat.pack).labels, **{o.code: o.libelle for o in contrat.orientations}}
    choices = {"": "Nouvel enjeu", **{e.code: e.titre for e in contrat.enjeux}}
    which = st.selectbox("Enjeu", list(choices), format_func=choices.get, key="ct_enjeu_which")
    base = next((e for e in contrat.enjeux if e.code == which), None)
    if base is not None:
        base = opened(f"{BASE}enjeu_{contrat.territoire}_{which}", base)
    with st.form("ct_enjeu_form"):
        titre = st.text_input("Titre de l'enjeu *", value=base.titre if base else "",
                              key=f"ct_enjeu_titre_{which}", max_chars=LIBELLE_MAX)
        texte = st.text_area("Texte", value=base.texte if base else "", key=f"ct_enjeu_texte_{which}",
                             max_chars=TEXTE_MAX)
        inds = st.multiselect("Indicateurs qui l'établissent", list(indicators),
                              default=[i for i in (base.indicateurs if base else ()) if i in indicators],
                              format_func=indicators.get, key=f"ct_enjeu_inds_{which}",
                              placeholder="Choisir…")
        oris = st.multiselect("Orientations", list(ori),
                              default=[o for o in (base.orientations if base else ()) if o in ori],
                              format_func=ori.get, key=f"ct_enjeu_oris_{which}", placeholder="Choisir…")
        if st.form_submit_button("Enregistrer l'enjeu", type="primary"):
            enjeu, errors = check_enjeu(titre, texte, inds, oris, user, contrat, indicators, ori, base)
            if errors:
                _refused(errors)
            else:
                _save("save_enjeu", contrat, enjeu, user, role,
                      opened_key=f"{BASE}enjeu_{contrat.territoire}_{which}")
