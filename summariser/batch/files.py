"""Durable files of a batch output folder: JSON lines appended with one write and an fsync,
read back with repair of a torn last line, written atomically, and the folder lock."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from summariser.errors import SummariserError

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

BRIEFS_FILE = "briefs.jsonl"
ERRORS_FILE = "errors.jsonl"
REPORT_JSON = "report.json"
REPORT_MD = "report.md"
LOCK_FILE = ".batch.lock"


class BatchLocked(SummariserError):
    """Another batch run is writing to the same output folder."""



# ----------------------------------------------------------------------------------------------
# JSON lines on disk


def dumps_line(obj: dict[str, Any]) -> bytes:
    """One JSON line. U+2028/U+2029 are escaped: some JSONL readers split lines on them.

    A lone surrogate (a feed line's ``"\\ud800"`` escape, or model output) cannot be UTF-8; it
    is written as its JSON escape, which reads back as the same string, instead of crashing the
    run (and every re-run) on that one article.
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return _utf8(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n")


def _utf8(text: str) -> bytes:
    # Only lone surrogates fail to encode, and they only occur inside JSON strings, where
    # backslashreplace's "\\udXXX" is exactly their JSON escape.
    return text.encode("utf-8", errors="backslashreplace")


@dataclass
class Repairs:
    partial_lines_dropped: int = 0
    corrupt_lines: int = 0


def iter_jsonl(path: Path, *, repair: bool = False, repairs: Repairs | None = None
               ) -> Iterator[dict[str, Any]]:
    """Yield the JSON objects of a JSONL output file, tolerating damage from a crash.

    A trailing line without its newline is an interrupted write: it is skipped and, with
    ``repair``, truncated away so the next append starts on a fresh line. Unreadable complete
    lines are counted in ``repairs`` and skipped.
    """
    repairs = repairs if repairs is not None else Repairs()
    if not path.exists():
        return
    good_end = 0
    partial = False
    with open(path, "rb") as fh:
        for raw in fh:
            if not raw.endswith(b"\n"):
                partial = True
                break
            good_end += len(raw)
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except ValueError:
                repairs.corrupt_lines += 1
                continue
            if isinstance(obj, dict) and isinstance(obj.get("id"), str):
                yield obj
            else:
                repairs.corrupt_lines += 1
    if partial:
        repairs.partial_lines_dropped += 1
        if repair:
            log.warning("%s: dropping a partial last line left by an interrupted run", path)
            os.truncate(path, good_end)


class _LineAppender:
    """Appends whole lines: one os.write on an O_APPEND descriptor, then fsync."""

    def __init__(self, path: Path):
        flags = (os.O_WRONLY | os.O_APPEND | os.O_CREAT
                 | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0))
        self.fd = os.open(path, flags, 0o644)

    def append(self, obj: dict[str, Any]) -> None:
        data = dumps_line(obj)
        written = os.write(self.fd, data)
        # A regular-file write is whole in practice; finish a short one rather than corrupt.
        while written < len(data):
            written += os.write(self.fd, data[written:])
        os.fsync(self.fd)

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def _write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so readers see the old or the new file, never half."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable (POSIX)
        dfd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


class _FolderLock:
    """An exclusive, non-blocking lock on the output folder (POSIX flock; no-op elsewhere)."""

    def __init__(self, out_dir: Path):
        self.path = out_dir / LOCK_FILE
        self.fh: IO[bytes] | None = None

    def __enter__(self) -> _FolderLock:
        try:
            import fcntl
        except ImportError:  # Windows: no flock; overlapping runs are the operator's concern
            return self
        self.fh = open(self.path, "ab")
        try:
            fcntl.flock(self.fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            self.fh.close()
            self.fh = None
            raise BatchLocked(
                f"another batch run is writing to {self.path.parent}; wait for it to finish "
                "(or give a different --out)"
            ) from exc
        return self

    def __exit__(self, *exc: object) -> None:
        # The lock file stays: deleting it would let a third run lock a different inode.
        if self.fh is not None:
            self.fh.close()


