import Testing

@testable import TensorCore

@Test(arguments: [
  ([2, 3], [3], [2, 3]),
  ([2, 1, 3], [4, 1], [2, 4, 3]),
  ([], [5], [5]),
  ([1], [], [1]),
  ([3, 1], [1, 4], [3, 4]),
  ([0, 3], [3], [0, 3]),
])
func broadcastShapes(_ a: [Int], _ b: [Int], _ expected: [Int]) {
  #expect(Shape.broadcast(a, b) == expected)
  #expect(Shape.broadcast(b, a) == expected)
  #expect(Shape.broadcastDiagnosis("add", a, b) == nil)
}

@Test func broadcastMismatchNamesTheOpTheShapesAndTheAxis() {
  #expect(
    Shape.broadcastDiagnosis("add", [2, 3], [4])
      == "add: shapes [2, 3] and [4] do not broadcast: sizes 3 and 4 differ at axis -1 "
      + "and neither is 1")
  #expect(
    Shape.broadcastDiagnosis("mul", [2, 3, 4], [5, 4])
      == "mul: shapes [2, 3, 4] and [5, 4] do not broadcast: sizes 3 and 5 differ at axis -2 "
      + "and neither is 1")
}

@Test func matmulMismatchMessages() {
  #expect(
    MatMul.diagnosis([2, 3], [4, 5])
      == "matmul: [2, 3] @ [4, 5]: inner dimensions 3 and 4 differ")
  #expect(
    MatMul.diagnosis([3], [3, 2])
      == "matmul: [3] @ [3, 2]: both operands need at least 2 axes (reshape a vector to "
      + "[1, n] or [n, 1])")
  #expect(
    MatMul.diagnosis([2, 3, 4], [5, 4, 2])
      == "matmul: [2, 3, 4] @ [5, 4, 2]: batch shapes [2] and [5] do not broadcast")
  #expect(
    MatMul.diagnosis([2, 3], [2, 3], transposeB: true) == nil)
  #expect(
    MatMul.diagnosis([2, 3], [2, 4], transposeB: true)
      == "matmul: [2, 3] @ [2, 4]ᵀ: inner dimensions 3 and 4 differ")
}

@Test func reshapeResolvesMinusOne() throws {
  #expect(try Shape.resolve([-1, 4], count: 12).get() == [3, 4])
  #expect(try Shape.resolve([2, -1, 3], count: 12).get() == [2, 2, 3])
  #expect((try? Shape.resolve([-1, 5], count: 12).get()) == nil)
  #expect((try? Shape.resolve([-1, -1], count: 12).get()) == nil)
}

@Test func stridesAreRowMajor() {
  #expect(Shape.strides([2, 3, 4]) == [12, 4, 1])
  #expect(Shape.strides([]) == [])
  #expect(Shape.broadcastStrides([3, 1], to: [2, 3, 4]) == [0, 1, 0])
}
