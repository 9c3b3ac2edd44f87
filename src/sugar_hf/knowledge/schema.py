"""The description record: one class, six body-part motion texts and several visual texts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..skeleton_layouts import BODY_PARTS  # the six body parts of the motion prompt (after HAKE), in order

#: Knowledge settings of the paper's ablation (which texts stage 1 learns from).
KNOWLEDGE_KINDS: tuple[str, ...] = ("none", "motion", "visual", "motion+visual")

MIN_VISUAL = 4

# Appearance and environment words the visual rules forbid. A word is allowed when the class name or a
# synonym contains it (e.g. "jacket" for "wear jacket", where the jacket is the object being handled).
_FORBIDDEN_VISUAL = (
    "shirt", "t-shirt", "trousers", "jeans", "pants", "dress", "skirt", "sweater", "hoodie", "clothing",
    "clothes", "outfit", "wearing a", "background", "wall", "ceiling", "window", "curtain", "carpet",
    "wallpaper", "lighting", "room is", "red", "blue", "green", "yellow", "black", "white", "grey", "gray",
    "brown", "purple", "pink", "orange", "hair color", "blond", "beard", "tattoo",
)  # fmt: skip


class DescriptionValidationError(ValueError):
    """A description record (or a backend's answer) is missing parts, has empty texts or breaks a rule."""


@dataclass
class ClassDescription:
    """Text knowledge for one action class.

    Attributes:
        name: the class name exactly as the corpus's class list spells it.
        motion: body part -> one sentence on how that part moves (keys: ``BODY_PARTS``).
        visual: action-relevant visual descriptions (objects held, hand-object contact, posture context).
        synonyms: other names of the action.
        corpus: the corpus key (``ntu120``, ``pku_mmd`` ...), empty for user classes.
        label: the class index in the corpus, or -1.
        source: who wrote the text (``curated``, or ``generated:<backend>``).
    """

    name: str
    motion: dict[str, str]
    visual: list[str]
    synonyms: list[str] = field(default_factory=list)
    corpus: str = ""
    label: int = -1
    source: str = "curated"

    def motion_text(self) -> str:
        """The six parts as one paragraph, in ``BODY_PARTS`` order ("Head: ... Hands: ...")."""
        return " ".join(f"{part.capitalize()}: {_sentence(self.motion[part])}" for part in BODY_PARTS)

    def texts(self, knowledge: str = "motion+visual") -> list[str]:
        """The texts stage 1 contrasts against for this class, for one of ``KNOWLEDGE_KINDS``.

        ``none`` gives a class-name prompt only; ``motion`` the motion paragraph; ``visual`` the visual
        descriptions; ``motion+visual`` the motion paragraph followed by the visual descriptions.
        """
        if knowledge not in KNOWLEDGE_KINDS:
            raise ValueError(f"knowledge must be one of {KNOWLEDGE_KINDS}, got {knowledge!r}")
        if knowledge == "none":
            return [f"a person performing the action: {self.name}"]
        out = []
        if "motion" in knowledge:
            out.append(self.motion_text())
        if "visual" in knowledge:
            out.extend(_sentence(v) for v in self.visual)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "corpus": self.corpus,
            "label": self.label,
            "name": self.name,
            "synonyms": list(self.synonyms),
            "motion": {part: self.motion[part] for part in BODY_PARTS},
            "visual": list(self.visual),
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> ClassDescription:
        """Build and validate a record read from JSON."""
        try:
            desc = cls(
                name=record["name"],
                motion=dict(record["motion"]),
                visual=list(record["visual"]),
                synonyms=list(record.get("synonyms", [])),
                corpus=record.get("corpus", ""),
                label=int(record.get("label", -1)),
                source=record.get("source", "curated"),
            )
        except (KeyError, TypeError) as error:
            raise DescriptionValidationError(f"malformed record {record!r}: {error!r}") from error
        desc.validate()
        return desc

    def validate(self, min_visual: int = MIN_VISUAL, check_rules: bool = False) -> ClassDescription:
        """Raise :class:`DescriptionValidationError` unless all six parts and ``min_visual`` visual texts are
        non-empty strings. ``check_rules`` also rejects visual texts about clothing, colours or background."""
        if not isinstance(self.name, str) or not self.name.strip():
            raise DescriptionValidationError("the class name is empty")
        motion = validate_motion(self.motion, self.name)
        visual = validate_visual(
            self.visual, self.name, self.synonyms, min_visual=min_visual, check_rules=check_rules
        )
        self.motion, self.visual = motion, visual
        return self


def _sentence(text: str) -> str:
    text = text.strip()
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def validate_motion(motion: Mapping[str, Any], name: str = "") -> dict[str, str]:
    """Check a body-part mapping; returns it with stripped texts in ``BODY_PARTS`` order."""
    if not isinstance(motion, Mapping):
        raise DescriptionValidationError(f"{name!r}: motion must be a mapping of body parts")
    missing = [p for p in BODY_PARTS if not isinstance(motion.get(p), str) or not motion[p].strip()]
    if missing:
        raise DescriptionValidationError(f"{name!r}: empty or missing body parts {missing}")
    extra = sorted(set(motion) - set(BODY_PARTS))
    if extra:
        raise DescriptionValidationError(f"{name!r}: unknown body parts {extra}")
    return {p: motion[p].strip() for p in BODY_PARTS}


def visual_rule_violations(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """Forbidden appearance/environment words in one visual text (words found in ``allowed`` are ignored)."""
    allowed_text = " ".join(allowed).lower()
    lowered = text.lower()
    hits = []
    for word in _FORBIDDEN_VISUAL:
        if word in allowed_text:
            continue
        if re.search(rf"\b{re.escape(word)}\b", lowered):
            hits.append(word)
    return hits


def validate_visual(
    visual: Sequence[Any],
    name: str = "",
    synonyms: Sequence[str] = (),
    min_visual: int = MIN_VISUAL,
    check_rules: bool = False,
) -> list[str]:
    """Check the visual texts: at least ``min_visual`` distinct non-empty strings (and, with ``check_rules``,
    none about clothing, colour or background)."""
    if isinstance(visual, str) or not isinstance(visual, Sequence):
        raise DescriptionValidationError(f"{name!r}: visual must be a list of strings")
    texts = [v.strip() for v in visual if isinstance(v, str) and v.strip()]
    if len(texts) != len(visual):
        raise DescriptionValidationError(f"{name!r}: visual descriptions must be non-empty strings")
    if len({t.lower() for t in texts}) != len(texts):
        raise DescriptionValidationError(f"{name!r}: duplicate visual descriptions")
    if len(texts) < min_visual:
        raise DescriptionValidationError(f"{name!r}: {len(texts)} visual descriptions, need {min_visual}")
    if check_rules:
        for text in texts:
            hits = visual_rule_violations(text, [name, *synonyms])
            if hits:
                raise DescriptionValidationError(
                    f"{name!r}: visual text {text!r} describes appearance {hits}"
                )
    return texts
