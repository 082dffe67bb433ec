"""Cached access to the territory pack, keyed on simple values.

``st.cache_resource`` holds one :class:`~carnet.pack.Pack` per (pack id, cache folder);
pages call :func:`pack` and pass only ids to the builders of :mod:`carnet.ui.cartes`.
"""

from __future__ import annotations

import gc
import os

import streamlit as st

from carnet import paths
from carnet.errors import CarnetError
from carnet.pack import Pack, load_pack


def pack_id() -> str:
    """The pack the app shows: ``$CARNET_PACK``, else ``nord`` (:func:`carnet.config.default_pack`)."""
    from carnet.config import default_pack

    return default_pack()


@st.cache_resource(show_spinner=False)
def load(pid: str, cache_dir: str) -> Pack:
    """Pack ``pid`` built in ``cache_dir``, loaded once per server (``cache_dir`` is part of
    the cache key: tests build their own).

    The pack lives as long as the server: once loaded, its objects are moved to the
    collector's permanent generation (:func:`gc.freeze`), so that the collections Python runs
    by itself do not walk them again and again (``runner.postScriptGC`` is off).
    """
    p = load_pack(pid)
    gc.collect()
    gc.freeze()
    return p


def cache_key() -> str:
    """The build cache folder, part of every cache key (tests use their own)."""
    return str(paths.cache_dir())


def pack() -> Pack:
    """The built pack (cached for the server's lifetime); pages call it first."""
    from carnet.ui import leave_legacy_pages_mode

    leave_legacy_pages_mode()
    return load(pack_id(), str(paths.cache_dir()))


def build_command(pid: str) -> str:
    return f"CARNET_SOURCES=/chemin/vers/sources python -m carnet build --pack {pid}"


def ensure_pack() -> Pack | None:
    """Return the pack, building it first if it is missing and ``$CARNET_SOURCES`` is set.

    Without sources, print a French message with the build command and return None.
    """
    pid = pack_id()
    try:
        return pack()
    except CarnetError as first:
        src = os.environ.get(paths.ENV_SOURCES)
        if src and paths.sources_dir().exists():
            from carnet.build import build

            with st.spinner(f"Construction du carnet « {pid} » à partir de {src}…"):
                try:
                    build(pid, progress=False)
                    return pack()
                except CarnetError as exc:
                    st.error(f"La construction du carnet a échoué : {exc}")
                    return None
        st.error(f"{first}", icon="🗂️")
        st.markdown(
            "Le Carnet lit des données déjà préparées. Construisez-les une fois (quelques "
            "secondes) depuis le dossier des sources ouvertes, puis rechargez la page :"
        )
        st.code(build_command(pid), language="bash")
        st.caption("Si la variable CARNET_SOURCES est définie au lancement de l'application, "
                   "la construction est faite automatiquement.")
        return None


def territory_word(p: Pack, plural: bool = False, lower: bool = False) -> str:
    """The pack's French word for its territories: « Territoire de contrat », « Arrondissement »…

    From ``[perimetre] libelle`` / ``libelle_pluriel`` of the pack's ``territoire.toml``.
    """
    per = p.config.perimetre
    word = (per.get("libelle_pluriel") or f"{per.get('libelle', 'Territoire de contrat')}s") if plural \
        else per.get("libelle", "Territoire de contrat")
    return word[0].lower() + word[1:] if lower else word


#: The sidebar's « every territory » choice, offered on the Plan d'actions only (its
#: registry spans every contract; the atlas pages always show one territory).
ALL_TERRITORIES = "tous"


def all_territories_label(p: Pack) -> str:
    """« Tous les territoires » for the Nord; « Tous » under « Arrondissement » (the Somme):
    the selectbox cuts a label over 20 characters in the narrow sidebar (1024–1400 px)."""
    label = f"Tous les {territory_word(p, plural=True, lower=True).split()[0]}"
    return label if len(label) <= 20 else "Tous"


def territory_is_arrondissement(p: Pack) -> bool:
    """Whether the territories are the arrondissements (then not shown twice on a commune fiche)."""
    return territory_word(p).lower() == "arrondissement"
