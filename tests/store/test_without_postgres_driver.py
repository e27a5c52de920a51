"""The default install (and the demo's) has no PostgreSQL driver: an SQLite store and the CLI must work without it.

Reproduces the README's first command crashing at start-up: the migrations imported the local
PostgreSQL helper, which imported psycopg at module level (ModuleNotFoundError on a fresh machine).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

WITHOUT_PSYCOPG = "import sys; sys.modules['psycopg'] = None; sys.modules['psycopg_binary'] = None\n"


def _run(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", WITHOUT_PSYCOPG + code], capture_output=True, text=True,
                          cwd=tmp_path, timeout=300)


def test_an_sqlite_store_opens_and_migrates_without_psycopg(tmp_path: Path) -> None:
    done = _run("from carepool.store.db import open_store\n"
                f"store = open_store({str(tmp_path / 'c.db')!r})\n"
                "print('opened', store.dialect)\n", tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "opened sqlite" in done.stdout


def test_the_cli_starts_without_psycopg(tmp_path: Path) -> None:
    done = _run("import sys\nfrom carepool.cli.main import app\nsys.argv = ['carepool', '--help']\napp()\n", tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "demo" in done.stdout
