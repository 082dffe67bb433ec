"""Sources et méthodes: sources, indicator definitions, perimeters, commune mergers."""

import streamlit as st

from carnet import fiches
from carnet.formatting import fmt_datetime
from carnet.ui import components, data

p = data.pack()
components.page_style()
st.title("Sources et méthodes")
st.markdown(
    "Le Carnet n'utilise que des données publiques ouvertes. Chaque chiffre affiché cite sa source "
    "et son millésime ; une valeur absente (secret statistique, donnée non diffusée) est affichée "
    "« non publié », jamais remplacée par zéro."
)

st.header("Sources")
st.markdown(components.sources_markdown(fiches.sources_table(p)), unsafe_allow_html=True)
# Each sentence about a source the pack uses (the Somme has neither monuments nor EPCI outlines).
monuments = ""
if "monuments" in p.layer_ids:
    monuments = (" ; les monuments historiques ont été convertis des tuiles d'une carte en points, et leur "
                 "code commune ajouté par point dans polygone sur les communes de 2018")
controls = ("Les contours d'EPCI de l'IGN (Admin Express, COG 2025) et la table d'appartenance de l'INSEE "
            "(2022) servent de contrôle : la commande « check » compare les contours d'EPCI dissous des "
            "communes aux contours de l'IGN et l'appartenance des communes aux EPCI à celle de l'INSEE."
            ) if p.config.controle_epci else (
            "La table d'appartenance de l'INSEE (2022) sert de contrôle : la commande « check » compare "
            "l'appartenance des communes aux EPCI à celle de l'INSEE.")
st.markdown(
    "**Copies publiques.** Plusieurs fichiers viennent de copies publiques des jeux officiels, "
    "indiquées dans la colonne Producteur : les populations 2015 et 2021 et les actifs et chômeurs de "
    "15 à 64 ans en 2021 viennent d'une compilation tierce de la base comparateur 2024 de l'INSEE "
    f"(effectifs des 15-64 ans arrondis à l'unité){monuments}. {controls}"
)

st.header("Indicateurs")
st.markdown(
    "Les valeurs des EPCI, des territoires et du département sont **recalculées à partir des "
    "sommes communales** : un taux est toujours un rapport de sommes, jamais une moyenne de taux. "
    "Les médianes et taux de pauvreté ne s'additionnent pas : ils ne sont donnés qu'à la commune "
    "(« non agrégeable » ailleurs). Une valeur agrégée est « non publié » dès qu'une commune du "
    "groupe manque dans la source."
)
st.dataframe(fiches.indicators_table(p), hide_index=True, width="stretch",
             column_config={"Définition": st.column_config.TextColumn(width="large")})

st.header(f"Périmètre des {data.territory_word(p, plural=True, lower=True)}")
st.markdown(" ".join(p.config.perimetre.get("note", "").split()))
st.dataframe(fiches.territory_epcis(p), hide_index=True, width="stretch")

st.header("Communes fusionnées")
st.markdown(
    "Les contours et le code officiel géographique de référence comptent "
    f"{fiches.communes_count(p)}. Les sources publiées après une fusion de communes portent sur la "
    "commune nouvelle : pour leurs indicateurs, la commune nouvelle a sa ligne dans les exports et son "
    "contour (réunion des anciennes communes) sur les cartes, les anciennes communes y sont notées "
    "« fusionnée dans … » (et non « non publié », réservé au secret statistique) et ne sont pas "
    "comptées deux fois dans les totaux. Les sources antérieures à la fusion gardent les anciennes "
    "communes."
)
mergers = fiches.mergers_table(p)
if mergers.empty:
    st.caption("Aucune fusion détectée.")
else:
    st.dataframe(mergers, hide_index=True, width="stretch")

with st.expander("Contrôles de la construction (jointures des sources)"):
    st.dataframe(fiches.missing_joins(p), hide_index=True, width="stretch")
    st.caption(f"Carnet construit le {fmt_datetime(p.meta.get('built_at'))}.")
