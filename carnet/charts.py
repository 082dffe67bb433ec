"""Chart builders for the atlas (no Streamlit).

Every builder takes a tidy DataFrame from :mod:`carnet.fiches` (with a French
``texte`` column already formatted for tooltips and labels) and returns an
``alt.Chart``, except :func:`ranking_html`: the communes' ranking as plain HTML bars, which
the browser draws without a chart library. The caption with source and vintage is printed
by the page.
"""

from __future__ import annotations

import html

import altair as alt
import pandas as pd

# Colour-blind-safe colours (Okabe-Ito): highlight, others, reference.
HIGHLIGHT = "#0072B2"
OTHERS = "#A6BDD7"
REFERENCE = "#E69F00"
FONT = "Source Sans Pro, sans-serif"

# French number format for Altair axes (d3-format locale).
FR_LOCALE = {"decimal": ",", "thousands": "\u202f", "grouping": [3], "currency": ["", "\u00a0€"]}


def to_spec(chart: alt.TopLevelMixin) -> dict:
    """The Vega-Lite spec of ``chart`` as ``st.altair_chart`` would send it, ready to cache.

    The data is inline (``datasets``) and no Altair theme is merged: Streamlit converts
    without it, so the spec draws the same chart (Altair's 300 px defaults do not apply).
    Nothing global is switched, unlike ``alt.theme.enable``: other threads may be converting
    charts at the same time (the PDF's vl-convert).

    Examples
    --------
    >>> import pandas as pd
    >>> spec = to_spec(alt.Chart(pd.DataFrame({"x": [1]})).mark_bar().encode(x="x:Q"))
    >>> sorted(spec)
    ['$schema', 'data', 'datasets', 'encoding', 'mark']
    """
    datasets: dict = {}
    spec = chart.to_dict(context={"top_level": False, "datasets": datasets})
    spec["$schema"] = alt.SCHEMA_URL
    if datasets:
        spec["datasets"] = datasets
    return spec


def _axis_title(label: str, unit: str) -> str:
    return f"{label} ({unit})" if unit else label


def _base(chart: alt.Chart) -> alt.Chart:
    """French number locale, readable font sizes, no frame."""
    return (
        chart.configure(locale={"number": FR_LOCALE})
        .configure_axis(labelFontSize=13, titleFontSize=13, labelFont=FONT, titleFont=FONT)
        .configure_legend(labelFontSize=13, titleFontSize=13)
        .configure_view(stroke=None)
    )


def _order(d: pd.DataFrame) -> list[str]:
    """Names from the highest value to the lowest (explicit: layered charts ignore "-x")."""
    return list(d.sort_values("valeur", ascending=False)["nom"])


_CHOSEN_NOTE = '<span class="carnet-rang-note"> (commune choisie)</span>'


def ranking_html(df: pd.DataFrame, label: str, highlight: str | None = None, top: int = 25) -> str:
    """Horizontal bars of communes ranked on an indicator (highest first), as plain HTML.

    One list item per commune: its name, a bar from zero (to the left for a negative value)
    and the value as written (``texte``). No chart library runs in the browser (the Territoire
    page sends no Vega for it), the text is selectable and read by screen readers, every data
    string is escaped. The page's stylesheet (``static/carnet.css``, ``.carnet-rang``) lays it out.

    Parameters
    ----------
    df : DataFrame
        From :func:`carnet.fiches.ranking` (``nom``, ``valeur``, ``texte``, ``code``).
    label : str
        The indicator, the list's accessible name.
    highlight : str, optional
        Code of a commune drawn in the highlight colour and marked « commune choisie ».
    top : int
        Keep the first ``top`` communes with a value (a long territory would not fit).

    Examples
    --------
    >>> d = pd.DataFrame({"code": ["a", "b"], "nom": ["A <b>", "B"], "valeur": [2.0, -1.0],
    ...                   "texte": ["2 %", "-1 %"]})
    >>> out = ranking_html(d, "Taux", highlight="b")
    >>> "A &lt;b&gt;" in out, out.count("<li"), 'class="carnet-rang-choisie"' in out
    (True, 2, True)
    """
    d = df.dropna(subset=["valeur"]).head(top)
    values = d["valeur"].astype(float)
    lo = min(0.0, float(values.min())) if len(d) else 0.0
    hi = max(0.0, float(values.max())) if len(d) else 0.0
    span = (hi - lo) or 1.0
    zero = (0.0 - lo) / span * 100  # not -lo: no "-0.00%"
    items = []
    for code, nom, value, texte in zip(d["code"], d["nom"], values, d["texte"], strict=True):
        width = abs(value) / span * 100
        left = zero if value >= 0 else zero - width
        chosen = code == highlight
        cls, note = (' class="carnet-rang-choisie"', _CHOSEN_NOTE) if chosen else ("", "")
        items.append(
            f'<li{cls}>'
            f'<span class="nom">{html.escape(str(nom))}</span>'
            f'<span class="piste" aria-hidden="true"><span class="barre" '
            f'style="left:{left:.2f}%;width:{width:.2f}%"></span></span>'
            f'<span class="valeur">{html.escape(str(texte))}{note}</span></li>')
    return (f'<ol class="carnet-rang" aria-label="{html.escape(label)} : classement des communes">'
            + "".join(items) + "</ol>")


def _reference(df: pd.DataFrame, *groups: str) -> str:
    """The reference group of a bar chart: the pack's whole (« Département », « Région »), the
    group that is none of ``groups``."""
    return next((g for g in df["groupe"] if g not in groups), "Département")


def territories_chart(df: pd.DataFrame, label: str, unit: str) -> alt.Chart:
    """Bars of every territory and the département on one indicator.

    ``df`` comes from :func:`carnet.fiches.territory_comparison` (``groupe`` column:
    ``Territoire choisi`` / ``Autres territoires`` / ``Département``).
    """
    d = df.dropna(subset=["valeur"])
    own = ["Territoire choisi", "Autres territoires"]
    domain = [*own, _reference(df, *own)]
    bars = alt.Chart(d).mark_bar().encode(
        y=alt.Y("nom:N", sort=_order(d), title=None, axis=alt.Axis(labelLimit=240, labelOverlap=False)),
        x=alt.X("valeur:Q", title=_axis_title(label, unit), axis=alt.Axis(format=",~r")),
        color=alt.Color("groupe:N", title=None,
                        scale=alt.Scale(domain=domain, range=[HIGHLIGHT, OTHERS, REFERENCE]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("nom:N", title="Territoire"), alt.Tooltip("texte:N", title=label)],
    )
    text = bars.mark_text(align="left", dx=4, fontSize=12).encode(text="texte:N", color=alt.value("#333"))
    return _base((bars + text).properties(height=alt.Step(34)))


def compare_chart(df: pd.DataFrame, label: str, unit: str) -> alt.Chart:
    """Bars of compared units plus the département (``groupe``: Sélection / Département)."""
    d = df.dropna(subset=["valeur"])
    bars = alt.Chart(d).mark_bar().encode(
        y=alt.Y("nom:N", sort=_order(d), title=None, axis=alt.Axis(labelLimit=260, labelOverlap=False)),
        x=alt.X("valeur:Q", title=_axis_title(label, unit), axis=alt.Axis(format=",~r")),
        color=alt.Color("groupe:N", title=None,
                        scale=alt.Scale(domain=["Sélection", _reference(df, "Sélection")],
                                        range=[HIGHLIGHT, REFERENCE]),
                        legend=alt.Legend(orient="bottom") if d["groupe"].nunique() > 1 else None),
        tooltip=[alt.Tooltip("nom:N", title="Nom"), alt.Tooltip("texte:N", title=label)],
    )
    text = bars.mark_text(align="left", dx=4, fontSize=12).encode(text="texte:N", color=alt.value("#333"))
    return _base((bars + text).properties(height=alt.Step(34)))


def population_chart(df: pd.DataFrame, indexed: bool = False) -> alt.Chart:
    """Population over census years, one line per unit.

    ``df`` comes from :func:`carnet.fiches.population_series`. With ``indexed``, values
    are shown as an index (first year = 100) so units of different sizes compare.
    """
    d = df.dropna(subset=["population"]).copy()
    y_field, y_title = "population", "Population municipale (hab.)"
    if indexed:
        first = d.sort_values("annee").groupby("code")["population"].transform("first")
        d["indice"] = d["population"] / first * 100
        y_field, y_title = "indice", f"Indice (base 100 en {int(d['annee'].min())})"
    palette = [HIGHLIGHT, REFERENCE, "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999"]
    line = alt.Chart(d).mark_line(point=alt.OverlayMarkDef(size=60), strokeWidth=3).encode(
        x=alt.X("annee:Q", title="Année du recensement", axis=alt.Axis(format="d", tickMinStep=1)),
        y=alt.Y(f"{y_field}:Q", title=y_title, scale=alt.Scale(zero=False), axis=alt.Axis(format=",~r")),
        color=alt.Color("nom:N", title=None, scale=alt.Scale(range=palette),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("nom:N", title="Territoire"), alt.Tooltip("millesime:N", title="Millésime"),
                 alt.Tooltip("texte:N", title="Population")],
    )
    return _base(line.properties(height=320))
