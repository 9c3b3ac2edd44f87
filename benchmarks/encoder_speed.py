"""CTR-GCN throughput, sugar-hf against the official implementation, with pyskl's convention: random input
(16, 2, 100, 25, 3) (the reference's (16, 3, 100, 25, 2)), fp32, samples per second; plus the parameter count
(published joint model: 1,446,672 with its 60-class FC).

Both models run in one process on the same weights (the reference's state dict mapped with
``ctrgcn_state_dict_to_baseline``; outputs checked equal first): sugar-hf's baseline (encoder with token sequence
+ pooled output, and the FC head) against ``model/ctrgcn.py``'s ``Model``. Two measures, each in interleaved
repetitions (ours, reference, ours, ...) so that a loaded machine slows both alike: inference (eval mode, no
grad) and one training step (train mode, forward + cross-entropy + backward + SGD with momentum). Every
repetition times ``--iters`` calls after ``--warmup``; the median and the spread (min-max) over repetitions are
printed, and the ratio of the medians. ``--threads 1 2`` repeats everything at each torch thread count.

The reference code (CC BY-NC) is not part of the project: it is imported from ``../shared/reference/ctrgcn``
beside the repository, or ``$SUGAR_CTRGCN_REFERENCE``. Without it only sugar-hf is timed.

    python benchmarks/encoder_speed.py [--threads 1 2] [--repeats 5] [--device cuda] [--dtype bfloat16]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from sugar_hf import SugarBaselineConfig, SugarEncoderConfig, SugarForSkeletonClassification
from sugar_hf.modeling_baseline import ctrgcn_state_dict_to_baseline

REFERENCE = Path(
    os.environ.get(
        "SUGAR_CTRGCN_REFERENCE",
        Path(__file__).resolve().parents[1] / ".." / "shared" / "reference" / "ctrgcn",
    )
)


def reference_model():
    """The official ``Model`` (NTU-25 graph, 60 classes), or ``None`` when its code is not there."""
    if not (REFERENCE / "model" / "ctrgcn.py").is_file():
        return None
    sys.path.insert(0, str(REFERENCE))
    from model.ctrgcn import Model

    return Model(
        num_class=60,
        num_point=25,
        num_person=2,
        graph="graph.ntu_rgb_d.Graph",
        graph_args={"labeling_mode": "spatial"},
    )


def sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def inference_step(model, x):
    def step():
        model.eval()  # set on every call: the training measure's steps leave the model in train mode
        with torch.no_grad():
            model(x)

    return step


def training_step(model, x, logits_of):
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9, weight_decay=4e-4)
    labels = torch.arange(x.shape[0], device=x.device) % 60

    def step():
        model.train()
        optimizer.zero_grad(set_to_none=True)
        F.cross_entropy(logits_of(model(x)).float(), labels).backward()
        optimizer.step()

    return step


def interleaved(steps: dict, batch: int, warmup: int, iters: int, repeats: int, device: str) -> dict:
    """samples/s of every step, ``repeats`` times, taking turns."""
    for step in steps.values():
        for _ in range(warmup):
            step()
    sync(device)
    rates = {name: [] for name in steps}
    for _ in range(repeats):
        for name, step in steps.items():
            start = time.perf_counter()
            for _ in range(iters):
                step()
            sync(device)
            rates[name].append(iters * batch / (time.perf_counter() - start))
    return rates


def summary(rates: list[float]) -> str:
    return f"{statistics.median(rates):7.2f} samples/s (spread {min(rates):.2f}-{max(rates):.2f}, n={len(rates)})"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--dtype", default="float32", choices=["float32", "bfloat16", "float16"])
    parser.add_argument("--threads", type=int, nargs="+", default=[torch.get_num_threads()])
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--frames", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5, help="interleaved repetitions per measure")
    parser.add_argument(
        "--warmup", type=int, default=2, help="untimed calls per model before the repetitions"
    )
    parser.add_argument("--iters", type=int, default=3, help="timed inference calls per repetition")
    parser.add_argument("--train-iters", type=int, default=1, help="timed training steps per repetition")
    parser.add_argument("--skip-train", action="store_true")
    args = parser.parse_args()
    dtype = getattr(torch, args.dtype)
    device = args.device

    torch.manual_seed(0)
    reference = reference_model()
    config = SugarBaselineConfig(
        encoder_config=SugarEncoderConfig(layout="ntu25", num_frames=args.frames),
        class_names=[f"class_{i}" for i in range(60)],
    )
    ours = SugarForSkeletonClassification(config)
    if reference is not None:
        ours.load_state_dict(ctrgcn_state_dict_to_baseline(reference.state_dict()), strict=False)
        reference.to(device, dtype)
    ours.to(device, dtype)
    x = torch.randn(args.batch, 2, args.frames, 25, 3, device=device, dtype=dtype)
    x_reference = x.permute(0, 4, 2, 3, 1).contiguous()  # (N, M, T, V, C) -> the reference's (N, C, T, V, M)

    params = sum(p.numel() for p in ours.parameters())
    print(f"device {device} {args.dtype}; input {tuple(x.shape)}; parameters with the 60-class FC {params:,}")
    if reference is None:
        print(f"(the reference CTR-GCN is not at {REFERENCE}: timing sugar-hf only)")
    else:
        ours.eval()
        reference.eval()
        with torch.no_grad():
            diff = (ours(x).logits - reference(x_reference)).abs().max().item()
        print(f"reference: {REFERENCE.resolve()}; max |logits difference| in eval mode {diff:.2g}")

    for threads in args.threads:
        if device == "cpu":
            torch.set_num_threads(threads)
        print(f"\n== torch threads {torch.get_num_threads()} ==")
        ref_inference = inference_step(reference, x_reference) if reference is not None else None
        measures = {"inference": (args.iters, inference_step(ours, x), ref_inference)}
        if not args.skip_train:
            ours_train = training_step(ours, x, lambda out: out.logits)
            ref_train = (
                training_step(reference, x_reference, lambda out: out) if reference is not None else None
            )
            measures["training step"] = (args.train_iters, ours_train, ref_train)
        for name, (iters, ours_step, ref_step) in measures.items():
            steps = {"sugar-hf": ours_step} | ({"reference": ref_step} if ref_step is not None else {})
            rates = interleaved(steps, args.batch, args.warmup, iters, args.repeats, device)
            for model_name, r in rates.items():
                print(f"{name:13s} {model_name:9s} {summary(r)}")
            if ref_step is not None:
                ratio = statistics.median(rates["sugar-hf"]) / statistics.median(rates["reference"])
                paired = sorted(a / b for a, b in zip(rates["sugar-hf"], rates["reference"]))
                print(
                    f"{name:13s} ratio sugar-hf / reference: {ratio:.2f}x (per repetition {paired[0]:.2f}-{paired[-1]:.2f}x)"
                )


if __name__ == "__main__":
    main()
