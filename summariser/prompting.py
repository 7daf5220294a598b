"""Prompt templates: Jinja2 files in prompts/ (shipped as summariser.prompts), each with a version.

Every call is built the same way so that consecutive calls share a long token prefix that the
embedded model keeps cached:  [system: fixed instructions + examples] [user: article, then task].
The system text never varies, the article comes next and only the short task at the end changes,
so for one article the article is read once and each further question costs only its own tokens.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import jinja2

from summariser.backends.base import Message

TEMPLATES = ("system", "article", "task_overview", "task_figure", "task_single")
_VERSION_RE = re.compile(r"\{#-?\s*version:\s*(\S+)\s*-?#\}")


@dataclass(frozen=True)
class PromptSet:
    sources: dict[str, str]
    versions: dict[str, str]

    @property
    def version(self) -> str:
        return "+".join(f"{name}@{self.versions[name]}" for name in TEMPLATES)

    @property
    def hash(self) -> str:
        digest = hashlib.sha256()
        for name in TEMPLATES:
            digest.update(name.encode() + b"\0" + self.sources[name].encode() + b"\0")
        return digest.hexdigest()[:16]


@cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.DictLoader({f"{k}.j2": v for k, v in load_prompts().sources.items()}),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
        autoescape=False,  # prompts are plain text for a model, not HTML
    )


@cache
def load_prompts() -> PromptSet:
    root = resources.files("summariser.prompts")
    sources = {name: (root / f"{name}.j2").read_text(encoding="utf-8") for name in TEMPLATES}
    versions = {}
    for name, src in sources.items():
        match = _VERSION_RE.search(src)
        if not match:
            raise RuntimeError(f"prompts/{name}.j2 lacks a '{{# version: N #}}' header")
        versions[name] = match.group(1)
    return PromptSet(sources=sources, versions=versions)


def render(name: str, **context: Any) -> str:
    return _env().get_template(f"{name}.j2").render(**context).strip()


def build_messages(article: str, task: str, **context: Any) -> list[Message]:
    """System instructions first, then the article, then the task: the prefix-cache order."""
    return [
        {"role": "system", "content": render("system")},
        {"role": "user", "content": render("article", article=article, task=render(task, **context))},
    ]
