"""Shared page elements: key-figure cards, source captions, notes, downloads."""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from carnet.fiches import KeyFigure


def key_figure_cards(figures: list[KeyFigure], columns: int = 4, compare: bool = True,
                     reference_name: str = "Département") -> None:
    """Cards: label, value, département reference, range of the other territories, source.

    With ``compare`` False (the département itself), only label, value and source.
    """
    for start in range(0, len(figures), columns):
        cols = st.columns(columns)
        for col, fig in zip(cols, figures[start:start + columns], strict=False):
            with col.container(border=True):
                st.markdown(f"**{fig.label}**", help=f"{fig.definition}\n\nSource : {fig.source}.")
                st.subheader(fig.text, anchor=False)
                if compare:
                    lines = [f"{reference_name} : **{fig.reference}**"]
                    if fig.others:
                        lines.append(f"Autres territoires : {fig.others}")
                    st.markdown("  \n".join(lines))
                st.caption(f"Source : {fig.source_short}")


def sources_caption(citations) -> None:
    """One caption listing distinct source citations."""
    cites = list(dict.fromkeys(citations))
    if cites:
        st.caption("Source" + ("s" if len(cites) > 1 else "") + " : " + " ; ".join(cites) + ".")


def perimeter_note(note: str) -> None:
    """The EPCI-approximation note of the territory perimeters, folded."""
    with st.expander("Périmètre des territoires : une approximation par EPCI"):
        st.markdown(" ".join(note.split()))


def downloads(df: pd.DataFrame, stem: str, key: str, sources: pd.DataFrame | None = None) -> None:
    """CSV (UTF-8 with BOM, ';' separator for French spreadsheets) and XLSX download buttons.

    The XLSX has a second sheet « Sources » (citation and vintage of every column).
    """
    csv = df.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter") as xl:
        df.to_excel(xl, index=False, sheet_name="Comparaison")
        sheet = xl.sheets["Comparaison"]
        for i, c in enumerate(df.columns):
            sheet.set_column(i, i, min(45, max(12, len(str(c)) + 2)))
        if sources is not None:
            sources.to_excel(xl, index=False, sheet_name="Sources")
            xl.sheets["Sources"].set_column(0, len(sources.columns) - 1, 40)
    c1, c2, _ = st.columns([1, 1, 1])
    c1.download_button("Télécharger (CSV)", csv, file_name=f"{stem}.csv", mime="text/csv",
                       key=f"{key}_csv", icon=":material/download:")
    c2.download_button("Télécharger (XLSX)", buf.getvalue(), file_name=f"{stem}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"{key}_xlsx", icon=":material/download:")
