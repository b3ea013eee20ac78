import TensorCore
import TextData

/// The agreement probe of the course grammar: fresh sentences like "the puppies that the
/// girl fed are hungry", cut just before the verb, where a model must choose `are` or `is`
/// by a noun several words back.
public struct AgreementProbe: Sendable {
  /// One probe sentence.
  public struct Item: Sendable {
    /// The token ids before the verb.
    public let prefix: [Int]
    /// Whether the verb that agrees is `are`.
    public let plural: Bool
    /// Whether the nearer noun (the one in the clause) has the other number.
    public let attractor: Bool
    /// Words from the noun to the verb.
    public let distance: Int
    /// Where the agreeing noun is in `prefix`.
    public let nounPosition: Int
  }

  public let items: [Item]
  /// The ids of `are` and `is`.
  public let are: Int
  public let isID: Int

  /// Draws `count` sentences with a relative clause from `grammar` (word level), skipping
  /// any sentence of `training` and any whose noun is fewer than `minimumDistance` words
  /// from the verb.
  public init(
    count: Int, grammar: TopicGrammar, vocabulary: Vocabulary, training: Set<String>,
    minimumDistance: Int, using generator: inout SplitMix64
  ) {
    are = vocabulary.id("are")
    isID = vocabulary.id("is")
    var items: [Item] = []
    while items.count < count {
      let text = grammar.sample(using: &generator).text
      let words = Tokenizer.words(text)
      guard !training.contains(text), let that = words.firstIndex(of: "that"),
        let verb = words[that...].firstIndex(where: { $0 == "are" || $0 == "is" })
      else { continue }
      let distance = verb - (that - 1)
      guard distance >= minimumDistance else { continue }
      let person = words[that + 2]
      let personPlural = person.hasSuffix("s") && person != "boss"
      let plural = words[verb] == "are"
      items.append(
        Item(
          prefix: vocabulary.encode(Array(words[..<verb])), plural: plural,
          attractor: personPlural != plural, distance: distance, nounPosition: that - 1))
    }
    self.items = items
  }

  /// The agreeing and the other verb's ids for `item`.
  public func verbs(_ item: Item) -> (right: Int, wrong: Int) {
    item.plural ? (are, isID) : (isID, are)
  }

  /// 1 where the log-probabilities after each prefix favour the agreeing verb, else 0.
  public func scores(_ logProbabilities: [[Float]]) -> [Double] {
    zip(items, logProbabilities).map { item, logP in
      let (right, wrong) = verbs(item)
      return logP[right] > logP[wrong] ? 1 : 0
    }
  }
}

extension SentenceLanguageModel {
  /// The log-probability of every next token after each prefix (read as `<s>` + prefix).
  public func nextTokenLogProbabilities(after prefixes: [[Int]], vocabulary: Vocabulary)
    -> [[Float]]
  {
    evaluating {
      let batch = PaddedBatch(prefixes.map { [vocabulary.startID] + $0 }, padID: vocabulary.padID)
      let all = logits(batch).logSoftmax(axis: -1).scalars
      let size = vocabulary.count
      // Padding comes after each prefix, and each position sees only what is before it, so
      // the prediction after a prefix sits at its own length whatever the padding.
      return prefixes.enumerated().map { b, prefix in
        let start = (b * batch.length + prefix.count) * size
        return Array(all[start..<(start + size)])
      }
    }
  }
}

extension GPTLanguageModel {
  /// For each of the first `count` probe sentences, the share of all heads (every block)
  /// whose largest attention weight, from the last position before the verb, falls on the
  /// agreeing noun. Measured in evaluation mode.
  public func nounAttentionShares(_ probe: AgreementProbe, count: Int, vocabulary: Vocabulary)
    -> [Double]
  {
    evaluating {
      probe.items.prefix(count).map { item in
        _ = logits(PaddedBatch([[vocabulary.startID] + item.prefix], padID: vocabulary.padID))
        let last = item.prefix.count
        var hits = 0
        var heads = 0
        for weights in lastAttentionWeights {
          let t = weights.shape[2]
          let values = weights.scalars
          for head in 0..<weights.shape[1] {
            let row = values[((head * t + last) * t)..<((head * t + last) * t + t)]
            let strongest = row.indices.max { row[$0] < row[$1] }! - (head * t + last) * t
            if strongest == item.nounPosition + 1 { hits += 1 }
            heads += 1
          }
        }
        return Double(hits) / Double(heads)
      }
    }
  }
}
