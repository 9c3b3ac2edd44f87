"""Linear probe of a saved encoder: how much of the action its frozen features hold, without the LLM.

    python examples/linear_probe.py outputs/utd_mhad/stage1 --dataset data/utd_mhad/xsub
    python examples/linear_probe.py outputs/utd_mhad/baseline --dataset data/utd_mhad/xsub --output probe.json
    python examples/linear_probe.py outputs/utd_22_5/stage1 --dataset data/utd_mhad/xsub --classes 0 1 2 3

Works on stage-1 (``SugarSkeletonTextModel``) and baseline (``SugarForSkeletonClassification``) folders: the
mean-pooled tokens of the frozen encoder on the checkpoint's own eval view of the train and test splits, a
multinomial logistic regression on them with its l2 chosen by stratified k-fold CV on the train split, solved to
convergence (``sugar_hf.training.probe.fit_linear_probe``). Prints the JSON summary: ``top1`` (test), the chosen
``l2`` and the CV accuracy of each, ``converged``, ``iterations``, ``grad_norm``.
"""

import argparse
import json
import time

from sugar_hf.training.probe import DEFAULT_L2_GRID, probe_folder


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("model_dir", help="a stage-1 or baseline model folder")
    parser.add_argument("--dataset", required=True, help="a converted DatasetDict folder (sugar-hf convert)")
    parser.add_argument("--classes", type=int, nargs="+", default=None, help="probe only these label ids")
    parser.add_argument("--train_split", default="train")
    parser.add_argument("--test_split", default="test")
    parser.add_argument("--folds", type=int, default=5, help="CV folds on the train split (l2 selection)")
    parser.add_argument("--seed", type=int, default=0, help="seeds the CV folds")
    parser.add_argument("--l2_grid", type=float, nargs="+", default=list(DEFAULT_L2_GRID))
    parser.add_argument("--tol", type=float, default=1e-6, help="gradient-norm tolerance of a converged fit")
    parser.add_argument("--max_iter", type=int, default=2000, help="L-BFGS iterations per fit")
    parser.add_argument("--output", default=None, help="also write the JSON here")
    args = parser.parse_args()
    start = time.perf_counter()
    result = probe_folder(args.model_dir, args.dataset, args.classes, train_split=args.train_split,
                          test_split=args.test_split, l2_grid=args.l2_grid, folds=args.folds, seed=args.seed,
                          tol=args.tol, max_iter=args.max_iter)  # fmt: skip
    summary = {"model_dir": args.model_dir, "dataset": args.dataset, **result.to_dict(),
               "total_seconds": round(time.perf_counter() - start, 1)}  # fmt: skip
    text = json.dumps(summary, indent=1)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
