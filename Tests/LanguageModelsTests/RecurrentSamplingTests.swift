import Foundation
import Testing

@testable import LanguageModels
@testable import TensorCore
@testable import TextData

/// Sampling from a recurrent language model carries its state from token to token; scores
/// are measured in evaluation mode.
struct RecurrentSamplingTests {
  let vocabulary = Vocabulary((0..<30).map { ["w\($0)"] } + [["."]])

  func model(_ cell: RecurrentCell, dropout: Float = 0, seed: UInt64) -> RecurrentLanguageModel {
    var g = SplitMix64(seed: seed)
    return RecurrentLanguageModel(
      vocabularySize: vocabulary.count, embeddingSize: 16, hiddenSize: 32, cell: cell,
      dropout: dropout, using: &g)
  }

  /// Step by step, the state carried (and an LSTM's cell), the logits are those of the
  /// whole sequence at once, bit for bit, for every kind of cell.
  @Test(arguments: RecurrentCell.allCases)
  func stepByStepGivesTheWholeSequencesLogits(_ cell: RecurrentCell) {
    let model = model(cell, seed: 1)
    let ids = [vocabulary.startID] + (0..<9).map { vocabulary.id("w\($0 * 3)") }
    let whole = withNoGrad {
      model(PaddedBatch([ids], padID: vocabulary.padID)).logits.scalars
    }
    var stepwise: [Float] = []
    withNoGrad {
      var state: (hidden: Tensor?, cell: Tensor?) = (nil, nil)
      for id in ids {
        let output = model.step(model.embedding([id], shape: [1, 1]), from: state)
        state = (output.outputs.reshaped([1, -1]), output.lastCell)
        stepwise += model.head(output.outputs).scalars
      }
    }
    #expect(whole.count == stepwise.count)
    #expect(zip(whole, stepwise).filter { $0.bitPattern != $1.bitPattern }.count == 0)
  }

  /// The sampled tokens are those of reading every prefix again, draw for draw.
  @Test(arguments: RecurrentCell.allCases)
  func samplingGivesTheTokensOfReadingEveryPrefix(_ cell: RecurrentCell) {
    let model = model(cell, seed: 2)
    for (seed, temperature) in [(UInt64(3), Float(0.7)), (4, 1), (5, 1.5)] {
      var a = SplitMix64(seed: seed)
      let sampled = model.sample(
        vocabulary: vocabulary, temperature: temperature, maximumLength: 15, using: &a)
      var b = SplitMix64(seed: seed)
      var tokens: [Int] = []
      withNoGrad {
        while tokens.count < 15 {
          let batch = PaddedBatch([[vocabulary.startID] + tokens], padID: vocabulary.padID)
          let logits = model(batch).logits.selected(axis: 1, index: tokens.count).reshaped([-1])
          var weights = (logits / temperature).softmax().scalars
          for special in [vocabulary.padID, vocabulary.startID, vocabulary.maskID] {
            weights[special] = 0
          }
          let next = b.categorical(weights)
          if next == vocabulary.endID { break }
          tokens.append(next)
        }
      }
      #expect(sampled == tokens, "\(cell) at temperature \(temperature)")
    }
  }

  /// With dropout, a model left in training mode (as training leaves it) is scored and
  /// sampled without dropout, and is left in training mode.
  @Test func scoresAndSamplesAreTakenWithoutDropout() {
    let model = model(.gru, dropout: 0.5, seed: 6)
    let sentences = (0..<8).map { i in (0..<5).map { vocabulary.id("w\((i * 7 + $0) % 30)") } }
    #expect(model.isTraining)
    let scored = model.perplexity(sentences, vocabulary: vocabulary)
    var a = SplitMix64(seed: 7)
    let sampled = model.sample(
      vocabulary: vocabulary, temperature: 1, maximumLength: 12, using: &a)
    #expect(model.isTraining)
    model.eval()
    #expect(model.perplexity(sentences, vocabulary: vocabulary) == scored)
    var b = SplitMix64(seed: 7)
    #expect(
      model.sample(vocabulary: vocabulary, temperature: 1, maximumLength: 12, using: &b)
        == sampled)
    // The control: in training mode the same forward pass drops values, so its loss moves.
    model.train()
    let (inputs, targets) = RecurrentLanguageModel.inputsAndTargets(
      sentences, vocabulary: vocabulary)
    let dropped = withNoGrad {
      Tensor.crossEntropy(model(inputs).logits, targets: targets, ignoreIndex: -1).item
    }
    #expect(Foundation.exp(Double(dropped)) != scored)
  }
}
