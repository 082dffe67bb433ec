"""Shared page elements: key-figure cards, source captions, notes, downloads."""

from __future__ import annotations

import html
import io

import pandas as pd
import streamlit as st

from carnet.fiches import KeyFigure
from carnet.formatting import NBSP

# Key-figure cards: the value's size follows the card width (container query units), the
# number and its unit never break inside (each in a nowrap span), and the unit may go to the
# next line as a whole when the card is too narrow (an ordinary space between the spans, which
# disappears at the line break, instead of the narrow no-break space).
CARD_CSS = """
<style>
.carnet-kf {container-type: inline-size;}
.carnet-kf .kf-value {font-weight: 700; line-height: 1.15; margin: 0.1rem 0 0.6rem 0;
  font-size: clamp(1.2rem, 15cqi, 1.9rem); overflow-wrap: normal; word-break: normal;}
.carnet-kf .kf-unit {font-size: 0.72em; font-weight: 600;}
.carnet-kf .kf-nowrap, .carnet-kf .kf-num, .carnet-kf .kf-unit {white-space: nowrap;}
.carnet-kf .kf-lines {line-height: 1.45; overflow-wrap: normal; word-break: normal;}
</style>
"""


def split_unit(text: str) -> tuple[str, str]:
    """``("2\u202f616\u202f909", "hab.")``: a formatted value cut before its unit.

    The unit is the part after the last narrow no-break space when it holds no ASCII digit
    (``km²`` is a unit); ``%`` stays with its number, and a text without a unit
    (``non publié``) is all number.
    """
    head, sep, tail = text.rpartition(NBSP)
    if not sep or tail == "%" or any(ch in "0123456789" for ch in tail):
        return text, ""
    return head, tail


def value_html(text: str) -> str:
    """The big value of a card: number and unit in nowrap spans, a break allowed between them."""
    num, unit = split_unit(text)
    out = f'<span class="kf-num">{html.escape(num)}</span>'
    if unit:
        out += f' <span class="kf-unit">{html.escape(unit)}</span>'
    return f'<div class="kf-value">{out}</div>'


def nowrap_html(text: str, bold: bool = False) -> str:
    """A formatted value (or ``lo – hi unit`` range) whose pieces never break inside."""
    parts = []
    for piece in text.split(" – "):
        num, unit = split_unit(piece)
        part = f'<span class="kf-nowrap">{html.escape(num)}</span>'
        if unit:
            part += f' <span class="kf-nowrap">{html.escape(unit)}</span>'
        parts.append(part)
    out = " – ".join(parts)
    return f"<b>{out}</b>" if bold else out


def key_figure_cards(figures: list[KeyFigure], columns: int = 4, compare: bool = True,
                     reference_name: str = "Département", others_label: str = "Autres territoires") -> None:
    """Cards: label, value, département reference, range of the other territories, source.

    With ``compare`` False (the département itself), only label, value and source.
    """
    st.html(CARD_CSS)
    for start in range(0, len(figures), columns):
        cols = st.columns(columns)
        for col, fig in zip(cols, figures[start:start + columns], strict=False):
            with col.container(border=True):
                st.markdown(f"**{fig.label}**", help=f"{fig.definition}\n\nSource : {fig.source}.")
                body = value_html(fig.text)
                if compare:
                    lines = [f"{html.escape(reference_name)}\u00a0: {nowrap_html(fig.reference, bold=True)}"]
                    if fig.others:
                        lines.append(f"{html.escape(others_label)}\u00a0: {nowrap_html(fig.others)}")
                    body += '<div class="kf-lines">' + "<br>".join(lines) + "</div>"
                st.markdown(f'<div class="carnet-kf">{body}</div>', unsafe_allow_html=True)
                st.caption(f"Source : {fig.source_short}")


def sources_caption(citations) -> None:
    """One caption listing distinct source citations."""
    cites = list(dict.fromkeys(citations))
    if cites:
        st.caption("Source" + ("s" if len(cites) > 1 else "") + " : " + " ; ".join(cites) + ".")


def perimeter_note(note: str, words: str = "territoires") -> None:
    """The pack's note on its territory perimeters (the Nord: an EPCI approximation), folded."""
    if not note.strip():
        return
    with st.expander(f"Périmètre des {words}"):
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


def _md_cell(text) -> str:
    """A value safe inside a Markdown table cell (pipes escaped, no line breaks)."""
    return " ".join(str(text).split()).replace("|", "\\|")


def sources_markdown(sources: pd.DataFrame) -> str:
    """The sources as a Markdown table that wraps (no sideways scrolling, unlike st.dataframe).

    One row per source: title with the producer's link and the catalogue id, producer,
    vintage, licence.
    """
    lines = ["| Source | Producteur | Millésime | Licence |", "|:--|:--|:--|:--|"]
    for row in sources.itertuples(index=False):
        title = f"**{_md_cell(row.Source)}**"
        if row.Lien:
            title += f" · [site du producteur]({str(row.Lien).replace(')', '%29')})"
        title += f"<br><small>`{_md_cell(row.Identifiant)}`</small>"
        lines.append(f"| {title} | {_md_cell(row.Producteur)} | {_md_cell(row.Millésime)} | "
                     f"{_md_cell(row.Licence)} |")
    return "\n".join(lines)
