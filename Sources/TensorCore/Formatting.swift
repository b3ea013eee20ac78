import Foundation

/// Printing tensors the way NumPy and PyTorch users expect to read them.
///
/// ```
/// tensor([[ 0.5000, -1.2500,  3.0000],
///         [10.0000,  0.0000, -0.1250]]), shape [2, 3]
/// ```
///
/// Every element of a tensor is printed with the same format and width so columns line
/// up; axes longer than `edgeItems · 2` show their first and last `edgeItems` entries
/// around an ellipsis. Values are printed in scientific notation when the largest
/// magnitude is at least 1e5, or when non-zero values below 1e-4 appear.
public struct TensorFormat: Sendable {
  /// Digits after the decimal point.
  public var precision: Int = 4
  /// How many entries to show at each end of a long axis.
  public var edgeItems: Int = 3
  /// Use `...` instead of `…` for elided entries.
  public var ascii: Bool = false

  public init(precision: Int = 4, edgeItems: Int = 3, ascii: Bool = false) {
    self.precision = precision
    self.edgeItems = edgeItems
    self.ascii = ascii
  }
}

extension Tensor: CustomStringConvertible {
  /// The tensor's values and shape, in the default `TensorFormat`.
  public var description: String {
    formatted(TensorFormat())
  }

  /// The tensor's values and shape, printed with `format`.
  public func formatted(_ format: TensorFormat) -> String {
    if isMeta { return "tensor(<meta>), shape \(Shape.describe(shape))" }
    let shown = shownIndices(format)
    let values = scalars
    let candidates: [Float] = rank == 0 ? values : collectVisible(values, shown)
    let finite = candidates.filter { $0.isFinite }
    let largest = finite.map { Swift.abs($0) }.max() ?? 0
    let smallest = finite.filter { $0 != 0 }.map { Swift.abs($0) }.min() ?? 1
    let scientific = largest >= 1e5 || smallest < 1e-4
    func text(_ v: Float) -> String {
      if v.isNaN { return "nan" }
      if v.isInfinite { return v > 0 ? "inf" : "-inf" }
      return String(format: scientific ? "%.\(format.precision)e" : "%.\(format.precision)f", v)
    }
    let width = candidates.map { text($0).count }.max() ?? 1
    let ellipsis = format.ascii ? "..." : "…"
    if rank == 0 {
      return "tensor(\(text(values.first ?? 0))), shape []"
    }
    let strides = Shape.strides(shape)
    func render(axis: Int, offset: Int, indent: String) -> String {
      let isLast = axis == rank - 1
      var parts: [String] = []
      for entry in shown[axis] {
        guard let i = entry else {
          parts.append(
            isLast
              ? String(repeating: " ", count: Swift.max(0, width - ellipsis.count)) + ellipsis
              : ellipsis)
          continue
        }
        if isLast {
          let s = text(values[offset + i * strides[axis]])
          parts.append(String(repeating: " ", count: width - s.count) + s)
        } else {
          parts.append(
            render(axis: axis + 1, offset: offset + i * strides[axis], indent: indent + " "))
        }
      }
      if isLast { return "[" + parts.joined(separator: ", ") + "]" }
      let separator = "," + String(repeating: "\n", count: rank - axis - 1) + indent + " "
      return "[" + parts.joined(separator: separator) + "]"
    }
    return "tensor(" + render(axis: 0, offset: 0, indent: "       ") + "), shape "
      + Shape.describe(shape)
  }

  /// For each axis, the indices to show, with `nil` where an ellipsis goes.
  func shownIndices(_ format: TensorFormat) -> [[Int?]] {
    shape.map { n in
      if n <= 2 * format.edgeItems { return Array(0..<n) }
      return Array(0..<format.edgeItems) + [nil] + Array((n - format.edgeItems)..<n)
    }
  }

  /// The values that will be printed (used to choose the format and the column width).
  func collectVisible(_ values: [Float], _ shown: [[Int?]]) -> [Float] {
    let strides = Shape.strides(shape)
    var result: [Float] = []
    func walk(_ axis: Int, _ offset: Int) {
      if axis == rank {
        result.append(values[offset])
        return
      }
      for case let i? in shown[axis] { walk(axis + 1, offset + i * strides[axis]) }
    }
    walk(0, 0)
    return result
  }
}
