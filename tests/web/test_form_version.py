"""Plan and pool decision forms read the version they showed the same way (web/form_version.py)."""

from __future__ import annotations

import pytest
from starlette.datastructures import FormData

from carepool.errors import ConflictError
from carepool.web import pool_forms
from carepool.web.form_version import VERSION_FIELD, shown_version


def test_the_token_is_read_trimmed_from_the_one_hidden_field() -> None:
    assert shown_version(FormData([(VERSION_FIELD, "  v7:abc ")])) == "v7:abc"
    assert pool_forms.shown_version(FormData([(VERSION_FIELD, "books-42")])) == "books-42"


@pytest.mark.parametrize(("read", "says"), [
    (shown_version, "which version of the plan you saw"),
    (pool_forms.shown_version, "which state of the books you saw"),
])
def test_a_form_without_it_is_a_conflict_saying_what_to_do(read, says: str) -> None:  # type: ignore[no-untyped-def]
    for form in (FormData([]), FormData([(VERSION_FIELD, "   ")])):
        with pytest.raises(ConflictError, match=says) as refused:
            read(form)
        assert "nothing was done" in str(refused.value) and "Reload the page" in str(refused.value)
