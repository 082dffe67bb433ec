"""Read back the HTML tables a page prints with ``st.html`` (plain and comparison tables)."""

from __future__ import annotations

import html
import re

import pandas as pd
from streamlit.testing.v1 import AppTest


def _cells(row: str) -> list[str]:
    """The text of a row's cells: tags dropped, entities resolved (what a reader sees)."""
    return [html.unescape(re.sub(r"<[^>]+>", "", c))
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]


def html_tables(at: AppTest, css_class: str) -> list[pd.DataFrame]:
    """The tables of a class (``<div class="… css_class">``) as frames with their header."""
    frames = []
    for e in at.get("html"):
        body = e.proto.body
        if not re.search(rf'<div class="[^"]*\b{re.escape(css_class)}\b', body):
            continue
        rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
        header = _cells(rows[0]) if "<thead>" in body else None
        frames.append(pd.DataFrame([_cells(r) for r in rows[1 if header else 0:]], columns=header))
    return frames
