import Foundation
import NeuralNetwork
import TensorCore
import TextData

/// Which recurrent cell a model uses.
public enum RecurrentCell: String, Sendable, CaseIterable {
  case rnn, gru, lstm

  /// Builds the layer.
  public func make(inputSize: Int, hiddenSize: Int, using generator: inout SplitMix64)
    -> RecurrentLayer
  {
    switch self {
    case .rnn: return RNN(inputSize: inputSize, hiddenSize: hiddenSize, using: &generator)
    case .gru: return GRU(inputSize: inputSize, hiddenSize: hiddenSize, using: &generator)
    case .lstm: return LSTM(inputSize: inputSize, hiddenSize: hiddenSize, using: &generator)
    }
  }
}

/// A recurrent language model: embed each token, run a recurrent layer over the
/// sequence, and predict the next token from each hidden state.
///
///     logits_t = head(h_t),   h_t = cell(embedding(x_t), h_{t−1})
///
/// A sentence `w₁ … w_m` is read as `<s> w₁ … w_m` and must predict `w₁ … w_m </s>`: the
/// same `m + 1` predictions an n-gram model makes, so their perplexities compare.
public final class RecurrentLanguageModel: Module {
  public let embedding: Embedding
  public let recurrent: RecurrentLayer
  public let head: Linear
  public let cell: RecurrentCell
  /// Dropout on the embeddings and on the recurrent outputs, in training only (`nil`: none).
  public let dropout: Dropout?

  /// - Parameters:
  ///   - dropout: the probability of zeroing each input and output value of the recurrent
  ///     layer while training, a brake on memorising a small text (0: none).
  public init(
    vocabularySize: Int, embeddingSize: Int, hiddenSize: Int, cell: RecurrentCell,
    dropout: Float = 0, using generator: inout SplitMix64
  ) {
    embedding = Embedding(vocabularySize, embeddingSize, std: 0.3, using: &generator)
    recurrent = cell.make(inputSize: embeddingSize, hiddenSize: hiddenSize, using: &generator)
    head = Linear(hiddenSize, vocabularySize, using: &generator)
    self.cell = cell
    self.dropout = dropout > 0 ? Dropout(dropout, using: &generator) : nil
    super.init()
  }

  /// The logits `[batch, time, vocabulary]` for a batch of input ids, and the hidden
  /// state after each step.
  public func callAsFunction(_ batch: PaddedBatch) -> (logits: Tensor, states: [Tensor]) {
    var x = embedding(batch.ids, shape: batch.shape)
    if let dropout { x = dropout(x) }
    let output = recurrent(x)
    let h = dropout.map { $0(output.outputs) } ?? output.outputs
    return (head(h), output.states)
  }

  /// The inputs (`<s>` + tokens) and targets (tokens + `</s>`) of `sentences`, padded;
  /// padded target positions hold `ignoreIndex`.
  public static func inputsAndTargets(
    _ sentences: [[Int]], vocabulary: Vocabulary, ignoreIndex: Int = -1
  ) -> (PaddedBatch, [Int]) {
    let inputs = PaddedBatch(sentences.map { [vocabulary.startID] + $0 }, padID: vocabulary.padID)
    let targets = PaddedBatch(sentences.map { $0 + [vocabulary.endID] }, padID: ignoreIndex)
    return (inputs, targets.ids)
  }

  /// The mean cross-entropy of predicting every token of `sentences` (and their ends).
  public func loss(_ sentences: [[Int]], vocabulary: Vocabulary) -> Tensor {
    let (inputs, targets) = Self.inputsAndTargets(sentences, vocabulary: vocabulary)
    return Tensor.crossEntropy(self(inputs).logits, targets: targets, ignoreIndex: -1)
  }

  /// `exp` of the mean cross-entropy per predicted token over `sentences`, measured in
  /// evaluation mode (no dropout), whatever mode the model is in.
  public func perplexity(_ sentences: [[Int]], vocabulary: Vocabulary, batchSize: Int = 64)
    -> Double
  {
    evaluating {
      var total = 0.0
      var tokens = 0
      for indices in BatchSampler.inOrder(count: sentences.count, batchSize: batchSize) {
        let batch = indices.map { sentences[$0] }
        let (inputs, targets) = Self.inputsAndTargets(batch, vocabulary: vocabulary)
        let sum = Tensor.crossEntropy(
          self(inputs).logits, targets: targets, ignoreIndex: -1, reduction: .sum)
        total += Double(sum.item)
        tokens += targets.filter { $0 != -1 }.count
      }
      return Foundation.exp(total / Double(Swift.max(tokens, 1)))
    }
  }

  /// Samples a sentence, one token at a time, from `softmax(logits / temperature)`, in
  /// evaluation mode (no dropout).
  ///
  /// A temperature below 1 sharpens the distribution (safer, more repetitive text); above
  /// 1 flattens it (more varied, more mistakes). The state is carried from token to token,
  /// so a sentence of `n` tokens costs `n` steps, not the `n(n + 1)/2` of reading every
  /// prefix again; the logits are the same bits (every op of a step works on its row alone).
  public func sample(
    vocabulary: Vocabulary, temperature: Float, maximumLength: Int,
    using generator: inout SplitMix64
  ) -> [Int] {
    evaluating {
      var tokens: [Int] = []
      var previous = vocabulary.startID
      var state: (hidden: Tensor?, cell: Tensor?) = (nil, nil)
      while tokens.count < maximumLength {
        // The forward pass of `callAsFunction`, one step (its dropout is off here).
        var x = embedding([previous], shape: [1, 1])
        if let dropout { x = dropout(x) }
        let output = step(x, from: state)
        state = (output.outputs.reshaped([1, -1]), output.lastCell)
        let h = dropout.map { $0(output.outputs) } ?? output.outputs
        let logits = head(h).reshaped([-1])
        let scaled = (logits / temperature).softmax().scalars
        var weights = scaled
        for special in [vocabulary.padID, vocabulary.startID, vocabulary.maskID] {
          weights[special] = 0
        }
        let next = generator.categorical(weights)
        if next == vocabulary.endID { break }
        tokens.append(next)
        previous = next
      }
      return tokens
    }
  }

  /// The recurrent layer over `input` from a hidden state (and an LSTM's cell state).
  func step(_ input: Tensor, from state: (hidden: Tensor?, cell: Tensor?)) -> RecurrentOutput {
    if let lstm = recurrent as? LSTM {
      return lstm(input, initialState: state.hidden, initialCell: state.cell)
    }
    return recurrent(input, initialState: state.hidden)
  }

  /// How much gradient reaches each hidden state from the loss at the last position.
  ///
  /// The loss is the cross-entropy of the final prediction only, so `‖∂L/∂h_t‖` shows how
  /// the signal from one error fades (or grows) as it travels back through time.
  /// Measured in evaluation mode (no dropout), whatever mode the model is in, so that a
  /// network before training and after it are probed alike.
  /// - Returns: the mean gradient norm over the batch, for every step.
  public func gradientNormsThroughTime(_ sentences: [[Int]], vocabulary: Vocabulary) -> [Double] {
    let wasTraining = isTraining
    if wasTraining { eval() }
    defer { if wasTraining { train() } }
    let inputs = PaddedBatch(sentences.map { [vocabulary.startID] + $0 }, padID: vocabulary.padID)
    let (logits, states) = self(inputs)
    for s in states { s.retainGrad() }
    let last = logits.selected(axis: 1, index: inputs.length - 1)
    let targets = sentences.map {
      $0.count == inputs.length - 1 ? vocabulary.endID : $0.last ?? vocabulary.endID
    }
    Tensor.crossEntropy(last, targets: targets).backward()
    let norms = states.map { state -> Double in
      guard let g = state.grad else { return 0 }
      let rows = g.shape[0]
      let width = g.shape[1]
      let values = g.scalars
      var total = 0.0
      for r in 0..<rows {
        var squares = 0.0
        for c in 0..<width { squares += Double(values[r * width + c] * values[r * width + c]) }
        total += squares.squareRoot()
      }
      return total / Double(rows)
    }
    zeroGrad()
    return norms
  }
}
