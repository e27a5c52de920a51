"""A message id comes from the MESH server: a hostile one must never steer where a file is written."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from carepool.exchange import mesh
from carepool.exchange.mesh import MeshConfig, checksum, receive

DATA = b"a,b\n1,2\n"


class _Message:
    def __init__(self, filename: str) -> None:
        self.filename = filename

    def read(self) -> bytes:
        return DATA

    def mex_headers(self) -> list[tuple[str, str]]:
        return [("filename", self.filename), ("from", "X26ABC1"), ("content-checksum", checksum(DATA))]

    def close(self) -> None:
        pass


class _HostileServer:
    """Stands in for a compromised MESH server that answers with path-like message ids."""

    def __init__(self, ids: list[str]) -> None:
        self.ids = ids
        self.acknowledged: list[str] = []

    def list_messages(self, workflow_filter: str | None = None) -> list[str]:
        return list(self.ids)

    def retrieve_message(self, message_id: str) -> _Message:
        return _Message("data.csv")

    def acknowledge_message(self, message_id: str) -> None:
        self.acknowledged.append(message_id)


@pytest.mark.parametrize("hostile", ["../../x", "../../../tmp/evil", "<absolute>", "a/../../b", "..", "x\x00y"])
def test_hostile_message_id_never_names_a_file_outside_the_inbox(
        hostile: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if hostile == "<absolute>":
        hostile = str(tmp_path / "absolute")   # an absolute path, kept inside the test's folder
    server = _HostileServer([hostile])

    @contextmanager
    def fake_connect(_config: MeshConfig) -> Iterator[Any]:
        yield server

    monkeypatch.setattr(mesh, "connect", fake_connect)
    inbox = tmp_path / "deep" / "er" / "in"
    got = receive(MeshConfig("https://mesh.invalid", "X26ABC2", "pw", "key"), inbox)
    assert len(got) == 1
    written = got[0].path
    assert written.parent == inbox and written.read_bytes() == DATA
    assert "/" not in written.name and not written.name.startswith(".")
    everything = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert everything == [written]
    assert server.acknowledged == [hostile]
    assert got[0].message_id == hostile     # reported as sent, only the file name is made safe
