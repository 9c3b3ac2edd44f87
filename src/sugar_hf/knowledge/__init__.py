"""Text knowledge for SUGAR stage 1: per-class motion descriptions (six body parts) and visual descriptions.

* ``corpus``: the shipped, hand-written descriptions of NTU60/120, PKU-MMD, Toyota Smarthome, NW-UCLA,
  UTD-MHAD and UTKinect, loaded with :func:`load_descriptions`.
* ``prompts`` / ``backends`` / ``generator``: describe your own classes with any chat LLM or VLM
  (``huggingface_hub.InferenceClient`` endpoints or a local ``transformers`` chat model).
* ``keyframes``: pick the most mutually dissimilar frames of a clip for the visual prompt.
* ``embedding_cache``: encode all texts once into a safetensors file keyed by class and text.

``keyframes`` and ``embedding_cache`` import torch and are not imported here; import them directly.
"""

from .backends import CallableBackend, InferenceClientBackend, TransformersChatBackend
from .corpus import (
    available_corpora,
    descriptions_for,
    load_description_map,
    load_descriptions,
    read_jsonl,
    write_jsonl,
)
from .generator import DescriptionGenerationError, DescriptionGenerator, GenerationReport
from .schema import BODY_PARTS, KNOWLEDGE_KINDS, ClassDescription, DescriptionValidationError

__all__ = [
    "BODY_PARTS",
    "KNOWLEDGE_KINDS",
    "CallableBackend",
    "ClassDescription",
    "DescriptionGenerationError",
    "DescriptionGenerator",
    "DescriptionValidationError",
    "GenerationReport",
    "InferenceClientBackend",
    "TransformersChatBackend",
    "available_corpora",
    "descriptions_for",
    "load_description_map",
    "load_descriptions",
    "read_jsonl",
    "write_jsonl",
]
