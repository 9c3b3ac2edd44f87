"""Stage 1's GAP objective (mil_nce+ce) and stage 2's knowledge prior (fused ranking), on tiny configs."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from tiny import CLASSES, tiny_config

from sugar_hf import SugarConfig, SugarForActionRecognition, SugarProcessor, SugarSkeletonTextModel, inference
from sugar_hf.modeling_sugar import mil_nce_loss
from sugar_hf.training.tasks import PRIOR_WEIGHT_GRID, prior_weight_grid


def _skeletons(n: int = 4, seed: int = 0) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(n, 2, 16, 20, 3, generator=generator)


def _texts(num_classes: int = len(CLASSES), per_class: int = 2, dim: int = 16, seed: int = 1):
    generator = torch.Generator().manual_seed(seed)
    embeds = torch.randn(num_classes * per_class, dim, generator=generator)
    return embeds, torch.arange(num_classes).repeat_interleave(per_class)


# ------------------------------------------------------------------------------------- stage 1: mil_nce+ce
def test_mil_nce_alone_has_no_classifier_and_the_paper_default():
    assert SugarConfig().stage1_objective == "mil_nce"
    assert SugarSkeletonTextModel(tiny_config()).classifier is None
    with pytest.raises(ValueError, match="stage1_objective"):
        tiny_config(stage1_objective="ce")


def test_mil_nce_plus_ce_is_the_weighted_sum_of_both_terms():
    torch.manual_seed(0)
    model = SugarSkeletonTextModel(
        tiny_config(stage1_objective="mil_nce+ce", ce_loss_weight=0.7, text_loss_weight=0.3)
    ).eval()
    assert model.classifier.out_features == len(CLASSES)
    x, labels = _skeletons(), torch.tensor([0, 1, 2, 1])
    embeds, text_labels = _texts()
    out = model(skeleton_values=x, text_embeds=embeds, labels=labels, text_labels=text_labels)
    pooled = model.encoder(x).pooler_output
    texts = F.normalize(model.text_projection(embeds), dim=-1)
    nce, _ = mil_nce_loss(out.skeleton_embeds, texts, labels[:, None] == text_labels[None], model.logit_scale)
    ce = F.cross_entropy(model.classifier(pooled), labels)
    assert out.class_logits.shape == (4, len(CLASSES))
    torch.testing.assert_close(out.loss, 0.3 * nce + 0.7 * ce)


def test_the_ce_head_chooses_among_the_training_classes_only():
    torch.manual_seed(0)
    model = SugarSkeletonTextModel(tiny_config(stage1_objective="mil_nce+ce", text_loss_weight=0.0)).eval()
    x, labels = _skeletons(), torch.tensor([0, 1, 0, 1])
    embeds, text_labels = _texts()
    mask = torch.tensor([True, True, False, False, False, False])
    out = model(
        skeleton_values=x, text_embeds=embeds, labels=labels, text_labels=text_labels, class_mask=mask
    )
    logits = model.classifier(model.encoder(x).pooler_output)[:, :2]
    torch.testing.assert_close(out.loss, F.cross_entropy(logits, labels))


def _encoder_grads(model, x, labels, embeds, text_labels, ce_weight: float, text_weight: float) -> torch.Tensor:
    model.config.ce_loss_weight, model.config.text_loss_weight = ce_weight, text_weight
    model.zero_grad()
    model(skeleton_values=x, text_embeds=embeds, labels=labels, text_labels=text_labels).loss.backward()
    return torch.cat([p.grad.flatten() for p in model.encoder.parameters() if p.grad is not None])


@pytest.mark.parametrize("scale", [0.0, 0.25])
def test_text_gradient_scale_scales_only_the_text_terms_pull_on_the_encoder(scale):
    torch.manual_seed(0)
    model = SugarSkeletonTextModel(tiny_config(stage1_objective="mil_nce+ce", text_gradient_scale=scale)).eval()
    x, labels = _skeletons(), torch.tensor([0, 1, 2, 1])
    embeds, text_labels = _texts()
    full = SugarSkeletonTextModel(tiny_config(stage1_objective="mil_nce+ce")).eval()
    full.load_state_dict(model.state_dict())
    with torch.no_grad():  # the loss value does not change, only its gradient into the encoder
        torch.testing.assert_close(
            model(skeleton_values=x, text_embeds=embeds, labels=labels, text_labels=text_labels).loss,
            full(skeleton_values=x, text_embeds=embeds, labels=labels, text_labels=text_labels).loss,
        )
    ce_only = _encoder_grads(model, x, labels, embeds, text_labels, 1.0, 0.0)
    text_full = _encoder_grads(full, x, labels, embeds, text_labels, 0.0, 1.0)
    both = _encoder_grads(model, x, labels, embeds, text_labels, 1.0, 1.0)
    assert text_full.abs().max() > 0
    expected = ce_only + scale * text_full
    torch.testing.assert_close(both, expected, rtol=1e-4, atol=1e-5 * float(expected.abs().max()))
    # the text head itself still learns at full strength
    model.zero_grad(), full.zero_grad()
    model(skeleton_values=x, text_embeds=embeds, labels=labels, text_labels=text_labels).loss.backward()
    full(skeleton_values=x, text_embeds=embeds, labels=labels, text_labels=text_labels).loss.backward()
    torch.testing.assert_close(model.skeleton_projection.weight.grad, full.skeleton_projection.weight.grad)
    with pytest.raises(ValueError, match="text_gradient_scale"):
        tiny_config(stage1_objective="mil_nce+ce", text_gradient_scale=1.5)


def test_the_ce_head_starts_as_ctrgcn_and_the_baseline_initialise_their_fc():
    from sugar_hf import SugarForSkeletonClassification

    torch.manual_seed(0)
    head = SugarSkeletonTextModel(tiny_config(stage1_objective="mil_nce+ce")).classifier
    baseline = SugarForSkeletonClassification(SugarForSkeletonClassification.config_class(
        encoder_config=tiny_config().encoder_config, class_names=list(CLASSES))).classifier  # fmt: skip
    assert head.weight.shape == baseline.weight.shape
    expected = (2.0 / len(CLASSES)) ** 0.5  # normal(0, sqrt(2 / num_class)), not BERT's 0.02
    for weight in (head.weight, baseline.weight):
        assert 0.7 * expected < float(weight.detach().std()) < 1.3 * expected
    assert float(head.bias.abs().max()) == 0.0


def test_the_ce_head_is_saved_and_loaded(tmp_path):
    model = SugarSkeletonTextModel(tiny_config(stage1_objective="mil_nce+ce"))
    model.save_pretrained(tmp_path, save_full_llm=True)
    again = SugarSkeletonTextModel.from_pretrained(tmp_path)
    assert again.config.stage1_objective == "mil_nce+ce"
    torch.testing.assert_close(again.classifier.weight, model.classifier.weight)


# ------------------------------------------------------------------------------- stage 2: knowledge prior
def _stage2_with_prior(tokenizer, weight: float = 1.0, seed: int = 0):
    torch.manual_seed(seed)
    stage1 = SugarSkeletonTextModel(tiny_config()).eval()
    with torch.no_grad():
        stage1.logit_scale.fill_(math.log(5.0))
    config = tiny_config(knowledge_prior=True, prior_class_names=CLASSES, prior_weight=weight)
    model = SugarForActionRecognition(config).eval()
    model.encoder.load_state_dict(stage1.encoder.state_dict())
    embeds, text_labels = _texts(per_class=3)
    texts = F.normalize(embeds, dim=-1)
    model.load_knowledge_prior(stage1, texts, text_labels)
    return model, stage1, (texts, text_labels), SugarProcessor.from_config(tokenizer, config)


def test_bag_scores_are_the_log_mean_exp_of_each_class_texts():
    sims = torch.tensor([[1.0, 3.0, 0.0, 2.0, 2.0]])
    index = torch.tensor([0, 0, 1, 2, 2])
    expected = torch.tensor([[math.log((math.e + math.e**3) / 2), 0.0, 2.0]])
    torch.testing.assert_close(inference.bag_scores(sims, index, 3), expected)
    # a clip near one text of its class outranks a clip near the mean: the MIL-NCE view, not the prototype's
    assert inference.bag_scores(torch.tensor([[4.0, -4.0, 1.0, 1.0]]), torch.tensor([0, 0, 1, 1]), 2).argmax() == 0


def test_the_prior_is_stage_one_bag_score_from_encoder_tokens(tokenizer):
    model, stage1, (texts, index), _ = _stage2_with_prior(tokenizer)
    assert model.config.prior_text_counts == [3] * len(CLASSES)
    x = _skeletons(3)
    expected = inference.score_stage1(stage1, x, texts, index, len(CLASSES))
    order = ["sit down", "drink water", "wave hand"]
    picked = [CLASSES.index(c) for c in order]
    torch.testing.assert_close(model.prior_logits(CLASSES, skeleton_values=x), expected)
    tokens = model.get_encoder_tokens(x)  # what the encoder-token cache holds
    torch.testing.assert_close(model.prior_logits(order, encoder_tokens=tokens), expected[:, picked])
    assert model.prior_logits(["jump up", *order]) is None  # a name without class texts: no prior
    assert not any(p.requires_grad for p in model.knowledge_prior.parameters())
    with pytest.raises(ValueError, match="grouped by class"):
        model.load_knowledge_prior(stage1, texts, index.flip(0))


def test_fused_scores_are_both_log_distributions_and_rank_in_classify(tokenizer):
    model, _, _, processor = _stage2_with_prior(tokenizer, weight=2.0)
    clips = [np.random.default_rng(i).normal(size=(20, 20, 3)).astype(np.float32) for i in range(3)]
    inputs = processor(skeletons=clips, candidates=CLASSES)
    ids = processor.candidate_token_ids(CLASSES)
    every = inference.score_stage2(model, inputs, ids, CLASSES)
    assert {"sum", "mean", "prior", "fused"} <= set(every)
    expected = every["sum"].log_softmax(-1) + 2.0 * every["prior"].log_softmax(-1)
    torch.testing.assert_close(every["fused"], expected)
    assert inference.default_scoring(model) == "fused"
    ranked = inference.classify(model, processor, clips, top_k=len(CLASSES))
    best = every["fused"].argmax(-1)
    assert [row[0][0] for row in ranked] == [CLASSES[int(i)] for i in best]
    # a candidate the prior has no texts for: the LLM's own scoring, not a silently partial prior
    unseen = ["jump up", "wave hand"]
    every_unseen = inference.score_stage2(model, processor(skeletons=clips, candidates=unseen),
                                          processor.candidate_token_ids(unseen), unseen)  # fmt: skip
    assert "fused" not in every_unseen and inference.pick_scoring(model, every_unseen) == "sum"


def test_weight_zero_ranks_like_the_llm_and_the_prior_round_trips(tokenizer, tmp_path):
    model, _, (texts, _), processor = _stage2_with_prior(tokenizer, weight=0.0)
    assert inference.default_scoring(model) == "sum"
    model.config.prior_weight = 0.5
    model.save_pretrained(tmp_path, save_full_llm=True)
    again = SugarForActionRecognition.from_pretrained(tmp_path).eval()
    assert again.config.prior_weight == 0.5 and again.config.prior_class_names == CLASSES
    torch.testing.assert_close(again.knowledge_prior.texts, texts)
    x = _skeletons(2)
    torch.testing.assert_close(again.prior_logits(CLASSES, x), model.prior_logits(CLASSES, x))


def test_prior_weight_is_validated():
    with pytest.raises(ValueError, match="prior_weight"):
        tiny_config(knowledge_prior=True, prior_class_names=CLASSES, prior_weight=-1.0)


def test_the_weight_grid_prefers_the_prior_where_it_is_right():
    target = torch.tensor([0, 1, 2, 0, 1, 2])
    llm = torch.zeros(6, 3)
    llm[:, 0] = 1.0  # the LLM always says class 0: right on 2 clips of 6
    prior = F.one_hot(target, 3).float() * 0.5  # the prior is right everywhere, weakly
    grid = prior_weight_grid(llm, prior, target)
    assert [row["weight"] for row in grid] == list(PRIOR_WEIGHT_GRID)
    assert grid[0]["top1"] == pytest.approx(2 / 6)
    assert grid[-1]["top1"] == 1.0 and grid[-1]["prior_top1"] == 1.0
    assert all(a["top1"] <= b["top1"] for a, b in zip(grid, grid[1:]))


def test_the_prior_carries_stage_one_fc_head_over_its_trained_classes(tokenizer, tmp_path):
    torch.manual_seed(0)
    stage1 = SugarSkeletonTextModel(tiny_config(stage1_objective="mil_nce+ce")).eval()
    trained = [c for c in CLASSES if c != "wave hand"]  # a zero-shot run hides one class from the head
    stage1.config.trained_class_names = trained
    config = tiny_config(knowledge_prior=True, prior_class_names=CLASSES, prior_weight=1.0)
    model = SugarForActionRecognition(config).eval()
    model.encoder.load_state_dict(stage1.encoder.state_dict())
    embeds, text_labels = _texts(per_class=2)
    model.load_knowledge_prior(stage1, F.normalize(embeds, dim=-1), text_labels)
    assert model.config.prior_classifier_names == trained
    x = _skeletons(3)
    order = [trained[2], trained[0]]
    logits = stage1.classifier(stage1.encoder(x).pooler_output)[:, [CLASSES.index(c) for c in order]]
    parts = model.prior_parts(order, skeleton_values=x)
    torch.testing.assert_close(parts["classifier"], logits)
    assert "classifier" not in model.prior_parts(["wave hand", *order], skeleton_values=x)  # not in the head
    torch.testing.assert_close(model.prior_logits(order, skeleton_values=x), parts["bag"])  # off by default
    model.config.prior_use_classifier = True
    both = parts["bag"].log_softmax(-1) + logits.log_softmax(-1)
    torch.testing.assert_close(model.prior_logits(order, skeleton_values=x), both)
    torch.testing.assert_close(model.prior_logits(["wave hand", *order], skeleton_values=x),
                               model.prior_parts(["wave hand", *order], skeleton_values=x)["bag"])  # fmt: skip
    model.save_pretrained(tmp_path, save_full_llm=True)  # the head is part of the checkpoint
    again = SugarForActionRecognition.from_pretrained(tmp_path).eval()
    torch.testing.assert_close(again.prior_logits(order, skeleton_values=x), both)
    # a stage-1 folder that did not record its trained classes gives a prior without the head
    stage1.config.trained_class_names = []
    model.load_knowledge_prior(stage1, F.normalize(embeds, dim=-1), text_labels)
    assert model.knowledge_prior.classifier is None and "classifier" not in model.prior_parts(order, skeleton_values=x)
