"""Shared fixtures: an isolated user directory for every test, a fake backend, no real model.

Every test gets its own SUMMARISER_CACHE_DIR (and, unless marked `integration`, its own
SUMMARISER_HOME) in a temporary directory, and none of the environment variables that pick a
backend, so no test reads or writes the user's cache or reaches a real endpoint by accident.
Outside tests marked `integration`, loading the embedded model (or assembling its weights) fails
loudly instead of quietly taking a minute and a gigabyte.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests/helpers.py, whatever the import mode

from helpers import RecordingFake, responder_for  # noqa: E402

from summariser import core  # noqa: E402
from summariser.backends import llama  # noqa: E402

_ENV = ("SUMMARISER_BACKEND", "SUMMARISER_MODEL", "SUMMARISER_MODEL_PATH", "SUMMARISER_STRATEGY",
        "OPENAI_API_KEY", "OPENAI_BASE_URL", "SUMMARISER_CPU_PATH", "SUMMARISER_LLAMA_ISOLATION")


@pytest.fixture(autouse=True)
def _isolated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
              monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)
    # Not under tmp_path: tests that list their tmp_path must not find a stray directory there.
    home = tmp_path_factory.mktemp("summariser-home")
    monkeypatch.setenv("SUMMARISER_CACHE_DIR", str(home / "cache"))
    monkeypatch.setattr(core, "_BACKENDS", {})
    core._cache_for.cache_clear()
    if request.node.get_closest_marker("integration") is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
        monkeypatch.setenv("SUMMARISER_HOME", str(home))

        def no_model(*args: object, **kwargs: object) -> None:
            raise AssertionError("a unit test tried to load the embedded model; pass a FakeBackend "
                                 "or mark the test @pytest.mark.integration")

        monkeypatch.setattr(llama, "_model", no_model)
        monkeypatch.setattr(llama, "resolve_model_path", no_model)
    # Integration tests keep the user directory for the assembled weights (assembling 1.6 GB
    # again per run would dominate them) but still never read or write the user's brief cache.
    yield
    core._cache_for.cache_clear()


@pytest.fixture
def fake() -> RecordingFake:
    """A fake model that answers the overview and every figure question about helpers.ARTICLE."""
    return RecordingFake(responder=responder_for())


@pytest.fixture
def user_home() -> Path:
    """This test's SUMMARISER_HOME (assembled weights go below it)."""
    return Path(os.environ["SUMMARISER_HOME"])


@pytest.fixture
def cache_dir() -> Path:
    """The brief cache directory every test uses (set through SUMMARISER_CACHE_DIR)."""
    return Path(os.environ["SUMMARISER_CACHE_DIR"])
