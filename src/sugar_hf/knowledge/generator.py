"""Describe action classes with an LLM (motion text) and a VLM or LLM (visual text), safely and resumably.

>>> from sugar_hf.knowledge.backends import TransformersChatBackend
>>> gen = DescriptionGenerator(TransformersChatBackend.smollm2())
>>> report = gen.generate(["drink water", "wave"], "my_classes.jsonl")   # doctest: +SKIP

Every answer is parsed and validated (six non-empty parts, >= 4 visual texts that obey the visual rules);
a class whose answer fails is asked again, up to ``max_retries`` more times (sampling on retries), and then
reported with :class:`DescriptionGenerationError`. A record reaches the JSONL only when it is complete, as
one line written and flushed at once; rerunning skips classes already in the file.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from .corpus import write_jsonl
from .prompts import (
    EXAMPLE_ACTION,
    EXAMPLE_MOTION,
    EXAMPLE_VISUAL,
    motion_messages,
    parse_motion,
    parse_visual,
    visual_messages,
)
from .schema import (
    BODY_PARTS,
    MIN_VISUAL,
    ClassDescription,
    DescriptionValidationError,
    validate_motion,
    visual_rule_violations,
)

logger = logging.getLogger(__name__)


class DescriptionGenerationError(RuntimeError):
    """A class got no valid description within the allowed attempts."""


@dataclass
class GenerationReport:
    """What :meth:`DescriptionGenerator.generate` did: classes written, skipped (already there), failed."""

    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)


def check_motion(motion: Mapping[str, str], name: str) -> dict[str, str]:
    """Validate a parsed motion answer beyond the schema: 2-60 words a part, at least four distinct part
    texts, and not a copy of the prompt's worked example (three or more parts verbatim)."""
    motion = validate_motion(motion, name)
    for part, text in motion.items():
        words = len(text.split())
        if not 2 <= words <= 60:
            raise DescriptionValidationError(f"{name!r}: {part} text has {words} words: {text!r}")
    copied = [p for p, t in motion.items() if t.lower() == EXAMPLE_MOTION[p].lower()]
    if name != EXAMPLE_ACTION and len(copied) >= 3:
        raise DescriptionValidationError(f"{name!r}: {copied} copy the prompt's example")
    if len({t.lower() for t in motion.values()}) < 4:
        raise DescriptionValidationError(f"{name!r}: the six parts repeat the same text")
    return motion


def check_visual(items: Sequence[str], name: str, synonyms: Sequence[str], num_visual: int) -> list[str]:
    """Keep the visual texts that obey the rules (no appearance, no environment, 3-40 words, not the example,
    no duplicates); require at least ``max(4, num_visual)`` of them and return that many."""
    kept: list[str] = []
    for text in items:
        words = len(text.split())
        if not 3 <= words <= 40 or text.lower() in {t.lower() for t in kept}:
            continue
        if name != EXAMPLE_ACTION and text.lower() in {e.lower() for e in EXAMPLE_VISUAL}:
            continue
        if visual_rule_violations(text, [name, *synonyms]):
            continue
        kept.append(text)
    need = max(MIN_VISUAL, num_visual)
    if len(kept) < need:
        raise DescriptionValidationError(
            f"{name!r}: {len(kept)} usable visual descriptions of {len(items)}, need {need}"
        )
    return kept[:need]


def _read_done(path: Path) -> dict[str, ClassDescription]:
    """Complete records already in ``path``; a torn or invalid line (an interrupted run) is dropped from the
    file, which is rewritten atomically without it."""
    if not path.exists():
        return {}
    done: dict[str, ClassDescription] = {}
    bad = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            desc = ClassDescription.from_dict(json.loads(line))
        except (json.JSONDecodeError, DescriptionValidationError, TypeError, AttributeError):
            bad += 1
            continue
        done.setdefault(desc.name, desc)
    if bad:
        logger.warning("%s: dropping %d incomplete line(s) left by an interrupted run", path, bad)
        write_jsonl(done.values(), path)
    return done


class DescriptionGenerator:
    """Generate :class:`ClassDescription` records with chat backends.

    Args:
        backend: the text LLM (motion text; visual text too when no frames or VLM are given).
        visual_backend: a VLM (``supports_images``) used for the visual text when frames are given.
        max_retries: extra attempts per class after the first (greedy first, then sampled).
        num_visual: visual descriptions per class (>= 4).
        structured: ``"auto"`` (stepwise when the backend supports prefill), ``"stepwise"`` (fill one body part
            / list item at a time after a forced prefix: robust on tiny models), or ``"single"`` (one answer).
        part_max_new_tokens / item_max_new_tokens: token budget per body part / visual item in stepwise mode.
        max_new_tokens: token budget per answer in single mode.
        retry_temperature: sampling temperature of the retries.
    """

    def __init__(
        self,
        backend: Any,
        visual_backend: Any = None,
        *,
        max_retries: int = 2,
        num_visual: int = 4,
        structured: str = "auto",
        part_max_new_tokens: int = 24,
        item_max_new_tokens: int = 28,
        max_new_tokens: int = 320,
        retry_temperature: float = 0.7,
    ):
        if num_visual < MIN_VISUAL:
            raise ValueError(f"num_visual must be >= {MIN_VISUAL}")
        if structured not in ("auto", "stepwise", "single"):
            raise ValueError("structured must be 'auto', 'stepwise' or 'single'")
        self.backend, self.visual_backend = backend, visual_backend
        self.max_retries, self.num_visual = max_retries, num_visual
        self.structured = structured
        self.part_max_new_tokens, self.item_max_new_tokens = part_max_new_tokens, item_max_new_tokens
        self.max_new_tokens, self.retry_temperature = max_new_tokens, retry_temperature

    # -------------------------------------------------------------------------------------------- one call
    def _stepwise(self, backend: Any) -> bool:
        if self.structured == "single":
            return False
        if self.structured == "stepwise" and not backend.supports_prefill:
            raise ValueError(f"{backend.name} does not support prefill; use structured='single'")
        return bool(backend.supports_prefill)

    def _ask_motion(self, names: list[str], synonyms: list[list[str]], temperature: float) -> list[str]:
        conversations = [motion_messages(n, s) for n, s in zip(names, synonyms)]
        if not self._stepwise(self.backend):
            return self.backend.chat_batch(
                conversations, max_new_tokens=self.max_new_tokens, temperature=temperature
            )
        answers = [""] * len(names)
        for part in BODY_PARTS:
            prefills = [a + f"{part}:" for a in answers]
            parts = self.backend.chat_batch(
                conversations,
                prefills=prefills,
                stop=["\n"],
                max_new_tokens=self.part_max_new_tokens,
                temperature=temperature,
            )
            answers = [p + " " + t.strip() + "\n" for p, t in zip(prefills, parts)]
        return answers

    def _ask_visual(
        self,
        names: list[str],
        synonyms: list[list[str]],
        frames: list[Sequence[Any] | None],
        temperature: float,
    ) -> list[str]:
        use_vlm = self.visual_backend is not None and any(frames)
        backend = self.visual_backend if use_vlm else self.backend
        images = [list(f) if f else None for f in frames] if use_vlm else None
        conversations = [
            visual_messages(n, self.num_visual, s, num_frames=len(f or ()) if use_vlm else 0)
            for n, s, f in zip(names, synonyms, frames)
        ]
        if not self._stepwise(backend):
            return backend.chat_batch(
                conversations, images=images, max_new_tokens=self.max_new_tokens, temperature=temperature
            )
        answers = [""] * len(names)
        for i in range(1, self.num_visual + 1):
            prefills = [a + f"{i}." for a in answers]
            items = backend.chat_batch(
                conversations,
                prefills=prefills,
                images=images,
                stop=["\n"],
                max_new_tokens=self.item_max_new_tokens,
                temperature=temperature,
            )
            answers = [p + " " + t.strip() + "\n" for p, t in zip(prefills, items)]
        return answers

    # ------------------------------------------------------------------------------------------ describing
    def describe_batch(
        self,
        names: Sequence[str],
        synonyms: Sequence[Sequence[str]] | None = None,
        frames: Sequence[Sequence[Any] | None] | None = None,
        on_result: Callable[[ClassDescription], None] | None = None,
        report: GenerationReport | None = None,
    ) -> list[ClassDescription]:
        """Describe several classes in one batch per attempt; retry only those whose answer failed.

        Raises :class:`DescriptionGenerationError` for the first class still invalid after all attempts
        (``on_result`` has by then been called for every class that succeeded).
        """
        names = list(names)
        synonyms_list = [list(s) for s in synonyms] if synonyms else [[] for _ in names]
        frames_list = list(frames) if frames else [None] * len(names)
        results: dict[str, ClassDescription] = {}
        errors: dict[str, str] = {}

        def accept(name: str, desc: ClassDescription) -> None:
            results[name] = desc
            if on_result is not None:
                on_result(desc)

        pending = list(range(len(names)))
        for attempt in range(self.max_retries + 1):
            if not pending:
                break
            pending = self._attempt(
                attempt, pending, names, synonyms_list, frames_list, errors, accept, report
            )
        if pending:
            self._raise_failed([names[i] for i in pending], errors, report)
        return [results[n] for n in names]

    def _attempt(
        self,
        attempt: int,
        pending: list[int],
        names: list[str],
        synonyms_list: list[list[str]],
        frames_list: list[Sequence[Any] | None],
        errors: dict[str, str],
        accept: Callable[[str, ClassDescription], None],
        report: GenerationReport | None,
    ) -> list[int]:
        """One batched attempt for the ``pending`` classes; returns those whose answer failed again."""
        temperature = 0.0 if attempt == 0 else self.retry_temperature
        batch_names = [names[i] for i in pending]
        batch_syn = [synonyms_list[i] for i in pending]
        motion_answers = self._ask_motion(batch_names, batch_syn, temperature)
        visual_answers = self._ask_visual(
            batch_names, batch_syn, [frames_list[i] for i in pending], temperature
        )
        still = []
        for i, motion_text, visual_text in zip(pending, motion_answers, visual_answers):
            name = names[i]
            if report is not None:
                report.attempts[name] = attempt + 1
            try:
                desc = self._checked(name, synonyms_list[i], frames_list[i], motion_text, visual_text)
            except DescriptionValidationError as error:
                errors[name] = (
                    f"{error} (answers: motion {motion_text[:160]!r}, visual {visual_text[:160]!r})"
                )
                logger.info("attempt %d for %r failed: %s", attempt + 1, name, error)
                still.append(i)
                continue
            accept(name, desc)
        return still

    def _checked(
        self, name: str, synonyms: list[str], frames: Sequence[Any] | None, motion_text: str, visual_text: str
    ) -> ClassDescription:
        """The validated record of one class's two answers (raises :class:`DescriptionValidationError`)."""
        motion = check_motion(parse_motion(motion_text), name)
        visual = check_visual(parse_visual(visual_text), name, synonyms, self.num_visual)
        return ClassDescription(
            name=name,
            motion=motion,
            visual=visual,
            synonyms=synonyms,
            source=f"generated:{self.backend.name}"
            + (f"+{self.visual_backend.name}" if self.visual_backend is not None and frames else ""),
        ).validate(check_rules=True)

    def _raise_failed(
        self, failed_names: list[str], errors: dict[str, str], report: GenerationReport | None
    ) -> NoReturn:
        """Record the classes that failed every attempt in ``report`` and raise for them."""
        failed = {name: errors[name] for name in failed_names}
        if report is not None:
            report.failed.update(failed)
        first = failed_names[0]
        raise DescriptionGenerationError(
            f"no valid description for {list(failed)} after {self.max_retries + 1} attempts; "
            f"last error for {first!r}: {failed[first]}"
        )

    def describe(
        self, name: str, synonyms: Sequence[str] = (), frames: Sequence[Any] | None = None
    ) -> ClassDescription:
        """One class: motion text from ``backend``, visual text from ``visual_backend`` on ``frames`` (or from
        ``backend`` without frames)."""
        return self.describe_batch([name], [synonyms], [frames])[0]

    def generate(
        self,
        class_names: Sequence[str],
        output: str | os.PathLike,
        *,
        corpus: str = "",
        synonyms: Mapping[str, Sequence[str]] | None = None,
        frames: Mapping[str, Sequence[Any]] | None = None,
        batch_size: int = 1,
        resume: bool = True,
        on_error: str = "raise",
    ) -> GenerationReport:
        """Describe ``class_names`` into the JSONL file ``output``, one complete record a line.

        With ``resume`` the classes already in ``output`` are skipped (a torn last line from an interrupted run
        is removed first); without it the file is started afresh. ``on_error="raise"`` stops at the first
        class that fails all attempts (records written so far stay); ``"skip"`` carries on and lists the
        failures in the report.
        """
        if on_error not in ("raise", "skip"):
            raise ValueError("on_error must be 'raise' or 'skip'")
        path = Path(output)
        done = _open_output(path, resume)
        report = GenerationReport()
        todo = []
        for name in dict.fromkeys(class_names):
            (report.skipped if name in done else todo).append(name)
        label_of = {n: i for i, n in enumerate(dict.fromkeys(class_names))}
        synonyms, frames = synonyms or {}, frames or {}
        with open(path, "a", encoding="utf-8") as handle:
            write = _record_writer(handle, corpus, label_of, report)
            for start in range(0, len(todo), batch_size):
                batch = todo[start : start + batch_size]
                try:
                    self.describe_batch(
                        batch,
                        [list(synonyms.get(n, ())) for n in batch],
                        [frames.get(n) for n in batch],
                        on_result=write,
                        report=report,
                    )
                except DescriptionGenerationError:
                    if on_error == "raise":
                        raise
        return report


def _open_output(path: Path, resume: bool) -> dict[str, ClassDescription]:
    """Make ``path``'s folder; with ``resume`` the records already there, else an emptied file and none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if resume:
        return _read_done(path)
    path.write_text("", encoding="utf-8")
    return {}


def _record_writer(
    handle: Any, corpus: str, label_of: Mapping[str, int], report: GenerationReport
) -> Callable[[ClassDescription], None]:
    """``write(desc)``: tag ``desc`` with its corpus and label, append it as one flushed and synced line."""

    def write(desc: ClassDescription) -> None:
        desc.corpus, desc.label = corpus, label_of[desc.name]
        handle.write(json.dumps(desc.to_dict(), ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
        report.written.append(desc.name)

    return write
