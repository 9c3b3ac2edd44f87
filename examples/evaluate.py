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

from sugar_hf.training.arguments import add_evaluate_arguments  # noqa: E402
from sugar_hf.training.evaluation import evaluate_command  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    print(evaluate_command(add_evaluate_arguments(parser).parse_args()))


if __name__ == "__main__":
    main()
