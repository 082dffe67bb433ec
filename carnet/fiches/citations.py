"""Citations: the producer, title and vintage of an indicator's or a layer's source."""

from __future__ import annotations

from carnet.indicators import Indicator
from carnet.pack import Pack
from carnet.sources import catalogue


def short_producer(source_id: str) -> str:
    """The producer of a source without its parenthesised details: ``INSEE``."""
    src = catalogue().get(source_id)
    if src is None:
        return source_id
    return src.producteur.split(" (")[0].split(",")[0].strip()


def source_label(ind: Indicator) -> str:
    """One-line French citation of an indicator: producer, title and vintage."""
    src = catalogue().get(ind.source)
    if src is None:
        return f"{ind.source} · {ind.vintage}"
    return f"{short_producer(ind.source)}, {src.titre} · {ind.vintage}"


def source_short(ind: Indicator) -> str:
    """Producer and vintage only: ``INSEE · RP 2022`` (full citation: :func:`source_label`)."""
    return f"{short_producer(ind.source)} · {ind.vintage}"


def sources_footer(pack: Pack, ids) -> list[str]:
    """Distinct ``source · vintage`` citations of a list of indicators."""
    return list(dict.fromkeys(source_label(pack.indicator(i)) for i in ids if i in pack.indicators))


def layer_attribution(layer_id: str) -> str:
    """Short map attribution of a layer: its producer."""
    from carnet.layers import layer_registry

    return f"{short_producer(layer_registry()[layer_id]['source'])}"


def layer_source(layer_id: str) -> str:
    """Citation of a layer's source."""
    from carnet.layers import layer_registry

    sid = layer_registry()[layer_id]["source"]
    src = catalogue()[sid]
    return f"{short_producer(sid)}, {src.titre} · {src.millesime}"
