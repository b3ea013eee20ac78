import CKernels
import Foundation
import Testing

@testable import TensorCore

/// `Parallelism.map`: results in index order, the same for any thread count, errors passed on.
struct ParallelismTests {
  struct Failure: Error, Equatable { let index: Int }

  /// Each job trains nothing but draws from its own generator and does its own products;
  /// one thread and two must give the same results, in order.
  @Test func mapGivesTheSameResultsInOrderForAnyThreadCount() throws {
    func job(_ index: Int) -> [Float] {
      var g = SplitMix64(seed: UInt64(index))
      let a = Tensor.uniform([20, 30], low: -1, high: 1, using: &g)
      let b = Tensor.uniform([30, 10], low: -1, high: 1, using: &g)
      return (matmul(a, b).tanh().sum() + Float(index)).scalars
    }
    let saved = Parallelism.threads
    defer { Parallelism.threads = saved }
    Parallelism.threads = 1
    let one = try Parallelism.map(7, job)
    Parallelism.threads = 2
    let two = try Parallelism.map(7, job)
    #expect(one == two)
    #expect(one == (0..<7).map(job))
  }

  /// Thousands of loops in a row, of every size, each chunk run exactly once: the helpers
  /// that spin between loops never run a chunk of a loop that has ended, nor miss one.
  @Test func poolRunsEveryChunkOnceInLoopAfterLoop() {
    let counts = UnsafeMutablePointer<Int>.allocate(capacity: 32)
    defer { counts.deallocate() }
    var wrong = 0
    for loop in 0..<3_000 {
      let chunks = 1 + loop % 17
      counts.update(repeating: 0, count: chunks)
      lm_pool_run(
        2, chunks,
        { context, chunk in context!.assumingMemoryBound(to: Int.self)[chunk] += 1 },
        UnsafeMutableRawPointer(counts))
      if (0..<chunks).contains(where: { counts[$0] != 1 }) { wrong += 1 }
    }
    #expect(wrong == 0)
  }

  @Test func mapRethrowsTheErrorOfTheLowestIndex() {
    let saved = Parallelism.threads
    defer { Parallelism.threads = saved }
    Parallelism.threads = 2
    #expect(throws: Failure(index: 2)) {
      try Parallelism.map(6) { index -> Int in
        if index == 2 || index == 4 { throw Failure(index: index) }
        return index
      }
    }
  }
}
