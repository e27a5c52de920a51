"""Use cases of the duty to share: agreements, objections, linkage, MESH send and receive, retention.

One function per user action (the CLI calls these; the web can too). Each checks what the
core says must be checked, does the I/O through the adapters, and writes the audit entry:
every share, every receipt, every read of person-level data, every refusal (who, what and
why) and every purge. A refused action is audited in its own transaction before the
refusal is raised, so the record of it survives the refusal.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from carepool.cell_text import SafeDictWriter
from carepool.errors import InputError, PermissionDenied
from carepool.exchange.mesh import Incoming, ReceivedMessage, RefusedMessage, receive_checked, send_bytes
from carepool.exchange.mesh import MeshConfig as MeshConfig
from carepool.findings import Finding, error
from carepool.linkage import FieldMapping, LinkedFiles, Training, build, link_files, load_model
from carepool.linkage import Thresholds as Thresholds
from carepool.services.sharing_audit import audit_key
from carepool.sharing.agreements import Agreement, Purpose, check_receipt, check_share
from carepool.sharing.objections import (
    Objection,
    ObjectionKind,
    ObjectionRegistry,
    WithheldRow,
    filter_rows,
    withheld_rows,
)
from carepool.sharing.pseudonymise import pseudonymise_rows
from carepool.store import sharing_tables as repo
from carepool.store.db import Store
from carepool.store.sharing_tables import HeldDataset, ObjectionEvent


def _now() -> datetime:
    return datetime.now(UTC)


def audit(store: Store, actor: str, action: str, subject: str, agreement_id: str | None = None,
          purpose: str | None = None) -> None:
    """Append one entry to the audit log in its own transaction."""
    with store.transaction() as session:
        repo.append_audit(session, key=audit_key(), at=_now(), actor=actor, action=action, subject=subject,
                          agreement_id=agreement_id, purpose=purpose)


def _refuse(store: Store, actor: str, action: str, subject: str, findings: Iterable[Finding],
            agreement_id: str | None = None, purpose: str | None = None) -> PermissionDenied:
    """Audit a refusal (``action``.refused, with every reason) and return the error to raise."""
    reasons = "; ".join(f.message for f in findings)
    audit(store, actor, f"{action}.refused", f"{subject}: refused: {reasons}", agreement_id, purpose)
    return PermissionDenied(f"{action.replace('.', ' ')} refused: {reasons}")


# agreements --------------------------------------------------------------------------------
def add_agreement(store: Store, agreement: Agreement, *, actor: str) -> None:
    """Record an agreement (and create its controller's pseudonymisation key)."""
    with store.transaction() as session:
        repo.add_agreement(session, agreement)
        repo.append_audit(session, key=audit_key(), at=_now(), actor=actor, action="agreement.add",
                          subject=f"agreement {agreement.agreement_id}", agreement_id=agreement.agreement_id,
                          purpose=agreement.purpose.value)


def list_agreements(store: Store) -> list[Agreement]:
    with store.transaction() as session:
        return repo.list_agreements(session)


# objections --------------------------------------------------------------------------------
def _held_by(objection: Objection) -> str:
    """How the audit log names an objection: its kind and organisation, never the NHS number."""
    if objection.kind is ObjectionKind.LOCAL:
        return f"objection held by {objection.organisation}"
    return f"national data opt-out checked by {objection.organisation}"


def add_objection(store: Store, objection: Objection, *, actor: str) -> None:
    """Record a local objection or a national data opt-out (each kind has its own history)."""
    with store.transaction() as session:
        repo.add_objection(session, objection, actor=actor, at=_now())
        repo.append_audit(session, key=audit_key(), at=_now(), actor=actor, action="objection.add",
                          subject=_held_by(objection))


def withdraw_objection(store: Store, nhs_number: str, on: date, *, actor: str, note: str = "",
                       kind: ObjectionKind = ObjectionKind.LOCAL) -> None:
    """The person withdraws their objection (or opt-out) of ``kind``: shares it stopped may include them
    again from now; an objection of the other kind, if any, still applies.

    The register keeps the objection and the withdrawal (history, append-only); the audit
    entry names the kind and the organisation, never the number.
    """
    number = Objection(nhs_number, "-", on).nhs_number  # validated and normalised
    with store.transaction() as session:
        ended = repo.withdraw_objection(session, number, on, actor=actor, at=_now(), note=note, kind=kind)
        repo.append_audit(session, key=audit_key(), at=_now(), actor=actor, action="objection.withdraw",
                          subject=f"{_held_by(ended)} withdrawn on {on}")


def objection_count(store: Store) -> int:
    with store.transaction() as session:
        return len(repo.list_objections(session))


def objection_counts(store: Store) -> dict[ObjectionKind, int]:
    """Objections in force of each kind (a person with both counts once in each)."""
    with store.transaction() as session:
        found = repo.list_objections(session)
    return {kind: sum(o.kind is kind for o in found) for kind in ObjectionKind}


def objection_history(store: Store, nhs_number: str) -> list[ObjectionEvent]:
    number = Objection(nhs_number, "-", date.today()).nhs_number
    with store.transaction() as session:
        return repo.objection_history(session, number)


def registry(store: Store) -> ObjectionRegistry:
    with store.transaction() as session:
        return ObjectionRegistry(repo.list_objections(session))


# linkage -----------------------------------------------------------------------------------
def build_mapping(id_left: str, id_right: str, maps: list[str]) -> FieldMapping:
    """The field mapping of two person files from ``left_col=right_col`` (or ``role:...``) pairs."""
    return build(id_left, id_right, maps)


def link(store: Store, left: Path, right: Path, mapping: FieldMapping, out: Path, *, actor: str,
         purpose: Purpose, engine: str = "duckdb", thresholds: Thresholds | None = None,
         truth: set[tuple[str, str]] | None = None, agreement_id: str | None = None,
         on: date | None = None, training: Training | None = None, model: Path | None = None,
         save_model: Path | None = None) -> LinkedFiles:
    """Link two person files (a read of person-level data, audited).

    For a secondary purpose people with a local objection or a national data opt-out are
    taken out of both files before anything is compared. Under ``agreement_id`` (which must be
    in force and for ``purpose``) the links and review files are held datasets, purged when the
    agreement's retention ends. ``model`` scores with a saved model (Splink's JSON) instead of
    training; ``save_model`` writes the model used, as Splink's JSON, for reuse on other files or
    engines.
    """
    day = on or date.today()
    with store.transaction() as session:
        objectors = ObjectionRegistry(repo.list_objections(session)).withheld_from_everyone(purpose)
        agreement = repo.find_agreement(session, agreement_id) if agreement_id else None
    subject = f"link {left.name} x {right.name} -> {out.name}"
    if agreement_id:
        refused = check_share(agreement, (), purpose, day)
        if refused:
            raise _refuse(store, actor, "linkage.read", subject, refused, agreement_id, purpose.value)
    trained = load_model(model) if model is not None else None
    done = link_files(left, right, mapping, out, engine=engine, truth=truth, thresholds=thresholds,
                      training=training, model=trained, exclude_nhs=objectors)
    if save_model is not None and done.result.model is not None:
        done.result.model.save(save_model)
    with store.transaction() as session:
        repo.append_audit(session, key=audit_key(), at=_now(), actor=actor, action="linkage.read",
                          subject=f"{left.name} ({done.left_rows} records) x {right.name} ({done.right_rows} "
                                  f"records) -> {out.name} ({len(done.result.links)} links, "
                                  f"{done.result.excluded} objectors' records left out)",
                          agreement_id=agreement_id, purpose=purpose.value)
        if agreement_id:
            for path, rows in ((done.links_path, len(done.result.links)),
                               (done.review_path, len(done.result.review))):
                repo.add_dataset(session, kind="links", agreement_id=agreement_id, path=str(path),
                                 source=f"{left.name} x {right.name}", received_on=day, rows=rows)
    return done


# MESH --------------------------------------------------------------------------------------
def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """A CSV person file's header and rows, refusing unreadable or ragged files."""
    if not path.is_file():
        raise InputError("no such file", where=str(path))
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return _rows(handle, str(path))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"not a readable CSV file: {exc}", where=str(path)) from exc


def _rows(handle: Iterable[str], where: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(handle)
    columns = list(reader.fieldnames or [])
    rows = list(reader)
    if not columns:
        raise InputError("the file has no header row", where=where)
    ragged = [i + 2 for i, row in enumerate(rows) if None in row or any(v is None for v in row.values())]
    if ragged:
        raise InputError(f"rows {ragged[:10]} do not have {len(columns)} fields", where=where)
    return columns, rows


def _to_csv(columns: list[str], rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = SafeDictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


@dataclass(frozen=True)
class SendResult:
    message_id: str
    recipient_mailbox: str
    rows_sent: int
    withheld: int
    size: int
    checksum: str
    findings: list[Finding] = field(default_factory=list)   # every withheld row and why
    withheld_summary: str = ""                               # e.g. "2 withheld (1 national data opt-out, ...)"
    withheld_by_kind: dict[ObjectionKind, int] = field(default_factory=dict)   # rows each kind withheld

    def withheld_rows(self) -> list[WithheldRow]:
        """Each withheld row by row number and kind, as ``carepool share send`` prints them."""
        return withheld_rows(self.findings)


def send(store: Store, file: Path, agreement_id: str, to: str, mesh: MeshConfig, *, actor: str,
         recipient_org: str | None = None, nhs_column: str = "nhs_number", on: date | None = None) -> SendResult:
    """Send FILE to mailbox ``to`` under the agreement: checked first, objectors withheld.

    Which objections withhold a row follows the agreement's purpose: a local objection withholds
    it from everyone but the holding organisation (direct care) and from every secondary use; a
    national data opt-out withholds it from secondary uses only (``sharing.objections``).

    A refused share (no agreement, not in force, another purpose, a recipient who is not a
    party, a column the agreement does not permit, no NHS-number column) sends nothing and
    is audited as ``share.send.refused`` with every reason.
    """
    day = on or date.today()
    with store.transaction() as session:
        agreement = repo.find_agreement(session, agreement_id)
        key = repo.get_key(session, agreement_id) if agreement else None
        objections = ObjectionRegistry(repo.list_objections(session))
    columns, rows = read_rows(file)
    recipient = recipient_org or (agreement.parties[1] if agreement else to)
    purpose = agreement.purpose if agreement else Purpose.DIRECT_CARE
    subject = f"{file.name} ({len(rows)} rows) to {to} ({recipient})"
    refused = check_share(agreement, columns, purpose, day, recipient=recipient)
    if not refused and nhs_column not in columns:
        refused = [error("objection-uncheckable", f"no '{nhs_column}' column, so objections cannot be checked",
                         field=nhs_column)]
    if refused:
        raise _refuse(store, actor, "share.send", subject, refused, agreement_id, purpose.value)
    kept = filter_rows(rows, nhs_column, objections, purpose, recipient, file=file.name)
    if purpose.secondary:
        assert key is not None
        kept_rows = pseudonymise_rows(kept.rows, nhs_column, key)
    else:
        kept_rows = kept.rows
    sent = send_bytes(mesh, to, _to_csv(columns, kept_rows), file.name, subject=f"agreement {agreement_id}",
                      local_id=agreement_id)
    audit(store, actor, "share.send",
          f"{file.name}: {len(kept_rows)} rows sent, {kept.summary()}, to {to} ({recipient}), "
          f"message {sent.message_id}", agreement_id, purpose.value)
    return SendResult(sent.message_id, to, len(kept_rows), kept.withheld, sent.size, sent.checksum, kept.findings,
                      kept.summary(), dict(kept.by_kind))


@dataclass(frozen=True)
class Received:
    received: list[ReceivedMessage]
    refused: list[RefusedMessage]


def receive(store: Store, mesh: MeshConfig, out_dir: Path, *, actor: str, on: date | None = None) -> Received:
    """Download the inbox, accepting only messages a local agreement covers.

    Each message must name (MESH local id) an agreement held here, in force on ``on``, come
    from the mailbox of one of its parties, and carry only fields it permits. Anything else
    is refused: nothing written, not acknowledged (it stays in the inbox), and audited as
    ``share.receive.refused`` with the reasons. Accepted messages are written, audited and
    registered as held datasets, so retention applies to them.
    """
    day = on or date.today()
    with store.transaction() as session:
        agreements = {a.agreement_id: a for a in repo.list_agreements(session)}

    def check(message: Incoming) -> list[str]:
        try:
            columns, _ = _rows(io.StringIO(message.data.decode("utf-8-sig")), message.filename)
        except (UnicodeDecodeError, csv.Error, InputError) as exc:
            return [f"not a readable CSV file: {exc}"]
        agreement = agreements.get(message.local_id or "")
        return [f.message for f in check_receipt(agreement, columns, message.sender, day,
                                                 agreement_id=message.local_id)]

    inbox = receive_checked(mesh, out_dir, check)
    for message in inbox.refused:
        agreement = agreements.get(message.local_id or "")
        audit(store, actor, "share.receive.refused",
              f"{message.filename} from {message.sender}, message {message.message_id}: refused: "
              f"{'; '.join(message.reasons)}", message.local_id, agreement.purpose.value if agreement else None)
    for got in inbox.received:
        agreement = agreements[got.local_id or ""]
        rows = max(got.path.read_bytes().count(b"\n") - 1, 0)
        with store.transaction() as session:
            repo.add_dataset(session, kind="received", agreement_id=agreement.agreement_id, path=str(got.path),
                             source=f"message {got.message_id} from {got.sender}", received_on=day, rows=rows)
            repo.append_audit(session, key=audit_key(), at=_now(), actor=actor, action="share.receive",
                              subject=f"{got.filename} ({got.size} bytes) from {got.sender}, "
                                      f"message {got.message_id}",
                              agreement_id=agreement.agreement_id, purpose=agreement.purpose.value)
    return Received(inbox.received, inbox.refused)


# held datasets and retention ---------------------------------------------------------------
def held_datasets(store: Store) -> list[HeldDataset]:
    with store.transaction() as session:
        return repo.list_datasets(session)


def read_dataset(store: Store, dataset_id: int, *, actor: str, on: date | None = None) -> bytes:
    """The content of a held dataset (a read of person-level data, audited).

    Refused, with the reason, once the agreement's retention has ended (whether or not the
    purge has run yet) or when the dataset was purged; the refusal is audited too.
    """
    day = on or date.today()
    with store.transaction() as session:
        held = repo.get_dataset(session, dataset_id)
        agreement = repo.get_agreement(session, held.agreement_id)
    subject = f"dataset {dataset_id} ({Path(held.path).name})"
    ends = agreement.retention_ends(held.received_on)
    reason = None
    if held.purged_at is not None:
        reason = f"it was purged on {held.purged_at.date()} (retention under agreement {agreement.agreement_id})"
    elif day > ends:
        reason = (f"its retention under agreement {agreement.agreement_id} ({agreement.retention_days} days "
                  f"from {held.received_on}) ended on {ends}")
    if reason:
        audit(store, actor, "dataset.read.refused", f"{subject}: refused: {reason}", agreement.agreement_id,
              agreement.purpose.value)
        raise PermissionDenied(f"read refused: {reason}")
    data = Path(held.path).read_bytes()
    audit(store, actor, "dataset.read", f"{subject}, {held.rows} rows", agreement.agreement_id,
          agreement.purpose.value)
    return data


@dataclass(frozen=True)
class Purged:
    dataset_id: int
    path: str
    agreement_id: str
    retention_ended: date


def purge(store: Store, *, actor: str, on: date | None = None) -> list[Purged]:
    """Delete every held dataset whose agreement's retention has ended, each audited.

    The file goes; its register row stays, marked purged, so later reads say why.
    """
    day = on or date.today()
    with store.transaction() as session:
        agreements = {a.agreement_id: a for a in repo.list_agreements(session)}
        held = repo.list_datasets(session, held_only=True)
    done: list[Purged] = []
    for dataset in held:
        agreement = agreements[dataset.agreement_id]
        ends = agreement.retention_ends(dataset.received_on)
        if day <= ends:
            continue
        Path(dataset.path).unlink(missing_ok=True)
        with store.transaction() as session:
            repo.mark_purged(session, dataset.dataset_id, _now())
            repo.append_audit(session, key=audit_key(), at=_now(), actor=actor, action="retention.purge",
                              subject=f"dataset {dataset.dataset_id} ({Path(dataset.path).name}, {dataset.rows} "
                                      f"rows, {dataset.kind}): retention ended {ends}",
                              agreement_id=agreement.agreement_id, purpose=agreement.purpose.value)
        done.append(Purged(dataset.dataset_id, dataset.path, agreement.agreement_id, ends))
    return done
