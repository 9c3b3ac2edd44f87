"""``sugar-hf describe``: show the shipped descriptions, generate new ones, pick key frames, cache embeddings.

    sugar-hf describe show ntu60 --class "drink water"
    sugar-hf describe generate --classes "wave,bow" --output my.jsonl                 # offline SmolLM2
    sugar-hf describe generate --classes-file names.txt --output my.jsonl \\
        --backend inference --model meta-llama/Llama-3.1-8B-Instruct \\
        --vlm-model Qwen/Qwen2.5-VL-7B-Instruct --frames-dir frames/ --num-keyframes 4
    sugar-hf describe generate ... --backend inference --base-url http://localhost:8080/v1   # TGI / vLLM
    sugar-hf describe keyframes frames/wave --num-keyframes 4
    sugar-hf describe embed ntu60 --output ntu60_minilm.safetensors
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")


def _frame_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


def _vision(args: argparse.Namespace):
    from transformers import AutoImageProcessor, AutoModel

    return AutoModel.from_pretrained(args.keyframe_model), AutoImageProcessor.from_pretrained(
        args.keyframe_model
    )


def _keyframes(folder: Path, k: int, model, processor) -> list[Path]:
    from PIL import Image

    from .keyframes import select_keyframes

    files = _frame_files(folder)
    images = [Image.open(p).convert("RGB") for p in files]
    return [files[i] for i in select_keyframes(images, k, model=model, processor=processor)]


def cmd_show(args: argparse.Namespace) -> int:
    from .corpus import load_descriptions

    descriptions = load_descriptions(args.corpus)
    if args.class_name:
        descriptions = [d for d in descriptions if d.name == args.class_name]
        if not descriptions:
            raise ValueError(f"{args.corpus} has no class {args.class_name!r}")
    for desc in descriptions:
        if args.json:
            print(json.dumps(desc.to_dict(), ensure_ascii=False))
        else:
            print(f"[{desc.label}] {desc.name}  ({'; '.join(desc.synonyms)})")
            for text in desc.texts(args.knowledge):
                print(f"    - {text}")
    return 0


def _backend(kind: str, model: str | None, base_url: str | None, token: str | None, images: bool):
    from .backends import InferenceClientBackend, TransformersChatBackend

    if kind == "local":
        return TransformersChatBackend.from_pretrained(model) if model else TransformersChatBackend.smollm2()
    return InferenceClientBackend(
        None if base_url else model, base_url=base_url, token=token, request_model=model if base_url else None,
        supports_images=images,
    )  # fmt: skip


def cmd_generate(args: argparse.Namespace) -> int:
    from .generator import DescriptionGenerator

    names = [n.strip() for n in (args.classes or "").split(",") if n.strip()]
    if args.classes_file:
        names += [line.strip() for line in Path(args.classes_file).read_text().splitlines() if line.strip()]
    if not names:
        raise ValueError("give --classes or --classes-file")
    backend = _backend(args.backend, args.model, args.base_url, args.token, images=False)
    vlm = None
    frames = {}
    if args.vlm_model or args.vlm_base_url:
        vlm = _backend("inference", args.vlm_model, args.vlm_base_url, args.token, images=True)
    if args.frames_dir:
        if vlm is None:
            raise ValueError("--frames-dir needs a VLM: give --vlm-model or --vlm-base-url")
        model, processor = _vision(args)
        for name in names:
            folder = Path(args.frames_dir) / name.replace("/", "_")
            if folder.is_dir() and _frame_files(folder):
                frames[name] = [str(p) for p in _keyframes(folder, args.num_keyframes, model, processor)]
    generator = DescriptionGenerator(
        backend, vlm, max_retries=args.max_retries, num_visual=args.num_visual, structured=args.structured
    )
    start = time.time()
    report = generator.generate(
        names, args.output, corpus=args.corpus, frames=frames, batch_size=args.batch_size,
        resume=not args.no_resume, on_error=args.on_error,
    )  # fmt: skip
    print(
        f"{args.output}: wrote {len(report.written)}, skipped {len(report.skipped)} already described, "
        f"failed {len(report.failed)} ({time.time() - start:.1f}s)"
    )
    for name, error in report.failed.items():
        print(f"  failed {name!r}: {error}", file=sys.stderr)
    return 1 if report.failed else 0


def cmd_keyframes(args: argparse.Namespace) -> int:
    model, processor = _vision(args)
    for path in _keyframes(Path(args.folder), args.num_keyframes, model, processor):
        print(path)
    return 0


def cmd_embed(args: argparse.Namespace) -> int:
    from .corpus import load_descriptions
    from .embedding_cache import TextEncoder, build_text_embedding_cache

    encoder = TextEncoder.minilm() if args.encoder == "minilm" else TextEncoder.from_pretrained(args.encoder)
    start = time.time()
    cache = build_text_embedding_cache(
        load_descriptions(args.corpus), encoder, args.output, knowledge=args.knowledge
    )
    print(
        f"{args.output}: {len(cache)} texts of {len(cache.classes())} classes, dim {cache.dim}, "
        f"{cache.encoded} newly encoded ({time.time() - start:.1f}s)"
    )
    return 0


def _add_generate_parser(sub) -> None:
    """``describe generate``: the LLM (and VLM) options of description generation."""
    gen = sub.add_parser("generate", help="describe classes with an LLM (and a VLM on key frames)")
    gen.add_argument("--classes", help="comma-separated class names")
    gen.add_argument("--classes-file", help="one class name a line")
    gen.add_argument(
        "--output", required=True, help="JSONL file (appended; classes already in it are skipped)"
    )
    gen.add_argument("--corpus", default="", help="corpus name stored in each record")
    gen.add_argument(
        "--backend",
        help="local (a transformers model on this machine) | inference (an OpenAI-compatible server)",
        choices=["local", "inference"],
        default="local",
    )
    gen.add_argument(
        "--model", help="local: a folder or Hub id (default: offline SmolLM2); inference: model id"
    )
    gen.add_argument("--base-url", help="OpenAI-compatible base URL (TGI, vLLM, an Inference Endpoint)")
    gen.add_argument("--token", help="Hub token / API key (default: the logged-in token)")
    gen.add_argument("--vlm-model", help="VLM model id for the visual text")
    gen.add_argument("--vlm-base-url", help="OpenAI-compatible base URL of the VLM")
    gen.add_argument("--frames-dir", help="folder with one sub-folder of frames per class (name with / as _)")
    gen.add_argument("--num-keyframes", help="key frames per class picked for the VLM", type=int, default=4)
    gen.add_argument(
        "--keyframe-model",
        help="CLIP model that picks the key frames",
        default="openai/clip-vit-base-patch32",
    )
    gen.add_argument("--num-visual", help="visual descriptions per class", type=int, default=4)
    gen.add_argument("--max-retries", help="retries of a malformed generation", type=int, default=2)
    gen.add_argument("--batch-size", help="classes per generation call", type=int, default=1)
    gen.add_argument(
        "--structured",
        help="auto | stepwise (one body part a call) | single (one JSON answer a class)",
        choices=["auto", "stepwise", "single"],
        default="auto",
    )
    gen.add_argument(
        "--on-error",
        help="raise, or skip a class that keeps failing",
        choices=["raise", "skip"],
        default="skip",
    )
    gen.add_argument("--no-resume", action="store_true", help="start the output file afresh")
    gen.set_defaults(func=cmd_generate)


def add_describe_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``describe`` on a ``sugar-hf`` sub-parser set; returns the new parser."""
    describe = subparsers.add_parser(
        "describe", help="action descriptions: show, generate, key frames, embed"
    )
    sub = describe.add_subparsers(dest="describe_command", required=True)

    show = sub.add_parser("show", help="print the shipped descriptions of a corpus")
    show.add_argument(
        "corpus", help="ntu60, ntu120, pku_mmd, toyota_smarthome, nw_ucla, utd_mhad, utkinect, or a .jsonl"
    )
    show.add_argument("--class", help="show only this class", dest="class_name")
    show.add_argument(
        "--knowledge",
        help="which texts to show: motion | visual | motion+visual",
        default="motion+visual",
        choices=["none", "motion", "visual", "motion+visual"],
    )
    show.add_argument("--json", action="store_true", help="print the raw JSONL records")
    show.set_defaults(func=cmd_show)

    _add_generate_parser(sub)

    key = sub.add_parser("keyframes", help="print the most mutually dissimilar frames of a folder")
    key.add_argument("folder", help="a folder with one sub-folder of frames per class")
    key.add_argument("--num-keyframes", help="key frames per class", type=int, default=4)
    key.add_argument(
        "--keyframe-model",
        help="CLIP model that picks the key frames",
        default="openai/clip-vit-base-patch32",
    )
    key.set_defaults(func=cmd_keyframes)

    emb = sub.add_parser("embed", help="encode a corpus's texts once into a safetensors cache")
    emb.add_argument("corpus", help="a corpus name or a .jsonl file")
    emb.add_argument("--output", help="where the text-embedding cache is written", required=True)
    emb.add_argument("--encoder", default="minilm", help="'minilm' (offline) or a text model folder / Hub id")
    emb.add_argument(
        "--knowledge",
        help="which texts to embed: motion | visual | motion+visual",
        default="motion+visual",
        choices=["none", "motion", "visual", "motion+visual"],
    )
    emb.set_defaults(func=cmd_embed)
    return describe


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m sugar_hf.knowledge.cli show ntu60`` (the same as ``sugar-hf describe show ntu60``)."""
    parser = argparse.ArgumentParser(
        prog="sugar-hf", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_describe_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["describe", *(argv if argv is not None else sys.argv[1:])])
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError, KeyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
