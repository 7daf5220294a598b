"""Which llama.cpp CPU code path is safe on this machine, decided from what the CPU reports.

llama.cpp built from source on an Intel CPU with AMX (Sapphire Rapids and later) moves the Q4_K
weights into its AMX buffer type at load time, and its AMX matmul then segfaults in
llama_decode (upstream "segfault in ggml_backend_amx_mul_mat"). Loading with the extra buffer
types switched off (`use_extra_bufts = False`) avoids the AMX buffer, but also the CPU repack
that makes Q4_K fast with AVX2/AVX-512. So:

* ``repack``: extra buffer types on (llama.cpp's default): fastest, safe wherever the loaded
  llama.cpp has no AMX kernels (every AMD CPU; Intel CPUs without AMX; a build made without AMX,
  which is what `make` does on an AMX machine).
* ``plain``: extra buffer types off: safe everywhere, slower (BENCHMARKS.md, question 6).
* ``auto`` (default): ``plain`` when the CPU has AMX *and* the loaded llama.cpp was built with
  AMX kernels, else ``repack``.

SUMMARISER_CPU_PATH (or Config.cpu_path) forces either path.

The widest SIMD family the loaded build computes with (`kernels`: avx512, avx2, neon, generic)
matters too: greedy tokens differ slightly between llama.cpp's AVX-512 and AVX2 kernels, so an
eval baseline is measured per path *and* kernel family (evals/README.md, "Baselines").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

CpuPath = Literal["auto", "repack", "plain"]
AMX_FLAGS = frozenset({"amx_tile", "amx_int8", "amx_bf16"})
CPUINFO = Path("/proc/cpuinfo")


def cpu_flags(cpuinfo: str | None = None) -> frozenset[str]:
    """The feature flags of the first processor in /proc/cpuinfo (x86 "flags", Arm
    "Features"); empty where the file is missing (macOS, Windows)."""
    if cpuinfo is None:
        try:
            cpuinfo = CPUINFO.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return frozenset()
    for line in cpuinfo.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() in ("flags", "features"):
            return frozenset(value.split())
    return frozenset()


def build_has_amx(system_info: str) -> bool:
    """Whether llama.cpp's system-info line says it was compiled with AMX kernels
    ("... | AMX_INT8 = 1 | ..."): only then does it create the AMX buffer type."""
    return "AMX_INT8 = 1" in system_info


# The build's system-info features, widest first, and the kernel family each one means.
KERNEL_FAMILIES = (("AVX512 = 1", "avx512"), ("AVX2 = 1", "avx2"), ("NEON = 1", "neon"))


def kernels(system_info: str) -> str:
    """The widest SIMD kernel family llama.cpp was compiled with ("avx512", "avx2", "neon"), or
    "generic"; "unknown" when llama-cpp-python is not installed (empty system info)."""
    if not system_info.strip():
        return "unknown"
    for feature, family in KERNEL_FAMILIES:
        if feature in system_info:
            return family
    return "generic"


def loaded_kernels() -> str:
    """`kernels` of the llama.cpp this process loads."""
    return kernels(llama_system_info())


@dataclass(frozen=True)
class PathChoice:
    """The path to load the model with, and why (shown by `summariser model` and in -v logs)."""

    path: Literal["repack", "plain"]
    reason: str

    @property
    def use_extra_bufts(self) -> bool:
        """The llama_model_params field this path sets."""
        return self.path == "repack"


def choose_path(setting: CpuPath, flags: frozenset[str], system_info: str) -> PathChoice:
    """Decide the CPU path; `setting` other than "auto" always wins."""
    if setting == "repack":
        return PathChoice("repack", "forced by SUMMARISER_CPU_PATH=repack")
    if setting == "plain":
        return PathChoice("plain", "forced by SUMMARISER_CPU_PATH=plain")
    cpu_amx = sorted(flags & AMX_FLAGS)
    if cpu_amx and build_has_amx(system_info):
        return PathChoice("plain", f"the CPU reports {' '.join(cpu_amx)} and this llama.cpp has AMX "
                                   "kernels, whose matmul crashes: weight repacking is off")
    if cpu_amx:
        return PathChoice("repack", "the CPU has AMX but this llama.cpp was built without it: "
                                    "the CPU repack is safe")
    return PathChoice("repack", "no AMX on this CPU: llama.cpp's CPU repack is safe")


@lru_cache(maxsize=1)
def llama_system_info() -> str:
    """llama.cpp's own line of compiled-in CPU features ("AVX2 = 1 | AMX_INT8 = 1 | ..."); empty
    when llama-cpp-python is not installed. Importing the library loads no model."""
    try:
        import llama_cpp
    except ImportError:
        return ""
    raw = llama_cpp.llama_print_system_info()
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


@lru_cache(maxsize=8)
def resolve(setting: CpuPath) -> PathChoice:
    """The path for this machine and this llama.cpp build (one decision per process)."""
    return choose_path(setting, cpu_flags(), llama_system_info())
