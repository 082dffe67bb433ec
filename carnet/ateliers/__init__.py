"""Workshops (« ateliers », issue #11 §5): participants' contributions on a territoire's map.

An editor opens an atelier (title, dates, a short code shown on the projector); participants
without an account click the map, choose a category and write a short text; contributions
wait in a moderation queue until an editor approves or rejects them. Approved contributions
reach the territoire's map, the story's DÉBATTRE chapter and the CSV / GeoJSON exports.

Modules: :mod:`~carnet.ateliers.categories` (registry), :mod:`~carnet.ateliers.models`
(tables), :mod:`~carnet.ateliers.limits` (abuse rules, spam signals),
:mod:`~carnet.ateliers.repository` (database), :mod:`~carnet.ateliers.exports`.
"""

from __future__ import annotations


def approved(engine_or_repo, pack: str, territoire: str) -> list[dict]:
    """Approved contributions of ``territoire`` of ``pack``, oldest first (raw strings).

    Parameters
    ----------
    engine_or_repo : sqlalchemy.Engine or AtelierRepository
    pack, territoire : str

    Returns
    -------
    list of dict
        See :meth:`carnet.ateliers.repository.AtelierRepository.approved`.
    """
    from carnet.ateliers.repository import approved as _approved

    return _approved(engine_or_repo, pack, territoire)
