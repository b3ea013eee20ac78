import Testing

@testable import TensorCore

/// Layer norm sums several rows at once, one row per vector lane. These tests hold it to the
/// bits of the plain definition, one row at a time with every sum in element order, for row
/// counts that leave every size of last group, on one thread and on two.
struct LayerNormTests {
  /// Layer norm forward and backward written out one row at a time: `y`, then the gradients
  /// of `Σ y ⊙ upstream` for the input, the weight and the bias.
  static func reference(
    _ x: [Float], _ w: [Float], _ b: [Float], _ upstream: [Float], d: Int,
    reorder: Bool = false
  ) -> [[Float]] {
    let rows = x.count / d
    var (y, xHat, inverse) = ([Float](), [Float](), [Float]())
    // The sum of `d` terms in element order, or (for the control) its two halves apart.
    func sum(_ term: (Int) -> Float) -> Float {
      var (first, second): (Float, Float) = (0, 0)
      for i in 0..<d {
        if reorder && i >= d / 2 { second += term(i) } else { first += term(i) }
      }
      return reorder ? first + second : first
    }
    for r in 0..<rows {
      let row = Array(x[r * d..<(r + 1) * d])
      let mean = sum { row[$0] } / Float(d)
      let variance = sum { (row[$0] - mean) * (row[$0] - mean) } / Float(d)
      let inv = 1 / (variance + 1e-5).squareRoot()
      inverse.append(inv)
      for i in 0..<d {
        xHat.append((row[i] - mean) * inv)
        y.append(xHat[r * d + i] * w[i] + b[i])
      }
    }
    var (dx, dw, db) = ([Float](), [Float](repeating: 0, count: d), [Float](repeating: 0, count: d))
    for r in 0..<rows {
      let g = Array(upstream[r * d..<(r + 1) * d])
      let h = Array(xHat[r * d..<(r + 1) * d])
      let meanG = sum { g[$0] * w[$0] } / Float(d)
      let meanGX = sum { g[$0] * w[$0] * h[$0] } / Float(d)
      for i in 0..<d { dx.append(inverse[r] * (g[i] * w[i] - meanG - h[i] * meanGX)) }
    }
    for r in 0..<rows {
      for i in 0..<d {
        dw[i] += upstream[r * d + i] * xHat[r * d + i]
        db[i] += upstream[r * d + i]
      }
    }
    return [y, dx, dw, db]
  }

  /// The library's layer norm on `[rows, d]` with `threads` threads, and the reference, as
  /// `[y, dx, dw, db]` each.
  static func compare(rows: Int, d: Int, threads: Int, seed: UInt64) -> (
    library: [[Float]], reference: [[Float]], inputs: [[Float]]
  ) {
    let saved = Parallelism.threads
    defer { Parallelism.threads = saved }
    Parallelism.threads = threads
    var g = SplitMix64(seed: seed)
    let x = Tensor.uniform([rows, d], low: -3, high: 3, requiresGrad: true, using: &g)
    // Rows the lanes must keep apart: a constant row (variance 0) and a row far from zero.
    for i in 0..<d {
      x.pointer[i] = 0.75
      if rows > 5 { x.pointer[5 * d + i] += 1000 }
    }
    let weight = Tensor.uniform([d], low: 0.5, high: 1.5, requiresGrad: true, using: &g)
    let bias = Tensor.uniform([d], low: -0.5, high: 0.5, requiresGrad: true, using: &g)
    let upstream = Tensor.uniform([rows, d], low: -1, high: 1, using: &g)
    let y = x.layerNorm(weight: weight, bias: bias)
    // Buffers freed since the forward pass are handed out again and filled: a backward pass
    // that read one of them through a stale pointer would see ones.
    let filler = (0..<8).map { _ in Tensor.ones([rows, d]) }
    (y * upstream).sum().backward()
    #expect(filler.count == 8)
    let library = [y, x.grad!, weight.grad!, bias.grad!].map(\.scalars)
    let inputs = [x, weight, bias, upstream].map(\.scalars)
    let reference = Self.reference(inputs[0], inputs[1], inputs[2], inputs[3], d: d)
    return (library, reference, inputs)
  }

  /// Forward: groups of eight and a last group of 1–7 rows; backward: groups of four and a
  /// last group of 1–3. `[70, 130]` is shared by two threads (rows 0..<32 and 32..<70).
  @Test(arguments: [
    (1, 5), (2, 9), (3, 5), (4, 8), (7, 33), (8, 16), (12, 16), (19, 37), (70, 130), (45, 3),
  ])
  func lanesGiveTheBitsOfOneRowAtATime(shape: (Int, Int)) {
    for threads in [1, 2] {
      let (library, reference, _) = Self.compare(
        rows: shape.0, d: shape.1, threads: threads, seed: 11)
      for (index, name) in ["y", "dx", "dweight", "dbias"].enumerated() {
        let differing = zip(library[index], reference[index]).filter {
          $0.bitPattern != $1.bitPattern
        }.count
        #expect(
          differing == 0,
          "\(name) of [\(shape.0), \(shape.1)] on \(threads) thread(s): \(differing) elements differ"
        )
      }
    }
  }

  /// The control: a reference that adds each row's halves apart gives other bits on the
  /// same data, so the test above would see a reordered sum.
  @Test func aReorderedSumGivesOtherBits() {
    let (library, _, inputs) = Self.compare(rows: 19, d: 37, threads: 1, seed: 11)
    let reordered = Self.reference(
      inputs[0], inputs[1], inputs[2], inputs[3], d: 37, reorder: true)
    let differing = zip(library[0] + library[1], reordered[0] + reordered[1]).filter {
      $0.bitPattern != $1.bitPattern
    }.count
    #expect(differing > 0)
  }
}
