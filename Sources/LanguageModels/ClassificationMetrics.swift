/// How well a binary classifier did on labelled examples.
///
/// With positives as the class of interest:
/// - accuracy = (TP + TN) / all: how often it is right;
/// - precision = TP / (TP + FP): when it says positive, how often it is right;
/// - recall = TP / (TP + FN): of the real positives, how many it finds;
/// - F1 = 2 · precision · recall / (precision + recall): one number that is high only when
///   both are. Precision and recall are 0 when their denominator is 0.
public struct BinaryMetrics: Sendable, Equatable {
  public let truePositives: Int
  public let falsePositives: Int
  public let trueNegatives: Int
  public let falseNegatives: Int

  /// Compares predicted labels with the true ones (1 positive, 0 negative).
  public init(predicted: [Int], actual: [Int]) {
    precondition(
      predicted.count == actual.count,
      "BinaryMetrics: \(predicted.count) predictions for \(actual.count) labels")
    var tp = 0
    var fp = 0
    var tn = 0
    var fn = 0
    for (p, a) in zip(predicted, actual) {
      switch (p, a) {
      case (1, 1): tp += 1
      case (1, _): fp += 1
      case (_, 1): fn += 1
      default: tn += 1
      }
    }
    truePositives = tp
    falsePositives = fp
    trueNegatives = tn
    falseNegatives = fn
  }

  public var count: Int { truePositives + falsePositives + trueNegatives + falseNegatives }

  public var accuracy: Double {
    count == 0 ? 0 : Double(truePositives + trueNegatives) / Double(count)
  }

  public var precision: Double {
    let predictedPositive = truePositives + falsePositives
    return predictedPositive == 0 ? 0 : Double(truePositives) / Double(predictedPositive)
  }

  public var recall: Double {
    let actualPositive = truePositives + falseNegatives
    return actualPositive == 0 ? 0 : Double(truePositives) / Double(actualPositive)
  }

  public var f1: Double {
    precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
  }

  /// Rows are the true class, columns the predicted one, negative first:
  /// `[[TN, FP], [FN, TP]]`.
  public var confusion: [[Int]] {
    [[trueNegatives, falsePositives], [falseNegatives, truePositives]]
  }
}

/// The accuracy of always predicting the most common label of `trainLabels`, measured on
/// `labels`: the baseline any classifier must beat.
public func majorityBaseline(trainLabels: [Int], labels: [Int]) -> Double {
  // The commonest training label (of two equally common, the larger: 1 for a tie of 0 and 1).
  var counts: [Int: Int] = [:]
  for label in trainLabels { counts[label, default: 0] += 1 }
  let majority = counts.max { $0.value != $1.value ? $0.value < $1.value : $0.key < $1.key }?.key
  return labels.isEmpty ? 0 : Double(labels.filter { $0 == majority }.count) / Double(labels.count)
}

/// Accuracy, and precision, recall and F1 of each class against all the others (one
/// against the rest), for a classifier of any number of classes.
public struct MulticlassMetrics: Sendable, Equatable {
  /// Rows are the true class, columns the predicted one.
  public let confusion: [[Int]]

  /// Compares predicted classes with the true ones, both in `0..<classes`.
  public init(predicted: [Int], actual: [Int], classes: Int) {
    precondition(
      predicted.count == actual.count,
      "MulticlassMetrics: \(predicted.count) predictions for \(actual.count) labels")
    var confusion = Array(repeating: Array(repeating: 0, count: classes), count: classes)
    for (p, a) in zip(predicted, actual) { confusion[a][p] += 1 }
    self.confusion = confusion
  }

  public var count: Int { confusion.joined().reduce(0, +) }

  public var accuracy: Double {
    count == 0 ? 0 : Double(confusion.indices.reduce(0) { $0 + confusion[$1][$1] }) / Double(count)
  }

  /// Of the examples called `c`, the share that are `c`.
  public func precision(_ c: Int) -> Double {
    let called = confusion.reduce(0) { $0 + $1[c] }
    return called == 0 ? 0 : Double(confusion[c][c]) / Double(called)
  }

  /// Of the examples that are `c`, the share called `c`.
  public func recall(_ c: Int) -> Double {
    let actual = confusion[c].reduce(0, +)
    return actual == 0 ? 0 : Double(confusion[c][c]) / Double(actual)
  }

  public func f1(_ c: Int) -> Double {
    let (p, r) = (precision(c), recall(c))
    return p + r == 0 ? 0 : 2 * p * r / (p + r)
  }
}
