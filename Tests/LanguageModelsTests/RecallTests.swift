import Testing

@testable import LanguageModels
@testable import TensorCore

struct RecallTests {
  @Test func examplesHaveDistinctKeysAndTheRightAnswer() {
    let task = RecallTask(keys: 6, values: 4, pairs: 5)
    var g = SplitMix64(seed: 1)
    let batch = task.batch(50, using: &g)
    let length = task.pairs + 1
    for e in 0..<batch.count {
      let keys = Array(batch.keyIDs[(e * length)..<(e * length + task.pairs)])
      #expect(Set(keys).count == task.pairs)
      let query = batch.keyIDs[e * length + task.pairs]
      let position = keys.firstIndex(of: query)!
      #expect(batch.answers[e] == batch.valueIDs[e * length + position])
      #expect(batch.valueIDs[e * length + task.pairs] == task.values)
    }
    #expect(task.describe(batch, example: 0).count == length)
    #expect(task.describe(batch, example: 0).last!.hasPrefix("?"))
  }

  /// A test drawn with the training examples excluded holds none of them; a small task
  /// whose every example was seen gives an empty test rather than copies.
  @Test func heldOutExamplesAreNotTrainingExamples() {
    let task = RecallTask(keys: 4, values: 3, pairs: 2)  // 4·3 · 3·3 · 2 = 216 examples
    var g = SplitMix64(seed: 3)
    let training = task.batch(150, using: &g)
    let seen = Set((0..<training.count).map { task.example(training, $0) })
    #expect(seen.count < 150 && seen.count > 80)
    var plain = g
    let drawn = task.batch(60, using: &plain)
    #expect((0..<60).contains { seen.contains(task.example(drawn, $0)) })
    let test = task.batch(60, excluding: seen, using: &g)
    #expect(test.count == 60)
    #expect(!(0..<test.count).contains { seen.contains(task.example(test, $0)) })
    #expect(task.example(test, 0).count == 2 * (task.pairs + 1))
    var everything = Set<[Int]>()
    var h = SplitMix64(seed: 4)
    while everything.count < 216 {
      let b = task.batch(100, using: &h)
      for i in 0..<b.count { everything.insert(task.example(b, i)) }
    }
    #expect(task.batch(10, excluding: everything, using: &h).count == 0)
  }

  @Test func bothModelsHaveCorrectGradients() {
    let task = RecallTask(keys: 4, values: 3, pairs: 2)
    var g = SplitMix64(seed: 2)
    let batch = task.batch(3, using: &g)
    let attention = AttentionRecallModel(task: task, dimension: 4, heads: 2, using: &g)
    let recurrent = RecurrentRecallModel(task: task, dimension: 4, hiddenSize: 3, using: &g)
    for model in [attention as any RecallModel, recurrent] {
      let check = GradientCheck.check(model.parameters()) { model.loss(batch) }
      #expect(check.passed(tolerance: 5e-3), "\(check)")
    }
    _ = attention.logits(batch)
    #expect(attention.queryAttention?.shape == [3, 2, 3])
  }
}
