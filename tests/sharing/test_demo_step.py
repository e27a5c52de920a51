"""The sharing demo step: linkage quality numbers and a real MESH round trip without the objector."""

from pathlib import Path

from carepool.demo.sharing_step import run_demo_step


def test_demo_links_and_shares_through_a_local_sandbox(tmp_path: Path) -> None:
    said: list[str] = []
    result = run_demo_step(tmp_path, seed=2, progress=said.append)
    accuracy = result["linkage"]["accuracy"]
    assert accuracy["f1"] >= 0.97 and accuracy["precision"] >= 0.98
    assert result["invalid_nhs_numbers_reported"] > 0
    mesh = result["mesh"]
    assert mesh["sent"] is True, mesh
    assert mesh["withheld_objectors"] == 1 and mesh["objector_in_output"] is False
    assert mesh["checksum_verified"] is True and mesh["chunks"] > 1
    assert (tmp_path / "links.csv").is_file()
    assert any("MESH sandbox" in line for line in said)
    published = result["published"]
    shown = [v for row in published["cells"] for v in row if v is not None]
    assert all(v == 0 or v >= 8 for v in shown)
    assert published["primary_suppressed"] > 0 and published["secondary_suppressed"] > 0
