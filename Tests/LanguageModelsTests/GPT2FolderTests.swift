import Foundation
import Testing

@testable import LanguageModels
@testable import NeuralNetwork
@testable import TensorCore
@testable import TextData

/// A GPT written as a Hugging Face GPT-2 folder: a round trip, refusals, and (with
/// `LM_INTEROP_DIR` set, as `.ci/run` does when transformers is installed) the folders, a
/// batch, our logits and our token ids for Python to compare.
struct GPT2FolderTests {
  static func corpus(_ level: TextTokenizer.Level) -> LanguageModelCorpus {
    var g = SplitMix64(seed: 5)
    let lines =
      SentenceCorpus.course.generate(count: 200, using: &g).map(\.text) + [
        "Unseen Words, digits 42 and accents: café!", "it's the cats' toy; they'll play.",
      ]
    return LanguageModelCorpus(lines: lines, level: level, merges: 60, seed: 3)
  }

  static func model(_ corpus: LanguageModelCorpus, seed: UInt64) -> GPTLanguageModel {
    var g = SplitMix64(seed: seed)
    let longest = (corpus.train + corpus.validation + corpus.test).map(\.count).max()! + 1
    return GPTLanguageModel(
      GPTConfiguration(
        vocabularySize: corpus.vocabulary.count, contextLength: longest, dimension: 16, layers: 2,
        heads: 2),
      using: &g)
  }

  @Test(arguments: TextTokenizer.Level.allCases)
  func foldersRoundTripAndCanBeHandedToTransformers(_ level: TextTokenizer.Level) throws {
    let corpus = Self.corpus(level)
    let model = Self.model(corpus, seed: 1)
    // Move every weight off its initial value, so a tensor read into the wrong place shows.
    for p in model.parameters() {
      var g = SplitMix64(seed: UInt64(p.count))
      p.assign(p + Tensor.uniform(p.shape, low: -0.1, high: 0.1, using: &g))
    }
    model.eval()
    let folder =
      ProcessInfo.processInfo.environment["LM_INTEROP_DIR"].map { "\($0)/gpt-\(level.rawValue)" }
      ?? FileManager.default.temporaryDirectory.appendingPathComponent(
        "gpt-\(UUID().uuidString)"
      ).path
    try GPT2Folder.save(
      model, tokenizer: corpus.tokenizer, vocabulary: corpus.vocabulary, to: folder)
    let back = Self.model(corpus, seed: 2)
    back.eval()
    try GPT2Folder.load(back, vocabulary: corpus.vocabulary, from: folder)
    let sentences = Array(corpus.test.prefix(3))
    let batch = PaddedBatch(
      sentences.map { [corpus.vocabulary.startID] + $0 }, padID: corpus.vocabulary.padID)
    let logits = withNoGrad { model.logits(batch) }
    #expect(withNoGrad { back.logits(batch) }.scalars == logits.scalars)
    // A model of another width, or another vocabulary order, is refused.
    #expect(throws: HuggingFaceError.self) {
      var g = SplitMix64(seed: 9)
      let other = GPTLanguageModel(
        GPTConfiguration(
          vocabularySize: corpus.vocabulary.count, contextLength: model.configuration.contextLength,
          dimension: 8, layers: 2, heads: 2), using: &g)
      try GPT2Folder.load(other, vocabulary: corpus.vocabulary, from: folder)
    }
    #expect(throws: HuggingFaceError.self) {
      let shuffled = Vocabulary(
        tokens: Array(corpus.vocabulary.tokens.prefix(7))
          + corpus.vocabulary.tokens.dropFirst(7)
          .reversed())
      try GPT2Folder.load(back, vocabulary: shuffled, from: folder)
    }
    if ProcessInfo.processInfo.environment["LM_INTEROP_DIR"] != nil {
      let texts = corpus.testText + ["Unseen Words, digits 42 and accents: café!"]
      let cases: [String: Any] = [
        "batch": batch.ids, "shape": batch.shape, "lengths": batch.lengths,
        "logits": logits.scalars.map(Double.init), "texts": texts,
        "ids": texts.map { corpus.vocabulary.encode(corpus.tokenizer.tokenize($0)) },
        "level": level.rawValue,
      ]
      try JSONSerialization.data(withJSONObject: cases).write(
        to: URL(fileURLWithPath: folder).appendingPathComponent("cases.json"))
    } else {
      try FileManager.default.removeItem(atPath: folder)
    }
  }
}
