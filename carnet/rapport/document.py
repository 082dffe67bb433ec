"""The PDF carnet of a territoire, end to end: inputs from the stores, content, Typst.

``carnet_pdf(pack, tid, ...)`` gathers the content (:func:`carnet.rapport.content.content`)
with its images and compiles it (:func:`carnet.rapport.typst_doc.compile_pdf`); the CLI
(``python -m carnet rapport``) and the Territoire page's button both call it.
"""

from __future__ import annotations

from datetime import date

import pandas as pd


def inputs(pack, tid: str, engine=None) -> tuple[object, pd.DataFrame | None, dict | None]:
    """``(contrat, projets, t0)`` of a territoire: the store's contract, else the seed file's
    (as the diaporama, :func:`carnet.recits.cli.inputs`), the registry's projects and the
    contract's frozen T0 (read only: the carnet never freezes it)."""
    from carnet.contrat.repository import ContratRepository
    from carnet.db import get_engine
    from carnet.recits.cli import inputs as story_inputs

    engine = engine or get_engine()
    contrat, projets = story_inputs(pack, tid, engine)
    t0 = ContratRepository(engine, pack.id).t0(tid) if contrat is not None else None
    return contrat, projets, t0


def contributions(pack, tid: str, engine=None) -> list[dict]:
    """The approved contributions of ``tid``'s ateliers as the carnet prints them: category
    label, text, pseudonym (raw strings) and the day received (Paris time)."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from carnet.ateliers import approved
    from carnet.db import get_engine

    def day(v):
        if isinstance(v, datetime):
            return (v if v.tzinfo else v.replace(tzinfo=UTC)).astimezone(ZoneInfo("Europe/Paris")).date()
        return v

    return [{"categorie": c.get("categorie_libelle") or c.get("categorie", ""), "texte": c["texte"],
             "pseudonyme": c.get("pseudonyme") or "", "date": day(c.get("created_at"))}
            for c in approved(engine or get_engine(), pack.id, tid)]


def carnet_pdf(pack, tid: str, *, contrat=None, projets: pd.DataFrame | None = None,
               t0: dict | None = None, contributions: list[dict] | None = None,
               today: date | None = None) -> bytes:
    """The A4 PDF carnet of territoire ``tid`` (arguments: :func:`carnet.rapport.content.content`)."""
    from carnet.rapport.content import content
    from carnet.rapport.typst_doc import compile_pdf

    files: dict[str, bytes] = {}
    doc = content(pack, tid, contrat=contrat, projets=projets, t0=t0, contributions=contributions,
                  today=today, files=files)
    return compile_pdf(doc, files=files)
