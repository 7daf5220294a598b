"""The brief cache (diskcache): a hit returns the same brief and costs no model call.

Key = backend + model + sampling parameters + prompt-template hash + schema hash + strategy +
pipeline revision + hash of the normalised article text. Every part that can change the answer is
in the key, so a changed prompt, schema, model, temperature or pipeline code misses instead of
serving a stale brief.

The same store also keeps each model *call*'s answer (key = backend + model + sampling + the exact
messages + response schema + output cap). A code-only change to the pipeline then re-assembles
briefs from the answers already paid for instead of asking the model again; a changed prompt,
schema or model changes the messages and misses. The API key
is never part of a key or a value. A corrupted or deleted cache directory is rebuilt, never fatal.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import shutil
import threading
import unicodedata
from pathlib import Path
from typing import Any

from summariser.schemas.brief import Brief

log = logging.getLogger(__name__)


@functools.cache
def schema_hash() -> str:
    # Cached: generating the Brief JSON schema costs ~20 ms, and every summarise() asks twice.
    schema = json.dumps(Brief.model_json_schema(), sort_keys=True).encode()
    return hashlib.sha256(schema).hexdigest()[:16]


def normalise_article(text: str) -> str:
    """What the cache treats as "the same article": NFC, unified newlines, trimmed lines."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.strip() for line in text.strip().split("\n"))


def cache_key(*, backend: str, model: str, sampling: dict[str, Any], prompt_hash: str,
              schema: str, strategy: str, article: str, pipeline: str = "") -> str:
    parts = {
        "backend": backend, "model": model, "sampling": sampling, "prompt": prompt_hash,
        "schema": schema, "strategy": strategy, "pipeline": pipeline,
        "article": hashlib.sha256(normalise_article(article).encode()).hexdigest(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def call_key(*, backend: str, model: str, sampling: dict[str, Any], messages: list[dict[str, str]],
             response_schema: dict[str, Any], max_tokens: int) -> str:
    parts = {"call": 1, "backend": backend, "model": model, "sampling": sampling,
             "messages": messages, "schema": response_schema, "max_tokens": max_tokens}
    return "call:" + hashlib.sha256(
        json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


class BriefCache:
    """Size-bounded on-disk cache of briefs (as JSON), safe across threads and processes."""

    def __init__(self, directory: Path, size_limit: int):
        self.directory = Path(directory)
        self.size_limit = size_limit
        self._lock = threading.Lock()
        self._cache = self._open()
        self._db = self._db_identity()

    def _open(self) -> Any:
        import diskcache

        try:
            return diskcache.Cache(str(self.directory), size_limit=self.size_limit)
        except Exception as exc:  # corrupted sqlite file or unreadable directory
            log.warning("cache at %s unusable (%s); starting a fresh one", self.directory, exc)
            shutil.rmtree(self.directory, ignore_errors=True)
            return diskcache.Cache(str(self.directory), size_limit=self.size_limit)

    def _db_identity(self) -> tuple[int, int] | None:
        try:
            st = (self.directory / "cache.db").stat()
        except OSError:
            return None
        return st.st_dev, st.st_ino

    def _reopen(self, seen: tuple[int, int] | None) -> None:
        with self._lock:  # one thread rebuilds; the others then see the new database
            if self._db == seen:
                self._cache = self._open()
                self._db = self._db_identity()

    def _check_directory(self) -> None:
        # A directory deleted (or rebuilt by another process) under an open cache keeps
        # "working" on the unlinked files and silently loses every later write: notice that the
        # database on disk is no longer the one open, and open the one that should be there.
        seen = self._db
        if self._db_identity() != seen:
            log.warning("cache database in %s was deleted or replaced; reopening", self.directory)
            self._reopen(seen)

    def get(self, key: str) -> Brief | None:
        self._check_directory()
        try:
            value = self._cache.get(key)
        except Exception as exc:  # deleted under us or corrupted: a miss, then heal
            log.warning("cache read failed (%s); reopening", exc)
            self._reopen(self._db)
            return None
        if value is None:
            return None
        try:
            return Brief.model_validate_json(value)
        except ValueError:
            return None

    def set(self, key: str, brief: Brief) -> None:
        self._check_directory()
        try:
            self._cache.set(key, brief.model_dump_json())
        except Exception as exc:
            log.warning("cache write failed (%s); reopening", exc)
            self._reopen(self._db)

    def get_answer(self, key: str) -> dict[str, Any] | None:
        """A stored model answer ({"parsed": JSON text, "truncated": bool}) or None."""
        self._check_directory()
        try:
            value = self._cache.get(key)
        except Exception as exc:
            log.warning("cache read failed (%s); reopening", exc)
            self._reopen(self._db)
            return None
        try:
            answer = json.loads(value) if value is not None else None
        except ValueError:
            return None
        return answer if isinstance(answer, dict) and "parsed" in answer else None

    def set_answer(self, key: str, parsed: str, truncated: bool) -> None:
        self._check_directory()
        try:
            self._cache.set(key, json.dumps({"parsed": parsed, "truncated": truncated}))
        except Exception as exc:
            log.warning("cache write failed (%s); reopening", exc)
            self._reopen(self._db)

    def stats(self) -> dict[str, Any]:
        answers = sum(1 for key in self._cache.iterkeys() if str(key).startswith("call:"))
        return {"directory": str(self.directory), "entries": len(self._cache) - answers,
                "model_answers": answers,
                "size_bytes": self._cache.volume(), "size_limit_bytes": self.size_limit}

    def clear(self) -> tuple[int, int]:
        """Empty the cache; (briefs, model answers) removed."""
        stats = self.stats()
        self._cache.clear()
        return stats["entries"], stats["model_answers"]

    def close(self) -> None:
        self._cache.close()
