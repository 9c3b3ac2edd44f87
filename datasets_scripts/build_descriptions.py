"""Build the SUGAR description corpus as a Hugging Face dataset (one config per corpus, split ``train``).

Usage:
    python datasets_scripts/build_descriptions.py OUT_DIR [--corpora ntu60 pku_mmd] [--push-to-hub USER/REPO]

Writes ``OUT_DIR/<corpus>/`` (``save_to_disk``), ``OUT_DIR/data/<corpus>.parquet`` and ``OUT_DIR/README.md``
(the dataset card from ``hub_cards/descriptions_dataset_card.md``, whose ``configs`` point at the Parquet
files), so ``OUT_DIR`` minus the ``save_to_disk`` folders is a ready Hub dataset repo. ``--push-to-hub``
uploads the Parquet files and the card.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

CARD = Path(__file__).resolve().parent.parent / "hub_cards" / "descriptions_dataset_card.md"


def main(argv: list[str] | None = None) -> int:
    from sugar_hf.knowledge.corpus import available_corpora
    from sugar_hf.knowledge.hub_dataset import descriptions_datasets

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--corpora", nargs="*", default=None, choices=available_corpora())
    parser.add_argument(
        "--push-to-hub", metavar="REPO", default=None, help="Hub dataset repo id to upload to"
    )
    parser.add_argument("--private", action="store_true")
    args = parser.parse_args(argv)

    out = args.out_dir
    (out / "data").mkdir(parents=True, exist_ok=True)
    for corpus, dataset_dict in descriptions_datasets(args.corpora).items():
        dataset_dict.save_to_disk(str(out / corpus))
        dataset_dict["train"].to_parquet(str(out / "data" / f"{corpus}.parquet"))
        print(f"{corpus}: {dataset_dict['train'].num_rows} classes")
    if CARD.exists():
        shutil.copyfile(CARD, out / "README.md")
    if args.push_to_hub:
        from huggingface_hub import HfApi

        api = HfApi()
        api.create_repo(args.push_to_hub, repo_type="dataset", private=args.private, exist_ok=True)
        api.upload_folder(
            repo_id=args.push_to_hub,
            repo_type="dataset",
            folder_path=str(out),
            allow_patterns=["data/*.parquet", "README.md"],
            commit_message="sugar-hf description corpus",
        )
        print(f"pushed to https://huggingface.co/datasets/{args.push_to_hub}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
