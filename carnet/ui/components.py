"""Shared page elements: key-figure cards, source captions, notes, downloads."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import streamlit as st

from carnet.fiches import KeyFigure, indicator_options
from carnet.formatting import NBSP
from carnet.text import md_cell

STYLESHEET = Path(__file__).resolve().parents[2] / "static" / "carnet.css"
#: Below this window width the sidebar starts folded, once per browser tab (a 1024 px
#: projector gives the whole width to the page); its arrow unfolds it, and it stays open.
SIDEBAR_FOLD_WIDTH = 1100
_FOLD_JS = """
<script>
(function () {
  var key = "carnet-sidebar-folded";
  if (window.innerWidth >= __WIDTH__ || window.sessionStorage.getItem(key)) { return; }
  var tries = 0;
  (function fold() {
    var btn = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (btn && btn.getAttribute("aria-expanded") === "true") {
      window.sessionStorage.setItem(key, "1");
      btn.click();
    } else if (++tries < 50) { setTimeout(fold, 100); }
  })();
})();
</script>
""".replace("__WIDTH__", str(SIDEBAR_FOLD_WIDTH))


def page_style() -> None:
    """The atlas's page CSS (``static/carnet.css``) and, on a narrow window, a folded sidebar."""
    if STYLESHEET.exists():
        st.html(f"<style>{STYLESHEET.read_text(encoding='utf-8')}</style>")
    st.html(_FOLD_JS, unsafe_allow_javascript=True)


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
                st.html(f'<div class="carnet-kf">{body}</div>')  # no Markdown: no rehype bundle
                st.caption(f"Source : {fig.source_short}")


# The commune fiche's comparison table: plain HTML that wraps inside the page's width (a
# st.dataframe of 7 columns cut the indicator names and scrolled sideways at 1280 px and on
# a 1024 px projector). Numbers never break inside; a unit may go to the next line whole.
PROFILE_CSS = """
<style>
.carnet-profile {overflow-x: auto;}
.carnet-profile table {width: 100%; border-collapse: collapse; font-size: 0.875rem;
  line-height: 1.3; margin: 0;}
.carnet-profile th, .carnet-profile td {border: none; border-bottom: 1px solid rgba(49, 51, 63, 0.12);
  padding: 0.3rem 0.35rem; vertical-align: top;}
.carnet-profile abbr {text-decoration: none;}
.carnet-profile thead th {font-weight: 600; text-align: right; vertical-align: bottom;
  border-bottom: 2px solid rgba(49, 51, 63, 0.3);}
.carnet-profile thead th:first-child {text-align: left;}
.carnet-profile td.num {text-align: right; font-variant-numeric: tabular-nums;}
.carnet-profile td.ind {min-width: 9rem;}
.carnet-profile tbody th.ind {text-align: left; font-weight: 600; min-width: 7rem;}
.carnet-profile .src {display: block; font-size: 0.78rem; opacity: 0.65;}
.carnet-profile tr.theme th {text-align: left; font-weight: 700; padding-top: 0.7rem;
  background: rgba(49, 51, 63, 0.04);}
.carnet-profile .na {opacity: 0.65; font-style: italic;}
.carnet-profile .nw {white-space: nowrap;}
</style>
"""


# Units too long for a narrow value column (1024 px projector), abbreviated in the table only;
# the full word stays in the abbreviation's title.
UNIT_ABBR = {"établissements": "étab."}


def cell_html(text: str) -> str:
    """A formatted value for a table cell: number and unit each unbroken, text free to wrap.

    ``1 143 établissements`` gives ``1 143`` and ``étab.`` (see :data:`UNIT_ABBR`) in
    nowrap spans; ``non publié`` is plain text in a muted span.
    """
    num, unit = split_unit(text)
    if not any(ch.isdigit() for ch in num):  # « non publié », « non agrégeable »
        return f'<span class="na">{html.escape(text)}</span>'
    out = f'<span class="nw">{html.escape(num)}</span>'
    if unit in UNIT_ABBR:
        return out + f' <abbr class="nw" title="{html.escape(unit)}">{html.escape(UNIT_ABBR[unit])}</abbr>'
    return out + (f' <span class="nw">{html.escape(unit)}</span>' if unit else "")


def profile_html(profile: pd.DataFrame, headers: dict[str, str] | None = None) -> str:
    """HTML table of a commune profile (:func:`carnet.fiches.commune_profile`), grouped by theme.

    Parameters
    ----------
    profile : pandas.DataFrame
        Columns ``Thème``, ``Indicateur``, the value columns, ``Source``.
    headers : dict, optional
        Header text of value columns, e.g. ``{"Territoire": "Arrondissement"}``.

    Returns
    -------
    str
        One line of HTML (no indentation, which Markdown would take for code): each theme
        opens with a heading row; the source (producer and vintage) sits under the indicator
        name instead of in a column of its own. Every data text is escaped.
    """
    headers = headers or {}
    values = [c for c in profile.columns if c not in ("Thème", "Indicateur", "Source")]
    head = "".join(f"<th>{html.escape(headers.get(c, c))}</th>" for c in ["Indicateur", *values])
    rows, theme = [], None
    for rec in profile.to_dict("records"):
        if rec.get("Thème") and rec["Thème"] != theme:
            theme = rec["Thème"]
            rows.append(f'<tr class="theme"><th colspan="{len(values) + 1}">{html.escape(theme)}</th></tr>')
        ind = f'<td class="ind">{html.escape(rec["Indicateur"])}'
        if rec.get("Source"):
            ind += f'<span class="src">{html.escape(rec["Source"])}</span>'
        cells = "".join(f'<td class="num">{cell_html(str(rec[c]))}</td>' for c in values)
        rows.append(f"<tr>{ind}</td>{cells}</tr>")
    return (f'<div class="carnet-profile"><table><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def compare_html(table: pd.DataFrame, values: int) -> str:
    """HTML table of a comparison (:func:`carnet.fiches.compare_display`), headers free to wrap.

    Parameters
    ----------
    table : pandas.DataFrame
        Formatted strings: identification columns (``Nom``, and ``SIREN`` for EPCI), then
        the indicator values.
    values : int
        How many trailing columns are indicator values (right-aligned, number and unit each
        unbroken); ``Nom`` heads each row, the other leading columns are left-aligned text.

    Returns
    -------
    str
        One line of HTML in the style of :func:`profile_html`: the long indicator names
        wrap over several lines, so seven territories and six indicators fit a 1024 px
        projector without sideways scrolling. Every data text is escaped.
    """
    leading = list(table.columns[:len(table.columns) - values])
    name = "Nom" if "Nom" in leading else leading[0]
    others = [c for c in leading if c != name]
    columns = [name, *others, *table.columns[len(leading):]]
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in columns)
    rows = []
    for rec in table[columns].itertuples(index=False):
        cells = [f'<th scope="row" class="ind">{html.escape(str(rec[0]))}</th>']
        cells += [f'<td>{html.escape(str(v))}</td>' for v in rec[1:1 + len(others)]]
        cells += [f'<td class="num">{cell_html(str(v))}</td>' for v in rec[1 + len(others):]]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (f'<div class="carnet-profile carnet-compare"><table><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def compare_table(table: pd.DataFrame, values: int) -> None:
    """Print :func:`compare_html` (wraps at the page width: no sideways scrolling)."""
    st.html(PROFILE_CSS + compare_html(table, values))  # text only, never read as Markdown


def profile_table(profile: pd.DataFrame, headers: dict[str, str] | None = None) -> None:
    """Print :func:`profile_html` (wraps at the page width: no sideways scrolling)."""
    st.html(PROFILE_CSS)
    st.markdown(profile_html(profile, headers), unsafe_allow_html=True)


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


def downloads(df: pd.DataFrame, stem: str, key: str, sources: pd.DataFrame | None = None,
              unrounded: pd.DataFrame | None = None) -> None:
    """CSV for spreadsheets (UTF-8 with BOM, ';' separator, decimal comma) and XLSX buttons.

    Values as ``df`` holds them (the Comparer's are rounded to each indicator's decimals);
    ``df.attrs["decimals"]`` gives the XLSX number formats. The XLSX has a second sheet
    « Sources » (citation and vintage of every column). ``unrounded``, if given, is offered as
    a third, explicit download (CSV for spreadsheets, values not rounded).
    """
    from carnet.export import csv_bytes, xlsx_bytes

    csv = csv_bytes(df, "csv-tableur")
    xlsx = xlsx_bytes(df, df.attrs.get("decimals"), sheet="Comparaison", sources=sources)
    c1, c2, c3 = st.columns([1, 1, 1])
    c1.download_button("Télécharger (CSV pour tableur)", csv, file_name=f"{stem}.csv", mime="text/csv",
                       key=f"{key}_csv", icon=":material/download:",
                       help="Séparateur « ; », virgule décimale, UTF-8 avec BOM : s'ouvre tel quel dans "
                            "un tableur français. Valeurs arrondies comme à l'écran.")
    c2.download_button("Télécharger (XLSX)", xlsx, file_name=f"{stem}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"{key}_xlsx", icon=":material/download:")
    if unrounded is not None:
        c3.download_button("CSV non arrondi", csv_bytes(unrounded, "csv-tableur"),
                           file_name=f"{stem}-non-arrondi.csv", mime="text/csv", key=f"{key}_csv_brut",
                           icon=":material/download:",
                           help="Mêmes colonnes, valeurs calculées sans arrondi (« ; », virgule décimale).")


def sources_markdown(sources: pd.DataFrame) -> str:
    """The sources as a Markdown table that wraps (no sideways scrolling, unlike st.dataframe).

    One row per source: title with the producer's link and the catalogue id, producer,
    vintage, licence.
    """
    lines = ["| Source | Producteur | Millésime | Licence |", "|:--|:--|:--|:--|"]
    for row in sources.itertuples(index=False):
        title = f"**{md_cell(row.Source)}**"
        if row.Lien:
            title += f" · [site du producteur]({str(row.Lien).replace(')', '%29')})"
        title += f"<br><small><code>{md_cell(row.Identifiant)}</code></small>"
        lines.append(f"| {title} | {md_cell(row.Producteur)} | {md_cell(row.Millésime)} | "
                     f"{md_cell(row.Licence)} |")
    return "\n".join(lines)


def indicator_choices(pack, aggregable_only: bool = False) -> dict[str, str]:
    """The indicator picker's options: by theme, then subject, the latest year first.

    Themes and subjects (the indicators' ``famille``) keep the registry's order of first
    appearance; the vintages of one subject come together, most recent ``annee`` first
    (``Taux de chômage … 2022, 2021, 2018``, where the registry listed 2022, 2018, 2021).
    """
    options = indicator_options(pack, aggregable_only)
    themes: dict[str, int] = {}
    subjects: dict[tuple[str, str], int] = {}
    keys = {}
    for iid in options:
        ind = pack.indicator(iid)
        t = themes.setdefault(ind.theme, len(themes))
        s = subjects.setdefault((ind.theme, ind.famille), len(subjects))
        keys[iid] = (t, s, -ind.annee)
    return {iid: options[iid] for iid in sorted(options, key=keys.__getitem__)}
