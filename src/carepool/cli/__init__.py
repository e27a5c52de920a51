"""The ``carepool`` command. Each module here that defines ``group`` (a Typer app) and
``GROUP_NAME`` is added as a sub-command by ``main``; command bodies call services only."""
