"""Every broken workbook in the corpus is refused with a message naming the place, and the
store (SQLite and PostgreSQL) is left exactly as it was."""

from pathlib import Path

import pytest
import yaml

from carepool.errors import ValidationFailed
from carepool.services import plans as svc
from carepool.store.db import Store

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "plans"
MANIFEST = yaml.safe_load((CORPUS / "bad" / "manifest.yaml").read_text())
BAD = [c for c in MANIFEST["cases"] if c["rule"] is not None]


def test_corpus_is_big_enough() -> None:
    assert len(BAD) >= 30


def test_good_workbook_imports(store: Store) -> None:
    record = svc.import_workbook(store, CORPUS / MANIFEST["good"], actor="tester")
    assert record.area_code == MANIFEST["base"]["area"] and record.version == 1


def test_every_bad_workbook_refused_and_store_unchanged(store: Store) -> None:
    # one already-stored plan, so "unchanged" is checked against a non-empty store
    svc.import_workbook(store, CORPUS / MANIFEST["good"], actor="tester")
    before = [(r.area_code, r.version, r.status) for r in svc.list_plans(store)]
    for case in BAD:
        path = CORPUS / "bad" / case["file"]
        with pytest.raises(ValidationFailed) as info:
            svc.import_workbook(store, path, actor="tester")
        hits = [f for f in info.value.findings if f.rule == case["rule"]]
        assert hits, f"{case['file']}: expected {case['rule']}, got {[f.rule for f in info.value.findings]}"
        if case["sheet"]:
            assert any(f.location.sheet == case["sheet"] for f in hits), case["file"]
        assert any(case["message"].lower() in f.message.lower() for f in hits), case["file"]
        assert all(f.location.file or f.location.sheet for f in hits), case["file"]
    assert [(r.area_code, r.version, r.status) for r in svc.list_plans(store)] == before
