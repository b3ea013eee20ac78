import CKernels
import Foundation
import Testing

@testable import TensorCore

/// The matrix product at every instruction-set level this processor runs: each right, and
/// all of them equal bit for bit (they sum every element in the same order, with the same
/// fused multiply-adds), so a transcript made on an ARM laptop matches one made here.
struct VectorLevelTests {
  /// Shapes that reach every path: the row loop with columns past the last whole vector,
  /// attention's `Q · Kᵀ` with a short `k` (padded transpose), dot products with a long `k`,
  /// and packed products with partial tiles and more than one block of `k`.
  static let shapes: [(m: Int, n: Int, k: Int)] = [
    (5, 19, 7), (10, 13, 20), (7, 9, 100), (33, 40, 70), (70, 45, 300), (97, 130, 260),
    (96, 64, 128),
  ]

  /// `alpha · op(A) · op(B) + beta · C` at `level`, from fixed inputs.
  func product(
    _ m: Int, _ n: Int, _ k: Int, transposeA: Bool, transposeB: Bool, level: VectorLevel,
    alpha: Float = 0.75
  ) -> (result: [Float], reference: [Double]) {
    var g = SplitMix64(seed: UInt64(m * 1_000_003 + n * 1009 + k))
    let a = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &g) }
    let b = (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &g) }
    var c = (0..<(m * n)).map { _ in Float.random(in: -1...1, using: &g) }
    let beta: Float = 0.5
    var reference = [Double](repeating: 0, count: m * n)
    for i in 0..<m {
      for j in 0..<n {
        var sum = 0.0
        for p in 0..<k {
          let x = transposeA ? a[p * m + i] : a[i * k + p]
          let y = transposeB ? b[j * k + p] : b[p * n + j]
          sum += Double(x) * Double(y)
        }
        reference[i * n + j] = Double(alpha) * sum + Double(beta) * Double(c[i * n + j])
      }
    }
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        c.withUnsafeMutableBufferPointer { c in
          Gemm.multiply(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
            a: a.baseAddress!, lda: transposeA ? m : k, b: b.baseAddress!,
            ldb: transposeB ? k : n, beta: beta, c: c.baseAddress!, ldc: n, level: level)
        }
      }
    }
    return (c, reference)
  }

  /// With `alpha` 1 packing copies floats without scaling them, eight columns at a time.
  @Test(arguments: [Float(0.75), 1])
  func everyLevelIsRightAndAllLevelsAgreeBitForBit(alpha: Float) {
    #expect(VectorLevel.available.first == .portable)
    for (m, n, k) in Self.shapes {
      for transposeA in [false, true] {
        for transposeB in [false, true] {
          var vectorResult: [Float]? = nil
          for level in VectorLevel.available {
            let (result, reference) = product(
              m, n, k, transposeA: transposeA, transposeB: transposeB, level: level, alpha: alpha)
            let worst = zip(result, reference).map { abs(Double($0) - $1) }.max() ?? 0
            #expect(
              worst < Double(k) * 1e-6,
              "\(level) m \(m) n \(n) k \(k) ta \(transposeA) tb \(transposeB): \(worst)")
            if let vectorResult {
              #expect(
                result.map(\.bitPattern) == vectorResult.map(\.bitPattern),
                "\(level) differs from the portable level at m \(m) n \(n) k \(k) ta \(transposeA) tb \(transposeB)"
              )
            } else {
              vectorResult = result
            }
          }
        }
      }
    }
  }

  /// `exp`, `expm1`, `tanh`, the sigmoid and GELU give the same bits at every level, for
  /// every element of a buffer whose length leaves a partial last vector; so do softmax rows
  /// and their pullbacks.
  @Test func elementwiseKernelsAreIdenticalAtEveryLevel() {
    var g = SplitMix64(seed: 11)
    let count = 1_003
    var x = (0..<count).map { _ in Float.random(in: -30...30, using: &g) }
    x[0] = .nan
    x[1] = -.infinity
    x[2] = 100
    x[3] = 1e-6
    let functions = [
      FastMath.exp, FastMath.expm1, FastMath.tanh, FastMath.sigmoid, FastMath.gelu,
      FastMath.geluDerivative,
    ]
    for function in functions {
      var results: [[Float]] = []
      for level in VectorLevel.available {
        var out = [Float](repeating: 0, count: count)
        FastMath.map(x, into: &out, count: count, function, level: level)
        results.append(out)
      }
      for result in results.dropFirst() {
        #expect(
          zip(result, results[0]).allSatisfy { $0.bitPattern == $1.bitPattern },
          "function \(function.rawValue)")
      }
    }
    for n in [1, 7, 8, 13, 64, 77] {
      let row = Array(x[10..<(10 + n)])
      let upstream = Array(x[200..<(200 + n)])
      for log in [false, true] {
        var outputs: [[Float]] = []
        for level in VectorLevel.available {
          let raw = LMKernelLevel(rawValue: UInt32(level.rawValue))
          var y = [Float](repeating: 0, count: n)
          var back = [Float](repeating: 0, count: n)
          lm_softmax_row(raw, row, n, log, &y)
          lm_softmax_backward_row(raw, upstream, y, n, log, &back)
          outputs.append(y + back)
        }
        for output in outputs.dropFirst() {
          #expect(output == outputs[0], "softmax n \(n) log \(log)")
        }
      }
    }
  }

  /// The level detected is the one the processor's flags promise.
  @Test func supportedLevelMatchesTheProcessorFlags() throws {
    #if arch(x86_64) && os(Linux)
      let info = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
      let line = try #require(info.split(separator: "\n").first { $0.hasPrefix("flags") })
      let flags = Set(line.split(separator: " ").map(String.init))
      let expected: VectorLevel =
        ["avx512f", "avx512vl", "avx512bw", "avx512dq", "fma"].allSatisfy(flags.contains)
        ? .avx512 : ["avx2", "fma"].allSatisfy(flags.contains) ? .avx2 : .portable
      #expect(VectorLevel.supported == expected)
    #elseif arch(x86_64) && canImport(Darwin)
      func has(_ name: String) -> Bool {
        var value: Int32 = 0
        var size = MemoryLayout<Int32>.size
        return sysctlbyname(name, &value, &size, nil, 0) == 0 && value != 0
      }
      let expected: VectorLevel =
        [
          "hw.optional.avx512f", "hw.optional.avx512vl", "hw.optional.avx512bw",
          "hw.optional.avx512dq", "hw.optional.fma",
        ].allSatisfy(has)
        ? .avx512 : has("hw.optional.avx2_0") && has("hw.optional.fma") ? .avx2 : .portable
      #expect(VectorLevel.supported == expected)
    #else
      #expect(VectorLevel.supported == .portable)
    #endif
  }
}

/// Training's GELU keeps each element's tanh for the backward pass: its values and its
/// gradient are those of the two plain maps (GELU, and GELU′ times the gradient), bit for bit.
struct GELUKeepingTanhTests {
  @Test func trainingGELUMatchesThePlainMapsBitForBit() {
    var g = SplitMix64(seed: 3)
    for count in [5, 1_003, 40_000] {
      let x = Tensor.uniform([count], low: -6, high: 6, requiresGrad: true, using: &g)
      let upstream = Tensor.uniform([count], low: -1, high: 1, using: &g)
      let y = x.gelu()
      (y * upstream).sum().backward()
      var plain = [Float](repeating: 0, count: count)
      var derivative = [Float](repeating: 0, count: count)
      let input = x.scalars
      FastMath.map(input, into: &plain, count: count, FastMath.gelu)
      FastMath.map(input, into: &derivative, count: count, FastMath.geluDerivative)
      let expected = zip(derivative, upstream.scalars).map { $0 * $1 }
      #expect(y.scalars.map(\.bitPattern) == plain.map(\.bitPattern), "GELU, \(count)")
      #expect(x.grad!.scalars.map(\.bitPattern) == expected.map(\.bitPattern), "GELU′, \(count)")
      let inference = withNoGrad { x.gelu() }
      #expect(inference.scalars.map(\.bitPattern) == plain.map(\.bitPattern))
    }
  }
}

/// One row of a product computed alone (the small path a key-value cache or a recurrent
/// step takes) has the bits of the same row inside the whole product (the packed path):
/// every element is the same chain of multiply-adds, in blocks of 256 along k, for both
/// layouts of B and k past 512 (where the small path once took dot products).
struct ProductRowTests {
  @Test(arguments: [
    (true, 64, 256), (true, 256, 64), (true, 300, 40), (true, 16, 100), (true, 512, 24),
    (true, 600, 24), (true, 1100, 40), (false, 100, 24), (false, 300, 40), (false, 600, 16),
  ])
  func aRowAloneMatchesTheRowInTheWholeProduct(transposeB: Bool, k: Int, n: Int) {
    let m = 128
    var g = SplitMix64(seed: UInt64(k * 1000 + n))
    let a = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &g) }
    let b = (0..<(n * k)).map { _ in Float.random(in: -1...1, using: &g) }
    let ldb = transposeB ? k : n
    for level in VectorLevel.available {
      var whole = [Float](repeating: 0, count: m * n)
      Gemm.multiply(
        transposeA: false, transposeB: transposeB, m: m, n: n, k: k, a: a, lda: k, b: b,
        ldb: ldb, c: &whole, ldc: n, level: level)
      // Past the small path: packed, or (with more threads than two, in shares small
      // enough) unpacked with the packed path's bits.
      #expect(!lm_gemm_is_small(m, n, k), "the whole product should be past the small path")
      for i in [0, 17, m - 1] {
        var row = [Float](repeating: 0, count: n)
        a.withUnsafeBufferPointer { a in
          Gemm.multiply(
            transposeA: false, transposeB: transposeB, m: 1, n: n, k: k,
            a: a.baseAddress! + i * k, lda: k, b: b, ldb: ldb, c: &row, ldc: n, level: level)
        }
        #expect(
          row.map(\.bitPattern) == whole[(i * n)..<((i + 1) * n)].map(\.bitPattern),
          "\(level) transposeB \(transposeB) k \(k) n \(n) row \(i)")
      }
    }
  }
}

/// A product that overwrites C (beta 0) or starts it from a bias writes its first block of
/// k straight from the registers: the same bits as clearing or filling C first and adding.
struct FreshProductTests {
  func run(
    _ m: Int, _ n: Int, _ k: Int, transposeB: Bool, bias: [Float]?, prefilled: Bool,
    level: VectorLevel
  ) -> [UInt32] {
    var g = SplitMix64(seed: UInt64(m * 7919 + n * 31 + k))
    let a = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &g) }
    let b = (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &g) }
    // Garbage in C: a fresh product must never read it.
    var c = [Float](repeating: .nan, count: m * n)
    if prefilled {
      for i in 0..<m { for j in 0..<n { c[i * n + j] = bias?[j] ?? 0 } }
    }
    let rowBias = prefilled ? nil : bias
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        c.withUnsafeMutableBufferPointer { c in
          (rowBias ?? []).withUnsafeBufferPointer { rowBiasBuffer in
            Gemm.multiply(
              transposeA: false, transposeB: transposeB, m: m, n: n, k: k,
              a: a.baseAddress!, lda: k, b: b.baseAddress!, ldb: transposeB ? k : n,
              beta: prefilled ? 1 : 0, c: c.baseAddress!, ldc: n,
              rowBias: rowBias == nil ? nil : rowBiasBuffer.baseAddress, level: level)
          }
        }
      }
    }
    return c.map(\.bitPattern)
  }

  /// Edge tiles (m, n not multiples of the tile), two blocks of k (k over 256), products
  /// shared by rows and by columns, with and without a bias, at every level.
  @Test func freshProductsEqualClearingOrFillingFirst() {
    let saved = Parallelism.threads
    defer { Parallelism.threads = saved }
    for threads in [1, 2] {
      Parallelism.threads = threads
      for (m, n, k) in [(97, 45, 300), (50, 130, 40), (13, 300, 129), (40, 300, 520)] {
        check(m, n, k)
      }
    }
  }

  func check(_ m: Int, _ n: Int, _ k: Int) {
    var g = SplitMix64(seed: 11)
    let bias = (0..<n).map { _ in Float.random(in: -1...1, using: &g) }
    for level in VectorLevel.available {
      for transposeB in [false, true] {
        for rowBias in [nil, bias] {
          let fresh = run(
            m, n, k, transposeB: transposeB, bias: rowBias, prefilled: false, level: level)
          let filled = run(
            m, n, k, transposeB: transposeB, bias: rowBias, prefilled: true, level: level)
          let differing = zip(fresh, filled).filter { $0 != $1 }.count
          #expect(differing == 0, "\(level) m \(m) n \(n) k \(k) bias \(rowBias != nil)")
          #expect(!fresh.contains(Float.nan.bitPattern))
        }
      }
    }
  }
}

/// A matrix packed once (`Gemm.PackedMatrix`, a recurrent weight) gives the same bits as
/// packing it in every product: shared by rows and by columns, one and two blocks of k, at
/// every level, on one thread and two.
struct PackedMatrixTests {
  /// `C = A · op(B) + beta · C` from `start`, with `b` itself or with its packed panels.
  func product(
    _ a: [Float], _ b: inout [Float], _ start: [Float], m: Int, n: Int, k: Int,
    transposeB: Bool, beta: Float, packAndSpoil: Bool
  ) -> [UInt32] {
    let ldb = transposeB ? k : n
    var c = start
    a.withUnsafeBufferPointer { a in
      b.withUnsafeMutableBufferPointer { b in
        var packed: Gemm.PackedMatrix? = nil
        if packAndSpoil {
          packed = Gemm.PackedMatrix(
            transposed: transposeB, k: k, n: n, b: b.baseAddress!, ldb: ldb)
          #expect(packed != nil)
          // The product must read the panels, never `b` again.
          for i in b.indices { b[i] = .nan }
        }
        c.withUnsafeMutableBufferPointer { c in
          Gemm.multiply(
            transposeA: false, transposeB: transposeB, m: m, n: n, k: k,
            a: a.baseAddress!, lda: k, b: b.baseAddress!, ldb: ldb, beta: beta,
            c: c.baseAddress!, ldc: n, packedB: packed)
        }
      }
    }
    return c.map(\.bitPattern)
  }

  @Test func prepackedProductsEqualPackingEachTime() {
    let saved = (Parallelism.threads, VectorLevel.active)
    defer { (Parallelism.threads, VectorLevel.active) = saved }
    for (m, n, k) in [(32, 384, 128), (32, 128, 384), (200, 40, 70), (7, 130, 300)] {
      for transposeB in [false, true] {
        var g = SplitMix64(seed: UInt64(m + n + k))
        let a = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &g) }
        let b = (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &g) }
        let start = (0..<(m * n)).map { _ in Float.random(in: -1...1, using: &g) }
        for level in VectorLevel.available {
          VectorLevel.active = level
          for threads in [1, 2] {
            Parallelism.threads = threads
            for beta: Float in [0, 1] {
              var plain = b
              var spoiled = b
              let expected = product(
                a, &plain, start, m: m, n: n, k: k, transposeB: transposeB, beta: beta,
                packAndSpoil: false)
              let packed = product(
                a, &spoiled, start, m: m, n: n, k: k, transposeB: transposeB, beta: beta,
                packAndSpoil: true)
              let differing = zip(expected, packed).filter { $0 != $1 }.count
              #expect(
                differing == 0,
                "\(level) \(threads) threads m \(m) n \(n) k \(k) transposeB \(transposeB) beta \(beta)"
              )
            }
          }
        }
      }
    }
  }

  /// Panels packed from one matrix are never used for another of the same shape.
  @Test func panelsOfAnotherMatrixAreNotUsed() {
    let (m, n, k) = (32, 128, 128)
    var g = SplitMix64(seed: 4)
    let a = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &g) }
    let b = (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &g) }
    let other = (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &g) }
    var results: [[Float]] = []
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        other.withUnsafeBufferPointer { other in
          let packedOther = Gemm.PackedMatrix(
            transposed: false, k: k, n: n, b: other.baseAddress!, ldb: n)
          for packed in [nil, packedOther] {
            var c = [Float](repeating: 0, count: m * n)
            c.withUnsafeMutableBufferPointer { c in
              Gemm.multiply(
                transposeA: false, transposeB: false, m: m, n: n, k: k, a: a.baseAddress!,
                lda: k, b: b.baseAddress!, ldb: n, c: c.baseAddress!, ldc: n, packedB: packed)
            }
            results.append(c)
          }
        }
      }
    }
    #expect(results[0] == results[1])
  }
}

/// A product, or one thread's share of it, small enough to run faster unpacked
/// (`lm_gemm_unpacked_pays`: attention's per-head products) gets the packed path's bits, so
/// the choice may follow the thread count: every layout, over C, from a bias row and from
/// zero, at every level, on one thread and two, including products whose whole goes packed
/// while their two shares go unpacked, and shares split between the paths. The control: with
/// alpha 0.75, which the rule refuses, the unpacked path's bits differ from the packed
/// path's.
struct UnpackedShareTests {
  typealias Shape = (transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int)
  /// Whole products the rule takes.
  static let cases: [Shape] = [
    (false, false, 64, 32, 64), (true, false, 64, 32, 64), (false, true, 64, 64, 32),
    (false, false, 40, 48, 256), (true, false, 17, 120, 90), (false, true, 61, 64, 32),
    (false, false, 128, 16, 100),
  ]
  /// Whole products the rule refuses and one or both of whose two shares it takes: rows
  /// (70 × 48 is 3,360 elements; 36 and 34 rows are not), and columns (122 is not a whole
  /// number of vectors; its first 64 columns are, its last 58 not).
  static let switching: [Shape] = [(false, false, 70, 48, 64), (false, false, 16, 122, 64)]

  enum Start: CaseIterable { case overC, fromBias, fromZero }

  /// `alpha · op(A) · op(B)` plus C's start, through `Gemm.multiply` or through the packed
  /// path alone (as `multiply` would call it).
  func product(
    _ shape: Shape, start: Start, alpha: Float, packedOnly: Bool, level: VectorLevel,
    a: [Float]? = nil, b: [Float]? = nil, c: [Float]? = nil
  ) -> [UInt32] {
    let (m, n, k) = (shape.m, shape.n, shape.k)
    var g = SplitMix64(seed: UInt64(m * 131 + n * 17 + k))
    let a = a ?? (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &g) }
    let b = b ?? (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &g) }
    let row = (0..<n).map { _ in Float.random(in: -1...1, using: &g) }
    var c = c ?? (0..<(m * n)).map { _ in Float.random(in: -1...1, using: &g) }
    let (lda, ldb) = (shape.transposeA ? m : k, shape.transposeB ? k : n)
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        row.withUnsafeBufferPointer { row in
          c.withUnsafeMutableBufferPointer { c in
            let (a, b, c) = (a.baseAddress!, b.baseAddress!, c.baseAddress!)
            if packedOnly {
              let activeLevel = LMKernelLevel(
                rawValue: UInt32(Swift.min(level, VectorLevel.supported).rawValue))
              Gemm.packed(
                activeLevel, transposeA: shape.transposeA, transposeB: shape.transposeB, m: m,
                n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: n,
                fresh: start != .overC, bias: start == .fromBias ? row.baseAddress : nil,
                prepacked: nil, firstPanel: 0)
            } else {
              Gemm.multiply(
                transposeA: shape.transposeA, transposeB: shape.transposeB, m: m, n: n, k: k,
                alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: start == .overC ? 1 : 0,
                c: c, ldc: n, rowBias: start == .fromBias ? row.baseAddress : nil, level: level)
            }
          }
        }
      }
    }
    return c.map(\.bitPattern)
  }

  @Test func smallSharesRunUnpackedWithThePackedBits() {
    let saved = Parallelism.threads
    defer { Parallelism.threads = saved }
    for shape in Self.cases {
      #expect(!lm_gemm_is_small(shape.m, shape.n, shape.k), "\(shape) is past the small path")
      #expect(lm_gemm_unpacked_pays(shape.transposeB, shape.m, shape.n, shape.k, 1), "\(shape)")
    }
    for shape in Self.switching {
      #expect(!lm_gemm_unpacked_pays(shape.transposeB, shape.m, shape.n, shape.k, 1))
    }
    for threads in [1, 2] {
      Parallelism.threads = threads
      for shape in Self.cases + Self.switching {
        for level in VectorLevel.available {
          for start in Start.allCases {
            let shared = product(shape, start: start, alpha: 1, packedOnly: false, level: level)
            let packed = product(shape, start: start, alpha: 1, packedOnly: true, level: level)
            let differing = zip(shared, packed).filter { $0 != $1 }.count
            #expect(differing == 0, "\(level) \(shape) \(start) threads \(threads)")
          }
        }
      }
    }
  }

  /// A chain that ends at −0 (a product that underflows, then only −0 terms) added to a −0 in
  /// C: −0, whether the element falls in a whole tile, a partial tile of the packed path, or
  /// an unpacked share. A partial tile once summed its chain onto +0 first and gave +0, so
  /// the bits depended on the thread count.
  @Test func minusZeroSurvivesEveryPath() {
    let saved = Parallelism.threads
    defer { Parallelism.threads = saved }
    let shape: Shape = (false, false, 70, 48, 64)
    var a = [Float](repeating: 0.5, count: 70 * 64)
    var b = [Float](repeating: 0.25, count: 64 * 48)
    var c = [Float](repeating: 1, count: 70 * 48)
    for row in [0, 5, 66, 69] {
      for p in 0..<64 { a[row * 64 + p] = p == 0 ? 1e-23 : 0 }
      c[row * 48] = -0.0
    }
    for p in 0..<64 { b[p * 48] = p == 0 ? -1e-23 : -1 }
    for level in VectorLevel.available {
      var results: [[UInt32]] = []
      for threads in [1, 2] {
        Parallelism.threads = threads
        let bits = product(
          shape, start: .overC, alpha: 1, packedOnly: false, level: level, a: a, b: b, c: c)
        for row in [0, 5, 66, 69] {
          #expect(bits[row * 48] == (-0.0 as Float).bitPattern, "\(level) row \(row) \(threads)")
        }
        results.append(bits)
      }
      let differing = zip(results[0], results[1]).filter { $0 != $1 }.count
      #expect(differing == 0, "\(level): one thread and two")
    }
  }

  @Test func theRuleRefusesWhatWouldChangeTheBits() {
    // alpha folded into A before the chain (packed) or applied after it (unpacked).
    let shape = Self.cases[0]
    #expect(!lm_gemm_unpacked_pays(false, shape.m, shape.n, shape.k, 0.75))
    #expect(!lm_gemm_unpacked_pays(false, 64, 32, 257, 1), "k past one block")
    #expect(!lm_gemm_unpacked_pays(false, 64, 30, 64, 1), "columns past the last vector")
    let level = VectorLevel.supported
    var unpacked = [Float](repeating: 0, count: shape.m * shape.n)
    var g = SplitMix64(seed: 5)
    let a = (0..<(shape.m * shape.k)).map { _ in Float.random(in: -1...1, using: &g) }
    let b = (0..<(shape.k * shape.n)).map { _ in Float.random(in: -1...1, using: &g) }
    lm_gemm_small(
      LMKernelLevel(rawValue: UInt32(level.rawValue)), false, false, shape.m, shape.n,
      shape.k, 0.75, a, shape.k, b, shape.n, &unpacked, shape.n)
    var packed = [Float](repeating: 0, count: shape.m * shape.n)
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        packed.withUnsafeMutableBufferPointer { c in
          Gemm.packed(
            LMKernelLevel(rawValue: UInt32(level.rawValue)), transposeA: false,
            transposeB: false, m: shape.m, n: shape.n, k: shape.k, alpha: 0.75,
            a: a.baseAddress!, lda: shape.k, b: b.baseAddress!, ldb: shape.n,
            c: c.baseAddress!, ldc: shape.n, fresh: false, bias: nil, prepacked: nil,
            firstPanel: 0)
        }
      }
    }
    let differing = zip(unpacked, packed).filter { $0.bitPattern != $1.bitPattern }.count
    #expect(differing > 0, "alpha applied after the chain or folded into A")
  }
}
