"""sugar-hf: SUGAR skeleton action recognition with an LLM classifier, on the Hugging Face stack.

Importing the package registers ``"sugar"`` with ``AutoConfig``, ``AutoModel`` and ``AutoProcessor``, the
``"skeleton-action-recognition"`` task with ``transformers.pipeline``, and marks the classes for
``register_for_auto_class``; saved folders carry their code (:mod:`sugar_hf.remote_code`), so they also load with
``trust_remote_code=True`` without the package.
"""

from transformers import AutoConfig, AutoModel, AutoProcessor
from transformers.pipelines import PIPELINE_REGISTRY

from .configuration_sugar import (
    ACTION_PLACEHOLDER,
    DEFAULT_INSTRUCTION,
    SugarConfig,
    SugarEncoderConfig,
    SugarProjectorConfig,
)
from .modeling_baseline import SugarBaselineConfig, SugarForSkeletonClassification
from .modeling_sugar import (
    SugarForActionRecognition,
    SugarPreTrainedModel,
    SugarSkeletonEncoder,
    SugarSkeletonTextModel,
    mil_nce_loss,
)
from .modeling_tqp import (
    SugarCrossAttentionProjection,
    SugarLinearProjection,
    SugarQFormerProjection,
    SugarTemporalQueryProjection,
)
from .pipeline_sugar import SkeletonActionRecognitionPipeline
from .processing_sugar import SugarAnswer, SugarProcessor, format_answer
from .skeleton_layouts import BODY_PARTS, LAYOUTS, SkeletonLayout, custom_layout, get_layout

__version__ = "0.1.0"

AutoConfig.register("sugar", SugarConfig, exist_ok=True)
AutoConfig.register("sugar_encoder", SugarEncoderConfig, exist_ok=True)
AutoConfig.register("sugar_projector", SugarProjectorConfig, exist_ok=True)
AutoModel.register(SugarConfig, SugarForActionRecognition, exist_ok=True)
AutoProcessor.register(SugarConfig, SugarProcessor, exist_ok=True)
AutoConfig.register("sugar_baseline", SugarBaselineConfig, exist_ok=True)
AutoModel.register(SugarBaselineConfig, SugarForSkeletonClassification, exist_ok=True)
SugarConfig.register_for_auto_class()
SugarForActionRecognition.register_for_auto_class("AutoModel")
SugarSkeletonTextModel.register_for_auto_class("AutoModel")  # stage-1 folders: AutoModel + trust_remote_code
SugarBaselineConfig.register_for_auto_class()
SugarForSkeletonClassification.register_for_auto_class("AutoModel")
# SugarProcessor is not marked: transformers' own copy of its module would miss the `skeleton` sub-package;
# SugarProcessor.save_pretrained writes the flattened code and its auto_map instead.
if PIPELINE_REGISTRY.supported_tasks.get("skeleton-action-recognition", {}).get("impl") is not (
    SkeletonActionRecognitionPipeline
):
    PIPELINE_REGISTRY.register_pipeline(
        "skeleton-action-recognition",
        pipeline_class=SkeletonActionRecognitionPipeline,
        pt_model=(AutoModel, SugarSkeletonTextModel),  # AutoModel refuses a stage-1 folder; its own class loads it
        type="multimodal",
    )

__all__ = [
    "ACTION_PLACEHOLDER",
    "BODY_PARTS",
    "DEFAULT_INSTRUCTION",
    "LAYOUTS",
    "SkeletonActionRecognitionPipeline",
    "SkeletonLayout",
    "SugarAnswer",
    "SugarBaselineConfig",
    "SugarForSkeletonClassification",
    "SugarConfig",
    "SugarCrossAttentionProjection",
    "SugarEncoderConfig",
    "SugarForActionRecognition",
    "SugarLinearProjection",
    "SugarPreTrainedModel",
    "SugarProcessor",
    "SugarProjectorConfig",
    "SugarQFormerProjection",
    "SugarSkeletonEncoder",
    "SugarSkeletonTextModel",
    "SugarTemporalQueryProjection",
    "custom_layout",
    "format_answer",
    "get_layout",
    "mil_nce_loss",
]
