"""The embedded model in a child process, so that a native crash costs one article, not the run.

llama.cpp is C++: a fault in it (the AMX matmul's segfault on some Intel CPUs, an out-of-memory
kill) ends the process it runs in. The model therefore lives in a child Python process that the
backend talks to over two pipes (length-prefixed pickles of plain data: messages, the response
schema, the raw answer, token counts). When the child dies mid-call the backend raises
ModelCrashed for the article in flight (a BackendError: one error record in a batch) and starts
a fresh child on the next call. The round trip costs well under a millisecond per call against
seconds of model time (BENCHMARKS.md, question 6).

Run as ``python -m summariser.backends.llama_process READ_FD WRITE_FD``: the child end.
"""

from __future__ import annotations

import os
import pickle
import signal
import struct
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from summariser.backends.cpu import PathChoice
from summariser.errors import BackendError, ConfigError, SummariserError

_HEADER = struct.Struct("!Q")


class ModelCrashed(BackendError):
    """The embedded model's process died while answering (a native crash or a kill)."""


def _send(stream: BinaryIO, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _recv(stream: BinaryIO) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError("pipe closed")
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("pipe closed mid-message")
    return pickle.loads(data)


@dataclass(frozen=True)
class ModelSpec:
    """What the child loads."""

    path: str
    n_ctx: int
    n_threads: int
    choice: PathChoice


def _signal_name(code: int | None) -> str:
    if code is None:
        return "still running"
    if code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            return f"signal {-code}"
    return f"exit status {code}"


class ModelProcess:
    """A child process holding one loaded model. Calls are serialised by a lock."""

    def __init__(self, spec: ModelSpec):
        self.spec = spec
        self._lock = threading.Lock()
        self.proc: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._start()

    @property
    def pid(self) -> int | None:
        """The child's process id (None before the first start)."""
        return self.proc.pid if self.proc is not None else None

    def _start(self) -> None:
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "summariser.backends.llama_process", str(to_child_r), str(from_child_w)],
            pass_fds=(to_child_r, from_child_w), stdin=subprocess.DEVNULL,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._to = os.fdopen(to_child_w, "wb")
        self._from = os.fdopen(from_child_r, "rb")
        try:
            self._roundtrip(("load", self.spec), during="loading the model")
        except BaseException:
            self._stop()  # a child that could not load its model must not linger
            raise

    def _dead(self, during: str) -> ModelCrashed:
        assert self.proc is not None
        try:
            code = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self._close_pipes()
        path = self.spec.choice.path
        hint = ("set SUMMARISER_CPU_PATH=plain to force llama.cpp's safe CPU path" if path != "plain"
                else "that is already llama.cpp's safe CPU path")
        return ModelCrashed(
            f"The embedded model's process died ({_signal_name(code)}) while {during} on the "
            f"{path!r} CPU path; {hint}.", attempts=1)

    def _close_pipes(self) -> None:
        for stream in (getattr(self, "_to", None), getattr(self, "_from", None)):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass

    def _roundtrip(self, message: tuple[Any, ...], during: str) -> Any:
        try:
            _send(self._to, message)
            reply = _recv(self._from)
        except (EOFError, BrokenPipeError, ConnectionResetError, OSError):
            raise self._dead(during) from None
        status, payload = reply
        if status == "ok":
            return payload
        cls_name, text = payload
        if cls_name == "ConfigError":
            raise ConfigError(text)
        raise BackendError(f"The embedded model failed ({cls_name}): {text}", attempts=1)

    def call(self, op: str, *args: Any, during: str = "answering") -> Any:
        """Run `op` in the child; restarts a child that died on an earlier call first."""
        with self._lock:
            if self.proc is None or self.proc.poll() is not None:
                self.restarts += 1
                self._start()
            return self._roundtrip((op, *args), during=during)

    def close(self) -> None:
        """Let the child exit (it does when its pipe closes) and reap it."""
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        if self.proc is None:
            return
        self._close_pipes()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# --- the child end -------------------------------------------------------------------------------


def _serve(read_fd: int, write_fd: int) -> int:
    from summariser.backends.llama_engine import LlamaEngine

    inbox = os.fdopen(read_fd, "rb")
    outbox = os.fdopen(write_fd, "wb")
    engine: LlamaEngine | None = None
    while True:
        try:
            message = _recv(inbox)
        except EOFError:
            break  # the parent closed the pipe or died: nothing left to answer
        op, *args = message
        try:
            if op == "load":
                spec: ModelSpec = args[0]
                engine = LlamaEngine(Path(spec.path), spec.n_ctx, spec.n_threads, spec.choice)
                result: Any = os.getpid()
            elif op == "ping":
                result = args[0] if args else None
            elif engine is None:
                raise RuntimeError("no model loaded")
            elif op == "generate":
                result = engine.generate(*args)
            elif op == "count_tokens":
                result = engine.count_tokens(*args)
            else:
                raise ValueError(f"unknown operation {op!r}")
            reply: tuple[str, Any] = ("ok", result)
        except (SummariserError, Exception) as exc:
            reply = ("error", (type(exc).__name__, str(exc)))
        try:
            _send(outbox, reply)
        except BrokenPipeError:
            break
    if engine is not None:
        engine.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(_serve(int(sys.argv[1]), int(sys.argv[2])))
