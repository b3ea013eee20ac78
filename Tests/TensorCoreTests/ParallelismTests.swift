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

  #if os(Linux)
    /// A thread pinned to one processor sees one usable core, whatever the machine has:
    /// `activeProcessorCount` would say the machine's count, and the helpers started for it
    /// would spin on the pinned core. The mask is restored afterwards.
    @Test func aThreadPinnedToOneProcessorSeesOneUsableCore() throws {
      // Glibc declares these only for GNU C, which Swift's import of it is not.
      typealias Affinity = @convention(c) (Int32, Int, UnsafeMutableRawPointer) -> Int32
      func function(_ name: String) -> Affinity? {
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), name).map {
          unsafeBitCast($0, to: Affinity.self)
        }
      }
      let sched_getaffinity = try #require(function("sched_getaffinity"))
      let sched_setaffinity = try #require(function("sched_setaffinity"))
      var saved = cpu_set_t()
      try #require(sched_getaffinity(0, MemoryLayout<cpu_set_t>.size, &saved) == 0)
      let machine = ProcessInfo.processInfo.activeProcessorCount
      #expect(lm_usable_processors() >= 1)
      #expect(Parallelism.usableCores >= 1 && Parallelism.usableCores <= machine)
      // The first processor the mask allows, alone.
      var first = -1
      withUnsafeBytes(of: saved) { bytes in
        for bit in 0..<(bytes.count * 8) where bytes[bit / 8] & (1 << (bit % 8)) != 0 {
          first = bit
          break
        }
      }
      try #require(first >= 0)
      var one = cpu_set_t()
      withUnsafeMutableBytes(of: &one) { bytes in bytes[first / 8] = 1 << (first % 8) }
      try #require(sched_setaffinity(0, MemoryLayout<cpu_set_t>.size, &one) == 0)
      defer { _ = sched_setaffinity(0, MemoryLayout<cpu_set_t>.size, &saved) }
      #expect(lm_usable_processors() == 1)
      #expect(Parallelism.usableCores == 1)
    }
  #endif

  /// A container's CPU quota, as cgroup v2 writes it in `cpu.max`: whole processors,
  /// rounded down, at least one; none for "max" or a line that is not two numbers.
  @Test func aCPUQuotaGivesWholeProcessors() {
    #expect(lm_cpu_max_processors("100000 100000\n") == 1)
    #expect(lm_cpu_max_processors("150000 100000\n") == 1)
    #expect(lm_cpu_max_processors("250000 100000\n") == 2)
    #expect(lm_cpu_max_processors("50000 100000") == 1)
    #expect(lm_cpu_max_processors("400000 100000") == 4)
    #expect(lm_cpu_max_processors("max 100000\n") == 0)
    #expect(lm_cpu_max_processors("") == 0)
    #expect(lm_cpu_max_processors("-1 100000") == 0)
  }
}
