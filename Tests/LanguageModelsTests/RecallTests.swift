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
