"""``sugar-hf`` command line: each sub-command parses its arguments, calls one library function and prints."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .corpora import CORPORA, class_names
from .skeleton.readers import read_skeleton_file
from .skeleton_layouts import NTU25


def synthetic_wave(num_frames: int = 64, num_persons: int = 2) -> np.ndarray:
    """A deterministic NTU-25 clip of a person waving the right hand (for a demo without data files)."""
    rest = np.zeros((25, 3), dtype=np.float32)
    names = NTU25.joint_names
    heights = {"spine_base": 0.0, "spine_mid": 0.3, "spine_shoulder": 0.5, "neck": 0.55, "head": 0.7}
    for name, y in heights.items():
        rest[names.index(name)] = (0.0, y, 3.0)
    for side, x in (("left", -1), ("right", 1)):
        rest[names.index(f"{side}_shoulder")] = (0.18 * x, 0.5, 3.0)
        rest[names.index(f"{side}_elbow")] = (0.22 * x, 0.25, 3.0)
        for j in ("wrist", "hand", "hand_tip", "thumb"):
            rest[names.index(f"{side}_{j}")] = (0.24 * x, 0.02, 3.0)
        rest[names.index(f"{side}_hip")] = (0.1 * x, 0.0, 3.0)
        rest[names.index(f"{side}_knee")] = (0.1 * x, -0.45, 3.0)
        for j in ("ankle", "foot"):
            rest[names.index(f"{side}_{j}")] = (0.1 * x, -0.9, 3.05)
    clip = np.repeat(rest[None], num_frames, axis=0)
    phase = np.sin(np.linspace(0, 4 * np.pi, num_frames))
    for j in ("right_wrist", "right_hand", "right_hand_tip", "right_thumb"):
        clip[:, names.index(j), 0] = 0.35 + 0.15 * phase
        clip[:, names.index(j), 1] = 0.75
    clip[:, names.index("right_elbow"), 1] = 0.5
    out = np.zeros((num_persons, num_frames, 25, 3), dtype=np.float32)
    out[0] = clip
    return out


def cmd_demo(args: argparse.Namespace) -> int:
    """Build the embedded default (SmolLM2-135M + MiniLM, offline) and classify one skeleton."""
    from .embedded import build_embedded_default
    from .inference import answer, classify

    start = time.time()
    if args.skeleton:
        skeleton, layout = read_skeleton_file(args.skeleton)
        source = args.skeleton
    else:
        skeleton, layout, source = synthetic_wave(), "ntu25", "built-in synthetic clip (right hand waving)"
    candidates = (
        split_candidates(args.candidates) if args.candidates else class_names("ntu60")[: args.num_candidates]
    )
    model, processor = build_embedded_default(class_names=candidates, layout=layout)
    print(f"built the embedded default in {time.time() - start:.1f}s: "
          f"{sum(p.numel() for p in model.parameters()) / 1e6:.1f}M parameters, "
          f"{sum(p.numel() for p in model.parameters() if p.requires_grad) / 1e6:.1f}M trainable")  # fmt: skip
    print(f"skeleton: {source}, shape {tuple(skeleton.shape)}, layout {layout}")
    t0 = time.time()
    ranked = classify(model, processor, [skeleton], candidates=candidates, top_k=5)[0]
    print(f"top-5 of {len(candidates)} candidates ({time.time() - t0:.2f}s, shared-prefix ranking):")
    for name, score in ranked:
        print(f"  {score:8.3f}  {name}")
    generated = answer(model, processor, [skeleton], candidates=candidates, max_new_tokens=24)[0]
    print(f"generated answer: {generated.text!r}")
    print("note: stage 1 and stage 2 are untrained here, so the ranking is not yet meaningful; "
          "train with examples/train.py.")  # fmt: skip
    return 0


FOLDER_ONLY = ("labels_csv", "edges", "channels", "coordinate_channels", "split_by", "test_subjects",
               "test_fraction", "format", "max_persons")  # fmt: skip


def _convert_options(args: argparse.Namespace) -> dict:
    """The builder options of ``convert``; the folder-only flags are refused for a research corpus."""
    if args.corpus == "folder":
        return {
            "labels_csv": args.labels_csv, "edges": args.edges,
            "layout": args.layout or (None if args.format not in (None, "array") else "ntu25"),
            "format": args.format, "max_persons": args.max_persons or 2,
            "center_joint": args.center_joint, "channels": args.channels,
            "coordinate_channels": args.coordinate_channels, "split_by": args.split_by,
            "test_subjects": args.test_subjects.split(",") if args.test_subjects else None,
            "test_fraction": args.test_fraction, "seed": args.seed,
        }  # fmt: skip
    given = [f"--{k.replace('_', '-')}" for k in FOLDER_ONLY if getattr(args, k) not in (None, "auto")]
    if args.layout:
        given.append("--layout")
    if given:
        raise ValueError(f"{', '.join(given)} only apply to `convert folder` (your own arrays + a CSV)")
    return {}


def convert_and_push(corpus: str, raw_dir, out_dir, *, push_to_hub: str | None = None, accept_terms: bool = False,
                     configs: tuple[str, ...] | None = None, **kwargs):  # fmt: skip
    """:func:`sugar_hf.data.builders.convert_corpus`, then, with ``push_to_hub="user/repo"``, upload the configs
    with :func:`sugar_hf.hub.publish.push_dataset` (a research corpus only with ``accept_terms=True``, checked
    before any conversion work, and privately). Returns the conversion report."""
    from .data.builders import convert_corpus

    if push_to_hub:
        from .hub.publish import check_upload_terms

        check_upload_terms(corpus, accept_terms)
    report = convert_corpus(corpus, raw_dir, out_dir, configs=configs, **kwargs)
    if push_to_hub:
        from .hub.publish import push_dataset

        push_dataset(out_dir, push_to_hub, corpus=corpus, accept_terms=accept_terms, configs=configs)
    return report


def cmd_convert(args: argparse.Namespace) -> int:
    """Convert a raw corpus folder into a DatasetDict per split config (see ``datasets_scripts/``), then push
    it with ``--push-to-hub``."""
    from .data.builders import ConversionFailed

    options = _convert_options(args)
    try:
        report = convert_and_push(args.corpus, args.raw_dir, args.out_dir, push_to_hub=args.push_to_hub,
                                  accept_terms=args.i_accept_the_dataset_terms, num_workers=args.workers,
                                  **options)  # fmt: skip
    except ConversionFailed as failed:
        print(failed.report.summary(), file=sys.stderr)
        for line in failed.report.skip_summary():
            print(line, file=sys.stderr)
        print(f"error: no clip could be converted; nothing was written to {args.out_dir}", file=sys.stderr)
        return 1
    print(report.summary())
    _print_counts_and_tracking(report)
    for line in report.skip_summary():  # counts per reason and the first few; all of them in the saved report
        print(line, file=sys.stderr)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0 if report.balanced else 1


def _print_counts_and_tracking(report, shown: int = 20) -> None:
    """Clips per split (and per class, for up to 30 classes); for pose exports, each clip with filled frames."""
    for config, splits in report.counts.items():
        for split, per_class in splits.items():
            line = f"{config}/{split}: {sum(per_class.values())} clips"
            if len(per_class) <= 30:
                line += " (" + ", ".join(f"{name} {n}" for name, n in per_class.items()) + ")"
            print(line)
    if not report.tracking:
        return
    filled = [t for t in report.tracking if t["filled_total"]]
    total = sum(t["filled_total"] for t in report.tracking)
    slots = sum(t["frames"] * t["persons"] for t in report.tracking)
    print(f"pose exports: {len(report.tracking)} clips, {len(filled)} with missing detections filled "
          f"({total} of {slots} person-frames, interpolated or carried with score 0; per clip in "
          "conversion_report.json 'tracking')")  # fmt: skip
    for item in filled[:shown]:
        print(f"  filled {item['filled_total']:4d}  {item['file']}: {item['frames']} frames, "
              f"{item['persons']} of {item['tracks']} persons kept, per person {item['filled']}")  # fmt: skip
    if len(filled) > shown:
        print(f"  ... and {len(filled) - shown} more")


def cmd_quickstart(args: argparse.Namespace) -> int:
    """Train SUGAR's two stages on the generated demo corpus with the embedded default, evaluate, write."""
    from .demo.quickstart import QuickstartSettings, run_quickstart

    settings = QuickstartSettings(output_dir=args.output_dir, seed=args.seed)
    if args.fast:
        settings.stage1_epochs, settings.stage2_epochs, settings.repetitions = 8, 0.5, 2
    start = time.time()
    print(
        f"sugar-hf quickstart: SmolLM2-135M + MiniLM (offline), demo corpus seed {args.seed} -> {args.output_dir}"
    )
    result = run_quickstart(settings)
    print(result.summary())
    print(f"done in {time.time() - start:.0f}s; open the web demo with: python space/app.py")
    return 0


TRAIN_HELP = """Train SUGAR stage 1 (MIL-NCE), stage 2 (LLM + LoRA) or the CTR-GCN + FC baseline on a converted
dataset: the same `sugar_hf.training.train` as `accelerate launch examples/train.py`, with the same options.
--config FILE.yaml (repeatable, later files win) sets any option; the command line wins over it."""


def cmd_train(args: argparse.Namespace) -> int:
    """``sugar-hf train ...``: :func:`sugar_hf.training.parse_train_args` + :func:`sugar_hf.training.train`."""
    from .training import parse_train_args, train
    from .training.arguments import _parser

    if any(a in ("-h", "--help") for a in args.train_args):
        parser = _parser()
        parser.prog, parser.description = "sugar-hf train", TRAIN_HELP
        parser.print_help()
        return 0
    model_args, data_args, train_args = parse_train_args(args.train_args)
    results = train(model_args, data_args, train_args)
    shown = {k: round(v, 4) for k, v in results.items() if isinstance(v, float)}
    print(
        f"stage {train_args.stage}: {results.get('global_step')} steps; model in {train_args.output_dir}; {shown}"
    )
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    """``sugar-hf evaluate``: what ``examples/evaluate.py`` does."""
    from .training.evaluation import evaluate_command

    print(evaluate_command(args))
    return 0


def cmd_predict(args: argparse.Namespace) -> int:
    """``sugar-hf predict MODEL FILE...``: rank the classes (or ``--candidates``) for each skeleton file."""
    import json

    candidates = split_candidates(args.candidates, "--candidates") if args.candidates else None
    if args.candidates_file:
        path = Path(args.candidates_file)
        if not path.is_file():
            raise FileNotFoundError(f"candidates file {path} does not exist")
        candidates = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        if not candidates:
            raise ValueError(f"candidates file {path} lists no names")
    if args.top_k < 1:
        raise ValueError("--top-k must be at least 1")
    results = _predict(args.model_dir, args.files, candidates, args.top_k, args.descriptions)
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    for item in results:
        print(item["file"])
        for p in item["predictions"]:
            print(f"  {p['score']:7.4f}  {p['label']}")
    return 0


def split_candidates(values: Sequence[str] | str, option: str = "--candidates") -> list[str]:
    """The action names of ``--candidates`` (``predict`` and ``demo`` alike): space-separated arguments, each
    of which may hold comma-separated names (``wave clap``, ``wave,clap`` and ``"jump rope",clap`` give the
    same kind of list); a name therefore never contains a comma. A value that names an existing file or ends in
    a skeleton suffix is refused: it is a FILE that the option swallowed (``--candidates a b clip.npy``)."""
    from .skeleton.readers import SKELETON_FILE_SUFFIXES

    names = []
    for value in [values] if isinstance(values, str) else values:
        if os.path.exists(value) or value.lower().endswith(SKELETON_FILE_SUFFIXES):
            raise ValueError(
                f"{option} got {value!r}, which is a file, not an action name: give the files before {option}, "
                f"or end the names with -- (... {option} wave clap -- FILE)"
            )
        names.extend(part.strip() for part in value.split(","))
    if not names or any(not n for n in names):
        raise ValueError(f"{option}: an empty name in {list(values) if not isinstance(values, str) else values!r}")
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise ValueError(f"{option}: {dup!r} is given twice")
    return names


def _predict(model_dir: str, files: Sequence[str], candidates, top_k: int, descriptions) -> list[dict]:
    """:func:`~sugar_hf.training.evaluation.predict_files`; a folder of per-frame exports (OpenPose, YOLO-pose)
    is read as one clip too."""
    from .training.evaluation import load_any_model, predict_files, predict_skeletons

    if all(os.path.isfile(f) for f in files):
        return predict_files(model_dir, files, candidates=candidates, top_k=top_k, descriptions=descriptions)
    if not os.path.isfile(os.path.join(model_dir, "config.json")):
        raise FileNotFoundError(f"{model_dir} has no config.json: not a saved model folder")
    model, kind, processor = load_any_model(model_dir)
    layout = model.config.encoder_config.layout
    clips = []
    for path in files:
        if not os.path.exists(path):
            raise FileNotFoundError(f"skeleton file {path} does not exist")
        clips.append(read_skeleton_file(path, layout=layout)[0])
    ranked = predict_skeletons(model, kind, clips, candidates, top_k, processor=processor, descriptions=descriptions)
    return [{"file": str(path), "predictions": row} for path, row in zip(files, ranked)]


def _version() -> str:
    from . import __version__

    return f"sugar-hf {__version__}"


def _add_convert_parser(sub) -> None:
    """``sugar-hf convert CORPUS RAW_DIR OUT_DIR``: the research corpora as released, or your own folder."""
    convert = sub.add_parser(
        "convert", help="convert a raw corpus folder into a DatasetDict per split config"
    )
    convert.add_argument("corpus", choices=list(CORPORA),
                         help="a research corpus as released, or `folder`: your own arrays listed in a CSV")  # fmt: skip
    convert.add_argument(
        "raw_dir", help="the corpus folder (searched recursively; folder: CSV paths are relative to it)"
    )
    convert.add_argument(
        "out_dir", help="output: <out_dir>/<config>/ DatasetDict folders (folder corpus: csv/)"
    )
    convert.add_argument("--workers", type=int, default=None, help="parser processes (default: all cores)")
    convert.add_argument("--push-to-hub", metavar="REPO", default=None,
                         help="upload the converted configs (a research corpus needs the flag below)")  # fmt: skip
    convert.add_argument("--i-accept-the-dataset-terms", action="store_true",
                         help="you may share this research corpus under its terms (uploads privately)")  # fmt: skip
    convert.add_argument("--labels-csv", help="folder: CSV with a header file,label[,subject,camera,setup,view,"
                         "split] and one row per clip")  # fmt: skip
    convert.add_argument("--layout", default=None,
                         help="folder: joint layout: ntu25 (default), kinect_v1_20, utd_mhad20, toyota13, coco17, "
                              "body25, coco18, mediapipe33, halpe26, or a layout JSON file (pose exports: the "
                              "export's own by default)")  # fmt: skip
    convert.add_argument("--edges", metavar="FILE",
                         help="folder: a custom skeleton: one 'i j' pair of 0-based joint indices a line (or JSON "
                              "with joint_names, edges, center); joints are 0..max index")  # fmt: skip
    convert.add_argument("--center-joint", type=int, default=0,
                         help="folder, with --edges: the joint the graph is rooted at and clips are centred on")  # fmt: skip
    convert.add_argument("--channels", type=int, default=None,
                         help="folder: values per joint (2: x,y; 3: x,y,z or x,y,score ...); default: the first "
                              "readable array's; arrays with another count are skipped and reported")  # fmt: skip
    convert.add_argument("--coordinate-channels", type=int, default=None, metavar="N",
                         help="folder: the first N channels are positions, the rest values such as a pose "
                              "estimator's keypoint confidence (2 for COCO x, y, score): training never centres, "
                              "rotates or differences them; default: the first three (x, y for 2-D)")  # fmt: skip
    convert.add_argument("--split-by", choices=["auto", "column", "subject", "random", "none"], default="auto",
                         help="folder: auto (the CSV's split column if any, else everything in train, with a "
                              "warning) | column | subject (hold out --test-subjects or --test-fraction of the "
                              "subjects) | random (a seeded --test-fraction of each class) | none")  # fmt: skip
    convert.add_argument("--test-subjects", metavar="ID[,ID...]",
                         help="folder, --split-by subject: the subject ids (as written in the CSV) held out for test")  # fmt: skip
    convert.add_argument("--test-fraction", type=float, default=None,
                         help="folder, --split-by subject|random: the fraction held out for test (random: 0.2)")  # fmt: skip
    convert.add_argument("--seed", type=int, default=0, help="folder: the seed of --test-fraction splits")
    convert.add_argument("--format", default=None,
                         choices=["array", "auto", "coco-json", "openpose", "mediapipe", "yolo-pose", "csv-frames"],
                         help="folder: what the CSV lists: array (.npy/.npz, the default), a pose estimator's "
                              "exports (coco-json: COCO keypoint results; openpose: a folder of *_keypoints.json; "
                              "mediapipe: JSON/CSV landmarks; yolo-pose: a folder of Ultralytics .txt or JSON; "
                              "csv-frames: frame,person,<joint>_x,...), or auto (arrays by suffix, exports by "
                              "content). Layout, channels and --coordinate-channels default to the export's")  # fmt: skip
    convert.add_argument("--max-persons", type=int, default=None, metavar="M",
                         help="folder, pose exports: the M most present people kept per clip (default 2); "
                              "their missing detections are filled (score 0) and reported")  # fmt: skip
    convert.set_defaults(func=cmd_convert)


def build_parser() -> argparse.ArgumentParser:
    from .training.arguments import add_evaluate_arguments, add_predict_arguments

    parser = argparse.ArgumentParser(prog="sugar-hf", description=__doc__)
    parser.add_argument("--version", action="version", version=_version(), help="print the version and exit")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="build the offline embedded default and classify one skeleton")
    demo.add_argument(
        "skeleton", nargs="?", help="a .skeleton/.json/.mat/.npy file (default: a built-in clip)"
    )
    demo.add_argument("--candidates", nargs="+", metavar="NAME",
                      help="action names, space- or comma-separated as in `predict` (default: the first NTU60 "
                           "classes)")  # fmt: skip
    demo.add_argument("--num-candidates", type=int, default=60,
                      help="without --candidates: how many NTU60 class names to rank")  # fmt: skip
    demo.set_defaults(func=cmd_demo)

    quick = sub.add_parser(
        "quickstart", help="train and evaluate SUGAR on the generated demo corpus (offline)"
    )
    quick.add_argument("--output-dir", default="sugar_quickstart", help="where the checkpoint and figures go")
    quick.add_argument("--seed", type=int, default=0, help="seed of the demo corpus and of training")
    quick.add_argument(
        "--fast", action="store_true", help="fewer epochs and clips (a few minutes; lower accuracy)"
    )
    quick.set_defaults(func=cmd_quickstart)

    _add_convert_parser(sub)

    train = sub.add_parser("train", help="train stage 1, stage 2 or the baseline (--help: every option)",
                           description=TRAIN_HELP, add_help=False)  # fmt: skip
    train.add_argument("train_args", nargs=argparse.REMAINDER,
                       help="options of examples/train.py: --stage 1|2|baseline --dataset DIR --output_dir DIR ...")  # fmt: skip
    train.set_defaults(func=cmd_train)

    evaluate = sub.add_parser(
        "evaluate", help="top-1/top-5/mean per-class accuracy of a saved model on a split"
    )
    add_evaluate_arguments(evaluate).set_defaults(func=cmd_evaluate)

    predict = sub.add_parser("predict", help="rank the actions of skeleton files with a saved model")
    add_predict_arguments(predict).set_defaults(func=cmd_predict)
    for action in predict._actions:  # the one rule for names, shared with `demo` (see split_candidates)
        if action.dest == "candidates":
            action.help = ("rank these action names (default: the model's classes; SUGAR models take unseen names): "
                           "space- or comma-separated, a name with a space quoted; a FILE here is refused")  # fmt: skip
        elif action.dest == "files":
            action.help = ("skeleton files: .npy/.npz (T,V,C or M,T,V,C), .skeleton, .json (NW-UCLA, Toyota or a "
                           "pose export, by content), .mat, .csv, .txt, or a folder of OpenPose / YOLO-pose frames")  # fmt: skip

    from .hub.commands import add_hub_commands  # push model|dataset|space, export merged|adapter

    add_hub_commands(sub)

    from .knowledge.cli import add_describe_parser  # describe show|generate|keyframes|embed

    add_describe_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["train"]:  # every option belongs to the training parser, --help included
        args = argparse.Namespace(func=cmd_train, train_args=argv[1:])
    else:
        args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError, KeyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
