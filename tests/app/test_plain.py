"""carnet.ui.plain: data strings escaped for Markdown, tables of escaped HTML.

What Streamlit's renderer makes of them is checked in a real browser
(tests/browser/test_inert_browser.py); here, the escaping itself.
"""

from __future__ import annotations

import random
import re
import string

import pytest

from carnet.ui.plain import WORD_JOINER, md, quoted, table_html
from tests.app.inert import PAYLOADS

CASES = [
    *PAYLOADS.values(),
    "=cmd|' /C calc'!A0", "# titre", "1. liste", "- puce", "> citation", "| a | b |",
    "***", "~~barré~~", "<script>alert(1)</script>", "&amp; &lt;", "\\[déjà échappé\\]",
    "[ref]: https://exemple.invalid", "<https://exemple.invalid>", "a_b_c *x*", "x^2 H~2~O",
    "{{ 7*7 }}", ":blue-background[x]", ":streamlit:", "https://exemple.invalid",
    "mailto:a@b.fr", "file:///etc/passwd", "external:\\\\serveur\\partage",
    "Maître d'ouvrage : Ville de Saint-Amand-les-Eaux (59)", "", "€ 1 234,5 «»",
]


def unescape(src: str) -> str:
    """What a reader sees of md()'s output: escapes, word joiners and hard breaks resolved."""
    text = src.replace("  \n", "\n").replace(WORD_JOINER, "")
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)
    return re.sub(r"(?m)^\u00a0+", lambda m: " " * len(m.group(0)), text)


def _unescaped_punctuation(src: str) -> list[str]:
    """ASCII punctuation of md()'s output not preceded by its escaping backslash."""
    bad, i = [], 0
    while i < len(src):
        ch = src[i]
        if ch == "\\":
            i += 2
            continue
        if ch in string.punctuation:
            bad.append(ch)
        i += 1
    return bad


@pytest.mark.parametrize("text", CASES)
def test_md_escapes_every_markdown_character(text):
    src = md(text)
    assert unescape(src) == text
    assert _unescaped_punctuation(src) == []


def test_md_breaks_the_patterns_matched_after_escapes():
    # GitHub autolinks (bare URLs, www., e-mails) are found in the text nodes, where
    # backslashes are already resolved: a word joiner interrupts each pattern.
    src = md("https://a.fr HTTP://b.fr www.a.fr a.b+c@d-e.fr").replace("\\", "")
    assert not re.search(r"(?i)https?://|www\.|\w@\w", src), src
    # ...and only them: "EPSG:2154", "n°3 : x" are left as they are.
    assert WORD_JOINER not in md("EPSG:2154 ; n°3 : x ; Lille@Nord ? non : a @ b")[:20]
    # Streamlit loads its emoji pass only if the raw source has ":name:" (its own test):
    # escaped colons never match it.
    needs_emoji = re.compile(r":(?!material\/|streamlit:)[\w+-][\w_+-]*:")
    assert not needs_emoji.search(md(":smile: :+1: a:b:c :material_home:"))
    assert ":material/" not in md(":material/home:")  # Streamlit rewrites it before parsing


def test_md_multiline_and_indented():
    assert md("ligne 1\n    ligne 2\r\nligne 3") == "ligne 1  \n\u00a0\u00a0\u00a0\u00a0ligne 2  \nligne 3"
    assert md(None) == "" and md(12.5) == "12\\.5"
    assert quoted("[x]") == "«\u00a0\\[x\\]\u00a0»"


def test_md_random_strings_round_trip():
    rng = random.Random(8)
    alphabet = string.printable.replace("\r", "").replace("\x0b", "").replace("\x0c", "") + "éà«»€\u00a0"
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        text = "\n".join(line.lstrip(" \t\u00a0").replace("\t", " ") for line in text.split("\n"))
        src = md(text)
        assert unescape(src) == text, text
        assert _unescaped_punctuation(src) == [], text


def test_table_html_escapes_every_cell():
    out = table_html([("Titre", PAYLOADS["html"]), ("Description", "a\nb & <b>c</b>"), ("Vide", None)],
                     header=["Champ", "<i>Valeur</i>"], css_class="carnet-fiche")
    assert "<img" not in out and "<a " not in out and "<b>" not in out and "<i>" not in out
    assert "&lt;img src=&quot;http://127.0.0.1:9/pixel.png&quot;" in out
    assert '<th scope="row">Description</th><td>a\nb &amp; &lt;b&gt;c&lt;/b&gt;</td>' in out
    assert '<th scope="row">Vide</th><td></td>' in out
    assert out.startswith('<div class="carnet-plain carnet-fiche"><table><thead>')
