"""The import rules of ARCHITECTURE.md, checked on every module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "carepool"
CORE = {"money", "errors", "findings", "cell_text", "reference", "programme", "plans", "ledger",
        "performance", "activity", "metrics", "evaluation", "sharing", "budgets", "scenarios", "scorecard"}
ADAPTERS = {"store", "engines", "exchange", "linkage"}
FORBIDDEN_IN_CORE = {"sqlalchemy", "duckdb", "pyspark", "openpyxl", "fastapi", "typer",
                     "rich", "alembic", "starlette", "jinja2", "matplotlib", "splink",
                     "mesh_client"}


def _layer(module_path: Path) -> str:
    rel = module_path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


# Command modules that still call adapters directly instead of a service (ARCHITECTURE.md,
# "Known debt"). Shrink this list; never grow it.
CLI_DEBT: dict[str, set[str]] = {}

MODULES = sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_module_respects_layers(path: Path) -> None:
    layer = _layer(path)
    if layer in ("__init__",):
        return
    imported = _imports(path)
    tops = {name.split(".")[0] for name in imported}
    inner = {name.split(".")[1] for name in imported
             if name.startswith("carepool.") and len(name.split(".")) > 1}
    if layer in CORE:
        assert not (tops & FORBIDDEN_IN_CORE), f"core module imports {tops & FORBIDDEN_IN_CORE}"
        assert "os" not in tops or layer == "reference", "core must not read the environment"
        assert inner <= CORE, f"core module imports non-core {inner - CORE}"
    elif layer in ADAPTERS:
        bad = inner & ({"services", "cli", "web", "demo"} | (ADAPTERS - {layer}))
        assert not bad, f"{layer} imports {bad}"
    elif layer in ("services", "demo"):
        assert not inner & {"cli", "web"}, f"{layer} imports {inner & {'cli', 'web'}}"
    elif layer == "cli":
        assert "web" not in inner
        assert "demo" not in inner or path.name == "demo.py", (
            f"cli/{path.name} imports the demo: move what it needs into a service")
        adapters = {name.split(".")[1] for name in imported
                    if name.startswith("carepool.") and name.split(".")[1] in ADAPTERS
                    and name != "carepool.store.db"}
        allowed = CLI_DEBT.get(path.name, set())
        assert adapters <= allowed, (
            f"cli/{path.name} calls adapters {adapters - allowed} directly: go through a service "
            "(see ARCHITECTURE.md, 'Known debt')")
    elif layer == "web":
        assert "cli" not in inner and "demo" not in inner
        adapters = {name for name in imported if name.startswith("carepool.")
                    and name.split(".")[1] in ADAPTERS and name != "carepool.store.db"}
        assert not adapters, f"web/{path.name} calls adapters {adapters} directly: go through a service"


def test_architecture_doc_names_every_package() -> None:
    doc = (SRC.parents[1] / "ARCHITECTURE.md").read_text(encoding="utf-8")
    described: list[str] = []
    for child in SRC.iterdir():
        if child.name.startswith("_") or child.name == "py.typed":
            continue
        name = child.name.removesuffix(".py")
        assert f"`{name}" in doc, f"ARCHITECTURE.md does not describe '{name}'"
        described.append(name)
    assert {"ledger", "services", "store", "web"} <= set(described), "the packages were listed"
