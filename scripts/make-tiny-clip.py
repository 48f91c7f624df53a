#!/usr/bin/env python3
"""Make the tiny toy CLIP and the reference data that the VLM tests compare against.

The model is NOT CLIP. It is a CLIP-shaped toy (transformers CLIPModel towers,
2 layers each, 16-dim embeddings) that starts from random weights and is then
trained for a few hundred steps to classify the TRAIN splits of
../shared/datasets from captions such as "a photo of a {class name}.". It has
seen only those 1,728 photos. Test splits are never used for training. The
whole script took about 14 minutes on a busy 2-core machine, most of it
decoding images and training. Untrained random towers give every image
almost the same embedding, so every prompt template scores chance and the
GLOV loop never sees one template beat another; the short training makes
embeddings differ per image and per text, so templates get different
fitness values, as they do with a real CLIP. Accuracy is weak and means
nothing outside these tests, demos and benchmarks.

Outputs (both committed, so the tests need no Python):
  test/fixtures/tiny-clip/        the toy CLIP in the Hugging Face /
                                  transformers.js layout: config.json,
                                  preprocessor_config.json, vocab.json, merges.txt,
                                  tokenizer_config.json, onnx/text_model.onnx,
                                  onnx/vision_model.onnx
  test/fixtures/clip-reference/   token ids from the original CLIP tokenizer,
                                  PIL-preprocessed pixels and PyTorch embeddings

The real CLIP BPE vocabulary comes from the open_clip_torch wheel on PyPI, which
ships it as bpe_simple_vocab_16e6.txt.gz next to the original tokenizer module:

  pip download open_clip_torch==3.3.0 --no-deps -d /tmp/oc
  unzip -o /tmp/oc/open_clip_torch-3.3.0-py3-none-any.whl 'open_clip/*' -d /tmp/oc
  python3 -m venv .cache/clip-venv && . .cache/clip-venv/bin/activate
  pip install torch==2.13.0 transformers==5.25.0 pillow numpy onnx ftfy regex
  python scripts/make-tiny-clip.py --open-clip /tmp/oc/open_clip

Nothing from the wheel is written to the repository except the vocabulary data
(re-encoded as vocab.json and merges.txt) and the ids it produces.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

REPO_ROOT = Path(__file__).resolve().parent.parent
DATASETS = REPO_ROOT.parent / "shared" / "datasets"

# OpenAI CLIP's image statistics (also in every Hugging Face CLIP preprocessor_config.json).
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
IMAGE_SIZE = 224
SEED = 7777

# Strings that stress the cleanup, the pre-tokenizer regex and the BPE merges.
TOKENIZER_CASES = [
    "a photo of a dog.",
    "A PHOTO of   a\tDog!!",
    "a photo of a {c}.",
    "a photo of a <category>.",
    "It's a dog's life, isn't it? We'll see; they'd've gone, I'm sure you're right.",
    "3.14159 and 1,000,000 cats in 2024, 42nd street",
    "café naïve résumé — jalapeño piñata",
    "“curly double” and ‘curly single’ quotes",
    "ﬁne ﬂowers with ligatures",
    "ＦＵＬＬＷＩＤＴＨ ｌｅｔｔｅｒｓ　１２３",
    "日本語のテキスト と 中文 한국어",
    "emoji 🐶🐱 and ✨ sparkles",
    "&amp; &lt;b&gt; html entities &#39;quoted&#39; &quot;x&quot;",
    "   leading and trailing whitespace   ",
    "new\nlines\r\nand\u00a0non-breaking spaces",
    "",
    "a",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "C++ & C# -- snake_case, kebab-case, CamelCase, e-mail@example.com",
    "ümlaut ÄÖÜ ß straße İstanbul",
    "tabs\tand    many     spaces",
    ("a very long description of a {c}, " * 12).strip(),
]

CLASS_NAMES = ["ball-point pen", "St. Bernard's dog", "jack-o'-lantern", "café au lait", "T-shirt", "42"]

EMBEDDING_TEXTS = [
    "a photo of a dog.",
    "a blurry photo of a jack-o'-lantern.",
    "an origami crane.",
    "",
    ("a very long description of a cat, " * 12).strip(),
]


# Training data: the TRAIN splits of these datasets, captioned with these
# templates. Several templates, not one, so that the text tower learns class
# names rather than one sentence. Templates outside this list still score
# differently, so GLOV has something to improve on.
TRAIN_DATASETS = ["dtd10", "caltech101", "flowers102", "imagenette", "cifar10", "tinyimagenet200"]
TRAIN_TEMPLATES = ["a photo of a {c}.", "a picture of a {c}.", "an image of the {c}.", "{c}"]
TRAIN_STEPS = 300
TRAIN_BATCH = 32
TRAIN_LR = 3e-3


def load_train_splits() -> list[dict]:
    """Preprocess every TRAIN image of TRAIN_DATASETS once (uint8 crops, as at inference).

    Returns one entry per dataset: class names (from classnames.json, in folder
    sorted folder order), uint8 crops [N, 224, 224, 3] and labels [N].
    The test/ folders are never read here.
    """
    splits = []
    for name in TRAIN_DATASETS:
        root = DATASETS / name
        names = json.loads((root / "classnames.json").read_text())
        folders = sorted(p.name for p in (root / "train").iterdir() if p.is_dir())
        crops, labels = [], []
        for index, folder in enumerate(folders):
            for path in sorted((root / "train" / folder).glob("*.jpg")):
                crops.append(preprocess_like_openai(path)[0])
                labels.append(index)
        splits.append({"name": name, "classNames": [names.get(f, f) for f in folders],
                       "crops": torch.from_numpy(np.stack(crops)), "labels": torch.tensor(labels)})
        print(f"train split {name}: {len(labels)} images, {len(folders)} classes")
    return splits


def train_toy_clip(text_model, vision_model, tokenizer, *, steps: int) -> None:
    """Zero-shot classification training on the TRAIN splits.

    Each step takes one dataset (chosen in proportion to its image count), a
    batch of its images and one caption template. It embeds every class caption
    of that dataset and applies cross-entropy over classes to the scaled cosine
    logits. That is the zero-shot classifier the workbench evaluates. The only
    augmentation is a random horizontal flip.
    """
    splits = load_train_splits()
    mean = torch.tensor(CLIP_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(CLIP_STD).view(1, 3, 1, 1)
    # Captions per dataset and template, tokenized once and cut to the longest
    # caption: padding after <|endoftext|> does not change the pooled output
    # because the text tower is causal.
    tokens = {}
    for d, split in enumerate(splits):
        for t, template in enumerate(TRAIN_TEMPLATES):
            ids = tokenizer([template.replace("{c}", c) for c in split["classNames"]])
            length = int((ids != 0).sum(dim=1).max())
            tokens[d, t] = ids[:, :length]
    sizes = torch.tensor([len(s["labels"]) for s in splits], dtype=torch.float)
    # CLIP's learnable temperature, initialised at 1 / 0.07 as in CLIP.
    logit_scale = torch.nn.Parameter(torch.tensor(np.log(1 / 0.07), dtype=torch.float))
    parameters = list(text_model.parameters()) + list(vision_model.parameters()) + [logit_scale]
    # No weight decay: it would shrink the embeddings of the ~49k tokens that
    # no caption uses, which should stay at their random initial values.
    optimizer = torch.optim.AdamW(parameters, lr=TRAIN_LR, weight_decay=0.0)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=TRAIN_LR, total_steps=steps, pct_start=0.1)
    text_model.train()
    vision_model.train()
    for step in range(steps):
        d = int(torch.multinomial(sizes, 1))
        t = int(torch.randint(len(TRAIN_TEMPLATES), ()))
        split = splits[d]
        pick = torch.randint(len(split["labels"]), (TRAIN_BATCH,))
        images = split["crops"][pick].permute(0, 3, 1, 2).float().div(255)
        flip = torch.rand(TRAIN_BATCH) < 0.5
        images[flip] = images[flip].flip(-1)
        images = (images - mean) / std
        ids = tokens[d, t]
        image_embeds = vision_model(pixel_values=images).image_embeds
        text_embeds = text_model(input_ids=ids, attention_mask=(ids != 0).long()).text_embeds
        image_embeds = image_embeds / image_embeds.norm(dim=-1, keepdim=True)
        text_embeds = text_embeds / text_embeds.norm(dim=-1, keepdim=True)
        logits = logit_scale.exp().clamp(max=100) * image_embeds @ text_embeds.T
        labels = split["labels"][pick]
        loss = torch.nn.functional.cross_entropy(logits, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        if step % 50 == 0 or step == steps - 1:
            accuracy = (logits.argmax(dim=1) == labels).float().mean()
            print(f"step {step:4d}  {split['name']:16s} loss {loss.item():.3f}  batch accuracy {accuracy:.2f}")
    text_model.eval()
    vision_model.eval()


def load_original_tokenizer(open_clip_dir: Path):
    """Import open_clip's tokenizer.py as a standalone module, so open_clip's other imports are not needed."""
    spec = importlib.util.spec_from_file_location("oc_tokenizer", open_clip_dir / "tokenizer.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SimpleTokenizer(bpe_path=str(open_clip_dir / "bpe_simple_vocab_16e6.txt.gz"))


def write_tokenizer_files(bpe_gz: Path, model_dir: Path, byte_encoder: dict[int, str]) -> None:
    """Write vocab.json and merges.txt in the Hugging Face CLIP layout from the original BPE file."""
    lines = gzip.open(bpe_gz).read().decode("utf-8").split("\n")
    merges = [tuple(line.split()) for line in lines[1 : 49152 - 256 - 2 + 1]]
    byte_symbols = list(byte_encoder.values())
    vocab = byte_symbols + [s + "</w>" for s in byte_symbols] + ["".join(m) for m in merges]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    assert len(vocab) == 49408
    (model_dir / "vocab.json").write_text(json.dumps({t: i for i, t in enumerate(vocab)}, ensure_ascii=False))
    with open(model_dir / "merges.txt", "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        for a, b in merges:
            f.write(f"{a} {b}\n")
    # Hugging Face's CLIP tokenizers pad with <|endoftext|>; the original pads with 0.
    tokenizer_config = {
        "tokenizer_class": "CLIPTokenizer",
        "bos_token": "<|startoftext|>",
        "eos_token": "<|endoftext|>",
        "unk_token": "<|endoftext|>",
        "pad_token": "<|endoftext|>",
        "model_max_length": 77,
        "do_lower_case": True,
    }
    (model_dir / "tokenizer_config.json").write_text(json.dumps(tokenizer_config, indent=2) + "\n")


def preprocess_like_openai(path: Path) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Resize the shorter side to 224 (PIL bicubic), center-crop 224, convert to RGB, normalize.

    Follows OpenAI CLIP's torchvision pipeline step by step: the long side is
    int(224 * long / short), the crop offset is round((size - 224) / 2) with
    Python's round, and RGB conversion comes after the crop.
    Returns (uint8 crop [224,224,3], float32 pixels [3,224,224], resized size).
    """
    image = Image.open(path)
    width, height = image.size
    if width <= height:
        new_width, new_height = IMAGE_SIZE, int(IMAGE_SIZE * height / width)
    else:
        new_width, new_height = int(IMAGE_SIZE * width / height), IMAGE_SIZE
    resized = image.resize((new_width, new_height), Image.BICUBIC)
    top = int(round((new_height - IMAGE_SIZE) / 2.0))
    left = int(round((new_width - IMAGE_SIZE) / 2.0))
    crop = resized.crop((left, top, left + IMAGE_SIZE, top + IMAGE_SIZE)).convert("RGB")
    crop_u8 = np.asarray(crop, dtype=np.uint8)
    tensor = torch.from_numpy(crop_u8.copy()).permute(2, 0, 1).float().div(255)
    mean = torch.tensor(CLIP_MEAN, dtype=torch.float32).view(3, 1, 1)
    std = torch.tensor(CLIP_STD, dtype=torch.float32).view(3, 1, 1)
    tensor = tensor.sub(mean).div(std)
    return crop_u8, tensor.numpy(), [new_width, new_height]


def make_non_square_images(out_dir: Path) -> list[Path]:
    """Save two lossless non-square images cut from dataset photos: one that is
    upscaled with an odd crop margin, one that is downscaled."""
    source = Image.open(DATASETS / "imagenette" / "train" / "n03445777" / "n03445777_0000.jpg").convert("RGB")
    upscale = source.crop((0, 20, 224, 169))  # 224 x 149: long side 336, margin 112 -> offset 56
    upscale_odd = source.crop((3, 0, 224, 200))  # 221 x 200 -> 247 x 224, margin 23 -> offset round(11.5) = 12
    # Downscale case: two photos side by side and stacked give 448 x 300.
    second = Image.open(DATASETS / "dtd10" / "train" / "cobwebbed" / "cobwebbed_0001.jpg").convert("RGB")
    canvas = Image.new("RGB", (448, 300))
    canvas.paste(source, (0, 0))
    canvas.paste(second, (224, 0))
    canvas.paste(source.crop((0, 0, 224, 76)), (0, 224))
    canvas.paste(second.crop((0, 0, 224, 76)), (224, 224))
    paths = []
    for name, image in [("upscale-224x149.png", upscale), ("upscale-221x200.png", upscale_odd), ("downscale-448x300.png", canvas)]:
        path = out_dir / name
        image.save(path, optimize=True)
        paths.append(path)
    return paths


def export_onnx(module: torch.nn.Module, args: tuple, path: Path, input_names, output_names, dynamic_axes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        module,
        args,
        str(path),
        input_names=input_names,
        output_names=output_names,
        dynamic_axes=dynamic_axes,
        opset_version=17,
        dynamo=False,
    )


class TextTower(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask):
        out = self.model(input_ids=input_ids, attention_mask=attention_mask)
        return out.text_embeds, out.last_hidden_state


class VisionTower(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, pixel_values):
        out = self.model(pixel_values=pixel_values)
        return out.image_embeds, out.last_hidden_state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--open-clip", type=Path, required=True, help="folder of the unpacked open_clip package (tokenizer.py and the BPE file)")
    parser.add_argument("--model-out", type=Path, default=REPO_ROOT / "test" / "fixtures" / "tiny-clip")
    parser.add_argument("--train-steps", type=int, default=TRAIN_STEPS, help="training steps on the TRAIN splits; 0 keeps the random initialization")
    parser.add_argument("--reference-out", type=Path, default=REPO_ROOT / "test" / "fixtures" / "clip-reference")
    args = parser.parse_args()

    from transformers import CLIPTextConfig, CLIPTextModelWithProjection, CLIPVisionConfig, CLIPVisionModelWithProjection

    torch.manual_seed(SEED)
    # Fixed thread count: the training result then depends on the seed only (on one machine).
    torch.set_num_threads(2)
    model_dir: Path = args.model_out
    reference_dir: Path = args.reference_out
    (model_dir / "onnx").mkdir(parents=True, exist_ok=True)
    (reference_dir / "images").mkdir(parents=True, exist_ok=True)

    tokenizer = load_original_tokenizer(args.open_clip)
    write_tokenizer_files(args.open_clip / "bpe_simple_vocab_16e6.txt.gz", model_dir, tokenizer.byte_encoder)

    # Token ids: the original tokenizer, without truncation and truncated to 77 with padding 0.
    token_cases = []
    filled = [t.replace("{c}", c) for t in ["a photo of a {c}.", "a {c} in the style of {c}."] for c in CLASS_NAMES]
    for text in TOKENIZER_CASES + filled:
        ids = [tokenizer.sot_token_id] + tokenizer.encode(text) + [tokenizer.eot_token_id]
        context = tokenizer([text])[0].tolist()
        token_cases.append({"text": text, "ids": ids, "context77": context})
    (reference_dir / "tokens.json").write_text(json.dumps({"source": "open_clip_torch 3.3.0 SimpleTokenizer (ftfy + html.unescape cleanup)", "cases": token_cases}, ensure_ascii=False, indent=1) + "\n")

    # Tiny CLIP. The text tower keeps the real 49408-token vocabulary; the
    # token embedding table is most of the fixture's size, so its width stays 16.
    projection_dim = 16
    text_config = CLIPTextConfig(vocab_size=49408, hidden_size=16, intermediate_size=32, num_hidden_layers=2, num_attention_heads=2,
                                 max_position_embeddings=77, projection_dim=projection_dim, bos_token_id=49406, eos_token_id=49407, pad_token_id=49407)
    vision_config = CLIPVisionConfig(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                                     image_size=IMAGE_SIZE, patch_size=32, projection_dim=projection_dim)
    text_model = CLIPTextModelWithProjection(text_config).eval()
    vision_model = CLIPVisionModelWithProjection(vision_config).eval()
    if args.train_steps > 0:
        train_toy_clip(text_model, vision_model, tokenizer, steps=args.train_steps)
    config = {
        "model_type": "clip",
        "architectures": ["CLIPModel"],
        "projection_dim": projection_dim,
        "text_config": text_config.to_dict(),
        "vision_config": vision_config.to_dict(),
    }
    (model_dir / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    preprocessor = {
        "image_processor_type": "CLIPImageProcessor",
        "do_resize": True,
        "size": {"shortest_edge": IMAGE_SIZE},
        "resample": 3,
        "do_center_crop": True,
        "crop_size": {"height": IMAGE_SIZE, "width": IMAGE_SIZE},
        "do_rescale": True,
        "rescale_factor": 1 / 255,
        "do_normalize": True,
        "image_mean": CLIP_MEAN,
        "image_std": CLIP_STD,
        "do_convert_rgb": True,
    }
    (model_dir / "preprocessor_config.json").write_text(json.dumps(preprocessor, indent=2) + "\n")

    ids = torch.tensor([[49406, 320, 1929, 269, 49407] + [0] * 72], dtype=torch.long)
    export_onnx(TextTower(text_model), (ids, torch.ones_like(ids)), model_dir / "onnx" / "text_model.onnx",
                ["input_ids", "attention_mask"], ["text_embeds", "last_hidden_state"],
                {"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
                 "text_embeds": {0: "batch"}, "last_hidden_state": {0: "batch", 1: "sequence"}})
    export_onnx(VisionTower(vision_model), (torch.zeros(1, 3, IMAGE_SIZE, IMAGE_SIZE),), model_dir / "onnx" / "vision_model.onnx",
                ["pixel_values"], ["image_embeds", "last_hidden_state"],
                {"pixel_values": {0: "batch"}, "image_embeds": {0: "batch"}, "last_hidden_state": {0: "batch"}})

    # Images: dataset photos of each size and kind, plus lossless non-square cuts.
    images = [
        DATASETS / "cifar10" / "train" / "bird" / "bird_0000.jpg",
        DATASETS / "tinyimagenet200" / "test" / "n03355925" / "n03355925_0007.jpg",
        DATASETS / "imagenette" / "train" / "n03445777" / "n03445777_0000.jpg",
        DATASETS / "dtd10" / "train" / "cobwebbed" / "cobwebbed_0001.jpg",
        DATASETS / "flowers102" / "train" / "016_globe-flower" / "016_globe-flower_0002.jpg",
    ] + make_non_square_images(reference_dir / "images")
    pixel_cases = []
    pixel_batch = []
    for path in images:
        source = Image.open(path)
        decoded = np.asarray(source.convert("RGB"), dtype=np.uint8)
        crop_u8, pixels, resized = preprocess_like_openai(path)
        pixel_batch.append(pixels)
        name = path.name
        (reference_dir / "images" / (name + ".crop.u8.gz")).write_bytes(gzip.compress(crop_u8.tobytes(), mtime=0))
        relative = path.relative_to(DATASETS) if DATASETS in path.parents else Path("..") / "clip-reference" / "images" / name
        pixel_cases.append({
            "file": str(relative),
            "inDatasets": DATASETS in path.parents,
            "mode": source.mode,
            "size": list(source.size),
            "resized": resized,
            "decodedSha256": hashlib.sha256(decoded.tobytes()).hexdigest(),
            "cropSha256": hashlib.sha256(crop_u8.tobytes()).hexdigest(),
            "crop": name + ".crop.u8.gz",
            "pixelSum": float(np.float64(pixels.astype(np.float64).sum())),
            "pixelSample": [float(pixels[c, y, x]) for c, y, x in [(0, 0, 0), (1, 100, 57), (2, 223, 223), (0, 111, 112)]],
        })

    with torch.no_grad():
        pixel_tensor = torch.from_numpy(np.stack(pixel_batch))
        image_embeds = vision_model(pixel_values=pixel_tensor).image_embeds
        image_embeds = image_embeds / image_embeds.norm(dim=-1, keepdim=True)
        text_ids = tokenizer(EMBEDDING_TEXTS)
        text_embeds = text_model(input_ids=text_ids, attention_mask=(text_ids != 0).long()).text_embeds
        text_embeds = text_embeds / text_embeds.norm(dim=-1, keepdim=True)

    reference = {
        "note": "Tiny toy CLIP (random init, briefly trained on TRAIN splits); PyTorch float32 embeddings, L2-normalized. Texts padded with 0 to 77 as the original tokenizer does.",
        "torch": torch.__version__,
        "seed": SEED,
        "embeddingDim": projection_dim,
        "texts": EMBEDDING_TEXTS,
        "textEmbeddings": text_embeds.tolist(),
        "images": pixel_cases,
        "imageEmbeddings": image_embeds.tolist(),
    }
    (reference_dir / "embeddings.json").write_text(json.dumps(reference, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {model_dir} and {reference_dir}")


if __name__ == "__main__":
    sys.exit(main())
