"""A fresh machine gets the tested versions: every declared dependency is pinned in
constraints.txt, the pins satisfy pyproject.toml, and scripts/venv installs with them."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        reqs += [Requirement(r) for r in extra if not r.startswith("carepool[")]
    return reqs


def _pins() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9._-]+)==([A-Za-z0-9.+-]+)", line)
        assert match, f"constraints.txt: not an exact pin: {line!r}"
        pins[canonicalize_name(match.group(1))] = Version(match.group(2))
    return pins


def test_every_declared_dependency_is_pinned_to_a_version_it_allows() -> None:
    pins = _pins()
    declared = _declared()
    assert len(declared) > 20
    for req in declared:
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is declared but not pinned in constraints.txt"
        assert req.specifier.contains(pins[name], prereleases=True), \
            f"constraints.txt pins {req.name}=={pins[name]}, outside pyproject's {req.specifier}"
    assert "carepool" not in pins


def test_defusedxml_is_declared_for_openpyxl() -> None:
    names = {canonicalize_name(r.name) for r in _declared()}
    assert "defusedxml" in names and "openpyxl" in names
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert any(r.startswith("defusedxml") for r in project["dependencies"]), "defusedxml belongs in the base install"


def test_pyspark_gets_a_pandas_it_supports() -> None:
    # pyspark 4 warns "PySpark does not yet fully support pandas >= 3.0.0"
    pins = _pins()
    assert pins[canonicalize_name("pandas")] < Version("3")
    pandas = [req for req in _declared() if canonicalize_name(req.name) == "pandas"]
    assert pandas, "pandas is declared"
    for req in pandas:
        assert not req.specifier.contains(Version("3.0.0")), f"pandas declared as {req} allows 3.x"


def test_scripts_venv_installs_with_the_constraints() -> None:
    script = (ROOT / "scripts" / "venv").read_text(encoding="utf-8")
    install = [line for line in script.splitlines() if "pip install" in line and "-e" in line]
    assert install and all("-c constraints.txt" in line for line in install), install
    assert "constraints.txt" in script.split("want=", 1)[1].splitlines()[0], "the stamp must change when pins do"
