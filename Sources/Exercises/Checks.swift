import Foundation
import LanguageModels
import NeuralNetwork
import TensorCore
import TextData

/// Every exercise of the course, checking the functions in `implementations`.
public func allExercises(_ implementations: Implementations) -> [Exercise] {
  let f = implementations
  return [
    // MARK: Lesson 1
    Exercise(
      id: "count-vector", lesson: "bag-of-words", title: "Count vector",
      task:
        "countVector(tokens, vocabulary): how often each vocabulary word occurs in tokens (others are ignored)."
    ) {
      let vocabulary = ["dog", "bites", "man", "the"]
      var g = SplitMix64(seed: 1)
      let random = (0..<20).map { _ in
        (0..<g.index(12)).map { _ in ["dog", "man", "cat", "the", "bites"][g.index(5)] }
      }
      return compare(
        cases: [["dog", "bites", "man"], ["man", "bites", "dog"], [], ["cat"]] + random,
        describe: { "tokens \($0), vocabulary \(vocabulary)" },
        expected: { tokens in vocabulary.map { w in tokens.filter { $0 == w }.count } },
        attempt: { f.countVector($0, vocabulary) }, equal: ==, show: { "\($0)" })
    },
    Exercise(
      id: "f1", lesson: "bag-of-words", title: "F1 score",
      task: "f1Score(predicted, actual): 2PR/(P+R) with 1 as the positive class; 0 when P + R = 0."
    ) {
      var g = SplitMix64(seed: 2)
      let random = (0..<20).map { _ in
        let n = 1 + g.index(15)
        return ((0..<n).map { _ in g.index(2) }, (0..<n).map { _ in g.index(2) })
      }
      return compare(
        cases: [([1, 1, 0, 0], [1, 0, 1, 0]), ([0, 0], [0, 0]), ([1, 1, 1], [1, 1, 1])] + random,
        describe: { "predicted \($0.0), actual \($0.1)" },
        expected: { BinaryMetrics(predicted: $0.0, actual: $0.1).f1 },
        attempt: { f.f1Score($0.0, $0.1) }, equal: { close($0, $1) },
        show: { String(format: "%.6f", $0) })
    },
    Exercise(
      id: "binary-cross-entropy", lesson: "bag-of-words", title: "Stable binary cross-entropy",
      task:
        "sigmoidCrossEntropy(logit, label): −[y log σ(z) + (1 − y) log(1 − σ(z))], finite even for z = ±100."
    ) {
      let cases: [(Double, Double)] = [
        (0, 1), (2, 0), (-3, 1), (100, 1), (-100, 1), (100, 0), (0.5, 0.3),
      ]
      return compare(
        cases: cases,
        describe: { "logit \($0.0), label \($0.1)" },
        expected: { (z: Double, y: Double) -> Double in
          let softplus: Double = Foundation.log1p(Foundation.exp(-Swift.abs(z)))
          return Swift.max(z, 0) - z * y + softplus
        },
        attempt: { f.sigmoidCrossEntropy($0.0, $0.1) }, equal: { close($0, $1) },
        show: { String(format: "%.6f", $0) })
    },
    // MARK: Lesson 2
    Exercise(
      id: "bigram-counts", lesson: "ngrams", title: "Bigram counts",
      task:
        "bigramCounts(sentences): counts[previous][next] over <s> w₁ … w_m </s> for every sentence."
    ) {
      var g = SplitMix64(seed: 3)
      let words = ["a", "b", "c"]
      let random = (0..<10).map { _ in
        (0..<(1 + g.index(3))).map { _ in (0..<g.index(5)).map { _ in words[g.index(3)] } }
      }
      return compare(
        cases: [[["the", "dog", "runs"]], [["a", "a"], ["a"]], [[]]] + random,
        describe: { "sentences \($0)" },
        expected: { sentences in
          var counts: [String: [String: Int]] = [:]
          for s in sentences {
            let padded = ["<s>"] + s + ["</s>"]
            for (p, n) in zip(padded, padded.dropFirst()) {
              counts[p, default: [:]][n, default: 0] += 1
            }
          }
          return counts
        },
        attempt: { f.bigramCounts($0) }, equal: ==, show: { "\($0.sorted { $0.key < $1.key })" })
    },
    Exercise(
      id: "add-k", lesson: "ngrams", title: "Add-k probability",
      task: "addKProbability(c, contextCount, k, V): (c + k) / (contextCount + k·V)."
    ) {
      let cases: [(Int, Int, Double, Int)] = [
        (0, 2, 1, 4), (1, 3, 1, 4), (5, 10, 0.01, 100), (0, 0, 0.5, 7),
      ]
      return compare(
        cases: cases,
        describe: { "c = \($0.0), c(h) = \($0.1), k = \($0.2), V = \($0.3)" },
        expected: { (c: Int, total: Int, k: Double, v: Int) -> Double in
          let numerator: Double = Double(c) + k
          let denominator: Double = Double(total) + k * Double(v)
          return numerator / denominator
        },
        attempt: { f.addKProbability($0.0, $0.1, $0.2, $0.3) }, equal: { close($0, $1) },
        show: { String(format: "%.8f", $0) })
    },
    Exercise(
      id: "perplexity", lesson: "ngrams", title: "Perplexity",
      task:
        "perplexity(probabilities): exp(−(1/N) Σ ln pᵢ) for the probabilities of the N predicted tokens."
    ) {
      var g = SplitMix64(seed: 4)
      let random = (0..<10).map { _ in
        (0..<(1 + g.index(20))).map { _ in 0.01 + 0.99 * g.nextUnit() }
      }
      return compare(
        cases: [[0.25, 0.25], [1.0 / 6, 1.0 / 5, 2.0 / 7], [1]] + random,
        describe: { "probabilities \($0)" },
        expected: { p in
          Foundation.exp(-p.map { Foundation.log($0) }.reduce(0, +) / Double(p.count))
        },
        attempt: { f.perplexity($0) }, equal: { close($0, $1) },
        show: { String(format: "%.6f", $0) })
    },
    // MARK: Lesson 3
    Exercise(
      id: "rnn-step", lesson: "rnn", title: "One RNN step",
      task:
        "rnnStep(x, h, W_ih, W_hh, b): tanh(W_ih·x + W_hh·h + b), weights given as rows [hidden][input]."
    ) {
      var cases: [([Float], [Float], [[Float]], [[Float]], [Float])] = []
      for seed in 0..<8 {
        let m: [[Float]] = randomMatrix(3, 4, seed: UInt64(10 + seed))
        let u: [[Float]] = randomMatrix(3, 3, seed: UInt64(20 + seed))
        let v: [Float] = randomMatrix(1, 3, seed: UInt64(30 + seed))[0]
        let x: [Float] = randomMatrix(1, 4, seed: UInt64(40 + seed))[0]
        let h: [Float] = randomMatrix(1, 3, seed: UInt64(50 + seed))[0]
        cases.append((x, h, m, u, v))
      }
      return compare(
        cases: cases, describe: { "x \(show($0.0)), h \(show($0.1))" },
        expected: {
          (x: [Float], h: [Float], wIH: [[Float]], wHH: [[Float]], b: [Float]) -> [Float] in
          let input: Tensor = matmul(Tensor([x]), Tensor(wIH).transposed())
          let recurrent: Tensor = matmul(Tensor([h]), Tensor(wHH).transposed())
          return (input + recurrent + Tensor(b, shape: [b.count])).tanh().scalars
        },
        attempt: { f.rnnStep($0.0, $0.1, $0.2, $0.3, $0.4) }, equal: { close($0, $1) }, show: show)
    },
    Exercise(
      id: "tanh-backward", lesson: "rnn", title: "The backward pass of tanh",
      task:
        "tanhBackward(y, g): ∂L/∂x for y = tanh(x) and upstream gradient g (checked by finite differences)."
    ) {
      let xs: [[Float]] = [[0, 0.5, -1], [2, -3, 0.1], randomMatrix(1, 6, seed: 5)[0]]
      return compare(
        cases: xs.map { x in (x, x.map { _ in Float(1) }) }
          + xs.map { x in (x, randomMatrix(1, x.count, seed: 6)[0]) },
        describe: { "x \(show($0.0)), g \(show($0.1))" },
        expected: { x, g in
          zip(x, g).map { x, g in
            let e = 1e-4
            let slope = (Foundation.tanh(Double(x) + e) - Foundation.tanh(Double(x) - e)) / (2 * e)
            return Float(slope) * g
          }
        },
        attempt: { x, g in f.tanhBackward(x.map { Float(Foundation.tanh(Double($0))) }, g) },
        equal: { close($0, $1, tolerance: 1e-4) }, show: show)
    },
    Exercise(
      id: "softmax-backward", lesson: "rnn", title: "The backward pass of softmax",
      task:
        "softmaxBackward(y, g): ∂L/∂x for y = softmax(x) and upstream gradient g (checked by finite differences)."
    ) {
      var cases: [([Float], [Float])] = [([1, 2, 3], [1, 0, 0]), ([0, 0], [1, -1])]
      for s in 0..<5 {
        let x: [Float] = randomMatrix(1, 5, seed: UInt64(60 + s))[0]
        let g: [Float] = randomMatrix(1, 5, seed: UInt64(70 + s))[0]
        cases.append((x, g))
      }
      return compare(
        cases: cases, describe: { "x \(show($0.0)), g \(show($0.1))" },
        expected: { x, g in
          func projected(_ x: [Double]) -> Double {
            let m = x.max()!
            let e = x.map { Foundation.exp($0 - m) }
            let s = e.reduce(0, +)
            return zip(e, g).map { $0 / s * Double($1) }.reduce(0, +)
          }
          let xd = x.map(Double.init)
          return xd.indices.map { i in
            var plus = xd
            var minus = xd
            plus[i] += 1e-5
            minus[i] -= 1e-5
            return Float((projected(plus) - projected(minus)) / 2e-5)
          }
        },
        attempt: { x, g in f.softmaxBackward(Tensor(x, shape: [x.count]).softmax().scalars, g) },
        equal: { close($0, $1, tolerance: 1e-3) }, show: show)
    },
    // MARK: Lesson 4
    Exercise(
      id: "attention", lesson: "attention", title: "Scaled dot-product attention with a mask",
      task:
        "attention(Q, K, V, causal): softmax(Q·Kᵀ/√d, hiding later keys when causal) · V, as rows."
    ) {
      var cases: [([[Float]], [[Float]], [[Float]], Bool)] = []
      for s in 0..<6 {
        let q: [[Float]] = randomMatrix(4, 3, seed: UInt64(80 + s))
        let k: [[Float]] = randomMatrix(4, 3, seed: UInt64(90 + s))
        let v: [[Float]] = randomMatrix(4, 2, seed: UInt64(100 + s))
        cases.append((q, k, v, s % 2 == 1))
      }
      return compare(
        cases: cases, describe: { "Q \($0.0), causal \($0.3)" },
        expected: { q, k, v, causal in
          let (out, _) = scaledDotProductAttention(
            query: Tensor(q), key: Tensor(k), value: Tensor(v),
            mask: causal ? Tensor.causalMask(q.count) : nil)
          return out.scalars
        },
        attempt: { f.attention($0.0, $0.1, $0.2, $0.3)?.flatMap { $0 } },
        equal: { close($0, $1) }, show: show)
    },
    Exercise(
      id: "causal-mask", lesson: "attention", title: "The causal mask",
      task: "causalMask(n): n × n, true where query r must not see key c (c > r)."
    ) {
      compare(
        cases: [1, 2, 3, 5], describe: { "n = \($0)" },
        expected: { n in (0..<n).map { r in (0..<n).map { c in c > r } } },
        attempt: { f.causalMask($0) }, equal: ==, show: { "\($0)" })
    },
    Exercise(
      id: "sinusoidal", lesson: "attention", title: "Sinusoidal position code",
      task:
        "sinusoidalCode(p, d): [sin(p/10000^(0/d)), cos(p/10000^(0/d)), sin(p/10000^(2/d)), …], d values."
    ) {
      let table = SinusoidalPositionalEncoding(maxLength: 20, dimension: 8).codes(20)
      return compare(
        cases: [0, 1, 7, 19], describe: { "position \($0), dimension 8" },
        expected: { p in table.selected(axis: 0, index: p).scalars },
        attempt: { f.sinusoidalCode($0, 8) }, equal: { close($0, $1) }, show: show)
    },
    // MARK: Lesson 5
    Exercise(
      id: "span-masking", lesson: "denoising", title: "Span masking",
      task:
        "spanMask(tokens, spans): replace each (start, length) span, in order and not overlapping, by one [MASK]."
    ) {
      let tokens = ["the", "puppies", "are", "playing", "outside", "the", "house", "."]
      let cases: [[(start: Int, length: Int)]] = [
        [(1, 1)], [(3, 2), (6, 1)], [], [(0, 8)], [(2, 3)],
      ]
      return compare(
        cases: cases, describe: { "spans \($0.map { "(\($0.start), \($0.length))" })" },
        expected: { spans in
          var result: [String] = []
          var i = 0
          for span in spans {
            result += tokens[i..<span.start]
            result.append(Vocabulary.mask)
            i = span.start + span.length
          }
          return result + tokens[i...]
        },
        attempt: { f.spanMask(tokens, $0) }, equal: ==, show: { $0.joined(separator: " ") })
    },
    Exercise(
      id: "sequence-loss", lesson: "denoising", title: "Sequence loss",
      task:
        "sequenceLoss(p): −Σ ln pₜ, the loss of a sequence from the probabilities of its tokens."
    ) {
      compare(
        cases: [[0.5, 0.5], [0.9, 0.1, 0.99], [1]], describe: { "probabilities \($0)" },
        expected: { -$0.map { Foundation.log($0) }.reduce(0, +) },
        attempt: { f.sequenceLoss($0) }, equal: { close($0, $1) },
        show: { String(format: "%.6f", $0) })
    },
    Exercise(
      id: "rotation", lesson: "denoising", title: "Document rotation",
      task: "rotate(tokens, start): the document starting at index start, wrapping around."
    ) {
      let tokens = ["a", "b", "c", "d", "e"]
      return compare(
        cases: [0, 1, 4, 2], describe: { "start \($0)" },
        expected: { Array(tokens[$0...] + tokens[..<$0]) },
        attempt: { f.rotate(tokens, $0) }, equal: ==, show: { $0.joined(separator: " ") })
    },
    // MARK: Lesson 6
    Exercise(
      id: "embedding-parameters", lesson: "albert", title: "Embedding parameters",
      task:
        "embeddingParameters(V, E, H): V·H when E = H; V·E + E·H + H (the projection's bias) when E < H."
    ) {
      let cases: [(Int, Int, Int)] = [
        (30_000, 768, 768), (30_000, 128, 768), (30_000, 128, 4096), (10, 2, 3),
      ]
      return compare(
        cases: cases,
        describe: { "V = \($0.0), E = \($0.1), H = \($0.2)" },
        expected: { (v: Int, e: Int, h: Int) -> Int in e == h ? v * h : v * e + e * h + h },
        attempt: { f.embeddingParameters($0.0, $0.1, $0.2) }, equal: ==, show: { "\($0)" })
    },
    Exercise(
      id: "layer-parameters", lesson: "albert", title: "Transformer layer parameters",
      task:
        "layerParameters(H, F): attention 4(H² + H), feed-forward (H·F + F) + (F·H + H), two layer norms 4H."
    ) {
      compare(
        cases: [(768, 3072), (1024, 4096), (4, 8)], describe: { "H = \($0.0), F = \($0.1)" },
        expected: { h, f in
          withMetaTensors {
            var g = SplitMix64(seed: 0)
            return TransformerEncoderLayer(dimension: h, heads: 1, feedForwardSize: f, using: &g)
              .parameterCount
          }
        },
        attempt: { f.layerParameters($0.0, $0.1) }, equal: ==, show: { "\($0)" })
    },
    Exercise(
      id: "layerwise-rates", lesson: "albert", title: "Layer-wise learning rates",
      task:
        "layerwiseRates(base, decay, n): the rate of layers 0 … n−1 (0 nearest the input), the top one at base."
    ) {
      let cases: [(Double, Double, Int)] = [(1e-3, 0.5, 3), (2e-4, 0.9, 6), (0.1, 1, 2)]
      return compare(
        cases: cases, describe: { "base \($0.0), decay \($0.1), n = \($0.2)" },
        expected: { (base: Double, decay: Double, n: Int) -> [Double] in
          (0..<n).map { i -> Double in base * Foundation.pow(decay, Double(n - 1 - i)) }
        },
        attempt: { f.layerwiseRates($0.0, $0.1, $0.2) },
        equal: { (a: [Double], b: [Double]) -> Bool in
          a.count == b.count && zip(a, b).allSatisfy { close($0, $1, tolerance: 1e-9) }
        },
        show: { "\($0)" })
    },
    Exercise(
      id: "sentence-order", lesson: "albert", title: "A sentence-order example",
      task:
        "sentenceOrderExample(A, B, swapped): [CLS] A [SEP] B [SEP] (B first when swapped), segment 0 through the first [SEP], label 1 in order, 0 swapped."
    ) {
      typealias Example = (tokens: [String], segments: [Int], label: Int)
      let a = ["the", "girl", "found", "the", "puppy", "."]
      let b = ["the", "girl", "fed", "the", "puppy", "."]
      let short = ["rain", "."]
      let cases: [([String], [String], Bool)] = [(a, b, false), (a, b, true), (short, a, true)]
      return compare(
        cases: cases,
        describe: {
          "A = \($0.0.joined(separator: " ")), B = \($0.1.joined(separator: " ")), swapped \($0.2)"
        },
        expected: { (first: [String], second: [String], swapped: Bool) -> Example in
          let (x, y) = swapped ? (second, first) : (first, second)
          return (
            ["[CLS]"] + x + ["[SEP]"] + y + ["[SEP]"],
            Array(repeating: 0, count: x.count + 2) + Array(repeating: 1, count: y.count + 1),
            swapped ? 0 : 1
          )
        },
        attempt: { f.sentenceOrderExample($0.0, $0.1, $0.2) },
        equal: { (p: Example, q: Example) -> Bool in
          p.tokens == q.tokens && p.segments == q.segments && p.label == q.label
        },
        show: {
          "\($0.tokens.joined(separator: " ")) / segments \($0.segments.map(String.init).joined()) / label \($0.label)"
        })
    },
  ]
}
