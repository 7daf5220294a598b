"""Reading batch inputs: a folder of article files or a JSONL feed, one record per input.

Every entry of the input becomes exactly one record, in a deterministic order:

* an :class:`Article` that can be briefed, or
* an :class:`InputProblem` saying why it cannot (not JSON, no ``text``, empty, binary, invalid
  UTF-8, duplicate id ...).

Nothing is silently skipped. The only entries that yield no record are ones that are not articles
at all — files with other extensions, hidden files, blank JSONL lines — and the source counts
those in :attr:`InputSource.ignored` so the run report can show them.

Record ids are unique within one reading of a source, and the same input always produces the same
ids, which is what lets the batch runner resume. Ids are data (they go inside JSON lines); nothing
here or in the runner ever turns an id into a path.

    source = open_source(Path("articles/"))
    for record in source:
        ...
"""

from __future__ import annotations

import email.utils
import json
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summariser.errors import InputError

ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".html", ".htm"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
FEED_SUFFIXES = frozenset({".jsonl", ".ndjson"})

# How many example paths of ignored entries to keep: a folder may hold millions of images.
_IGNORED_EXAMPLES = 20


@dataclass(frozen=True)
class Article:
    """One input that can be briefed. ``source`` says where it came from (path or feed line)."""

    id: str
    text: str
    url: str | None = None
    published: str | None = None
    title: str | None = None
    source: str = ""


@dataclass(frozen=True)
class InputProblem:
    """One input that cannot be briefed as given; becomes an error record, never a brief.

    ``id`` is the article id where one could be read (or derived), otherwise a line reference
    such as ``line-7``; it is unique within the run like any article id. ``duplicate_of`` names
    the id a duplicate entry repeated.
    """

    id: str
    error_class: str
    message: str
    source: str = ""
    duplicate_of: str | None = None
    url: str | None = None
    title: str | None = None
    published: str | None = None


Record = Article | InputProblem


@dataclass
class Ignored:
    """Entries that are not articles at all (other file types, blank lines): counted, not read."""

    count: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, what: str) -> None:
        self.count += 1
        if len(self.examples) < _IGNORED_EXAMPLES:
            self.examples.append(what)


class InputSource:
    """Base for the two input kinds; iterate it to get records, in a stable order."""

    kind: str = ""

    def __init__(self, path: Path):
        self.path = path
        self.ignored = Ignored()

    def __iter__(self) -> Iterator[Record]:
        self.ignored = Ignored()
        return self._records(_IdRegistry())

    def _records(self, ids: _IdRegistry) -> Iterator[Record]:  # pragma: no cover - abstract
        raise NotImplementedError

    def count(self) -> int:
        """Number of entries that will be yielded (for progress/ETA); cheap, reads no article."""
        raise NotImplementedError  # pragma: no cover - abstract


def open_source(path: Path, *, exclude: Path | None = None) -> InputSource:
    """Return the right reader for ``path``: a folder of articles or a .jsonl/.ndjson feed.

    ``exclude`` is a folder never read as input (the batch output folder, which holds report.md).
    Raises InputError when the path does not exist or is neither kind; checked now, not lazily
    on first iteration, so a CLI can turn it into a usage error before doing any work.
    """
    path = Path(path)
    if path.is_dir():
        if exclude is not None and path.resolve() == exclude.resolve():
            raise InputError(f"{path} is also the output folder; keep articles and output apart.")
        return FolderSource(path, exclude=exclude)
    if path.is_file():
        if path.suffix.lower() in FEED_SUFFIXES:
            return JsonlSource(path)
        raise InputError(
            f"{path} is a file but not a JSONL feed (.jsonl/.ndjson); give a folder of articles "
            "(.txt, .md, .html, .htm) or a JSONL feed."
        )
    raise InputError(f"{path} does not exist; give a folder of articles or a JSONL feed.")


# ----------------------------------------------------------------------------------------------
# ids


_UNSAFE_ID_CHARS = re.compile(r"[^\w.\-]+")


def sanitise_id(relative: str) -> str:
    """Turn a relative path (extension already removed) into a tidy, portable article id.

    Keeps ``/`` between folder levels, replaces anything but letters, digits, ``_ . -`` with
    ``_``, strips leading dots (no ``..`` or hidden parts) and drops empty parts.
    """
    parts = []
    for part in relative.replace("\\", "/").split("/"):
        part = unicodedata.normalize("NFC", part)
        part = _UNSAFE_ID_CHARS.sub("_", part).lstrip(".")
        if part:
            parts.append(part)
    return "/".join(parts) or "article"


class _IdRegistry:
    """Hands out ids unique within one reading, so every record has its own key downstream."""

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}

    def first_seen(self, id_: str) -> str | None:
        return self._seen.get(id_)

    def claim(self, wanted: str, where: str) -> str:
        """Register ``wanted`` (or, if taken, a derived ``wanted@where`` variant) and return it."""
        candidate = wanted
        n = 1
        while candidate in self._seen:
            n += 1
            candidate = f"{wanted}@{where}" if n == 2 else f"{wanted}@{where}#{n - 1}"
        self._seen[candidate] = where
        return candidate


# ----------------------------------------------------------------------------------------------
# article text


def _text_helpers() -> tuple[Any, Any]:
    # Imported lazily: summariser.text and summariser.html are developed separately and must not
    # be needed just to import this module (or to read a JSONL feed's structure).
    from summariser import html, text

    return text, html


def prepare_text(data: bytes, *, html: bool) -> str:
    """Decode article bytes and strip HTML when the file is HTML or its content looks like it.

    Raises InputError (from summariser.text) for binary or non-UTF-8 data, and for text that is
    empty once decoded.
    """
    text_helpers, html_helpers = _text_helpers()
    text = text_helpers.decode_article(data)
    if html or html_helpers.looks_like_html(text):
        text = html_helpers.html_to_text(text)
    if not text.strip():
        raise InputError("empty text: the article has no readable text")
    return text


def published_day(published: str | None) -> str | None:
    """The calendar day (YYYY-MM-DD) of a ``published`` value, or None when it cannot be read.

    Accepts ISO 8601 dates/datetimes and RFC 2822 dates (RSS feeds). The day is the one written
    in the value (no timezone conversion): it is what the source called the date.
    """
    if not published or not isinstance(published, str):
        return None
    value = published.strip()
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    if m:
        return m.group(0)
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.date().isoformat() if parsed else None


# ----------------------------------------------------------------------------------------------
# folder


class FolderSource(InputSource):
    """A folder (searched recursively) of .txt, .md, .html and .htm files, sorted by path.

    The id of each file is its path relative to the folder, without the extension, sanitised.
    Two files that map to the same id (``a.txt`` and ``a.md``) are a duplicate: the second one
    in sort order becomes an InputProblem.
    """

    kind = "folder"

    def __init__(self, path: Path, *, exclude: Path | None = None):
        super().__init__(path)
        self.exclude = exclude.resolve() if exclude is not None else None
        self._files: list[tuple[str, Path]] | None = None

    def _list(self) -> list[tuple[str, Path]]:
        if self._files is not None:
            return self._files
        files: list[tuple[str, Path]] = []
        self.ignored = Ignored()
        for dirpath, dirnames, filenames in os.walk(self.path, followlinks=False):
            here = Path(dirpath)
            keep = []
            for d in dirnames:
                if d.startswith(".") or (self.exclude is not None
                                         and (here / d).resolve() == self.exclude):
                    self.ignored.add(os.path.relpath(here / d, self.path) + "/")
                else:
                    keep.append(d)
            dirnames[:] = keep  # os.walk descends only into what is left here
            for name in filenames:
                full = here / name
                rel = Path(os.path.relpath(full, self.path)).as_posix()
                if name.startswith(".") or full.suffix.lower() not in ARTICLE_SUFFIXES:
                    self.ignored.add(rel)
                else:
                    files.append((rel, full))
        files.sort(key=lambda item: item[0])
        self._files = files
        return files

    def count(self) -> int:
        return len(self._list())

    def __iter__(self) -> Iterator[Record]:
        # The listing (done once, possibly already by count()) is what fills `ignored`.
        self._list()
        return self._records(_IdRegistry())

    def _records(self, ids: _IdRegistry) -> Iterator[Record]:
        for rel, full in self._list():
            wanted = sanitise_id(rel.rsplit(".", 1)[0])
            first = ids.first_seen(wanted)
            key = ids.claim(wanted, rel)
            if first is not None:
                yield InputProblem(
                    key, "InputError",
                    f"duplicate id {wanted!r}: {rel} maps to the same id as {first}; rename one "
                    "of the files",
                    source=rel, duplicate_of=wanted,
                )
                continue
            try:
                data = full.read_bytes()
            except OSError as exc:
                yield InputProblem(key, type(exc).__name__, f"cannot read {rel}: {exc}", source=rel)
                continue
            try:
                text = prepare_text(data, html=full.suffix.lower() in HTML_SUFFIXES)
            except Exception as exc:  # any failure to read one file is that file's problem
                yield InputProblem(key, type(exc).__name__, f"{rel}: {exc}", source=rel)
                continue
            yield Article(key, text, source=rel)


# ----------------------------------------------------------------------------------------------
# JSONL feed


def _optional_str(obj: dict[str, Any], name: str) -> str | None:
    value = obj.get(name)
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


class JsonlSource(InputSource):
    """A JSONL feed: one JSON object per line with ``text`` and optional ``id``, ``url``,
    ``published`` and ``title``.

    A line without a usable ``id`` gets ``line-N`` (N counted from 1). A repeated id makes the
    later line an InputProblem whose own id is ``<id>@line-N`` (so it never collides with the
    first occurrence's record). Blank lines are ignored (and counted).
    """

    kind = "jsonl"

    def count(self) -> int:
        n = 0
        last = b"\n"
        with open(self.path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                n += chunk.count(b"\n")
                last = chunk[-1:]
        # A last line without a newline is still a line; blank ones are included (estimate).
        return n + (0 if last == b"\n" else 1)

    def _records(self, ids: _IdRegistry) -> Iterator[Record]:
        with open(self.path, "rb") as fh:
            # Binary iteration splits on b"\n" only, unlike str.splitlines(), which would also
            # split on U+2028 and friends inside JSON strings.
            for lineno, raw in enumerate(fh, start=1):
                record = self._line(ids, lineno, raw)
                if record is not None:
                    yield record

    def _line(self, ids: _IdRegistry, lineno: int, raw: bytes) -> Record | None:
        where = f"line-{lineno}"
        source = f"{self.path.name}:{lineno}"
        raw = raw.rstrip(b"\r\n")
        if not raw.strip():
            self.ignored.add(f"{source} (blank line)")
            return None
        try:
            # A byte-order mark opens many feeds exported on Windows: it is not part of the JSON.
            line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            return InputProblem(ids.claim(where, where), "InputError",
                                f"line {lineno} is not valid UTF-8 ({exc.reason} at byte "
                                f"{exc.start})", source=source)
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            return InputProblem(ids.claim(where, where), "InputError",
                                f"line {lineno} is not valid JSON: {exc.msg} (column {exc.colno})",
                                source=source)
        if not isinstance(obj, dict):
            return InputProblem(ids.claim(where, where), "InputError",
                                f"line {lineno} is JSON but not an object "
                                f"({type(obj).__name__})", source=source)

        raw_id = obj.get("id")
        if raw_id is None or raw_id == "":
            wanted = where
        elif isinstance(raw_id, str):
            wanted = raw_id
        elif isinstance(raw_id, int) and not isinstance(raw_id, bool):
            wanted = str(raw_id)  # numeric ids are common in exports; keep them as strings
        else:
            return InputProblem(ids.claim(where, where), "InputError",
                                f"line {lineno}: id must be a string or an integer, not "
                                f"{type(raw_id).__name__}", source=source)

        meta = {name: _optional_str(obj, name) for name in ("url", "title", "published")}
        first = ids.first_seen(wanted)
        key = ids.claim(wanted, where)
        if first is not None:
            return InputProblem(key, "InputError",
                                f"duplicate id {wanted!r} (first at {first}); this line was not "
                                "briefed", source=source, duplicate_of=wanted, **meta)

        def problem(message: str, error_class: str = "InputError") -> InputProblem:
            return InputProblem(key, error_class, f"line {lineno}: {message}", source=source,
                                **meta)

        if "text" not in obj:
            return problem("no 'text' field")
        text = obj["text"]
        if not isinstance(text, str):
            return problem(f"'text' must be a string, not {type(text).__name__}")
        if not text.strip():
            return problem("empty text")
        try:
            # Same checks as files (NUL bytes, binary junk): one definition of "readable text".
            data = text.encode("utf-8")
        except UnicodeEncodeError:
            return problem("'text' contains unpaired surrogate escapes (not valid Unicode)")
        try:
            text = prepare_text(data, html=False)
        except Exception as exc:  # any failure to read one line is that line's problem
            return problem(str(exc), type(exc).__name__)
        return Article(key, text, source=source, **meta)
