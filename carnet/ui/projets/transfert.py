"""Import (report, column mapping, proposals) and export of projects."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from carnet.projets.errors import ImportRejected, ProjetError
from carnet.projets.exporter import FORMATS, export_filename, export_projects
from carnet.projets.repository import ProjetRepository
from carnet.ui import guard
from carnet.ui.plain import md
from carnet.ui.projets.edition import flash
from carnet.ui.projets.words import CHOISIR


def import_section(repo: ProjetRepository, user: str) -> None:
    """Template → upload → column mapping → report and proposals → import (atomic)."""
    from carnet.projets.importer import (
        FIELD_LABELS,
        MAX_UPLOAD_BYTES,
        READERS,
        build_report,
        commit,
        read_table,
        suggest_mapping,
    )

    _import_help(repo)
    n = st.session_state.get("projets_import_n", 0)  # a new key empties the uploader
    up = st.file_uploader("Fichier (CSV, XLSX, GeoJSON, GeoPackage, Shapefile zippé ; 20 Mo)",
                          type=[ext.lstrip(".") for ext in READERS],
                          key=f"projets_import_{n}")
    if up is None:
        return
    if up.size > MAX_UPLOAD_BYTES:
        st.error("Fichier refusé : au-delà de la limite de 20 Mo.")
        return
    territoire = st.selectbox("Contrat par défaut", [None, *repo.ctx.territoires],
                              placeholder=CHOISIR,
                              format_func=lambda c: repo.ctx.territoires.get(c, "—") if c else "—")
    try:
        table = read_table(up.getvalue(), up.name)
        if len(table.layers) > 1:  # several sheets or layers hold data: ask which
            word = "Feuille" if table.kind == "xlsx" else "Couche"
            layer = st.selectbox(f"{word} à importer", table.layers, index=None,
                                 placeholder=CHOISIR, key=f"projets_layer_{n}_{up.name}")
            if layer is not None:
                table = read_table(up.getvalue(), up.name, layer=layer)
    except ImportRejected as exc:
        st.error(md(exc))
        return
    except Exception as exc:  # noqa: BLE001 - an unforeseen file: French message, no traceback
        guard.report(exc, f"Le fichier « {up.name} » n'a pas pu être lu")
        return
    cols = [None, *table.df.columns]
    guess = suggest_mapping(list(table.df.columns), table, repo.ctx)
    st.markdown("**Correspondance des colonnes** (devinée d'après les en-têtes et le contenu)")
    mapping = {f: c for f, c in guess.items() if f not in FIELD_LABELS}  # id/version of exports
    grid = st.columns(3)
    for i, (fname, label) in enumerate(FIELD_LABELS.items()):
        choice = grid[i % 3].selectbox(label, cols, index=cols.index(guess.get(fname)),
                                       placeholder=CHOISIR, key=f"map_{n}_{up.name}_{fname}",
                                       format_func=lambda c: "— (non importé)" if c is None else c)
        if choice:
            mapping[fname] = choice
    try:
        base = build_report(table, mapping, repo.ctx, repo, territoire)
        accepted = _proposals_editor(base, f"projets_prop_{n}_{up.name}")
        report = build_report(table, mapping, repo.ctx, repo, territoire,
                              accepted=accepted) if accepted else base
    except ImportRejected as exc:
        st.error(md(exc))
        return
    except Exception as exc:  # noqa: BLE001
        guard.report(exc, f"Le fichier « {up.name} » n'a pas pu être vérifié")
        return
    with st.expander("Correspondance retenue et raisons"):
        st.dataframe(report.mapping_frame(), hide_index=True)
    for note in report.notes:
        st.caption(md(note))
    (st.success if report.ok else st.warning)(md(report.summary()))
    if report.rejected:
        st.dataframe(report.rejected_frame(), hide_index=True)
    doublons = None
    if report.duplicates:
        st.markdown("**Doublons probables** (même titre, commune et année)")
        st.dataframe(report.duplicates_frame(), hide_index=True)
        choice = st.radio("Que faire de ces lignes ?", ["ignorer", "importer"], horizontal=True,
                          format_func={"ignorer": "Ne pas les importer",
                                       "importer": "Les importer quand même"}.get,
                          key=f"projets_dup_{n}")
        doublons = choice
    todo = len(report.valid) + len(report.updates)
    if not todo or report.choice_needed:
        return
    partial = bool(report.rejected)
    label = (f"Importer les {todo} lignes valides" if partial else
             f"Importer {len(report.valid)} projet(s)"
             + (f" et en mettre à jour {len(report.updates)}" if report.updates else ""))
    if st.button(label, type="primary", key=f"projets_commit_{n}",
                 help="Les lignes rejetées ne sont pas importées ; les autres sont "
                      "enregistrées en une seule fois." if partial else None):
        try:
            created = commit(report, repo, user, partial=partial, doublons=doublons)
        except ProjetError as exc:
            st.error(md(exc))
        else:
            st.session_state["projets_import_n"] = n + 1
            updated = report.written.get("updated", 0)
            flash(f"{len(created)} projet(s) importé(s)"
                  + (f", {updated} mis à jour" if updated else "") + f" depuis {md(up.name)}.")


def _import_help(repo) -> None:
    """Template downloads and the list of accepted values."""
    from carnet.projets.exporter import accepted_values_frame, template_bytes

    with st.expander("Modèle de fichier et valeurs acceptées"):
        st.caption("Un export du registre (CSV, XLSX, GeoJSON, GeoPackage) se réimporte tel "
                   "quel : les projets inchangés ne sont ni recréés ni modifiés. Les en-têtes "
                   "usuels (Intitulé, Porteur, Axe, Avancement, Part CD…) sont reconnus, comme "
                   "les noms de communes et les libellés ci-dessous.")
        left, right = st.columns(2)
        left.download_button("Modèle XLSX", data=lambda: template_bytes("xlsx",
                                                                       repo.ctx.territoires,
                                                                       repo.ctx),
                             file_name="modele_projets.xlsx", mime=FORMATS["xlsx"][1],
                             key="projets_tpl_xlsx")
        right.download_button("Modèle CSV", data=lambda: template_bytes("csv"),
                              file_name="modele_projets.csv", mime=FORMATS["csv"][1],
                              key="projets_tpl_csv")
        st.dataframe(accepted_values_frame(repo.ctx.territoires, repo.ctx), hide_index=True)


def _proposals_editor(report, key: str) -> dict:
    """Table of proposed value mappings; returns the ones the user ticked."""
    from carnet.projets.report import accepted_from_frame

    frame = report.proposals_frame()
    if frame.empty:
        return {}
    st.markdown("**Valeurs à confirmer** : cochez la correspondance à appliquer")
    edited = st.data_editor(
        frame, hide_index=True, key=key, disabled=[c for c in frame.columns if c != "Appliquer"],
        column_order=["Appliquer", "Champ", "Valeur du fichier", "Lignes", "Proposition"],
        column_config={"Appliquer": st.column_config.CheckboxColumn("Appliquer")})
    return accepted_from_frame(edited)


def export_section(df: pd.DataFrame, pack: str, territoire: str | None) -> None:
    """Download buttons for the filtered projects."""
    cols = st.columns(len(FORMATS))
    for col, fmt in zip(cols, FORMATS, strict=True):
        col.download_button(FORMATS[fmt].label or f"Exporter en {fmt.upper()}",
                            data=lambda f=fmt: export_projects(df, f),
                            file_name=export_filename(pack, territoire, fmt),
                            mime=FORMATS[fmt][1], key=f"exp_{fmt}")
