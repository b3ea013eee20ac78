import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Checking that a path names a regular file before a byte of it is read: a corpus, a
/// checkpoint, a model folder's weights.
///
/// One `stat` call, which follows symbolic links as reading would, so a link to a good file
/// is that file. When it fails, the reason names what the learner can fix: a link whose
/// target is missing, links that loop, a part of the path that is a file, a folder without
/// permission. (Foundation's `attributesOfItem` describes the link itself, not its target,
/// and `fileExists` answers "no such file" for all of those.)
public enum ReadableFile {
  /// The size in bytes of the regular file at `path`.
  /// - Throws: `ReadableFileError` with a sentence saying what `path` is instead.
  public static func size(of path: String) throws(ReadableFileError) -> Int {
    guard !path.isEmpty else { throw ReadableFileError("an empty path names no file") }
    var status = stat()
    guard stat(path, &status) == 0 else { throw ReadableFileError(explaining: errno, path) }
    switch status.st_mode & S_IFMT {
    case S_IFREG: return Int(status.st_size)
    case S_IFDIR: throw ReadableFileError("\(path) is a folder")
    case S_IFIFO: throw ReadableFileError("\(path) is a pipe, not a file")
    case S_IFSOCK: throw ReadableFileError("\(path) is a socket, not a file")
    case S_IFCHR, S_IFBLK: throw ReadableFileError("\(path) is a device, not a file")
    default: throw ReadableFileError("\(path) is not a regular file")
    }
  }
}

/// Why a path cannot be read as a file, as a sentence without a fix: each caller adds the
/// fix that fits what it wanted (a text file, a checkpoint).
public struct ReadableFileError: Error, CustomStringConvertible, Equatable {
  public let description: String
  /// Whether the path names a folder (a caller may say "give a file inside it").
  public var isFolder: Bool { description.hasSuffix(" is a folder") }

  init(_ description: String) { self.description = description }

  /// The sentence for `stat`'s error `code` on `path`.
  init(explaining code: Int32, _ path: String) {
    switch code {
    case ENOENT:
      if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
        self.init("\(path) is a symbolic link to \(target), which does not exist")
      } else {
        self.init("\(path): no such file")
      }
    case ELOOP:
      self.init("\(path) is a symbolic link that leads back to itself (a loop of links)")
    case ENOTDIR: self.init("\(path): a part of the path is a file, not a folder")
    case EACCES: self.init("\(path): permission denied (a folder on the path may not be read)")
    case ENAMETOOLONG: self.init("\(path): the name is too long for this system")
    default: self.init("\(path) cannot be read (\(String(cString: strerror(code))))")
    }
  }
}
