"""A test whose loop over files found on disk asserts inside must also assert that it found some.

Listing a folder that is empty (a wrong path, a generator that wrote nothing) makes such a loop
run zero times, and the test passes on nothing. The check is narrow on purpose so that it
never raises a false alarm: it looks only at ``for`` loops over ``glob``, ``rglob``,
``iterdir``, ``listdir``, ``scandir`` or ``walk`` whose body asserts, and accepts any name the
loop changes (a counter, a set it adds to) that an assert after the loop reads (its test, not
its message). Loops over other things were checked by hand (issue 17): most run over constants or
over something the test has already asserted non-empty, which no simple rule tells apart.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent
LISTINGS = frozenset({"glob", "rglob", "iterdir", "listdir", "scandir", "walk"})
GROWERS = frozenset({"add", "append", "extend", "update", "setdefault", "insert"})


def _lists_files(node: ast.expr) -> bool:
    return any(isinstance(n, ast.Call) and (n.func.attr if isinstance(n.func, ast.Attribute) else
                                            n.func.id if isinstance(n.func, ast.Name) else "") in LISTINGS
               for n in ast.walk(node))


def _changed(loop: ast.For) -> set[str]:
    """Names the loop's body counts or collects into."""
    names: set[str] = set()
    for n in ast.walk(loop):
        if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name):
            names.add(n.target.id)
        elif (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in GROWERS
              and isinstance(n.func.value, ast.Name)):
            names.add(n.func.value.id)
        elif isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Store) and isinstance(n.value, ast.Name):
            names.add(n.value.id)
    return names


def loops_that_can_pass_on_nothing(source: str) -> list[int]:
    """Line numbers of loops over a folder listing that assert inside and never assert they ran."""
    found = []
    for fn in ast.walk(ast.parse(source)):
        if not isinstance(fn, ast.FunctionDef) or not fn.name.startswith("test"):
            continue
        for loop in (n for n in ast.walk(fn) if isinstance(n, ast.For) and _lists_files(n.iter)):
            if not any(isinstance(n, ast.Assert) for stmt in loop.body for n in ast.walk(stmt)):
                continue
            after = {n.id for a in ast.walk(fn) if isinstance(a, ast.Assert) and a.lineno > (loop.end_lineno or 0)
                     for n in ast.walk(a.test) if isinstance(n, ast.Name)}   # not its message
            if not _changed(loop) & after:
                found.append(loop.lineno)
    return found


def test_the_check_tells_a_loop_that_counts_from_one_that_does_not() -> None:
    vacuous = "def test_x(folder):\n    for p in folder.glob('*.csv'):\n        assert p.stat().st_size\n"
    counted = ("def test_y(folder):\n    seen = 0\n    for p in folder.glob('*.csv'):\n"
               "        assert p.stat().st_size\n        seen += 1\n    assert seen == 3\n")
    collected = ("def test_z(folder):\n    names = set()\n    for p in folder.iterdir():\n"
                 "        assert p.name\n        names.add(p.name)\n    assert names == {'a'}\n")
    only_said = ("def test_w(folder):\n    seen = 0\n    for p in folder.rglob('*'):\n"
                 "        assert p.name\n        seen += 1\n    assert folder, f'{seen} seen'\n")
    assert loops_that_can_pass_on_nothing(vacuous) == [2]
    assert loops_that_can_pass_on_nothing(only_said) == [3], "a message that names the count checks nothing"
    assert loops_that_can_pass_on_nothing(counted) == []
    assert loops_that_can_pass_on_nothing(collected) == []


def test_no_test_loops_over_a_folder_without_asserting_it_found_something() -> None:
    files = sorted(TESTS.rglob("test_*.py"))
    assert len(files) > 200
    found = {f"{path.relative_to(TESTS)}:{line}" for path in files
             for line in loops_that_can_pass_on_nothing(path.read_text(encoding="utf-8"))}
    assert found == set(), "assert the loop ran (count, or assert the listing is not empty)"
