"""Candidate ranking speed on the embedded default (SmolLM2-135M): shared-prefix vs naive vs one greedy answer.

For 60 and 120 NTU candidate names, in one process on the same skeleton:
  * shared-prefix: `sugar_hf.inference.classify` (prompt once, all candidates in one tree-masked block on its KV
    cache);
  * naive: one full forward of prompt + candidate per candidate (`tests/reference_scoring.py`'s
    `score_candidates_naive`, the tests' reference);
  * generate: one greedy answer of `--answer-tokens` new tokens for the same prompt.
Targets (issue 2): >= 10x faster than naive at 120 candidates, and <= 3x one greedy answer.

    python benchmarks/classify_speed.py [--repeats 3] [--answer-tokens 32]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import time
from pathlib import Path

import numpy as np
import torch

from sugar_hf import SugarForActionRecognition, SugarProcessor
from sugar_hf.corpora import class_names
from sugar_hf.embedded import build_embedded_default, embedded_config
from sugar_hf.inference import classify


def _reference_scoring():
    """``tests/reference_scoring.py`` (the naive scorer the tests check the fast one against), by its path."""
    path = Path(__file__).resolve().parents[1] / "tests" / "reference_scoring.py"
    spec = importlib.util.spec_from_file_location("reference_scoring", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


score_candidates_naive = _reference_scoring().score_candidates_naive


def best_of(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--naive-repeats", type=int, default=1)
    parser.add_argument("--answer-tokens", type=int, default=32)
    parser.add_argument("--sizes", default="60,120")
    parser.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument(
        "--random-weights", metavar="FOLDER",
        help="time a randomly initialised LLM of the config and tokenizer in FOLDER (e.g. SmolLM2's, without "
             "its weights) instead of the real embedded default: timings do not depend on the weights",
    )  # fmt: skip
    args = parser.parse_args()

    torch.manual_seed(0)
    names = class_names("ntu120")
    if args.random_weights:
        from transformers import AutoConfig, AutoTokenizer

        config = embedded_config(
            names[:60], llm_config=AutoConfig.from_pretrained(args.random_weights), llm_name_or_path=None,
            text_config=AutoConfig.for_model("bert"),  # unused by stage 2
        )  # fmt: skip
        model = SugarForActionRecognition(config)
        processor = SugarProcessor.from_config(
            AutoTokenizer.from_pretrained(args.random_weights), config
        )
    else:
        model, processor = build_embedded_default(class_names=names[:60])
    model.to(device=args.device, dtype=getattr(torch, args.dtype)).eval()
    clip = np.random.default_rng(0).normal(size=(2, 80, 25, 3)).astype(np.float32)
    print(
        f"device {args.device}, {args.dtype}, torch threads {torch.get_num_threads()}, {platform.processor() or platform.machine()}"
    )
    results = []
    for size in [int(s) for s in args.sizes.split(",")]:
        candidates = names[:size]
        inputs = {k: v.to(args.device) for k, v in processor(skeletons=[clip], candidates=candidates).items()}
        ids = processor.candidate_token_ids(candidates)
        with torch.no_grad():
            classify(model, processor, [clip], candidates=candidates)  # warm-up
            fast = best_of(lambda: classify(model, processor, [clip], candidates=candidates), args.repeats)
            naive = best_of(
                lambda: score_candidates_naive(model, **inputs, candidate_ids=ids), args.naive_repeats
            )
            gen = best_of(
                lambda: model.generate(
                    **inputs, max_new_tokens=args.answer_tokens, min_new_tokens=args.answer_tokens,
                    pad_token_id=processor.tokenizer.pad_token_id,
                ),
                args.repeats,
            )  # fmt: skip
            agree = torch.equal(
                model.score_candidates(**inputs, candidate_ids=ids).argsort(descending=True)[:, :5],
                score_candidates_naive(model, **inputs, candidate_ids=ids).argsort(descending=True)[:, :5],
            ) if size <= 60 else None  # fmt: skip
        row = {
            "candidates": size,
            "prompt_tokens": int(inputs["input_ids"].shape[1]),
            "candidate_tokens": sum(len(c) for c in ids),
            "shared_prefix_s": round(fast, 3),
            "naive_s": round(naive, 3),
            "greedy_answer_s": round(gen, 3),
            "speedup_vs_naive": round(naive / fast, 1),
            "ratio_to_greedy_answer": round(fast / gen, 2),
            "top5_agrees_with_naive": agree,
        }
        results.append(row)
        print(
            f"{size:4d} candidates | prompt {row['prompt_tokens']} tok + {row['candidate_tokens']} candidate tok | "
            f"shared-prefix {fast:.3f}s | naive {naive:.2f}s ({row['speedup_vs_naive']}x slower) | "
            f"greedy {args.answer_tokens}-token answer {gen:.3f}s (ranking = {row['ratio_to_greedy_answer']}x)"
            + ("" if agree is None else f" | top-5 identical to naive: {agree}")
        )
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"device": args.device, "dtype": args.dtype, "results": results}, f, indent=2)


if __name__ == "__main__":
    main()
