"""Greedy decoding under a JSON-schema grammar without checking the whole vocabulary each step.

llama-cpp-python 0.3 samples through a chain of penalties -> grammar -> greedy, so at every
decoded token the grammar is matched against all 151,936 entries of Qwen2.5's vocabulary: about
17 ms of a ~50 ms token on this 2-core machine (BENCHMARKS.md, question 1). llama.cpp's own
`common_sampler` avoids that: take the best token first, check only that one against the grammar,
and apply the grammar to the whole vocabulary only when it is rejected. For greedy decoding this
picks exactly the token the full chain would (the best token, if the grammar allows it; else the
best token the grammar allows), so the output is the same, token for token.

`GrammarFirstLlama` is a `Llama` whose sampler does that when decoding is greedy and a grammar is
given; anything else (sampling with a temperature, logits processors) takes the library's path.
"""

from __future__ import annotations

import ctypes
import math
from typing import Any

import numpy as np
from llama_cpp import Llama, LlamaGrammar
from llama_cpp import _internals as internals
from llama_cpp import llama_cpp as C

_TOKEN_DATA = np.dtype([("id", np.intc), ("logit", np.single), ("p", np.single)], align=True)


class GrammarFirstPick:
    """A custom sampler stage holding its own grammar state: it leaves the candidates alone when
    the best one is allowed, and masks every disallowed candidate when it is not, so the greedy
    stage after it picks what a full grammar stage would have let it pick."""

    def __init__(self, vocab: Any, grammar: LlamaGrammar):
        self._grammar = C.llama_sampler_init_grammar(
            vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8"))
        if not self._grammar:
            raise ValueError("llama.cpp could not build the grammar")
        self._one = (C.llama_token_data * 1)()
        self._one_array = C.llama_token_data_array(
            data=ctypes.cast(self._one, C.llama_token_data_p), size=1, selected=-1, sorted=False)
        self._pending: int | None = None  # the token picked last step: accepted at the next one
        self.full_checks = 0  # steps where the best token was refused (for tests and benchmarks)
        self.steps = 0

    def apply(self, cur_p: Any) -> None:
        if self._pending is not None:
            C.llama_sampler_accept(self._grammar, self._pending)
            self._pending = None
        array = cur_p.contents
        n = int(array.size)
        buffer = (C.llama_token_data * n).from_address(ctypes.addressof(array.data.contents))
        data = np.frombuffer(memoryview(buffer), dtype=_TOKEN_DATA, count=n)  # type: ignore[arg-type]
        best = int(np.argmax(data["logit"]))
        self.steps += 1
        self._one[0].id = int(data["id"][best])  # type: ignore[assignment]
        self._one[0].logit = float(data["logit"][best])
        self._one[0].p = 0.0
        self._one_array.size, self._one_array.selected, self._one_array.sorted = 1, -1, False
        C.llama_sampler_apply(self._grammar, ctypes.byref(self._one_array))
        if math.isfinite(self._one[0].logit):
            self._pending = int(data["id"][best])
            return
        self.full_checks += 1
        C.llama_sampler_apply(self._grammar, cur_p)  # masks every disallowed candidate in place
        self._pending = int(data["id"][int(np.argmax(data["logit"]))])

    def close(self) -> None:
        if self._grammar:
            C.llama_sampler_free(self._grammar)
            self._grammar = None

    def __del__(self) -> None:
        self.close()


class GrammarFirstLlama(Llama):  # type: ignore[misc]
    """`Llama` with the grammar-first greedy sampler; see the module docstring."""

    last_pick: GrammarFirstPick | None = None

    def _init_sampler(self, **kwargs: Any) -> Any:  # type: ignore[override]
        grammar = kwargs.get("grammar")
        if grammar is None or kwargs.get("temp") != 0.0 or kwargs.get("logits_processor"):
            return super()._init_sampler(**kwargs)
        sampler = internals.LlamaSampler()
        sampler.add_penalties(
            n_vocab=self._n_vocab, penalty_last_n=self.last_n_tokens_size,
            penalty_repeat=kwargs.get("repeat_penalty", 1.0),
            penalty_freq=kwargs.get("frequency_penalty", 0.0),
            penalty_present=kwargs.get("presence_penalty", 0.0),
        )
        pick = GrammarFirstPick(self._model.vocab, grammar)
        sampler.add_custom(pick.apply)
        sampler.add_greedy()
        sampler._summariser_pick = pick  # type: ignore[attr-defined]  # lives as long as the sampler
        self.last_pick = pick
        return sampler
