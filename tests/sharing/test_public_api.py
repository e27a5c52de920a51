"""The exported names of the sharing and linkage packages are pinned: changing them is a decision."""

import carepool.linkage as linkage
import carepool.sharing as sharing


def test_sharing_exports() -> None:
    assert sorted(sharing.__all__) == [
        "Agreement", "AuditEntry", "Objection", "ObjectionRegistry", "PseudonymKey", "Purpose",
        "SuppressedTable", "authorise_share", "check_column", "check_receipt", "check_share", "filter_rows",
        "is_valid",
        "next_entry", "normalise", "parse_purpose", "pseudonym", "pseudonymise_rows", "reidentify",
        "suppress", "verify",
    ]
    assert all(hasattr(sharing, name) for name in sharing.__all__)


def test_linkage_exports() -> None:
    assert sorted(linkage.__all__) == [
        "Accuracy", "FieldMapping", "FieldPair", "LinkageResult", "LinkedFiles", "Model", "QualityReport",
        "Thresholds", "Training", "build", "link_files", "link_frames", "load_model",
    ]
    assert all(hasattr(linkage, name) for name in linkage.__all__)
