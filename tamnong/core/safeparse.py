"""Parsing YAML and JSON that a person handed in (an upload, a file on the command line).

A document nested thousands of levels deep (`[[[[…`) makes the C YAML loader overflow the stack
and kill the process (the web worker with it), and the Python loaders raise `RecursionError`
(a "bug" to every handler). Here such a document is an input error like any other syntax error:
`yaml.YAMLError` / `ValueError` with a Vietnamese message. Bundled data files may keep the fast
C loader; what comes from outside goes through these functions.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from django.utils.translation import gettext as _


class TooDeep(yaml.YAMLError, ValueError):
    """A document nested deeper than a person's file ever is."""

    def __init__(self) -> None:
        super().__init__(_("Tài liệu lồng nhau quá sâu (quá nhiều cấp [ ] hoặc { })."))


def yaml_load(text: str | bytes) -> Any:
    """`yaml.safe_load` with the pure-Python loader (bounded by Python's recursion limit, never a
    crash of the process); too deep a document raises `TooDeep`, a `yaml.YAMLError`."""
    try:
        return yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506 - a safe loader
    except RecursionError:
        raise TooDeep() from None


def json_loads(text: str | bytes) -> Any:
    """`json.loads`; too deep a document raises `TooDeep`, a `ValueError`."""
    try:
        return json.loads(text)
    except RecursionError:
        raise TooDeep() from None
