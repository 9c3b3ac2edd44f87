"""Stage-2 training step time on the embedded default (SmolLM2-135M): per-row prompts, a batch-shared prefix, and
the stage-2 recipe.

Ways to run the same optimizer step (forward + backward, LoRA + projector trainable), in one process:
  * baseline: the paper's instruction, every row runs its whole prompt (the candidate list after the skeleton);
  * shared: the candidates-first instruction, the common prompt start runs once per batch
    (``SugarForActionRecognition.forward(share_prefix=True)``);
  * shared+trim: the same, with logits only over the answer span (what ``examples/train.py`` did at abf8a31);
  * recipe: shared+trim on cached encoder tokens (``--token_cache``) under bf16 autocast (AMX on this CPU), at
    the batch size and at twice it (``--mixed_precision bf16``; the accuracy cost is measured in the README).
Throughput is clips per second; the speed-up column is against shared+trim, the default before the recipe.
Then, interleaved (``--ab-repeats``), the recipe step with the LLM's attention as transformers' ``sdpa``
(``repeat_kv`` copies of the key/value heads under a mask) against ``sdpa_gqa`` (the default since issue 23):
the median and range of the per-repetition ratios of wall and CPU time, and the loss and gradient differences.
The candidate list is a corpus's class names (default: UTD-MHAD's 27, the longest of the real CPU corpora).

    python benchmarks/stage2_step_speed.py [--corpus utd_mhad] [--batch 8] [--repeats 3] [--ab-repeats 5]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import numpy as np
import torch

from sugar_hf.configuration_sugar import CANDIDATES_FIRST_INSTRUCTION, DEFAULT_INSTRUCTION
from sugar_hf.corpora import CORPORA, class_names
from sugar_hf.embedded import build_embedded_default
from sugar_hf.modeling_sugar import SDPA_GQA, answer_logits_to_keep
from sugar_hf.processing_sugar import format_answer


def step_seconds(
    model, inputs: dict, repeats: int, bf16: bool = False, **forward_kwargs
) -> tuple[float, float]:
    """Best wall time of forward + backward, and the loss (to show the variants compute the same thing)."""
    times, loss = [], None
    for _ in range(repeats):
        model.zero_grad(set_to_none=True)
        start = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            out = model(**inputs, **forward_kwargs)
        out.loss.backward()
        times.append(time.perf_counter() - start)
        loss = float(out.loss)
    return min(times), loss


def print_attention_ratios(what: str, times: dict[str, list[tuple[float, float]]]) -> None:
    """The interleaved A/B's (wall, cpu) seconds per repetition, sdpa vs sdpa_gqa: medians and speed-up range."""
    repeats = len(times["sdpa"])
    print(f"attention, {what}, {repeats} interleaved repetitions: sdpa (repeat_kv) -> {SDPA_GQA}")
    for k, clock in enumerate(("wall", "cpu")):
        ratios = [a[k] / b[k] for a, b in zip(times["sdpa"], times[SDPA_GQA])]
        print(f"  {clock:<5} {statistics.median(t[k] for t in times['sdpa']):.2f} s -> "
              f"{statistics.median(t[k] for t in times[SDPA_GQA]):.2f} s: speed-up median {statistics.median(ratios):.3f}x, "
              f"range {min(ratios):.3f}-{max(ratios):.3f}x")  # fmt: skip


def attention_ab(model, inputs: dict, repeats: int, **forward_kwargs) -> None:
    """``sdpa`` (before) against ``sdpa_gqa`` on the same step, interleaved so both see the same machine load."""
    times: dict[str, list[tuple[float, float]]] = {"sdpa": [], SDPA_GQA: []}
    results = {}
    for _ in range(repeats):
        for implementation in times:
            model.llm.set_attn_implementation(implementation)
            model.zero_grad(set_to_none=True)
            wall, cpu = time.perf_counter(), time.process_time()
            with torch.autocast("cpu", dtype=torch.bfloat16):
                out = model(**inputs, **forward_kwargs)
            out.loss.backward()
            times[implementation].append((time.perf_counter() - wall, time.process_time() - cpu))
            grads = torch.cat([p.grad.flatten() for p in model.parameters() if p.grad is not None])
            results[implementation] = (float(out.loss), grads)
    model.llm.set_attn_implementation(SDPA_GQA)
    print_attention_ratios("recipe step", times)
    (loss_a, grads_a), (loss_b, grads_b) = results["sdpa"], results[SDPA_GQA]
    print(f"  loss {loss_a:.5f} vs {loss_b:.5f}; largest gradient difference {(grads_a - grads_b).abs().max():.2e} "
          f"(gradient scale {grads_a.abs().max():.2e})")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", default="utd_mhad", choices=sorted(n for n, s in CORPORA.items() if s.classes))
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--ab-repeats", type=int, default=5, help="interleaved sdpa / sdpa_gqa repetitions (0: skip)")
    parser.add_argument("--num-segments", type=int, default=2)
    parser.add_argument("--num-queries", type=int, default=8)
    parser.add_argument(
        "--skip-per-row", action="store_true", help="leave out the slow per-row paper-prompt row"
    )
    args = parser.parse_args()

    names = class_names(args.corpus)
    torch.manual_seed(0)
    model, processor = build_embedded_default(
        class_names=names, layout="ntu25", num_persons=1, num_frames=32, base_channels=16,
        num_segments=args.num_segments, num_queries=args.num_queries,
    )  # fmt: skip
    model.eval()  # no dropout: the three variants must give the same loss
    rng = np.random.default_rng(0)
    clips = [rng.normal(size=(1, 32, 25, 3)).astype(np.float32) for _ in range(2 * args.batch)]
    answers = [format_answer(names[i % len(names)]) for i in range(2 * args.batch)]
    print(f"{args.corpus}: {len(names)} candidates, batch {args.batch}, {processor.num_action_tokens} skeleton "
          f"tokens, answers = class names, torch threads {torch.get_num_threads()}, "
          f"{platform.processor() or platform.machine()}")  # fmt: skip

    rows = []
    for label, template, kwargs in [
        ("baseline (paper prompt, per row)", DEFAULT_INSTRUCTION, {"share_prefix": False}),
        ("shared prefix (candidates first)", CANDIDATES_FIRST_INSTRUCTION, {}),
        ("shared prefix + answer-only logits", CANDIDATES_FIRST_INSTRUCTION, {"trim": True}),
        ("recipe: + cached tokens, bf16", CANDIDATES_FIRST_INSTRUCTION, {"trim": True, "cached": True, "bf16": True}),
        (f"recipe, batch {2 * args.batch}", CANDIDATES_FIRST_INSTRUCTION,
         {"trim": True, "cached": True, "bf16": True, "double": True}),
    ]:  # fmt: skip
        if args.skip_per_row and kwargs.get("share_prefix") is False:
            continue
        processor.instruction_template = template
        batch = 2 * args.batch if kwargs.pop("double", False) else args.batch
        inputs = processor(skeletons=clips[:batch], candidates=names, answers=answers[:batch])
        if kwargs.pop("cached", False):  # the encoder ran once, ahead of training (the cache)
            with torch.no_grad():
                inputs["encoder_tokens"] = model.get_encoder_tokens(inputs.pop("skeleton_values"))
        if kwargs.pop("trim", False):
            kwargs["logits_to_keep"] = answer_logits_to_keep(inputs["labels"])
        shared = model.shared_prefix_length(inputs["input_ids"], inputs["attention_mask"])
        if kwargs.get("share_prefix") is False:
            shared = 0
        seconds, loss = step_seconds(model, inputs, args.repeats, **kwargs)
        tokens = inputs["attention_mask"].sum().item()
        rows.append((label, seconds, batch / seconds, loss, tokens, shared))
        if label.startswith("recipe: ") and args.ab_repeats:
            ab = (inputs, kwargs)
    base = next(row[2] for row in rows if row[0].startswith("shared prefix + answer-only"))
    print(
        f"{'variant':<38} {'step s':>8} {'clips/s':>8} {'vs trim':>8} {'tokens':>7} {'shared':>7} {'loss':>8}"
    )
    for label, seconds, speed, loss, tokens, shared in rows:
        print(
            f"{label:<38} {seconds:>8.2f} {speed:>8.2f} {speed / base:>7.2f}x {tokens:>7} {shared:>7} {loss:>8.4f}"
        )
    if args.ab_repeats:
        inputs, kwargs = ab
        kwargs = {k: v for k, v in kwargs.items() if k != "bf16"}
        attention_ab(model, inputs, args.ab_repeats, **kwargs)


if __name__ == "__main__":
    main()
