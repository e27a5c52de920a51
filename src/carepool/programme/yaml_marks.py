"""Read YAML keeping the line of every key and list item, so a finding can say where it is.

PyYAML's composer knows each node's start mark; the safe loader throws it away. These
constructors build ordinary dicts and lists that also remember the 1-based line of each key
(``key_lines``) and item (``item_lines``), and note a key written twice (YAML keeps the last).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml


class MarkedMap(dict[Any, Any]):
    """A mapping that knows its own line and the line of each of its keys."""

    line: int = 0
    key_lines: dict[Any, int]
    repeated: list[tuple[Any, int]]


class MarkedList(list[Any]):
    """A sequence that knows its own line and the line of each item."""

    line: int = 0
    item_lines: list[int]


class _MarkedLoader(yaml.SafeLoader):
    """SafeLoader whose mappings and sequences carry line numbers."""


def _mapping(loader: _MarkedLoader, node: yaml.MappingNode) -> Iterator[MarkedMap]:
    data = MarkedMap()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    data.repeated = []
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            key = str(key)
        if key in data.key_lines:
            data.repeated.append((key, key_node.start_mark.line + 1))
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = key_node.start_mark.line + 1


def _sequence(loader: _MarkedLoader, node: yaml.SequenceNode) -> Iterator[MarkedList]:
    data = MarkedList()
    data.line = node.start_mark.line + 1
    data.item_lines = [item.start_mark.line + 1 for item in node.value]
    yield data
    data.extend(loader.construct_object(item, deep=True) for item in node.value)


_MarkedLoader.add_constructor("tag:yaml.org,2002:map", _mapping)
_MarkedLoader.add_constructor("tag:yaml.org,2002:seq", _sequence)


def load_marked(text: str) -> Any:
    """Parse YAML text; mappings become ``MarkedMap`` and sequences ``MarkedList``."""
    return yaml.load(text, Loader=_MarkedLoader)  # a SafeLoader subclass


def line_of(container: Any, key: Any = None) -> int | None:
    """Line of ``key`` in a marked mapping (or item ``key`` of a list), else of the container."""
    if isinstance(container, MarkedMap):
        if key is not None and key in container.key_lines:
            return container.key_lines[key]
        return container.line or None
    if isinstance(container, MarkedList):
        if isinstance(key, int) and 0 <= key < len(container.item_lines):
            return container.item_lines[key]
        return container.line or None
    return None
