"""MESH transport against a real mesh-sandbox on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest
from mesh_client import MeshClient

from carepool.errors import ConfigurationError, InputError, NotFound, PermissionDenied
from carepool.exchange.mesh import MeshConfig, checksum, receive, send_bytes, send_file
from tests.sharing.mesh_fixtures import SANDBOX_KEY, empty_inboxes, mailbox, mesh_url

__all__ = ["empty_inboxes", "mesh_url"]  # fixtures used by name below


def test_large_file_goes_in_chunks_and_arrives_whole(empty_inboxes: str, tmp_path: Path) -> None:
    data = b"".join(f"{i},9434765919,row {i}\n".encode() for i in range(20_000))  # ~450 kB
    source = tmp_path / "big.csv"
    source.write_bytes(data)
    sent = send_file(mailbox(empty_inboxes, "X26ABC1", chunk_size=100_000), "X26ABC2", source,
                     subject="agreement DSA-1", local_id="DSA-1")
    assert sent.size == len(data) and sent.checksum == checksum(data)
    got = receive(mailbox(empty_inboxes, "X26ABC2"), tmp_path / "in")
    assert len(got) == 1
    assert got[0].path.read_bytes() == data
    assert (got[0].message_id, got[0].sender, got[0].filename) == (sent.message_id, "X26ABC1", "big.csv")
    assert got[0].local_id == "DSA-1" and got[0].checksum == sent.checksum
    assert receive(mailbox(empty_inboxes, "X26ABC2"), tmp_path / "again") == []  # acknowledged


def test_bad_checksum_is_neither_written_nor_acknowledged(empty_inboxes: str, tmp_path: Path) -> None:
    with MeshClient(empty_inboxes, "X26ABC1", "password", shared_key=SANDBOX_KEY.encode()) as raw:
        raw.send_message("X26ABC3", b"a,b\n1,2\n", workflow_id="CAREPOOL_SHARE", filename="x.csv",
                         checksum="sha256:" + "0" * 64)
    with pytest.raises(InputError, match="failed its checksum"):
        receive(mailbox(empty_inboxes, "X26ABC3"), tmp_path / "in")
    assert not any((tmp_path / "in").iterdir())
    with MeshClient(empty_inboxes, "X26ABC3", "password", shared_key=SANDBOX_KEY.encode()) as raw:
        assert len(raw.list_messages()) == 1  # still there for someone to look at
        raw.acknowledge_message(raw.list_messages()[0])


def test_unknown_mailbox_and_wrong_credentials_are_refused(empty_inboxes: str) -> None:
    with pytest.raises(NotFound, match="unknown mailbox"):
        send_bytes(mailbox(empty_inboxes, "X26ABC1"), "NOSUCH9", b"x", "x.csv")
    wrong = MeshConfig(empty_inboxes, "X26ABC1", "not-the-password", SANDBOX_KEY)
    with pytest.raises(PermissionDenied, match="refused the credentials"):
        send_bytes(wrong, "X26ABC2", b"x", "x.csv")
    with pytest.raises(PermissionDenied):
        receive(MeshConfig(empty_inboxes, "X26ABC2", "password", "WrongKey"), Path("/nonexistent-never-written"))
    with pytest.raises(InputError, match="not a MESH mailbox"):
        send_bytes(mailbox(empty_inboxes, "X26ABC1"), "../etc", b"x", "x.csv")


def test_unreachable_server_fails_after_retries(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    closed = MeshConfig(f"http://127.0.0.1:{port}", "X26ABC1", "password", SANDBOX_KEY, max_retries=2,
                        backoff=0.01)
    with pytest.raises(ConfigurationError, match="cannot reach MESH"):
        send_bytes(closed, "X26ABC2", b"x", "x.csv")


def test_received_file_names_cannot_escape_the_folder(empty_inboxes: str, tmp_path: Path) -> None:
    send_bytes(mailbox(empty_inboxes, "X26ABC1"), "X26ABC2", b"ok\n", "../../evil.csv")
    got = receive(mailbox(empty_inboxes, "X26ABC2"), tmp_path / "in")
    assert got[0].path.parent == tmp_path / "in"
    assert got[0].path.name.endswith("evil.csv") and ".." not in got[0].path.name
