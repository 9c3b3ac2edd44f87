"""The CTR-GCN encoder against the official implementation (``model/ctrgcn.py`` of Uason-Chen/CTR-GCN).

The reference code is CC BY-NC and is not part of the project: it is imported from ``../shared/reference/ctrgcn``
(or ``$SUGAR_CTRGCN_REFERENCE``), and these tests skip when it is absent. Every parameter and buffer of the
reference ``Model`` is randomised (batch-norm statistics and the refinement scale ``alpha`` included, so that every
term counts), mapped onto :class:`SugarForSkeletonClassification` with ``ctrgcn_state_dict_to_baseline``, and both
models must agree: logits, the pooled feature, the updated batch-norm statistics and every gradient in training
mode (gradients in float64); logits and pooled feature in eval mode (folded batch-norms), before and after the
weights change.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import torch

from sugar_hf import SugarForSkeletonClassification, modeling_ctrgcn
from sugar_hf.modeling_baseline import ctrgcn_state_dict_to_baseline

REFERENCE = Path(
    os.environ.get(
        "SUGAR_CTRGCN_REFERENCE", Path(__file__).resolve().parents[1] / ".." / "shared/reference/ctrgcn"
    )
)
pytestmark = pytest.mark.skipif(
    not (REFERENCE / "model" / "ctrgcn.py").is_file(),
    reason=f"the reference CTR-GCN code is not at {REFERENCE} (set SUGAR_CTRGCN_REFERENCE)",
)

# (official graph, joints, persons, our layout name, classes)
GRAPHS = {
    "ntu25": ("graph.ntu_rgb_d.Graph", 25, 2, "ntu25", 60),
    "nw_ucla": ("graph.ucla.Graph", 20, 1, "kinect_v1_20", 10),
}


def _reference_model(graph: str):
    if str(REFERENCE) not in sys.path:
        sys.path.insert(0, str(REFERENCE))
    from model.ctrgcn import Model

    name, joints, persons, _, classes = GRAPHS[graph]
    torch.manual_seed(0)
    model = Model(
        num_class=classes,
        num_point=joints,
        num_person=persons,
        graph=name,
        graph_args={"labeling_mode": "spatial"},
    )
    generator = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for key, tensor in model.named_parameters():
            noise = torch.randn(tensor.shape, generator=generator)
            if key.endswith(".PA"):
                tensor.add_(0.1 * noise)  # a learned topology, not the prior
            elif tensor.dim() == 1:  # biases, batch-norm scales and shifts, alpha (zero at init)
                tensor.copy_(0.5 * noise + (1.0 if key.endswith("bn.weight") else 0.0))
            else:
                tensor.add_(0.05 * noise)
        # Running statistics of the scale the activations have (one batch, momentum 1), then moved off it, so
        # that eval mode cannot pass by using batch statistics.
        norms = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
        for m in norms:
            m.momentum = 1.0
        model.train()(torch.randn(4, 3, 16, joints, persons, generator=generator))
        for m in norms:
            m.momentum = 0.1
            m.running_mean.add_(
                0.2 * m.running_var.sqrt() * torch.randn(m.running_mean.shape, generator=generator)
            )
            m.running_var.mul_(torch.empty(m.running_var.shape).uniform_(0.7, 1.4, generator=generator))
    return model


def _ours(reference, graph: str) -> SugarForSkeletonClassification:
    """Our baseline with the reference's weights (built from the checkpoint's shapes, as the loader does)."""
    from sugar_hf import SugarBaselineConfig, SugarEncoderConfig

    _, joints, persons, layout, classes = GRAPHS[graph]
    config = SugarBaselineConfig(
        encoder_config=SugarEncoderConfig(layout=layout, num_persons=persons, num_frames=16),
        class_names=[f"c{i}" for i in range(classes)],
    )
    model = SugarForSkeletonClassification(config)
    missing, unexpected = model.load_state_dict(
        ctrgcn_state_dict_to_baseline(reference.state_dict()), strict=False
    )
    assert unexpected == []
    assert sorted(missing) == sorted(f"encoder.backbone.units.{i}.gcn.adjacency" for i in range(10))
    return model


def _pooled_of(reference):
    """The reference's pooled feature: the input of its FC."""
    captured = {}
    reference.fc.register_forward_hook(lambda module, args, output: captured.update(pooled=args[0]))
    return captured


def _run(reference, ours, captured, x):
    ref_logits = reference(
        x.permute(0, 4, 2, 3, 1)
    )  # ours (N, M, T, V, C) -> the reference's (N, C, T, V, M)
    out = ours(x)
    return ref_logits, captured["pooled"], out.logits, out.pooler_output


def _assert_close(
    a: torch.Tensor, b: torch.Tensor, what: str, atol: float = 1e-5, rtol: float = 1e-5
) -> None:
    """``allclose`` with ``atol`` on the scale of ``b`` (the randomised models' logits reach the thousands, where
    float32 itself resolves only ~1e-4; thread counts change the summation order)."""
    atol = atol * max(1.0, b.abs().max().item())
    err = (a - b).abs().max().item()
    assert torch.allclose(a, b, atol=atol, rtol=rtol), (
        f"{what}: max abs difference {err:.3g} (atol {atol:.3g})"
    )


@pytest.mark.parametrize("graph", sorted(GRAPHS))
def test_published_checkpoints_map_one_to_one(graph, monkeypatch):
    reference = _reference_model(graph)
    ours = _ours(reference, graph)
    # Our layout's fixed graph prior is the official graph (PA starts from it).
    official = torch.from_numpy(reference.graph.A).float()
    for i in range(10):
        assert torch.equal(ours.encoder.backbone.units[i].gcn.adjacency, official)
    captured = _pooled_of(reference)
    _, joints, persons, _, _ = GRAPHS[graph]
    x = torch.randn(3, persons, 16, joints, 3, generator=torch.Generator().manual_seed(2))

    # Training mode: batch statistics, and the same running-statistic updates.
    reference.train()
    ours.train()
    ref_logits, ref_pooled, logits, pooled = _run(reference, ours, captured, x)
    _assert_close(logits, ref_logits, "train logits")
    _assert_close(pooled, ref_pooled, "train pooled")
    ours_state = ours.state_dict()
    for key, value in ctrgcn_state_dict_to_baseline(reference.state_dict()).items():
        if "running" in key or "num_batches" in key:
            _assert_close(ours_state[key].float(), value.float(), f"updated {key}")

    # Eval mode: folded batch-norms, built once and reused on a rerun (there with one body per chunk)...
    reference.eval()
    ours.eval()
    for chunk in (None, 1):
        if chunk:  # the chunked path runs single-threaded
            monkeypatch.setattr(modeling_ctrgcn, "_CHUNK_ELEMENTS", chunk)
            monkeypatch.setattr(modeling_ctrgcn.torch, "get_num_threads", lambda: 1)
        with torch.no_grad():
            ref_logits, ref_pooled, logits, pooled = _run(reference, ours, captured, x)
        _assert_close(logits, ref_logits, "eval logits")
        _assert_close(pooled, ref_pooled, "eval pooled")
    # ... and rebuilt when the weights change in place (as load_state_dict and optimisers do).
    with torch.no_grad():
        for key, tensor in reference.state_dict().items():
            if key.endswith(("alpha", "running_var", "conv3.weight")):
                tensor.mul_(1.05)
    ours.load_state_dict(ctrgcn_state_dict_to_baseline(reference.state_dict()), strict=False)
    with torch.no_grad():
        ref_logits, ref_pooled, logits, pooled = _run(reference, ours, captured, x)
    _assert_close(logits, ref_logits, "eval logits after a weight change")
    _assert_close(pooled, ref_pooled, "eval pooled after a weight change")


@pytest.mark.parametrize("graph", sorted(GRAPHS))
def test_gradients_match_the_reference(graph):
    """Training semantics: every gradient equals the reference's, and so does the model after an SGD step (float64,
    so that float rounding, amplified by ten batch-norms over a tiny batch, cannot hide a difference)."""
    reference = _reference_model(graph).double()
    ours = _ours(reference, graph).double()
    captured = _pooled_of(reference)
    _, joints, persons, _, _ = GRAPHS[graph]
    x = torch.randn(
        3, persons, 16, joints, 3, generator=torch.Generator().manual_seed(2), dtype=torch.float64
    )
    labels = torch.arange(3)
    ref_logits, _, logits, _ = _run(reference, ours, captured, x)
    torch.nn.functional.cross_entropy(ref_logits, labels).backward()
    torch.nn.functional.cross_entropy(logits, labels).backward()
    ours_params = dict(ours.named_parameters())
    ref_params = dict(reference.named_parameters())
    scale = max(p.grad.abs().max().item() for p in ref_params.values())
    for ref_key, ours_key in zip(ref_params, ctrgcn_state_dict_to_baseline(ref_params)):
        # The biases right before a batch-norm have zero gradient: compare on the model's gradient scale.
        _assert_close(
            ours_params[ours_key].grad, ref_params[ref_key].grad, ref_key, atol=1e-10 * scale, rtol=1e-7
        )

    for model in (reference, ours):
        torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=4e-4).step()
        model.eval()
    with torch.no_grad():
        ref_logits, ref_pooled, logits, pooled = _run(reference, ours, captured, x)
    _assert_close(logits, ref_logits, "eval logits after a step", atol=1e-10)
    _assert_close(pooled, ref_pooled, "eval pooled after a step", atol=1e-10)

    # Eval mode with gradients on (e.g. saliency): the folded weights are differentiable too.
    x.requires_grad_(True)
    ref_logits, _, logits, _ = _run(reference, ours, captured, x)
    ref_input_grad = torch.autograd.grad(ref_logits.sum(), x, retain_graph=True)[0]
    input_grad = torch.autograd.grad(logits.sum(), x, retain_graph=True)[0]
    _assert_close(input_grad, ref_input_grad, "eval input gradient", atol=1e-10, rtol=1e-7)
    alpha = ours.encoder.backbone.units[3].gcn.alpha
    ref_alpha = reference.l4.gcn1.alpha
    grads = torch.autograd.grad(logits.sum(), alpha)[0], torch.autograd.grad(ref_logits.sum(), ref_alpha)[0]
    _assert_close(*grads, "eval gradient of alpha (folded into conv4)", atol=1e-10, rtol=1e-7)


@pytest.mark.parametrize("graph", sorted(GRAPHS))
def test_from_ctrgcn_checkpoint_loads_an_official_state_dict(tmp_path, graph):
    reference = _reference_model(graph).eval()
    path = tmp_path / "ctrgcn_joint.pt"
    # As saved from a DataParallel model: every key under ``module.``.
    torch.save({f"module.{k}": v for k, v in reference.state_dict().items()}, path)
    model = SugarForSkeletonClassification.from_ctrgcn_checkpoint(path, num_frames=16).eval()
    _, joints, persons, layout, classes = GRAPHS[graph]
    encoder_config = model.config.encoder_config
    assert (encoder_config.layout, encoder_config.num_persons, encoder_config.num_frames) == (
        layout,
        persons,
        16,
    )
    assert model.config.num_labels == classes
    captured = _pooled_of(reference)
    x = torch.randn(2, persons, 16, joints, 3, generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        ref_logits, ref_pooled, logits, pooled = _run(reference, model, captured, x)
    _assert_close(logits, ref_logits, "loaded logits")
    _assert_close(pooled, ref_pooled, "loaded pooled")


def test_from_ctrgcn_checkpoint_names_the_file_on_mismatch(tmp_path):
    state = _reference_model("nw_ucla").state_dict()
    wrong_shape = dict(state, **{"fc.weight": torch.zeros(10, 128)})
    path = tmp_path / "wrong_shape.pt"
    torch.save(wrong_shape, path)
    with pytest.raises(ValueError, match=r"wrong_shape\.pt.*shape mismatches: classifier\.weight"):
        SugarForSkeletonClassification.from_ctrgcn_checkpoint(path)
    missing = {k: v for k, v in state.items() if not k.startswith("l10.tcn1.branches.1.")}
    missing["l11.gcn1.alpha"] = torch.zeros(1)
    path = tmp_path / "missing_keys.pt"
    torch.save(missing, path)
    with pytest.raises(
        ValueError, match=r"missing_keys\.pt.*unexpected keys: encoder\.backbone\.units\.10.*missing"
    ):
        SugarForSkeletonClassification.from_ctrgcn_checkpoint(path)
    with pytest.raises(ValueError, match="10 classes, got 2 class names"):
        torch.save(state, tmp_path / "ok.pt")
        SugarForSkeletonClassification.from_ctrgcn_checkpoint(tmp_path / "ok.pt", class_names=["a", "b"])
