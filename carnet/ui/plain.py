"""Data strings shown as plain text: nothing in them becomes a link, an image or a format.

Streamlit (1.67) reads Markdown in ``st.markdown``, ``st.caption``, the alerts
(``st.info``, ``st.warning``, ``st.error``, ``st.success``, ``st.toast``), ``st.table``
cells, widget labels, tabs and expanders. On top of CommonMark it has GitHub's
extensions (tables, strikethrough, *bare* URLs, ``www.`` addresses and e-mails turned
into links), its own ``:red[…]`` colours and ``:material/…:`` icons, ``:smile:`` emoji
shortcodes and ``$…$`` LaTeX. A project title ``![pixel](http://…)`` would make every
viewer's browser fetch the URL; ``[texte](https://…)`` would be a live link.

Every string that comes from data (a project field, an imported file's name, a column
name, a coordinate system's name, a value quoted in an error message) goes through
:func:`md` (:func:`carnet.text.md`, the one Markdown escaper, re-exported here) before it
reaches one of those calls, and tables of data go through
:func:`table` (escaped HTML in ``st.html``, no Markdown at all). Widgets that do not read
Markdown (``st.dataframe``, ``st.text``, ``st.code``, the options of a selectbox) need
nothing.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from carnet.text import WORD_JOINER, md

__all__ = ["TABLE_CSS", "WORD_JOINER", "md", "quoted", "table", "table_html"]


def quoted(text: object) -> str:
    """``« text »`` for a sentence, ``text`` escaped by :func:`md`."""
    return f"«\u00a0{md(text)}\u00a0»"


TABLE_CSS = """
<style>
.carnet-plain {overflow-x: auto;}
.carnet-plain table {width: 100%; border-collapse: collapse; font-size: 0.9rem; line-height: 1.4;
  margin: 0 0 1rem 0;}
.carnet-plain th, .carnet-plain td {border: none; border-bottom: 1px solid rgba(49, 51, 63, 0.12);
  padding: 0.35rem 0.5rem; vertical-align: top; text-align: left;}
.carnet-plain thead th {font-weight: 600; border-bottom: 2px solid rgba(49, 51, 63, 0.3);}
.carnet-plain tbody th {font-weight: 600; width: 14rem; min-width: 8rem;}
.carnet-plain td {white-space: pre-wrap; overflow-wrap: anywhere;}
</style>
"""


def table_html(rows: Iterable[Iterable[object]], header: Iterable[object] | None = None,
               row_headers: bool = True, css_class: str = "") -> str:
    """An HTML table whose every cell is escaped text (no Markdown, no tag, no entity).

    Parameters
    ----------
    rows : iterable of iterables
        Cell values (``None`` gives an empty cell), converted with ``str``.
    header : iterable, optional
        Column headers.
    row_headers : bool
        The first cell of each row is its header (``<th scope="row">``): a fiche's labels.
    css_class : str
        Extra class of the wrapping ``div`` (tests and browser checks find it by it).

    Returns
    -------
    str
        One line of HTML; line breaks inside a value are kept (``white-space: pre-wrap``).
    """
    def esc(v) -> str:
        return "" if v is None else html.escape(str(v), quote=True)

    head = ""
    if header is not None:
        head = "<thead><tr>" + "".join(f'<th scope="col">{esc(h)}</th>' for h in header) + "</tr></thead>"
    body = []
    for row in rows:
        cells = list(row)
        out = ""
        if row_headers and cells:
            out = f'<th scope="row">{esc(cells[0])}</th>'
            cells = cells[1:]
        out += "".join(f"<td>{esc(c)}</td>" for c in cells)
        body.append(f"<tr>{out}</tr>")
    cls = f"carnet-plain {esc(css_class)}".strip()
    return f'<div class="{cls}"><table>{head}<tbody>{"".join(body)}</tbody></table></div>'


def table(rows: Iterable[Iterable[object]], header: Iterable[object] | None = None,
          row_headers: bool = True, css_class: str = "") -> None:
    """Show :func:`table_html` (``st.html``: the text is never read as Markdown)."""
    import streamlit as st

    st.html(TABLE_CSS)
    st.html(table_html(rows, header, row_headers, css_class))
