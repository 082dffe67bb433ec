"""The carnet's heritage on the Territoire page: « Histoire et patrimoine », « Culture »,
« Environnement et paysage ».

:func:`carnet_sections` draws, for one territoire, a tab per section: what the layers say
(generated sentences, with their source and vintage; lists with the Mérimée and Muséofile
notices, each table made only when its expander is opened), the section's sourced text
(:mod:`carnet.carnets.texts`: only cited statements, rendered safely; « Aucun texte sourcé
pour cette section » otherwise) and, for an account
with the permission ``edit``, a form to edit that text (:mod:`carnet.carnets.store`:
optimistic locking, audit). One map shows the section layers of the territoire.
"""

from __future__ import annotations

import logging

import streamlit as st

from carnet import auth as roles
from carnet.carnets import sections as secs
from carnet.carnets import texts
from carnet.carnets.store import CarnetConflict, CarnetStore, StoredText
from carnet.errors import CarnetError
from carnet.formatting import fmt_datetime
from carnet.maps.carnets import carnet_map
from carnet.ui import components
from carnet.ui.assets import map_page, show_map_page, static_base_url
from carnet.ui.auth import current_user
from carnet.ui.data import load
from carnet.ui.guard import page_guard
from carnet.ui.plain import md

HEADING = "Histoire, culture et environnement"
INTRO = ("L'approche « historique, culturelle et environnementale » du Carnet de territoire : "
         "ce que disent les couches de données du Carnet, puis le texte sourcé de chaque section "
         "(chaque affirmation y porte sa source).")
log = logging.getLogger("carnet.ui")


def store() -> CarnetStore:
    """The carnet texts of the app's database (tests replace it)."""
    from carnet.db import get_database_url, get_engine

    return CarnetStore(get_engine(get_database_url()))


@st.cache_data(show_spinner=False, max_entries=64)
def cached_sections(pack_id: str, cache_dir: str, tid: str) -> list[secs.Section]:
    """:func:`carnet.carnets.sections.sections` of the pack ``pack_id``."""
    return secs.sections(load(pack_id, cache_dir), tid)


@st.cache_resource(show_spinner="Préparation de la carte…", max_entries=32)
def cached_map_page(pack_id: str, cache_dir: str, tid: str, couches: tuple[str, ...],
                    base_url: str) -> tuple[str, tuple[str, ...]]:
    """:func:`carnet.maps.carnets.carnet_map` of the pack ``pack_id`` as a page of its own
    (:func:`carnet.ui.assets.map_page`): written once per process, then only its address is sent."""
    return map_page(carnet_map(load(pack_id, cache_dir), tid, couches), f"carnet-{pack_id}-{tid}",
                    base_url)


def _key(pack_id: str, tid: str, sid: str, what: str) -> str:
    return f"carnet_{what}_{pack_id}_{tid}_{sid}"


def _listing(lst: secs.Listing, key: str) -> None:
    """Title and count of a listing; its table in an expander made only when opened (a table
    on the page loads the data grid's bundle, which delayed the map's first paint)."""
    st.markdown(f"**{md(lst.titre)}** ({len(lst.frame)})")
    if lst.frame.empty:
        st.caption("Aucun dans les communes du territoire.")
        return
    label = "Liste et notices POP" if lst.links else "Liste"
    rows = st.expander(f"{label} ({len(lst.frame)})", key=key, on_change="rerun")
    if rows.open:
        config = {c: st.column_config.LinkColumn(c, display_text="Notice POP") for c in lst.links}
        rows.dataframe(lst.frame, hide_index=True, width="stretch", column_config=config,
                       height=min(38 + 35 * len(lst.frame), 320))
    st.caption(f"Source : {md(lst.source)}.")


def _origin(cur: StoredText, pack_id: str, tid: str) -> str:
    if cur.origine == "base":
        when = fmt_datetime(cur.updated_at, naive_utc=True)
        return (f"Texte enregistré dans le Carnet par {md(cur.updated_by or 'anonyme')}, {when} "
                f"(version {cur.version}).")
    return f"Texte du fichier du pack : {md(f'{pack_id}/carnets/{tid}.md')}."


def _text(cur: StoredText, pack_id: str, tid: str, title: str) -> None:
    where = (f"fichier {pack_id}/carnets/{tid}.md" if cur.origine != "base"
             else f"section « {title} »")
    offset = cur.decalage if cur.origine != "base" else 0
    shown = texts.render(cur.texte, where, offset)
    if shown.empty:
        st.info(f"{texts.EMPTY}.", icon=":material/edit_note:")
    for chunk in shown.markdown:
        st.markdown(chunk)
    for warning in shown.flagged:
        st.warning(md(f"Non affiché comme un fait : {warning}"), icon=":material/warning:")
    for problem in cur.problemes:
        st.warning(md(problem), icon=":material/warning:")
    if cur.texte.strip():
        st.caption(_origin(cur, pack_id, tid))


def _editor(repo: CarnetStore, cur: StoredText, pack_id: str, tid: str, sid: str,
            title: str) -> None:
    user, role = current_user()
    if not roles.can(role, "edit"):
        return
    base_key = _key(pack_id, tid, sid, "base")
    text_key = _key(pack_id, tid, sid, "texte")
    if base_key not in st.session_state:  # the version this editor starts from
        st.session_state[base_key] = cur.version
        st.session_state[text_key] = cur.texte
    conflict = st.session_state.get(_key(pack_id, tid, sid, "conflit"))
    with st.expander(f"Modifier le texte « {title} »", icon=":material/edit:",
                     expanded=conflict is not None):
        st.caption("Sous-ensemble de Markdown : titres ### et ####, listes (-, 1.), *italique*, "
                   "**gras** ; liens, images et HTML s'affichent tels quels. Chaque paragraphe et "
                   "chaque élément de liste porte sa source : [source : document, date, extrait] "
                   "ou l'identifiant d'une source du Carnet (ex. [source : culture-musees-de-france]).")
        if conflict is not None:
            st.error(md(conflict["message"]), icon=":material/sync_problem:")
            st.markdown(f"**Texte enregistré** (version {conflict['version']}), à comparer au "
                        "vôtre resté dans le champ ci-dessous :")
            st.code(conflict["theirs"] or "(vide)", language=None, wrap_lines=True)
        with st.form(_key(pack_id, tid, sid, "form")):
            new = st.text_area("Texte de la section", key=text_key, height=220)
            saved = st.form_submit_button("Enregistrer", icon=":material/save:")
        if saved:
            try:
                out = repo.save(pack_id, tid, sid, new, st.session_state[base_key], user, role)
            except CarnetConflict as exc:
                st.session_state[_key(pack_id, tid, sid, "conflit")] = {
                    "message": str(exc), "theirs": exc.theirs.texte, "version": exc.theirs.version}
                st.session_state[base_key] = exc.theirs.version  # the next save overwrites knowingly
                st.rerun()
            except CarnetError as exc:
                st.error(md(str(exc)), icon=":material/error:")
            else:
                st.session_state.pop(_key(pack_id, tid, sid, "conflit"), None)
                st.session_state.pop(base_key, None)
                st.session_state.pop(text_key, None)
                st.toast(f"Section « {title} » enregistrée (version {out.version}).",
                         icon=":material/check:")
                st.rerun()


def _section(repo: CarnetStore | None, s: secs.Section, pack_id: str, tid: str) -> None:
    st.markdown("##### Ce que disent les données")
    for phrase in s.phrases:
        st.markdown(md(phrase))
    for missing in s.manquants:
        st.info(md(missing), icon=":material/layers_clear:")
    if s.sources:
        components.sources_caption([md(c) for c in s.sources])
    for i, lst in enumerate(s.listings):
        _listing(lst, _key(pack_id, tid, s.id, f"liste{i}"))
    st.markdown("##### Texte du carnet")
    with page_guard(f"Le texte « {s.titre} » n'a pas pu s'afficher"):
        if repo is None:
            raise CarnetError("la base du Carnet est inaccessible pour le moment")
        cur = repo.current(pack_id, tid, s.id)
        _text(cur, pack_id, tid, s.titre)
        _editor(repo, cur, pack_id, tid, s.id, s.titre)


def carnet_sections(p, tid: str) -> None:
    """The three sections of territoire ``tid`` of pack ``p`` (tabs), and their map."""
    from carnet.ui.data import cache_key

    st.subheader(HEADING)
    st.caption(INTRO)
    sections = cached_sections(p.id, cache_key(), tid)
    try:
        repo = store()
    except Exception:  # noqa: BLE001 - the sections' figures still show; the text says why not
        log.exception("Base du Carnet inaccessible pour les textes des sections")
        repo = None
    for tab, s in zip(st.tabs([s.titre for s in sections]), sections, strict=True):
        with tab:
            _section(repo, s, p.id, tid)
    couches = tuple(lid for lid in secs.MAP_LAYERS if lid in p.layer_ids)
    if couches:
        st.markdown("##### Carte")
        show_map_page(cached_map_page(p.id, cache_key(), tid, couches, static_base_url()), height=520,
                      title=f"Carte « {HEADING} »")
        from carnet.fiches.citations import layer_source

        components.sources_caption([md(layer_source(lid)) for lid in couches])
