"""The contract's timeline as an Altair chart (no Streamlit; rendered by Streamlit's own
Vega bundle: nothing is fetched from a CDN).

One row per phase, in the registry's order: a bar from start to end for a period, a point
for a single date, « date inconnue » written on the row when the phase has no date. How
sure a date is reads from the mark itself, not from colour alone (colour-blind safe):

- *connue* — solid blue, filled;
- *incertaine* — orange diamond, « ? » beside it (the note is in the tooltip and listed
  under the chart by the page);
- *calculée* — hollow, dashed outline (derived from a rule: signature + 6 ans);
- *inconnue* — grey text on the row, no mark.

A red rule marks today.
"""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

from carnet.charts import FONT, FR_LOCALE, HIGHLIGHT, REFERENCE

#: Legend labels of the kinds of dates, and their colours (Okabe-Ito).
ETATS = {"connue": "Date connue", "incertaine": "Date incertaine", "calculee": "Date calculée"}
COLOURS = {"connue": HIGHLIGHT, "incertaine": REFERENCE, "calculee": "#56B4E9"}
TODAY = "#D55E00"
UNKNOWN = "#6e6e6e"

#: Columns of the frame :func:`timeline_chart` takes.
COLUMNS = ("ordre", "phase", "debut", "fin", "etat", "texte", "note")


def timeline_chart(df: pd.DataFrame, today: date) -> alt.LayerChart:
    """The phases (``df``: :data:`COLUMNS`, dates as :class:`datetime.date` or None).

    ``etat`` is a key of :data:`ETATS` or ``inconnue``; ``texte`` is the French dates
    (« 7 juillet 2011 – 7 juillet 2017 »), ``note`` why a date is uncertain or how it was
    calculated (plain text: Vega renders text, never HTML).
    """
    d = df.copy()
    order = list(d.sort_values("ordre")["phase"])
    known = pd.concat([d["debut"], d["fin"]]).dropna()
    lo = min([*known, today])
    hi = max([*known, today])
    start, end = date(lo.year - 1, 1, 1), date(hi.year + 2, 1, 1)
    iso = lambda v: None if v is None or pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%d")  # noqa: E731
    d["debut"] = d["debut"].map(iso)
    d["fin"] = d["fin"].map(iso)
    d["legende"] = d["etat"].map(ETATS)
    d["marque"] = d["etat"].map({"incertaine": "?"}).fillna("")
    d["x0"] = start.isoformat()

    y = alt.Y("phase:N", sort=order, title=None,
              axis=alt.Axis(labelLimit=300, labelFontSize=13, labelFont=FONT, labelOverlap=False))
    x_scale = alt.Scale(type="utc", domain=[start.isoformat(), end.isoformat()])
    colour = alt.Color("legende:N", title="Date", legend=alt.Legend(orient="bottom"),
                       scale=alt.Scale(domain=list(ETATS.values()),
                                       range=[COLOURS[k] for k in ETATS]))
    tip = [alt.Tooltip("phase:N", title="Phase"), alt.Tooltip("texte:N", title="Date"),
           alt.Tooltip("legende:N", title="Nature"), alt.Tooltip("note:N", title="Note")]
    base = alt.Chart(d)
    dated = d["etat"] != "inconnue"
    periods = base.transform_filter("datum.debut != null && datum.fin != null").mark_bar(
        height=14, strokeWidth=2, cornerRadius=2).encode(
        y=y, x=alt.X("debut:T", scale=x_scale, title=None,
                     axis=alt.Axis(format="%Y", labelFontSize=13, tickCount="year", grid=True)),
        x2="fin:T", color=colour,
        fillOpacity=alt.condition("datum.etat == 'calculee'", alt.value(0.15), alt.value(0.9)),
        stroke=colour,
        strokeDash=alt.condition("datum.etat == 'calculee'", alt.value([5, 3]), alt.value([1, 0])),
        tooltip=tip)
    points = base.transform_filter(
        "datum.etat != 'inconnue' && (datum.debut == null || datum.fin == null)").transform_calculate(
        quand="datum.debut != null ? datum.debut : datum.fin").mark_point(
        size=170, strokeWidth=2.5, opacity=1).encode(
        y=y, x=alt.X("quand:T", scale=x_scale, title=None), color=colour,
        fill=alt.condition("datum.etat == 'calculee'", alt.value("white"), colour),
        shape=alt.condition("datum.etat == 'incertaine'", alt.value("diamond"), alt.value("circle")),
        strokeDash=alt.condition("datum.etat == 'calculee'", alt.value([3, 2]), alt.value([1, 0])),
        tooltip=tip)
    flags = base.transform_filter("datum.marque != ''").transform_calculate(
        quand="datum.debut != null ? datum.debut : datum.fin").mark_text(
        align="left", dx=11, fontSize=15, fontWeight="bold", color=REFERENCE).encode(
        y=y, x=alt.X("quand:T", scale=x_scale), text="marque:N", tooltip=tip)
    unknown = base.transform_filter("datum.etat == 'inconnue'").mark_text(
        align="left", dx=4, fontSize=13, fontStyle="italic", color=UNKNOWN).encode(
        y=y, x=alt.X("x0:T", scale=x_scale), text=alt.value("date inconnue"), tooltip=tip)
    now = pd.DataFrame({"jour": [today.isoformat()], "texte": ["Aujourd'hui"]})
    rule = alt.Chart(now).mark_rule(color=TODAY, strokeWidth=2).encode(
        x=alt.X("jour:T", scale=x_scale), tooltip=alt.Tooltip("texte:N", title="Repère"))
    label = alt.Chart(now).mark_text(color=TODAY, align="right", dx=-4, dy=-6, fontSize=12,
                                     fontWeight="bold").encode(
        x=alt.X("jour:T", scale=x_scale), y=alt.value(0), text="texte:N")
    layers = [periods, points, flags, unknown, rule, label]
    if not dated.any():
        layers = [unknown, rule, label]
    chart = alt.layer(*layers).properties(height=36 * len(d) + 40)
    # as the atlas's charts (carnet.charts): French number locale, readable sizes, no frame
    return (chart.configure(locale={"number": FR_LOCALE})
            .configure_axis(labelFontSize=13, titleFontSize=13, labelFont=FONT, titleFont=FONT)
            .configure_legend(labelFontSize=13, titleFontSize=13)
            .configure_view(stroke=None))


def evolution_chart(frame: pd.DataFrame, territoire_nom: str, dep_nom: str) -> alt.FacetChart:
    """Small multiples: one panel per indicator, T0 → latest for the territoire and the département.

    ``frame`` comes from :func:`chart_frame`; a panel's title is its ``panneau`` split on
    ``|`` (two lines: the indicator, then its unit or « indice, T0 = 100 »). The x axis
    names the two vintages (« RP 2018 », « RP 2022 »), in time order.
    """
    order = list(dict.fromkeys(frame["panneau"]))
    years = frame.sort_values("annee")["millesime"].drop_duplicates().tolist()
    base = alt.Chart(frame).encode(
        x=alt.X("millesime:N", title=None, sort=years, axis=alt.Axis(labelAngle=0, labelLimit=120)),
        y=alt.Y("valeur:Q", title=None, scale=alt.Scale(zero=False), axis=alt.Axis(format=",~r")),
        color=alt.Color("niveau:N", title=None, sort=[territoire_nom, dep_nom],
                        scale=alt.Scale(domain=[territoire_nom, dep_nom], range=[HIGHLIGHT, REFERENCE]),
                        legend=alt.Legend(orient="bottom")),
        detail="niveau:N",
        tooltip=[alt.Tooltip("niveau:N", title="Niveau"), alt.Tooltip("moment:N", title="Moment"),
                 alt.Tooltip("millesime:N", title="Millésime"), alt.Tooltip("texte:N", title="Valeur")])
    layered = (base.mark_line(strokeWidth=3) + base.mark_point(size=70, filled=True)).properties(
        width=220, height=150)
    header = alt.Header(labelFontSize=13, labelFont=FONT, labelLimit=0,
                        labelExpr="split(datum.value, '|')")
    chart = layered.facet(facet=alt.Facet("panneau:N", title=None, sort=order, header=header),
                          columns=3, spacing=30).resolve_scale(y="independent", x="independent")
    return (chart.configure(locale={"number": FR_LOCALE})
            .configure_axis(labelFontSize=12, labelFont=FONT)
            .configure_legend(labelFontSize=13)
            .configure_view(stroke=None))
