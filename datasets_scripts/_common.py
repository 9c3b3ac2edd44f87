"""Shared command line of the corpus converters: ``python datasets_scripts/convert_<corpus>.py RAW OUT``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(corpus: str, argv: list[str] | None = None, extra=None) -> int:
    from sugar_hf.cli import convert_and_push
    from sugar_hf.corpora import get_corpus

    parser = argparse.ArgumentParser(
        prog=f"convert_{corpus}.py",
        description=f"Convert a raw {corpus} folder into a datasets.DatasetDict per split config "
        f"({', '.join(get_corpus(corpus).split_configs)}): save_to_disk + Parquet + a skip report.",
    )
    parser.add_argument("raw_dir", type=Path, help="the corpus folder as released (searched recursively)")
    parser.add_argument(
        "out_dir", type=Path, help="output folder: <config>/, parquet/<config>/, conversion_report.json"
    )
    parser.add_argument("--configs", nargs="*", default=None, help="split configs to write (default: all)")
    parser.add_argument("--workers", type=int, default=None, help="parser processes (default: all cores)")
    parser.add_argument("--no-parquet", action="store_true", help="skip the Parquet export")
    parser.add_argument(
        "--push-to-hub", metavar="REPO", default=None, help="push each config to this Hub dataset repo"
    )
    parser.add_argument(
        "--i-accept-the-dataset-terms",
        action="store_true",
        help="you may share this research corpus under its terms (needed with --push-to-hub; uploads privately)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    if extra:
        extra(parser)
    args = parser.parse_args(argv)
    options = {
        k: v
        for k, v in vars(args).items()
        if k
        in (
            "missing_list",
            "label_dir",
            "label_file",
            "dims",
            "labels_csv",
            "layout",
            "edges",
            "center_joint",
            "coordinate_channels",
            "channels",
            "split_by",
            "test_subjects",
            "test_fraction",
            "seed",
        )
        and v is not None
    }
    report = convert_and_push(
        corpus,
        args.raw_dir,
        args.out_dir,
        configs=tuple(args.configs) if args.configs else None,
        parquet=not args.no_parquet,
        push_to_hub=args.push_to_hub,
        accept_terms=args.i_accept_the_dataset_terms,
        num_workers=args.workers,
        progress=not args.quiet,
        **options,
    )
    print(report.summary())
    for item in report.skipped:
        print(f"skipped: {item['reason']}", file=sys.stderr)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if report.listed_missing:
        print(f"{len(report.listed_missing)} files on the official missing-skeleton list were not converted")
    print(f"report: {args.out_dir / 'conversion_report.json'}")
    return 0 if report.balanced else 1
