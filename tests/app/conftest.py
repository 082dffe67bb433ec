"""AppTest fixtures: the app run against the Nord pack built from the real sources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
NBSP = "\u202f"


@pytest.fixture
def app(built_cache, monkeypatch):
    """A fresh AppTest of app.py reading the test cache (not yet run)."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("CARNET_CACHE", str(built_cache))
    monkeypatch.delenv("CARNET_PACK", raising=False)
    return AppTest.from_file(APP, default_timeout=120)


def texts(at) -> str:
    """Every markdown, caption, title, header and subheader text of a run, joined, then the
    ``st.html`` blocks (key-figure cards, the communes' ranking) without their stylesheets and
    scripts.

    HTML tags (the key-figure cards) are removed: ``<b><span>2 616 909</span> <span>hab.</span></b>``
    reads ``2 616 909 hab.`` (an ordinary space before the unit in the cards).
    """
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [re.sub(r"(?s)<(style|script)\b.*?</\1>", "", str(e.value)) for e in at.html]
    return "\n".join(re.sub(r"<[^>]+>", "", part) for part in parts)  # a lone "<" stays in its part


def no_exception(at) -> None:
    assert not at.exception, [e.message for e in at.exception]


#: The atlas pages (the Plan d'actions page has its own tests in tests/projets/).
PAGES = ["pages/accueil.py", "pages/territoire.py", "pages/commune.py", "pages/comparer.py",
         "pages/sources.py"]


def render_page(at, page: str):
    """Run the app, then switch to ``page``: both runs without exception; returns ``at``."""
    at.run()
    no_exception(at)
    at.switch_page(page).run()
    no_exception(at)
    assert at.title, page
    return at


@pytest.fixture
def somme_app(somme_cache, monkeypatch):
    """A fresh AppTest of app.py on the Somme pack (CARNET_PACK=somme)."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("CARNET_CACHE", str(somme_cache))
    monkeypatch.setenv("CARNET_PACK", "somme")
    return AppTest.from_file(APP, default_timeout=120)


@pytest.fixture
def tiny_app(tiny_pack):
    """A fresh AppTest of app.py on the tiny pack of :mod:`tests.fixtures` (fast tier)."""
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(APP, default_timeout=60)
