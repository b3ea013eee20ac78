import Foundation

/// Reading a typed number the way people write one: `3938304`, `3,938,304`, `3 938 304`,
/// `3.94e6`, `3,94` (a decimal comma), `2/7`, `28.6%`, `3.9M`, `12k`.
///
/// A reply is judged to the precision it was typed with: `0.2857` is right for 2/7 and
/// `3.9M` for 3,938,304, because each is the answer rounded to the digits given. At least
/// two significant digits are needed for that (else `4M` would pass for 3,938,304 and `0`
/// for 0.3); a question's own tolerance always applies too.
struct QuizReply: Equatable {
  /// The number typed.
  let value: Double
  /// Half a unit in the last digit typed (0 for a fraction, which is exact as typed).
  let halfUnit: Double
  /// Significant digits typed.
  let digits: Int
  /// Whether it ended in `%`: then both `value` and `value / 100` are considered.
  let isPercent: Bool

  /// The number in `text`, or `nil` if it is not one.
  init?(_ text: String) {
    var text = text.trimmingCharacters(in: .whitespaces).lowercased()
    var percent = false
    if text.hasSuffix("%") {
      percent = true
      text = String(text.dropLast()).trimmingCharacters(in: .whitespaces)
    }
    if let slash = text.firstIndex(of: "/") {
      guard let top = Double(text[..<slash].trimmingCharacters(in: .whitespaces)),
        let bottom = Double(text[text.index(after: slash)...].trimmingCharacters(in: .whitespaces)),
        bottom != 0
      else { return nil }
      self.init(value: top / bottom, halfUnit: 0, digits: 15, isPercent: percent)
      return
    }
    var scale = 1.0
    if let last = text.last, let multiplier = ["k": 1e3, "m": 1e6, "b": 1e9][String(last)] {
      scale = multiplier
      text = String(text.dropLast()).trimmingCharacters(in: .whitespaces)
    }
    // Grouping: commas, spaces or underscores between groups of three digits; otherwise a
    // single comma is a decimal comma.
    let grouped =
      text.range(
        of: #"^[+-]?\d{1,3}([, _]\d{3})+(\.\d+)?$"#, options: .regularExpression) != nil
    if grouped {
      text = text.filter { $0 != "," && $0 != " " && $0 != "_" }
    } else if text.filter({ $0 == "," }).count == 1 && !text.contains(".") {
      text = text.replacingOccurrences(of: ",", with: ".")
    }
    guard
      text.range(of: #"^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$"#, options: .regularExpression) != nil,
      let number = Double(text)
    else { return nil }
    // Precision: the position of the last digit typed, from the mantissa and exponent.
    let parts = text.split(separator: "e", maxSplits: 1)
    let mantissa = parts[0].filter { $0 != "+" && $0 != "-" }
    let exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
    let decimals =
      mantissa.split(separator: ".", omittingEmptySubsequences: false)
      .dropFirst().first?.count ?? 0
    var significant = mantissa.filter(\.isNumber).drop { $0 == "0" }
    if !mantissa.contains(".") {
      significant = Substring(significant.reversed().drop { $0 == "0" }.reversed())
    }
    let unit = Foundation.pow(10, Double(exponent - decimals)) * scale
    self.init(
      value: number * scale, halfUnit: unit / 2, digits: Swift.max(significant.count, 1),
      isPercent: percent)
  }

  init(value: Double, halfUnit: Double, digits: Int, isPercent: Bool) {
    self.value = value
    self.halfUnit = halfUnit
    self.digits = digits
    self.isPercent = isPercent
  }

  /// Whether this reply gives `answer`: within `tolerance`, or equal to it rounded to the
  /// digits typed (two at least).
  func matches(_ answer: Double, tolerance: Double) -> Bool {
    let candidates = isPercent ? [value, value / 100] : [value]
    let rounding = digits >= 2 ? halfUnit * (1 + 1e-9) : 0
    return candidates.contains { Swift.abs($0 - answer) <= Swift.max(tolerance, rounding) }
  }
}
