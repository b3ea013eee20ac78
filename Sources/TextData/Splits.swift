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

  /// Cuts `items` so that all copies of an item (items with the same `key`) fall in one
  /// split: no validation or test item is a copy of a training item, by construction.
  ///
  /// The distinct keys, in order of first appearance, are shuffled with `generator` and
  /// cut: the first `trainFraction` of them for training, the next `validationFraction` for
  /// validation, the rest for test (counts rounded down); each key brings all its items, in
  /// their original order. With many copies of a few items, the splits' sizes in items
  /// differ from the fractions; their sizes in distinct items do not.
  public init<Key: Hashable>(
    _ items: [Item], keepingCopiesOf key: (Item) -> Key, trainFraction: Double = 0.8,
    validationFraction: Double = 0.1, using generator: inout SplitMix64
  ) {
    var groups: [Key: [Item]] = [:]
    var keys: [Key] = []
    for item in items {
      let k = key(item)
      if groups[k] == nil { keys.append(k) }
      groups[k, default: []].append(item)
    }
    generator.shuffle(&keys)
    let trainCount = Int(Double(keys.count) * trainFraction)
    let validationCount = Int(Double(keys.count) * validationFraction)
    func expand(_ part: ArraySlice<Key>) -> [Item] { part.flatMap { groups[$0]! } }
    train = expand(keys[..<trainCount])
    validation = expand(keys[trainCount..<(trainCount + validationCount)])
    test = expand(keys[(trainCount + validationCount)...])
  }

  /// How many validation and test items have a copy (the same `key`) in training, counted
  /// afresh: 0 for splits made by `init(_:keepingCopiesOf:…)`, which the lessons print so the
  /// learner can see it.
  public func heldOutOverlap<Key: Hashable>(_ key: (Item) -> Key) -> (validation: Int, test: Int) {
    let seen = Set(train.map(key))
    return (
      validation.filter { seen.contains(key($0)) }.count,
      test.filter { seen.contains(key($0)) }.count
    )
  }

  /// "validation and test items also in training: 0 of 400", for a lesson to print.
  public func overlapSummary<Key: Hashable>(_ key: (Item) -> Key) -> String {
    let overlap = heldOutOverlap(key)
    return "validation and test items also in training: \(overlap.validation + overlap.test) of "
      + "\(validation.count + test.count)"
  }
}

extension Splits where Item: Hashable {
  /// Cuts `items` as `init(_:keepingCopiesOf:…)` does, an item's copies being the equal
  /// items.
  public init(
    _ items: [Item], trainFraction: Double = 0.8, validationFraction: Double = 0.1,
    using generator: inout SplitMix64
  ) {
    self.init(
      items, keepingCopiesOf: { $0 }, trainFraction: trainFraction,
      validationFraction: validationFraction, using: &generator)
  }
}
