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
  let positives = trainLabels.filter { $0 == 1 }.count
  let majority = positives * 2 >= trainLabels.count ? 1 : 0
  return labels.isEmpty ? 0 : Double(labels.filter { $0 == majority }.count) / Double(labels.count)
}
