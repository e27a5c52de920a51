"""The version a page showed, read back from its form, so a decision binds to what the person saw.

Plan decisions (sign off, submit, assure) carry the plan's version; pool decisions (settle,
close, risk share) carry the books' version token. Both forms name it in one hidden field and
refuse the same way when it is missing.
"""

from __future__ import annotations

from starlette.datastructures import FormData

from carepool.errors import ConflictError

VERSION_FIELD = "version"      # the hidden field naming the version the page showed


def shown_version(form: FormData, *, saw: str = "version of the plan", check: str = "the plan") -> str:
    """The token in the form's version field; a clear conflict when the form has none."""
    token = form.get(VERSION_FIELD)
    if not isinstance(token, str) or not token.strip():
        raise ConflictError(f"This form did not say which {saw} you saw, so nothing was done. "
                            f"Reload the page, check {check}, then try again.")
    return token.strip()
