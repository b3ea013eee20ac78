/// Shape arithmetic: element counts, strides, broadcasting, and the messages that explain
/// a mismatch.
///
/// A shape is an `[Int]` of dimension sizes, outermost first; `[]` is a scalar. Tensors
/// are row-major: the last axis is contiguous.
public enum Shape {
  /// The number of elements of a tensor with this shape (1 for a scalar).
  public static func count(_ shape: [Int]) -> Int {
    shape.reduce(1, *)
  }

  /// Row-major strides: how many elements apart two neighbours along each axis are.
  public static func strides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var step = 1
    for axis in shape.indices.reversed() {
      strides[axis] = step
      step *= shape[axis]
    }
    return strides
  }

  /// Writes a shape as people read it in messages: `[2, 3]`.
  public static func describe(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
  }

  /// The shape two operands broadcast to, by NumPy's rules, or `nil` if they do not.
  ///
  /// Shapes are aligned at their last axis; two sizes are compatible when they are equal
  /// or one of them is 1, and a missing leading axis counts as 1.
  public static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
    let rank = max(a.count, b.count)
    var result = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
      let x = i < rank - a.count ? 1 : a[i - (rank - a.count)]
      let y = i < rank - b.count ? 1 : b[i - (rank - b.count)]
      if x == y || y == 1 {
        result[i] = x
      } else if x == 1 {
        result[i] = y
      } else {
        return nil
      }
    }
    return result
  }

  /// Explains why two shapes do not broadcast, naming the operation; `nil` if they do.
  public static func broadcastDiagnosis(_ op: String, _ a: [Int], _ b: [Int]) -> String? {
    if broadcast(a, b) != nil { return nil }
    let rank = max(a.count, b.count)
    for i in (0..<rank).reversed() {
      let x = i < rank - a.count ? 1 : a[i - (rank - a.count)]
      let y = i < rank - b.count ? 1 : b[i - (rank - b.count)]
      if x != y && x != 1 && y != 1 {
        let fromEnd = rank - i
        return "\(op): shapes \(describe(a)) and \(describe(b)) do not broadcast: "
          + "sizes \(x) and \(y) differ at axis -\(fromEnd) and neither is 1"
      }
    }
    return nil
  }

  /// Strides for reading a tensor of shape `shape` as if it had shape `target`
  /// (`shape` must broadcast to `target`): broadcast axes get stride 0.
  static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
    let own = strides(shape)
    let offset = target.count - shape.count
    return target.indices.map { i in
      i < offset || shape[i - offset] == 1 ? 0 : own[i - offset]
    }
  }

  /// Resolves one `-1` in a requested shape from the element count, or explains why the
  /// shape cannot hold `count` elements.
  static func resolve(_ requested: [Int], count: Int) -> Result<[Int], ShapeError> {
    let unknown = requested.indices.filter { requested[$0] == -1 }
    if unknown.count > 1 || requested.contains(where: { $0 < -1 }) {
      return .failure(ShapeError("only one size may be -1 and none may be below -1"))
    }
    let known = requested.filter { $0 != -1 }.reduce(1, *)
    var shape = requested
    if let axis = unknown.first {
      if known == 0 || count % known != 0 {
        return .failure(ShapeError("no size for -1 makes \(count) elements"))
      }
      shape[axis] = count / known
    }
    if Shape.count(shape) != count {
      return .failure(ShapeError("\(Shape.count(shape)) elements, not \(count)"))
    }
    return .success(shape)
  }

  /// Normalises an axis that may count from the end (`-1` is the last axis).
  static func axis(_ axis: Int, rank: Int, op: String) -> Int {
    let resolved = axis < 0 ? axis + rank : axis
    precondition(
      resolved >= 0 && resolved < max(rank, 1),
      "\(op): axis \(axis) is out of range for a tensor of rank \(rank)")
    return resolved
  }
}

/// Why a shape request failed; used inside diagnosis messages.
struct ShapeError: Error {
  let reason: String
  init(_ reason: String) { self.reason = reason }
}

/// Stops the program with `message` if it is not `nil`.
///
/// Shape checks are written as a *diagnosis* function that returns the message (so tests
/// can read it without crashing) and this call, which turns it into a stop.
@inline(__always)
func check(_ message: @autoclosure () -> String?) {
  if let message = message() { preconditionFailure(message) }
}
