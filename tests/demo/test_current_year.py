"""`carepool demo --year bcf-2025-26 --no-serve`: 153 plans with ICB partners, signed by the year's
signatories and assured, whose national streams equal the published 2025-26 amounts to the penny."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from carepool.cli.main import app
from carepool.money import Money
from carepool.services import plans as svc
from carepool.store.db import open_store


def test_the_2025_26_demo(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--year", "bcf-2025-26", "--no-serve", "--out", str(tmp_path)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "plans assured: 153 of 153" in out and "10 areas span more than one ICB" in out
    for stream, amount in (("nhs-minimum", "£5,614.000m"), ("la-better-care-grant", "£2,640.000m"),
                           ("dfg", "£711.000m")):
        assert f"{stream} │ {amount} │ {amount} │ yes" in out, stream
    store = open_store(str(tmp_path / "carepool-demo.db"))
    records = svc.list_plans(store, "bcf-2025-26")
    assert len(records) == 153 and {r.status.value for r in records} == {"assured"}
    pooled: dict[str, int] = {}
    for r in records:
        for f in r.plan.funding:
            pooled[f.stream] = pooled.get(f.stream, 0) + f.amount.pence
    assert pooled == {"nhs-minimum": Money.pounds(5_614_000_000).pence,
                      "la-better-care-grant": Money.pounds(2_640_000_000).pence,
                      "dfg": Money.pounds(711_000_000).pence}
    north_yorkshire = next(r.plan for r in records if r.area_code == "E06000065")
    assert sorted(p.code for p in north_yorkshire.partners if p.kind == "icb") == ["QE1", "QOQ", "QWO"]
    roles = {(s.partner, s.role) for s in north_yorkshire.signoffs}
    assert {("E06000065", "Chief Executive"), ("E06000065", "Section 151 officer"), ("QOQ", "Chief Executive")} <= roles
    assert all(r.plan.illustrative for r in records)
    store.dispose()


def test_the_2015_16_demo_stays_the_default_and_other_geographies_are_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--year", "bcf-2019-20", "--no-serve", "--out", str(tmp_path)])
    assert result.exit_code != 0 and "2023 geography" in result.output
    assert "bcf-2015-16" in (CliRunner().invoke(app, ["demo", "--help"]).output)
