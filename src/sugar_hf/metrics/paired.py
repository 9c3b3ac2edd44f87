"""Statistics for comparing two models on the same clips over a few training seeds.

A single training run cannot tell two models apart when one seed moves the accuracy by several points: these
are the tools the real-data benchmark (``benchmarks/real_data.py --seeds ...``) reports with.

- :func:`mean_std`: mean and sample standard deviation (``ddof=1``) of per-seed values.
- :func:`mcnemar`: the exact (binomial) two-sided McNemar test on per-clip correctness of two models.
- :func:`paired_bootstrap`: a paired bootstrap of the accuracy difference that resamples clips (the same clips for
  both models, within each seed) and averages the difference over the seeds.

Pure Python and numpy; the exact binomial tail is computed with integers (no rounding until the final division).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np


class McNemarResult(NamedTuple):
    """``b``: clips model A gets right and model B wrong; ``c``: the reverse; ``p_value``: exact two-sided."""

    b: int
    c: int
    p_value: float


class BootstrapResult(NamedTuple):
    """The observed difference A - B (accuracy, averaged over seeds), its percentile 95 % interval, the share of
    resamples in which A >= B, and the number of resamples."""

    difference: float
    ci_low: float
    ci_high: float
    share_a_ge_b: float
    n_resamples: int


def mean_std(values: Sequence[float]) -> tuple[float, float | None]:
    """``(mean, sample std with ddof=1)``; the std of a single value is ``None`` (undefined, not 0: one seed says
    nothing about the spread). Raises ``ValueError`` on an empty sequence."""
    values = [float(v) for v in values]
    if not values:
        raise ValueError("mean_std of no values")
    mean = sum(values) / len(values)
    if len(values) == 1:
        return mean, None
    return mean, math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))


def binomial_two_sided_p(k: int, n: int) -> float:
    """Exact two-sided p-value of ``k`` successes in ``n`` fair coin flips: ``min(1, 2 P(X <= min(k, n - k)))``
    (the symmetric null makes this the same as summing every outcome no more likely than ``k``)."""
    if not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(min(k, n - k) + 1))
    return min(1.0, 2 * tail / 2**n)


def _as_bool(values: Sequence[bool] | np.ndarray, name: str) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name}: expected one correctness flag per clip, got shape {array.shape}")
    return array.astype(bool)


def mcnemar(correct_a: Sequence[bool] | np.ndarray, correct_b: Sequence[bool] | np.ndarray) -> McNemarResult:
    """Exact two-sided McNemar test of two models' per-clip correctness on the same clips (same order).

    Only the discordant clips count: ``b`` (A right, B wrong) and ``c`` (A wrong, B right); under the null of equal
    accuracy each discordant clip is a fair coin, so ``p = min(1, 2 * P(Binomial(b + c, 1/2) <= min(b, c)))``
    (1.0 when there are no discordant clips)."""
    a, b_ = _as_bool(correct_a, "correct_a"), _as_bool(correct_b, "correct_b")
    if a.shape != b_.shape:
        raise ValueError(f"the arms have {a.size} and {b_.size} clips: a paired test needs the same clips")
    b = int(np.sum(a & ~b_))
    c = int(np.sum(~a & b_))
    return McNemarResult(b, c, binomial_two_sided_p(b, b + c))


def paired_bootstrap(correct_a_per_seed: Sequence[Sequence[bool]], correct_b_per_seed: Sequence[Sequence[bool]],
                     n: int = 10000, seed: int = 0, chunk: int = 1000) -> BootstrapResult:  # fmt: skip
    """Paired bootstrap of the accuracy difference A - B over one or more seeds.

    ``correct_a_per_seed[s]`` / ``correct_b_per_seed[s]``: per-clip correctness of the two models trained with seed
    ``s``, on the same clips in the same order (the clip count may differ between seeds). Each of the ``n``
    resamples draws clips with replacement within every seed (the same draw for both arms), takes the accuracy
    difference per seed and averages it over the seeds. Returns the observed difference (the mean over seeds of
    the per-seed accuracy differences), the 2.5 / 97.5 percentiles of the resampled differences and the share of
    resamples where A >= B. ``seed`` fixes the random draws; ``chunk`` resamples are drawn at a time."""
    if len(correct_a_per_seed) != len(correct_b_per_seed) or not correct_a_per_seed:
        raise ValueError("need the same, non-zero number of seeds for both arms")
    if n < 1:
        raise ValueError(f"n must be positive, got {n}")
    differences = []  # per seed: +1 (A right, B wrong), -1 (the reverse), 0 (agree)
    for s, (a, b) in enumerate(zip(correct_a_per_seed, correct_b_per_seed)):
        a, b = _as_bool(a, f"seed {s} arm a"), _as_bool(b, f"seed {s} arm b")
        if a.shape != b.shape or a.size == 0:
            raise ValueError(
                f"seed {s}: the arms have {a.size} and {b.size} clips (need the same, at least one)"
            )
        differences.append(a.astype(np.int8) - b.astype(np.int8))
    observed = float(np.mean([d.mean() for d in differences]))
    rng = np.random.default_rng(seed)
    resampled = np.zeros(n)
    for start in range(0, n, chunk):
        size = min(chunk, n - start)
        for d in differences:
            resampled[start : start + size] += d[rng.integers(0, d.size, size=(size, d.size))].mean(axis=1)
    resampled /= len(differences)
    low, high = np.percentile(resampled, [2.5, 97.5])
    # Clip-level accuracies are multiples of 1/n_clips: compare with a tolerance so A == B counts as A >= B.
    share = float(np.mean(resampled >= -1e-12))
    return BootstrapResult(observed, float(low), float(high), share, n)
