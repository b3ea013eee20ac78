import Foundation
import TensorCore

/// Saving a model's parameters to a safetensors file and loading them back.
///
/// Tensors are stored under their dotted parameter names (`rnn.weightHH`), so the file
/// opens in Python with `safetensors.numpy.load_file` and maps onto a module of the same
/// structure.
extension Module {
  /// Writes every parameter to `path` (atomically: a temporary file, then a rename).
  /// - Parameter metadata: strings stored in the header, such as the model's configuration.
  public func save(to path: String, metadata: [String: String] = [:]) throws {
    let tensors = Dictionary(uniqueKeysWithValues: namedParameters().map { ($0.name, $0.tensor) })
    try SafeTensors.writeAtomically(
      SafeTensors.encode(tensors, metadata: metadata), to: URL(fileURLWithPath: path))
  }

  /// Reads `path` and copies its tensors into this model's parameters.
  ///
  /// Nothing is changed unless the whole file matches: every parameter must be present
  /// with the same shape, and the file must hold nothing else.
  /// - Returns: the file's metadata.
  /// - Throws: `CheckpointError` explaining what does not match.
  @discardableResult
  public func load(from path: String) throws -> [String: String] {
    let expected = namedParameters()
    // Sizes first: a file larger than this model's tensors plus the largest header we
    // accept cannot be a checkpoint of it, and is refused before a byte is read.
    let tensorBytes = expected.reduce(0) { $0 + $1.tensor.count * 4 }
    let limit = tensorBytes + 8 + SafeTensors.maximumHeaderBytes
    let size: Int
    do {
      size = try ReadableFile.size(of: path)
    } catch {
      throw CheckpointError(
        path: path,
        problem: error.isFolder ? "that is a folder; give a .safetensors file" : "\(error)")
    }
    guard size <= limit else {
      throw CheckpointError(
        path: path,
        problem: "it is \(size) bytes, more than a checkpoint of this model can be (at most "
          + "\(limit)); it was saved from a different, larger model")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw CheckpointError(path: path, problem: "it cannot be read; check its permissions")
    }
    let decoded: (tensors: [String: Tensor], metadata: [String: String])
    do {
      decoded = try SafeTensors.decode(data)
    } catch let error as SafeTensorsError {
      throw CheckpointError(path: path, problem: error.description)
    }
    for (name, tensor) in expected {
      guard let stored = decoded.tensors[name] else {
        throw CheckpointError(
          path: path,
          problem: "it has no tensor '\(name)'; it was saved from a different model")
      }
      guard stored.shape == tensor.shape else {
        throw CheckpointError(
          path: path,
          problem: "tensor '\(name)' has shape \(Shape.describe(stored.shape)) but this model "
            + "expects \(Shape.describe(tensor.shape)); it was saved with other sizes")
      }
    }
    let names = Set(expected.map { $0.name })
    if let extra = decoded.tensors.keys.sorted().first(where: { !names.contains($0) }) {
      throw CheckpointError(
        path: path,
        problem: "it holds a tensor '\(extra)' this model does not have; it was saved from a "
          + "different model")
    }
    for (name, _) in expected {
      let values = decoded.tensors[name]!.scalars
      if let bad = values.firstIndex(where: { !$0.isFinite }) {
        throw CheckpointError(
          path: path,
          problem: "tensor '\(name)' holds \(values[bad]) at index "
            + "\(bad); a model with NaN or infinite weights cannot be used (the run that saved "
            + "it diverged; train again with a lower learning rate)")
      }
    }
    for (name, tensor) in expected { tensor.assign(decoded.tensors[name]!) }
    return decoded.metadata
  }
}

/// A checkpoint that could not be loaded into a model, and why.
public struct CheckpointError: Error, CustomStringConvertible, Equatable {
  public let path: String
  public let problem: String

  public var description: String { "cannot load checkpoint \(path): \(problem)" }
}
