"""The « Présentation » page (issue #11 §2): a territoire's story, one slide at a time.

The slides are :func:`carnet.recits.diapositives` of the territoire's story (declared, else
the default one) with the contract and the projects the Contrat page reads
(:mod:`carnet.ui.contrat.data`), laid out with the HTML diaporama's own fragments
(:func:`carnet.recits.diaporama.text_html`…): the page and the downloaded file show the same
numbers. A slide's map is the atlas's (:func:`carnet.recits.cartes.carte`) drawn by
:func:`carnet.ui.assets.show_map`; its chart is the story's Altair chart.

Full screen (no Streamlit chrome, no sidebar), sizes and colours of
:mod:`carnet.ui.presentation.theme`; turned with the buttons of the bottom bar or the keys
(:mod:`carnet.ui.presentation.clavier`); the slide number is the URL's ``?diapo=3`` (a bad
value is clamped to the story, never an error); Escape or « Quitter » goes back to the
Territoire page. The bottom bar offers the story as one offline HTML file
(``recit_<territoire>.html``), built when asked for and kept for the same inputs.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from carnet.recits.diaporama import footer_html, header_html, text_html
from carnet.ui import nav, state
from carnet.ui.presentation import clavier, theme

PARAM = "diapo"


# ---------------------------------------------------------------- inputs, cached on a digest

def _contributions(pack_id: str, tid: str) -> list[dict]:
    """The approved contributions of the territoire's ateliers (the DÉBATTRE chapter)."""
    from carnet.ui.cartes import approved_contributions

    return approved_contributions(pack_id, tid)


def _digest(contrat, projets: pd.DataFrame | None, contributions: list[dict] = ()) -> str:
    """A fingerprint of the contract, the projects and the approved contributions (a slide's
    figures change with them)."""
    h = hashlib.sha256(repr(contrat).encode("utf-8"))
    h.update(repr([(c.get("id"), c.get("texte")) for c in contributions]).encode("utf-8"))
    if projets is not None and len(projets):
        h.update(pd.util.hash_pandas_object(projets.astype(str), index=True).values.tobytes())
    return h.hexdigest()[:16]


def inputs(pack_id: str, tid: str):
    """``(contrat, projets, digest)`` of a territoire: the Contrat page's loaders."""
    from carnet.ui.contrat import data as contrat_data

    contrat = contrat_data.load(pack_id, tid)
    projets = contrat_data.projects(pack_id, tid)
    return contrat, projets, _digest(contrat, projets, _contributions(pack_id, tid))


@st.cache_resource(show_spinner="Préparation du récit…", max_entries=16)
def story(pack_id: str, cache_dir: str, tid: str, today: str, digest: str, _contrat=None,
          _projets=None):
    """``(recit, slides)`` of ``tid`` (the cache keys on ``digest``, not on the frames; the
    contributions are read again on a miss, which ``digest`` marks when they change)."""
    from datetime import date

    from carnet import recits
    from carnet.ui.data import load

    p = load(pack_id, cache_dir)
    r = recits.recit(p, tid)
    return r, recits.diapositives(p, r, contrat=_contrat, projets=_projets,
                                  contributions=_contributions(pack_id, tid),
                                  today=date.fromisoformat(today))


@st.cache_data(show_spinner="Préparation de la carte…", max_entries=32)
def slide_map(pack_id: str, cache_dir: str, tid: str, vue, digest: str, _projets=None):
    """The atlas map of a slide's view (:func:`carnet.recits.cartes.carte`)."""
    from carnet.recits.cartes import carte
    from carnet.ui.data import load

    return carte(load(pack_id, cache_dir), tid, vue, projets=_projets)


@st.cache_data(show_spinner=False, max_entries=8)
def deck(pack_id: str, cache_dir: str, tid: str, today: str, digest: str, _contrat=None,
         _projets=None) -> bytes:
    """The story as one offline HTML file (:func:`carnet.recits.diaporama.diaporama_html`)."""
    from carnet.recits.cartes import carte
    from carnet.recits.diaporama import diaporama_html
    from carnet.ui.data import load

    p = load(pack_id, cache_dir)
    r, slides = story(pack_id, cache_dir, tid, today, digest, _contrat, _projets)
    return diaporama_html(slides, titre=r.titre,
                          carte=lambda vue: carte(p, tid, vue, projets=_projets)).encode("utf-8")


# ---------------------------------------------------------------- the slide number

def clamp(raw: str | None, total: int) -> int:
    """The slide number of ``?diapo=`` within ``1..total`` (1 for a missing or bad value)."""
    try:
        k = int(str(raw).strip())
    except (TypeError, ValueError):
        return 1
    return max(1, min(max(total, 1), k))


def current(total: int) -> int:
    """The slide shown: the URL's, clamped, and written back when it was not that number."""
    raw = state.get(PARAM)
    k = clamp(raw, total)
    if raw != str(k):
        state.put(PARAM, str(k))
    return k


def _goto_factory(total: int):
    def goto(k: int) -> None:
        state.put(PARAM, str(clamp(str(k), total)))
    return goto


# ---------------------------------------------------------------- layout

def _visual(p, tid: str, slide, digest: str, projets, height: int, numero: int) -> list[str]:
    """Draw the slide's map or chart; the notes the footer adds about it."""
    from carnet.ui.assets import show_map
    from carnet.ui.data import cache_key

    notes: list[str] = []
    if slide.carte is not None and not all(clavier.viewport()):
        # the window's size comes with the bridge's first report (one more run): the map is
        # drawn then, at its height, rather than drawn, dropped and drawn again
        st.html(f'<div class="carnet-diapo attente" style="height:{height}px">'
                "<p>Préparation de la carte…</p></div>")
    elif slide.carte is not None:
        m = slide_map(p.id, cache_key(), tid, slide.carte, digest, projets)
        if m is not None:
            # one key for every slide: a map slide after a map slide redraws in the same frame
            show_map(m, key=f"diapo_carte_{tid}", height=height)
    if slide.graphique is not None:
        vw, vh = clavier.viewport()
        u = theme.unit_px(vw, vh) if vw and vh else 20
        size = {"labelFontSize": round(u * .6), "titleFontSize": round(u * .62),
                "labelColor": theme.INK, "titleColor": theme.INK}
        chart = slide.graphique.properties(height=max(200, height - 80)).configure_axis(
            **size).configure_legend(**size)
        st.altair_chart(chart, width="stretch", theme=None)
    return notes


def _bar(r, tid: str, k: int, total: int, goto, download) -> None:
    with st.container(key="diapo_barre"):
        c_prev, c_mid, c_next, c_dl, c_out = st.columns([1.3, 6, 1.3, 2.2, 1.3],
                                                        vertical_alignment="center")
        with c_prev:
            st.button("◀ Précédente", key="diapo_precedente", on_click=goto, args=(k - 1,),
                      disabled=k <= 1, help="Diapositive précédente (← ou PageUp)")
        with c_mid:
            import html

            pct = 100 * k / max(total, 1)
            st.html(f'<div class="carnet-barre"><span class="titre">{html.escape(r.titre)}</span>'
                    f'<div class="progression" role="progressbar" aria-label="Progression" '
                    f'aria-valuemin="1" aria-valuemax="{total}" aria-valuenow="{k}" '
                    f'aria-valuetext="Diapositive {k} sur {total}"><div style="width:{pct:.1f}%">'
                    f'</div></div><span class="compteur" aria-live="polite">{k} / {total}</span></div>')
        with c_next:
            st.button("Suivante ▶", key="diapo_suivante", on_click=goto, args=(k + 1,),
                      disabled=k >= total, help="Diapositive suivante (→, PageDown ou Espace)")
        with c_dl:
            st.download_button(
                "Télécharger (HTML)", data=download, file_name=f"recit_{tid}.html",
                mime="text/html", key="diapo_telecharger", on_click="ignore",
                help="Le récit en un seul fichier HTML, lisible sans réseau (clé USB, atelier) : "
                     "diapositives, cartes, graphiques et Leaflet inclus.")
        with c_out:
            st.page_link(nav.TERRITOIRE, label="Quitter", icon=":material/close:",
                         query_params=state.link_params(),
                         help="Retour à la page Territoire (Échap)")


def render(p, tid: str) -> None:
    """The Présentation page of territoire ``tid`` of pack ``p``."""
    from carnet.ui.contrat import data as contrat_data
    from carnet.ui.data import cache_key

    state.sync_page((PARAM,))
    if clavier.leave_requested():
        st.switch_page(nav.TERRITOIRE)
    st.html(f"<style>{theme.CSS}</style>")
    today = contrat_data.today().isoformat()
    contrat, projets, digest = inputs(p.id, tid)
    r, slides = story(p.id, cache_key(), tid, today, digest, contrat, projets)
    total = len(slides)
    k = current(total)
    goto = _goto_factory(total)
    clavier.bridge(k, total, goto)
    slide = slides[k - 1]
    height = theme.map_height(*clavier.viewport())

    with st.container(key="diapo"):
        vw, vh = clavier.viewport()
        fenetre = f' data-fenetre="{vw}x{vh}"' if vw and vh else ""  # the size the run knew
        st.html(f'<div class="carnet-diapo" data-numero="{k}"{fenetre}>{header_html(slide)}</div>')
        visual = slide.carte is not None or slide.graphique is not None
        notes: list[str] = []
        if visual:
            left, right = st.columns([5, 6], gap="large")
            with left:
                st.html(f'<div class="carnet-diapo texte">{text_html(slide)}</div>')
            # one container for the map or the chart: turning from a map slide to a chart slide
            # replaces the map in place (a container of another key remounted the old map's
            # frame for an instant, a request started and aborted)
            with right, st.container(key="diapo_visuel"):
                notes = _visual(p, tid, slide, digest, projets, height, k)
        else:
            st.html(f'<div class="carnet-diapo texte">{text_html(slide)}</div>')
        foot = footer_html(slide, notes)
        if foot:
            st.html(f'<div class="carnet-diapo pied">{foot}</div>')

    def download() -> bytes:
        return deck(p.id, cache_key(), tid, today, digest, contrat, projets)

    _bar(r, tid, k, total, goto, download)
