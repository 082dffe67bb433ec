"""Architecture rules, read from the source (AST), with no module imported (issue #7 §5).

1. Only ``carnet/ui/``, ``app.py`` and ``pages/`` import ``streamlit`` (and ``carnet.ui``);
   the atlas core never imports ``carnet.projets``.
2. No import circle among the ``carnet`` modules, function-level (lazy) imports included.
3. No module imports another module's ``_private`` name (``from x import _y``, ``x._y``).

Known offenders of today's tree are listed in the allow-lists below, each with the part of
issue #7 that removes it; an allow-list entry that no longer occurs fails the test too, so
the lists only shrink. Also: ``GDAL_SKIP=OGR_VRT`` is in force whatever the import order.
"""

from __future__ import annotations

import ast
import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "carnet"

#: Modules allowed to import streamlit (module names, prefixes ending with ".").
STREAMLIT_ALLOWED = ("carnet.ui.", "app", "pages.")

#: Import circles of today's tree: each a sorted tuple of the modules of one strongly
#: connected component (the lead empties this after merging the #7 work).
KNOWN_CYCLES: set[tuple[str, ...]] = set()

#: (importing module, imported module, private name) of today's tree.
KNOWN_PRIVATE: set[tuple[str, str, str]] = set()


# --------------------------------------------------------------------------- reading


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def python_files() -> list[Path]:
    files = sorted(PACKAGE.rglob("*.py"))
    files += [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
    return [f for f in files if f.exists()]


def _resolve(module: str, is_package: bool, level: int, target: str | None) -> str:
    """Absolute name of a (possibly relative) ``from … import`` target."""
    if level == 0:
        return target or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, *([target] if target else [])])


class Imports(ast.NodeVisitor):
    """Every import of a module: (imported module, names, line, lazy), plus ``x._y`` uses."""

    def __init__(self, module: str, is_package: bool):
        self.module, self.is_package = module, is_package
        self.found: list[tuple[str, tuple[str, ...], int, bool]] = []
        self.aliases: dict[str, str] = {}  # local name → module it is bound to
        self.attributes: list[tuple[str, str, int]] = []  # (module, attribute, line)
        self._depth = 0

    def _function(self, node):
        self._depth += 1
        self.generic_visit(node)
        self._depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function  # noqa: N815

    def visit_Import(self, node: ast.Import):  # noqa: N802
        for a in node.names:
            self.found.append((a.name, (), node.lineno, self._depth > 0))
            if a.asname:
                self.aliases[a.asname] = a.name
            else:
                self.aliases[a.name.split(".")[0]] = a.name.split(".")[0]

    def visit_ImportFrom(self, node: ast.ImportFrom):  # noqa: N802
        target = _resolve(self.module, self.is_package, node.level, node.module)
        names = tuple(a.name for a in node.names)
        self.found.append((target, names, node.lineno, self._depth > 0))
        for a in node.names:
            # ``from carnet import fiches``: ``fiches`` may be a module
            self.aliases[a.asname or a.name] = f"{target}.{a.name}"

    def visit_Attribute(self, node: ast.Attribute):  # noqa: N802
        if isinstance(node.value, ast.Name) and node.attr.startswith("_") \
                and not node.attr.startswith("__"):
            self.attributes.append((node.value.id, node.attr, node.lineno))
        elif isinstance(node.value, ast.Attribute) and node.attr.startswith("_") \
                and not node.attr.startswith("__"):
            dotted = _dotted(node.value)
            if dotted:
                self.attributes.append((dotted, node.attr, node.lineno))
        self.generic_visit(node)


def _dotted(node) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


@functools.cache
def parse(path: Path) -> Imports:
    name = module_name(path)
    v = Imports(name, path.name == "__init__.py")
    v.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    return v


def carnet_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _as_module(name: str, modules) -> str | None:
    """The carnet module an imported dotted name refers to (longest existing prefix)."""
    parts = name.split(".")
    for n in range(len(parts), 0, -1):
        cand = ".".join(parts[:n])
        if cand in modules:
            return cand
    return None


# --------------------------------------------------------------------------- graph


def import_graph() -> dict[str, dict[str, tuple[int, bool]]]:
    """carnet module → {carnet module it imports: (line, lazy)} (package ``__init__`` skipped
    as a target when a submodule is named: ``from carnet import paths`` → ``carnet.paths``)."""
    modules = carnet_modules()
    graph: dict[str, dict[str, tuple[int, bool]]] = {m: {} for m in modules}
    for mod, path in modules.items():
        for target, names, line, lazy in parse(path).found:
            if not target.startswith("carnet"):
                continue
            hits = [_as_module(f"{target}.{n}", modules) for n in names] if names else []
            hits = [h for h in hits if h and h != target] or [_as_module(target, modules)]
            for dep in hits:
                if dep and dep != mod and dep != "carnet":
                    old = graph[mod].get(dep)
                    graph[mod][dep] = (line, lazy) if old is None or (old[1] and not lazy) else old
    return graph


def strongly_connected(graph) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one module."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    # Tarjan recurses once per module; the limit is restored after (a session-wide change
    # let a deliberately over-nested corpus file through the JSON reader's own guard).
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for v in sorted(graph):
            if v not in index:
                visit(v)
    finally:
        sys.setrecursionlimit(limit)
    return out


def cycle_chain(graph, comp: list[str]) -> str:
    """A readable shortest circle through the component's first module:
    ``a (l. 3) → b (l. 40, dans une fonction) → a``."""
    members, start = set(comp), comp[0]
    prev = {start: None}
    queue = [start]
    end = None
    while queue and end is None:
        v = queue.pop(0)
        for w in sorted(graph[v]):
            if w not in members:
                continue
            if w == start:
                end = v
                break
            if w not in prev:
                prev[w] = v
                queue.append(w)
    path = [end]
    while prev[path[-1]] is not None:
        path.append(prev[path[-1]])
    path = [*reversed(path), start]
    steps = []
    for a, b in zip(path, path[1:], strict=False):
        line, lazy = graph[a][b]
        steps.append(f"{a} (l. {line}{', import dans une fonction' if lazy else ''})")
    return " → ".join([*steps, start])


# --------------------------------------------------------------------------- rules


def test_streamlit_only_in_ui_app_and_pages():
    offenders = []
    for path in python_files():
        mod = module_name(path)
        if mod.startswith(STREAMLIT_ALLOWED) or f"{mod}." in STREAMLIT_ALLOWED:
            continue
        for target, _, line, _ in parse(path).found:
            if target == "streamlit" or target.startswith("streamlit."):
                offenders.append(f"{path.relative_to(ROOT)}:{line} importe {target}")
    assert not offenders, "streamlit hors de carnet/ui/, app.py et pages/ :\n" + "\n".join(offenders)


def test_layers_import_downwards_only():
    """carnet.ui only from carnet/ui/, app.py and pages/; the atlas core (top-level carnet
    modules) never imports the projects registry (docs/ARCHITECTURE.md, « Layers »)."""
    offenders = []
    for path in python_files():
        mod = module_name(path)
        ui_ok = mod.startswith(STREAMLIT_ALLOWED) or f"{mod}." in STREAMLIT_ALLOWED
        core = mod.startswith("carnet.") and mod.count(".") == 1 \
            and mod not in ("carnet.cli", "carnet.__main__")
        for target, names, line, _ in parse(path).found:
            full = [target, *(f"{target}.{n}" for n in names)]
            if not ui_ok and any(t == "carnet.ui" or t.startswith("carnet.ui.") for t in full):
                offenders.append(f"{path.relative_to(ROOT)}:{line} importe {target} (couche UI)")
            if core and any(t == "carnet.projets" or t.startswith("carnet.projets.") for t in full):
                offenders.append(f"{path.relative_to(ROOT)}:{line} importe {target} (registre des projets)")
    assert not offenders, "import vers une couche supérieure :\n" + "\n".join(offenders)


def test_no_import_circle_among_carnet_modules():
    graph = import_graph()
    found = {tuple(c): f"{', '.join(c)} ; par exemple : {cycle_chain(graph, c)}"
             for c in strongly_connected(graph)}
    new = [chain for comp, chain in found.items() if comp not in KNOWN_CYCLES]
    gone = sorted(KNOWN_CYCLES - set(found))
    assert not new, "cercle(s) d'imports :\n" + "\n".join(new)
    assert not gone, f"cercle(s) disparu(s), à retirer de KNOWN_CYCLES : {gone}"


def test_no_cross_module_private_import():
    modules = carnet_modules()
    found: dict[tuple[str, str, str], str] = {}
    for path in python_files():
        mod = module_name(path)
        v = parse(path)
        for target, names, line, _ in v.found:
            if not target.startswith("carnet"):
                continue
            for n in names:
                if n.startswith("_") and not n.startswith("__") and target != mod:
                    found[(mod, target, n)] = f"{path.relative_to(ROOT)}:{line} : from {target} import {n}"
        for base, attr, line in v.attributes:
            bound = v.aliases.get(base.split(".")[0])
            if bound is None:
                continue
            dotted = ".".join([bound, *base.split(".")[1:]])
            target = _as_module(dotted, modules) if dotted.startswith("carnet") else None
            if target and target == dotted and target != mod:
                found[(mod, target, attr)] = f"{path.relative_to(ROOT)}:{line} : {base}.{attr}"
    new = [msg for key, msg in sorted(found.items()) if key not in KNOWN_PRIVATE]
    gone = sorted(KNOWN_PRIVATE - set(found))
    assert not new, "nom privé d'un autre module :\n" + "\n".join(new)
    assert not gone, f"usage(s) disparu(s), à retirer de KNOWN_PRIVATE : {gone}"


def test_rules_see_lazy_imports_and_report_a_chain(tmp_path):
    """The circle finder on a made-up graph: a lazy edge closes the circle, named in the chain."""
    graph = {"carnet.a": {"carnet.b": (3, False)}, "carnet.b": {"carnet.c": (7, False)},
             "carnet.c": {"carnet.a": (40, True)}, "carnet.d": {"carnet.a": (1, False)}}
    comps = strongly_connected(graph)
    assert comps == [["carnet.a", "carnet.b", "carnet.c"]]
    assert cycle_chain(graph, comps[0]) == (
        "carnet.a (l. 3) → carnet.b (l. 7) → carnet.c (l. 40, import dans une fonction) → carnet.a")
    src = tmp_path / "m.py"
    src.write_text("import os\n\ndef f():\n    from carnet import paths\n    return paths._x\n",
                   encoding="utf-8")
    v = Imports("carnet.m", False)
    v.visit(ast.parse(src.read_text()))
    assert ("carnet", ("paths",), 4, True) in v.found
    assert ("paths", "_x", 5) in v.attributes and v.aliases["paths"] == "carnet.paths"


# --------------------------------------------------------------------------- GDAL


@pytest.mark.parametrize("first", ["pyogrio", "carnet"])
def test_gdal_vrt_driver_is_skipped_whatever_the_import_order(first):
    """pyogrio (GDAL) imported before or after carnet: the OGR VRT driver (a crafted .vrt can
    make GDAL read any local file) is unavailable once both are imported."""
    second = "carnet" if first == "pyogrio" else "pyogrio"
    code = (f"import {first}\n"
            f"import {second}\n"
            "import os\n"
            "import pyogrio\n"
            "print(os.environ.get('GDAL_SKIP'))\n"
            "print(sorted(d for d in pyogrio.list_drivers() if 'VRT' in d) or 'aucun')\n"
            "print(len(pyogrio.list_drivers()))\n")
    env = {k: v for k, v in os.environ.items() if k != "GDAL_SKIP"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True)
    skip, vrt, n = out.stdout.splitlines()
    assert "OGR_VRT" in skip.split()
    assert vrt == "aucun", f"pilote(s) VRT de GDAL disponible(s) : {vrt}"
    assert int(n) > 10  # the other drivers (GPKG, GeoJSON, CSV…) are still there
