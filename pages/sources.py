"""Sources et méthodes: sources, indicator definitions, perimeters, commune mergers."""

import streamlit as st

from carnet import fiches
from carnet.ui import components, data

p = data.pack()
st.title("Sources et méthodes")
st.markdown(
    "Le Carnet n'utilise que des données publiques ouvertes. Chaque chiffre affiché cite sa source "
    "et son millésime ; une valeur absente (secret statistique, donnée non diffusée) est affichée "
    "« non publié », jamais remplacée par zéro."
)

st.header("Sources")
st.markdown(components.sources_markdown(fiches.sources_table(p)), unsafe_allow_html=True)

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
    f"{len(p.table('commune'))} communes. Les sources publiées après une fusion de communes portent "
    "sur la commune nouvelle : leurs chiffres sont rattachés à la commune nouvelle et les anciennes "
    "communes ne sont pas comptées deux fois dans les totaux."
)
mergers = fiches.mergers_table(p)
if mergers.empty:
    st.caption("Aucune fusion détectée.")
else:
    st.dataframe(mergers, hide_index=True, width="stretch")

with st.expander("Contrôles de la construction (jointures des sources)"):
    st.dataframe(fiches.missing_joins(p), hide_index=True, width="stretch")
    st.caption(f"Carnet construit le {p.meta.get('built_at', 'date inconnue')}.")
