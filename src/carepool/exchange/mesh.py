"""MESH transport: send and receive shared datasets between organisations' mailboxes.

Wraps ``mesh-client``: files over the chunk size travel as several chunks (MESH's limit
is 100 MB a chunk), each message carries a SHA-256 checksum that the receiver recomputes
before it writes or acknowledges anything, and transient HTTP failures are retried with
back-off. A message is acknowledged (removed from the inbox) only after its file is
safely written, so a crash mid-receive loses nothing. MESH and HTTP errors leave here as
carepool errors: wrong credentials are PermissionDenied, an unknown mailbox NotFound, an
unreachable server ConfigurationError.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import requests
from mesh_client import MeshClient, MeshError

from carepool.errors import ConfigurationError, InputError, NotFound, PermissionDenied

WORKFLOW_ID = "CAREPOOL_SHARE"
DEFAULT_CHUNK = 20 * 1024 * 1024
T = TypeVar("T")


@dataclass(frozen=True)
class MeshConfig:
    """One organisation's mailbox on one MESH endpoint."""

    url: str
    mailbox: str
    password: str = field(repr=False)
    shared_key: str = field(repr=False)
    chunk_size: int = DEFAULT_CHUNK
    max_retries: int = 3
    backoff: float = 0.5
    timeout: float = 120.0
    verify: bool | str | None = None
    cert: tuple[str, str] | None = None


@dataclass(frozen=True)
class SentMessage:
    message_id: str
    recipient: str
    filename: str
    size: int
    checksum: str


@dataclass(frozen=True)
class ReceivedMessage:
    message_id: str
    sender: str
    filename: str
    path: Path
    size: int
    checksum: str
    workflow_id: str | None
    local_id: str | None
    subject: str | None


def checksum(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _translate(config: MeshConfig, action: str, call: Callable[[], T]) -> T:
    try:
        return call()
    except MeshError as exc:
        text = str(exc.args[0]) if exc.args else str(exc)
        if "nregistered" in text or "recipient" in text.lower():
            raise NotFound(f"MESH {action}: unknown mailbox ({text})") from exc
        raise InputError(f"MESH {action} refused: {text}") from exc
    except requests.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else None
        if status in (401, 403):
            raise PermissionDenied(f"MESH {action}: mailbox {config.mailbox} refused the credentials "
                                   f"(HTTP {status})") from exc
        if status == 404:
            raise NotFound(f"MESH {action}: not found (HTTP 404)") from exc
        raise ConfigurationError(f"MESH {action} failed: HTTP {status}") from exc
    except requests.RequestException as exc:
        raise ConfigurationError(f"cannot reach MESH at {config.url} ({action}): {exc.__class__.__name__}") from exc


@contextmanager
def connect(config: MeshConfig) -> Iterator[Any]:
    """An authenticated client whose mailbox has answered the handshake."""
    client: Any = MeshClient(config.url, config.mailbox, config.password, shared_key=config.shared_key.encode(),
                        cert=config.cert, verify=config.verify, max_chunk_size=config.chunk_size,
                        max_retries=config.max_retries, retry_backoff_factor=config.backoff,
                        timeout=config.timeout, application_name="carepool")
    try:
        _translate(config, "handshake", client.handshake)
        yield client
    finally:
        client.close()


def send_bytes(config: MeshConfig, recipient: str, data: bytes, filename: str, *,
               workflow_id: str = WORKFLOW_ID, subject: str | None = None,
               local_id: str | None = None) -> SentMessage:
    """Send ``data`` to ``recipient``, chunked by ``config.chunk_size``, with its checksum."""
    if not re.fullmatch(r"[A-Za-z0-9]{3,20}", recipient):
        raise InputError(f"'{recipient}' is not a MESH mailbox id")
    digest = checksum(data)
    extra: dict[str, Any] = {"workflow_id": workflow_id, "filename": filename, "checksum": digest}
    if subject:
        extra["subject"] = subject
    if local_id:
        extra["local_id"] = local_id
    with connect(config) as client:
        message_id = _translate(config, "send", lambda: client.send_message(
            recipient, data, max_chunk_size=config.chunk_size, **extra))
    return SentMessage(message_id, recipient, filename, len(data), digest)


MAX_ID_CHARS = 100


def send_file(config: MeshConfig, recipient: str, path: Path, **options: Any) -> SentMessage:
    if not path.is_file():
        raise InputError("no such file", where=str(path))
    return send_bytes(config, recipient, path.read_bytes(), path.name, **options)


def _safe_part(text: str) -> str:
    """``text`` reduced to letters, digits, dot, dash and underscore, with no leading dot."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", text).lstrip(".")


def _safe_names(name: str | None, message_id: str) -> tuple[str, str]:
    """The local file name for a message, and the sender's file name as kept in it.

    Both come from the server, so neither may carry a path (``../``, ``/``) or a hidden-file
    dot: the file always lands in the inbox folder.
    """
    base = _safe_part(Path(name or "").name) or "message.dat"
    ident = _safe_part(message_id)[:MAX_ID_CHARS] or "message"
    return f"{ident}_{base}", base


@dataclass(frozen=True)
class Incoming:
    """A downloaded, checksum-verified message before anything is written or acknowledged."""

    message_id: str
    sender: str
    filename: str
    local_id: str | None
    subject: str | None
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class RefusedMessage:
    message_id: str
    sender: str
    filename: str
    local_id: str | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Inbox:
    received: list[ReceivedMessage]
    refused: list[RefusedMessage]


Check = Callable[[Incoming], list[str]]


def receive(config: MeshConfig, out_dir: Path, *, workflow_id: str | None = None,
            acknowledge: bool = True) -> list[ReceivedMessage]:
    """Download every inbox message (optionally of one workflow), verify, write, acknowledge.

    A message whose checksum does not match is neither written nor acknowledged; the
    error names it and it stays in the inbox for the sender to be asked about.
    """
    return receive_checked(config, out_dir, workflow_id=workflow_id, acknowledge=acknowledge).received


def receive_checked(config: MeshConfig, out_dir: Path, check: Check | None = None, *,
                    workflow_id: str | None = None, acknowledge: bool = True) -> Inbox:
    """As :func:`receive`, but each verified message is first put to ``check``.

    A message ``check`` gives reasons against is refused: not written and not acknowledged
    (it stays in the inbox, so nothing is lost while the sender is asked about it), and it
    comes back in ``Inbox.refused`` with the reasons.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    received: list[ReceivedMessage] = []
    refused: list[RefusedMessage] = []
    with connect(config) as client:
        ids = _translate(config, "list", lambda: client.list_messages(workflow_filter=workflow_id))
        for message_id in ids:
            message: Any = _translate(config, "download", partial(client.retrieve_message, message_id))
            try:
                data = _translate(config, "download", message.read)
                headers = {k: str(v) for k, v in message.mex_headers()}
            finally:
                message.close()
            expected = headers.get("content-checksum")
            actual = checksum(data)
            if expected and expected.startswith("sha256:") and expected != actual:
                raise InputError(f"message {message_id} failed its checksum (sent {expected}, got {actual}); "
                                 "not written, not acknowledged")
            local_name, filename = _safe_names(headers.get("filename"), message_id)
            target = out_dir / local_name
            incoming = Incoming(message_id, headers.get("from", ""), filename, headers.get("localid"),
                                headers.get("subject"), data)
            reasons = check(incoming) if check is not None else []
            if reasons:
                refused.append(RefusedMessage(message_id, incoming.sender, filename, incoming.local_id,
                                              tuple(reasons)))
                continue
            part = target.with_suffix(target.suffix + ".part")
            part.write_bytes(data)
            part.replace(target)
            if acknowledge:
                _translate(config, "acknowledge", partial(client.acknowledge_message, message_id))
            received.append(ReceivedMessage(
                message_id, incoming.sender, filename, target, len(data), actual,
                headers.get("workflowid"), incoming.local_id, incoming.subject))
    return Inbox(received, refused)
