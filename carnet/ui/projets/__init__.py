"""Streamlit helpers of the "Plan d'actions" page (projects registry, issue #4).

Every data string reaches the browser as plain text: through st.dataframe, the fiche's
escaped HTML table (``carnet.ui.plain.table``), ``plain.md`` in alerts and captions (file
names, CRS names, values quoted in errors), or the folium map (html.escape in
``carnet.projets.views``); nothing here uses ``unsafe_allow_html``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from carnet import auth as roles
from carnet.formatting import fmt_int, fmt_number, fmt_percent
from carnet.projets.constants import (
    CATEGORIES,
    STATUTS,
)
from carnet.projets.errors import ImportRejected, ProjetError
from carnet.projets.exporter import FORMATS, export_filename, export_projects
from carnet.projets.orientations import orientations, pack_of
from carnet.projets.repository import ProjetRepository
from carnet.projets.views import NON_RENSEIGNE, Filters
from carnet.ui import auth, guard
from carnet.ui.auth import current_user  # noqa: F401 - the pages' entry point (account box: app.py)
from carnet.ui.data import ALL_TERRITORIES

# The edit / fiche / delete flow lives in carnet.ui.projets.edition (re-exported for the page).
from carnet.ui.projets.edition import (  # noqa: F401
    EDIT_KEY,
    FLASH_KEY,
    edit_tab,
    fiche_picker,
    fiche_section,
    flash,
    open_project,
    project_form,
    show_flash,
    undo_bar,
)
from carnet.ui.plain import md

#: French placeholders (Streamlit's default is the English "Choose options").
CHOISIR = "Choisir…"
TOUS = "Tous (choisir pour filtrer)"


@st.cache_resource(show_spinner="Ouverture du registre des projets…")
def _repository(url: str, pack_id: str) -> ProjetRepository:
    from carnet.db import get_engine
    from carnet.projets.seed import ensure_seed
    from carnet.projets.territory import TerritoryContext
    from carnet.ui.data import pack

    repo = ProjetRepository(get_engine(url), TerritoryContext.from_pack(pack()))
    ensure_seed(repo, pack_id)
    return repo


def repository() -> ProjetRepository | None:
    """The registry of the app's pack (None, with a French message, if no pack)."""
    from carnet.db import get_database_url
    from carnet.ui.data import ensure_pack

    p = ensure_pack()
    return None if p is None else _repository(get_database_url(), p.id)


def _secrets_section(name: str) -> dict:
    try:
        return dict(st.secrets.get("carnet", {}).get(name, {}))
    except (FileNotFoundError, KeyError, AttributeError):
        return {}
    except Exception:  # noqa: BLE001 - no secrets.toml at all
        return {}


def _options(vocab: dict[str, str]) -> dict[str, str]:
    return {**vocab, NON_RENSEIGNE: NON_RENSEIGNE}


#: URL parameters of the Plan d'actions filters (kept in the address, see carnet.ui.state).
FILTER_PARAMS = ("recherche", "territoires", "epcis", "communes", "orientations", "categories",
                 "statuts", "moa", "annees", "cout_min", "cout_max", "illustratifs")
YEARS = (2000, 2040)


def _int(text: str) -> int:
    return int(str(text).strip())


def _years(text: str) -> tuple[int, int]:
    lo, hi = (int(x) for x in str(text).split("-", 1))
    if not YEARS[0] <= lo <= hi <= YEARS[1]:
        raise ValueError(text)
    return lo, hi


#: Former name of the ``territoires`` filter parameter, still read from old links.
LEGACY_FILTER_PARAMS = {"contrats": "territoires"}


def filters_sidebar(df: pd.DataFrame, territoires: dict[str, str]) -> Filters:
    """Filter widgets (sidebar) → :class:`Filters`; every filter is kept in the URL.

    The contract filter follows the territory chosen in the sidebar: when the user picks
    a territory (or arrives with one in the URL), its contract is selected; the filter
    can then be widened or emptied (« tous les contrats »). Without a territory in the URL
    the sidebar reads « Tous les territoires de contrat » (:data:`ALL_TERRITORIES`), which
    is what the page shows; choosing it again after a territory empties the filter.
    """
    from carnet.ui import state

    qp = st.query_params
    for old, new in LEGACY_FILTER_PARAMS.items():  # a link made before the rename
        if old in qp:
            if new not in qp:
                qp[new] = qp[old]
            del qp[old]
    state.sync_page(FILTER_PARAMS)
    tid = state.get("territoire") if state.explicit("territoire") else None
    seen = st.session_state.get("_pa_territoire")
    if tid in territoires and tid != seen:  # a new territory chosen: it is the filter
        st.session_state["_pa_territoire"] = tid
        if seen is not None or not state.explicit("territoires"):
            state.put_list("territoires", [tid])
    elif tid == ALL_TERRITORIES and seen not in (None, ALL_TERRITORIES):  # « Tous » chosen again
        st.session_state["_pa_territoire"] = tid
        state.put("territoires", None)

    sb = st.sidebar
    sb.header("Filtres")

    def multi(label, name, options: dict[str, str]):
        return state.multiselect(label, name, options, default=[], key=f"pf_{name}", placeholder=TOUS)

    with sb:
        f = Filters(texte=state.bound(st.text_input, "Recherche (titre, description, commune…)",
                                      "recherche", "", parse=str, dump=str, key="pf_q",
                                      placeholder="Mot du titre, commune, maître d'ouvrage…"))
        f.territoires = multi("Contrat de territoire", "territoires", territoires)
        epcis = dict(zip(df["epci"].dropna(), df["epci_nom"].dropna(), strict=False))
        f.epcis = multi("EPCI", "epcis", epcis)
        communes = dict(zip(df["commune"].dropna(), df["commune_nom"].fillna(""), strict=False))
        f.communes = multi("Commune", "communes", communes)
        labels = orientations(pack_of(df)).labels
        if labels:  # a pack without orientations has no such filter
            f.orientations = multi("Orientation", "orientations", _options(labels))
        f.categories = multi("Catégorie", "categories", CATEGORIES)
        f.statuts = multi("Statut", "statuts", _options(STATUTS))
        f.maitre_ouvrage = state.bound(st.text_input, "Maître d'ouvrage contient", "moa", "",
                                       parse=str, dump=str, key="pf_moa",
                                       placeholder="Ex. : Département, commune de…")
        years = state.bound(st.slider, "Années", "annees", YEARS, parse=_years,
                            dump=lambda v: f"{v[0]}-{v[1]}", key="pf_years",
                            min_value=YEARS[0], max_value=YEARS[1])
        f.annee_min, f.annee_max = (None if years[0] == YEARS[0] else years[0],
                                    None if years[1] == YEARS[1] else years[1])
        lo = state.bound(st.number_input, "Coût total minimal (€)", "cout_min", 0, parse=_int,
                         dump=str, key="pf_cout_min", min_value=0, step=10_000)
        hi = state.bound(st.number_input, "Coût total maximal (€, 0 = sans limite)", "cout_max", 0,
                         parse=_int, dump=str, key="pf_cout_max", min_value=0, step=10_000)
        f.budget_min, f.budget_max = (lo or None), (hi or None)
        f.illustratifs = state.bound(st.toggle, "Inclure les projets illustratifs", "illustratifs",
                                     True, parse=lambda t: t != "non",
                                     dump=lambda v: "oui" if v else "non", key="pf_ill")
    return f


#: Columns of the projects table shown by default: they fit a 1024 px projector without
#: scrolling sideways; the others are one choice away (« Colonnes affichées »).
TABLE_COLUMNS = ["N°", "Titre", "Commune", "Statut", "Coût total", "Participation CD", "Années"]


def table_view(df: pd.DataFrame) -> pd.DataFrame:
    """Display-ready table: French headers, labels and amounts (pure pandas, shown by the page).

    Amounts are exact (``1 250 000 €``) and years plain (``2024``); a missing value reads
    « non renseigné », never ``None`` or an empty cell.
    """
    from carnet.projets.views import fmt_euros

    def year(v) -> str:
        return NON_RENSEIGNE.lower() if pd.isna(v) else str(int(v))

    missing = NON_RENSEIGNE.lower()

    def years(start, end) -> str:
        known = [str(int(y)) for y in (start, end) if not pd.isna(y)]
        if len(known) == 2 and known[0] == known[1]:
            known = known[:1]
        return "–".join(known) or missing

    out = pd.DataFrame({
        "N°": df["id"], "Titre": df["titre"], "Contrat": df.get("territoire_nom"),
        "Commune": df.get("commune_nom"),
        "Orientation": df["orientation"].map(orientations(pack_of(df)).short),
        "Catégorie": df["categorie"].map(CATEGORIES), "Statut": df["statut"].map(STATUTS),
        "Maître d'ouvrage": df["maitre_ouvrage"],
        "Coût total": df["cout_total"].map(fmt_euros).astype(object),
        "Participation CD": df["participation_cd"].map(fmt_euros).astype(object),
        "Années": pd.Series([years(a, b) for a, b in zip(df["annee_debut"], df["annee_fin"], strict=True)],
                            index=df.index, dtype=object),
        "Début": df["annee_debut"].map(year).astype(object),
        "Fin": df["annee_fin"].map(year).astype(object),
        "Illustratif": df["illustratif"].map({True: "oui", False: "non"}).fillna("non"),
    })
    return out.fillna({"Orientation": NON_RENSEIGNE, "Statut": NON_RENSEIGNE, "Catégorie": NON_RENSEIGNE,
                       "Commune": missing, "Contrat": missing, "Maître d'ouvrage": missing,
                       "Titre": ""})


LOCATION_CHOICES = ["Commune (centre)", "Clic sur la carte", "Coordonnées", "À localiser"]


def _new_map_click(key: str, clicked: tuple[float, float] | None) -> tuple[float, float] | None:
    """The map click meant for form ``key``: one made while the form is open.

    A click made before the form opened (another project's) is ignored; a new click
    switches the form's « Localisation » to « Clic sur la carte », since an editor who
    clicks the map means to place the project there (it used to be dropped silently
    when the choice stayed on « Commune (centre) »).
    """
    seen_key, point_key = f"{key}_seen_click", f"{key}_click"
    if seen_key not in st.session_state:  # the form opens: earlier clicks are not for it
        st.session_state[seen_key] = clicked
    elif clicked is not None and clicked != st.session_state[seen_key]:
        st.session_state[seen_key] = clicked
        st.session_state[point_key] = clicked
        st.session_state[f"{key}_how"] = LOCATION_CHOICES[1]
    return st.session_state.get(point_key)


def import_section(repo: ProjetRepository, user: str) -> None:
    """Template → upload → column mapping → report and proposals → import (atomic)."""
    from carnet.projets.importer import (
        FIELD_LABELS,
        MAX_UPLOAD_BYTES,
        READERS,
        build_report,
        commit,
        read_table,
        suggest_mapping,
    )

    _import_help(repo)
    n = st.session_state.get("projets_import_n", 0)  # a new key empties the uploader
    up = st.file_uploader("Fichier (CSV, XLSX, GeoJSON, GeoPackage, Shapefile zippé ; 20 Mo)",
                          type=[ext.lstrip(".") for ext in READERS],
                          key=f"projets_import_{n}")
    if up is None:
        return
    if up.size > MAX_UPLOAD_BYTES:
        st.error("Fichier refusé : au-delà de la limite de 20 Mo.")
        return
    territoire = st.selectbox("Contrat par défaut", [None, *repo.ctx.territoires],
                              placeholder=CHOISIR,
                              format_func=lambda c: repo.ctx.territoires.get(c, "—") if c else "—")
    try:
        table = read_table(up.getvalue(), up.name)
        if len(table.layers) > 1:  # several sheets or layers hold data: ask which
            word = "Feuille" if table.kind == "xlsx" else "Couche"
            layer = st.selectbox(f"{word} à importer", table.layers, index=None,
                                 placeholder=CHOISIR, key=f"projets_layer_{n}_{up.name}")
            if layer is not None:
                table = read_table(up.getvalue(), up.name, layer=layer)
    except ImportRejected as exc:
        st.error(md(exc))
        return
    except Exception as exc:  # noqa: BLE001 - an unforeseen file: French message, no traceback
        guard.report(exc, f"Le fichier « {up.name} » n'a pas pu être lu")
        return
    cols = [None, *table.df.columns]
    guess = suggest_mapping(list(table.df.columns), table, repo.ctx)
    st.markdown("**Correspondance des colonnes** (devinée d'après les en-têtes et le contenu)")
    mapping = {f: c for f, c in guess.items() if f not in FIELD_LABELS}  # id/version of exports
    grid = st.columns(3)
    for i, (fname, label) in enumerate(FIELD_LABELS.items()):
        choice = grid[i % 3].selectbox(label, cols, index=cols.index(guess.get(fname)),
                                       placeholder=CHOISIR, key=f"map_{n}_{up.name}_{fname}",
                                       format_func=lambda c: "— (non importé)" if c is None else c)
        if choice:
            mapping[fname] = choice
    try:
        base = build_report(table, mapping, repo.ctx, repo, territoire)
        accepted = _proposals_editor(base, f"projets_prop_{n}_{up.name}")
        report = build_report(table, mapping, repo.ctx, repo, territoire,
                              accepted=accepted) if accepted else base
    except ImportRejected as exc:
        st.error(md(exc))
        return
    except Exception as exc:  # noqa: BLE001
        guard.report(exc, f"Le fichier « {up.name} » n'a pas pu être vérifié")
        return
    with st.expander("Correspondance retenue et raisons"):
        st.dataframe(report.mapping_frame(), hide_index=True)
    for note in report.notes:
        st.caption(md(note))
    (st.success if report.ok else st.warning)(md(report.summary()))
    if report.rejected:
        st.dataframe(report.rejected_frame(), hide_index=True)
    doublons = None
    if report.duplicates:
        st.markdown("**Doublons probables** (même titre, commune et année)")
        st.dataframe(report.duplicates_frame(), hide_index=True)
        choice = st.radio("Que faire de ces lignes ?", ["ignorer", "importer"], horizontal=True,
                          format_func={"ignorer": "Ne pas les importer",
                                       "importer": "Les importer quand même"}.get,
                          key=f"projets_dup_{n}")
        doublons = choice
    todo = len(report.valid) + len(report.updates)
    if not todo or report.choice_needed:
        return
    partial = bool(report.rejected)
    label = (f"Importer les {todo} lignes valides" if partial else
             f"Importer {len(report.valid)} projet(s)"
             + (f" et en mettre à jour {len(report.updates)}" if report.updates else ""))
    if st.button(label, type="primary", key=f"projets_commit_{n}",
                 help="Les lignes rejetées ne sont pas importées ; les autres sont "
                      "enregistrées en une seule fois." if partial else None):
        try:
            created = commit(report, repo, user, partial=partial, doublons=doublons)
        except ProjetError as exc:
            st.error(md(exc))
        else:
            st.session_state["projets_import_n"] = n + 1
            updated = report.written.get("updated", 0)
            flash(f"{len(created)} projet(s) importé(s)"
                  + (f", {updated} mis à jour" if updated else "") + f" depuis {md(up.name)}.")


def _import_help(repo) -> None:
    """Template downloads and the list of accepted values."""
    from carnet.projets.exporter import accepted_values_frame, template_bytes

    with st.expander("Modèle de fichier et valeurs acceptées"):
        st.caption("Un export du registre (CSV, XLSX, GeoJSON, GeoPackage) se réimporte tel "
                   "quel : les projets inchangés ne sont ni recréés ni modifiés. Les en-têtes "
                   "usuels (Intitulé, Porteur, Axe, Avancement, Part CD…) sont reconnus, comme "
                   "les noms de communes et les libellés ci-dessous.")
        left, right = st.columns(2)
        left.download_button("Modèle XLSX", data=lambda: template_bytes("xlsx",
                                                                       repo.ctx.territoires,
                                                                       repo.ctx),
                             file_name="modele_projets.xlsx", mime=FORMATS["xlsx"][1],
                             key="projets_tpl_xlsx")
        right.download_button("Modèle CSV", data=lambda: template_bytes("csv"),
                              file_name="modele_projets.csv", mime=FORMATS["csv"][1],
                              key="projets_tpl_csv")
        st.dataframe(accepted_values_frame(repo.ctx.territoires, repo.ctx), hide_index=True)


def _proposals_editor(report, key: str) -> dict:
    """Table of proposed value mappings; returns the ones the user ticked."""
    from carnet.projets.report import accepted_from_frame

    frame = report.proposals_frame()
    if frame.empty:
        return {}
    st.markdown("**Valeurs à confirmer** : cochez la correspondance à appliquer")
    edited = st.data_editor(
        frame, hide_index=True, key=key, disabled=[c for c in frame.columns if c != "Appliquer"],
        column_order=["Appliquer", "Champ", "Valeur du fichier", "Lignes", "Proposition"],
        column_config={"Appliquer": st.column_config.CheckboxColumn("Appliquer")})
    return accepted_from_frame(edited)


def export_section(df: pd.DataFrame, pack: str, territoire: str | None) -> None:
    """Download buttons for the filtered projects."""
    cols = st.columns(len(FORMATS))
    for col, fmt in zip(cols, FORMATS, strict=True):
        col.download_button(f"Exporter en {fmt.upper()}", data=lambda f=fmt: export_projects(
            df, f), file_name=export_filename(pack, territoire, fmt),
            mime=FORMATS[fmt][1], key=f"exp_{fmt}")


def show_projects_map(df: pd.DataFrame, ctx, territoires: list[str],
                      clickable: bool) -> tuple[float, float] | None:
    """Draw the projects map over the offline background; return the last click (lon, lat).

    The communes and contract territories come from the pack (no tiles needed); the
    OpenStreetMap basemap is an opt-in toggle, since it needs Internet.
    """
    from streamlit_folium import st_folium

    from carnet.maps.assets import external_links, use_local_assets
    from carnet.maps.projects import projects_map
    from carnet.ui.assets import assets_problem, static_base_url

    problem = assets_problem()
    if problem:
        st.warning(problem, icon="🗺️")
    tiles = st.toggle("Fond de plan OpenStreetMap (connexion Internet nécessaire)", value=False,
                      key="projets_tiles",
                      help="Sans fond de plan, la carte n'a besoin d'aucune connexion : les "
                           "communes et les territoires de contrat viennent du carnet.")
    m = projects_map(df, ctx.map_context, contrats=territoires, tiles=tiles,
                     base_url=static_base_url())
    use_local_assets(m, base_url=static_base_url())
    remaining = external_links(m)
    if remaining:
        st.warning("Cette carte charge des fichiers externes (hors ligne elle ne s'affichera "
                   "pas) : " + ", ".join(remaining))
    value = st_folium(m, key="projets_map", height=540, use_container_width=True,
                      returned_objects=["last_clicked"] if clickable else [])
    click = (value or {}).get("last_clicked")
    if click:
        st.session_state["projets_click"] = (round(click["lng"], 6), round(click["lat"], 6))
    return st.session_state.get("projets_click")


def accounts_frames(users: dict, oidc_roles: dict,
                    min_iterations: int = roles.MIN_ITERATIONS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Accounts and OIDC roles from the secrets, for display (never a hash or password).

    Parameters
    ----------
    users : dict
        ``secrets["carnet"]["users"]``: name → {password_hash, role}.
    oidc_roles : dict
        ``secrets["carnet"]["oidc_roles"]``: e-mail → role.
    min_iterations : int
        Hashes below this are shown as refused (``[carnet.auth] min_iterations``).
    """
    def password_state(name, entry) -> str:
        if not roles.valid_username(str(name)):
            return "identifiant invalide : connexion impossible (" + roles.USERNAME_RULE + ")"
        return roles.password_state(entry if hasattr(entry, "keys") else {}, min_iterations)

    def role_label(role) -> str:
        role = str(role or "viewer")
        known = roles.normalize_role(role)
        return roles.ROLES[known] if known else f"{role} (inconnu : traité comme Lecteur)"

    accounts = pd.DataFrame(
        [{"Identifiant": str(name), "Rôle": role_label((dict(e) if hasattr(e, "keys") else {})
                                                       .get("role")),
          "Mot de passe": password_state(name, e)} for name, e in sorted(users.items())],
        columns=["Identifiant", "Rôle", "Mot de passe"])
    oidc = pd.DataFrame([{"Adresse électronique": str(k), "Rôle": role_label(v)}
                         for k, v in sorted(oidc_roles.items())],
                        columns=["Adresse électronique", "Rôle"])
    return accounts, oidc


def admin_section(repo, user: str) -> None:
    """Administrators: accounts and roles (read-only, from the secrets), illustrative purge."""
    st.subheader("Comptes et rôles")
    st.caption("Lecture seule : les comptes se déclarent dans .streamlit/secrets.toml "
               "(mots de passe hachés avec « python -m carnet.auth »). Lecteur : "
               "consulter et exporter ; Éditeur : saisir, modifier, supprimer, importer ; "
               "Administrateur : en plus, cette page.")
    try:
        minimum = auth.policy().min_iterations
    except ProjetError as exc:
        st.error(str(exc))
        minimum = roles.MIN_ITERATIONS
    accounts, oidc = accounts_frames(_secrets_section("users"), _secrets_section("oidc_roles"),
                                     minimum)
    if accounts.empty:
        st.info("Aucun compte déclaré : tout le monde consulte en lecture seule.")
    else:
        st.dataframe(accounts, hide_index=True)
    if not oidc.empty:
        st.markdown("**Connexion par le fournisseur d'identité (OIDC)**")
        st.dataframe(oidc, hide_index=True)
    auth.logins_admin_section(user)
    st.subheader("Projets illustratifs")
    pack = repo.ctx.pack_id
    n = int(repo.dataframe(pack)["illustratif"].sum())
    st.caption(f"{n} projet(s) illustratif(s) dans le registre « {pack} ».")
    if n:
        sure = st.checkbox("Je confirme la suppression de tous les projets illustratifs "
                           "(réversible projet par projet depuis l'historique)")
        if st.button("Supprimer les projets illustratifs", disabled=not sure):
            try:
                done = repo.purge_illustrative(pack, user)
                st.success(f"{done} projet(s) illustratif(s) supprimé(s).")
            except ProjetError as exc:
                st.error(md(exc))


def dashboard_section(d: dict, totals: dict, names: dict[str, str] | None = None) -> None:
    """Counts, budgets, engaged share, and the contract's published totals (French formats).

    Nothing entered reads « non renseigné » (never ``0 €`` or ``0,0 %``); a sum over some
    projects only says over how many; amounts to 3 significant digits (``1,25 M€``).
    """
    from carnet.projets.views import fmt_euros, fmt_meuros

    names = names or {}
    missing = NON_RENSEIGNE.lower()
    n = d["total"]
    c = st.columns(4)
    c[0].metric("Projets (filtre)", fmt_int(n))
    if d.get("statut_renseigne", n):
        c[1].metric("Engagés", fmt_int(d["engages"]), help="Statut engagé, en cours ou réalisé.")
        share = f"soit {fmt_percent(100 * d['part_engagee'])} des projets du filtre"
        unknown = n - d.get("statut_renseigne", n)
        c[1].caption(share + (f" ({fmt_int(unknown)} sans statut)" if unknown else ""))
    else:
        c[1].metric("Engagés", missing, help="Aucun projet du filtre n'a de statut renseigné.")
    for col, label, key, count in ((c[2], "Coût total", "cout_total", "cout_renseigne"),
                                   (c[3], "Participation du Département", "participation_cd",
                                    "participation_renseignee")):
        value = d[key]
        col.metric(label, fmt_meuros(value, missing=missing),
                   help=None if value is None else f"Montant exact : {fmt_euros(value)}.")
        known = d.get(count, n)
        if value is not None and known < n:
            col.caption(f"sur les {fmt_number(known, 0)} projets où il est renseigné (sur {fmt_int(n)})")
    for cid, t in totals.items():
        st.info(f"Totaux publiés du contrat {names.get(cid, cid)} (document fondateur) : "
                f"{t['projets']} projets inscrits, dont {t['engages']} engagés et "
                f"{t['maitrises_ouvrage_departementales']} grandes maîtrises d'ouvrage "
                "départementales. Ces totaux sont cités tels quels ; seuls quelques projets "
                "sont nommés dans le document.", icon=":material/description:")
    for key in ("par_statut", "par_orientation", "par_categorie"):
        table = d[key].copy()
        for col in ("Coût total (€)", "Participation du Département (€)"):
            table[col] = table[col].map(lambda v: fmt_euros(v, missing=missing)).astype(object)
        table["Projets"] = table["Projets"].map(fmt_int)
        st.dataframe(table.rename(columns={"Coût total (€)": "Coût total",
                                           "Participation du Département (€)":
                                           "Participation du Département"}), width="stretch")
