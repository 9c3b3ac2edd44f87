"""The paper's two prompts (body-part motion text, rule-bound visual text) and robust parsers for the answers.

The motion prompt follows SUGAR: the action is decomposed into the movements of six body parts (head, hands,
arms, hips, legs, feet). The visual prompt carries the paper's three rules: describe the action, not the
person's appearance; do not describe the environment; keep only what matters to the action. Both ask for a
plain line format (``part: text`` / ``1. text``) that small local models follow; the parsers also accept JSON.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .schema import BODY_PARTS

MOTION_SYSTEM = (
    "You are an expert in human motion. Describe how a person's body moves while performing an action, "
    "split into six body parts: head, hands, arms, hips, legs, feet. Answer with exactly six lines, one per "
    "body part in that order, each line 'part: <one short sentence>'. Be concrete: say where each part moves, "
    "what the hands hold or touch, and which direction they go. No other text."
)

VISUAL_RULES: tuple[str, ...] = (
    "Describe the action being performed, not the person's appearance (no clothing, hair, age or colours).",
    "Do not describe the environment or background (no walls, furniture style, lighting or room).",
    "Only describe what matters to recognising the action: the objects held, how the hands touch them, "
    "and the posture of the body.",
)

VISUAL_SYSTEM = (
    "You describe what is visible in video frames of a person performing an action. Follow three rules:\n"
    + "\n".join(f"{i}. {rule}" for i, rule in enumerate(VISUAL_RULES, 1))
    + "\nAnswer with a numbered list, one short sentence per line, and no other text."
)

# One worked example, shown to the model as a previous turn (few-shot) so that small models copy the format.
EXAMPLE_ACTION = "drink water"
EXAMPLE_MOTION = {
    "head": "tilts slightly back as the cup reaches the lips",
    "hands": "one hand grips a cup and tips it toward the mouth",
    "arms": "the elbow bends and lifts the forearm up to the face",
    "hips": "stay still and level",
    "legs": "stand straight without moving",
    "feet": "stay flat on the floor",
}
EXAMPLE_VISUAL = [
    "the hand holds a cup, not food",
    "the rim of the cup touches the lips",
    "the fingers wrap around the cup at chin height",
    "the head is tipped back while swallowing",
]


def _action_line(name: str, synonyms: list[str] | tuple[str, ...] = ()) -> str:
    line = f"Action: {name}"
    if synonyms:
        line += f" (also called: {', '.join(synonyms)})"
    return line


def format_motion(motion: dict[str, str]) -> str:
    return "\n".join(f"{part}: {motion[part]}" for part in BODY_PARTS)


def format_visual(visual: list[str]) -> str:
    return "\n".join(f"{i}. {text}" for i, text in enumerate(visual, 1))


def motion_messages(name: str, synonyms: list[str] | tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Chat messages asking for the six-part motion description of ``name``."""
    return [
        {"role": "system", "content": MOTION_SYSTEM},
        {"role": "user", "content": _action_line(EXAMPLE_ACTION)},
        {"role": "assistant", "content": format_motion(EXAMPLE_MOTION)},
        {"role": "user", "content": _action_line(name, synonyms)},
    ]


def visual_messages(
    name: str, num_visual: int = 4, synonyms: list[str] | tuple[str, ...] = (), num_frames: int = 0
) -> list[dict[str, Any]]:
    """Chat messages asking for ``num_visual`` visual descriptions of ``name``.

    With ``num_frames`` > 0 the last user turn says that key frames are attached (the backend adds the
    images); without frames a text-only model describes what such frames would typically show.
    """
    if num_frames:
        intro = f"The {num_frames} attached key frames show a person performing the action."
    else:
        intro = "Describe what video frames of a person performing this action typically show."
    ask = f"{intro} Give {num_visual} visual descriptions."
    example_ask = f"{intro} Give {len(EXAMPLE_VISUAL)} visual descriptions."
    return [
        {"role": "system", "content": VISUAL_SYSTEM},
        {"role": "user", "content": f"{_action_line(EXAMPLE_ACTION)}\n{example_ask}"},
        {"role": "assistant", "content": format_visual(EXAMPLE_VISUAL)},
        {"role": "user", "content": f"{_action_line(name, synonyms)}\n{ask}"},
    ]


# ---------------------------------------------------------------------------------------------------- parsing
_PART_ALIASES = {
    "head": "head", "heads": "head", "face": "head", "neck": "head",
    "hand": "hands", "hands": "hands", "fingers": "hands",
    "arm": "arms", "arms": "arms",
    "hip": "hips", "hips": "hips", "waist": "hips", "torso": "hips",
    "leg": "legs", "legs": "legs", "knees": "legs",
    "foot": "feet", "feet": "feet", "feets": "feet",
}  # fmt: skip
_PART_LINE = re.compile(r"^[\s\-*•#\d.)]*\**\s*([A-Za-z]+)\s*\**\s*[:=\-–]\s*(.*\S)\s*$")
_ITEM_LINE = re.compile(r"^\s*(?:\d+\s*[.)]|[-*•])\s*(.*\S)\s*$")


def _clean(text: str) -> str:
    text = text.strip().strip("\"'`*").strip()
    return re.sub(r"\s+", " ", text)


def _json_value(text: str) -> Any | None:
    """The first JSON object or list found in ``text`` (fenced or bare), or None."""
    for opener, closer in (("{", "}"), ("[", "]")):
        start, end = text.find(opener), text.rfind(closer)
        if start != -1 and end > start:
            try:
                return json.loads(text[start : end + 1])
            except json.JSONDecodeError:
                continue
    return None


def parse_motion(text: str) -> dict[str, str]:
    """Body part -> text from a model answer (``part: text`` lines or a JSON object).

    Part names are normalised (``hand`` -> ``hands``, ``foot`` -> ``feet`` ...); the first mention of a
    part wins; unknown keys are ignored. Parts the answer lacks are simply absent: validation decides.
    """
    found: dict[str, str] = {}
    value = _json_value(text)
    if isinstance(value, dict):
        value = value.get("motion", value)
        if isinstance(value, dict):
            for key, val in value.items():
                part = _PART_ALIASES.get(str(key).strip().lower())
                if part and part not in found and isinstance(val, str) and _clean(val):
                    found[part] = _clean(val)
            if found:
                return found
    for line in text.splitlines():
        match = _PART_LINE.match(line)
        if not match:
            continue
        part = _PART_ALIASES.get(match.group(1).lower())
        if part and part not in found and _clean(match.group(2)):
            found[part] = _clean(match.group(2))
    return found


def parse_visual(text: str) -> list[str]:
    """Visual descriptions from a model answer (a numbered or bulleted list, or a JSON list / ``{"visual": [...]}``)."""
    value = _json_value(text)
    if isinstance(value, dict):
        value = value.get("visual") or value.get("descriptions")
    if isinstance(value, list):
        items = [_clean(v) for v in value if isinstance(v, str)]
        return [v for v in items if v]
    items = []
    for line in text.splitlines():
        match = _ITEM_LINE.match(line)
        if match and _clean(match.group(1)):
            items.append(_clean(match.group(1)))
    return items
