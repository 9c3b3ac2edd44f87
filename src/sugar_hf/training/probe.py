"""A linear probe that can be trusted: multinomial logistic regression on frozen features, solved to convergence.

:func:`fit_linear_probe` standardises the features with the train split's statistics, picks the L2 strength by
stratified k-fold cross-validation on the train split only, refits on the whole train split with it and scores
the test split. The problem (mean cross-entropy + ``l2 * ||W||^2``, bias unpenalised) is strictly convex in ``W``;
it is solved in float64 with L-BFGS (scipy's L-BFGS-B, whose line search enforces the strong Wolfe conditions) on
the exact full-batch gradient, restarted until the gradient norm is below ``tol`` (or ``max_iter`` iterations are spent), and the result says whether that happened
(``converged``, ``grad_norm``, ``iterations``) instead of returning whatever the last step left.

:func:`probe_folder` is the probe of a saved stage-1 (``SugarSkeletonTextModel``) or baseline
(``SugarForSkeletonClassification``) folder: the mean-pooled tokens of its frozen encoder on the checkpoint's own
eval view of a converted dataset (``examples/linear_probe.py`` and ``benchmarks/real_data.py`` use it).
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import torch

DEFAULT_L2_GRID: tuple[float, ...] = tuple(
    10.0**e for e in (-5.0, -4.5, -4.0, -3.5, -3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.0)
)


@dataclass
class LinearProbeResult:
    """What :func:`fit_linear_probe` found. ``weight`` / ``bias`` act on features standardised with ``mean`` /
    ``std`` (the train split's); their columns are the train split's classes ``classes`` (original label ids),
    which is what :meth:`predict` returns."""

    l2: float
    l2_grid: list[float]
    cv_top1: list[float]
    cv_converged: bool
    train_top1: float
    test_top1: float | None
    converged: bool
    iterations: int
    grad_norm: float
    loss: float
    folds: int
    tol: float
    seconds: float
    classes: torch.Tensor = field(repr=False)
    mean: torch.Tensor = field(repr=False)
    std: torch.Tensor = field(repr=False)
    weight: torch.Tensor = field(repr=False)
    bias: torch.Tensor = field(repr=False)

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """``(n, len(classes))`` float64 logits of raw (unstandardised) features ``x``."""
        return _standardise(x, self.mean, self.std) @ self.weight + self.bias

    def predict(self, x: torch.Tensor) -> torch.Tensor:
        """Predicted original label ids of raw features ``x``."""
        return self.classes[self.logits(x).argmax(1)]

    def to_dict(self) -> dict[str, Any]:
        """The JSON-able summary (no tensors): ``top1`` is the test top-1 (None without a test split)."""
        return {
            "top1": self.test_top1,
            "train_top1": self.train_top1,
            "l2": self.l2,
            "cv_top1": {f"{l2:.3g}": acc for l2, acc in zip(self.l2_grid, self.cv_top1)},
            "cv_folds": self.folds,
            "cv_converged": self.cv_converged,
            "converged": self.converged,
            "iterations": self.iterations,
            "grad_norm": self.grad_norm,
            "tol": self.tol,
            "loss": self.loss,
            "num_features": int(self.weight.shape[0]),
            "num_classes": int(self.weight.shape[1]),
            "seconds": round(self.seconds, 3),
        }


@dataclass
class _Fit:
    theta: torch.Tensor  # (d + 1, k): the weight rows, then the bias row
    converged: bool
    iterations: int
    grad_norm: float
    loss: float


def fit_linear_probe(
    x_train: torch.Tensor,
    y_train: torch.Tensor,
    x_test: torch.Tensor | None = None,
    y_test: torch.Tensor | None = None,
    *,
    l2_grid: Sequence[float] = DEFAULT_L2_GRID,
    folds: int = 5,
    seed: int = 0,
    tol: float = 1e-6,
    max_iter: int = 2000,
) -> LinearProbeResult:
    """Multinomial logistic regression on ``x_train`` (``(n, d)``) / ``y_train`` (``(n,)`` int labels), the L2
    strength chosen from ``l2_grid`` by stratified ``folds``-fold cross-validation on the train split (``seed``
    fixes the folds), refit on the whole train split and scored on ``x_test`` / ``y_test`` when given.

    Objective: mean cross-entropy + ``l2 * ||W||^2`` on standardised features (bias unpenalised). A fit has
    converged when the gradient norm of that objective is below ``tol`` within ``max_iter`` L-BFGS iterations.
    The chosen ``l2`` has the best pooled CV accuracy (ties: the largest ``l2``). Labels need not be contiguous; a
    class absent from a training fold is left out of that fold's model (its validation clips count as errors).
    """
    start = time.perf_counter()
    x_train = _as_features(x_train, "x_train")
    y_train = torch.as_tensor(y_train).long().reshape(-1)
    if len(y_train) != len(x_train):
        raise ValueError(f"x_train has {len(x_train)} rows but y_train has {len(y_train)} labels")
    grid = sorted({float(v) for v in l2_grid}, reverse=True)  # strongest first: each fit warm-starts the next
    if not grid or min(grid) <= 0:
        raise ValueError(f"l2_grid must hold positive values, got {list(l2_grid)}")
    if len(grid) > 1 and folds < 2:
        raise ValueError(f"folds must be >= 2 to choose among {len(grid)} l2 values, got {folds}")
    if len(grid) > 1 and len(y_train) < folds:
        raise ValueError(f"{len(y_train)} train clips are too few for {folds} folds")

    cv_top1, cv_converged = [float("nan")] * len(grid), True
    if len(grid) > 1:
        fold_of = stratified_folds(y_train, folds, seed)
        correct = torch.zeros(len(grid), dtype=torch.float64)
        for fold in range(folds):
            held = fold_of == fold
            fits = _fit_path(x_train[~held], y_train[~held], grid, tol, max_iter)
            for i, (fit, predict) in enumerate(fits):
                correct[i] += (predict(x_train[held]) == y_train[held]).sum()
                cv_converged &= fit.converged
        cv_top1 = (correct / len(y_train)).tolist()
        best = max(cv_top1)
        chosen = grid[next(i for i, acc in enumerate(cv_top1) if acc >= best - 1e-12)]  # ties: the largest l2
    else:
        chosen = grid[0]
    # The final fit follows the same warm-started path down to the chosen value.
    path = grid[: grid.index(chosen) + 1]
    fits = _fit_path(x_train, y_train, path, tol, max_iter)
    fit, predict = fits[-1]
    iterations = sum(f.iterations for f, _ in fits)
    classes, mean, std = predict.classes, predict.mean, predict.std
    train_top1 = float((predict(x_train) == y_train).double().mean())
    test_top1 = None
    if x_test is not None and y_test is not None:
        x_test = _as_features(x_test, "x_test")
        y_test = torch.as_tensor(y_test).long().reshape(-1)
        test_top1 = float((predict(x_test) == y_test).double().mean()) if len(y_test) else float("nan")
    order = sorted(range(len(grid)), key=lambda i: grid[i])  # report the grid ascending
    return LinearProbeResult(
        l2=chosen, l2_grid=[grid[i] for i in order], cv_top1=[cv_top1[i] for i in order], cv_converged=cv_converged,
        train_top1=train_top1, test_top1=test_top1, converged=fit.converged, iterations=iterations,
        grad_norm=fit.grad_norm, loss=fit.loss, folds=folds if len(grid) > 1 else 0, tol=tol,
        seconds=time.perf_counter() - start, classes=classes, mean=mean, std=std,
        weight=fit.theta[:-1].clone(), bias=fit.theta[-1].clone(),
    )  # fmt: skip


def stratified_folds(labels: torch.Tensor, folds: int, seed: int = 0) -> torch.Tensor:
    """Fold id (``0 .. folds - 1``) of every clip: each class shuffled (``seed``), the classes laid end to end and
    dealt to the folds in turn, so folds differ in size by at most one and each class is spread over them as
    evenly as possible (a class with fewer clips than folds lands in as many folds as it has clips)."""
    labels = torch.as_tensor(labels).long().reshape(-1)
    generator = torch.Generator().manual_seed(seed)
    order = torch.cat(
        [(idx := torch.nonzero(labels == c).flatten())[torch.randperm(len(idx), generator=generator)]
         for c in torch.unique(labels).tolist()]
    ) if len(labels) else torch.zeros(0, dtype=torch.long)  # fmt: skip
    fold_of = torch.empty(len(labels), dtype=torch.long)
    fold_of[order] = torch.arange(len(labels)) % folds
    return fold_of


class _Predictor:
    """Standardise with the fit's statistics, then the argmax class (original label id)."""

    def __init__(
        self, theta: torch.Tensor, classes: torch.Tensor, mean: torch.Tensor, std: torch.Tensor
    ) -> None:
        self.theta, self.classes, self.mean, self.std = theta, classes, mean, std

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        logits = _standardise(x, self.mean, self.std) @ self.theta[:-1] + self.theta[-1]
        return self.classes[logits.argmax(1)]


def _fit_path(x: torch.Tensor, y: torch.Tensor, grid: Sequence[float], tol: float, max_iter: int) -> list:
    """``[(fit, predictor)]`` for each ``l2`` of ``grid`` (descending) on one training set, each fit warm-started
    from the previous one; the features are standardised with this training set's statistics."""
    mean, std = x.mean(0), x.std(0, unbiased=False)
    std = torch.where(std > 1e-12 * (1.0 + mean.abs()), std, torch.ones_like(std))  # constant feature -> 0
    z = _standardise(x, mean, std)
    classes = torch.unique(y)
    target = torch.searchsorted(classes, y)
    theta = torch.zeros(z.shape[1] + 1, len(classes), dtype=torch.float64)
    out = []
    for l2 in grid:
        fit = _solve(z, target, l2, theta, tol, max_iter)
        theta = fit.theta
        out.append((fit, _Predictor(theta, classes, mean, std)))
    return out


def _solve(
    z: torch.Tensor, target: torch.Tensor, l2: float, theta0: torch.Tensor, tol: float, max_iter: int
) -> _Fit:
    """Minimise mean CE(z @ W + b, target) + l2 * ||W||^2 from ``theta0`` (float64) with L-BFGS-B (scipy: a
    Moré-Thuente line search enforcing the strong Wolfe conditions), restarted from where it stopped until the
    gradient norm is below ``tol``, ``max_iter`` iterations are spent or a restart makes no progress."""
    import numpy as np
    from scipy.optimize import minimize

    zn, n, k = z.numpy(), z.shape[0], theta0.shape[1]
    onehot = np.zeros((n, k))
    onehot[np.arange(n), target.numpy()] = 1.0
    shape = (z.shape[1] + 1, k)

    last: dict = {}

    def objective(flat: np.ndarray) -> tuple[float, np.ndarray]:
        theta = flat.reshape(shape)
        weight = theta[:-1]
        logits = zn @ weight + theta[-1]
        top = logits.max(1, keepdims=True)
        exp = np.exp(logits - top)
        total = exp.sum(1, keepdims=True)
        loss = float((np.log(total) + top - (logits * onehot).sum(1, keepdims=True)).mean()) + l2 * float(
            np.vdot(weight, weight)
        )
        residual = (exp / total - onehot) / n
        grad = np.concatenate([zn.T @ residual + 2.0 * l2 * weight, residual.sum(0, keepdims=True)]).ravel()
        last.update(x=flat.copy(), grad_norm=float(np.linalg.norm(grad)))
        return loss, grad

    def stop_at_tol(intermediate_result) -> None:  # the iterate is the last point evaluated (line search end)
        if np.array_equal(intermediate_result.x, last["x"]) and last["grad_norm"] <= tol:
            raise StopIteration

    flat = theta0.numpy().astype(np.float64).ravel()
    loss, grad = objective(flat)
    iterations = 0
    # Stop once the gradient norm is below tol (the callback); gtol, on the largest entry, is only a backstop.
    options = {"gtol": tol / math.sqrt(flat.size), "ftol": 0.0, "maxcor": 20, "maxls": 50}
    while float(np.linalg.norm(grad)) > tol and iterations < max_iter:
        found = minimize(objective, flat, jac=True, method="L-BFGS-B", callback=stop_at_tol,
                         options={**options, "maxiter": max_iter - iterations})  # fmt: skip
        iterations += int(found.nit)
        progress = found.fun < loss
        flat, (loss, grad) = found.x, objective(found.x)
        if not progress:  # a restart that lowers nothing would repeat forever
            break
    grad_norm = float(np.linalg.norm(grad))
    theta = torch.from_numpy(flat.reshape(shape).copy())
    return _Fit(theta, grad_norm <= tol, iterations, grad_norm, loss)


def _standardise(x: torch.Tensor, mean: torch.Tensor, std: torch.Tensor) -> torch.Tensor:
    return (torch.as_tensor(x).to(torch.float64) - mean) / std


def _as_features(x: torch.Tensor, name: str) -> torch.Tensor:
    x = torch.as_tensor(x).to(torch.float64)
    if x.dim() != 2:
        raise ValueError(f"{name} must be (clips, features), got shape {tuple(x.shape)}")
    if not torch.isfinite(x).all():
        raise ValueError(f"{name} holds non-finite values")
    return x


def load_encoder_model(folder: str | os.PathLike) -> tuple[Any, str]:
    """``(model, kind)`` of a saved stage-1 (``stage1``: ``SugarSkeletonTextModel``) or baseline (``baseline``:
    ``SugarForSkeletonClassification``) folder, in eval mode; both hold the skeleton encoder as ``model.encoder``
    and its config as ``model.config.encoder_config``."""
    from .. import SugarSkeletonTextModel
    from ..modeling_baseline import SugarForSkeletonClassification

    with open(os.path.join(folder, "config.json"), encoding="utf-8") as handle:
        config = json.load(handle)
    if config.get("model_type") == "sugar_baseline":
        return SugarForSkeletonClassification.from_pretrained(str(folder)).eval(), "baseline"
    if "SugarSkeletonTextModel" in (config.get("architectures") or []):
        return SugarSkeletonTextModel.from_pretrained(str(folder)).eval(), "stage1"
    raise ValueError(
        f"{folder}: not a stage-1 or baseline folder (model_type {config.get('model_type')!r}, architectures "
        f"{config.get('architectures')}); a stage-2 folder's encoder is probed through its stage-1 folder"
    )


@torch.no_grad()
def encoder_features(model: Any, split: Any, batch_size: int = 64) -> tuple[torch.Tensor, torch.Tensor]:
    """``(features, labels)``: the mean over tokens of ``model.encoder``'s last hidden state for every clip of a
    converted ``split``, preprocessed as the checkpoint evaluates (stream, test crop, centring, view alignment,
    in_channels: :meth:`SkeletonTorchDataset.from_encoder_config` with ``train=False``)."""
    import numpy as np

    from ..data.torch_dataset import SkeletonTorchDataset

    view = SkeletonTorchDataset.from_encoder_config(split, model.config.encoder_config, train=False)
    xs, ys = [], []
    for start in range(0, len(view), batch_size):
        items = [view[i] for i in range(start, min(start + batch_size, len(view)))]
        tokens = model.encoder(torch.from_numpy(np.stack([it["skeleton"] for it in items]))).last_hidden_state
        xs.append(tokens.mean(1))
        ys += [int(it["label"]) for it in items]
    return torch.cat(xs), torch.tensor(ys)


def probe_folder(
    folder: str | os.PathLike,
    dataset: str | os.PathLike,
    classes: Sequence[int] | None = None,
    *,
    train_split: str = "train",
    test_split: str = "test",
    **probe_kwargs: Any,
) -> LinearProbeResult:
    """:func:`fit_linear_probe` on the frozen encoder of a stage-1 or baseline ``folder``: mean-pooled tokens of
    the ``train_split`` / ``test_split`` clips of the converted ``dataset`` (only ``classes`` when given)."""
    from .data import keep_labels, load_splits

    model, _ = load_encoder_model(folder)
    train, test, _, _ = load_splits(str(dataset), train_split, test_split)
    if test is None:
        raise ValueError(f"{dataset} has no {test_split!r} split")
    if classes is not None:
        train, test = keep_labels(train, classes), keep_labels(test, classes)
    x_train, y_train = encoder_features(model, train)
    x_test, y_test = encoder_features(model, test)
    return fit_linear_probe(x_train, y_train, x_test, y_test, **probe_kwargs)
