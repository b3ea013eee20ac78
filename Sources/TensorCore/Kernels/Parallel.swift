import Dispatch
import Foundation

/// How many threads the kernels may use, and a fork-join loop that honours it.
///
/// Work is always split into the same chunks whatever the thread count, and each output
/// element is computed by exactly one chunk in a fixed order. So results are bit-identical
/// for any `Parallelism.threads`, and a lesson run with one thread prints what a run with
/// two prints.
public enum Parallelism {
  /// The most threads a kernel may use. `1` means no parallel dispatch at all.
  nonisolated(unsafe) public static var threads: Int = defaultThreads()

  /// Below this much work (in multiply-adds or element operations) kernels stay on one
  /// thread: dispatching costs a few microseconds, more than small loops take.
  public static let minimumParallelWork = 1 << 20

  static func defaultThreads() -> Int {
    max(1, ProcessInfo.processInfo.activeProcessorCount)
  }

  /// Runs `body(chunk)` for `chunk` in `0..<chunks`, on up to `threads` threads.
  ///
  /// Chunks are handed out in contiguous runs, one run per thread, so the split depends
  /// only on `chunks` and the thread count, never on timing.
  /// - Parameters:
  ///   - chunks: the number of independent pieces of work.
  ///   - work: the total work, compared against `minimumParallelWork`.
  ///   - body: computes one chunk; chunks must not write to the same memory.
  @inline(__always)
  static func forEach(chunks: Int, work: Int, _ body: (Int) -> Void) {
    let workers = min(threads, chunks)
    if workers <= 1 || work < minimumParallelWork {
      for chunk in 0..<chunks { body(chunk) }
      return
    }
    withoutActuallyEscaping(body) { body in
      DispatchQueue.concurrentPerform(iterations: workers) { worker in
        let start = chunks * worker / workers
        let end = chunks * (worker + 1) / workers
        for chunk in start..<end { body(chunk) }
      }
    }
  }
}
