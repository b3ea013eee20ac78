"""transformers loads our GPT folders as GPT2LMHeadModel and AutoTokenizer, with our logits
and our ids.

Usage: python3 .ci/gpt-interop.py FOLDER (written by GPT2FolderTests with
LM_INTEROP_DIR=FOLDER): one sub-folder per token level."""
import glob
import json
import sys

import numpy as np
import torch
import transformers
from transformers import AutoTokenizer, GPT2LMHeadModel

transformers.logging.set_verbosity_error()  # the unused heads are listed otherwise

for folder in sorted(glob.glob(f"{sys.argv[1]}/gpt-*")):
    cases = json.load(open(f"{folder}/cases.json"))
    model, info = GPT2LMHeadModel.from_pretrained(folder, output_loading_info=True)
    problems = {k: v for k, v in info.items() if v}
    assert not problems, (folder, problems)
    model.eval()
    batch = torch.tensor(cases["batch"]).reshape(cases["shape"])
    with torch.no_grad():
        logits = model(batch, attention_mask=torch.ones_like(batch)).logits.numpy()
    ours = np.array(cases["logits"], dtype=np.float32).reshape(logits.shape)
    # Padded positions come after each sentence; only real positions are compared.
    real = np.zeros(logits.shape[:2], dtype=bool)
    for row, length in enumerate(cases["lengths"]):
        real[row, :length] = True
    difference = float(np.abs(logits[real] - ours[real]).max())
    assert difference <= 1e-4, (folder, difference)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    for text, ids in zip(cases["texts"], cases["ids"]):
        theirs = tokenizer.encode(text, add_special_tokens=False)
        assert theirs == ids, (folder, text, theirs, ids)
    prompt = torch.tensor([[tokenizer.bos_token_id]])
    generated = model.generate(prompt, attention_mask=torch.ones_like(prompt), max_new_tokens=5,
                               do_sample=False, pad_token_id=tokenizer.pad_token_id)
    print(f"{folder.split('/')[-1]}: no missing or unexpected tensors, logits within "
          f"{difference:.1e}, AutoTokenizer gives our ids on {len(cases['texts'])} texts, "
          f"generate() runs ({generated.shape[1] - 1} new tokens)")
