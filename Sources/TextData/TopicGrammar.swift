import Foundation
import TensorCore

/// A grammar of sentence templates on topics, whose exact statistics we can compute.
///
/// A sentence is made by choosing a topic, then one of its templates, then one choice for
/// every slot of the template — each choice uniformly at random. A slot may offer the empty
/// choice `""`, which leaves the slot out (an optional phrase).
///
/// Because every choice is known, so is the probability of every sentence
/// (`probability(of:)`) and the lowest perplexity any model can reach on held-out text
/// (`bestPerplexity(level:)`). The latter uses the entropy of the choices made, which equals
/// the entropy of the sentences only when no sentence can be made in two ways; the tests
/// check that on thousands of samples for each grammar we ship.
public struct TopicGrammar: Sendable {
  /// A piece of a template: fixed text, or a slot filled from a list (`""` = left out).
  public enum Part: Sendable {
    case text(String)
    case slot([String])
  }

  /// The name of each topic.
  public let topics: [String]
  /// The templates of each topic, in the order of `topics`.
  public let templates: [[[Part]]]

  public init(topics: [String], templates: [[[Part]]]) {
    precondition(topics.count == templates.count, "TopicGrammar: one template list per topic")
    self.topics = topics
    self.templates = templates
  }

  /// One sentence and the topic it came from.
  public func sample(using generator: inout SplitMix64) -> Sentence {
    draw(using: &generator).sentence
  }

  /// One sentence with the probability of the choices that made it.
  func draw(using generator: inout SplitMix64) -> (sentence: Sentence, probability: Double) {
    let topic = generator.index(topics.count)
    let list = templates[topic]
    let template = list[generator.index(list.count)]
    var probability = 1 / Double(topics.count) / Double(list.count)
    let pieces = template.map { part -> String in
      switch part {
      case .text(let text): return text
      case .slot(let choices):
        probability /= Double(choices.count)
        return choices[generator.index(choices.count)]
      }
    }
    let text = pieces.filter { !$0.isEmpty }.joined(separator: " ")
    return (Sentence(text: text, topic: topic), probability)
  }

  /// `count` sentences.
  public func generate(count: Int, using generator: inout SplitMix64) -> [Sentence] {
    (0..<count).map { _ in sample(using: &generator) }
  }

  /// The exact probability that one draw from the grammar is `text`, summed over every way
  /// the grammar can make it (matching word by word, trying each choice of each slot).
  public func probability(of text: String) -> Double {
    let words = Tokenizer.words(text)
    var total = 0.0
    for list in templates {
      let prior = 1 / Double(topics.count) / Double(list.count)
      for template in list {
        total += prior * match(template[...], words[...])
      }
    }
    return total
  }

  /// The probability that `parts` produce exactly `words`.
  private func match(_ parts: ArraySlice<Part>, _ words: ArraySlice<String>) -> Double {
    guard let first = parts.first else { return words.isEmpty ? 1 : 0 }
    let rest = parts.dropFirst()
    switch first {
    case .text(let text):
      let fixed = Tokenizer.words(text)
      guard words.starts(with: fixed) else { return 0 }
      return match(rest, words.dropFirst(fixed.count))
    case .slot(let choices):
      var sum = 0.0
      for choice in choices {
        let chosen = Tokenizer.words(choice)
        guard words.starts(with: chosen) else { continue }
        sum += match(rest, words.dropFirst(chosen.count)) / Double(choices.count)
      }
      return sum
    }
  }

  /// How many sentences the grammar can make (counting each way of making one).
  public var distinctSentences: Int {
    templates.joined().reduce(0) { total, template in
      total
        + template.reduce(1) { product, part in
          if case .slot(let choices) = part { return product * choices.count }
          return product
        }
    }
  }

  /// The lowest perplexity a model can reach, in expectation, on sentences from the
  /// grammar, with one prediction per token plus one for the end of the sentence:
  /// `exp(H / L)`, where `H` is the entropy of a sentence and `L` its expected number of
  /// predictions at `level`.
  ///
  /// Both are sums over the choices, so nothing is enumerated: `H` is the entropy of the
  /// topic, the template and every slot (exact when no sentence can be made two ways),
  /// and `L` adds up the expected length of every piece.
  public func bestPerplexity(level: TokenLevel) -> Double {
    var entropy = Foundation.log(Double(topics.count))
    var length = 1.0  // the end of the sentence
    for list in templates {
      let weight = 1 / Double(topics.count) / Double(list.count)
      entropy += Double(list.count) * weight * Foundation.log(Double(list.count))
      for template in list {
        var pieces = 0.0  // expected number of non-empty pieces (joined by spaces)
        for part in template {
          switch part {
          case .text(let text):
            length += weight * Double(size(text, level))
            pieces += 1
          case .slot(let choices):
            let n = Double(choices.count)
            entropy += weight * Foundation.log(n)
            length += weight * choices.reduce(0.0) { $0 + Double(size($1, level)) } / n
            pieces += Double(choices.filter { !$0.isEmpty }.count) / n
          }
        }
        // At character level the spaces between pieces are tokens too.
        if level == .char { length += weight * (pieces - 1) }
      }
    }
    return Foundation.exp(entropy / length)
  }

  private func size(_ text: String, _ level: TokenLevel) -> Int {
    level == .word ? Tokenizer.words(text).count : text.count
  }
}
