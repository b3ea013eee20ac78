import CKernels
import Dispatch
import Foundation

/// How many threads the kernels may use, and a fork-join loop that honours it.
///
/// Work is always split into the same chunks whatever the thread count, and each output
/// element is computed by exactly one chunk in a fixed order. So results are bit-identical
/// for any `Parallelism.threads`, and a lesson run with one thread prints what a run with
/// two prints.
public enum Parallelism {
  /// The most threads a kernel may use. `1` means no parallel dispatch at all. Read by
  /// every kernel on whatever thread runs it, so it lives in an atomic (`lm_thread_limit`).
  public static var threads: Int {
    get {
      let limit = lm_thread_limit()
      return limit > 0 ? limit : machineThreads
    }
    set { lm_set_thread_limit(Swift.max(1, newValue)) }
  }

  /// The default: every core the process may use (see `usableCores`).
  static let machineThreads = defaultThreads()

  /// Below this much work (in multiply-adds or element operations) kernels stay on one
  /// thread. Handing a chunk to a spinning helper and waiting for it costs about a
  /// microsecond, so products from 32,768 multiply-adds up (a recurrent step's
  /// `[32, 128] · [128, 128]` has 524,288) are shared; with Dispatch's wake-ups the bar
  /// was 16.8 million.
  public static let minimumParallelWork = 1 << 15

  static func defaultThreads() -> Int { usableCores }

  /// The cores this process may run on: the machine's, fewer when the process is pinned to
  /// some (`taskset`, a container's cpuset) or given a CPU quota (`docker --cpus 1`).
  /// Foundation's `activeProcessorCount` counts the machine's alone, and a helper started
  /// for a core the process cannot use spins on the one its own thread needs.
  public static var usableCores: Int {
    let machine = ProcessInfo.processInfo.activeProcessorCount
    let usable = lm_usable_processors()
    return max(1, usable > 0 ? min(usable, machine) : machine)
  }

  /// Runs `body(chunk)` for `chunk` in `0..<chunks`, on up to `threads` threads.
  ///
  /// Each chunk is computed the same way whichever thread claims it, so the results never
  /// depend on timing or on the thread count.
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
    // The helpers of `lm_pool_run` spin between loops, so handing them a chunk costs well
    // under a microsecond, against tens for waking a Dispatch worker.
    withoutActuallyEscaping(body) { body in
      var closure = body
      withUnsafeMutablePointer(to: &closure) { pointer in
        lm_pool_run(
          workers, chunks,
          { context, chunk in
            context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(chunk)
          }, pointer)
      }
    }
  }
}

extension Parallelism {
  /// Runs `body(range)` over `0..<count` cut into one contiguous range per thread, each
  /// range but the last a multiple of `granule` long, when the work (`count · cost`) is
  /// worth sharing; otherwise `body(0..<count)` on this thread.
  ///
  /// For elementwise loops (activations, layer norm rows, optimizer updates): every element
  /// gets the same arithmetic whichever range holds it, so the result does not depend on the
  /// thread count. Sums *across* elements must stay inside one range. The bar is 65,536
  /// element operations: an addition of two `[768, 128]` activations (98,304) is shared,
  /// since a spinning helper takes its half in about a microsecond.
  @inline(__always)
  public static func forEachRange(
    _ count: Int, cost: Int = 1, granule: Int = 16, _ body: (Range<Int>) -> Void
  ) {
    let workers = Swift.min(threads, count / granule)
    if workers <= 1 || count * cost < minimumParallelWork * 2 {
      body(0..<count)
      return
    }
    let blocks = (count + granule - 1) / granule
    forEach(chunks: workers, work: count * cost) { chunk in
      let lo = blocks * chunk / workers * granule
      let hi = Swift.min(count, blocks * (chunk + 1) / workers * granule)
      if lo < hi { body(lo..<hi) }
    }
  }
}

extension Parallelism {
  /// Runs `body(index)` for every index in `0..<count`, up to `threads` at a time, and
  /// returns the results in index order.
  ///
  /// For independent jobs too small to share a matrix product between cores, such as
  /// training several small models on the same data: each job must draw from its own
  /// generator and write only its own tensors. Every job then computes what it would
  /// compute alone, so the results do not depend on the thread count or on timing. If jobs
  /// throw, the error of the lowest index is rethrown after all have finished.
  public static func map<T>(_ count: Int, _ body: (Int) throws -> T) throws -> [T] {
    let workers = Swift.min(threads, count)
    if workers <= 1 { return try (0..<count).map(body) }
    let lock = NSLock()
    var results = [Result<T, Error>?](repeating: nil, count: count)
    var next = 0
    withoutActuallyEscaping(body) { body in
      DispatchQueue.concurrentPerform(iterations: workers) { _ in
        while true {
          let index: Int = lock.withLock {
            defer { next += 1 }
            return next
          }
          if index >= count { return }
          // While the jobs fill the cores their kernels run serially; the last ones share.
          lm_pool_serial(true)
          let result = Result { try body(index) }
          lm_pool_serial(false)
          lock.withLock { results[index] = result }
        }
      }
    }
    return try results.map { try $0!.get() }
  }
}

/// Reusable work buffers for kernels (the packed blocks of a matrix product).
///
/// Allocating them for every call is not just slow: buffers above the C library's mmap
/// threshold are mapped and unmapped each time, and unmapping memory in a process with
/// worker threads makes the kernel interrupt every core to flush its address cache. A
/// small pool of buffers that only grow avoids all of that.
enum ScratchPool {
  struct Buffer {
    let pointer: UnsafeMutablePointer<Float>
    let capacity: Int
  }

  static let lock = NSLock()
  nonisolated(unsafe) static var free: [Buffer] = []

  /// A buffer of at least `count` floats, uninitialised.
  static func take(_ count: Int) -> Buffer {
    lock.lock()
    if let index = free.lastIndex(where: { $0.capacity >= count }) {
      let buffer = free.remove(at: index)
      lock.unlock()
      return buffer
    }
    let replaced = free.isEmpty ? nil : free.removeFirst()
    lock.unlock()
    replaced?.pointer.deallocate()
    let capacity = Swift.max(count, 1024)
    return Buffer(pointer: .allocate(capacity: capacity), capacity: capacity)
  }

  /// Returns a buffer for reuse.
  static func give(_ buffer: Buffer) {
    lock.lock()
    free.append(buffer)
    lock.unlock()
  }
}
