"""Evaluate a trained model (stage 2, stage 1 or baseline folder) on a converted split.

    python examples/evaluate.py outputs/nw_ucla/stage2 --dataset data/nw_ucla/xview --split test --output_dir eval/

Prints top-1, top-5, mean per-class accuracy and a per-class table; writes metrics.json, per_class.txt and
confusion.png to --output_dir.
"""

import argparse
import os
import sys

# This file is named like the `evaluate` library: keep its folder off the import path so `import evaluate`
# (used by the metric module) finds the library, not this script.
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

from sugar_hf.training.evaluation import evaluate_folder, per_class_table  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("model_dir")
    parser.add_argument("--dataset", required=True, help="DatasetDict folder from `sugar-hf convert`")
    parser.add_argument("--split", default="test")
    parser.add_argument("--output_dir", default=None)
    parser.add_argument("--batch_size", type=int, default=16)
    parser.add_argument("--max_samples", type=int, default=None)
    parser.add_argument("--descriptions", default=None, help="stage 1: corpus key or JSONL of class texts")
    args = parser.parse_args()
    metrics = evaluate_folder(args.model_dir, args.dataset, args.split, args.output_dir, batch_size=args.batch_size,
                              max_samples=args.max_samples, descriptions=args.descriptions)  # fmt: skip
    names = metrics.pop("class_names", None) or _names(args)
    shown = [c for c, row in enumerate(metrics["confusion_matrix"]) if sum(row)]
    print(per_class_table(metrics, names, shown))
    print(f"{metrics['model_kind']}: {metrics['num_samples']} clips, top-1 {100 * metrics['top1']:.2f}%, "
          f"top-5 {100 * metrics['top5']:.2f}%, mean per-class {100 * metrics['mean_class_accuracy']:.2f}%")  # fmt: skip


def _names(args) -> list[str]:
    from sugar_hf.training.data import load_splits

    return load_splits(args.dataset, eval_split=args.split)[2]


if __name__ == "__main__":
    main()
