"""Projectors from skeleton-encoder tokens to LLM tokens: SUGAR's Temporal Query Projection and its ablations.

All projectors take ``(batch, tokens, encoder_hidden)`` tokens laid out frame-major (``tokens_per_frame``
consecutive tokens per output frame) and return ``(batch, num_segments x num_queries, llm_hidden)``, so
every ablation gives the LLM the same number of tokens.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from transformers import Blip2QFormerModel

from .configuration_sugar import SugarProjectorConfig


def split_into_segments(tokens: torch.Tensor, tokens_per_frame: int, num_segments: int) -> list[torch.Tensor]:
    """Cut a frame-major token sequence into ``num_segments`` contiguous temporal segments of whole frames."""
    batch, length, hidden = tokens.shape
    if length % tokens_per_frame:
        raise ValueError(f"{length} tokens are not a whole number of frames of {tokens_per_frame} tokens")
    frames = length // tokens_per_frame
    if frames < num_segments:
        raise ValueError(
            f"the encoder gives {frames} output frames, fewer than the projector's {num_segments} segments: "
            "use more input frames or fewer segments"
        )
    per_frame = tokens.view(batch, frames, tokens_per_frame, hidden)
    return [chunk.reshape(batch, -1, hidden) for chunk in torch.tensor_split(per_frame, num_segments, dim=1)]


class EncoderTokenAdapter(nn.Module):
    """What the projector reads: encoder tokens plus learnable (frame, joint) positions, layer-normalised.

    ``input_positions`` adds a temporal embedding per output frame and a joint embedding per token of a frame;
    ``input_norm`` applies a LayerNorm (BLIP-2 normalises its ViT features before the Q-Former). Both are off
    in the paper's configuration, where this module is the identity.
    """

    def __init__(self, config: SugarProjectorConfig, tokens_per_frame: int, hidden: int) -> None:
        super().__init__()
        self.tokens_per_frame = tokens_per_frame
        self.norm = nn.LayerNorm(hidden) if config.input_norm else None
        if config.input_positions:
            self.frame_embeddings = nn.Parameter(torch.zeros(config.max_frames, hidden))
            self.joint_embeddings = nn.Parameter(torch.zeros(tokens_per_frame, hidden))
        else:
            self.frame_embeddings = self.joint_embeddings = None

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        if self.frame_embeddings is not None:
            batch, length, hidden = tokens.shape
            frames = length // self.tokens_per_frame
            if frames > self.frame_embeddings.shape[0]:
                raise ValueError(
                    f"{frames} encoder frames exceed the projector's max_frames={self.frame_embeddings.shape[0]}"
                )
            positions = self.frame_embeddings[:frames, None] + self.joint_embeddings[None]
            tokens = tokens + positions.reshape(1, frames * self.tokens_per_frame, hidden).to(tokens.dtype)
        return self.norm(tokens) if self.norm is not None else tokens


def _encoder_width(config: SugarProjectorConfig) -> int:
    return config.qformer_config.encoder_hidden_size


class SugarTemporalQueryProjection(nn.Module):
    """TQP: one Q-Former, shared across temporal segments and chained through its queries.

    Segment 1 is read with learnable queries; every later segment is read with the previous segment's output as
    its queries, so temporal context flows forward. The outputs of all segments are concatenated
    (e.g. 4 x 32 = 128 tokens) and mapped linearly to the LLM width.
    """

    def __init__(self, config: SugarProjectorConfig, tokens_per_frame: int, llm_hidden_size: int) -> None:
        super().__init__()
        self.num_segments = config.num_segments
        self.tokens_per_frame = tokens_per_frame
        self.input_adapter = EncoderTokenAdapter(config, tokens_per_frame, _encoder_width(config))
        qformer_config = config.qformer_config
        self.query_tokens = nn.Parameter(torch.zeros(1, config.num_queries, qformer_config.hidden_size))
        self.qformer = Blip2QFormerModel(qformer_config)
        self.language_projection = nn.Linear(qformer_config.hidden_size, llm_hidden_size)

    def forward(self, encoder_tokens: torch.Tensor) -> torch.Tensor:
        segments = split_into_segments(
            self.input_adapter(encoder_tokens), self.tokens_per_frame, self.num_segments
        )
        queries = self.query_tokens.expand(encoder_tokens.shape[0], -1, -1)
        outputs = []
        for segment in segments:
            queries = self.qformer(query_embeds=queries, encoder_hidden_states=segment).last_hidden_state
            outputs.append(queries)
        return self.language_projection(torch.cat(outputs, dim=1))


class SugarQFormerProjection(nn.Module):
    """Ablation "one Q-Former": ``num_segments x num_queries`` independent queries over the whole sequence."""

    def __init__(self, config: SugarProjectorConfig, tokens_per_frame: int, llm_hidden_size: int) -> None:
        super().__init__()
        hidden = config.qformer_config.hidden_size
        self.input_adapter = EncoderTokenAdapter(config, tokens_per_frame, _encoder_width(config))
        self.query_tokens = nn.Parameter(torch.zeros(1, config.num_output_tokens, hidden))
        self.qformer = Blip2QFormerModel(config.qformer_config)
        self.language_projection = nn.Linear(hidden, llm_hidden_size)

    def forward(self, encoder_tokens: torch.Tensor) -> torch.Tensor:
        queries = self.query_tokens.expand(encoder_tokens.shape[0], -1, -1)
        out = self.qformer(
            query_embeds=queries, encoder_hidden_states=self.input_adapter(encoder_tokens)
        ).last_hidden_state
        return self.language_projection(out)


class SugarLinearProjection(nn.Module):
    """Ablation "one linear layer": average-pool the sequence to the token count, then one linear map."""

    def __init__(self, config: SugarProjectorConfig, tokens_per_frame: int, llm_hidden_size: int) -> None:
        super().__init__()
        self.num_output_tokens = config.num_output_tokens
        self.input_adapter = EncoderTokenAdapter(config, tokens_per_frame, _encoder_width(config))
        self.language_projection = nn.Linear(_encoder_width(config), llm_hidden_size)

    def forward(self, encoder_tokens: torch.Tensor) -> torch.Tensor:
        tokens = self.input_adapter(encoder_tokens)
        pooled = F.adaptive_avg_pool1d(tokens.transpose(1, 2), self.num_output_tokens).transpose(1, 2)
        return self.language_projection(pooled)


class SugarCrossAttentionProjection(nn.Module):
    """Ablation "cross-attention": learnable queries, a single multi-head cross-attention layer, a linear map."""

    def __init__(self, config: SugarProjectorConfig, tokens_per_frame: int, llm_hidden_size: int) -> None:
        super().__init__()
        qformer = config.qformer_config
        self.input_adapter = EncoderTokenAdapter(config, tokens_per_frame, _encoder_width(config))
        self.query_tokens = nn.Parameter(torch.zeros(1, config.num_output_tokens, qformer.hidden_size))
        self.attention = nn.MultiheadAttention(
            qformer.hidden_size,
            qformer.num_attention_heads,
            kdim=qformer.encoder_hidden_size,
            vdim=qformer.encoder_hidden_size,
            batch_first=True,
        )
        self.layernorm = nn.LayerNorm(qformer.hidden_size, eps=qformer.layer_norm_eps)
        self.language_projection = nn.Linear(qformer.hidden_size, llm_hidden_size)

    def forward(self, encoder_tokens: torch.Tensor) -> torch.Tensor:
        queries = self.query_tokens.expand(encoder_tokens.shape[0], -1, -1)
        tokens = self.input_adapter(encoder_tokens)
        attended, _ = self.attention(queries, tokens, tokens, need_weights=False)
        return self.language_projection(self.layernorm(attended + queries))


PROJECTOR_CLASSES: dict[str, type[nn.Module]] = {
    "tqp": SugarTemporalQueryProjection,
    "qformer": SugarQFormerProjection,
    "linear": SugarLinearProjection,
    "cross_attention": SugarCrossAttentionProjection,
}


def build_projector(config: SugarProjectorConfig, tokens_per_frame: int, llm_hidden_size: int) -> nn.Module:
    """The projector named by ``config.projector_type``."""
    return PROJECTOR_CLASSES[config.projector_type](config, tokens_per_frame, llm_hidden_size)
