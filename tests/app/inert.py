"""Checks shared by the hostile-input tests: no traceback text, no Markdown from data.

Every element of an AppTest run is read as its protobuf text (all its string fields:
Markdown bodies, alert bodies, labels, captions, help, exception messages), so nothing a
page sends to the browser escapes the check.
"""

from __future__ import annotations

import re

from google.protobuf.message import Message

from carnet.ui.plain import WORD_JOINER
from tests.support import shown

# Traceback text and server paths (issue #8 §3): what must never reach a page.
_PATHS = r'Traceback|File "/|/work/|/home/|/tmp/|/usr/|site-packages'
LEAKS = re.compile(_PATHS + r"|\.py\b|Error:")
# The maps' own JavaScript (a component's arguments) may name a repository file in a comment.
CODE_LEAKS = re.compile(_PATHS)
# Payloads planted in data: an image that would make the browser fetch a URL, a live
# link, raw HTML, Streamlit's own Markdown extensions.
LINK_URL = "https://exemple.invalid/piege"
PIXEL_URL = "http://127.0.0.1:9/pixel.png"
PAYLOADS = {
    "lien": f"[texte]({LINK_URL})",
    "image": f"![pixel]({PIXEL_URL})",
    "html": f'<img src="{PIXEL_URL}" onerror="alert(1)"><a href="{LINK_URL}">a</a>',
    "nu": f"{LINK_URL} www.exemple.invalid contact@exemple.invalid",
    "streamlit": ":red[rouge] :material/warning: :smile: $x^2$ **gras** `code`",
}
HOSTILE = " ".join(PAYLOADS.values())
# Markdown source that would turn a payload into an element (unescaped by carnet.ui.plain.md).
_LIVE = re.compile(r"(?<!\\)\]\((?:https?|mailto)|<img|<a\s|<script|(?<![\\\w])https?:(?!\u2060)"
                   r"|(?<!\\):(?:red|material|smile)|(?<!\\)\$x")


def walk(node):
    """Every node of an AppTest element tree (blocks and elements)."""
    yield node
    children = getattr(node, "children", None) or {}
    for child in children.values():
        yield from walk(child)


def strings(msg: Message):
    """Every string field of a protobuf message, recursively."""
    for _field, value in msg.ListFields():
        scalar = isinstance(value, (str, bytes, Message)) or not hasattr(value, "__iter__")
        values = [value] if scalar else list(value)
        for v in values:
            if isinstance(v, Message):
                yield from strings(v)
            elif isinstance(v, str):
                yield v


def element_texts(at) -> list[tuple[str, str]]:
    """``(type, string)`` for every string field of every element of the last run."""
    out = []
    for node in walk(at._tree):
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message):
            out += [(node.type, s) for s in strings(proto)]
    return out


def assert_no_leak(at) -> None:
    """No exception element and no traceback text or server path anywhere."""
    assert not at.exception, [e.message for e in at.exception]
    for kind, text in element_texts(at):
        m = (CODE_LEAKS if kind == "component_instance" else LEAKS).search(text)
        assert m is None, f"{kind}: {m.group(0)!r} dans {text[:500]}"


def assert_inert(at, marker: str = "exemple.invalid") -> None:
    """Each element that carries a planted payload carries it escaped (no live Markdown).

    Only elements holding ``marker`` (the payloads' host) are checked: the app's own
    Markdown (the sources page links its producers) is not data.
    """
    for kind, text in element_texts(at):
        if marker not in text and "127.0.0.1:9" not in text or text.startswith("$$ID-"):
            continue  # widget ids are never displayed
        m = _LIVE.search(text)
        assert m is None, f"{kind}: Markdown actif {m.group(0)!r} dans {text[:500]}"


def displayed(src: str) -> str:
    """Markdown source escaped by carnet.ui.plain.md as the reader sees it."""
    return shown(src).replace(WORD_JOINER, "").replace("  \n", "\n")
