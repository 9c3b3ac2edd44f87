"""The demo actions: for each, how the body model moves and the texts that describe it.

Each :class:`DemoAction` pairs a pose function (phases ``u`` in ``[0, 1]``, one per frame -> :class:`Pose`) with a six-part
motion description (head, hands, arms, hips, legs, feet) and visual descriptions written from that same
function, so the texts say what the generator does. The right hand/leg leads in one-sided actions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..skeleton_layouts import BODY_PARTS
from .body import REST_ELBOW, REST_HAND, Pose


def smoothstep(x):
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)


def envelope(u: np.ndarray, rise: tuple[float, float] = (0.08, 0.28),
             fall: tuple[float, float] = (0.72, 0.92)) -> np.ndarray:  # fmt: skip
    """0 at rest, 1 while the action is held: a smooth rise and a smooth fall."""
    up = smoothstep((u - rise[0]) / (rise[1] - rise[0]))
    down = smoothstep((u - fall[0]) / (fall[1] - fall[0]))
    return up * (1.0 - down)


def vec(x, y, z) -> np.ndarray:
    """Per-frame 3-vectors ``(frames, 3)`` (or one ``(3,)``) from scalars or per-frame arrays."""
    return np.stack(np.broadcast_arrays(*(np.asarray(c, dtype=np.float64) for c in (x, y, z))), axis=-1)


def lerp(a, b, t) -> np.ndarray:
    """Per-frame blend of two 3-vectors (or per-frame vectors) by weights ``t`` ``(frames,)``."""
    a, b, t = (
        np.asarray(a, dtype=np.float64),
        np.asarray(b, dtype=np.float64),
        np.asarray(t, dtype=np.float64),
    )
    return a + (b - a) * t[..., None]


@dataclass(frozen=True)
class Style:
    """Per-clip variation of one performance: how big, how many repetitions, and a phase offset."""

    amplitude: float = 1.0
    cycles: int = 3
    phase: float = 0.0


@dataclass(frozen=True)
class DemoAction:
    """One demo class: its name, pose function and descriptions."""

    name: str
    pose: Callable[[np.ndarray, Style], Pose]
    motion: dict[str, str]
    visual: tuple[str, ...]
    cycles: tuple[int, int] = (1, 1)
    synonyms: tuple[str, ...] = field(default_factory=tuple)

    def motion_text(self) -> str:
        """The six parts as one paragraph, in body-part order ("Head: ... Hands: ...")."""
        return " ".join(f"{part.capitalize()}: {self.motion[part]}." for part in BODY_PARTS)

    def texts(self) -> list[str]:
        """Stage-1 texts of this class: the motion paragraph, then each visual description."""
        return [self.motion_text(), *(f"{v}." for v in self.visual)]

    def description(self) -> str:
        """The short description the LLM learns to say after the class name."""
        return f"{self.motion['arms'].capitalize()}, and {self.motion['legs']}."

    def to_record(self) -> dict:
        """A record in the schema of ``sugar_hf.knowledge`` (name, motion by part, visual list)."""
        return {"corpus": "sugar_demo", "name": self.name, "synonyms": list(self.synonyms),
                "motion": dict(self.motion), "visual": list(self.visual), "source": "curated"}  # fmt: skip


# ---------------------------------------------------------------------------------------------- pose functions
def _wave(u: np.ndarray, s: Style) -> Pose:
    e = envelope(u)
    swing = 0.2 * s.amplitude * np.sin(2 * np.pi * s.cycles * u + s.phase) * e
    raised = vec(0.42 + swing, 0.42 * s.amplitude, 0.15)
    return Pose(
        hands={"right": lerp(REST_HAND, raised, e)}, elbows={"right": lerp(REST_ELBOW, (1.0, -0.7, 0.0), e)}
    )


def _clap(u: np.ndarray, s: Style) -> Pose:
    e = envelope(u, (0.05, 0.22), (0.8, 0.95))
    gap = 0.16 * s.amplitude * (0.5 + 0.5 * np.cos(2 * np.pi * s.cycles * u + s.phase))
    front = vec(-0.3 + gap, -0.32, 0.58)
    hand = lerp(REST_HAND, front, e)
    elbow = lerp(REST_ELBOW, (1.0, -0.6, -0.3), e)
    return Pose(hands={"left": hand, "right": hand}, elbows={"left": elbow, "right": elbow})


def _raise_arms(u: np.ndarray, s: Style) -> Pose:
    e = envelope(u, (0.1, 0.4), (0.65, 0.92))
    theta = np.deg2rad(-80 + 165 * e * min(s.amplitude, 1.05))
    d = vec(0.35 * np.cos(theta), np.sin(theta), 0.3 * np.cos(theta))
    hand = 0.97 * d / np.linalg.norm(d, axis=-1, keepdims=True)
    elbow = (1.0, -0.2, -0.5)
    return Pose(hands={"left": hand, "right": hand}, elbows={"left": elbow, "right": elbow})


def _bow(u: np.ndarray, s: Style) -> Pose:
    e = envelope(u, (0.1, 0.4), (0.6, 0.9))
    return Pose(trunk_pitch=0.8 * s.amplitude * e, head_pitch=0.3 * e, pelvis=vec(0.0, -0.01 * e, -0.1 * e))


def _squat(u: np.ndarray, s: Style, depth: float = 0.36) -> Pose:
    e = envelope(u, (0.1, 0.4), (0.62, 0.9))
    hand = lerp(REST_HAND, (0.05, -0.05, 0.92), e)
    return Pose(pelvis=vec(0.0, -depth * s.amplitude * e, -0.14 * e), trunk_pitch=0.45 * e,
                hands={"left": hand, "right": hand}, elbows={"left": (0.3, -1.0, 0.0), "right": (0.3, -1.0, 0.0)})  # fmt: skip


def _jump(u: np.ndarray, s: Style) -> Pose:
    n = s.cycles
    k = np.minimum(np.floor(u * n), n - 1)
    v = u * n - k  # phase inside this jump
    crouch = np.sin(np.pi * np.clip((v - 0.05) / 0.3, 0, 1)) + np.sin(np.pi * np.clip((v - 0.65) / 0.3, 0, 1))
    flight = np.clip((v - 0.35) / 0.3, 0, 1)
    height = 0.22 * s.amplitude * 4 * flight * (1 - flight)
    swing = np.clip(np.sin(np.pi * np.clip((v - 0.2) / 0.5, 0, 1)), 0, 1)
    hand = lerp((0.1, -0.9, -0.35), (0.15, 0.2, 0.8), swing)
    lift = vec(0.0, height, 0.0)
    return Pose(pelvis=vec(0.0, -0.12 * crouch + height, -0.04 * crouch), trunk_pitch=0.3 * crouch,
                hands={"left": hand, "right": hand}, feet={"left": lift, "right": lift})  # fmt: skip


def _kick(u: np.ndarray, s: Style) -> Pose:
    k = np.sin(np.pi * np.clip((u - 0.3) / 0.4, 0, 1)) ** 2
    balance = (0.35, -0.75, 0.1)
    hand = lerp(REST_HAND, balance, k)
    return Pose(feet={"right": vec(0.0, 0.42 * s.amplitude * k, 0.6 * s.amplitude * k)}, trunk_pitch=-0.18 * k,
                pelvis=vec(0.03 * k, 0.0, -0.04 * k), hands={"left": hand, "right": hand})  # fmt: skip


def _punch(u: np.ndarray, s: Style) -> Pose:
    e = envelope(u, (0.05, 0.2), (0.85, 0.97))
    guard = (-0.12, -0.12, 0.38)
    p = np.maximum(0.0, np.sin(2 * np.pi * s.cycles * u + s.phase)) ** 3 * e
    strike = (-0.2, 0.02, 0.97 * min(s.amplitude, 1.0))
    elbow = (0.3, -1.0, 0.0)
    return Pose(hands={"left": lerp(REST_HAND, guard, e), "right": lerp(lerp(REST_HAND, guard, e), strike, p)},
                elbows={"left": elbow, "right": elbow}, trunk_yaw=0.25 * p)  # fmt: skip


def _drink(u: np.ndarray, s: Style) -> Pose:
    e = envelope(u, (0.1, 0.35), (0.7, 0.92))
    hold = envelope(u, (0.3, 0.4), (0.62, 0.72))
    mouth = vec(-0.28, 0.26 + 0.02 * np.sin(2 * np.pi * 3 * u), 0.22)
    return Pose(hands={"right": lerp(REST_HAND, mouth, e)}, elbows={"right": (0.6, -1.0, 0.1)},
                head_pitch=-0.3 * s.amplitude * hold)  # fmt: skip


def _sit(u: np.ndarray, s: Style) -> Pose:
    r = smoothstep((u - 0.15) / 0.65)
    hand = lerp(REST_HAND, (0.05, -0.62, 0.55), r)
    return Pose(pelvis=vec(0.0, -0.4 * r, -0.24 * r), trunk_pitch=0.55 * np.sin(np.pi * r) + 0.05 * r,
                hands={"left": hand, "right": hand})  # fmt: skip


def _stand(u: np.ndarray, s: Style) -> Pose:
    return _sit(1.0 - u, s)


def _turn_head(u: np.ndarray, s: Style) -> Pose:
    e = envelope(u, (0.05, 0.2), (0.8, 0.95))
    yaw = 1.1 * s.amplitude * np.sin(2 * np.pi * s.cycles * u + s.phase) * e
    return Pose(head_yaw=yaw, trunk_yaw=0.05 * yaw)


_STILL = {
    "hips": "stay level and still",
    "legs": "stand straight without moving",
    "feet": "stay flat on the floor",
}

ACTIONS: tuple[DemoAction, ...] = (
    DemoAction(
        "wave hand",
        _wave,
        cycles=(3, 5),
        synonyms=("waving", "hand wave"),
        motion={
            "head": "faces forward and stays still",
            "hands": "the right hand is held above the shoulder and swings from side to side several times",
            "arms": "the right arm lifts out to the side with the elbow bent while the left arm hangs relaxed",
            **_STILL,
        },
        visual=(
            "one hand is raised beside the head with the palm open",
            "the raised forearm rocks left and right",
            "the other arm hangs down along the body",
            "the person stands upright facing forward",
        ),
    ),  # fmt: skip
    DemoAction(
        "clap hands",
        _clap,
        cycles=(4, 6),
        synonyms=("clapping", "applauding"),
        motion={
            "head": "faces forward and stays still",
            "hands": "both hands meet in front of the chest and part again, over and over",
            "arms": "both forearms are raised in front of the body and swing towards each other",
            **_STILL,
        },
        visual=(
            "the palms strike each other in front of the chest",
            "both elbows are bent and held out",
            "the hands move together and apart in a steady rhythm",
            "the person stands upright",
        ),
    ),  # fmt: skip
    DemoAction(
        "raise both arms",
        _raise_arms,
        synonyms=("arms up", "reaching up"),
        motion={
            "head": "faces forward and stays still",
            "hands": "both hands travel from the thighs to high above the head and back down",
            "arms": "both arms swing up straight, in front and slightly to the side, until they point at the ceiling",
            **_STILL,
        },
        visual=(
            "both straight arms point upwards above the head",
            "the hands are higher than the head",
            "the body forms a tall upright shape",
            "the arms move together, mirror images of each other",
        ),
    ),  # fmt: skip
    DemoAction(
        "bow",
        _bow,
        synonyms=("bowing", "bending forward"),
        motion={
            "head": "drops forward and down with the chest",
            "hands": "hang loosely from the arms",
            "arms": "hang down and follow the upper body forward",
            "hips": "hinge so that the upper body bends forward about forty-five degrees, then straighten",
            "legs": "stay straight",
            "feet": "stay flat on the floor",
        },
        visual=(
            "the upper body is tilted forward from the hips",
            "the head is lowered towards the floor",
            "the legs stay straight while the back bends",
            "the arms hang below the chest",
        ),
    ),  # fmt: skip
    DemoAction(
        "squat down",
        _squat,
        synonyms=("squatting", "deep knee bend"),
        motion={
            "head": "stays level, looking forward",
            "hands": "reach forward at shoulder height for balance",
            "arms": "both arms lift straight out in front of the body",
            "hips": "drop down and back towards the heels, then rise again",
            "legs": "both knees bend deeply and then straighten",
            "feet": "stay flat and planted on the floor",
        },
        visual=(
            "the knees are bent far forward with the hips low",
            "the arms stretch out in front for balance",
            "the thighs come close to horizontal",
            "the person returns to standing after the squat",
        ),
    ),  # fmt: skip
    DemoAction(
        "jump up",
        _jump,
        cycles=(1, 2),
        synonyms=("jumping", "hop in place"),
        motion={
            "head": "moves up and down with the body",
            "hands": "swing back and then up in front of the body",
            "arms": "swing back during the crouch and forward and up at take-off",
            "hips": "dip down and then rise as the whole body leaves the floor",
            "legs": "bend to crouch, push off straight, and bend again to land",
            "feet": "leave the floor together and land in the same place",
        },
        visual=(
            "both feet are in the air at the same time",
            "the knees bend before take-off and on landing",
            "the arms swing upwards to help the jump",
            "the whole body moves vertically",
        ),
    ),  # fmt: skip
    DemoAction(
        "punch forward",
        _punch,
        cycles=(2, 3),
        synonyms=("punching", "throwing a punch"),
        motion={
            "head": "faces forward and stays still",
            "hands": "both fists are held up near the chin and the right fist shoots forward and back",
            "arms": "the right arm extends straight forward quickly and pulls back, the left stays in guard",
            "hips": "twist slightly with each punch",
            "legs": "stand still",
            "feet": "stay flat on the floor",
        },
        visual=(
            "a closed fist is thrust straight out at shoulder height",
            "the other fist guards the face",
            "the punching arm is fully extended at the moment of the strike",
            "the torso rotates into the punch",
        ),
    ),  # fmt: skip
    DemoAction(
        "drink from a cup",
        _drink,
        synonyms=("drinking", "taking a sip"),
        motion={
            "head": "tilts back slightly while the cup is at the mouth",
            "hands": "the right hand brings a cup up to the mouth, holds it there, and lowers it",
            "arms": "the right elbow bends to lift the forearm to the mouth while the left arm hangs",
            **_STILL,
        },
        visual=(
            "one hand holds a cup at the lips",
            "the head is tipped back while swallowing",
            "the elbow of the drinking arm points down and out",
            "the person stands upright",
        ),
    ),  # fmt: skip
    DemoAction(
        "sit down",
        _sit,
        synonyms=("sitting down", "taking a seat"),
        motion={
            "head": "leans forward with the trunk and comes back up",
            "hands": "move from the sides to rest on the thighs",
            "arms": "bend and move forward as the body lowers",
            "hips": "move down and back onto a seat behind the person",
            "legs": "the knees bend until the thighs are level",
            "feet": "stay flat on the floor",
        },
        visual=(
            "the person ends seated with the thighs horizontal",
            "the trunk leans forward while lowering",
            "the hands come to rest on the knees",
            "the hips end at the height of the knees",
        ),
    ),  # fmt: skip
    DemoAction(
        "stand up",
        _stand,
        synonyms=("standing up", "getting up from a chair"),
        motion={
            "head": "leans forward with the trunk and rises",
            "hands": "leave the thighs and hang at the sides",
            "arms": "straighten and drop to the sides as the body rises",
            "hips": "lift up and forward off the seat",
            "legs": "the bent knees straighten until the person stands",
            "feet": "push against the floor and stay in place",
        },
        visual=(
            "the person starts seated and ends standing",
            "the trunk leans forward to shift weight over the feet",
            "the hands push off the knees",
            "the hips rise above the knees",
        ),
    ),  # fmt: skip
    DemoAction(
        "kick forward",
        _kick,
        synonyms=("kicking", "front kick"),
        motion={
            "head": "stays level, looking forward",
            "hands": "spread a little to the sides for balance",
            "arms": "lift slightly out from the body",
            "hips": "lean back a little as the leg swings up",
            "legs": "the right leg swings forward and up, then returns; the left leg supports the body",
            "feet": "the right foot leaves the floor and rises to knee height or higher in front",
        },
        visual=(
            "one foot is lifted high in front of the body",
            "the body balances on the other leg",
            "the kicking leg is nearly straight at its highest point",
            "the arms open slightly for balance",
        ),
    ),  # fmt: skip
    DemoAction(
        "turn head",
        _turn_head,
        cycles=(1, 2),
        synonyms=("shaking the head", "looking left and right"),
        motion={
            "head": "turns to the left and to the right and back to the front",
            "hands": "hang still at the sides",
            "arms": "hang relaxed along the body",
            "hips": "stay still, turning very slightly with the head",
            "legs": "stand straight without moving",
            "feet": "stay flat on the floor",
        },
        visual=(
            "the face turns towards one shoulder and then the other",
            "the body stays still below the neck",
            "the person stands upright with the arms down",
            "only the head moves",
        ),
    ),  # fmt: skip
)

#: Actions held out from training: the zero-shot classes.
UNSEEN_ACTIONS: tuple[str, ...] = ("stand up", "kick forward", "turn head")
SEEN_ACTIONS: tuple[str, ...] = tuple(a.name for a in ACTIONS if a.name not in UNSEEN_ACTIONS)
ACTIONS_BY_NAME: dict[str, DemoAction] = {a.name: a for a in ACTIONS}
