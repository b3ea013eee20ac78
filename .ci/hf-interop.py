"""Loads the ALBERT and BERT folders the Swift tests wrote with transformers'
AlbertForPreTraining and BertForPreTraining (built from their config.json, nothing
downloaded), checks that no tensor is missing, unexpected or mismatched, and that the
masked-token and pair logits of a fixed batch equal the Swift model's to 1e-4."""
import json
import sys

import torch
import transformers
from safetensors.torch import load_file
from transformers import AlbertForPreTraining, AutoTokenizer, BertForPreTraining, pipeline

transformers.logging.set_verbosity_error()  # the unused heads are listed otherwise

root = sys.argv[1]
for name, kind, pair in [
    ("albert", AlbertForPreTraining, "sop_logits"),
    ("bert", BertForPreTraining, "seq_relationship_logits"),
]:
    model, info = kind.from_pretrained(f"{root}/{name}", output_loading_info=True)
    for key in ["missing_keys", "unexpected_keys", "mismatched_keys", "error_msgs"]:
        assert not info[key], f"{name}: {key}: {info[key]}"
    model.eval()
    expected = load_file(f"{root}/{name}.expected.safetensors")
    with torch.no_grad():
        out = model(
            input_ids=expected["input_ids"].long(),
            token_type_ids=expected["token_type_ids"].long(),
            attention_mask=expected["attention_mask"].long(),
        )
    real = expected["attention_mask"].bool()
    tokens = (out.prediction_logits[real] - expected["prediction_logits"][real]).abs().max().item()
    order = (getattr(out, pair) - expected["pair_logits"]).abs().max().item()
    assert tokens < 1e-4 and order < 1e-4, f"{name}: largest differences {tokens}, {order}"
    print(f"   {kind.__name__}: loaded with no missing, unexpected or mismatched tensors; "
          f"largest difference: masked-token logits {tokens:.1e}, pair logits {order:.1e}")
    # The tokenizer files: our ids, and the fill-mask pipeline's top token is ours.
    fill = json.load(open(f"{root}/{name}.fill.json"))
    tokenizer = AutoTokenizer.from_pretrained(f"{root}/{name}")
    ids = tokenizer(fill["text"])["input_ids"]
    assert ids == fill["ids"], f"{name}: AutoTokenizer gave {ids}, ours {fill['ids']}"
    top = pipeline("fill-mask", model=f"{root}/{name}", tokenizer=tokenizer)(fill["text"])[0]
    assert top["token_str"].strip() == fill["top"], f"{name}: pipeline {top}, ours {fill['top']}"
    print(f"   {name}: AutoTokenizer gives our ids {ids}; fill-mask's top token is ours "
          f"({fill['top']})")
