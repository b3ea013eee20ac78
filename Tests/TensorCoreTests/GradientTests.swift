import Testing

@testable import TensorCore

/// Where a gradient case draws its inputs from, to stay away from points where the
/// function has no derivative (the kink of `relu` at 0) or no value (`log` of a negative).
enum Domain: Sendable {
  case any, positive, awayFromZero
}

/// One differentiable function, checked against finite differences.
struct GradientCase: CustomTestStringConvertible, @unchecked Sendable {
  let name: String
  let shapes: [[Int]]
  let domain: Domain
  let function: ([Tensor]) -> Tensor
  var testDescription: String { name }

  init(
    _ name: String, _ shapes: [[Int]], _ domain: Domain = .any,
    _ function: @escaping ([Tensor]) -> Tensor
  ) {
    self.name = name
    self.shapes = shapes
    self.domain = domain
    self.function = function
  }

  func inputs(seed: UInt64) -> [Tensor] {
    var generator = SplitMix64(seed: seed)
    return shapes.map { shape in
      let t = Tensor.uniform(shape, low: -1, high: 1, using: &generator)
      t.withUnsafeMutableBufferPointer { values in
        for i in values.indices {
          switch domain {
          case .any: break
          case .positive: values[i] = 0.5 + Swift.abs(values[i]) * 1.5
          case .awayFromZero: values[i] += values[i] >= 0 ? 0.1 : -0.1
          }
        }
      }
      return t
    }
  }
}

/// The tolerance on `GradientCheck.Result.maxError`. Central differences with ε = 1e-3 in
/// `Float` have a rounding error of about (Float's 6e-8 relative rounding × the size of
/// the projected output, a few units) / ε ≈ 1e-4 to 1e-3; truncation error (ε² × the
/// third derivative) is far smaller. A wrong backward — a missing factor, a transposed
/// product, a dropped broadcast sum — gives errors of order 0.1 to 1.
let gradientTolerance = 5e-3

let gradientCases: [GradientCase] = [
  GradientCase("add", [[2, 3], [2, 3]]) { $0[0] + $0[1] },
  GradientCase("add broadcasting a row", [[4, 3], [3]]) { $0[0] + $0[1] },
  GradientCase("add broadcasting a column", [[2, 1, 3], [4, 1]]) { $0[0] + $0[1] },
  GradientCase("add a scalar tensor", [[2, 3], []]) { $0[0] + $0[1] },
  GradientCase("sub", [[2, 3], [2, 3]]) { $0[0] - $0[1] },
  GradientCase("sub broadcasting", [[3, 1], [1, 4]]) { $0[0] - $0[1] },
  GradientCase("mul", [[2, 3], [2, 3]]) { $0[0] * $0[1] },
  GradientCase("mul broadcasting", [[2, 3, 4], [3, 1]]) { $0[0] * $0[1] },
  GradientCase("div", [[2, 3], [2, 3]], .positive) { $0[0] / $0[1] },
  GradientCase("div broadcasting", [[3, 4], [4]], .positive) { $0[0] / $0[1] },
  GradientCase("neg", [[5]]) { -$0[0] },
  GradientCase("scalar arithmetic", [[2, 2]]) { (2 - $0[0]) * 3 + 1 / ($0[0] + 4) },
  GradientCase("pow 3", [[2, 3]]) { $0[0].pow(3) },
  GradientCase("pow 0.5", [[4]], .positive) { $0[0].pow(0.5) },
  GradientCase("squared", [[2, 3]]) { $0[0].squared() },
  GradientCase("exp", [[2, 3]]) { $0[0].exp() },
  GradientCase("log", [[2, 3]], .positive) { $0[0].log() },
  GradientCase("sqrt", [[2, 3]], .positive) { $0[0].sqrt() },
  GradientCase("abs", [[2, 3]], .awayFromZero) { $0[0].abs() },
  GradientCase("clamp", [[6]], .awayFromZero) { $0[0].clamped(min: -0.05, max: 0.05) },
  GradientCase("tanh", [[2, 3]]) { $0[0].tanh() },
  GradientCase("sigmoid", [[2, 3]]) { ($0[0] * 4).sigmoid() },
  GradientCase("relu", [[2, 3]], .awayFromZero) { $0[0].relu() },
  GradientCase("gelu", [[2, 5]]) { ($0[0] * 3).gelu() },
  GradientCase("sum all", [[2, 3]]) { $0[0].sum() },
  GradientCase("sum axis 0", [[2, 3]]) { $0[0].sum(axis: 0) },
  GradientCase("sum axis -1 keepDims", [[2, 3, 4]]) { $0[0].sum(axis: -1, keepDims: true) },
  GradientCase("sum axes", [[2, 3, 4]]) { $0[0].sum(axes: [0, 2]) },
  GradientCase("mean all", [[3, 4]]) { $0[0].mean() },
  GradientCase("mean axis 1", [[2, 3, 4]]) { $0[0].mean(axis: 1) },
  GradientCase("max axis 1", [[3, 4]]) { $0[0].max(axis: 1) },
  GradientCase("min axis 0 keepDims", [[3, 4]]) { $0[0].min(axis: 0, keepDims: true) },
  GradientCase("matmul 2-D", [[3, 4], [4, 5]]) { matmul($0[0], $0[1]) },
  GradientCase("matmul batched", [[2, 3, 4], [2, 4, 5]]) { matmul($0[0], $0[1]) },
  GradientCase("matmul batch × matrix", [[2, 3, 4], [4, 5]]) { matmul($0[0], $0[1]) },
  GradientCase("matmul broadcast batch", [[2, 1, 3, 4], [3, 4, 2]]) { matmul($0[0], $0[1]) },
  GradientCase("matmul transposeB", [[2, 3, 4], [2, 5, 4]]) {
    matmul($0[0], $0[1], transposeB: true)
  },
  GradientCase("matmul transposeA", [[2, 4, 3], [2, 4, 5]]) {
    matmul($0[0], $0[1], transposeA: true)
  },
  GradientCase("matmul both transposed", [[4, 3], [5, 4]]) {
    matmul($0[0], $0[1], transposeA: true, transposeB: true)
  },
  GradientCase("matmul transposeB, shared matrix", [[2, 3, 4], [5, 4]]) {
    matmul($0[0], $0[1], transposeB: true)
  },
  GradientCase("reshape", [[2, 6]]) { $0[0].reshaped([3, -1]) * $0[0].reshaped([3, 4]) },
  GradientCase("permute", [[2, 3, 4]]) { $0[0].permuted([2, 0, 1]) },
  GradientCase("transpose", [[3, 4]]) { $0[0].transposed() },
  GradientCase("expand", [[3, 1]]) { $0[0].expanded(to: [2, 3, 4]) },
  GradientCase("concat", [[2, 3], [2, 2]]) { Tensor.concat([$0[0], $0[1]], axis: 1) },
  GradientCase("stack", [[2, 3], [2, 3]]) { Tensor.stack([$0[0], $0[1]], axis: 1) },
  GradientCase("split", [[4, 3]]) {
    let parts = $0[0].split(sizes: [1, 3], axis: 0)
    return parts[1] * parts[0]
  },
  GradientCase("narrow", [[3, 5]]) { $0[0].narrowed(axis: 1, start: 1, length: 3) },
  GradientCase("select", [[3, 4, 2]]) { $0[0].selected(axis: 1, index: 2) },
  GradientCase("indexSelect with repeats", [[4, 3]]) {
    $0[0].indexSelect(axis: 0, indices: [2, 0, 2, 3])
  },
  GradientCase("indexSelect axis 1", [[2, 4, 3]]) {
    $0[0].indexSelect(axis: 1, indices: [3, 3, 1])
  },
  GradientCase("gather", [[2, 4]]) { $0[0].gather(axis: 1, indices: [3, 0, 1, 1]) },
  GradientCase("scatterAdd", [[4, 2], [3, 2]]) {
    $0[0].scatterAdd(axis: 0, indices: [1, 3, 1], source: $0[1])
  },
  GradientCase("maskedFill", [[2, 3]]) {
    $0[0].maskedFill(Tensor([0, 1, 0], shape: [3]), -5)
  },
  GradientCase("maskedSoftmax", [[2, 3, 4]]) {
    $0[0].maskedSoftmax(
      scale: 0.5, mask: Tensor([0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0], shape: [3, 4]))
  },
  GradientCase("maskedSoftmax without a mask", [[3, 5]]) {
    $0[0].maskedSoftmax(scale: 1.5, mask: nil)
  },
  GradientCase("where", [[2, 3], [3]]) {
    Tensor.where(Tensor([1, 0, 1, 0, 0, 1], shape: [2, 3]), $0[0], $0[1])
  },
  GradientCase("linear", [[2, 3, 4], [5, 4], [5]]) {
    Tensor.linear($0[0], weight: $0[1], bias: $0[2])
  },
  GradientCase("linear without bias", [[3, 4], [2, 4]]) {
    Tensor.linear($0[0], weight: $0[1], bias: nil)
  },
  GradientCase("softmax last axis", [[3, 5]]) { $0[0].softmax() },
  GradientCase("softmax axis 0", [[3, 2, 2]]) { ($0[0] * 3).softmax(axis: 0) },
  GradientCase("logSoftmax", [[3, 5]]) { ($0[0] * 3).logSoftmax() },
  GradientCase("logSoftmax axis 1", [[2, 3, 2]]) { $0[0].logSoftmax(axis: 1) },
  GradientCase("crossEntropy mean", [[4, 5]]) {
    Tensor.crossEntropy($0[0] * 3, targets: [1, 0, 4, 2])
  },
  GradientCase("crossEntropy ignore index, sum", [[2, 2, 3]]) {
    Tensor.crossEntropy($0[0], targets: [2, -100, 0, 1], ignoreIndex: -100, reduction: .sum)
  },
  GradientCase("crossEntropy none", [[3, 4]]) {
    Tensor.crossEntropy($0[0], targets: [3, 3, 0], reduction: .none)
  },
  GradientCase("mseLoss", [[2, 3], [2, 3]]) { Tensor.mseLoss($0[0], $0[1]) },
  GradientCase("binaryCrossEntropyWithLogits", [[2, 3], [2, 3]], .positive) {
    Tensor.binaryCrossEntropyWithLogits(($0[0] - 1.2) * 4, $0[1] - 0.5)
  },
  GradientCase("binaryCrossEntropyWithLogits none", [[5], [5]], .positive) {
    Tensor.binaryCrossEntropyWithLogits($0[0] - 1, $0[1] * 0.4, reduction: .none)
  },
  GradientCase("layerNorm", [[3, 5], [5], [5]]) {
    $0[0].layerNorm(weight: $0[1], bias: $0[2])
  },
  GradientCase("dropout (fixed mask)", [[4, 5]]) {
    var generator = SplitMix64(seed: 3)
    return $0[0].dropout(p: 0.4, training: true, using: &generator)
  },
  GradientCase("a tensor used twice", [[3]]) { $0[0] * $0[0].tanh() + $0[0] },
  GradientCase("a small network", [[2, 3], [3, 4], [4], [4, 2]]) {
    matmul((matmul($0[0], $0[1]) + $0[2]).tanh(), $0[3]).softmax()
  },
]

@Test(arguments: gradientCases)
func gradientMatchesFiniteDifferences(_ testCase: GradientCase) {
  let inputs = testCase.inputs(seed: 42)
  let result = GradientCheck.check(inputs) { testCase.function(inputs) }
  #expect(result.passed(tolerance: gradientTolerance), "\(testCase.name): \(result)")
}

@Test func gradientCheckCatchesAWrongBackward() {
  // A deliberately wrong op: forward x², backward claims 3x. The checker must notice.
  let x = Tensor([0.5, -1, 2], shape: [3])
  let result = GradientCheck.check([x]) {
    let out = Tensor(uninitializedShape: x.shape)
    for i in 0..<x.count { out.pointer[i] = x.pointer[i] * x.pointer[i] }
    return out.recorded("wrongSquare", [x]) { g, _ in [g * x * 3] }
  }
  #expect(!result.passed(tolerance: gradientTolerance))
  #expect(result.maxError > 0.1)
}

@Test func fusedGRUCellGradients() {
  let inputs = GradientCase("gruCell", [[2, 9], [2, 3], [9, 3], [9]]) {
    Tensor.gruCell(inputGates: $0[0], hidden: $0[1], weight: $0[2], bias: $0[3])
  }.inputs(seed: 7)
  let result = GradientCheck.check(inputs) {
    Tensor.gruCell(inputGates: inputs[0], hidden: inputs[1], weight: inputs[2], bias: inputs[3])
  }
  #expect(result.passed(tolerance: gradientTolerance), "\(result)")
}

@Test func fusedRNNCellGradients() {
  let inputs = GradientCase("rnnCell", [[2, 3], [2, 3], [3, 3], [3]]) { _ in Tensor(0) }
    .inputs(seed: 8)
  let result = GradientCheck.check(inputs) {
    Tensor.rnnCell(input: inputs[0], hidden: inputs[1], weight: inputs[2], bias: inputs[3])
  }
  #expect(result.passed(tolerance: gradientTolerance), "\(result)")
}
