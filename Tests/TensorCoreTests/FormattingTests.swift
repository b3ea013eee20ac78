import Testing

@testable import TensorCore

struct FormattingTests {
  @Test func matrixColumnsAlign() {
    let t = Tensor([[0.5, -1.25, 3], [10, 0, -0.125]])
    #expect(
      t.description == """
        tensor([[ 0.5000, -1.2500,  3.0000],
                [10.0000,  0.0000, -0.1250]]), shape [2, 3]
        """)
  }

  @Test func scalarAndVector() {
    #expect(Tensor(2.5).description == "tensor(2.5000), shape []")
    #expect(Tensor([1, 2], shape: [2]).description == "tensor([1.0000, 2.0000]), shape [2]")
    #expect(Tensor([], shape: [0]).description == "tensor([]), shape [0]")
  }

  @Test func longAxesAreElided() {
    let t = Tensor((0..<10).map(Float.init), shape: [10])
    #expect(
      t.description
        == "tensor([0.0000, 1.0000, 2.0000,      …, 7.0000, 8.0000, 9.0000]), shape [10]")
    #expect(
      t.formatted(TensorFormat(precision: 1, edgeItems: 2, ascii: true))
        == "tensor([0.0, 1.0, ..., 8.0, 9.0]), shape [10]")
  }

  @Test func elidedRowsOfAMatrix() {
    let t = Tensor((0..<16).map(Float.init), shape: [8, 2])
    let text = t.formatted(TensorFormat(precision: 0, edgeItems: 1))
    #expect(
      text == """
        tensor([[ 0,  1],
                …,
                [14, 15]]), shape [8, 2]
        """)
  }

  @Test func threeAxesSeparateBlocksWithABlankLine() {
    let t = Tensor((0..<8).map(Float.init), shape: [2, 2, 2])
    #expect(
      t.formatted(TensorFormat(precision: 0)) == """
        tensor([[[0, 1],
                 [2, 3]],

                [[4, 5],
                 [6, 7]]]), shape [2, 2, 2]
        """)
  }

  @Test func scientificNotationForWideRanges() {
    let t = Tensor([1e-6, 2e6], shape: [2])
    #expect(t.formatted(TensorFormat(precision: 2)) == "tensor([1.00e-06, 2.00e+06]), shape [2]")
    let special = Tensor([Float.nan, .infinity, -1], shape: [3])
    #expect(special.description == "tensor([    nan,     inf, -1.0000]), shape [3]")
  }

  @Test func metaTensorsPrintTheirShape() {
    let t = withMetaTensors { Tensor.zeros([3, 4]) }
    #expect(t.description == "tensor(<meta>), shape [3, 4]")
  }
}
