"""Demo step: link social care to health records for a few areas, then share under an agreement.

Generates synthetic person files with known truth, links them (exact NHS-number pass,
then Splink on DuckDB), and sends a dataset under a direct-care agreement and under an evaluation agreement
through a local MESH sandbox on 127.0.0.1 (``mesh-sandbox``): one person with a local objection
is withheld from both, one with a national data opt-out from the evaluation share only. When the
sandbox cannot be started the linkage still runs and the result says why nothing was sent.
"""

from __future__ import annotations

import csv
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from carepool.cell_text import SafeDictWriter
from carepool.errors import CarepoolError
from carepool.linkage import Training
from carepool.linkage.synthetic import SOCIAL_TO_HEALTH_MAP, synthetic_files
from carepool.services import sharing
from carepool.services.sharing import MeshConfig
from carepool.services.sharing_audit import read_log
from carepool.sharing.agreements import Agreement, Purpose
from carepool.sharing.objections import Objection, ObjectionKind
from carepool.sharing.suppression import suppress
from carepool.store.db import Store

# mesh-sandbox's built-in test mailboxes (store/data/mailboxes.jsonl) and shared key
SANDBOX_KEY = "TestKey"
SANDBOX_PASSWORD = "password"
SENDER, RECIPIENT = "X26ABC1", "X26ABC2"
DEMO_CHUNK = 8 * 1024  # small, so the demo shows a chunked transfer
Progress = Callable[[str], None]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def local_mesh_sandbox(timeout: float = 30.0) -> Iterator[str]:
    """Run mesh-sandbox (in-memory store) under uvicorn on a free loopback port; yield its URL."""
    port = _free_port()
    env = {**os.environ, "ENV": "local", "AUTH_MODE": "full", "STORE_MODE": "memory",
           "SHARED_KEY": SANDBOX_KEY}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "mesh_sandbox.api:app", "--host", "127.0.0.1",
         "--port", str(port), "--workers", "1", "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                error = process.stderr.read().decode(errors="replace")[-500:] if process.stderr else ""
                raise RuntimeError(f"mesh-sandbox exited: {error}")
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("mesh-sandbox did not answer /health in time")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


DEMO_AGREEMENT = "DEMO-DSA-1"          # direct care: the s.251B duty to share
EVALUATION_AGREEMENT = "DEMO-DSA-2"    # evaluation: a use beyond individual care, pseudonymised
DEMO_DAY = date(2016, 9, 1)
ACTOR = "demo (information governance)"
SHARE_COLUMNS = ["nhs_number", "person_id", "care_package", "weekly_cost"]


def _demo_agreements() -> list[Agreement]:
    fields = frozenset(SHARE_COLUMNS)
    mailboxes = {"X26": SENDER, "X27": RECIPIENT}
    return [
        Agreement(DEMO_AGREEMENT, ("X26", "X27"), Purpose.DIRECT_CARE,
                  "Health and Social Care Act 2012 s.251B (duty to share)", fields, 365,
                  date(2016, 4, 1), date(2017, 3, 31), mailboxes=mailboxes),
        Agreement(EVALUATION_AGREEMENT, ("X26", "X27"), Purpose.EVALUATION,
                  "UK GDPR art. 6(1)(e) and 9(2)(h) (illustrative: a demo evaluation agreement)", fields, 365,
                  date(2016, 4, 1), date(2017, 3, 31), mailboxes=mailboxes),
    ]


def add_demo_agreements(store: Store) -> None:
    """Store the demo's two agreements (direct care and evaluation), audited as a user's would be."""
    for agreement in _demo_agreements():
        sharing.add_agreement(store, agreement, actor=ACTOR)


def _write_share(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = SafeDictWriter(handle, fieldnames=SHARE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: r[k] for k in SHARE_COLUMNS} for r in rows)
    return path


def _people_in(path: Path) -> set[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {row.get("person_id", "") for row in csv.DictReader(handle)}


def share_through_mesh(store: Store, rows: list[dict[str, str]], out_dir: Path,
                       progress: Progress) -> dict[str, Any]:
    """Send the rows under each stored agreement, as a user would: the same audited service.

    The first person has a local objection (withheld from both shares), the second a national
    data opt-out (withheld from the evaluation share only: the opt-out never stops direct care).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    objector, opted_out = rows[0], rows[1]
    sharing.add_objection(store, Objection(objector["nhs_number"], "X26", date(2016, 5, 1)), actor=ACTOR)
    sharing.add_objection(store, Objection(opted_out["nhs_number"], "X26", date(2016, 6, 1),
                                           kind=ObjectionKind.NATIONAL_OPT_OUT), actor=ACTOR)
    files = {DEMO_AGREEMENT: _write_share(out_dir / "shared_care_packages.csv", rows),
             EVALUATION_AGREEMENT: _write_share(out_dir / "evaluation_care_packages.csv", rows)}
    try:
        with local_mesh_sandbox() as url:
            sender = MeshConfig(url, SENDER, SANDBOX_PASSWORD, SANDBOX_KEY, chunk_size=DEMO_CHUNK)
            sent = {agreement_id: sharing.send(store, file, agreement_id, RECIPIENT, sender, actor=ACTOR,
                                               recipient_org="X27", on=DEMO_DAY)
                    for agreement_id, file in files.items()}
            got = sharing.receive(store, MeshConfig(url, RECIPIENT, SANDBOX_PASSWORD, SANDBOX_KEY),
                                  out_dir / "inbox", actor=ACTOR, on=DEMO_DAY)
    except (RuntimeError, OSError, CarepoolError) as exc:
        progress(f"sharing: MESH sandbox not available ({exc}); dataset not sent")
        return {"sent": False, "reason": str(exc)}
    arrived = {m.local_id: _people_in(m.path) for m in got.received}
    shares = []
    for agreement, result in zip(_demo_agreements(), sent.values(), strict=True):
        withheld = {kind.value: result.withheld_by_kind.get(kind, 0) for kind in ObjectionKind}
        shares.append({"agreement": agreement.agreement_id, "purpose": agreement.purpose.value,
                       "rows": result.rows_sent, "withheld": withheld,
                       "opt_out_in_output": opted_out["person_id"] in arrived.get(agreement.agreement_id, set())})
        progress(f"sharing: {agreement.purpose.value}: sent {result.rows_sent} rows ({result.withheld_summary}) "
                 "via MESH sandbox, audited")
    direct = sent[DEMO_AGREEMENT]
    return {"sent": True, "message_id": direct.message_id, "bytes": direct.size, "rows": direct.rows_sent,
            "withheld_objectors": direct.withheld, "chunks": -(-direct.size // DEMO_CHUNK),
            "checksum_verified": len(got.received) == len(files) and not got.refused,
            "objector_in_output": any(objector["person_id"] in people for people in arrived.values()),
            "objector_person": objector["person_id"], "opt_out_person": opted_out["person_id"],
            "shares": shares}


def run_demo_step(store: Store, out_dir: Path, seed: int, progress: Progress) -> dict[str, Any]:
    """Link the generated files of three areas and share a dataset; return the numbers.

    Everything goes through ``services.sharing``: the agreements and the objections are stored,
    the linkage and the share are checked against them and written to the audit trail.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    progress("sharing: generating social care and health person files for 3 areas")
    files = synthetic_files(3000, 9000, seed=seed)
    left, right = out_dir / "social_care.csv", out_dir / "health.csv"
    files.social_care.to_csv(left, index=False)
    files.health.to_csv(right, index=False)
    add_demo_agreements(store)
    mapping = sharing.build_mapping("person_ref", "health_id", [f"{k}={v}" for k, v in SOCIAL_TO_HEALTH_MAP.items()])
    done = sharing.link(store, left, right, mapping, out_dir / "links.csv", actor=ACTOR,
                        purpose=Purpose.DIRECT_CARE, truth=set(files.truth), agreement_id=DEMO_AGREEMENT,
                        on=DEMO_DAY, training=Training(max_pairs_u=5e5))
    result = done.result
    accuracy = result.quality.accuracy
    assert accuracy is not None
    progress(f"sharing: {len(result.links)} links, precision {accuracy.precision:.3f}, "
             f"recall {accuracy.recall:.3f}, F1 {accuracy.f1:.3f}")
    nhs = files.health.set_index("health_id")["nhs_number"]
    rows = [{"nhs_number": str(nhs[r]), "person_id": p, "care_package": "reablement",
             "weekly_cost": str(150 + i % 200)}
            for i, (p, r) in enumerate(zip(result.links["person_id"], result.links["right_id"], strict=True))][:500]
    shared = share_through_mesh(store, rows, out_dir, progress)
    log = read_log(store)
    return {"linkage": result.quality.as_dict(), "invalid_nhs_numbers_reported": len(result.findings),
            "seconds": {k: round(v, 2) for k, v in result.seconds.items()}, "mesh": shared,
            "audit": {"entries": len(log.entries), "intact": log.intact},
            "published": _published_counts(files.social_care, result.links, result.review)}


def _published_counts(social_care: Any, links: Any, review: Any) -> dict[str, Any]:
    """Records by area and outcome, as published: counts 1-7 suppressed, with secondary suppression."""
    area = social_care.set_index("person_ref")["la_code"]
    columns = ["nhs_number", "splink", "review"]
    areas = sorted(set(area))
    linked = links.assign(area=area.reindex(links["left_id"]).to_numpy())
    queued = review.assign(area=area.reindex(review["left_id"]).to_numpy())
    counts = [[int(((linked["area"] == a) & (linked["method"] == m)).sum()) for m in columns[:2]]
              + [int((queued["area"] == a).sum())] for a in areas]
    table = suppress(counts)
    return {"rows": [*areas, "total"], "columns": [*columns, "total"], "cells": table.cells,
            "primary_suppressed": len(table.primary), "secondary_suppressed": len(table.secondary)}
