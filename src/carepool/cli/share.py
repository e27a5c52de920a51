"""``carepool share``: link person files, manage agreements and objections, send and receive over MESH.

Every share is checked against its agreement before anything is read for sending: a
missing, expired or not-yet-started agreement, another purpose, or a column the agreement
does not permit refuses the whole share (non-zero exit, nothing sent). Objectors' rows, and
rows whose NHS number cannot be checked, are withheld and counted. Secondary-use shares
carry pseudonyms, never NHS numbers. Received messages pass the same check against the
local agreement. Held datasets are purged when retention ends. Each share, receipt, read,
refusal and purge is audited. The use cases live in ``services.sharing``.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import typer

from carepool.cli.common import DB_OPTION, acting, console, err_console, handled, print_findings, print_json, store_at
from carepool.errors import InputError, PermissionDenied
from carepool.services import sharing as service
from carepool.services.sharing import MeshConfig, Thresholds, build_mapping
from carepool.services.sharing_governance import (
    agreement_from_text,
    datasets_with_retention,
    expire_agreement,
    parse_date,
    review_agreement,
)
from carepool.sharing.agreements import parse_purpose
from carepool.sharing.objections import Objection, ObjectionKind, parse_kind

GROUP_NAME = "share"
group = typer.Typer(help="Share person-level data under the duty to share: link, agree, send, receive.",
                    no_args_is_help=True)
agreement_group = typer.Typer(help="Data-sharing agreements.", no_args_is_help=True)
objection_group = typer.Typer(help="The objections register: local objections and national data opt-outs.",
                              no_args_is_help=True)
group.add_typer(agreement_group, name="agreement")
group.add_typer(objection_group, name="objection")

KIND_OPTION = typer.Option("local", "--kind",
                           help="local (objects to this sharing: stops every share but direct care within the "
                                "organisation holding the record) or national_opt_out (the national data "
                                "opt-out: stops commissioning and evaluation, never direct care).")
ACTOR_OPTION = typer.Option(None, "--actor", envvar="CAREPOOL_ACTOR", help="Who is acting (for the audit log).")
MESH_URL = typer.Option(..., "--mesh-url", envvar="CAREPOOL_MESH_URL", help="MESH endpoint URL.")
MAILBOX = typer.Option(..., "--mailbox", envvar="CAREPOOL_MESH_MAILBOX", help="Our MESH mailbox id.")
PASSWORD = typer.Option(..., "--password", envvar="CAREPOOL_MESH_PASSWORD", help="Mailbox password.")
SHARED_KEY = typer.Option(..., "--shared-key", envvar="CAREPOOL_MESH_SHARED_KEY", help="MESH shared key.")
CHUNK = typer.Option(20 * 1024 * 1024, "--chunk-size", help="Bytes per MESH chunk.")


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
    agreement_id: str | None = typer.Option(None, "--agreement",
                                            help="Hold the links under this agreement (its retention applies)."),
    model: Path | None = typer.Option(None, "--model", help="Score with this saved model (Splink JSON)."),
    save_model: Path | None = typer.Option(None, "--save-model",
                                           help="Write the model used as Splink's JSON (settings and parameters)."),
    db: str | None = DB_OPTION,
    actor: str | None = ACTOR_OPTION,
) -> None:
    """Link LEFT to RIGHT: exact NHS-number pass, then Splink for the rest."""
    with handled():
        if engine not in ("duckdb", "spark"):
            raise InputError(f"unknown engine '{engine}' (expected duckdb or spark)")
        mapping = build_mapping(id_left, id_right, maps)
        why = parse_purpose(purpose)
        with store_at(db) as store:
            done = service.link(store, left, right, mapping, out, actor=acting(actor), purpose=why, engine=engine,
                                thresholds=Thresholds(accept_weight, review_weight),
                                truth=_truth(truth) if truth else None, agreement_id=agreement_id,
                                model=model, save_model=save_model)
        quality = done.result.quality
        if done.result.model_findings:
            err_console.print(f"[yellow]{len(done.result.model_findings)} comparison level(s) could not be "
                              "trained on these files[/yellow]")
            print_findings(done.result.model_findings, to_stderr=True)
        if done.result.findings:
            err_console.print(f"[yellow]{len(done.result.findings)} invalid NHS numbers were reported; "
                              "those records were linked on their other fields[/yellow]")
            print_findings(done.result.findings[:20], to_stderr=True)
        if as_json:
            print_json({**quality.as_dict(), "untrained": [f.message for f in done.result.model_findings],
                        "model_saved": str(save_model) if save_model and done.result.model else None})
            return
        if save_model and done.result.model:
            console.print(f"model saved as Splink JSON: {save_model}")
        if quality.accuracy:
            acc = quality.accuracy
            console.print(f"against the truth: precision {acc.precision:.4f}, recall {acc.recall:.4f}, "
                          f"F1 {acc.f1:.4f}")
        console.print(f"{quality.links} links ({', '.join(f'{k}: {v}' for k, v in quality.by_method.items())}), "
                      f"{quality.review} for clerical review ({done.review_path}), "
                      f"{quality.unmatched_left} unmatched; links written to {done.links_path}")


def _truth(path: Path) -> set[tuple[str, str]]:
    _, rows = service.read_rows(path)
    pairs = {tuple(list(row.values())[:2]) for row in rows}
    if any(len(p) != 2 for p in pairs):
        raise InputError("a truth file needs two columns: left id, right id", where=str(path))
    return {(a, b) for a, b in pairs}


# agreements --------------------------------------------------------------------------------
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
    mailboxes: str = typer.Option("", "--mailboxes",
                                  help="Parties' MESH mailboxes, checked on receipt: RR8=X26ABC1,00C=X26ABC2"),
    db: str | None = DB_OPTION,
    actor: str | None = ACTOR_OPTION,
) -> None:
    """Record a data-sharing agreement (and create its controller's pseudonymisation key)."""
    with handled():
        agreement = agreement_from_text(agreement_id=agreement_id, parties=parties, purpose=purpose,
                                        legal_basis=legal_basis, fields=fields, retention_days=retention_days,
                                        start=start, end=end, description=description, mailboxes=mailboxes)
        with store_at(db) as store:
            service.add_agreement(store, agreement, actor=acting(actor))
        console.print(f"agreement {agreement_id} recorded")


@agreement_group.command("list")
def agreement_list(db: str | None = DB_OPTION) -> None:
    """List agreements (never their keys)."""
    with handled():
        with store_at(db) as store:
            found = service.list_agreements(store)
        print_json([{"id": a.agreement_id, "parties": list(a.parties), "purpose": a.purpose.value,
                     "legal_basis": a.legal_basis, "fields": sorted(a.permitted_fields),
                     "retention_days": a.retention_days, "start": a.start, "end": a.end,
                     "mailboxes": a.mailboxes} for a in found])


@agreement_group.command("review")
def agreement_review(
    agreement_id: str = typer.Argument(..., help="The agreement reviewed."),
    outcome: str = typer.Option(..., "--outcome", help="continue, amend or end"),
    note: str = typer.Option(..., "--note", help="What the review found."),
    on: str | None = typer.Option(None, "--on", help="Date of the review (default today)."),
    db: str | None = DB_OPTION,
    actor: str | None = ACTOR_OPTION,
) -> None:
    """Record a review of an agreement (kept in the audit log; the web's agreement page shows it)."""
    with handled():
        with store_at(db) as store:
            review_agreement(store, agreement_id, actor=acting(actor), on=_date(on) if on else date.today(),
                             outcome=outcome, note=note)
        console.print(f"review of agreement {agreement_id} recorded")


@agreement_group.command("end")
def agreement_end(
    agreement_id: str = typer.Argument(..., help="The agreement to end early."),
    reason: str = typer.Option(..., "--reason", help="Why it ends early."),
    on: str | None = typer.Option(None, "--on", help="Its last day in force (default today)."),
    db: str | None = DB_OPTION,
    actor: str | None = ACTOR_OPTION,
) -> None:
    """End an agreement early: nothing is sent or received under it after its last day."""
    with handled():
        day = _date(on) if on else date.today()
        with store_at(db) as store:
            was = expire_agreement(store, agreement_id, actor=acting(actor), on=day, reason=reason)
        console.print(f"agreement {agreement_id} now ends on {day} (was {was})")


def _date(value: str) -> date:
    return parse_date(value, "--on")


# objections --------------------------------------------------------------------------------
@objection_group.command("add")
def objection_add(
    nhs_number: str = typer.Argument(..., help="The objector's NHS number."),
    organisation: str = typer.Option(..., "--org", help="ODS code of the organisation holding their record "
                                                        "(for a national data opt-out: the one that checked it)."),
    on: str | None = typer.Option(None, "--on", help="Date recorded (default today)."),
    kind: str = KIND_OPTION,
    note: str = typer.Option("", "--note"),
    db: str | None = DB_OPTION,
    actor: str | None = ACTOR_OPTION,
) -> None:
    """Record that a person objects to sharing, or has a national data opt-out (--kind national_opt_out)."""
    with handled():
        objection = Objection(nhs_number, organisation.strip().upper(), _date(on) if on else date.today(), note,
                              parse_kind(kind))
        with store_at(db) as store:
            service.add_objection(store, objection, actor=acting(actor))
        console.print(f"{objection.kind.label.lower()} recorded: applies to {objection.kind.applies_to}")


@objection_group.command("withdraw")
def objection_withdraw(
    nhs_number: str = typer.Argument(..., help="The NHS number of the person withdrawing their objection."),
    on: str | None = typer.Option(None, "--on", help="Date of the withdrawal (default today)."),
    note: str = typer.Option("", "--note"),
    kind: str = KIND_OPTION,
    db: str | None = DB_OPTION,
    actor: str | None = ACTOR_OPTION,
) -> None:
    """Record that a person withdrew their objection or opt-out of --kind (the register keeps both, in order)."""
    with handled():
        which = parse_kind(kind)
        with store_at(db) as store:
            service.withdraw_objection(store, nhs_number, _date(on) if on else date.today(), actor=acting(actor),
                                       note=note, kind=which)
        console.print(f"{which.label.lower()} withdrawn")


@objection_group.command("count")
def objection_count(db: str | None = DB_OPTION) -> None:
    """How many objections are registered, of each kind (numbers are not printed)."""
    with handled(), store_at(db) as store:
        counts = service.objection_counts(store)
        total = sum(counts.values())
        console.print(f"{total} objection{'' if total == 1 else 's'} registered: "
                      + ", ".join(f"{counts[k]} {k.label.lower()}" for k in ObjectionKind))


# MESH --------------------------------------------------------------------------------------
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
        with store_at(db) as store:
            sent = service.send(store, file, agreement_id, to,
                                MeshConfig(mesh_url, mailbox, password, shared_key, chunk_size=chunk_size),
                                actor=acting(actor), recipient_org=recipient_org, nhs_column=nhs_column,
                                on=_date(on) if on else None)
        if sent.findings:
            err_console.print(f"[yellow]{sent.withheld} rows withheld[/yellow]")
            print_findings(sent.findings[:20], to_stderr=True)
        console.print(f"sent {sent.rows_sent} rows as message {sent.message_id} to {to} "
                      f"({sent.size} bytes, {sent.checksum})")


@group.command("receive")
def receive_command(
    out_dir: Path = typer.Option(Path("inbox"), "--out-dir", help="Where to write received files."),
    on: str | None = typer.Option(None, "--on", help="Date of receipt (default today)."),
    mesh_url: str = MESH_URL, mailbox: str = MAILBOX, password: str = PASSWORD, shared_key: str = SHARED_KEY,
    db: str | None = DB_OPTION,
    actor: str | None = ACTOR_OPTION,
) -> None:
    """Download, check against our agreements, verify and acknowledge every MESH inbox message.

    A message no local agreement covers (unknown or expired agreement, a sender who is not
    a party, a field it does not permit) is refused: not written, left in the inbox,
    audited; the command then exits non-zero.
    """
    with handled():
        with store_at(db) as store:
            got = service.receive(store, MeshConfig(mesh_url, mailbox, password, shared_key), out_dir,
                                  actor=acting(actor), on=_date(on) if on else None)
        for message in got.received:
            console.print(f"{message.message_id} from {message.sender}: {message.path}")
        console.print(f"{len(got.received)} messages received")
        for refused in got.refused:
            err_console.print(f"[red]refused[/red] {refused.message_id} from {refused.sender} "
                              f"({refused.filename}): {'; '.join(refused.reasons)}")
        if got.refused:
            raise PermissionDenied(f"{len(got.refused)} messages refused: not written, left in the inbox")


# held datasets and retention -----------------------------------------------------------------
@group.command("datasets")
def datasets(on: str | None = typer.Option(None, "--on", help="Date to report retention at (default today)."),
             db: str | None = DB_OPTION) -> None:
    """List held person-level datasets (received, or links under an agreement) and their retention:
    the last day each may be kept and whether it is held, past retention or purged."""
    with handled():
        with store_at(db) as store:
            held = datasets_with_retention(store, _date(on) if on else date.today())
        print_json([{"id": h.dataset.dataset_id, "kind": h.dataset.kind, "agreement": h.dataset.agreement_id,
                     "path": h.dataset.path, "source": h.dataset.source, "received_on": h.dataset.received_on,
                     "rows": h.dataset.rows, "delete_after": h.retention_ends, "status": h.status,
                     "purged_at": h.dataset.purged_at} for h in held])


@group.command("read")
def read(
    dataset_id: int = typer.Argument(..., help="Held dataset id (see 'carepool share datasets')."),
    out: Path | None = typer.Option(None, "--out", help="Write here instead of standard output."),
    on: str | None = typer.Option(None, "--on", help="Date of the read (default today)."),
    db: str | None = DB_OPTION,
    actor: str | None = ACTOR_OPTION,
) -> None:
    """Read a held dataset (audited); refused once its agreement's retention has ended."""
    with handled():
        with store_at(db) as store:
            data = service.read_dataset(store, dataset_id, actor=acting(actor), on=_date(on) if on else None)
        if out is None:
            sys.stdout.write(data.decode())
        else:
            out.write_bytes(data)
            console.print(f"written to {out}")


@group.command("purge")
def purge(
    on: str | None = typer.Option(None, "--on", help="Date to enforce retention at (default today)."),
    db: str | None = DB_OPTION,
    actor: str | None = ACTOR_OPTION,
) -> None:
    """Delete every held dataset past its agreement's retention period (each purge audited)."""
    with handled():
        with store_at(db) as store:
            done = service.purge(store, actor=acting(actor), on=_date(on) if on else None)
        for item in done:
            console.print(f"purged dataset {item.dataset_id} ({item.path}): agreement {item.agreement_id} "
                          f"retention ended {item.retention_ended}")
        console.print(f"{len(done)} datasets purged")
