"""Loading skops artifacts with walkaway's own allow-list of types.

skops never unpickles, but it trusts many scikit-learn types by default. A model file that
walkaway loads (shipped or user-supplied) must contain *only* the types the caller lists:
every node of the file's schema is checked before anything is constructed.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from walkaway.errors import ModelError

# Plain containers and numbers every artifact is made of.
BASIC_TYPES: frozenset[str] = frozenset(
    {
        "builtins.dict",
        "builtins.list",
        "builtins.tuple",
        "builtins.str",
        "builtins.int",
        "builtins.float",
        "builtins.bool",
        "builtins.NoneType",
        "builtins.slice",
        "numpy.ndarray",
        "numpy.dtype",
        "numpy.float32",
        "numpy.float64",
        "numpy.int32",
        "numpy.int64",
        "numpy.bool_",
    }
)


def types_in(path: Path) -> set[str]:
    """Every ``module.Class`` named in a skops file's schema."""
    try:
        with zipfile.ZipFile(path) as archive:
            schema = json.loads(archive.read("schema.json"))
    except (OSError, KeyError, zipfile.BadZipFile, json.JSONDecodeError) as error:
        raise ModelError(f"{path} is not a skops model file ({error})") from error
    found: set[str] = set()
    stack: list[Any] = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "__class__" in node:
                found.add(f"{node.get('__module__', '')}.{node['__class__']}")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def load_skops(path: str | Path, allowed: Iterable[str]) -> Any:
    """Load a skops file if and only if every type in it is allowed."""
    path = Path(path)
    allowed_set = BASIC_TYPES | set(allowed)
    untrusted = sorted(types_in(path) - allowed_set)
    if untrusted:
        raise ModelError(f"{path} contains types walkaway does not trust: {untrusted}")
    import skops.io as sio

    try:
        return sio.load(path, trusted=sorted(allowed_set))
    except Exception as error:  # a damaged archive fails in many ways inside skops
        raise ModelError(
            f"{path} is a damaged skops file ({type(error).__name__}: {error})"
        ) from error
