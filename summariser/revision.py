"""The pipeline revision in the brief cache key: a hash of the code and data that turn the model's
answers into a brief.

It used to be a counter bumped by hand after each rule change, and a forgotten bump served stale
briefs. Now any edit to a module that shapes a brief, or to a lexicon file, changes the key by
itself: cached briefs are re-assembled from the model answers already paid for (the answer cache
is keyed on the exact request, so no model call is repeated).

Left out, because they do not change what a brief says: the command line, the batch runner and
its reports, the input readers (inputs.py, html.py: what they make of a file is the article text,
which is its own part of the key), the eval harness, the test helpers and the backends (whose
identity - model, sampling, CPU path - is its own part of the key).
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_NOT_BRIEF_CODE = ("cli.py", "batch_command.py", "render.py", "weights.py", "inputs.py", "html.py")
_NOT_BRIEF_DIRS = ("evaluation", "testing", "backends", "batch", "__pycache__")


def brief_sources(package: Path = _PACKAGE) -> list[Path]:
    """The files whose content the revision covers, in a fixed order."""
    out = []
    for path in sorted(package.rglob("*")):
        rel = path.relative_to(package)
        if not path.is_file() or rel.parts[0] in _NOT_BRIEF_DIRS or "__pycache__" in rel.parts:
            continue
        if path.suffix == ".py" and not (len(rel.parts) == 1 and rel.name in _NOT_BRIEF_CODE):
            out.append(path)
        elif path.suffix == ".toml" and rel.parts[0] == "lexicon":
            out.append(path)
    return out


def revision_of(package: Path) -> str:
    digest = hashlib.sha256()
    for path in brief_sources(package):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@functools.cache
def pipeline_revision() -> str:
    """This installation's revision (read once per process)."""
    return revision_of(_PACKAGE)
