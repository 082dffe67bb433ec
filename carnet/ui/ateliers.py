"""Streamlit side of the ateliers: the participants' page and the moderation page.

:func:`participant_page` (``pages/atelier.py``, no account needed, ``?atelier=<code>``) shows
the atelier's territoire with the contributions already published, lets a participant click
a place, choose a category, write up to 500 characters and an optional pseudonym, and sends
it to the moderation queue. The browser session is identified by a random token kept in
``st.session_state`` (never the IP address); only its SHA-256 is stored.

:func:`moderation_page` (``pages/moderation.py``, permission ``moderate``) opens ateliers
(the code to show on the projector, the participants' address), shows the queue with its
spam signals, approves or rejects (with a reason) each contribution, lists the published
and rejected ones and exports the published ones (CSV, GeoJSON). Every data string is shown
escaped (:mod:`carnet.ui.plain`).
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta

import folium
import streamlit as st
from streamlit_folium import st_folium

from carnet import auth as roles
from carnet.ateliers import exports
from carnet.ateliers.categories import categories
from carnet.ateliers.limits import PSEUDO_MAX, SIGNAUX, TEXTE_MAX
from carnet.ateliers.repository import AtelierRepository
from carnet.contrat.progress import today_paris
from carnet.errors import CarnetError
from carnet.formatting import fmt_date, fmt_datetime, fmt_int
from carnet.maps.assets import use_local_assets
from carnet.maps.contributions import contributions_map
from carnet.ui import state
from carnet.ui.assets import assets_problem, static_base_url
from carnet.ui.auth import current_user
from carnet.ui.data import cache_key, load
from carnet.ui.plain import md, table

SESSION_KEY = "atelier_jeton"
#: URL path of the participants' page (``app.py``).
URL_PATH = "atelier"
_MSG = "atelier_message"


def repository() -> AtelierRepository:
    """The ateliers of the app's database (tests point ``$CARNET_DATABASE_URL`` elsewhere)."""
    from carnet.db import get_database_url, get_engine

    return AtelierRepository(get_engine(get_database_url()))


def session_token() -> str:
    """This browser session's random token (created on first use, never shown, never sent)."""
    if SESSION_KEY not in st.session_state:
        st.session_state[SESSION_KEY] = secrets.token_urlsafe(32)
    return st.session_state[SESSION_KEY]


@st.cache_data(show_spinner=False, max_entries=16)
def territory_zone(pack_id: str, cache_dir: str, tid: str):
    """The territoire's communes, merged and widened by about 1 km (WGS84)."""
    import shapely

    c = load(pack_id, cache_dir).communes
    return shapely.union_all(c[c["territoire"] == tid].geometry.values).buffer(0.01)


@st.cache_data(show_spinner="Préparation de la carte…", max_entries=32)
def cached_map(pack_id: str, cache_dir: str, tid: str, rows: tuple) -> folium.Map:
    """:func:`carnet.maps.contributions.contributions_map` of ``rows`` (tuples, hashable)."""
    keys = ("categorie", "texte", "pseudonyme", "lon", "lat")
    return contributions_map(load(pack_id, cache_dir), tid, [dict(zip(keys, r, strict=True))
                                                             for r in rows])


def _map_rows(rows: list[dict]) -> tuple:
    return tuple((r["categorie"], r["texte"], r["pseudonyme"], r["lon"], r["lat"]) for r in rows)


def _dates(a: dict) -> str:
    if a["debut"] == a["fin"]:
        return f"le {fmt_date(a['debut'])}"
    return f"du {fmt_date(a['debut'])} au {fmt_date(a['fin'])}"


def _flash(kind: str, text: str) -> None:
    st.session_state.setdefault(_MSG, []).append((kind, text))


def _show_flashes() -> None:
    for kind, text in st.session_state.pop(_MSG, []):
        getattr(st, kind)(md(text))


# ------------------------------------------------------------------ participants


def _ask_code(title: bool = True) -> None:
    if title:
        st.title("Atelier")
    st.write("Saisissez le code affiché par l'animateur de l'atelier.")
    code = st.text_input("Code de l'atelier", max_chars=16, key="atelier_code_saisi")
    if st.button("Rejoindre l'atelier", type="primary") and code.strip():
        state.put("atelier", code.strip().upper())
        st.rerun()


def _pick_map(p, a: dict, published: list[dict], point_key: str) -> None:
    problem = assets_problem()
    if problem:
        st.warning(problem, icon="🗺️")
    m = cached_map(p.id, cache_key(), a["territoire"], _map_rows(published))
    use_local_assets(m, base_url=static_base_url())
    chosen = st.session_state.get(point_key)
    group = folium.FeatureGroup(name="Votre point")
    if chosen:
        folium.CircleMarker([chosen[1], chosen[0]], radius=9, color="#111111", weight=3,
                            fill=True, fill_color="#ffd400", fill_opacity=1,
                            tooltip="Votre point").add_to(group)
    value = st_folium(m, key=f"carte_atelier_{a['code']}", height=520,
                      use_container_width=True, returned_objects=["last_clicked"],
                      feature_group_to_add=group)
    clicked = (value or {}).get("last_clicked")
    if clicked and clicked.get("lng") is not None:
        point = (round(float(clicked["lng"]), 6), round(float(clicked["lat"]), 6))
        seen_key = f"{point_key}__vu"  # the map keeps returning its last click: take it once
        if point != st.session_state.get(seen_key):
            st.session_state[seen_key] = point
            st.session_state[point_key] = point
            st.rerun()


def _send(a: dict, p, keys: dict) -> None:
    ss = st.session_state
    point = ss.get(keys["point"])
    try:
        out = repository().submit(
            a["code"], ss.get(keys["categorie"]), ss.get(keys["texte"]),
            point[0] if point else None, point[1] if point else None, session_token(),
            pseudonyme=ss.get(keys["pseudo"]),
            zone=territory_zone(p.id, cache_key(), a["territoire"]))
    except CarnetError as exc:
        _flash("error", str(exc))
        return
    ss[keys["texte"]] = ""
    ss.pop(keys["point"], None)
    _flash("success", "Merci ! Votre contribution est enregistrée : elle apparaîtra sur la carte "
                      "une fois relue par un modérateur.")
    if out.avertissement:
        _flash("warning", out.avertissement)


def participant_page(p) -> None:
    """The public page of an atelier (``?atelier=<code>``), for participants without account."""
    state.sync_page(("atelier",))
    code = state.get("atelier")
    if not code:
        _ask_code()
        return
    try:
        a = repository().atelier(code)
        if a["pack"] != p.id:
            raise CarnetError(f"L'atelier « {a['code']} » ne porte pas sur ce Carnet.")
    except CarnetError as exc:
        st.title("Atelier")
        st.error(md(str(exc)))
        state.put("atelier", None)
        _ask_code(title=False)
        return
    terr = p.config.territoire(a["territoire"]).nom
    st.title(f"Atelier — {md(a['titre'])}")
    st.caption(f"{md(terr)} · {_dates(a)} · code {md(a['code'])}")
    today = today_paris()
    ouvert = a["debut"] <= today <= a["fin"]
    if not ouvert:
        quand = (f"ouvrira le {fmt_date(a['debut'])}" if today < a["debut"]
                 else f"s'est terminé le {fmt_date(a['fin'])}")
        st.warning(f"Cet atelier {quand} : il n'accepte pas de contributions aujourd'hui. "
                   "La carte montre les contributions déjà publiées.", icon=":material/event_busy:")
    published = repository().approved(p.id, a["territoire"])
    keys = {k: f"atelier_{a['code']}_{k}" for k in ("point", "categorie", "texte", "pseudo")}
    st.markdown("**1. Cliquez sur la carte** l'endroit dont vous voulez parler, **2. choisissez** "
                "une catégorie, **3. écrivez** votre contribution, puis envoyez-la. Elle sera "
                "relue avant d'être publiée.")
    left, right = st.columns([3, 2], gap="large")
    with left:
        _pick_map(p, a, published, keys["point"])
        st.caption(f"{fmt_int(len(published))} contribution{'s' if len(published) > 1 else ''} "
                   f"publiée{'s' if len(published) > 1 else ''} sur ce territoire. Source : "
                   "contributions des ateliers, après modération ; fond : communes du Carnet.")
    with right:
        _show_flashes()
        point = st.session_state.get(keys["point"])
        if point:
            st.success(f"Lieu choisi : {point[1]:.5f} N, {point[0]:.5f} E".replace(".", ","),
                       icon=":material/location_on:")
        else:
            st.info("Cliquez sur la carte pour choisir le lieu.", icon=":material/touch_app:")
        cats = categories()
        st.radio("Catégorie", list(cats), format_func=lambda c: cats[c].libelle,
                 key=keys["categorie"], horizontal=True)
        chosen = st.session_state.get(keys["categorie"]) or next(iter(cats))
        st.caption(md(cats[chosen].aide))
        st.text_area(f"Votre contribution ({fmt_int(TEXTE_MAX)} caractères au plus, texte "
                     "simple, sans lien)", key=keys["texte"], max_chars=TEXTE_MAX, height=140)
        st.text_input("Pseudonyme (facultatif)", key=keys["pseudo"], max_chars=PSEUDO_MAX)
        st.button("Envoyer", type="primary", icon=":material/send:", on_click=_send,
                  args=(a, p, keys), disabled=not (point and ouvert))
        st.caption("Aucun compte n'est demandé. Ne donnez pas d'information personnelle : la "
                   "contribution et le pseudonyme seront publiés tels quels après relecture.")


# -------------------------------------------------------------------- moderation


def _open(p, tid: str) -> None:
    ss = st.session_state
    user, role = current_user()
    try:
        a = repository().open_atelier(p.id, tid, ss.get("atelier_titre"), ss.get("atelier_debut"),
                                      ss.get("atelier_fin"), user, role)
    except CarnetError as exc:
        _flash("error", str(exc))
        return
    ss["atelier_titre"] = ""
    ss["moderation_atelier"] = a["id"]
    _flash("success", f"Atelier « {a['titre']} » ouvert : code {a['code']}.")


def _open_form(p, tid: str) -> None:
    with st.expander("Ouvrir un atelier", icon=":material/add_circle:"):
        st.text_input("Titre", max_chars=200, key="atelier_titre")
        c1, c2 = st.columns(2)
        c1.date_input("Début", value=date.today(), format="DD/MM/YYYY", key="atelier_debut")
        c2.date_input("Fin", value=date.today() + timedelta(days=1), format="DD/MM/YYYY",
                      key="atelier_fin")
        st.button("Ouvrir l'atelier", type="primary", on_click=_open, args=(p, tid))


def _projector(a: dict) -> None:
    import html

    code = html.escape(a["code"])
    st.html(f'<div class="carnet-atelier-code" style="font-size:2.6rem;font-weight:700;'
            f'letter-spacing:.25em;font-family:monospace">{code}</div>')
    st.caption(f"À afficher pour les participants : la page « Atelier » du Carnet, code "
               f"{md(a['code'])} (ou l'adresse de cette page remplacée par "
               f"…/{URL_PATH}?atelier={md(a['code'])}). Ouvert {_dates(a)}.")


def _decide(cid: int, decision: str, version: int, motif_key: str | None = None) -> None:
    user, role = current_user()
    motif = st.session_state.get(motif_key) if motif_key else None
    try:
        out = repository().moderate(cid, decision, version, user, role, motif=motif)
    except CarnetError as exc:
        _flash("error", str(exc))
        return
    verb = {"approuvee": "publiée", "rejetee": "rejetée", "en_attente": "remise en file"}
    _flash("success", f"Contribution n° {cid} {verb[out['statut']]}.")


def _card(r: dict) -> None:
    flags = ", ".join(SIGNAUX[s] for s in r["signaux"])
    table([("Catégorie", r["categorie_libelle"]), ("Texte", r["texte"]),
           ("Pseudonyme", r["pseudonyme"] or "—"),
           ("Reçue", fmt_datetime(r["created_at"], naive_utc=True)),
           ("Signaux", f"⚠ {flags}" if flags else "aucun")],
          css_class="carnet-queue")


def _queue(a: dict) -> None:
    repo = repository()
    pending = repo.queue(a["id"])
    st.subheader(f"File d'attente ({fmt_int(len(pending))})")
    if not pending:
        st.info("Aucune contribution en attente.", icon=":material/inbox:")
    for r in pending:
        with st.container(border=True):
            st.markdown(f"**n° {r['id']}**")
            _card(r)
            c1, c2, c3 = st.columns([1, 3, 1], vertical_alignment="bottom")
            c1.button("Approuver", key=f"ok_{r['id']}_{r['version']}", type="primary",
                      icon=":material/check:", on_click=_decide,
                      args=(r["id"], "approuver", r["version"]))
            motif_key = f"motif_{r['id']}_{r['version']}"
            c2.text_input("Motif du refus", key=motif_key, max_chars=300,
                          placeholder="obligatoire pour rejeter")
            c3.button("Rejeter", key=f"ko_{r['id']}_{r['version']}", icon=":material/block:",
                      on_click=_decide, args=(r["id"], "rejeter", r["version"], motif_key))


def _published(p, a: dict, tid: str) -> None:
    repo = repository()
    rows = repo.approved(p.id, tid, atelier_id=a["id"])
    st.subheader(f"Contributions publiées ({fmt_int(len(rows))})")
    if rows:
        table([(r["categorie_libelle"], r["texte"], r["pseudonyme"] or "—",
                fmt_datetime(r["created_at"], naive_utc=True)) for r in rows],
              header=["Catégorie", "Texte", "Pseudonyme", "Reçue"], row_headers=False,
              css_class="carnet-published")
    cols = st.columns(len(exports.FORMATS))
    for col, (fmt, spec) in zip(cols, exports.FORMATS.items(), strict=True):
        col.download_button(f"Exporter en {spec.label}",
                            data=exports.export_contributions(rows, fmt),
                            file_name=exports.export_filename(p.id, tid, fmt, a["code"]),
                            mime=spec.mime, key=f"export_{fmt}_{a['id']}", on_click="ignore",
                            disabled=not rows)
    st.caption("Source : contributions des participants à l'atelier, après modération.")
    rejected = repo.contributions(a["id"], "rejetee")
    with st.expander(f"Contributions rejetées ({fmt_int(len(rejected))})"):
        if not rejected:
            st.caption("Aucune.")
        for r in rejected:
            table([("n°", r["id"]), ("Texte", r["texte"]), ("Motif", r["motif"]),
                   ("Rejetée par", f"{r['deleted_by']}, "
                                   f"{fmt_datetime(r['deleted_at'], naive_utc=True)}")],
                  css_class="carnet-rejected")
            st.button("Remettre en file", key=f"back_{r['id']}_{r['version']}",
                      on_click=_decide, args=(r["id"], "remettre", r["version"]))


def moderation_page(p, tid: str) -> None:
    """The editors' page: open ateliers of ``tid``, moderate their queue, export."""
    terr = p.config.territoire(tid).nom
    st.title(f"Ateliers — {md(terr)}")
    user, role = current_user()
    if not roles.can(role, "moderate"):
        st.info("Connectez-vous avec un compte d'éditeur (barre latérale) pour ouvrir un atelier "
                "et modérer les contributions.", icon=":material/lock:")
        return
    _show_flashes()
    repo = repository()
    _open_form(p, tid)
    ateliers = {a["id"]: a for a in repo.ateliers(p.id, tid)}
    if not ateliers:
        st.info(f"Aucun atelier pour {md(terr)} : ouvrez-en un ci-dessus.")
        return
    if st.session_state.get("moderation_atelier") not in ateliers:
        st.session_state["moderation_atelier"] = next(iter(ateliers))
    aid = st.selectbox("Atelier", list(ateliers), key="moderation_atelier",
                       format_func=lambda i: f"{ateliers[i]['code']} — {ateliers[i]['titre']} "
                                             f"({_dates(ateliers[i])})")
    a = ateliers[aid]
    _projector(a)
    _queue(a)
    _published(p, a, tid)
