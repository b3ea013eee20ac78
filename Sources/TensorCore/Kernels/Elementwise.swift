/// Loops over contiguous `Float` buffers, written so the compiler can vectorise them.
///
/// Kernels know nothing of tensors or autograd: they take pointers and counts. Ops in
/// `Ops/` call them for the forward and the backward pass.
enum Kernels {
  /// `out[i] = f(x[i])`.
  @inline(__always)
  static func map(
    _ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int,
    _ f: (Float) -> Float
  ) {
    for i in 0..<count { out[i] = f(x[i]) }
  }

  /// `out[i] = f(x[i], y[i])`.
  @inline(__always)
  static func zip(
    _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>,
    into out: UnsafeMutablePointer<Float>, count: Int, _ f: (Float, Float) -> Float
  ) {
    for i in 0..<count { out[i] = f(x[i], y[i]) }
  }

  /// `out[i] = f(x[i], y[i], z[i])`.
  @inline(__always)
  static func zip3(
    _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ z: UnsafePointer<Float>,
    into out: UnsafeMutablePointer<Float>, count: Int, _ f: (Float, Float, Float) -> Float
  ) {
    for i in 0..<count { out[i] = f(x[i], y[i], z[i]) }
  }

  /// `out[i] = x[i] + y[i]`; `out` may be `x`.
  static func add(
    _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>,
    into out: UnsafeMutablePointer<Float>, count: Int
  ) {
    zip(x, y, into: out, count: count, +)
  }

  /// `out = f(a, b)` where `a` and `b` are read through broadcast strides.
  ///
  /// The common layouts get their own loops: equal shapes, a scalar operand, and an
  /// operand repeated along leading axes (a bias added to every row). Everything else goes
  /// through an odometer over the output index, innermost axis in the inner loop. Large
  /// outputs are cut into ranges of whole rows shared between threads; every element gets
  /// the same arithmetic whichever range holds it.
  @inline(__always)
  static func broadcast(
    _ a: UnsafePointer<Float>, _ aShape: [Int], _ b: UnsafePointer<Float>, _ bShape: [Int],
    into out: UnsafeMutablePointer<Float>, _ outShape: [Int], _ f: (Float, Float) -> Float
  ) {
    let count = Shape.count(outShape)
    let aCount = Shape.count(aShape)
    let bCount = Shape.count(bShape)
    if aCount == count && bCount == count {
      Parallelism.forEachRange(count) { r in
        let o = r.lowerBound
        zip(a + o, b + o, into: out + o, count: r.count, f)
      }
    } else if bCount == 1 && aCount == count {
      let y = b[0]
      Parallelism.forEachRange(count) { r in for i in r { out[i] = f(a[i], y) } }
    } else if aCount == 1 && bCount == count {
      let x = a[0]
      Parallelism.forEachRange(count) { r in for i in r { out[i] = f(x, b[i]) } }
    } else if aCount == count && isSuffix(bShape, of: outShape) && bCount > 0 {
      Parallelism.forEachRange(count / bCount, cost: bCount, granule: 1) { rows in
        for row in rows {
          let o = row &* bCount
          for i in 0..<bCount { out[o + i] = f(a[o + i], b[i]) }
        }
      }
    } else if bCount == count && isSuffix(aShape, of: outShape) && aCount > 0 {
      Parallelism.forEachRange(count / aCount, cost: aCount, granule: 1) { rows in
        for row in rows {
          let o = row &* aCount
          for i in 0..<aCount { out[o + i] = f(a[i], b[o + i]) }
        }
      }
    } else {
      let aStrides = Shape.broadcastStrides(aShape, to: outShape)
      let bStrides = Shape.broadcastStrides(bShape, to: outShape)
      let n = outShape.last ?? 1
      let sa = aStrides.last ?? 0
      let sb = bStrides.last ?? 0
      Parallelism.forEachRange(n == 0 ? 0 : count / n, cost: n, granule: 1) { rows in
        forEachRow(outShape, rows: rows) { outOffset, index in
          var ai = 0
          var bi = 0
          for axis in 0..<(outShape.count - 1) {
            ai += index[axis] * aStrides[axis]
            bi += index[axis] * bStrides[axis]
          }
          // Contiguous or repeated inner rows (an attention mask added to every query's
          // scores) get loops the compiler can vectorise.
          if sa == 1 && sb == 1 {
            zip(a + ai, b + bi, into: out + outOffset, count: n, f)
          } else if sa == 1 && sb == 0 {
            let y = b[bi]
            for j in 0..<n { out[outOffset + j] = f(a[ai + j], y) }
          } else if sa == 0 && sb == 1 {
            let x = a[ai]
            for j in 0..<n { out[outOffset + j] = f(x, b[bi + j]) }
          } else {
            for j in 0..<n { out[outOffset + j] = f(a[ai + j * sa], b[bi + j * sb]) }
          }
        }
      }
    }
  }

  /// Whether `shape`, without leading 1s, equals the trailing axes of `target`: then an
  /// operand of that shape repeats whole every `count(shape)` elements of the target.
  static func isSuffix(_ shape: [Int], of target: [Int]) -> Bool {
    let trimmed = Array(shape.drop(while: { $0 == 1 }))
    return trimmed.count <= target.count && Array(target.suffix(trimmed.count)) == trimmed
  }

  /// Calls `body(offset, index)` for the start of every innermost row of `shape`, in
  /// row-major order; `index` holds the position along each axis but the last.
  @inline(__always)
  static func forEachRow(_ shape: [Int], _ body: (Int, [Int]) -> Void) {
    forEachRow(shape, rows: 0..<shape.dropLast().reduce(1, *), body)
  }

  /// `forEachRow` over the innermost rows numbered `rows` only (a thread's share).
  @inline(__always)
  static func forEachRow(_ shape: [Int], rows: Range<Int>, _ body: (Int, [Int]) -> Void) {
    if rows.isEmpty { return }
    let width = shape.last ?? 1
    var index = [Int](repeating: 0, count: max(shape.count - 1, 0))
    var rest = rows.lowerBound
    for axis in index.indices.reversed() {
      index[axis] = rest % shape[axis]
      rest /= shape[axis]
    }
    for row in rows {
      body(row * width, index)
      var axis = index.count - 1
      while axis >= 0 {
        index[axis] += 1
        if index[axis] < shape[axis] { break }
        index[axis] = 0
        axis -= 1
      }
    }
  }

  /// Sums `g` (of shape `from`) into `out` (of shape `to`, which broadcasts to `from`):
  /// the gradient of a broadcast. `out` is overwritten.
  static func sumBroadcast(
    _ g: UnsafePointer<Float>, from: [Int], into out: UnsafeMutablePointer<Float>, to: [Int]
  ) {
    let outCount = Shape.count(to)
    out.update(repeating: 0, count: outCount)
    let total = Shape.count(from)
    if outCount == 1 {
      var s: Float = 0
      for i in 0..<total { s += g[i] }
      out[0] = s
      return
    }
    if isSuffix(to, of: from) {
      // A bias's gradient: the rows of `g` summed, eight columns at a time (each column
      // still sums its rows in order, so the result is the same as one at a time).
      typealias V = SIMD8<Float>
      let full = outCount & ~7
      let gRaw = UnsafeRawPointer(g)
      let outRaw = UnsafeMutableRawPointer(out)
      var row = 0
      while row < total {
        var i = 0
        while i < full {
          let sum =
            outRaw.loadUnaligned(fromByteOffset: i &* 4, as: V.self)
            + gRaw.loadUnaligned(fromByteOffset: (row &+ i) &* 4, as: V.self)
          outRaw.storeBytes(of: sum, toByteOffset: i &* 4, as: V.self)
          i &+= 8
        }
        while i < outCount {
          out[i] += g[row &+ i]
          i &+= 1
        }
        row &+= outCount
      }
      return
    }
    let strides = Shape.broadcastStrides(to, to: from)
    forEachRow(from) { offset, index in
      var o = 0
      for axis in 0..<(from.count - 1) { o += index[axis] * strides[axis] }
      let n = from.last ?? 1
      let s = strides.last ?? 0
      if s == 0 {
        var acc: Float = 0
        for j in 0..<n { acc += g[offset + j] }
        out[o] += acc
      } else {
        for j in 0..<n { out[o + j * s] += g[offset + j] }
      }
    }
  }
}
