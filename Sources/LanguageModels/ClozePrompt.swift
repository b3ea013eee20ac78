import NeuralNetwork
import TensorCore
import TextData

/// Zero-shot classification by a cloze prompt: a sentence with one `[MASK]` is set beside
/// the text to classify, and a model pre-trained with masked-language modelling says which
/// of two words fits the gap better.
///
/// For a review `r` and the template `we left [MASK] .` after it, the input is
/// `[CLS] r [SEP] we left [MASK] . [SEP]`, and the review is called positive when
///
///     score = log P(positive word | input) − log P(negative word | input) > 0.
///
/// Both probabilities come from one softmax over the vocabulary at the mask, so the score
/// is the difference of the two logits: the normaliser cancels. No labelled example is
/// used; what the prompt asks must be something pre-training taught, and the answer
/// changes with the template and the words (the known weakness of prompting).
public struct ClozePrompt: Sendable, Equatable {
  /// Where the template goes: as the second segment (after the text) or the first.
  public enum Place: String, Sendable {
    case afterText = "after"
    case beforeText = "before"
  }

  /// The template's tokens, with exactly one `[MASK]`.
  public let template: [String]
  public let place: Place
  /// The word that says "positive" at the mask, and the one that says "negative".
  public let positive: String
  public let negative: String

  /// - Parameters:
  ///   - template: a sentence of space-separated tokens with one `[MASK]`
  ///     (`"we left [MASK] ."`).
  ///   - place: whether it follows the text or precedes it.
  ///   - positive: the word for the positive class at the mask.
  ///   - negative: the word for the negative class.
  public init(_ template: String, place: Place, positive: String, negative: String) {
    self.template = template.split(separator: " ").map(String.init)
    precondition(
      self.template.filter { $0 == Vocabulary.mask }.count == 1,
      "ClozePrompt: the template needs exactly one \(Vocabulary.mask), got '\(template)'")
    precondition(positive != negative, "ClozePrompt: the two words must differ, got \(positive)")
    self.place = place
    self.positive = positive
    self.negative = negative
  }

  /// The prompt as a reader sees it, with `TEXT` where the text goes.
  public var description: String {
    let sentence = template.joined(separator: " ")
    return place == .afterText ? "TEXT \(sentence)" : "\(sentence) TEXT"
  }

  /// The tokens of the template and the two words that `vocabulary` lacks (it must lack
  /// none: an unknown word would be scored as `<unk>`).
  public func missingWords(in vocabulary: Vocabulary) -> [String] {
    (template + [positive, negative]).filter { !vocabulary.contains($0) }
  }

  /// `[CLS] first [SEP] second [SEP]` for one text, its segment ids, and where the mask is.
  public func layout(_ text: [String]) -> (tokens: [String], segments: [Int], mask: Int) {
    let (tokens, segments) =
      place == .afterText
      ? PretrainingData.layout(text, template) : PretrainingData.layout(template, text)
    return (tokens, segments, tokens.firstIndex(of: Vocabulary.mask)!)
  }

  /// The score of each text: `log P(positive) − log P(negative)` at the mask.
  /// - Parameters:
  ///   - texts: tokenized texts (a text may be empty: the template alone).
  ///   - model: a model pre-trained with masked-language modelling.
  ///   - vocabulary: the model's vocabulary; it must hold every word of the prompt.
  public func scores(
    _ texts: [[String]], model: PretrainingModel, vocabulary: Vocabulary
  ) -> [Float] {
    precondition(
      missingWords(in: vocabulary).isEmpty,
      "ClozePrompt: \(missingWords(in: vocabulary)) not in the vocabulary of the model")
    let (p, n) = (vocabulary.id(positive), vocabulary.id(negative))
    let width = vocabulary.count
    var scores = [Float](repeating: 0, count: texts.count)
    // Texts of similar length go together, so that little of each batch is padding.
    let order = texts.indices.sorted { texts[$0].count < texts[$1].count }
    for start in stride(from: 0, to: order.count, by: Self.batchSize) {
      let chunk = Array(order[start..<Swift.min(start + Self.batchSize, order.count)])
      let laid = chunk.map { layout(texts[$0]) }
      let batch = PaddedBatch(laid.map { vocabulary.encode($0.tokens) }, padID: vocabulary.padID)
      let segments = PaddedBatch(laid.map { $0.segments }, padID: 0).ids
      let positions = laid.indices.map { $0 * batch.length + laid[$0].mask }
      let values = withNoGrad {
        model(batch, segments: segments, predictingAt: positions).tokens
      }.scalars
      for (row, text) in chunk.enumerated() {
        scores[text] = values[row * width + p] - values[row * width + n]
      }
    }
    return scores
  }

  /// How many texts `scores` runs through the model at once.
  static let batchSize = 64

  /// The class each text gets: 1 (positive) where its score is above zero, else 0.
  public func classify(
    _ texts: [[String]], model: PretrainingModel, vocabulary: Vocabulary
  ) -> [Int] {
    scores(texts, model: model, vocabulary: vocabulary).map { $0 > 0 ? 1 : 0 }
  }
}
