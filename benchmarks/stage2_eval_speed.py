"""Stage-2 evaluation speed: ranking every class name for a test set, before and after the stage-2 recipe.

On the embedded default (SmolLM2-135M, TQP 2 x 8 = 16 skeleton tokens, the candidates-first prompt), in one
process, the same clips ranked against a corpus's class names (default UTD-MHAD's 27):
  * before: what `examples/train.py` did at abf8a31: fp32, the encoder run on every batch of skeletons;
  * recipe: bf16 autocast (AMX on this CPU) on cached encoder tokens (`--token_cache`), batches of 32.
Both rank with `score_candidates` (prompt once per batch, the candidates as a trie on its KV cache). The
table shows clips/s, the speed-up and how often the two agree on the top-1 name (bf16 is an approximation).
Then, interleaved (``--ab-repeats``), the recipe's ranking with the LLM's attention as transformers' ``sdpa``
(``repeat_kv`` copies under the trie's mask) against ``sdpa_gqa`` (the default since issue 23): median and range of
the per-repetition ratios of wall and CPU time, the largest score difference and the top-1 agreement.

    python benchmarks/stage2_eval_speed.py [--corpus utd_mhad] [--clips 64] [--batch 16] [--repeats 2] [--ab-repeats 5]
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np
import torch
from stage2_step_speed import print_attention_ratios  # benchmarks/ is the script's folder

from sugar_hf.configuration_sugar import CANDIDATES_FIRST_INSTRUCTION
from sugar_hf.corpora import CORPORA, class_names
from sugar_hf.embedded import build_embedded_default
from sugar_hf.modeling_sugar import SDPA_GQA


def rank_all(model, processor, clips, names, *, batch: int, bf16: bool, tokens: list | None = None,
             scores_out: list | None = None):  # fmt: skip
    """Top-1 candidate per clip and the wall time of ranking them all (``scores_out`` collects the scores)."""
    ids = processor.candidate_token_ids(names)
    top = []
    start = time.perf_counter()
    for begin in range(0, len(clips), batch):
        chunk = clips[begin : begin + batch]
        with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            if tokens is None:
                inputs = processor(skeletons=chunk, candidates=names)
                scores = model.score_candidates(**inputs, candidate_ids=ids)
            else:
                text = processor.text_inputs(len(chunk), candidates=names)
                scores = model.score_candidates(None, text["input_ids"], text["attention_mask"], ids,
                                                encoder_tokens=torch.cat(tokens[begin // batch]))  # fmt: skip
        top += scores.float().argmax(1).tolist()
        if scores_out is not None:
            scores_out.append(scores.float())
    return top, time.perf_counter() - start


def attention_ab(model, processor, clips, names, tokens, batch: int, repeats: int) -> None:
    """``sdpa`` (before) against ``sdpa_gqa`` on the recipe's ranking, interleaved (the same machine load)."""
    times: dict[str, list[tuple[float, float]]] = {"sdpa": [], SDPA_GQA: []}
    scores: dict[str, torch.Tensor] = {}
    for _ in range(repeats):
        for implementation in times:
            model.llm.set_attn_implementation(implementation)
            collected: list = []
            cpu = time.process_time()
            _, wall = rank_all(model, processor, clips, names, batch=batch, bf16=True, tokens=tokens,
                               scores_out=collected)  # fmt: skip
            times[implementation].append((wall, time.process_time() - cpu))
            scores[implementation] = torch.cat(collected)
    model.llm.set_attn_implementation(SDPA_GQA)
    print_attention_ratios("recipe ranking", times)
    a, b = scores["sdpa"], scores[SDPA_GQA]
    print(f"  largest score difference {(a - b).abs().max():.2e}; same top-1 "
          f"{100 * (a.argmax(1) == b.argmax(1)).float().mean():.1f}%")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", default="utd_mhad", choices=sorted(n for n, s in CORPORA.items() if s.classes))
    parser.add_argument("--clips", type=int, default=64)
    parser.add_argument(
        "--batch", type=int, default=16, help="the batch before the recipe (train.py's default)"
    )
    parser.add_argument("--recipe-batch", type=int, default=32, help="the recipe's evaluation batch")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--ab-repeats", type=int, default=5, help="interleaved sdpa / sdpa_gqa repetitions (0: skip)")
    args = parser.parse_args()

    names = class_names(args.corpus)
    torch.manual_seed(0)
    model, processor = build_embedded_default(
        class_names=names, layout="utd_mhad20", num_persons=1, num_frames=32, base_channels=16,
        num_segments=2, num_queries=8,
    )  # fmt: skip
    processor.instruction_template = CANDIDATES_FIRST_INSTRUCTION
    model.config.instruction_template = CANDIDATES_FIRST_INSTRUCTION
    with torch.no_grad():  # a non-trivial LoRA, as after training (B starts at zero)
        for name, param in model.named_parameters():
            if "lora_B" in name:
                param.normal_(std=0.02)
    model.eval()
    rng = np.random.default_rng(0)
    clips = [rng.normal(scale=0.3, size=(48, 20, 3)).astype(np.float32) for _ in range(args.clips)]
    with torch.no_grad():  # the cache: the encoder once per clip, ahead of the evaluation (not timed)
        step = args.recipe_batch
        prepared = [processor.prepare_skeletons(clips[b : b + step]) for b in range(0, len(clips), step)]
        tokens = [[model.get_encoder_tokens(p)] for p in prepared]
    print(f"{args.corpus}: {len(names)} candidates, {args.clips} clips, batch {args.batch}, "
          f"{processor.num_action_tokens} skeleton tokens, torch threads {torch.get_num_threads()}, "
          f"{platform.processor() or platform.machine()}")  # fmt: skip

    best: dict[str, float] = {}
    tops: dict[str, list] = {}
    for _ in range(args.repeats):  # interleaved repetitions: both variants see the same machine load
        for label, kwargs in ((f"before (fp32, encoder per batch of {args.batch})", {"bf16": False, "batch": args.batch}),
                              (f"recipe (bf16, cached tokens, batch {args.recipe_batch})",
                               {"bf16": True, "tokens": tokens, "batch": args.recipe_batch})):  # fmt: skip
            top, seconds = rank_all(model, processor, clips, names, **kwargs)
            best[label] = min(best.get(label, float("inf")), seconds)
            tops[label] = top
    base_label = next(iter(best))
    print(f"{'variant':<40} {'seconds':>8} {'clips/s':>8} {'speed-up':>9} {'same top-1':>11}")
    for label, seconds in best.items():
        agree = np.mean([a == b for a, b in zip(tops[label], tops[base_label])])
        print(f"{label:<40} {seconds:>8.2f} {args.clips / seconds:>8.2f} {best[base_label] / seconds:>8.2f}x "
              f"{100 * agree:>10.1f}%")  # fmt: skip
    if args.ab_repeats:
        attention_ab(model, processor, clips, names, tokens, args.recipe_batch, args.ab_repeats)


if __name__ == "__main__":
    main()
