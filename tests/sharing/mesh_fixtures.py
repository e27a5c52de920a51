"""A real mesh-sandbox on loopback for the MESH tests, and its built-in test mailboxes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from carepool.demo.sharing_step import SANDBOX_KEY, SANDBOX_PASSWORD, local_mesh_sandbox
from carepool.exchange.mesh import MeshConfig, receive

MAILBOXES = ("X26ABC1", "X26ABC2", "X26ABC3")


@pytest.fixture(scope="module")
def mesh_url() -> Iterator[str]:
    with local_mesh_sandbox() as url:
        yield url


def mailbox(url: str, mailbox_id: str, **options: object) -> MeshConfig:
    return MeshConfig(url, mailbox_id, SANDBOX_PASSWORD, SANDBOX_KEY, **options)  # type: ignore[arg-type]


@pytest.fixture
def empty_inboxes(mesh_url: str, tmp_path: Path) -> str:
    """Every test starts with empty inboxes (the sandbox keeps messages in memory)."""
    for box in MAILBOXES:
        receive(mailbox(mesh_url, box), tmp_path / "drained" / box)
    return mesh_url
