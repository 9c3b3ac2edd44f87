"""Render the example cards in this folder from the templates that ship in ``sugar_hf/hub/templates``.

    python hub_cards/render_examples.py

The model card example uses the paper's configuration (LLaMA-2-7B, TQP with 128 tokens) and the SUGAR paper's
reported top-1 numbers (SUGAR.md), for illustration only: a real card is filled from a run's own config and
evaluation by ``sugar-hf push model`` / ``sugar_hf.hub.model_card``. The dataset cards show the official
split counts; a real push fills in the converted counts.
"""

from __future__ import annotations

from pathlib import Path

from sugar_hf import SugarConfig
from sugar_hf.corpora import CORPORA, class_names
from sugar_hf.hub import dataset_card, model_card

HERE = Path(__file__).resolve().parent

PAPER_TOP1 = {  # SUGAR (paper), top-1 %, joint stream
    ("ntu60", "xsub"): 95.2, ("ntu60", "xview"): 97.8, ("ntu120", "xsub"): 90.1, ("ntu120", "xset"): 89.7,
    ("toyota_smarthome", "cs"): 70.2, ("toyota_smarthome", "cv1"): 50.9, ("toyota_smarthome", "cv2"): 67.1,
}  # fmt: skip


def main() -> None:
    config = SugarConfig(class_names=class_names("ntu60"), save_full_llm=False, answer_description=True)
    results = [
        {"dataset": d, "config": c, "split": "test", "metric": "top1", "value": v}
        for (d, c), v in PAPER_TOP1.items()
        if (d, c) == ("ntu60", "xsub")
    ]
    card = model_card(
        config, results, repo_id="your-name/sugar-llama2-7b-ntu60-xsub", training_datasets=["ntu60"],
        training_args={"stage 2 learning_rate": 2e-5, "epochs": 1, "batch size": 128, "lora r / alpha": "64 / 16"},
        license="llama2",
    )  # fmt: skip
    card.save(HERE / "model_card_example.md")
    for corpus in CORPORA:
        if corpus != "folder":
            dataset_card(corpus, repo_id=f"your-name/{corpus.replace('_', '-')}-skeletons").save(
                HERE / "datasets" / f"{corpus}.md"
            )
    print(
        f"wrote {HERE / 'model_card_example.md'} and {len(CORPORA) - 1} dataset cards in {HERE / 'datasets'}"
    )


if __name__ == "__main__":
    main()
