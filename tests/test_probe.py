"""The linear probe (:mod:`sugar_hf.training.probe`) against known answers: separable classes, the Bayes-optimal
LDA rule of Gaussian classes with a shared covariance, an independent gradient, and train-only model selection."""

from __future__ import annotations

import json

import pytest
import torch

from sugar_hf.training.probe import fit_linear_probe, stratified_folds


def gaussian_classes(n: int, means: torch.Tensor, chol: torch.Tensor, generator: torch.Generator):
    """``n`` clips, balanced over the classes of ``means`` (``(k, d)``), noise ``N(0, chol @ chol.T)``."""
    y = torch.arange(n) % len(means)
    noise = torch.randn(n, means.shape[1], generator=generator, dtype=torch.float64) @ chol.T
    return means[y] + noise, y


def objective_grad_norm(result, x: torch.Tensor, y: torch.Tensor) -> float:
    """The gradient norm of mean CE + l2 * ||W||^2 at the probe's weights, by autograd: independent of the
    probe's own analytic gradient."""
    z = (x.double() - result.mean) / result.std
    target = torch.searchsorted(result.classes, y)
    weight = result.weight.clone().requires_grad_(True)
    bias = result.bias.clone().requires_grad_(True)
    loss = torch.nn.functional.cross_entropy(z @ weight + bias, target) + result.l2 * weight.square().sum()
    loss.backward()
    return float(torch.cat([weight.grad.flatten(), bias.grad]).norm())


def test_separable_classes_reach_full_accuracy_and_converge():
    g = torch.Generator().manual_seed(0)
    means = 12.0 * torch.randn(5, 16, generator=g, dtype=torch.float64)  # class means ~50 sigma apart
    chol = torch.eye(16, dtype=torch.float64)
    x_train, y_train = gaussian_classes(300, means, chol, g)
    x_test, y_test = gaussian_classes(300, means, chol, g)
    result = fit_linear_probe(x_train, y_train, x_test, y_test)
    assert result.test_top1 == 1.0 and result.train_top1 == 1.0
    assert result.converged and result.cv_converged
    assert result.grad_norm <= result.tol
    assert objective_grad_norm(result, x_train, y_train) <= 2 * result.tol
    assert result.l2 in result.l2_grid and len(result.cv_top1) == len(result.l2_grid)
    summary = json.loads(json.dumps(result.to_dict()))
    assert summary["top1"] == 1.0 and summary["converged"] is True and summary["l2"] == result.l2


def test_predictions_agree_with_the_bayes_optimal_lda_rule():
    """Gaussian classes with a shared (anisotropic, correlated) covariance and equal priors: the Bayes rule is
    linear, argmax_c mu_c' S^-1 x - mu_c' S^-1 mu_c / 2, and a converged logistic regression recovers it."""
    g = torch.Generator().manual_seed(0)
    d, k = 8, 4
    a = torch.randn(d, d, generator=g, dtype=torch.float64)
    cov = a @ a.T / d + 0.1 * torch.eye(d, dtype=torch.float64)
    chol = torch.linalg.cholesky(cov)
    means = 1.2 * torch.randn(k, d, generator=g, dtype=torch.float64)
    x_train, y_train = gaussian_classes(4000, means, chol, g)
    x_test, y_test = gaussian_classes(4000, means, chol, g)
    precision = torch.linalg.inv(cov)
    bayes = (x_test @ precision @ means.T - 0.5 * ((means @ precision) * means).sum(1)).argmax(1)
    bayes_top1 = float((bayes == y_test).double().mean())
    assert 0.85 < bayes_top1 < 0.97  # overlapping classes: the boundary matters

    result = fit_linear_probe(x_train, y_train, x_test, y_test)
    assert result.converged
    assert float((result.predict(x_test) == bayes).double().mean()) >= 0.98
    assert result.test_top1 == pytest.approx(bayes_top1, abs=0.015)
    assert objective_grad_norm(result, x_train, y_train) <= 2 * result.tol


def test_l2_is_chosen_on_the_train_split_only():
    g = torch.Generator().manual_seed(1)
    means = 0.8 * torch.randn(6, 12, generator=g, dtype=torch.float64)
    chol = torch.eye(12, dtype=torch.float64)
    x_train, y_train = gaussian_classes(240, means, chol, g)
    x_test, y_test = gaussian_classes(200, means, chol, g)
    plain = fit_linear_probe(x_train, y_train, x_test, y_test)
    # A different, even adversarial, test split (labels shuffled, features shifted) changes nothing but the score.
    other = fit_linear_probe(x_train, y_train, 5.0 + 3.0 * x_test, y_test[torch.randperm(200, generator=g)])
    untested = fit_linear_probe(x_train, y_train)
    for result in (other, untested):
        assert result.l2 == plain.l2
        assert result.cv_top1 == plain.cv_top1
        assert torch.equal(result.weight, plain.weight) and torch.equal(result.bias, plain.bias)
    assert untested.test_top1 is None and other.test_top1 != plain.test_top1
    # The CV accuracies are real: the best of the grid is the chosen value, and they vary along the grid.
    assert max(plain.cv_top1) == plain.cv_top1[plain.l2_grid.index(plain.l2)]
    assert max(plain.cv_top1) - min(plain.cv_top1) > 0.01
    # The folds are seeded: another seed may change the CV numbers, the same seed never does.
    assert fit_linear_probe(x_train, y_train, seed=0).cv_top1 == plain.cv_top1


def test_poorly_scaled_features_converge_to_the_same_classifier():
    g = torch.Generator().manual_seed(2)
    means = torch.randn(4, 10, generator=g, dtype=torch.float64)
    chol = torch.eye(10, dtype=torch.float64)
    x_train, y_train = gaussian_classes(200, means, chol, g)
    x_test, y_test = gaussian_classes(200, means, chol, g)
    scale = torch.ones(10, dtype=torch.float64)
    scale[3] = 1e4
    shift = torch.zeros(10, dtype=torch.float64)
    shift[7] = -3e3
    plain = fit_linear_probe(x_train, y_train, x_test, y_test)
    scaled = fit_linear_probe(x_train * scale + shift, y_train, x_test * scale + shift, y_test)
    assert scaled.converged and scaled.grad_norm <= scaled.tol
    assert scaled.l2 == plain.l2 and scaled.test_top1 == plain.test_top1
    assert torch.equal(scaled.predict(x_test * scale + shift), plain.predict(x_test))
    assert torch.allclose(scaled.weight, plain.weight, atol=1e-5)
    # The standardisation statistics are the train split's.
    assert torch.allclose(scaled.mean, (x_train * scale + shift).mean(0))


def test_constant_feature_and_float32_input():
    g = torch.Generator().manual_seed(3)
    means = 4.0 * torch.randn(3, 6, generator=g, dtype=torch.float64)
    x, y = gaussian_classes(90, means, torch.eye(6, dtype=torch.float64), g)
    x[:, 2] = 7.25  # std 0: standardised to 0, not NaN
    result = fit_linear_probe(x.float(), y, x.float(), y)
    assert result.converged and result.test_top1 > 0.95
    assert torch.isfinite(result.weight).all() and result.weight[2].abs().max() < 1e-8


def test_a_fixed_l2_fails_where_the_cross_validated_one_does_not():
    """The old probe's setup (one fixed l2 = 1e-3) on features whose class signal is a small-variance direction
    on top of a large shared component: standardised, that signal needs large weights, which 1e-3 forbids."""
    g = torch.Generator().manual_seed(1)
    n, d, k = 431, 64, 27
    y = torch.arange(2 * n) % k
    means = torch.randn(k, d, generator=g, dtype=torch.float64)
    common = 100.0 * torch.randn(2 * n, 1, generator=g, dtype=torch.float64)
    x = common + 0.5 * means[y] + 0.5 * torch.randn(2 * n, d, generator=g, dtype=torch.float64)
    fixed = fit_linear_probe(x[:n], y[:n], x[n:], y[n:], l2_grid=[1e-3])
    assert fixed.converged and fixed.test_top1 < 0.5  # converged, and still wrong: the l2 is the problem
    chosen = fit_linear_probe(x[:n], y[:n], x[n:], y[n:])
    assert chosen.converged and chosen.test_top1 > 0.95 and chosen.l2 < 1e-3


def test_convergence_is_reported_honestly():
    g = torch.Generator().manual_seed(4)
    means = 0.7 * torch.randn(5, 20, generator=g, dtype=torch.float64)
    x, y = gaussian_classes(200, means, torch.eye(20, dtype=torch.float64), g)
    short = fit_linear_probe(x, y, l2_grid=[1e-4], max_iter=3)
    assert not short.converged and short.grad_norm > short.tol and short.iterations <= 3
    assert objective_grad_norm(short, x, y) == pytest.approx(short.grad_norm, rel=1e-6)
    full = fit_linear_probe(x, y, l2_grid=[1e-4])
    assert full.converged and full.loss < short.loss
    assert objective_grad_norm(full, x, y) <= 2 * full.tol


def test_small_classes_and_label_ids_that_are_not_contiguous():
    labels = torch.tensor([0] * 9 + [1] * 3 + [2] * 1 + [3] * 2 + [4] * 5)
    folds = stratified_folds(labels, 5, seed=0)
    assert torch.equal(folds, stratified_folds(labels, 5, seed=0))
    assert not torch.equal(folds, stratified_folds(labels, 5, seed=1))
    sizes = torch.bincount(folds, minlength=5)
    assert int(sizes.max() - sizes.min()) <= 1
    for c in labels.unique():
        per_fold = torch.bincount(folds[labels == c], minlength=5)
        assert int(per_fold.max() - per_fold.min()) <= 1  # a class of 3 lands in 3 different folds

    g = torch.Generator().manual_seed(5)
    ids = torch.tensor([3, 8, 11, 20])  # e.g. the seen classes of a zero-shot protocol
    counts = [12, 12, 2, 1]  # two classes with fewer clips than folds
    means = 6.0 * torch.randn(4, 8, generator=g, dtype=torch.float64)
    y = torch.cat([torch.full((c,), int(i)) for i, c in zip(ids, counts)])
    x = means[torch.searchsorted(ids, y)] + torch.randn(len(y), 8, generator=g, dtype=torch.float64)
    result = fit_linear_probe(x, y, x, y, folds=5)
    assert torch.equal(result.classes, ids) and result.converged
    assert set(result.predict(x).tolist()) <= set(ids.tolist()) and result.train_top1 == 1.0
    with pytest.raises(ValueError, match="too few"):
        fit_linear_probe(x[:3], y[:3], folds=5)


def test_probe_folder_on_stage1_and_baseline(tmp_path):
    from tiny import CLASSES, tiny_config
    from training_helpers import write_tiny_dataset

    from sugar_hf import SugarSkeletonTextModel
    from sugar_hf.modeling_baseline import SugarBaselineConfig, SugarForSkeletonClassification
    from sugar_hf.training.probe import load_encoder_model, probe_folder

    dataset = write_tiny_dataset(tmp_path / "data", per_class_train=5, per_class_test=2)
    torch.manual_seed(0)
    config = tiny_config()
    SugarSkeletonTextModel(config).save_pretrained(tmp_path / "stage1")
    SugarForSkeletonClassification(
        SugarBaselineConfig(encoder_config=config.encoder_config, class_names=CLASSES)
    ).save_pretrained(tmp_path / "baseline")
    for kind in ("stage1", "baseline"):
        assert load_encoder_model(tmp_path / kind)[1] == kind
        result = probe_folder(tmp_path / kind, dataset, classes=[0, 2, 4, 5])
        assert result.converged and result.test_top1 is not None
        assert result.classes.tolist() == [0, 2, 4, 5]
        assert result.weight.shape == (config.encoder_config.hidden_size, 4)
