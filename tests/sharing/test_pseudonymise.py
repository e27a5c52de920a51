import pytest

from carepool.errors import InputError, PermissionDenied
from carepool.sharing.pseudonymise import PseudonymKey, pseudonym, pseudonymise_rows, reidentify

KEY = PseudonymKey("DSA-EVAL", "RR8", b"k" * 32)


def test_same_person_same_pseudonym_within_an_agreement_different_across() -> None:
    other = PseudonymKey("DSA-OTHER", "RR8", b"k" * 32)
    assert pseudonym("943 476 5919", KEY) == pseudonym("9434765919", KEY)
    assert pseudonym("9434765919", KEY) != pseudonym("9434765919", other)
    assert pseudonym("9434765919", KEY) != pseudonym("9434765870", KEY)
    assert "9434765919" not in pseudonym("9434765919", KEY)


def test_the_key_never_appears_in_outputs() -> None:
    secret = PseudonymKey.new("DSA-EVAL", "RR8")
    rows = pseudonymise_rows([{"nhs_number": "9434765919", "name": "Ann", "cost": "10"}], "nhs_number", secret,
                             drop=["name"])
    assert rows == [{"nhs_number": pseudonym("9434765919", secret), "cost": "10"}]
    assert secret.secret.hex() not in repr(secret) and "***" in repr(secret)
    assert secret.secret.hex() not in str(rows)


def test_only_the_controller_reidentifies() -> None:
    p = pseudonym("9434765919", KEY)
    assert reidentify([p, "ps_unknown"], ["9434765919", "9434765870"], KEY, actor="RR8") == {p: "9434765919"}
    with pytest.raises(PermissionDenied):
        reidentify([p], ["9434765919"], KEY, actor="00C")


def test_short_keys_are_refused() -> None:
    with pytest.raises(InputError):
        PseudonymKey("A", "RR8", b"short")
