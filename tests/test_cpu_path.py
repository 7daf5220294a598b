"""The llama.cpp CPU path follows the CPU's flags and the build's features; the override wins."""

from __future__ import annotations

from pathlib import Path

import pytest

from summariser.backends import cpu
from summariser.config import Config
from summariser.errors import ConfigError

DATA = Path(__file__).parent / "data" / "cpuinfo"
_FEATURES = "CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | AVX512 = 1 |"
AMX_BUILD = _FEATURES + " AMX_INT8 = 1 | REPACK = 1 |"
PLAIN_BUILD = _FEATURES + " REPACK = 1 |"


def flags(name: str) -> frozenset[str]:
    return cpu.cpu_flags((DATA / name).read_text())


def test_flags_are_read_from_the_first_processor() -> None:
    spr = flags("sapphire_rapids.txt")
    assert {"amx_tile", "amx_int8", "amx_bf16", "avx512f"} <= spr
    assert "bugs" not in spr and "spectre_v1" not in spr  # the next line is not flags
    assert not flags("epyc_genoa.txt") & cpu.AMX_FLAGS
    assert "asimd" in flags("arm64.txt")
    assert cpu.cpu_flags("no flags here\n") == frozenset()


def test_missing_cpuinfo_means_no_flags(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(cpu, "CPUINFO", tmp_path / "absent")
    assert cpu.cpu_flags() == frozenset()


@pytest.mark.parametrize(("cpuinfo", "build", "expected"), [
    ("sapphire_rapids.txt", AMX_BUILD, "plain"),     # the crashing combination
    ("sapphire_rapids.txt", PLAIN_BUILD, "repack"),  # built without AMX (make does this)
    ("epyc_genoa.txt", AMX_BUILD, "repack"),         # no AMX instructions to crash on
    ("epyc_genoa.txt", PLAIN_BUILD, "repack"),
    ("arm64.txt", PLAIN_BUILD, "repack"),
])
def test_auto_follows_the_cpu_and_the_build(cpuinfo: str, build: str, expected: str) -> None:
    choice = cpu.choose_path("auto", flags(cpuinfo), build)
    assert choice.path == expected
    assert choice.use_extra_bufts is (expected == "repack")
    assert choice.reason


@pytest.mark.parametrize("forced", ["repack", "plain"])
@pytest.mark.parametrize("cpuinfo", ["sapphire_rapids.txt", "epyc_genoa.txt"])
def test_the_override_wins_on_any_cpu(forced: str, cpuinfo: str) -> None:
    choice = cpu.choose_path(forced, flags(cpuinfo), AMX_BUILD)  # type: ignore[arg-type]
    assert choice.path == forced
    assert "SUMMARISER_CPU_PATH" in choice.reason


def test_setting_resolves_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARISER_CPU_PATH", "plain")
    assert Config.from_env().cpu_path == "plain"
    assert Config.from_env(cpu_path="repack").cpu_path == "repack"  # explicit beats env
    monkeypatch.setenv("SUMMARISER_CPU_PATH", "fastest")
    with pytest.raises(ConfigError):
        Config.from_env()


def test_the_kernel_family_is_in_the_cache_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    from summariser.backends.llama import llama_identity

    monkeypatch.setattr(cpu, "llama_system_info", lambda: "CPU : AVX = 1 | AVX2 = 1 | REPACK = 1 |")
    avx2 = llama_identity(Config(cpu_path="repack"))[2]
    monkeypatch.setattr(cpu, "llama_system_info", lambda: "CPU : AVX2 = 1 | AVX512 = 1 | REPACK = 1 |")
    avx512 = llama_identity(Config(cpu_path="repack"))[2]
    assert (avx2["cpu_kernels"], avx512["cpu_kernels"]) == ("avx2", "avx512")


def test_the_resolved_path_is_in_the_cache_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    from summariser.backends.llama import llama_identity

    cpu.resolve.cache_clear()
    try:
        plain = llama_identity(Config(cpu_path="plain"))[2]
        repack = llama_identity(Config(cpu_path="repack"))[2]
    finally:
        cpu.resolve.cache_clear()
    assert plain["cpu_path"] == "plain" and repack["cpu_path"] == "repack"
    assert {k: v for k, v in plain.items() if k != "cpu_path"} == \
        {k: v for k, v in repack.items() if k != "cpu_path"}
