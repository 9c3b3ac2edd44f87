"""The stage-2 recipe: LoRA init, parameter groups and schedule, encoder-token cache, projector alignment."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from tiny import CLASSES, tiny_config

from sugar_hf import SugarForActionRecognition, SugarProjectorConfig
from sugar_hf.training.alignment import align_projector, alignment_loss, name_targets, nearest_name_accuracy
from sugar_hf.training.arguments import SugarTrainingArguments
from sugar_hf.training.loop import build_optimizer, build_scheduler, parameter_groups
from sugar_hf.training.token_cache import (
    CachedTokenView,
    EncoderTokenCache,
    build_token_cache,
    cache_key,
)


def _model(seed: int = 0, **projector) -> SugarForActionRecognition:
    torch.manual_seed(seed)
    config = tiny_config()
    for key, value in projector.items():
        setattr(config.projector_config, key, value)
    config.freeze_encoder = True
    return SugarForActionRecognition(config)


def test_lora_b_starts_at_zero_so_the_tuned_llm_starts_as_the_base():
    model = _model()
    b = [p for n, p in model.named_parameters() if "lora_B" in n]
    a = [p for n, p in model.named_parameters() if "lora_A" in n]
    assert b and all(float(p.detach().abs().max()) == 0.0 for p in b)
    assert all(float(p.detach().abs().max()) > 0.0 for p in a)


def test_lora_init_survives_save_and_reload(tmp_path):
    model = _model()
    with torch.no_grad():
        for n, p in model.named_parameters():
            if "lora_B" in n:
                p.fill_(0.5)
    model.save_pretrained(tmp_path)
    loaded = SugarForActionRecognition.from_pretrained(tmp_path)
    assert all(torch.all(p == 0.5) for n, p in loaded.named_parameters() if "lora_B" in n)


def test_parameter_groups_split_projector_and_lora_and_skip_decay_on_norms():
    model = _model(input_norm=True, input_positions=True)
    args = SugarTrainingArguments(
        stage="2", learning_rate=1e-3, projector_learning_rate=3e-4, weight_decay=0.1
    )
    groups = parameter_groups(model, args)
    names = {id(p): n for n, p in model.named_parameters()}
    seen = set()
    for group in groups:
        for p in group["params"]:
            name = names[id(p)]
            seen.add(name)
            assert group["lr"] == (3e-4 if name.startswith("projector.") else 1e-3), name
            no_decay = p.ndim < 2 or any(k in name for k in ("norm", "bias", "query_tokens", "_embeddings"))
            assert group["weight_decay"] == (0.0 if no_decay else 0.1), name
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert seen == trainable
    assert any("lora_" in n for n in seen) and not any(n.startswith("encoder.") for n in seen)


def test_cosine_schedule_warms_up_then_decays_to_zero():
    model = _model()
    args = SugarTrainingArguments(stage="2", learning_rate=1e-3, warmup_ratio=0.1)
    assert args.lr_scheduler_type == "cosine" and args.max_grad_norm == 1.0
    optimizer = build_optimizer(model, args)
    scheduler = build_scheduler(optimizer, args, total_steps=20, milestones=[])
    lrs = []
    for _ in range(20):
        lrs.append(scheduler.get_last_lr()[-1])
        optimizer.step()
        scheduler.step()
    assert lrs[0] == 0.0 and max(lrs) == pytest.approx(1e-3)
    assert lrs.index(max(lrs)) == 2 and lrs[-1] < 0.05 * max(lrs)
    assert SugarTrainingArguments(stage="1").lr_scheduler_type == "step"


def test_projector_input_adapter_adds_positions_and_normalises():
    model = _model(input_norm=True, input_positions=True)
    adapter = model.projector.input_adapter
    frames = model.config.encoder_config.num_output_frames
    tokens = torch.zeros(2, frames * 20, model.config.encoder_config.hidden_size)
    with torch.no_grad():
        adapter.frame_embeddings.normal_()
    out = adapter(tokens)
    assert out.shape == tokens.shape
    assert torch.allclose(out.mean(-1), torch.zeros(2, frames * 20), atol=1e-5)  # layer-normed
    assert not torch.allclose(out[:, 0], out[:, 20])  # another frame gets another position
    paper = SugarProjectorConfig()
    assert not paper.input_norm and not paper.input_positions  # the paper's default stays the identity


class _Views:
    """A SeededView-like source: item i of epoch e is a clip drawn from (e, i)."""

    def __init__(self, n: int = 6, frames: int = 16) -> None:
        self.n, self.frames, self.epoch = n, frames, 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> dict:
        rng = np.random.default_rng([self.epoch, i])
        return {"skeleton": rng.standard_normal((2, self.frames, 20, 3)).astype(np.float32), "label": i % 3}


def test_token_cache_holds_each_view_and_is_read_back(tmp_path):
    model = _model()
    views, evaluation = _Views(), _Views(n=4)
    evaluation.set_epoch(99)
    key = cache_key(model.encoder, {"num_frames": 16}, 0, 2, None, None)
    cache = build_token_cache(model.encoder, views, evaluation, num_views=2, key=key, cache_dir=tmp_path)
    assert cache.train_tokens.shape[:2] == (2, 6) and cache.eval_tokens.shape[0] == 4
    views.set_epoch(1)
    model.encoder.eval()  # the cache encodes with the frozen encoder's running batch-norm statistics
    with torch.no_grad():
        expected = model.encoder(torch.from_numpy(views[3]["skeleton"])[None]).last_hidden_state[0]
    assert torch.allclose(cache.train_tokens[1, 3], expected, atol=1e-5)
    assert not torch.allclose(cache.train_tokens[0, 3], cache.train_tokens[1, 3])
    view = CachedTokenView(cache)
    view.set_epoch(3)  # epoch 3 reads view 3 % 2 = 1
    assert torch.equal(view[3]["encoder_tokens"], cache.train_tokens[1, 3]) and view[3]["label"] == 0
    again = build_token_cache(model.encoder, None, None, num_views=2, key=key, cache_dir=tmp_path)
    assert torch.equal(again.train_tokens, cache.train_tokens)  # read from the file, nothing re-encoded
    assert len(list(tmp_path.iterdir())) == 1


def test_token_cache_key_changes_with_encoder_preprocessing_seed_and_views():
    model = _model()
    base = cache_key(model.encoder, {"stream": "joint"}, 0, 2, None, None)
    assert base == cache_key(model.encoder, {"stream": "joint"}, 0, 2, None, None)
    assert base != cache_key(model.encoder, {"stream": "bone"}, 0, 2, None, None)
    assert base != cache_key(model.encoder, {"stream": "joint"}, 1, 2, None, None)
    assert base != cache_key(model.encoder, {"stream": "joint"}, 0, 3, None, None)
    with torch.no_grad():
        next(model.encoder.parameters()).add_(1e-3)
    assert base != cache_key(model.encoder, {"stream": "joint"}, 0, 2, None, None)


def test_name_targets_tile_each_names_token_embeddings(tokenizer):
    model = _model()
    targets = name_targets(model, tokenizer, CLASSES)
    table = model.llm.get_input_embeddings().weight
    ids = tokenizer("wave hand", add_special_tokens=False)["input_ids"]
    row = CLASSES.index("wave hand")
    tiled = targets.tiled(torch.tensor([row]), 2 * len(ids) + 1)[0]
    assert torch.allclose(tiled[: len(ids)], table[ids].detach())
    assert torch.allclose(tiled[len(ids) : 2 * len(ids)], table[ids].detach())
    assert torch.allclose(targets.means[row], table[ids].detach().mean(0))


def test_alignment_trains_only_the_projector_and_raises_the_gate(tokenizer):
    model = _model(input_norm=True, input_positions=True)
    model.train()
    targets = name_targets(model, tokenizer, CLASSES[:3])
    # Cached tokens whose class is readable: class c has a bright channel c (what a trained encoder gives).
    frames = model.config.encoder_config.num_output_frames
    hidden = model.config.encoder_config.hidden_size
    gen = torch.Generator().manual_seed(0)
    labels = torch.arange(24) % 3
    train = 0.3 * torch.randn(2, 24, frames * 20, hidden, generator=gen)
    train[..., :3] += 3.0 * torch.nn.functional.one_hot(labels, hidden)[None, :, None, :3]
    evaluation = 0.3 * torch.randn(12, frames * 20, hidden, generator=gen)
    eval_labels = torch.arange(12) % 3
    evaluation[..., :3] += 3.0 * torch.nn.functional.one_hot(eval_labels, hidden)[:, None, :3]
    cache = EncoderTokenCache(train, labels, evaluation, eval_labels, "k")
    frozen = {n: p.detach().clone() for n, p in model.named_parameters() if not n.startswith("projector.")}
    log = align_projector(
        model, cache, targets, {0: 0, 1: 1, 2: 2}, steps=60, learning_rate=3e-3, batch_size=8
    )
    assert log["gate_after"] == 1.0 and log["gate_after"] > log["gate_before"] - 1e-9
    assert nearest_name_accuracy(model, evaluation, eval_labels, targets) == 1.0
    for name, param in model.named_parameters():
        if name in frozen:
            assert torch.equal(param, frozen[name]), name  # LLM, LoRA, encoder untouched


def test_alignment_loss_is_zero_for_the_tiled_name_embeddings(tokenizer):
    model = _model()
    targets = name_targets(model, tokenizer, CLASSES)
    index = torch.tensor([0, 3])
    perfect = targets.tiled(index, 6)
    _, parts = alignment_loss(perfect, index, targets, temperature=0.01)
    assert parts["regression"] == pytest.approx(0.0, abs=1e-10)
    assert parts["contrastive"] < 0.1


def test_config_files_stack_later_wins_and_the_command_line_wins_over_all(tmp_path):
    from sugar_hf.training.arguments import parse_train_args

    (tmp_path / "corpus.yaml").write_text("num_frames: 32\nnum_queries: 16\nlearning_rate: 0.01\n")
    (tmp_path / "stage2.yaml").write_text("num_queries: 8\nalign_steps: 400\nlearning_rate: 1.0e-3\n")
    model, data, train = parse_train_args(["--config", str(tmp_path / "corpus.yaml"), "--config",
                                           str(tmp_path / "stage2.yaml"), "--stage", "2", "--align_steps", "5"])  # fmt: skip
    assert data.num_frames == 32 and model.num_queries == 8 and train.learning_rate == 1e-3
    assert train.align_steps == 5
    (tmp_path / "bad.yaml").write_text("no_such_field: 1\n")
    with pytest.raises(ValueError, match="bad.yaml: unknown keys"):
        parse_train_args(["--config", str(tmp_path / "bad.yaml")])


def test_the_cpu_recipe_config_parses_on_top_of_a_corpus_config():
    from pathlib import Path

    from sugar_hf.training.arguments import parse_train_args

    configs = Path(__file__).resolve().parents[1] / "configs"
    model, data, train = parse_train_args(["--config", str(configs / "utd_mhad.yaml"), "--config",
                                           str(configs / "stage2_cpu.yaml"), "--stage", "2"])  # fmt: skip
    assert data.num_frames == 32 and train.align_steps == 400 and train.lr_scheduler_type == "cosine"
    assert model.projector_input_norm and model.lora_dropout == 0.0


def test_candidate_list_sampling_keeps_the_batch_classes_and_is_reproducible(tokenizer):
    from sugar_hf import SugarProcessor
    from sugar_hf.data.collator import SugarCollator

    processor = SugarProcessor.from_config(tokenizer, tiny_config())
    collator = SugarCollator(processor, CLASSES, candidates=CLASSES, num_candidates=4, seed=3)
    lists = [collator.candidates_for(labels) for labels in ([0, 0, 2], [1, 5], [3])]
    for labels, names in zip(([0, 0, 2], [1, 5], [3]), lists):
        assert len(names) == 4 and len(set(names)) == 4 and set(names) <= set(CLASSES)
        assert {CLASSES[i] for i in labels} <= set(names)
    assert lists[0] == collator.candidates_for([0, 0, 2])  # the same batch draws the same list (exact resume)
    assert len({tuple(n) for n in lists}) == 3
    full = SugarCollator(processor, CLASSES, candidates=CLASSES)
    assert full.candidates_for([0, 1]) == CLASSES  # off: the whole list in its order
    batch = collator([{"skeleton": np.zeros((2, 16, 20, 3), np.float32), "label": 0},
                      {"skeleton": np.zeros((2, 16, 20, 3), np.float32), "label": 2}])  # fmt: skip
    prompt = torch.tensor(processor.prompt_token_ids(collator.candidates_for([0, 2])))
    assert all(torch.equal(row[: len(prompt)], prompt) for row in batch["input_ids"])  # one list per batch
