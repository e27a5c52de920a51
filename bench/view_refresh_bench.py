"""What one draft upload costs the web server afterwards (not a test): CPU seconds to make every view current.

    .venv/bin/python bench/view_refresh_bench.py [--db DEMO.db] [--uploads 4]

Copies a demo store (``--db``, or one built with ``carepool demo --no-serve --skip ...`` as
``web_load_bench.py`` builds it), then, in this one process and without HTTP, reads every view a
browsing user or the analyst of the mixed web run asks for (the dashboard's rows and commissioning
filters, every area's page view, the evidence report built in this process), once to fill the
caches and once more with nothing changed; then stores the same valid draft for Rotherham
``--uploads`` times, reading every view again after each. It prints the CPU seconds of each pass.

The web load benchmark's wall times depend on what else the machine runs; this is the server-side
work an upload causes, in CPU seconds of one process (the interpreter lock's share), so it can be
compared across machines and runs. Issue 16 item 4: before the views were keyed narrowly, each
upload cost about 5 s of CPU here (every area page, the dashboard and the evidence report
recomputed), which a 3-second upload rhythm cannot sustain.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from carepool.reference import load_reference
from carepool.services import commissioning, dashboard, evaluation, plans
from carepool.store.db import Store, open_store
from carepool.web import area_data

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_load_bench import UPLOAD_AREA, build_demo_store, upload_workbook

YEAR = "bcf-2015-16"


def read_every_view(store: Store) -> float:
    """CPU seconds to read the dashboard, the commissioning filters, every area's view and the evidence report."""
    started = time.process_time()
    dashboard.all_rows(store, YEAR)
    commissioning.area_models(store, YEAR)
    for code in sorted(load_reference().areas):
        area_data.warm_view(store, code, YEAR)
    evaluation.evidence_report(store, YEAR)
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--db", help="a demo SQLite store to copy (default: build one)")
    parser.add_argument("--uploads", type=int, default=4)
    args = parser.parse_args()
    if not 1 <= args.uploads <= 50:
        raise SystemExit("--uploads: 1 to 50")
    with tempfile.TemporaryDirectory(prefix="carepool-refresh-bench-") as tmp:
        folder = Path(tmp)
        source = args.db or build_demo_store(folder / "demo")
        shutil.copyfile(source, folder / "copy.db")
        workbook = folder / "upload.xlsx"
        workbook.write_bytes(upload_workbook(folder))
        store = open_store(str(folder / "copy.db"))
        try:
            print(f"first read of every view (caches empty): {read_every_view(store):.2f} s CPU")
            print(f"again, nothing changed: {read_every_view(store) * 1000:.0f} ms CPU")
            costs = []
            for _ in range(args.uploads):
                record = plans.import_workbook(store, workbook, actor="bench")
                assert record.area_code == UPLOAD_AREA
                costs.append(read_every_view(store))
            print(f"after each draft upload for {UPLOAD_AREA}: "
                  + ", ".join(f"{c * 1000:.0f}" for c in costs) + " ms CPU")
        finally:
            store.dispose()


if __name__ == "__main__":
    main()
