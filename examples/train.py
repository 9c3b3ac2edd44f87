"""Train SUGAR stage 1, stage 2 or the CTR-GCN + FC baseline.

    accelerate launch examples/train.py --stage 1 --config configs/nw_ucla.yaml
    accelerate launch examples/train.py --stage 2 --config configs/nw_ucla.yaml --init_from outputs/nw_ucla/stage1
    accelerate launch examples/train.py --stage baseline --config configs/nw_ucla.yaml

Every field of ``sugar_hf.training.arguments`` can be set in the YAML file or on the command line
(the command line wins). ``--resume latest`` continues an interrupted run exactly.
"""

from sugar_hf.training import parse_train_args, train


def main() -> None:
    model_args, data_args, train_args = parse_train_args()
    train(model_args, data_args, train_args)


if __name__ == "__main__":
    main()
