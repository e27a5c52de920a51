"""Entry point: builds the ``carepool`` Typer app from the command-group modules."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import typer

import carepool.cli as cli_pkg
from carepool import __version__

app = typer.Typer(
    name="carepool",
    help="Pooled health and social care budgets: plan, account, measure and evaluate the Better Care Fund.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"carepool {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """carepool command line."""


def _register() -> None:
    for info in sorted(pkgutil.iter_modules(cli_pkg.__path__), key=lambda m: m.name):
        if info.name in ("main", "common"):
            continue
        module = importlib.import_module(f"carepool.cli.{info.name}")
        group = getattr(module, "group", None)
        if isinstance(group, typer.Typer):
            app.add_typer(group, name=getattr(module, "GROUP_NAME", info.name))
        command = getattr(module, "command", None)
        if callable(command):
            app.command(name=getattr(module, "COMMAND_NAME", info.name))(command)
            for old_name in getattr(module, "OLD_NAMES", ()):   # a renamed command's old name, for one release
                app.command(name=old_name, hidden=True, deprecated=True)(command)


_register()


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
