"""CTR-GCN encoder throughput with pyskl's convention: random input (16, 2, 100, 25, 3), 10 warm-up and 10 timed
iterations, samples per second; plus the parameter count (published joint model: about 1.46M with its FC).

Runs, in one process on the same weights, the SUGAR encoder (token sequence + pooled output, subsets fused into
one convolution per stage) and the published CTR-GCN computation (one CTR-GC per adjacency subset, pooled +
FC head) as the baseline.

    python benchmarks/encoder_speed.py [--device cuda] [--dtype bfloat16]
"""

from __future__ import annotations

import argparse
import time

import torch
from torch import nn

from sugar_hf import SugarEncoderConfig, SugarSkeletonEncoder
from sugar_hf.modeling_ctrgcn import GraphConv


def throughput(fn, x: torch.Tensor, device: str) -> float:
    with torch.no_grad():
        for _ in range(10):
            fn(x)
        if device == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        for _ in range(10):
            fn(x)
        if device == "cuda":
            torch.cuda.synchronize()
    return 10 * x.shape[0] / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--dtype", default="float32", choices=["float32", "bfloat16", "float16"])
    args = parser.parse_args()
    dtype = getattr(torch, args.dtype)
    config = SugarEncoderConfig(layout="ntu25", num_frames=100)
    encoder = SugarSkeletonEncoder(config).to(args.device, dtype).eval()
    head = nn.Linear(config.hidden_size, 60).to(args.device, dtype)
    params = sum(p.numel() for p in encoder.parameters())
    x = torch.randn(16, 2, 100, 25, 3, device=args.device, dtype=dtype)
    sugar = throughput(lambda v: encoder(v), x, args.device)
    fused = GraphConv.refine
    GraphConv.refine = GraphConv.refine_per_subset  # the published per-subset computation
    try:
        published = throughput(lambda v: head(encoder(v).pooler_output), x, args.device)
    finally:
        GraphConv.refine = fused
    out = encoder(x)
    print(f"device {args.device} {args.dtype}, torch threads {torch.get_num_threads()}")
    print(
        f"parameters: encoder {params:,}; with a 60-class FC head {params + sum(p.numel() for p in head.parameters()):,}"
    )
    print(f"tokens: {tuple(out.last_hidden_state.shape)}, pooled {tuple(out.pooler_output.shape)}")
    print(f"SUGAR encoder (tokens + pooled, fused subsets): {sugar:.1f} samples/s")
    print(f"published CTR-GCN computation (per-subset, pooled + FC): {published:.1f} samples/s")
    print(f"ratio SUGAR / published: {sugar / published:.2f}x")


if __name__ == "__main__":
    main()
