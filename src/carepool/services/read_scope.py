"""Reads asked several times while one page is made are answered once.

Making one page asks the store the same questions more than once: the store's version for each
cached view it shows, the years that have plans for the year choice and for the default year.
Each is a round trip, which is what a request costs most on PostgreSQL. Within one read-only
request the answers cannot usefully change, so the web opens a ``read_scope`` around every GET
and services answer such questions through ``once``. Outside a scope (the CLI, the demo, a
request that writes) ``once`` simply reads, so nothing that writes ever sees an answer from
before its own write.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar, cast

T = TypeVar("T")

_answers: ContextVar[dict[Hashable, object] | None] = ContextVar("carepool_read_scope", default=None)


@contextmanager
def read_scope() -> Iterator[None]:
    """Answers given by ``once`` inside are kept until the scope ends (one request's worth)."""
    token = _answers.set({})
    try:
        yield
    finally:
        _answers.reset(token)


def once(owner: object, question: Hashable, read: Callable[[], T]) -> T:
    """``read()``, asked at most once per ``(owner, question)`` inside a read scope.

    ``owner`` is the store the question is asked of: two stores never share an answer."""
    answers = _answers.get()
    if answers is None:
        return read()
    key = (id(owner), question)
    if key in answers:
        return cast(T, answers[key])
    answer = read()
    answers[key] = answer
    return answer
