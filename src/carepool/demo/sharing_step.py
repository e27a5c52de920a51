"""Demo step: link social care to health records for a few areas, then share under an agreement.

Generates synthetic person files with known truth, links them (exact NHS-number pass,
then Splink on DuckDB), and sends a dataset under a direct-care agreement through a local
MESH sandbox on 127.0.0.1 (``mesh-sandbox``), with one objector withheld. When the
sandbox cannot be started the linkage still runs and the result says why nothing was sent.
"""

from __future__ import annotations

import csv
import io
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

from carepool.errors import CarepoolError
from carepool.exchange.mesh import MeshConfig, receive, send_bytes
from carepool.linkage import Training, build, link_frames
from carepool.linkage.synthetic import SOCIAL_TO_HEALTH_MAP, generate
from carepool.sharing.agreements import Agreement, Purpose, authorise_share
from carepool.sharing.objections import Objection, ObjectionRegistry, filter_rows
from carepool.sharing.suppression import suppress

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


def _share_through_mesh(rows: list[dict[str, str]], out_dir: Path, progress: Progress) -> dict[str, Any]:
    fields = ["nhs_number", "person_id", "care_package", "weekly_cost"]
    agreement = Agreement("DEMO-DSA-1", ("X26", "X27"), Purpose.DIRECT_CARE,
                          "Health and Social Care Act 2012 s.251B (duty to share)", frozenset(fields),
                          365, date(2016, 4, 1), date(2017, 3, 31))
    on = date(2016, 9, 1)
    authorise_share(agreement, fields, Purpose.DIRECT_CARE, on, recipient="X27")
    objector = rows[0]["nhs_number"]
    registry = ObjectionRegistry([Objection(objector, "X26", date(2016, 5, 1))])
    kept = filter_rows(rows, "nhs_number", registry, Purpose.DIRECT_CARE, "X27")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: r[k] for k in fields} for r in kept.rows)
    try:
        with local_mesh_sandbox() as url:
            sender = MeshConfig(url, SENDER, SANDBOX_PASSWORD, SANDBOX_KEY, chunk_size=DEMO_CHUNK)
            sent = send_bytes(sender, RECIPIENT, buffer.getvalue().encode(), "shared_care_packages.csv",
                              subject=f"agreement {agreement.agreement_id}", local_id=agreement.agreement_id)
            got = receive(MeshConfig(url, RECIPIENT, SANDBOX_PASSWORD, SANDBOX_KEY), out_dir / "inbox")
    except (RuntimeError, OSError, CarepoolError) as exc:
        progress(f"sharing: MESH sandbox not available ({exc}); dataset not sent")
        return {"sent": False, "reason": str(exc)}
    received = got[0].path.read_text() if got else ""
    progress(f"sharing: sent {len(kept.rows)} rows ({kept.withheld} objector withheld) via MESH sandbox")
    return {"sent": True, "message_id": sent.message_id, "bytes": sent.size, "rows": len(kept.rows),
            "withheld_objectors": kept.withheld, "chunks": -(-sent.size // DEMO_CHUNK),
            "checksum_verified": bool(got), "objector_in_output": objector in received}


def run_demo_step(out_dir: Path, seed: int, progress: Progress) -> dict[str, Any]:
    """Link the generated files of three areas and share a dataset; return the numbers."""
    out_dir.mkdir(parents=True, exist_ok=True)
    progress("sharing: generating social care and health person files for 3 areas")
    files = generate(3000, 9000, seed=seed)
    mapping = build("person_ref", "health_id", SOCIAL_TO_HEALTH_MAP)
    result = link_frames(files.social_care, files.health, mapping, truth=files.truth,
                         training=Training(max_pairs_u=5e5))
    result.links.to_csv(out_dir / "links.csv", index=False)
    result.review.to_csv(out_dir / "links.review.csv", index=False)
    accuracy = result.quality.accuracy
    assert accuracy is not None
    progress(f"sharing: {len(result.links)} links, precision {accuracy.precision:.3f}, "
             f"recall {accuracy.recall:.3f}, F1 {accuracy.f1:.3f}")
    nhs = files.health.set_index("health_id")["nhs_number"]
    rows = [{"nhs_number": str(nhs[r]), "person_id": p, "care_package": "reablement",
             "weekly_cost": str(150 + i % 200)}
            for i, (p, r) in enumerate(zip(result.links["person_id"], result.links["right_id"], strict=True))][:500]
    sharing = _share_through_mesh(rows, out_dir, progress)
    return {"linkage": result.quality.as_dict(), "invalid_nhs_numbers_reported": len(result.findings),
            "seconds": {k: round(v, 2) for k, v in result.seconds.items()}, "mesh": sharing,
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
