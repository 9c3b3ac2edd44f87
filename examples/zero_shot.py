"""Zero-shot evaluation: a model trained on seen classes ranks the names of classes it never saw.

    python examples/zero_shot.py outputs/ntu60_55_5/stage2 --protocol ntu60_55_5 --dataset data/ntu60/xsub
    python examples/zero_shot.py outputs/ntu120_110_10/stage2 --protocol ntu120_110_10 --dataset data/ntu120/xsub
    python examples/zero_shot.py outputs/ntu60/stage2 --protocol p1_ntu60_to_ntu120 --dataset data/ntu120/xsub
    python examples/zero_shot.py outputs/ntu60/stage2 --protocol p2_ntu60_to_pku_mmd --dataset data/pku_mmd/xsub
    python examples/zero_shot.py outputs/utd_22_5/stage2 --protocol utd_mhad_22_5 --dataset data/utd_mhad/xsub

Protocols come from ``sugar_hf/data/splits/zero_shot.json`` (train the model with
``--zero_shot_protocol <name>`` so it never sees the unseen classes). The candidates are the unseen class
names (P2: all 51 PKU-MMD names); the clips are those of the unseen classes in --split. Prints top-1/top-5.
"""

import argparse

from sugar_hf.data.splits import load_zero_shot_splits
from sugar_hf.training.data import zero_shot_classes
from sugar_hf.training.evaluation import evaluate_folder


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("model_dir")
    parser.add_argument("--protocol", required=True,
                        choices=sorted(load_zero_shot_splits()))  # fmt: skip
    parser.add_argument(
        "--dataset", required=True, help="the test corpus' DatasetDict folder (NTU60/120, PKU-MMD, UTD-MHAD)"
    )
    parser.add_argument("--split", default=None, help="default: the protocol's test split, else 'test'")
    parser.add_argument("--output_dir", default=None)
    parser.add_argument("--batch_size", type=int, default=16)
    parser.add_argument("--max_samples", type=int, default=None)
    parser.add_argument(
        "--descriptions", default=None, help="stage 1 models: class texts (corpus key or JSONL)"
    )
    args = parser.parse_args()
    _, unseen, spec = zero_shot_classes(args.protocol)
    split = args.split or spec.get("test_split", "test")
    classes = None if "test_corpus" in spec else unseen  # P2: every PKU-MMD class is unseen
    metrics = evaluate_folder(args.model_dir, args.dataset, split, args.output_dir, classes=classes,
                              batch_size=args.batch_size, max_samples=args.max_samples,
                              descriptions=args.descriptions or spec.get("test_corpus", spec["corpus"]))  # fmt: skip
    print(f"{args.protocol} ({spec['note'].split('.')[0]}): {metrics['num_samples']} clips, "
          f"{metrics['num_candidates']} candidates; top-1 {100 * metrics['top1']:.2f}%, top-5 {100 * metrics['top5']:.2f}%")  # fmt: skip


if __name__ == "__main__":
    main()
