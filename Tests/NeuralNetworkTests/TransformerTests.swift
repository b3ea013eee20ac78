import Foundation
import Testing

@testable import NeuralNetwork
@testable import TensorCore

struct AttentionTests {
  @Test func scaledDotProductAttentionByHand() {
    // Two keys; the query matches the first. Scores: [2, 0] / √2 → softmax → weights.
    let q = Tensor([[1, 1]])
    let k = Tensor([[1, 1], [-1, 1]])
    let v = Tensor([[10, 0], [0, 10]])
    let (out, w) = scaledDotProductAttention(query: q, key: k, value: v)
    let e = Float(Foundation.exp(2 / 2.0.squareRoot()))
    let w0 = e / (e + 1)
    #expect(Swift.abs(w[0, 0] - w0) < 1e-6)
    #expect(Swift.abs(out[0, 0] - 10 * w0) < 1e-5)
    #expect(Swift.abs(out[0, 1] - 10 * (1 - w0)) < 1e-5)
  }

  @Test func causalMaskHidesTheFuture() {
    #expect(Tensor.causalMask(3).scalars == [0, 1, 1, 0, 0, 1, 0, 0, 0])
    var g = SplitMix64(seed: 20)
    let attention = MultiHeadAttention(8, heads: 2, using: &g)
    let (out, w) = attention(randomTensor([2, 4, 8], seed: 21), causal: true)
    #expect(out.shape == [2, 4, 8])
    #expect(w.shape == [2, 2, 4, 4])
    for b in 0..<2 {
      for h in 0..<2 {
        for r in 0..<4 {
          var total: Float = 0
          for c in 0..<4 {
            total += w[b, h, r, c]
            if c > r { #expect(w[b, h, r, c] == 0) }
          }
          #expect(Swift.abs(total - 1) < 1e-6)
        }
      }
    }
  }

  @Test func paddingMaskHidesPaddedKeys() {
    var g = SplitMix64(seed: 22)
    let attention = MultiHeadAttention(4, heads: 1, using: &g)
    let padding = Tensor([[0, 0, 1], [0, 1, 1]])
    let (_, w) = attention(randomTensor([2, 3, 4], seed: 23), keyPaddingMask: padding)
    for r in 0..<3 {
      #expect(w[0, 0, r, 2] == 0)
      #expect(w[1, 0, r, 1] == 0 && w[1, 0, r, 2] == 0)
      #expect(Swift.abs(w[1, 0, r, 0] - 1) < 1e-6)
    }
  }

  @Test func oneHeadEqualsTheProjectedScaledDotProduct() {
    var g = SplitMix64(seed: 24)
    let attention = MultiHeadAttention(4, heads: 1, using: &g)
    let x = randomTensor([1, 3, 4], seed: 25)
    let (out, _) = attention(x)
    let (reference, _) = scaledDotProductAttention(
      query: attention.query(x), key: attention.key(x), value: attention.value(x))
    let expected = attention.output(reference)
    for (a, b) in zip(out.scalars, expected.scalars) { #expect(Swift.abs(a - b) < 1e-6) }
  }

  @Test func multiHeadGradients() {
    var g = SplitMix64(seed: 26)
    let attention = MultiHeadAttention(4, heads: 2, using: &g)
    let x = randomTensor([2, 3, 4], seed: 27)
    let memory = randomTensor([2, 5, 4], seed: 28)
    let check = GradientCheck.check(attention.parameters() + [x, memory]) {
      attention(x, memory, keyPaddingMask: Tensor([[0, 0, 0, 0, 1], [0, 0, 1, 1, 1]])).output
    }
    #expect(check.passed(tolerance: gradientTolerance), "\(check)")
  }
}

struct TransformerLayerTests {
  @Test func bertBaseLayerHasExactlyItsPublishedParameterCount() {
    // Attention: 4 · (768² + 768); feed-forward: 768·3072 + 3072 + 3072·768 + 768;
    // two layer norms: 2 · 2 · 768. Total 7,087,872.
    let layer = withMetaTensors {
      var g = SplitMix64(seed: 0)
      return TransformerEncoderLayer(
        dimension: 768, heads: 12, feedForwardSize: 3072, using: &g)
    }
    #expect(layer.parameterCount == 7_087_872)
    let attention: Int = 4 * (768 * 768 + 768)
    let feedForward: Int = (768 * 3072 + 3072) + (3072 * 768 + 768)
    let norms: Int = 2 * 2 * 768
    #expect(attention + feedForward + norms == 7_087_872)
  }

  @Test func encoderLayerNamesFollowTheDottedScheme() {
    var g = SplitMix64(seed: 29)
    let layer = TransformerEncoderLayer(dimension: 4, heads: 2, feedForwardSize: 8, using: &g)
    let names = layer.namedParameters().map { $0.name }
    #expect(names.first == "attention.query.weight")
    #expect(names.contains("feedForward.linear2.bias"))
    #expect(names.contains("norm2.weight"))
    #expect(names.count == 16)
  }

  @Test func encoderLayerGradients() {
    var g = SplitMix64(seed: 30)
    let layer = TransformerEncoderLayer(dimension: 4, heads: 2, feedForwardSize: 6, using: &g)
    let x = randomTensor([2, 3, 4], seed: 31)
    let check = GradientCheck.check(layer.parameters() + [x]) {
      layer(x, keyPaddingMask: Tensor([[0, 0, 1], [0, 0, 0]]))
    }
    #expect(check.passed(tolerance: gradientTolerance), "\(check)")
    #expect(layer.lastAttentionWeights?.shape == [2, 2, 3, 3])
  }

  @Test func decoderLayerGradientsAndCausality() {
    var g = SplitMix64(seed: 32)
    let layer = TransformerDecoderLayer(dimension: 4, heads: 2, feedForwardSize: 6, using: &g)
    let y = randomTensor([1, 3, 4], seed: 33)
    let memory = randomTensor([1, 2, 4], seed: 34)
    let check = GradientCheck.check(layer.parameters() + [y, memory]) { layer(y, memory: memory) }
    #expect(check.passed(tolerance: gradientTolerance), "\(check)")
    // Changing the last target position must not change the outputs before it.
    let before = layer(y, memory: memory).scalars
    let changed = y.detached()
    changed[0, 2, 0] += 5
    let after = layer(changed, memory: memory).scalars
    #expect(Array(before[0..<8]) == Array(after[0..<8]))
    #expect(before[8..<12] != after[8..<12])
  }

  @Test func positionalEncodings() {
    let sinusoidal = SinusoidalPositionalEncoding(maxLength: 10, dimension: 4)
    #expect(sinusoidal.parameterCount == 0)
    let codes = sinusoidal.codes(3)
    // Position 1: sin(1), cos(1), sin(1/100), cos(1/100).
    #expect(Swift.abs(codes[1, 0] - Float(Foundation.sin(1.0))) < 1e-6)
    #expect(Swift.abs(codes[1, 3] - Float(Foundation.cos(0.01))) < 1e-6)
    #expect(codes[0, 0] == 0 && codes[0, 1] == 1)
    var g = SplitMix64(seed: 35)
    let learned = LearnedPositionalEncoding(maxLength: 10, dimension: 4, using: &g)
    let x = Tensor.zeros([2, 3, 4])
    #expect(learned(x).selected(axis: 0, index: 1).scalars == Array(learned.weight.scalars[0..<12]))
  }
}
