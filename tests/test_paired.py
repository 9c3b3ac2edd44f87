"""The paired statistics of the seed protocol: mean/std, exact McNemar, paired bootstrap."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sugar_hf.metrics.paired import binomial_two_sided_p, mcnemar, mean_std, paired_bootstrap


def flags(b: int, c: int, both_right: int = 0, both_wrong: int = 0) -> tuple[list[bool], list[bool]]:
    """Correctness of arms A and B with ``b`` clips only A gets right and ``c`` only B gets right."""
    a = [True] * b + [False] * c + [True] * both_right + [False] * both_wrong
    other = [False] * b + [True] * c + [True] * both_right + [False] * both_wrong
    return a, other


def test_mean_std_is_the_sample_std():
    mean, std = mean_std([0.8, 0.9, 1.0])
    assert mean == pytest.approx(0.9) and std == pytest.approx(0.1)  # ddof=1: sqrt(0.02 / 2)
    assert mean_std([0.5, 0.7])[1] == pytest.approx(np.std([0.5, 0.7], ddof=1))
    assert mean_std([0.85]) == (0.85, None)  # one seed: no spread, not a spread of 0
    with pytest.raises(ValueError):
        mean_std([])


@pytest.mark.parametrize(
    ("b", "c", "expected"),
    [
        (0, 10, 2 * 0.5**10),
        (10, 0, 2 * 0.5**10),
        (1, 9, 2 * (1 + 10) / 2**10),  # 2 P(X <= 1), X ~ Bin(10, 1/2)
        (2, 8, 2 * (1 + 10 + 45) / 2**10),
        (5, 5, 1.0),
        (0, 0, 1.0),
        (0, 1, 1.0),
        (3, 4, 1.0),
    ],
)
def test_mcnemar_known_p_values(b, c, expected):
    a, other = flags(b, c, both_right=7, both_wrong=3)
    result = mcnemar(a, other)
    assert (result.b, result.c) == (b, c)
    assert result.p_value == pytest.approx(expected, rel=1e-12)
    swapped = mcnemar(other, a)  # symmetric: swapping the arms swaps b and c, not the p-value
    assert (swapped.b, swapped.c) == (c, b) and swapped.p_value == pytest.approx(result.p_value, rel=1e-12)


def test_mcnemar_matches_scipy_and_ignores_concordant_clips():
    scipy_stats = pytest.importorskip("scipy.stats")
    for b, c in [(3, 17), (40, 61), (120, 95), (0, 300)]:
        expected = scipy_stats.binomtest(b, b + c, 0.5).pvalue
        assert binomial_two_sided_p(b, b + c) == pytest.approx(expected, rel=1e-9)
        assert mcnemar(*flags(b, c, both_right=500, both_wrong=50)).p_value == pytest.approx(
            expected, rel=1e-9
        )
    assert mcnemar(*flags(0, 20)).p_value == pytest.approx(2 / 2**20)
    with pytest.raises(ValueError):
        mcnemar([True, False], [True])


def test_bootstrap_of_identical_arms_is_zero():
    rng = np.random.default_rng(1)
    per_seed = [rng.random(200) < 0.7 for _ in range(3)]
    result = paired_bootstrap(per_seed, per_seed, n=500)
    assert result.difference == 0.0 and result.ci_low == 0.0 and result.ci_high == 0.0
    assert result.share_a_ge_b == 1.0 and result.n_resamples == 500


def test_bootstrap_ci_contains_the_true_difference():
    rng = np.random.default_rng(0)
    a_seeds, b_seeds = [], []
    for clips in (400, 450, 500):  # seeds may evaluate different clip counts
        a_seeds.append(rng.random(clips) < 0.80)
        b_seeds.append(rng.random(clips) < 0.65)
    result = paired_bootstrap(a_seeds, b_seeds, n=4000, seed=0)
    observed = np.mean([a.mean() - b.mean() for a, b in zip(a_seeds, b_seeds)])
    assert result.difference == pytest.approx(observed)
    assert result.ci_low < 0.15 < result.ci_high  # the true difference
    assert result.ci_low > 0.05 and result.share_a_ge_b == 1.0  # and clearly above no difference
    # ~ the normal interval of a mean of three independent differences
    se = math.sqrt(sum((0.8 * 0.2 + 0.65 * 0.35) / n for n in (400, 450, 500))) / 3
    assert result.ci_high - result.ci_low == pytest.approx(2 * 1.96 * se, rel=0.2)
    reverse = paired_bootstrap(b_seeds, a_seeds, n=4000, seed=0)
    assert reverse.difference == pytest.approx(-result.difference) and reverse.share_a_ge_b == 0.0
    assert paired_bootstrap(a_seeds, b_seeds, n=4000, seed=0) == result  # seeded: reproducible


def test_bootstrap_pairs_the_clips():
    # A is right on exactly the clips B is right on, plus 10 more of 100: pairing the clips makes every resample
    # favour A; resampling the arms independently would not.
    b = np.zeros(100, bool)
    b[:50] = True
    a = b.copy()
    a[50:60] = True
    result = paired_bootstrap([a], [b], n=2000)
    assert result.difference == pytest.approx(0.10) and result.share_a_ge_b == 1.0 and result.ci_low > 0
    with pytest.raises(ValueError):
        paired_bootstrap([a], [b[:50]])
    with pytest.raises(ValueError):
        paired_bootstrap([a, a], [b])
