"""Plan d'actions: projects of the contracts on a map, table, dashboard, fiche, editing."""

import streamlit as st

from carnet.projets.repository import UserRepository
from carnet.projets.seed import published_totals
from carnet.projets.views import apply_filters, dashboard, enrich
from carnet.ui import components
from carnet.ui import projets as ui

components.page_style()
st.title("Plan d'actions")
ui.show_flash()
shared = ui.repository()
if shared is None:
    st.stop()
user, role = ui.current_user()
repo = UserRepository(shared, user, role)  # every write checks the role
ctx = repo.ctx
ui.keep_lazy_widgets()
all_df = enrich(repo.dataframe(ctx.pack_id), ctx)
f = ui.filters_sidebar(all_df, ctx.territoires)
df = apply_filters(all_df, f)

if df["illustratif"].any():
    st.warning(f"{int(df['illustratif'].sum())} projet(s) illustratif(s) affiché(s) : données "
               "fictives générées pour la démonstration, à ne pas citer.", icon="⚠️")
ui.undo_bar(repo, user)

admin = repo.can("admin")
# Lazy tabs (a tab switch reruns): the table, its fiche picker and the dashboard are made
# only in their open tab, so a first visit does not send them (at 10,000 projects the table
# and the picker were 2.4 MB of the 3.2 MB first run, benchmarks/bench_projets.md). The map,
# the form and the import are always made: the map frame stays across tab switches, the
# form keeps what was typed while the editor clicks the map, the import its file.
tab_map, tab_table, tab_dash, tab_edit, tab_io, *tab_admin = st.tabs(
    ui.PLAN_TABS + (["Administration"] if admin else []), key=ui.PLAN_TAB_KEY, on_change="rerun")
with tab_map:
    editing = ui.roles.can(role, "edit")
    clicked = ui.show_projects_map(df, ctx, f.territoires, clickable=editing, all_df=all_df)
    a_localiser = int(df["lon"].isna().sum())
    st.caption(f"{len(df) - a_localiser} projet(s) sur la carte ; {a_localiser} à localiser. "
               "Couleur : orientation ; trait plein : engagé, en cours ou réalisé.")
if tab_table.open:
    with tab_table:
        table = ui.table_view(df)
        shown = st.multiselect(
            "Colonnes affichées", list(table.columns), key="pa_columns",
            default=None if "pa_columns" in st.session_state else ui.TABLE_COLUMNS,
            placeholder="Choisir des colonnes…",
            help="Les colonnes par défaut tiennent sur un vidéoprojecteur (1024 px).")
        st.dataframe(table[shown or ui.TABLE_COLUMNS], hide_index=True, width="stretch")
        titles = dict(zip(df["id"], df["titre"].fillna("").astype(str), strict=True))
        ui.fiche_picker(repo, titles, user, role)
if tab_dash.open:
    with tab_dash:
        shown_territoires = f.territoires or list(published_totals(ctx.pack_id))
        totals = {t: v for t, v in published_totals(ctx.pack_id).items() if t in shown_territoires}
        ui.dashboard_section(dashboard(df), totals, ctx.territoires)
with tab_edit:
    if not ui.roles.can(role, "edit"):
        st.info("Lecture seule : connectez-vous avec un compte éditeur (barre latérale) "
                "pour créer ou modifier des projets.")
    else:
        ui.edit_tab(repo, user, clicked, f.territoires[0] if len(f.territoires) == 1 else None)
with tab_io:
    st.subheader("Exporter les projets filtrés")
    ui.export_section(df, ctx.pack_id, f.territoires[0] if len(f.territoires) == 1 else None)
    if ui.roles.can(role, "import"):
        st.subheader("Importer des projets")
        ui.import_section(repo, user)
if admin:
    with tab_admin[0]:
        ui.admin_section(repo, user)
