"""Domain helpers for the atlas pages: key figures, comparisons, rankings, fiches.

Pure pandas / geopandas, no Streamlit: every function takes a :class:`~carnet.pack.Pack`
and simple values (codes, indicator ids) and returns plain data the pages print. One module
per concern, re-exported here (``from carnet import fiches; fiches.key_figures(...)``):

- :mod:`~carnet.fiches.citations`: producer, title and vintage of a source;
- :mod:`~carnet.fiches.values`: a unit's value and its French text;
- :mod:`~carnet.fiches.merged`: communes merged since the reference COG;
- :mod:`~carnet.fiches.figures`: key figures, unit names, the pack's indicator lists;
- :mod:`~carnet.fiches.territories`: territories and comparisons;
- :mod:`~carnet.fiches.communes`: commune search, identity and fiche;
- :mod:`~carnet.fiches.counts`: commune counts with their vintage;
- :mod:`~carnet.fiches.methods`: the Sources et méthodes page.

>>> from carnet.pack import load_pack                       # doctest: +SKIP
>>> p = load_pack("nord")                                   # doctest: +SKIP
>>> key_figure(p, "territoire", "cambresis", "pop_2022").text  # doctest: +SKIP
'158 302 hab.'
"""

from __future__ import annotations

from carnet.fiches.citations import (
    layer_attribution,
    layer_source,
    short_producer,
    source_label,
    source_short,
    sources_footer,
)
from carnet.fiches.communes import (
    CommuneInfo,
    commune_choices,
    commune_facilities,
    commune_info,
    commune_label,
    commune_profile,
    fiche_ids,
    search_communes,
    selection_text,
)
from carnet.fiches.counts import (
    communes_count,
    reference_cog,
)
from carnet.fiches.figures import (
    KeyFigure,
    atlas_ids,
    default_indicator,
    indicator_options,
    key_figure,
    key_figures,
    latest_vintage,
    population_ids,
    summary_id,
    territory_options,
    unit_name,
)
from carnet.fiches.merged import (
    commune_map_frame,
    commune_rows,
    merged_indicators,
    merged_into,
    merged_key,
    merged_keys,
    merged_members,
    merged_name,
    merged_note,
    merged_of_key,
    merged_year,
    picked_commune,
)
from carnet.fiches.methods import (
    CHECK_SOURCES,
    indicators_table,
    mergers_table,
    missing_joins,
    open_data_credit,
    source_ids,
    sources_table,
    territory_epcis,
)
from carnet.fiches.territories import (
    commune_values,
    compare_display,
    compare_export,
    compare_long,
    compare_table,
    export_sources,
    population_series,
    population_with_reference,
    ranking,
    shows_reference,
    territory_communes,
    territory_comparison,
    units,
)
from carnet.fiches.values import (
    LEVEL_LABELS,
    NON_AGREGEABLE,
    fmt_ind,
    round_values,
    value,
)
from carnet.formatting import fmt_range  # re-exported: fiches.fmt_range, as before

__all__ = [
    "NON_AGREGEABLE",
    "LEVEL_LABELS",
    "value",
    "fmt_ind",
    "round_values",
    "merged_into",
    "merged_indicators",
    "merged_key",
    "merged_keys",
    "merged_members",
    "merged_of_key",
    "picked_commune",
    "merged_name",
    "merged_year",
    "merged_note",
    "commune_rows",
    "commune_map_frame",
    "short_producer",
    "source_label",
    "source_short",
    "sources_footer",
    "layer_attribution",
    "layer_source",
    "unit_name",
    "territory_options",
    "indicator_options",
    "KeyFigure",
    "key_figure",
    "latest_vintage",
    "atlas_ids",
    "summary_id",
    "default_indicator",
    "population_ids",
    "key_figures",
    "territory_comparison",
    "population_series",
    "population_with_reference",
    "territory_communes",
    "ranking",
    "commune_values",
    "compare_table",
    "compare_display",
    "compare_export",
    "export_sources",
    "shows_reference",
    "compare_long",
    "units",
    "search_communes",
    "commune_label",
    "commune_choices",
    "CommuneInfo",
    "commune_info",
    "fiche_ids",
    "commune_profile",
    "commune_facilities",
    "selection_text",
    "reference_cog",
    "communes_count",
    "CHECK_SOURCES",
    "open_data_credit",
    "source_ids",
    "sources_table",
    "indicators_table",
    "territory_epcis",
    "mergers_table",
    "missing_joins",
    "fmt_range",
]
