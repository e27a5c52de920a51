"""``carepool share link`` on real CSV files, and its refusals."""

import csv
from pathlib import Path

import typer
from typer.testing import CliRunner

from carepool.cli import share as share_cli

from .conftest import FIXTURES

app = typer.Typer()
app.add_typer(share_cli.group, name=share_cli.GROUP_NAME)
MAPS = ["--map", "nhs_no=nhs_number", "--map", "first_name=forename", "--map", "last_name=surname",
        "--map", "birth_date=date_of_birth", "--map", "sex=gender", "--map", "post_code=postcode"]


def run(tmp_path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["share", "link", *args, "--db", str(tmp_path / "c.db"), "--actor", "ann"])
    return result.exit_code, result.output


def test_link_writes_links_and_review_queue(tmp_path: Path, fixture_truth: set[tuple[str, str]]) -> None:
    out = tmp_path / "links.csv"
    code, output = run(tmp_path, str(FIXTURES / "social_care.csv"), str(FIXTURES / "health.csv"),
                       "--id-left", "person_ref", "--id-right", "health_id", *MAPS, "--out", str(out))
    assert code == 0, output
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["person_id", "left_id", "right_id", "match_weight", "match_probability", "method"]
    found = {(r["left_id"], r["right_id"]) for r in rows}
    assert len(found & fixture_truth) >= 0.95 * len(fixture_truth)
    assert (tmp_path / "links.review.csv").is_file()
    assert "links written to" in output
    code, output = run(tmp_path, str(FIXTURES / "social_care.csv"), str(FIXTURES / "health.csv"),
                       "--id-left", "person_ref", "--id-right", "health_id", *MAPS, "--out", str(out),
                       "--truth", str(FIXTURES / "truth.csv"), "--json")
    assert code == 0, output
    assert '"f1": ' in output and '"precision": ' in output


def test_malformed_and_mismapped_files_fail_clearly(tmp_path: Path) -> None:
    out = tmp_path / "links.csv"
    code, output = run(tmp_path, str(tmp_path / "nope.csv"), str(FIXTURES / "health.csv"),
                       "--id-left", "person_ref", "--id-right", "health_id", *MAPS, "--out", str(out))
    assert code == 2 and "no such file" in " ".join(output.split())
    code, output = run(tmp_path, str(FIXTURES / "social_care.csv"), str(FIXTURES / "health.csv"),
                       "--id-left", "person_ref", "--id-right", "health_id", "--map", "surname_x=surname",
                       "--map", "birth_date=dob", "--out", str(out))
    assert code == 3 and "surname_x" in output and "column-missing" in output
    code, output = run(tmp_path, str(FIXTURES / "social_care.csv"), str(FIXTURES / "health.csv"),
                       "--id-left", "person_ref", "--id-right", "health_id", *MAPS, "--out", str(out),
                       "--engine", "oracle")
    assert code == 2 and "unknown engine" in output
    assert not out.exists()


def test_errors_are_never_wrapped_when_not_at_a_terminal(tmp_path: Path) -> None:
    """A long path (as in a deep checkout) stays on one line with its message: not folded at 80 columns."""
    deep = tmp_path.joinpath(*(["a-rather-long-folder-name"] * 6))
    missing = deep / "nope.csv"
    assert len(f"error: no such file ({missing})") > 120
    code, output = run(tmp_path, str(missing), str(FIXTURES / "health.csv"),
                       "--id-left", "person_ref", "--id-right", "health_id", *MAPS, "--out", str(tmp_path / "l.csv"))
    assert code == 2
    assert "no such file" in output and str(missing) in output, output


def test_secondary_use_linkage_leaves_objectors_out_of_every_output(tmp_path: Path) -> None:
    from datetime import date

    from carepool.sharing.nhs_number import normalise
    from carepool.sharing.objections import Objection
    from carepool.store import sharing_tables as repo
    from carepool.store.db import open_store

    with (FIXTURES / "social_care.csv").open(newline="") as handle:
        person = next(r for r in csv.DictReader(handle) if normalise(r["nhs_no"]))
    with (FIXTURES / "health.csv").open(newline="") as handle:
        health_ids = [r["health_id"] for r in csv.DictReader(handle) if r["nhs_number"] == normalise(person["nhs_no"])]
    assert health_ids
    store = open_store(str(tmp_path / "c.db"))
    with store.transaction() as session:
        repo.add_objection(session, Objection(person["nhs_no"], "RR8", date(2016, 1, 1)))
    store.dispose()
    args = [str(FIXTURES / "social_care.csv"), str(FIXTURES / "health.csv"), "--id-left", "person_ref",
            "--id-right", "health_id", *MAPS]
    code, output = run(tmp_path, *args, "--out", str(tmp_path / "care.csv"))
    assert code == 0, output
    assert person["person_ref"] in (tmp_path / "care.csv").read_text()  # direct care: linked as usual
    code, output = run(tmp_path, *args, "--out", str(tmp_path / "eval.csv"), "--purpose", "evaluation")
    assert code == 0, output
    for written in (tmp_path / "eval.csv", tmp_path / "eval.review.csv"):
        text = written.read_text()
        assert person["person_ref"] not in text and health_ids[0] not in text


def test_a_saved_model_links_other_files_without_training(tmp_path: Path,
                                                          fixture_truth: set[tuple[str, str]]) -> None:
    model = tmp_path / "model.json"
    common = [str(FIXTURES / "social_care.csv"), str(FIXTURES / "health.csv"),
              "--id-left", "person_ref", "--id-right", "health_id", *MAPS]
    code, output = run(tmp_path, *common, "--out", str(tmp_path / "a.csv"), "--save-model", str(model))
    assert code == 0, output
    assert "model saved as Splink JSON" in output and model.is_file()
    code, output = run(tmp_path, *common, "--out", str(tmp_path / "b.csv"), "--model", str(model))
    assert code == 0, output
    with (tmp_path / "b.csv").open(newline="") as handle:
        found = {(r["left_id"], r["right_id"]) for r in csv.DictReader(handle)}
    assert len(found & fixture_truth) >= 0.95 * len(fixture_truth)
    (tmp_path / "broken.json").write_text("{}")
    code, output = run(tmp_path, *common, "--out", str(tmp_path / "c.csv"), "--model", str(tmp_path / "broken.json"))
    assert code == 2 and "broken.json" in output and not (tmp_path / "c.csv").exists()
