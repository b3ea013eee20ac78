import Exercises
import Foundation

/// Model answers to every exercise, for teachers. `exercises student-copy` leaves this module
/// out of the copy handed to students; the checker does not need it.
public struct Solutions: ExerciseAnswers {
  public init() {}

  public func countVector(_ tokens: [String], _ vocabulary: [String]) -> [Int]? {
    vocabulary.map { w in tokens.filter { $0 == w }.count }
  }

  public func f1Score(_ predicted: [Int], _ actual: [Int]) -> Double? {
    let tp = Double(zip(predicted, actual).filter { $0 == 1 && $1 == 1 }.count)
    let fp = Double(zip(predicted, actual).filter { $0 == 1 && $1 != 1 }.count)
    let fn = Double(zip(predicted, actual).filter { $0 != 1 && $1 == 1 }.count)
    let p = tp + fp == 0 ? 0 : tp / (tp + fp)
    let r = tp + fn == 0 ? 0 : tp / (tp + fn)
    return p + r == 0 ? 0 : 2 * p * r / (p + r)
  }

  public func sigmoidCrossEntropy(_ z: Double, _ y: Double) -> Double? {
    max(z, 0) - z * y + log1p(exp(-abs(z)))
  }

  public func bigramCounts(_ sentences: [[String]]) -> [String: [String: Int]]? {
    var counts: [String: [String: Int]] = [:]
    for sentence in sentences {
      let padded = ["<s>"] + sentence + ["</s>"]
      for i in 1..<padded.count {
        counts[padded[i - 1], default: [:]][padded[i], default: 0] += 1
      }
    }
    return counts
  }

  public func addKProbability(_ c: Int, _ total: Int, _ k: Double, _ v: Int) -> Double? {
    (Double(c) + k) / (Double(total) + k * Double(v))
  }

  public func perplexity(_ p: [Double]) -> Double? {
    exp(-p.map { log($0) }.reduce(0, +) / Double(p.count))
  }

  public func rnnStep(_ x: [Float], _ h: [Float], _ wIH: [[Float]], _ wHH: [[Float]], _ b: [Float])
    -> [Float]?
  {
    (0..<b.count).map { i in
      var a = b[i]
      for j in x.indices { a += wIH[i][j] * x[j] }
      for j in h.indices { a += wHH[i][j] * h[j] }
      return Float(tanh(Double(a)))
    }
  }

  public func tanhBackward(_ y: [Float], _ g: [Float]) -> [Float]? {
    zip(y, g).map { $1 * (1 - $0 * $0) }
  }

  public func softmaxBackward(_ y: [Float], _ g: [Float]) -> [Float]? {
    let dot = zip(y, g).map { $0 * $1 }.reduce(0, +)
    return zip(y, g).map { $0 * ($1 - dot) }
  }

  public func attention(_ q: [[Float]], _ k: [[Float]], _ v: [[Float]], _ causal: Bool)
    -> [[Float]]?
  {
    let scale = 1 / Float(q[0].count).squareRoot()
    return q.indices.map { r in
      var scores = k.indices.map { c in zip(q[r], k[c]).map { $0 * $1 }.reduce(0, +) * scale }
      if causal { for c in scores.indices where c > r { scores[c] = -.infinity } }
      let top = scores.max()!
      let e = scores.map { Float(exp(Double($0 - top))) }
      let total = e.reduce(0, +)
      return (0..<v[0].count).map { j in v.indices.map { e[$0] / total * v[$0][j] }.reduce(0, +) }
    }
  }

  public func causalMask(_ n: Int) -> [[Bool]]? { (0..<n).map { r in (0..<n).map { c in c > r } } }

  public func sinusoidalCode(_ p: Int, _ d: Int) -> [Float]? {
    (0..<d).map { i in
      let angle = Double(p) / pow(10_000, Double(i - i % 2) / Double(d))
      return Float(i % 2 == 0 ? sin(angle) : cos(angle))
    }
  }

  public func topPFilter(_ probabilities: [Double], _ p: Double) -> [Double]? {
    let order = probabilities.indices.sorted {
      probabilities[$0] != probabilities[$1] ? probabilities[$0] > probabilities[$1] : $0 < $1
    }
    var kept: Set<Int> = []
    var sum = 0.0
    for i in order where sum < p {
      kept.insert(i)
      sum += probabilities[i]
    }
    return probabilities.indices.map { kept.contains($0) ? probabilities[$0] / sum : 0 }
  }

  public func cachedAttentionStep(
    _ query: [Float], _ keys: [[Float]], _ values: [[Float]], _ newKey: [Float],
    _ newValue: [Float]
  ) -> (output: [Float], keys: [[Float]], values: [[Float]])? {
    let allKeys = keys + [newKey]
    let allValues = values + [newValue]
    let scale = 1 / Float(query.count).squareRoot()
    let scores = allKeys.map { k in zip(query, k).map { $0 * $1 }.reduce(0, +) * scale }
    let top = scores.max()!
    let e = scores.map { Float(exp(Double($0 - top))) }
    let total = e.reduce(0, +)
    let output = (0..<newValue.count).map { j in
      allValues.indices.map { e[$0] / total * allValues[$0][j] }.reduce(0, +)
    }
    return (output, allKeys, allValues)
  }

  public func bitsPerCharacter(_ nats: Double, _ characters: Int, _ sentences: Int) -> Double? {
    nats / log(2) / Double(characters + sentences)
  }

  public func spanMask(_ tokens: [String], _ spans: [(start: Int, length: Int)]) -> [String]? {
    var result: [String] = []
    var i = 0
    for span in spans {
      result += tokens[i..<span.start]
      result.append("[MASK]")
      i = span.start + span.length
    }
    return result + tokens[i...]
  }

  public func sequenceLoss(_ p: [Double]) -> Double? { -p.map { log($0) }.reduce(0, +) }

  public func rotate(_ tokens: [String], _ start: Int) -> [String]? {
    Array(tokens[start...] + tokens[..<start])
  }

  public func embeddingParameters(_ v: Int, _ e: Int, _ h: Int) -> Int? {
    e == h ? v * h : v * e + e * h + h
  }

  public func layerParameters(_ h: Int, _ ff: Int) -> Int? {
    4 * (h * h + h) + (h * ff + ff) + (ff * h + h) + 4 * h
  }

  public func layerwiseRates(_ base: Double, _ decay: Double, _ n: Int) -> [Double]? {
    (0..<n).map { base * pow(decay, Double(n - 1 - $0)) }
  }

  public func sentenceOrderExample(_ first: [String], _ second: [String], _ swapped: Bool) -> (
    tokens: [String], segments: [Int], label: Int
  )? {
    let (a, b) = swapped ? (second, first) : (first, second)
    let tokens = ["[CLS]"] + a + ["[SEP]"] + b + ["[SEP]"]
    let segments = tokens.indices.map { $0 <= a.count + 1 ? 0 : 1 }
    return (tokens, segments, swapped ? 0 : 1)
  }
}

/// A plausible mistake for each exercise, which its checker must catch (the tests run every
/// checker on these): each is a slip a student could make, not random noise.
public struct PlantedMistakes: ExerciseAnswers {
  public init() {}

  public func countVector(_ tokens: [String], _ vocabulary: [String]) -> [Int]? {
    vocabulary.map { tokens.contains($0) ? 1 : 0 }
  }

  public func f1Score(_ p: [Int], _ a: [Int]) -> Double? {
    Double(zip(p, a).filter { $0 == $1 }.count) / Double(p.count)
  }

  public func sigmoidCrossEntropy(_ z: Double, _ y: Double) -> Double? {
    let s = 1 / (1 + Foundation.exp(-z))
    return -(y * Foundation.log(s) + (1 - y) * Foundation.log(1 - s))
  }

  public func bigramCounts(_ sentences: [[String]]) -> [String: [String: Int]]? {
    var counts: [String: [String: Int]] = [:]
    for s in sentences where s.count > 1 {
      for i in 1..<s.count { counts[s[i - 1], default: [:]][s[i], default: 0] += 1 }
    }
    return counts
  }

  public func addKProbability(_ c: Int, _ total: Int, _ k: Double, _ v: Int) -> Double? {
    (Double(c) + k) / (Double(total) + Double(v))
  }

  public func perplexity(_ p: [Double]) -> Double? {
    Foundation.exp(-p.map { Foundation.log($0) }.reduce(0, +))
  }

  public func rnnStep(
    _ x: [Float], _ h: [Float], _ wIH: [[Float]], _ unused3: [[Float]], _ b: [Float]
  )
    -> [Float]?
  {
    (0..<b.count).map { i in
      Float(Foundation.tanh(Double(zip(wIH[i], x).map { $0 * $1 }.reduce(b[i], +))))
    }
  }

  public func tanhBackward(_ y: [Float], _ g: [Float]) -> [Float]? {
    zip(y, g).map { $1 * (1 - $0) }
  }

  public func softmaxBackward(_ y: [Float], _ g: [Float]) -> [Float]? {
    zip(y, g).map { $0 * (1 - $0) * $1 }
  }

  public func attention(_ q: [[Float]], _ k: [[Float]], _ v: [[Float]], _ unused3: Bool)
    -> [[Float]]?
  {
    Solutions().attention(q, k, v, false)
  }

  public func causalMask(_ n: Int) -> [[Bool]]? { (0..<n).map { r in (0..<n).map { c in c >= r } } }

  public func sinusoidalCode(_ p: Int, _ d: Int) -> [Float]? {
    (0..<d).map { i in
      Float(Foundation.sin(Double(p) / Foundation.pow(10_000, Double(i) / Double(d))))
    }
  }

  /// Keeps tokens only while the sum stays below p (drops the one that crosses it).
  public func topPFilter(_ p: [Double], _ threshold: Double) -> [Double]? {
    let order = p.indices.sorted { p[$0] > p[$1] }
    var kept: Set<Int> = [order[0]]
    var sum = p[order[0]]
    for i in order.dropFirst() where sum + p[i] < threshold {
      kept.insert(i)
      sum += p[i]
    }
    return p.indices.map { kept.contains($0) ? p[$0] / sum : 0 }
  }

  /// Attends to the old cache only, forgetting the new row.
  public func cachedAttentionStep(
    _ q: [Float], _ keys: [[Float]], _ values: [[Float]], _ k: [Float], _ v: [Float]
  ) -> (output: [Float], keys: [[Float]], values: [[Float]])? {
    guard !keys.isEmpty else { return (v, [k], [v]) }
    let output = Solutions().attention([q], keys, values, false)![0]
    return (output, keys + [k], values + [v])
  }

  /// Leaves out the sentence ends.
  public func bitsPerCharacter(_ nats: Double, _ characters: Int, _ sentences: Int) -> Double? {
    nats / Foundation.log(2) / Double(characters)
  }

  public func spanMask(_ tokens: [String], _ spans: [(start: Int, length: Int)]) -> [String]? {
    var result = tokens
    for span in spans {
      for i in span.start..<(span.start + span.length) { result[i] = "[MASK]" }
    }
    return result
  }

  public func sequenceLoss(_ p: [Double]) -> Double? {
    -p.map { Foundation.log($0) }.reduce(0, +) / Double(p.count)
  }

  public func rotate(_ tokens: [String], _ start: Int) -> [String]? {
    Array(tokens[..<start] + tokens[start...]).reversed()
  }

  public func embeddingParameters(_ v: Int, _ e: Int, _ h: Int) -> Int? { v * e + e * h }

  public func layerParameters(_ h: Int, _ ff: Int) -> Int? { 4 * h * h + 2 * h * ff }

  public func layerwiseRates(_ base: Double, _ decay: Double, _ n: Int) -> [Double]? {
    (0..<n).map { base * Foundation.pow(decay, Double($0)) }
  }

  // The first [SEP] put in segment 1: a common slip.
  public func sentenceOrderExample(_ first: [String], _ second: [String], _ swapped: Bool) -> (
    tokens: [String], segments: [Int], label: Int
  )? {
    let (a, b) = swapped ? (second, first) : (first, second)
    let tokens = ["[CLS]"] + a + ["[SEP]"] + b + ["[SEP]"]
    return (tokens, tokens.indices.map { $0 <= a.count ? 0 : 1 }, swapped ? 0 : 1)
  }
}
