#!/usr/bin/env python3
"""Write a tiny random llama-architecture GGUF chat model plus reference data for the LLM tests.

Outputs, in the folder given as the first argument:
  tiny-chat.gguf         4 blocks, width 64, 4 query heads / 2 KV heads, SentencePiece-style vocabulary
                         with byte fallback and a ChatML chat template.
  tiny-chat-biased.gguf  the same weights plus blk.<layer>.ffn_down.bias = the reference vector, which
                         llama.cpp's llama architecture loads as an optional tensor. Adding that vector to
                         block <layer>'s output at every position must give the same model.
  reference.json         the vector, token sequences and their hidden states (output of every block),
                         computed by the numpy forward pass below, independent of llama.cpp.

Needs numpy and gguf-py (the copy in llama.cpp's source, native/build/llama-src/gguf-py, works offline).
Weights are fp32 so that llama.cpp's CPU matmuls do not round activations to fp16.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

import gguf

SEED = 20241008
N_EMBD = 64
N_LAYER = 4
N_FF = 128
N_HEAD = 4
N_HEAD_KV = 2
HEAD_DIM = N_EMBD // N_HEAD
CONTEXT_LENGTH = 1024
RMS_EPS = 1e-5
ROPE_BASE = 10000.0
STEERED_LAYER = 2

CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

WORDS = ["the", "a", "photo", "of", "category", "prompt", "image", "texture", "with", "and", "in", "is"]


def build_vocabulary() -> tuple[list[str], list[float], list[int]]:
    """Build SentencePiece pieces: controls, 256 byte tokens, characters, and words with all prefixes."""
    tokens: list[str] = []
    scores: list[float] = []
    types: list[int] = []

    def add(piece: str, score: float, kind: int) -> None:
        if piece not in tokens:
            tokens.append(piece)
            scores.append(score)
            types.append(kind)

    add("<unk>", 0.0, gguf.TokenType.UNKNOWN)
    add("<s>", 0.0, gguf.TokenType.CONTROL)
    add("</s>", 0.0, gguf.TokenType.CONTROL)
    add("<|im_start|>", 0.0, gguf.TokenType.CONTROL)
    add("<|im_end|>", 0.0, gguf.TokenType.CONTROL)
    for byte in range(256):
        add(f"<0x{byte:02X}>", 0.0, gguf.TokenType.BYTE)
    characters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,:;!?'\"<>-_()"
    for character in characters:
        add(character, -1.0, gguf.TokenType.NORMAL)
        add("\u2581" + character, -1.0, gguf.TokenType.NORMAL)
    add("\u2581", -2.0, gguf.TokenType.NORMAL)
    # SentencePiece merges pairs of existing pieces, so every prefix of a word must be a piece too.
    for word in WORDS:
        piece = "\u2581" + word
        for end in range(2, len(piece) + 1):
            add(piece[:end], -1.0 + 0.1 * end, gguf.TokenType.NORMAL)
    return tokens, scores, types


def make_weights(rng: np.random.Generator, n_vocab: int) -> dict[str, np.ndarray]:
    """Draw random weights; numpy shapes are (out, in), which gguf stores as ggml ne = (in, out)."""

    def matrix(rows: int, cols: int, gain: float = 1.0) -> np.ndarray:
        return (rng.standard_normal((rows, cols)) * gain / np.sqrt(cols)).astype(np.float32)

    def norm_weight() -> np.ndarray:
        return (1.0 + 0.1 * rng.standard_normal(N_EMBD)).astype(np.float32)

    weights = {
        "token_embd.weight": (rng.standard_normal((n_vocab, N_EMBD)) * 0.5).astype(np.float32),
        "output_norm.weight": norm_weight(),
        # A gain of 3 makes the next-token distribution peaked enough for top-k/top-p to matter.
        "output.weight": matrix(n_vocab, N_EMBD, gain=3.0),
    }
    for block in range(N_LAYER):
        prefix = f"blk.{block}"
        weights[f"{prefix}.attn_norm.weight"] = norm_weight()
        weights[f"{prefix}.attn_q.weight"] = matrix(N_HEAD * HEAD_DIM, N_EMBD)
        weights[f"{prefix}.attn_k.weight"] = matrix(N_HEAD_KV * HEAD_DIM, N_EMBD)
        weights[f"{prefix}.attn_v.weight"] = matrix(N_HEAD_KV * HEAD_DIM, N_EMBD)
        weights[f"{prefix}.attn_output.weight"] = matrix(N_EMBD, N_HEAD * HEAD_DIM)
        weights[f"{prefix}.ffn_norm.weight"] = norm_weight()
        weights[f"{prefix}.ffn_gate.weight"] = matrix(N_FF, N_EMBD)
        weights[f"{prefix}.ffn_up.weight"] = matrix(N_FF, N_EMBD)
        weights[f"{prefix}.ffn_down.weight"] = matrix(N_EMBD, N_FF)
    return weights


def rms_norm(x: np.ndarray, weight: np.ndarray) -> np.ndarray:
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + RMS_EPS) * weight


def rope(x: np.ndarray) -> np.ndarray:
    """Rotate adjacent pairs (2i, 2i+1), llama.cpp's LLAMA_ROPE_TYPE_NORM used by the llama architecture."""
    positions = np.arange(x.shape[0], dtype=np.float64)[:, None]
    inverse_frequency = ROPE_BASE ** (-np.arange(0, HEAD_DIM, 2, dtype=np.float64) / HEAD_DIM)
    angles = positions * inverse_frequency[None, :]
    cos = np.cos(angles)[:, None, :]
    sin = np.sin(angles)[:, None, :]
    even = x[..., 0::2]
    odd = x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2] = even * cos - odd * sin
    out[..., 1::2] = even * sin + odd * cos
    return out


def forward_block_outputs(weights: dict[str, np.ndarray], token_ids: list[int]) -> list[np.ndarray]:
    """Return the output of every transformer block, shape (tokens, N_EMBD), computed in float64."""
    w = {name: value.astype(np.float64) for name, value in weights.items()}
    hidden = w["token_embd.weight"][token_ids]
    count = len(token_ids)
    causal_mask = np.triu(np.full((count, count), -np.inf), k=1)
    outputs = []
    for block in range(N_LAYER):
        prefix = f"blk.{block}"
        normed = rms_norm(hidden, w[f"{prefix}.attn_norm.weight"])
        q = rope((normed @ w[f"{prefix}.attn_q.weight"].T).reshape(count, N_HEAD, HEAD_DIM))
        k = rope((normed @ w[f"{prefix}.attn_k.weight"].T).reshape(count, N_HEAD_KV, HEAD_DIM))
        v = (normed @ w[f"{prefix}.attn_v.weight"].T).reshape(count, N_HEAD_KV, HEAD_DIM)
        heads = []
        for head in range(N_HEAD):
            kv_head = head // (N_HEAD // N_HEAD_KV)
            scores = q[:, head, :] @ k[:, kv_head, :].T / np.sqrt(HEAD_DIM) + causal_mask
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            heads.append(scores @ v[:, kv_head, :])
        attention = np.concatenate(heads, axis=-1) @ w[f"{prefix}.attn_output.weight"].T
        hidden = hidden + attention
        normed = rms_norm(hidden, w[f"{prefix}.ffn_norm.weight"])
        gate = normed @ w[f"{prefix}.ffn_gate.weight"].T
        up = normed @ w[f"{prefix}.ffn_up.weight"].T
        hidden = hidden + (gate / (1.0 + np.exp(-gate)) * up) @ w[f"{prefix}.ffn_down.weight"].T
        outputs.append(hidden.copy())
    return outputs


def write_model(path: Path, weights: dict[str, np.ndarray], vocabulary, name: str) -> None:
    tokens, scores, types = vocabulary
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name(name)
    writer.add_context_length(CONTEXT_LENGTH)
    writer.add_embedding_length(N_EMBD)
    writer.add_block_count(N_LAYER)
    writer.add_feed_forward_length(N_FF)
    writer.add_head_count(N_HEAD)
    writer.add_head_count_kv(N_HEAD_KV)
    writer.add_rope_dimension_count(HEAD_DIM)
    writer.add_rope_freq_base(ROPE_BASE)
    writer.add_layer_norm_rms_eps(RMS_EPS)
    writer.add_vocab_size(len(tokens))
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_unk_token_id(0)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_eot_token_id(4)
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(False)
    writer.add_chat_template(CHAT_TEMPLATE)
    for tensor_name, value in weights.items():
        writer.add_tensor(tensor_name, value)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def main() -> None:
    out_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "test/fixtures/tiny-gguf")
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    vocabulary = build_vocabulary()
    n_vocab = len(vocabulary[0])
    weights = make_weights(rng, n_vocab)
    write_model(out_dir / "tiny-chat.gguf", weights, vocabulary, "glov-tiny-chat")

    steering_vector = (rng.standard_normal(N_EMBD) * 2.0).astype(np.float32)
    biased = dict(weights)
    biased[f"blk.{STEERED_LAYER}.ffn_down.bias"] = steering_vector
    write_model(out_dir / "tiny-chat-biased.gguf", biased, vocabulary, "glov-tiny-chat-biased")

    # Token sequences for the hidden-state test start with BOS, like llama.cpp's plain-text tokenization.
    sequences = [[1] + rng.integers(5, n_vocab, size=length).tolist() for length in (7, 12)]
    reference = {
        "steeredLayer": STEERED_LAYER,
        "steeringVector": steering_vector.tolist(),
        "hiddenStates": [
            {"tokens": tokens, "blockOutputs": [output.tolist() for output in forward_block_outputs(weights, tokens)]}
            for tokens in sequences
        ],
    }
    (out_dir / "reference.json").write_text(json.dumps(reference))
    print(f"wrote {out_dir}/tiny-chat.gguf, tiny-chat-biased.gguf, reference.json ({n_vocab} tokens)")


if __name__ == "__main__":
    main()
