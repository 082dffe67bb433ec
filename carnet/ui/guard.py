"""Pages that fail in French: no traceback, no server path, the detail in the server log.

``app.py`` runs every page inside :func:`page_guard`; a section that may fail on its own
(the import wizard) can have its own guard, so that the rest of the page stays usable::

    with page_guard("L'import n'a pas pu se faire"):
        import_section(repo, user)

An exception becomes one French message, « Cette page n'a pas pu s'afficher : <raison>
(référence a1b2c3d4). », whose reason is short and never holds a path, a traceback or a
Python type name; the exception itself, with its traceback and the same reference, goes to
the server log (logger ``carnet.ui``). Streamlit's own control flow (``st.rerun``,
``st.stop``, ``st.switch_page``: ``BaseException`` subclasses) passes through untouched.
``client.showErrorDetails = "none"`` in ``.streamlit/config.toml`` stays as a second net
(errors in widget callbacks, which run before the page).
"""

from __future__ import annotations

import contextlib
import logging
import re
import secrets

from carnet.ui.plain import md

log = logging.getLogger("carnet.ui")

PAGE_FAILED = "Cette page n'a pas pu s'afficher"
INTERNAL = "erreur interne du Carnet, consignée dans le journal du serveur"

# A path: a run of "/dir/" (or "C:\dir\") components; only its last component is kept.
_PATH = re.compile(r"(?<![\w.])(?:[A-Za-z]:)?(?:[\\/][^\s\\/«»\"'<>|:;,()]+){2,}[\\/]?")
# Text that must never reach a page (traceback lines, Python file names, type names).
_LEAKS = re.compile(r"Traceback|File \"|\.py\b|\b[A-Z][A-Za-z]+(?:Error|Exception)\b")


def _basename(m: re.Match) -> str:
    parts = [p for p in re.split(r"[\\/]", m.group(0)) if p]
    return parts[-1] if parts else ""


def scrub(text: str, limit: int = 300) -> str:
    """``text`` without directories (a path keeps its file name) and at most ``limit`` characters."""
    text = " ".join(_PATH.sub(_basename, str(text)).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _database_reason(exc: Exception) -> str | None:
    text = str(getattr(exc, "orig", exc)).lower()
    if "locked" in text or "busy" in text:
        return ("la base des projets est occupée par une autre opération depuis plus de 30 "
                "secondes ; réessayez dans un instant")
    if "already exists" in text:
        return ("la base des projets était en cours d'initialisation par une autre session ; "
                "rechargez la page")
    return "la base des projets est inaccessible pour le moment"


def reason(exc: BaseException) -> str:
    """A short French reason for ``exc``, safe to show (no path, traceback or type name)."""
    from carnet.errors import CarnetError

    try:
        from sqlalchemy.exc import SQLAlchemyError
    except ImportError:  # pragma: no cover - sqlalchemy is a dependency
        SQLAlchemyError = ()  # noqa: N806
    if isinstance(exc, CarnetError) and str(exc).strip():
        text = scrub(str(exc))
        if not _LEAKS.search(text):
            return text.rstrip(".")
    if isinstance(exc, SQLAlchemyError):
        return _database_reason(exc)
    if isinstance(exc, RecursionError):
        return "données trop profondément imbriquées pour être lues"
    if isinstance(exc, MemoryError):
        return "données trop volumineuses pour la mémoire du serveur"
    return INTERNAL


def message(exc: BaseException, ref: str, lead: str = PAGE_FAILED) -> str:
    """« <lead> : <reason> (référence <ref>). »"""
    return f"{lead}\u00a0: {reason(exc)} (référence {ref})."


def report(exc: Exception, lead: str = PAGE_FAILED) -> str:
    """Log ``exc`` with its traceback and a new reference; show the French message; return it."""
    import streamlit as st

    ref = secrets.token_hex(4)
    log.error("%s (référence %s)", lead, ref, exc_info=exc)
    text = message(exc, ref, lead)
    st.error(md(text), icon=":material/error:")
    return text


@contextlib.contextmanager
def page_guard(lead: str = PAGE_FAILED):
    """Run a page (or a section) and turn any exception into :func:`report`'s message."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - the point: nothing reaches the page raw
        report(exc, lead)
