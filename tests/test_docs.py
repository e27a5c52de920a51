"""The README documents every command (a missing one fails here), and opens with the two commands."""

from pathlib import Path

import typer.main

from carepool.cli.main import app

ROOT = Path(__file__).resolve().parents[1]


def _commands(command, prefix):  # type: ignore[no-untyped-def]
    subs = getattr(command, "commands", None)
    if subs:
        for name, sub in sorted(subs.items()):
            yield from _commands(sub, [*prefix, name])
    else:
        yield " ".join(prefix)


def test_readme_documents_every_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [c for c in _commands(typer.main.get_command(app), ["carepool"]) if f"`{c}" not in readme]
    assert missing == [], f"README.md does not document: {missing}"


def test_readme_opens_with_the_two_commands() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    block = lines[lines.index("```bash") + 1: lines.index("```")]
    assert [line.split("#")[0].strip() for line in block] == ["./scripts/demo", "./scripts/test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "./scripts/test" in ci
