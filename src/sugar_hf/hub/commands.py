"""``sugar-hf push model|dataset|space`` and ``sugar-hf export merged|adapter``: parse, call, print."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..corpora import CORPORA
from .cards import results_from_metrics
from .export import export_adapter, export_merged
from .publish import push_dataset, push_model, push_space


def _load_results(path: str | None) -> list[dict]:
    """Evaluation results from JSON: a list of ``{dataset, config, split, metric, value}`` records, or
    ``{"dataset": ..., "config": ..., "split": ..., "metrics": {name: value}}`` objects (one or a list)."""
    if not path:
        return []
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    items = data if isinstance(data, list) else [data]
    records: list = []
    for item in items:
        if "metrics" in item:
            records += results_from_metrics(
                item["dataset"], item["split"], item["metrics"], item.get("config")
            )
        else:
            records.append(item)
    return records


def cmd_push(args: argparse.Namespace) -> int:
    common = {"dry_run_dir": args.dry_run, "token": args.token}
    if args.kind == "model":
        extra = {"private": args.private, "license": args.license, "results": _load_results(args.results)}
        if args.trained_on:
            extra["training_datasets"] = args.trained_on.split(",")
        result = push_model(args.source, args.repo_id, **common, **extra)
    elif args.kind == "dataset":
        if not args.corpus:
            raise ValueError("push dataset needs --corpus (the corpus key the folder was converted from)")
        configs = args.configs.split(",") if args.configs else None
        result = push_dataset(
            args.source, args.repo_id, corpus=args.corpus, accept_terms=args.i_accept_the_dataset_terms,
            configs=configs, private=True if args.private else (False if args.public else None), **common,
        )  # fmt: skip
    else:
        result = push_space(args.source, args.repo_id, private=args.private, **common)
    if args.dry_run:
        files = sorted(str(p.relative_to(result)) for p in Path(result).rglob("*") if p.is_file())
        print(f"dry run: {len(files)} files that would be uploaded to {args.repo_id} are in {result}")
        for name in files:
            print(f"  {name}")
    else:
        print(f"uploaded to {result}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    if args.kind == "merged":
        out = export_merged(args.checkpoint, args.out_dir)
    else:
        out = export_adapter(args.checkpoint, args.out_dir, peft_copy=not args.no_peft_copy)
    print(f"{args.kind} export written to {out}")
    return 0


def add_hub_commands(sub) -> None:
    """Register ``push`` and ``export`` on the ``sugar-hf`` sub-parser."""
    push = sub.add_parser(
        "push", help="upload a model, a converted dataset or the Space to the Hub (--dry-run)"
    )
    push.add_argument("kind", choices=["model", "dataset", "space"], help="what to upload")
    push.add_argument(
        "source", help="model: checkpoint folder; dataset: `sugar-hf convert` output; space: folder"
    )
    push.add_argument("repo_id", help="user/name on the Hub")
    push.add_argument(
        "--dry-run", metavar="DIR", help="write the exact folder that would be uploaded; upload nothing"
    )
    push.add_argument("--private", action="store_true", help="create a private repo")
    push.add_argument("--token", help="Hub token (default: the logged-in one)")
    push.add_argument("--results", help="model: JSON evaluation results for the card's model-index")
    push.add_argument("--trained-on", help="model: comma-separated corpus keys or Hub dataset ids")
    push.add_argument("--license", default="apache-2.0", help="model: license of the weights")
    push.add_argument("--corpus", choices=sorted(CORPORA), help="dataset: which corpus the folder holds")
    push.add_argument("--configs", help="dataset: comma-separated split configs (default: all)")
    push.add_argument(
        "--public", action="store_true", help="dataset: a public repo even for a research corpus"
    )
    push.add_argument(
        "--i-accept-the-dataset-terms", action="store_true",
        help="dataset: required to upload a research corpus; states you may share it under its terms",
    )  # fmt: skip
    push.set_defaults(func=cmd_push)

    export = sub.add_parser("export", help="deployment exports: LoRA merged into the LLM, or adapter only")
    export.add_argument(
        "kind", choices=["merged", "adapter"], help="merged: LoRA folded into the LLM; adapter: LoRA only"
    )
    export.add_argument("checkpoint", help="a saved SugarForActionRecognition folder")
    export.add_argument("out_dir", help="where the export is written")
    export.add_argument(
        "--no-peft-copy", action="store_true", help="adapter: skip the PEFT-format llm_adapter/"
    )
    export.set_defaults(func=cmd_export)
