"""``carepool share``: link person files, manage agreements and objections, send and receive over MESH.

Every share is checked against its agreement before anything is read for sending: a
missing, expired or not-yet-started agreement, another purpose, or a column the agreement
does not permit refuses the whole share (non-zero exit, nothing sent). Objectors' rows, and
rows whose NHS number cannot be checked, are withheld and counted. Secondary-use shares
carry pseudonyms, never NHS numbers. Each share, receipt and linkage read is audited.
"""

from __future__ import annotations

import csv
import getpass
import io
from datetime import UTC, date, datetime
from pathlib import Path

import typer

from carepool.cli.common import DB_OPTION, console, db_url, err_console, handled, print_findings, print_json
from carepool.errors import InputError, PermissionDenied
from carepool.exchange.mesh import MeshConfig, receive, send_bytes
from carepool.linkage import Thresholds, build, link_files
from carepool.sharing.agreements import Agreement, authorise_share, check_share, parse_purpose
from carepool.sharing.objections import Objection, ObjectionRegistry, filter_rows
from carepool.sharing.pseudonymise import pseudonymise_rows
from carepool.store import sharing_tables as repo
from carepool.store.db import Store, open_store

GROUP_NAME = "share"
group = typer.Typer(help="Share person-level data under the duty to share: link, agree, send, receive.",
                    no_args_is_help=True)
agreement_group = typer.Typer(help="Data-sharing agreements.", no_args_is_help=True)
objection_group = typer.Typer(help="The objections registry.", no_args_is_help=True)
group.add_typer(agreement_group, name="agreement")
group.add_typer(objection_group, name="objection")

ACTOR_OPTION = typer.Option(None, "--actor", envvar="CAREPOOL_ACTOR", help="Who is acting (for the audit log).")
MESH_URL = typer.Option(..., "--mesh-url", envvar="CAREPOOL_MESH_URL", help="MESH endpoint URL.")
MAILBOX = typer.Option(..., "--mailbox", envvar="CAREPOOL_MESH_MAILBOX", help="Our MESH mailbox id.")
PASSWORD = typer.Option(..., "--password", envvar="CAREPOOL_MESH_PASSWORD", help="Mailbox password.")
SHARED_KEY = typer.Option(..., "--shared-key", envvar="CAREPOOL_MESH_SHARED_KEY", help="MESH shared key.")
CHUNK = typer.Option(20 * 1024 * 1024, "--chunk-size", help="Bytes per MESH chunk.")


def _actor(actor: str | None) -> str:
    return actor or getpass.getuser()


def _now() -> datetime:
    return datetime.now(UTC)


def _audit(store: Store, actor: str, action: str, subject: str, agreement_id: str | None = None,
           purpose: str | None = None) -> None:
    with store.transaction() as session:
        repo.append_audit(session, at=_now(), actor=actor, action=action, subject=subject,
                          agreement_id=agreement_id, purpose=purpose)


@group.command("link")
def link(
    left: Path = typer.Argument(..., help="Left person file (CSV), e.g. social care."),
    right: Path = typer.Argument(..., help="Right person file (CSV), e.g. the health population."),
    id_left: str = typer.Option(..., "--id-left", help="Record id column of LEFT."),
    id_right: str = typer.Option(..., "--id-right", help="Record id column of RIGHT."),
    maps: list[str] = typer.Option(..., "--map", help="left_col=right_col (or role:left_col=right_col)."),
    out: Path = typer.Option(..., "--out", help="Links CSV to write (review queue beside it)."),
    engine: str = typer.Option("duckdb", "--engine", help="duckdb or spark."),
    accept_weight: float = typer.Option(6.0, "--accept-weight", help="Link at or above this match weight."),
    review_weight: float = typer.Option(0.0, "--review-weight", help="Queue for review at or above this."),
    as_json: bool = typer.Option(False, "--json", help="Print the quality report as JSON."),
    truth: Path | None = typer.Option(None, "--truth",
                                      help="CSV of true (left id, right id) pairs: adds precision/recall/F1."),
    purpose: str = typer.Option("direct_care", "--purpose",
                                help="direct_care, or commissioning/evaluation (objectors left out)."),
    db: str | None = DB_OPTION,
    actor: str | None = ACTOR_OPTION,
) -> None:
    """Link LEFT to RIGHT: exact NHS-number pass, then Splink for the rest."""
    with handled():
        if engine not in ("duckdb", "spark"):
            raise InputError(f"unknown engine '{engine}' (expected duckdb or spark)")
        mapping = build(id_left, id_right, maps)
        why = parse_purpose(purpose)
        store = open_store(db_url(db))
        try:
            with store.transaction() as session:
                objectors = {o.nhs_number for o in repo.list_objections(session)} if why.secondary else set()
            done = link_files(left, right, mapping, out, engine=engine, truth=_truth(truth) if truth else None,
                              thresholds=Thresholds(accept_weight, review_weight), exclude_nhs=objectors)
            _audit(store, _actor(actor), "linkage.read",
                   f"{left.name} ({done.left_rows} records) x {right.name} ({done.right_rows} records) "
                   f"-> {out.name} ({len(done.result.links)} links, {done.result.excluded} objectors' "
                   "records left out)", purpose=why.value)
        finally:
            store.dispose()
        quality = done.result.quality
        if done.result.findings:
            err_console.print(f"[yellow]{len(done.result.findings)} invalid NHS numbers were reported; "
                              "those records were linked on their other fields[/yellow]")
            print_findings(done.result.findings[:20], to_stderr=True)
        if as_json:
            print_json(quality.as_dict())
            return
        if quality.accuracy:
            acc = quality.accuracy
            console.print(f"against the truth: precision {acc.precision:.4f}, recall {acc.recall:.4f}, "
                          f"F1 {acc.f1:.4f}")
        console.print(f"{quality.links} links ({', '.join(f'{k}: {v}' for k, v in quality.by_method.items())}), "
                      f"{quality.review} for clerical review ({done.review_path}), "
                      f"{quality.unmatched_left} unmatched; links written to {done.links_path}")


def _truth(path: Path) -> set[tuple[str, str]]:
    _, rows = _read_rows(path)
    pairs = {tuple(list(row.values())[:2]) for row in rows}
    if any(len(p) != 2 for p in pairs):
        raise InputError("a truth file needs two columns: left id, right id", where=str(path))
    return {(a, b) for a, b in pairs}


# agreements --------------------------------------------------------------------------------
def _csv_list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@agreement_group.command("add")
def agreement_add(
    agreement_id: str = typer.Option(..., "--id"),
    parties: str = typer.Option(..., "--parties", help="ODS codes, controller first: RR8,00C"),
    purpose: str = typer.Option(..., "--purpose", help="direct_care, commissioning or evaluation"),
    legal_basis: str = typer.Option(..., "--legal-basis"),
    fields: str = typer.Option(..., "--fields", help="Permitted fields: nhs_number,dob,postcode"),
    retention_days: int = typer.Option(..., "--retention-days"),
    start: str = typer.Option(..., "--start", help="YYYY-MM-DD"),
    end: str = typer.Option(..., "--end", help="YYYY-MM-DD"),
    description: str = typer.Option("", "--description"),
    db: str | None = DB_OPTION,
    actor: str | None = ACTOR_OPTION,
) -> None:
    """Record a data-sharing agreement (and create its controller's pseudonymisation key)."""
    with handled():
        agreement = Agreement(agreement_id, _csv_list(parties), parse_purpose(purpose), legal_basis,
                              frozenset(_csv_list(fields)), retention_days, _date(start), _date(end), description)
        store = open_store(db_url(db))
        try:
            with store.transaction() as session:
                repo.add_agreement(session, agreement)
                repo.append_audit(session, at=_now(), actor=_actor(actor), action="agreement.add",
                                  subject=f"agreement {agreement_id}", agreement_id=agreement_id,
                                  purpose=agreement.purpose.value)
        finally:
            store.dispose()
        console.print(f"agreement {agreement_id} recorded")


@agreement_group.command("list")
def agreement_list(db: str | None = DB_OPTION) -> None:
    """List agreements (never their keys)."""
    with handled():
        store = open_store(db_url(db))
        try:
            with store.transaction() as session:
                found = repo.list_agreements(session)
        finally:
            store.dispose()
        print_json([{"id": a.agreement_id, "parties": list(a.parties), "purpose": a.purpose.value,
                     "legal_basis": a.legal_basis, "fields": sorted(a.permitted_fields),
                     "retention_days": a.retention_days, "start": a.start, "end": a.end} for a in found])


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"'{value}' is not a date (YYYY-MM-DD)") from None


# objections --------------------------------------------------------------------------------
@objection_group.command("add")
def objection_add(
    nhs_number: str = typer.Argument(..., help="The objector's NHS number."),
    organisation: str = typer.Option(..., "--org", help="ODS code of the organisation holding their record."),
    on: str | None = typer.Option(None, "--on", help="Date recorded (default today)."),
    db: str | None = DB_OPTION,
    actor: str | None = ACTOR_OPTION,
) -> None:
    """Record that a person objects to sharing."""
    with handled():
        objection = Objection(nhs_number, organisation, _date(on) if on else date.today())
        store = open_store(db_url(db))
        try:
            with store.transaction() as session:
                repo.add_objection(session, objection)
                repo.append_audit(session, at=_now(), actor=_actor(actor), action="objection.add",
                                  subject=f"objection held by {organisation}")
        finally:
            store.dispose()
        console.print("objection recorded")


@objection_group.command("count")
def objection_count(db: str | None = DB_OPTION) -> None:
    """How many objections are registered (numbers are not printed)."""
    with handled():
        store = open_store(db_url(db))
        try:
            with store.transaction() as session:
                console.print(f"{len(repo.list_objections(session))} objections registered")
        finally:
            store.dispose()


# MESH --------------------------------------------------------------------------------------
def _read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    if not path.is_file():
        raise InputError("no such file", where=str(path))
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            columns = list(reader.fieldnames or [])
            rows = list(reader)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"not a readable CSV file: {exc}", where=str(path)) from exc
    if not columns:
        raise InputError("the file has no header row", where=str(path))
    ragged = [i + 2 for i, row in enumerate(rows) if None in row or any(v is None for v in row.values())]
    if ragged:
        raise InputError(f"rows {ragged[:10]} do not have {len(columns)} fields", where=str(path))
    return columns, rows


def _to_csv(columns: list[str], rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


@group.command("send")
def send(
    file: Path = typer.Argument(..., help="CSV dataset to share."),
    agreement_id: str = typer.Option(..., "--agreement", help="The agreement this share is made under."),
    to: str = typer.Option(..., "--to", help="Recipient MESH mailbox."),
    recipient_org: str | None = typer.Option(None, "--recipient-org",
                                             help="Recipient's ODS code (default: the agreement's second party)."),
    nhs_column: str = typer.Option("nhs_number", "--nhs-column", help="Column holding the NHS number."),
    on: str | None = typer.Option(None, "--on", help="Date of the share (default today)."),
    mesh_url: str = MESH_URL, mailbox: str = MAILBOX, password: str = PASSWORD, shared_key: str = SHARED_KEY,
    chunk_size: int = CHUNK,
    db: str | None = DB_OPTION,
    actor: str | None = ACTOR_OPTION,
) -> None:
    """Send FILE to a MESH mailbox under an agreement (checked first; objectors withheld)."""
    with handled():
        store = open_store(db_url(db))
        try:
            with store.transaction() as session:
                agreement = repo.find_agreement(session, agreement_id)
                key = repo.get_key(session, agreement_id) if agreement else None
                registry = ObjectionRegistry(repo.list_objections(session))
            columns, rows = _read_rows(file)
            day = _date(on) if on else date.today()
            recipient = recipient_org or (agreement.parties[1] if agreement else to)
            purpose = agreement.purpose if agreement else parse_purpose("direct_care")
            refused = check_share(agreement, columns, purpose, day, recipient=recipient)
            if refused:
                print_findings(refused, to_stderr=True)
            agreement = authorise_share(agreement, columns, purpose, day, recipient=recipient)
            if nhs_column not in columns:
                raise PermissionDenied(f"share refused: no '{nhs_column}' column, so objections cannot be checked")
            kept = filter_rows(rows, nhs_column, registry, purpose, recipient, file=file.name)
            if purpose.secondary:
                assert key is not None
                kept_rows = pseudonymise_rows(kept.rows, nhs_column, key)
            else:
                kept_rows = kept.rows
            sent = send_bytes(MeshConfig(mesh_url, mailbox, password, shared_key, chunk_size=chunk_size), to,
                              _to_csv(columns, kept_rows), file.name, subject=f"agreement {agreement_id}",
                              local_id=agreement_id)
            _audit(store, _actor(actor), "share.send",
                   f"{file.name}: {len(kept_rows)} rows sent, {kept.withheld} withheld, to {to} ({recipient}), "
                   f"message {sent.message_id}", agreement_id, purpose.value)
        finally:
            store.dispose()
        if kept.findings:
            err_console.print(f"[yellow]{kept.withheld} rows withheld[/yellow]")
            print_findings(kept.findings[:20], to_stderr=True)
        console.print(f"sent {len(kept_rows)} rows as message {sent.message_id} to {to} "
                      f"({sent.size} bytes, {sent.checksum})")


@group.command("receive")
def receive_command(
    out_dir: Path = typer.Option(Path("inbox"), "--out-dir", help="Where to write received files."),
    mesh_url: str = MESH_URL, mailbox: str = MAILBOX, password: str = PASSWORD, shared_key: str = SHARED_KEY,
    db: str | None = DB_OPTION,
    actor: str | None = ACTOR_OPTION,
) -> None:
    """Download, verify and acknowledge every message in our MESH inbox."""
    with handled():
        store = open_store(db_url(db))
        try:
            got = receive(MeshConfig(mesh_url, mailbox, password, shared_key), out_dir)
            for message in got:
                _audit(store, _actor(actor), "share.receive",
                       f"{message.filename} ({message.size} bytes) from {message.sender}, "
                       f"message {message.message_id}", message.local_id)
        finally:
            store.dispose()
        for message in got:
            console.print(f"{message.message_id} from {message.sender}: {message.path}")
        console.print(f"{len(got)} messages received")
