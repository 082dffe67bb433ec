"""XLSX exports write text as text: no hyperlink, no formula, no number made from a string.

Issue #8 §3: xlsxwriter's defaults (``strings_to_urls``, ``strings_to_formulas``) made
``https://…``, ``mailto:``, ``external:\\…`` and ``file:///…`` live links in the workbook.
Each writer's output is read back from the raw OOXML (zip + XML), independently of
xlsxwriter: no ``<hyperlink>``, no hyperlink relationship, no ``<f>`` formula, and every
cell's text exactly the exported string.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from xml.etree import ElementTree as ET

import pandas as pd

from carnet.export import xlsx_bytes
from carnet.projets.exporter import export_projects

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
TRAPS = ["https://exemple.invalid/piege", "mailto:chef@exemple.invalid", "external:\\\\serveur\\c$\\x",
         "file:///etc/passwd", "ftp://exemple.invalid", "www.exemple.invalid", "=cmd|' /C calc'!A0",
         "=HYPERLINK(\"http://exemple.invalid\",\"clic\")", "+33 3 20 00 00 00", "0123", "1e5"]


def read_cells(data: bytes, sheet: int = 1) -> dict[str, str]:
    """Cell reference → text of a sheet; asserts there is no formula or hyperlink anywhere."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        rels = [n for n in names if n.endswith(".rels")]
        for n in rels:
            assert b"relationships/hyperlink" not in z.read(n), n
        shared = []
        if "xl/sharedStrings.xml" in names:
            root = ET.fromstring(z.read("xl/sharedStrings.xml"))
            shared = ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
                      for si in root.findall("m:si", NS)]
        xml = z.read(f"xl/worksheets/sheet{sheet}.xml")
    assert b"<hyperlink" not in xml and b"<f>" not in xml and b"<f " not in xml
    cells = {}
    for c in ET.fromstring(xml).iter(f"{{{NS['m']}}}c"):
        v = c.find("m:v", NS)
        if c.get("t") == "s":
            cells[c.get("r")] = shared[int(v.text)]
        elif c.get("t") == "inlineStr":
            cells[c.get("r")] = "".join(t.text or "" for t in c.iter(f"{{{NS['m']}}}t"))
        elif v is not None:
            cells[c.get("r")] = ("n", v.text)
    return cells


def test_shared_writer_keeps_strings_as_strings():
    df = pd.DataFrame({"texte": TRAPS, "nombre": range(len(TRAPS))})
    cells = read_cells(xlsx_bytes(df, {"nombre": 0}))
    assert [cells[f"A{i + 2}"] for i in range(len(TRAPS))] == TRAPS  # exact text, string cells
    assert cells["B3"] == ("n", "1")  # numbers stay numbers
    assert cells["A1"] == "texte"


def test_shared_writer_sources_sheet_is_text_too():
    sources = pd.DataFrame({"Source": TRAPS[:3], "Lien": TRAPS[3:6]})
    data = xlsx_bytes(pd.DataFrame({"nom": ["Cambrésis"]}), sheet="Comparaison", sources=sources)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        book = z.read("xl/workbook.xml").decode()
        assert re.findall(r'<sheet name="([^"]+)"', book) == ["Comparaison", "Sources"]
    cells = read_cells(data, sheet=2)
    assert [cells[f"A{r}"] for r in (2, 3, 4)] == TRAPS[:3]
    assert [cells[f"B{r}"] for r in (2, 3, 4)] == TRAPS[3:6]


def test_projects_xlsx_has_no_link_and_no_formula():
    df = pd.DataFrame({"id": [1, 2], "titre": TRAPS[:2], "description": TRAPS[2:4],
                       "source": [TRAPS[6], TRAPS[7]], "maitre_ouvrage": [TRAPS[4], TRAPS[5]]})
    cells = read_cells(export_projects(df, "xlsx"))
    header = {v: k[0] for k, v in cells.items() if k.endswith("1") and len(k) == 2 and isinstance(v, str)}
    col = {name: header[name] for name in ("titre", "description", "source", "maitre_ouvrage")}
    assert [cells[f"{col['titre']}{r}"] for r in (2, 3)] == TRAPS[:2]
    assert [cells[f"{col['description']}{r}"] for r in (2, 3)] == TRAPS[2:4]
    assert [cells[f"{col['maitre_ouvrage']}{r}"] for r in (2, 3)] == [TRAPS[4], TRAPS[5]]
    # formulas: a text cell, and still defused for spreadsheets that re-evaluate text
    assert [cells[f"{col['source']}{r}"].lstrip("'") for r in (2, 3)] == [TRAPS[6], TRAPS[7]]


def test_csv_cells_a_spreadsheet_would_run_are_defused_numbers_kept():
    """A project title in the needs-vs-projects CSV (carnet.export.csv_bytes) is text, never a formula."""
    from carnet.export import csv_bytes

    df = pd.DataFrame({"titre": ['=HYPERLINK("http://x.invalid","clic")', "+33 1 23", "@SUM(A1)",
                                 "Maison de santé", "-"],
                       "valeur": [-0.39, 1.5, -2.0, 3.0, float("nan")]})
    rows = list(csv.reader(io.StringIO(csv_bytes(df).decode("utf-8-sig")), delimiter=";"))
    assert rows[1:] == [["'=HYPERLINK(\"http://x.invalid\",\"clic\")", "-0,39"], ["'+33 1 23", "1,5"],
                        ["'@SUM(A1)", "-2"], ["Maison de santé", "3"], ["'-", ""]]
