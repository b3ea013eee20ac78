import Foundation

/// The memory behind a tensor: a fixed-size buffer of `Float`s.
///
/// A storage is owned by one tensor (views are not shared between tensors), so ops can
/// write into a fresh storage without copy-on-write checks. A *meta* storage has a size
/// but no memory: it lets us build a model with a billion parameters just to count them.
final class Storage {
  let pointer: UnsafeMutablePointer<Float>
  let count: Int
  let isMeta: Bool

  /// Allocates `count` floats, uninitialised; callers fill every element.
  init(count: Int) {
    self.count = count
    self.isMeta = false
    self.pointer = BufferPool.allocate(count)
  }

  /// A storage that records its size and owns no memory.
  init(metaCount count: Int) {
    self.count = count
    self.isMeta = true
    self.pointer = UnsafeMutablePointer<Float>.allocate(capacity: 1)
  }

  deinit {
    if isMeta {
      pointer.deallocate()
    } else {
      BufferPool.release(pointer, count)
    }
  }
}

/// A cache of recently freed buffers, keyed by size.
///
/// A training step makes the same tensors, of the same sizes, every time. Handing back a
/// buffer freed by the previous step avoids asking the system for fresh pages (and the
/// page faults that come with them), which costs more than the arithmetic for small
/// models. The cache holds at most `limitBytes`; beyond that, buffers go back to the
/// system. A lock makes it safe to make tensors on several threads at once.
enum BufferPool {
  static let lock = NSLock()
  nonisolated(unsafe) static var free: [Int: [UnsafeMutablePointer<Float>]] = [:]
  nonisolated(unsafe) static var cachedBytes = 0
  static let limitBytes = 256 << 20
  /// Buffers smaller than this come from `malloc`'s own fast bins.
  static let minimumCount = 1024

  static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
    if count >= minimumCount {
      lock.lock()
      let buffer = free[count]?.popLast()
      if buffer != nil { cachedBytes -= count * 4 }
      lock.unlock()
      if let buffer { return buffer }
    }
    return UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
  }

  static func release(_ pointer: UnsafeMutablePointer<Float>, _ count: Int) {
    if count >= minimumCount {
      lock.lock()
      let kept = cachedBytes + count * 4 <= limitBytes
      if kept {
        free[count, default: []].append(pointer)
        cachedBytes += count * 4
      }
      lock.unlock()
      if kept { return }
    }
    pointer.deallocate()
  }
}
