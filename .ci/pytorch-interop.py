"""Loads the recurrent checkpoints the Swift tests wrote into stock PyTorch modules with
load_state_dict(strict=True) and checks that they give the same logits."""
import sys

import torch
from safetensors.torch import load_file

folder = sys.argv[1]


class LanguageModel(torch.nn.Module):
    """nn.Embedding, a batch-first one-layer recurrent module, nn.Linear: the obvious model."""

    def __init__(self, cell, vocabulary, embedding, hidden):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocabulary, embedding)
        kind = {"rnn": torch.nn.RNN, "gru": torch.nn.GRU, "lstm": torch.nn.LSTM}[cell]
        self.recurrent = kind(embedding, hidden, batch_first=True)
        self.head = torch.nn.Linear(hidden, vocabulary)

    def forward(self, ids):
        outputs, _ = self.recurrent(self.embedding(ids))
        return self.head(outputs)


for cell in ["rnn", "gru", "lstm"]:
    state = load_file(f"{folder}/{cell}.safetensors")
    expected = load_file(f"{folder}/{cell}.expected.safetensors")
    model = LanguageModel(cell, vocabulary=11, embedding=4, hidden=5)
    model.load_state_dict(state, strict=True)
    with torch.no_grad():
        logits = model(expected["ids"].long())
    difference = (logits - expected["logits"]).abs().max().item()
    assert difference < 1e-5, (cell, difference)
    print(f"   {cell}: load_state_dict(strict=True) took all {len(state)} tensors; "
          f"largest logit difference {difference:.1e}")
