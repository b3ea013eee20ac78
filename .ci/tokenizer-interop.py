"""Hugging Face tokenizers reads our tokenizer.json and gives our ids on every text.

Usage: python3 .ci/tokenizer-interop.py FOLDER (written by BytePairEncodingTests with
LM_INTEROP_DIR=FOLDER)."""
import json
import sys

from tokenizers import Tokenizer

folder = sys.argv[1]
tokenizer = Tokenizer.from_file(f"{folder}/tokenizer.json")
cases = json.load(open(f"{folder}/tokenizer-cases.json"))
for text, ids in zip(cases["texts"], cases["ids"]):
    theirs = tokenizer.encode(text, add_special_tokens=False).ids
    assert theirs == ids, (text, theirs, ids)
    assert tokenizer.decode(theirs) == text, (text, tokenizer.decode(theirs))
print(f"tokenizers gives our ids on all {len(cases['texts'])} texts and decodes them back")
