"""CTR-GCN (Chen et al., ICCV 2021), the skeleton encoder of SUGAR.

A faithful port of the published joint-stream model (``model/ctrgcn.py`` of the official repository): input
batch-norm over (M, V, C), ten TCN-GCN units 64x4, 128x3, 256x3 with temporal stride 2 at units 5 and 8,
channel-wise topology refinement over the identity/inward/outward subsets, and the multi-scale temporal
convolution (kernel 5, dilations 1 and 2, a max-pool branch and a 1x1 branch). The one change SUGAR needs:
the final mean over time is not taken, so the encoder returns its whole token sequence next to the pooled
vector.

The parameters keep the published layout (``convs.{i}.conv{1..4}``, ``branches.{j}``...), so published checkpoints
map one to one (:func:`~sugar_hf.modeling_baseline.ctrgcn_state_dict_to_baseline`), but the forward pass is
arranged for CPU kernels: the subsets' 1x1 convolutions (and the down-projection) run as one matrix product per
unit, the query/key projections act on the time-pooled input (a 1x1 convolution commutes with the mean), the
aggregation is one batched product per subset accumulated in place, and the four temporal branches share one
1x1 product. In eval mode every batch-norm is folded into the convolution before it; the folded weights are built
once and reused while the parameters are unchanged and no gradient is recorded, and then the bodies go through the
units a few at a time (cache-sized chunks) and the temporal max-pool is two elementwise maxima. The result equals
the published model's to float rounding, in training (same batch statistics, same gradients) and in eval mode
(``tests/test_ctrgcn_reference.py`` checks it against the official code).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .configuration_sugar import SugarEncoderConfig
from .skeleton_layouts import get_layout

# Inference runs the bodies through the units in chunks whose first-unit activation has about this many elements
# (4 MiB in fp32: six NTU bodies of 100 frames), small enough to stay in a core's cache between layers.
_CHUNK_ELEMENTS = 1 << 20


def _bn_affine(bn: nn.modules.batchnorm._BatchNorm) -> tuple[torch.Tensor, torch.Tensor]:
    """The eval-mode batch-norm as ``x * scale + shift`` (per channel)."""
    scale = torch.rsqrt(bn.running_var + bn.eps)
    if bn.weight is not None:
        scale = scale * bn.weight
    shift = -bn.running_mean * scale
    if bn.bias is not None:
        shift = shift + bn.bias
    return scale, shift


def _pointwise(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """A 1x1 convolution of ``(N, C_in, T, V)`` as one batched matrix product: ``(N, C_out, T, V)``."""
    n, c, t, v = x.shape
    y = torch.baddbmm(bias.view(1, -1, 1), weight.expand(n, -1, -1), x.reshape(n, c, t * v))
    return y.view(n, -1, t, v)


def _temporal_max3(x: torch.Tensor, stride: int) -> torch.Tensor:
    """``MaxPool2d((3, 1), (stride, 1), (1, 0))`` of ``(N, C, T, V)`` as two elementwise maxima of shifted frames.

    The same values, faster on CPU than the pooling kernel; used only when no gradient is recorded (the pooling's
    backward sends a tie's gradient to one frame, ``maximum``'s would split it).
    """
    if x.shape[2] < 2:
        return x[:, :, ::stride]
    pairs = torch.maximum(x[:, :, :-1], x[:, :, 1:])  # max(x[t], x[t + 1])
    out = torch.empty_like(x, memory_format=torch.contiguous_format)
    torch.maximum(pairs[:, :, :-1], pairs[:, :, 1:], out=out[:, :, 1:-1])
    out[:, :, 0] = pairs[:, :, 0]
    out[:, :, -1] = pairs[:, :, -1]
    return out[:, :, ::stride]


def _folded(module: nn.Module, build):
    """``build()``, cached on ``module`` while no gradient is recorded and its parameters and buffers are unchanged
    (same storage, same in-place version); with gradients on it is rebuilt, so gradients flow through it."""
    if torch.is_grad_enabled():
        return build()
    key = tuple((t.data_ptr(), t._version) for t in (*module.parameters(), *module.buffers()))
    cache = module.__dict__.get("_folded_cache")
    if cache is None or cache[0] != key:
        cache = (key, build())
        module.__dict__["_folded_cache"] = cache
    return cache[1]


class ChannelWiseTopologyRefinement(nn.Module):
    """CTR-GC: refines a shared topology per channel from pairwise differences of pooled joint features."""

    def __init__(self, in_channels: int, out_channels: int, rel_reduction: int = 8) -> None:
        super().__init__()
        # The published model uses 8 relation channels for raw coordinates (3 or 9 input channels).
        rel_channels = 8 if in_channels <= 9 else in_channels // rel_reduction
        self.conv1 = nn.Conv2d(in_channels, rel_channels, kernel_size=1)
        self.conv2 = nn.Conv2d(in_channels, rel_channels, kernel_size=1)
        self.conv3 = nn.Conv2d(in_channels, out_channels, kernel_size=1)
        self.conv4 = nn.Conv2d(rel_channels, out_channels, kernel_size=1)
        self.tanh = nn.Tanh()

    def forward(self, x: torch.Tensor, adjacency: torch.Tensor, alpha: torch.Tensor) -> torch.Tensor:
        # x: (N, C, T, V); adjacency: (V, V)
        q, k, v = self.conv1(x).mean(-2), self.conv2(x).mean(-2), self.conv3(x)
        relation = self.tanh(q.unsqueeze(-1) - k.unsqueeze(-2))  # (N, R, V, V)
        relation = self.conv4(relation) * alpha + adjacency[None, None]  # (N, C_out, V, V)
        return torch.einsum("ncuv,nctv->nctu", relation, v)


class TemporalConv(nn.Module):
    """A (kernel x 1) convolution over time followed by batch-norm."""

    def __init__(
        self, in_channels: int, out_channels: int, kernel_size: int, stride: int = 1, dilation: int = 1
    ):
        super().__init__()
        pad = (kernel_size + (kernel_size - 1) * (dilation - 1) - 1) // 2
        self.conv = nn.Conv2d(
            in_channels,
            out_channels,
            (kernel_size, 1),
            padding=(pad, 0),
            stride=(stride, 1),
            dilation=(dilation, 1),
        )
        self.bn = nn.BatchNorm2d(out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.bn(self.conv(x))


class MultiScaleTemporalConv(nn.Module):
    """Four parallel branches (two dilated temporal convs, a max-pool, a 1x1), concatenated over channels."""

    def __init__(
        self, in_channels: int, out_channels: int, kernel_size: int = 5, stride: int = 1, dilations=(1, 2)
    ) -> None:
        super().__init__()
        num_branches = len(dilations) + 2
        if out_channels % num_branches:
            raise ValueError(
                f"out_channels ({out_channels}) must be divisible by the {num_branches} branches"
            )
        branch = out_channels // num_branches
        self.branches = nn.ModuleList(
            [
                nn.Sequential(
                    nn.Conv2d(in_channels, branch, 1),
                    nn.BatchNorm2d(branch),
                    nn.ReLU(inplace=True),
                    TemporalConv(branch, branch, kernel_size, stride=stride, dilation=d),
                )
                for d in dilations
            ]
        )
        self.branches.append(
            nn.Sequential(
                nn.Conv2d(in_channels, branch, 1),
                nn.BatchNorm2d(branch),
                nn.ReLU(inplace=True),
                nn.MaxPool2d((3, 1), stride=(stride, 1), padding=(1, 0)),
                nn.BatchNorm2d(branch),
            )
        )
        self.branches.append(
            nn.Sequential(nn.Conv2d(in_channels, branch, 1, stride=(stride, 1)), nn.BatchNorm2d(branch))
        )

    @property
    def stride(self) -> int:
        return self.branches[-1][0].stride[0]

    def _fused_heads(self) -> list[nn.Sequential]:
        """The branches whose leading 1x1 convolution runs at full frame rate (all four at stride 1; the last has
        the temporal stride itself otherwise)."""
        return list(self.branches) if self.stride == 1 else list(self.branches[:-1])

    def _fold(self) -> dict[str, torch.Tensor]:
        """Eval-mode weights: every batch-norm folded into the convolution before it."""
        heads = self._fused_heads()
        weights, biases = [], []
        for branch in heads:
            scale, shift = _bn_affine(branch[1])
            weights.append(branch[0].weight.flatten(1) * scale[:, None])
            biases.append(branch[0].bias * scale + shift)
        folded = {"head_weight": torch.cat(weights), "head_bias": torch.cat(biases)}
        for i, branch in enumerate(self.branches[:-2]):
            scale, shift = _bn_affine(branch[3].bn)
            folded[f"temporal_weight{i}"] = branch[3].conv.weight * scale[:, None, None, None]
            folded[f"temporal_bias{i}"] = branch[3].conv.bias * scale + shift
        folded["pool_scale"], folded["pool_shift"] = (
            t[:, None, None] for t in _bn_affine(self.branches[-2][4])
        )
        if self.stride != 1:
            last = self.branches[-1]
            scale, shift = _bn_affine(last[1])
            folded["last_weight"] = last[0].weight.flatten(1) * scale[:, None]
            folded["last_bias"] = last[0].bias * scale + shift
        return folded

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        heads = self._fused_heads()
        if not self.training:
            return self._forward_folded(x, _folded(self, self._fold))
        weight = torch.cat([b[0].weight.flatten(1) for b in heads])
        y = _pointwise(x, weight, torch.cat([b[0].bias for b in heads]))
        # split (not indexing) so that backward concatenates the gradients
        heads_out = y.split(self.branches[0][0].out_channels, dim=1)
        outs = []
        for branch, z in zip(heads, heads_out):
            z = branch[1](z)
            outs.append(branch[3:](branch[2](z)) if len(branch) > 2 else z)
        if self.stride != 1:  # the strided 1x1 convolution: a product on every stride-th frame
            last = self.branches[-1]
            outs.append(last[1](_pointwise(x[:, :, :: self.stride], last[0].weight.flatten(1), last[0].bias)))
        return torch.cat(outs, dim=1)

    def _forward_folded(self, x: torch.Tensor, folded: dict[str, torch.Tensor]) -> torch.Tensor:
        y = _pointwise(x, folded["head_weight"], folded["head_bias"])
        width = self.branches[0][0].out_channels
        num_relu = len(self.branches) - 1  # the 1x1 branch has no ReLU
        y[:, : num_relu * width].relu_()
        outs = []
        for i, branch in enumerate(self.branches[:-2]):
            conv = branch[3].conv
            outs.append(
                F.conv2d(
                    y[:, i * width : (i + 1) * width],
                    folded[f"temporal_weight{i}"],
                    folded[f"temporal_bias{i}"],
                    stride=conv.stride,
                    padding=conv.padding,
                    dilation=conv.dilation,
                )
            )
        pool = self.branches[-2][3]
        pooled = y[:, (num_relu - 1) * width : num_relu * width]
        if torch.is_grad_enabled():
            pooled = F.max_pool2d(pooled, pool.kernel_size, pool.stride, pool.padding)
        else:
            pooled = _temporal_max3(pooled, self.stride)
        outs.append(torch.addcmul(folded["pool_shift"], pooled, folded["pool_scale"]))
        if self.stride == 1:
            outs.append(y[:, num_relu * width :])
        else:
            outs.append(_pointwise(x[:, :, :: self.stride], folded["last_weight"], folded["last_bias"]))
        return torch.cat(outs, dim=1)


class GraphConv(nn.Module):
    """CTR-GCN's ``unit_gcn``: one CTR-GC per adjacency subset, summed, batch-norm, residual, ReLU."""

    def __init__(self, in_channels: int, out_channels: int, adjacency: torch.Tensor, adaptive: bool = True):
        super().__init__()
        self.adaptive = adaptive
        self.convs = nn.ModuleList(
            [ChannelWiseTopologyRefinement(in_channels, out_channels) for _ in range(adjacency.shape[0])]
        )
        if in_channels != out_channels:
            self.down = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1), nn.BatchNorm2d(out_channels))
        else:
            self.down = nn.Identity()
        # The graph prior; ``topology`` is its learnable copy (CTR-GCN's PA) when adaptive.
        self.register_buffer("adjacency", adjacency.clone())
        self.topology = nn.Parameter(adjacency.clone(), requires_grad=adaptive)
        self.alpha = nn.Parameter(torch.zeros(1))
        self.bn = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU(inplace=True)

    def _weights(self, topology: torch.Tensor, fold: bool) -> dict[str, torch.Tensor]:
        """The subsets' weights stacked for the fused computation.

        ``alpha`` and the topology always go into the relation's conv4 (``alpha * (W r + b) + A`` is
        ``(alpha W) r + (alpha b + A)``); with ``fold`` (eval mode) ``bn`` and the down-projection's batch-norm are
        folded into the value (conv3) and down weights as well.
        """
        convs = self.convs
        weights = {
            "qk_weight": torch.cat([c.conv1.weight for c in convs] + [c.conv2.weight for c in convs]).flatten(
                1
            ),
            "qk_bias": torch.cat([c.conv1.bias for c in convs] + [c.conv2.bias for c in convs])[:, None],
            "rel_weight": torch.stack([c.conv4.weight.flatten(1) for c in convs]) * self.alpha,  # (K, C, R)
            "rel_bias": torch.stack([c.conv4.bias for c in convs])[..., None] * self.alpha
            + topology.flatten(1)[:, None],  # (K, C, V * V)
        }
        value_weight = torch.stack([c.conv3.weight.flatten(1) for c in convs])  # (K, C, C_in)
        value_bias = torch.stack([c.conv3.bias for c in convs])  # (K, C)
        shift = None
        if fold:
            scale, shift = _bn_affine(self.bn)
            value_weight = value_weight * scale[:, None]
            value_bias = value_bias * scale
        if isinstance(self.down, nn.Sequential):
            down_weight, down_bias = self.down[0].weight.flatten(1), self.down[0].bias
            if fold:
                down_scale, down_shift = _bn_affine(self.down[1])
                down_weight = down_weight * down_scale[:, None]
                down_bias = down_bias * down_scale + down_shift + shift
                shift = None
            weights.update(down_weight=down_weight, down_bias=down_bias)
        weights.update(value_weight=value_weight, value_bias=value_bias)
        if shift is not None:
            weights["shift"] = shift[:, None]
        return weights

    def _aggregate(
        self, x: torch.Tensor, topology: torch.Tensor, weights: dict[str, torch.Tensor], fold: bool
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """The sum over subsets ``(N, C, T, V)`` and the down-projection's output (``None`` when it is the identity).

        With ``fold`` the sum already holds ``bn`` and the residual: it is the unit's output before the ReLU.
        """
        n, cin, t, v = x.shape
        k = len(self.convs)
        rel = self.convs[0].conv1.out_channels
        out = self.convs[0].conv3.out_channels
        qk = (
            torch.matmul(weights["qk_weight"], x.mean(2)) + weights["qk_bias"]
        )  # (N, 2KR, V); 1x1 conv o mean
        q, key = qk.view(n, 2, k, rel, v).unbind(1)
        relations = torch.tanh(q.unsqueeze(-1) - key.unsqueeze(-2)).flatten(-2).unbind(1)  # K x (N, R, V * V)
        refined = [
            torch.baddbmm(weights["rel_bias"][i], weights["rel_weight"][i].expand(n, -1, -1), relations[i])
            .view(n * out, v, v)
            .transpose(1, 2)
            for i in range(k)
        ]  # K x (N * C, V, U): the refined topology per sample and channel, transposed for the product below
        # The value bias passes through the aggregation as bias * sum_v A[u, v]: added once on (N, C, U), not to
        # the (N, C, T, V) values.
        bias = sum(
            weights["value_bias"][i].view(1, out, 1) * refined[i].sum(1).view(n, out, v) for i in range(k)
        )
        bias = bias.view(n * out, 1, v)
        flat = x.reshape(n, cin, t * v)
        down = None
        if "down_weight" in weights:
            down = torch.baddbmm(
                weights["down_bias"][:, None], weights["down_weight"].expand(n, -1, -1), flat
            )
            down = down.view(n, out, t, v)
        if fold:
            residual = down if down is not None else x + weights["shift"][:, :, None]
            total = residual.reshape(n * out, t, v) + bias
        for i in range(k):
            # einsum("ncuv,nctv->nctu", A, conv3(x)): one (T x V) @ (V x U) product per (sample, channel)
            values = torch.bmm(weights["value_weight"][i].expand(n, -1, -1), flat).view(n * out, t, v)
            if fold or i > 0:
                # In-place ops are not autocast: under autocast the products run in low precision, the sum in its
                # dtype.
                total = total.baddbmm_(values.to(total.dtype), refined[i].to(total.dtype))
            else:
                total = torch.baddbmm(bias, values, refined[i])
        return total.view(n, out, t, v), down

    def refine(self, x: torch.Tensor, topology: torch.Tensor) -> torch.Tensor:
        """The same sum over subsets, computed with one matrix product per stage instead of one per subset.

        The parameters keep the published layout (``convs.{i}.conv{1..4}``), so published checkpoints map one to
        one.
        """
        return self._aggregate(x, topology, self._weights(topology, fold=False), fold=False)[0]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        topology = self.topology if self.adaptive else self.adjacency
        if not self.training:
            weights = _folded(self, lambda: self._weights(topology, fold=True))
            return self._aggregate(x, topology, weights, fold=True)[0].relu_()
        total, down = self._aggregate(x, topology, self._weights(topology, fold=False), fold=False)
        return self.relu(self.bn(total) + (self.down[1](down) if down is not None else x))


class CTRGCNUnit(nn.Module):
    """``TCN_GCN_unit``: graph conv, multi-scale temporal conv, unit residual."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        adjacency: torch.Tensor,
        stride: int = 1,
        residual: bool = True,
        adaptive: bool = True,
    ) -> None:
        super().__init__()
        self.gcn = GraphConv(in_channels, out_channels, adjacency, adaptive=adaptive)
        self.tcn = MultiScaleTemporalConv(
            out_channels, out_channels, kernel_size=5, stride=stride, dilations=(1, 2)
        )
        self.relu = nn.ReLU(inplace=True)
        if not residual:
            self.residual = None
        elif in_channels == out_channels and stride == 1:
            self.residual = nn.Identity()
        else:
            self.residual = TemporalConv(in_channels, out_channels, kernel_size=1, stride=stride)

    def _fold_residual(self) -> tuple[torch.Tensor, torch.Tensor]:
        scale, shift = _bn_affine(self.residual.bn)
        return self.residual.conv.weight.flatten(1) * scale[:, None], self.residual.conv.bias * scale + shift

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.tcn(self.gcn(x))
        if self.residual is None:
            return self.relu(y)
        if isinstance(self.residual, nn.Identity):
            return self.relu(y + x) if self.training else y.add_(x).relu_()
        if self.training:  # the strided 1x1 convolution: a product on every stride-th frame
            conv = self.residual.conv
            residual = _pointwise(x[:, :, :: conv.stride[0]], conv.weight.flatten(1), conv.bias)
            return self.relu(y + self.residual.bn(residual))
        weight, bias = _folded(self.residual, self._fold_residual)
        return y.add_(_pointwise(x[:, :, :: self.residual.conv.stride[0]], weight, bias)).relu_()


class CTRGCN(nn.Module):
    """The CTR-GCN backbone without classifier and without the final temporal pooling.

    ``forward`` takes ``(N, M, T, V, C)`` and returns the feature map ``(N, M, C_out, T_out, V)``.
    """

    def __init__(self, config: SugarEncoderConfig) -> None:
        super().__init__()
        layout = get_layout(config.layout)
        adjacency = torch.from_numpy(layout.adjacency_subsets())
        v, m, c = layout.num_joints, config.num_persons, config.in_channels
        self.data_bn = nn.BatchNorm1d(m * v * c)
        widths = [config.base_channels * k for k in config.channel_multipliers]
        units = []
        in_channels = c
        for i, (width, stride) in enumerate(zip(widths, config.temporal_strides)):
            units.append(
                CTRGCNUnit(
                    in_channels, width, adjacency, stride=stride, residual=i > 0, adaptive=config.adaptive
                )
            )
            in_channels = width
        self.units = nn.ModuleList(units)

    def forward(self, skeleton_values: torch.Tensor) -> torch.Tensor:
        n, m, t, v, c = skeleton_values.shape
        x = skeleton_values.permute(0, 1, 3, 4, 2).reshape(n, m * v * c, t)
        x = self.data_bn(x)
        x = x.view(n, m, v, c, t).permute(0, 1, 3, 4, 2).reshape(n * m, c, t, v)
        if self.training or torch.is_grad_enabled() or torch.get_num_threads() > 1:
            for unit in self.units:
                x = unit(x)
            return x.view(n, m, *x.shape[1:])
        # Single-threaded inference: with the batch-norms folded the bodies are independent, so a few at a time go
        # through all the units while their activations stay in cache (about 1.4x faster on one CPU thread than
        # the whole batch per unit). With more threads the chunks' many small ops cost more in thread
        # synchronisation than they gain (measured on a shared 2-core machine), so the batch goes whole.
        step = max(1, _CHUNK_ELEMENTS // (self.units[0].gcn.bn.num_features * t * v))
        outs = []
        for chunk in x.split(step):
            for unit in self.units:
                chunk = unit(chunk)
            outs.append(chunk)
        x = torch.cat(outs)
        return x.view(n, m, *x.shape[1:])


CTRGCN_INIT_TYPES = (nn.Conv2d, nn.BatchNorm1d, nn.BatchNorm2d, GraphConv)
"""The module types :func:`init_ctrgcn_weights` initialises (the models' ``_init_weights`` hand these to it)."""


def init_ctrgcn_weights(module: nn.Module) -> None:
    """CTR-GCN's initialisation for one module (kaiming fan-out convs, unit batch-norms, graph-conv bn at 1e-6)."""
    if isinstance(module, nn.Conv2d):
        nn.init.kaiming_normal_(module.weight, mode="fan_out")
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
        nn.init.ones_(module.weight)
        nn.init.zeros_(module.bias)
        if module.running_mean is not None:
            module.running_mean.zero_()
            module.running_var.fill_(1.0)
            module.num_batches_tracked.zero_()
    elif isinstance(module, GraphConv):
        # Children are initialised before parents, so this overrides the generic batch-norm init above.
        nn.init.constant_(module.bn.weight, 1e-6)
        nn.init.zeros_(module.bn.bias)
        module.topology.data.copy_(module.adjacency)
        nn.init.zeros_(module.alpha)


def num_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


__all__ = ["CTRGCN", "CTRGCNUnit", "CTRGCN_INIT_TYPES", "init_ctrgcn_weights", "num_parameters"]
