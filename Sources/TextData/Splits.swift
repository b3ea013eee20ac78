import TensorCore

/// A dataset cut into the three parts every experiment needs.
///
/// - *train*: what the model learns from;
/// - *validation*: what we watch while choosing settings (when to stop, which n);
/// - *test*: touched once at the end, for an honest estimate on unseen data.
public struct Splits<Item> {
  public var train: [Item]
  public var validation: [Item]
  public var test: [Item]

  /// Shuffles `items` with `generator`, then cuts them: the first `trainFraction` for
  /// training, the next `validationFraction` for validation, the rest for test
  /// (sizes rounded down, test gets the remainder).
  public init(
    _ items: [Item], trainFraction: Double = 0.8, validationFraction: Double = 0.1,
    using generator: inout SplitMix64
  ) {
    var shuffled = items
    generator.shuffle(&shuffled)
    let trainCount = Int(Double(items.count) * trainFraction)
    let validationCount = Int(Double(items.count) * validationFraction)
    train = Array(shuffled[..<trainCount])
    validation = Array(shuffled[trainCount..<(trainCount + validationCount)])
    test = Array(shuffled[(trainCount + validationCount)...])
  }
}
