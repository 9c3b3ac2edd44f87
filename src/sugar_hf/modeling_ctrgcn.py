"""CTR-GCN (Chen et al., ICCV 2021), the skeleton encoder of SUGAR.

A faithful port of the published joint-stream model (``model/ctrgcn.py`` of the official repository): input
batch-norm over (M, V, C), ten TCN-GCN units 64x4, 128x3, 256x3 with temporal stride 2 at units 5 and 8,
channel-wise topology refinement over the identity/inward/outward subsets, and the multi-scale temporal
convolution (kernel 5, dilations 1 and 2, a max-pool branch and a 1x1 branch). The one change SUGAR needs:
the final mean over time is not taken, so the encoder returns its whole token sequence next to the pooled
vector.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .configuration_sugar import SugarEncoderConfig
from .skeleton_layouts import get_layout


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

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([b(x) for b in self.branches], dim=1)


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

    def refine_per_subset(self, x: torch.Tensor, topology: torch.Tensor) -> torch.Tensor:
        """The published computation: one CTR-GC per subset, summed (the reference for :meth:`refine`)."""
        return sum(conv(x, topology[i], self.alpha) for i, conv in enumerate(self.convs))

    def refine(self, x: torch.Tensor, topology: torch.Tensor) -> torch.Tensor:
        """The same sum over subsets, computed with one convolution per stage instead of one per subset.

        The subsets' 1x1 convolutions are concatenated (conv1/conv2/conv3 into one, conv4 as a grouped conv)
        and the per-subset aggregations become one contraction over (subset, joint). The parameters keep the
        published layout (``convs.{i}.conv{1..4}``), so published checkpoints map one to one.
        """
        n, _, t, v = x.shape
        k = len(self.convs)
        rel = self.convs[0].conv1.out_channels
        out = self.convs[0].conv3.out_channels
        stage1 = [m for c in self.convs for m in (c.conv1, c.conv2, c.conv3)]
        y = F.conv2d(x, torch.cat([m.weight for m in stage1]), torch.cat([m.bias for m in stage1]))
        y = y.view(n, k, 2 * rel + out, t, v)
        q, key = y[:, :, :rel].mean(-2), y[:, :, rel : 2 * rel].mean(-2)  # (N, K, R, V)
        relation = torch.tanh(q.unsqueeze(-1) - key.unsqueeze(-2)).flatten(1, 2)  # (N, K*R, V, V)
        conv4 = [c.conv4 for c in self.convs]
        relation = F.conv2d(
            relation, torch.cat([m.weight for m in conv4]), torch.cat([m.bias for m in conv4]), groups=k
        ).view(n, k, out, v, v)
        relation = relation * self.alpha + topology[None, :, None]
        return torch.einsum("nkcuv,nkctv->nctu", relation, y[:, :, 2 * rel :])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        topology = self.topology if self.adaptive else self.adjacency
        return self.relu(self.bn(self.refine(x, topology)) + self.down(x))


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

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.tcn(self.gcn(x))
        if self.residual is not None:
            y = y + self.residual(x)
        return self.relu(y)


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
        for unit in self.units:
            x = unit(x)
        return x.view(n, m, *x.shape[1:])


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


__all__ = ["CTRGCN", "CTRGCNUnit", "init_ctrgcn_weights", "num_parameters"]
