"""The « Carnet PDF » button of the Territoire page (issue #11 §4).

The PDF is made only when the button is pressed (deferred data: the page does not pay for
it, the press does not rerun the page), from the same inputs as the pages: the contract
store's contract (else the seed file's) and frozen T0, the projects registry's projects
(:func:`carnet.ui.contrat.data.load_stored`, :func:`carnet.ui.contrat.data.projects`).
If it cannot be made, the file says why in French (with a reference to the server log),
never a traceback.
"""

from __future__ import annotations

import logging
import secrets

import streamlit as st

log = logging.getLogger("carnet.ui")

FAILED = "Le carnet PDF n'a pas pu être produit"


def _inputs(pack, tid: str):
    from carnet.rapport.document import contributions
    from carnet.ui.ateliers import repository
    from carnet.ui.contrat import data

    contrat, store = data.load_stored(pack.id, tid)
    t0 = store.t0(tid) if store is not None and contrat is not None else None
    return contrat, data.projects(pack.id, tid), t0, contributions(pack, tid, repository())


def pdf_bytes(pack, tid: str) -> bytes:
    """The territoire's carnet PDF; on failure, a one-page PDF saying why (French, logged)."""
    from carnet.rapport.document import carnet_pdf

    try:
        contrat, projets, t0, contribs = _inputs(pack, tid)
        return carnet_pdf(pack, tid, contrat=contrat, projets=projets, t0=t0, contributions=contribs)
    except Exception as exc:  # noqa: BLE001 - the download must stay a readable file
        from carnet.rapport.typst_doc import compile_pdf
        from carnet.ui.guard import message

        ref = secrets.token_hex(4)
        log.error("%s (référence %s)", FAILED, ref, exc_info=exc)
        text = message(exc, ref, FAILED)
        return compile_pdf({"titre": "Carnet PDF", "sous_titre": text, "genere_le": "",
                            "sections": []})


def pdf_button(pack, tid: str) -> None:
    """« Carnet PDF »: the A4 carnet of territoire ``tid``, made on press."""
    st.download_button(
        "Carnet PDF", data=lambda: pdf_bytes(pack, tid), file_name=f"carnet-{pack.id}-{tid}.pdf",
        mime="application/pdf", key=f"rapport_pdf_{tid}", on_click="ignore",
        icon=":material/picture_as_pdf:",
        help="Le carnet du territoire au format A4 : chiffres clés avec leurs sources, cartes, "
             "contrat, plan d'actions, clause de revoyure, patrimoine, sources et méthodes "
             "(quelques secondes).")
