"""Plain-text helpers shared by every layer: the text fold, INSEE codes, Markdown escaping.

- :func:`fold` — the one comparison key of free text (searches, vocabularies, headers):
  case, accents, ligatures, hyphens and apostrophes do not matter.
- :func:`insee_code` — the one normaliser of INSEE commune codes (strings, zero-padded,
  ``2A``/``2B`` for Corsica).
- :func:`md` — the one Markdown escaper: a data string shown by a Markdown renderer
  (Streamlit's ``st.markdown``, captions, alerts, labels) reads exactly as written.

This module is core: it imports neither streamlit nor pandas.
"""

from __future__ import annotations

import math
import re
import string
import unicodedata
from functools import lru_cache

# --------------------------------------------------------------------------- fold

#: Ligatures NFKD does not decompose, and the dashes and apostrophes that separate words.
_FOLD_TABLE = str.maketrans({
    "œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE",
    "-": " ", "'": " ", "’": " ", "‘": " ", "ʼ": " ", "`": " ", "´": " ",
    **{chr(c): " " for c in range(0x2010, 0x2016)},  # hyphen … horizontal bar
})
#: Unicode's combining diacritical marks blocks (what NFKD splits accents into).
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


@lru_cache(maxsize=1 << 16)
def fold(text: object) -> str:
    """The comparison key of a text: lower case, no accents, words split by single spaces.

    Ligatures are expanded (``œ`` → ``oe``), hyphens, dashes and apostrophes separate words,
    whitespace runs become one space; other characters are kept. Two texts a French reader
    would call the same word have the same key.

    Examples
    --------
    >>> fold("  Villeneuve-d’Ascq ")
    'villeneuve d ascq'
    >>> fold("CŒUR de Ville") == fold("coeur de ville")
    True
    """
    if text is None:
        return ""
    s = unicodedata.normalize("NFKD", str(text).translate(_FOLD_TABLE))
    return " ".join(_COMBINING.sub("", s).casefold().split())


# --------------------------------------------------------------------------- INSEE codes

#: The shape of an INSEE commune code once normalised: ``59350``, ``2A004`` (a pattern to
#: embed: ``re.compile(rf"^{INSEE_PATTERN}$")``).
INSEE_PATTERN = r"\d[\dAB]\d{3}"
_DIGITS = re.compile(r"^(\d+)(?:\.0+)?$")


def insee_code(value: object) -> str | None:
    """An INSEE commune code as stored: a string of 5 characters when it is a code.

    Codes read as numbers get their zeros back (``2001``, ``"2001"``, ``"59008.0"`` →
    ``"02001"``, ``"59008"``); Corsican codes are upper case (``"2a004"`` → ``"2A004"``);
    blanks (None, NaN, ``pd.NA``, ``""``) give None. Anything else is returned stripped and
    upper-cased, for the caller to reject as unknown: nothing is guessed.

    Examples
    --------
    >>> insee_code(2001), insee_code(" 59008.0 "), insee_code("2b033"), insee_code("")
    ('02001', '59008', '2B033', None)
    """
    if value is None:
        return None
    try:
        if math.isnan(value):
            return None
    except TypeError:
        if type(value).__name__ in ("NAType", "NaTType"):
            return None
    text = str(value).strip()
    if not text:
        return None
    m = _DIGITS.match(text)
    if m:
        digits = m.group(1)
        return digits.zfill(5) if len(digits) < 5 else digits
    return text.upper()


# --------------------------------------------------------------------------- Markdown

#: U+2060 WORD JOINER: invisible, no line break. GitHub's autolinks are found in the *text*,
#: once backslash escapes are resolved: a word joiner inside ``http://``, ``https://``,
#: ``www.`` and after the ``@`` of an e-mail address breaks them (and nothing else).
WORD_JOINER = "\u2060"
_PUNCT = frozenset(string.punctuation)  # every ASCII punctuation mark may be escaped
_AUTOLINK = re.compile(r"(?i)(?<![0-9a-z])(?:(https?:)(?=//)|(www)(?=\.))|(?<=[\w.+-])(@)(?=[\w-])")


def md(text: object) -> str:
    """Markdown source that Streamlit shows as exactly ``text``, with nothing interpreted.

    Parameters
    ----------
    text : object
        Any value (``None`` gives ``""``); converted with ``str``.

    Returns
    -------
    str
        ``text`` with every ASCII punctuation mark backslash-escaped (links, images,
        emphasis, code, headings, lists, tables, HTML, ``:red[…]``, ``:material/…:``,
        ``$…$``; with every ``:`` escaped, Streamlit does not even load its ``:smile:``
        emoji pass), a word joiner inside bare URLs and e-mail addresses (see
        :data:`WORD_JOINER`), line breaks as Markdown hard breaks and leading blanks as
        no-break spaces (no indented code block). The reader sees exactly ``text``; a
        copied URL or address holds an invisible word joiner.

    Examples
    --------
    >>> md("[x](https://e.fr)") == "\\\\[x\\\\]\\\\(https\\\\:\\u2060\\\\/\\\\/e\\\\.fr\\\\)"
    True
    """
    if text is None:
        return ""
    s = str(text).replace("\r\n", "\n").replace("\r", "\n")
    s = _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, s)
    lines = []
    for line in s.split("\n"):
        body = line.lstrip(" \t")
        lead = "\u00a0" * (len(line) - len(body))
        out = []
        for ch in body:
            if ch in _PUNCT:
                out.append("\\" + ch)
            elif ch == "\t":
                out.append(" ")
            else:
                out.append(ch)
        lines.append(lead + "".join(out))
    return "  \n".join(lines)


def md_cell(text: object) -> str:
    """:func:`md` on one line: a value for a Markdown table cell (line breaks as spaces)."""
    return md(" ".join(str("" if text is None else text).split()))


#: First characters that make a spreadsheet read a text cell as a formula (CSV/XLSX injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse_formulas(df):
    """``df`` with every text cell that a spreadsheet would run as a formula prefixed by ``'``.

    ``=HYPERLINK("http://…")`` becomes ``'=HYPERLINK("http://…")``: shown as typed, never run.
    Numbers (a negative value included) are not text and stay as they are.
    """
    import pandas as pd

    df = df.copy()
    for col in df.columns:
        if df[col].dtype == object or pd.api.types.is_string_dtype(df[col]):
            df[col] = df[col].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v)
    return df
