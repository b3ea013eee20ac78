import TensorCore

/// The base class of every layer and model: it finds its parameters and sub-modules by
/// looking at its own stored properties.
///
/// A stored property of type `Tensor` (or `Tensor?`) is a parameter; one of type `Module`,
/// `Module?` or `[Module]` is a child. Names are the property names joined with dots, and
/// array elements are numbered: `encoder.layers.0.attention.query.weight`, the same scheme
/// as PyTorch's `state_dict()`. Constants that are not trained (a table of sinusoids)
/// are kept in a `Buffer`, which is not listed.
///
/// **Sharing.** A module or tensor reachable by several paths is one object: it is listed
/// once (under the first name found), counted once, and, because it is used several
/// times in the forward pass, its gradient is the sum over all uses. ALBERT's cross-layer
/// sharing and tied input/output embeddings are written exactly that way.
open class Module {
  /// Whether the module is in training mode (dropout active). See `train()` and `eval()`.
  public private(set) var isTraining = true

  public init() {}

  /// The direct children, by property name, in declaration order.
  public func namedChildren() -> [(name: String, module: Module)] {
    var result: [(String, Module)] = []
    visitProperties { name, value in
      if let module = value as? Module {
        result.append((name, module))
      } else if let modules = value as? [Module] {
        for (i, module) in modules.enumerated() { result.append(("\(name).\(i)", module)) }
      }
    }
    return result
  }

  /// The names under which some of this module's tensors are listed, when they differ from
  /// the Swift property names: PyTorch's own, so that a checkpoint loads into the PyTorch
  /// module of the same kind (`weightIH` is `weight_ih_l0` in `torch.nn.GRU`).
  open var tensorNames: [String: String] { [:] }

  /// The tensors this module holds directly (not through children), by name: the property
  /// name, or its entry in `tensorNames`.
  public func namedOwnTensors() -> [(name: String, tensor: Tensor)] {
    var result: [(String, Tensor)] = []
    let renamed = tensorNames
    visitProperties { name, value in
      if let tensor = value as? Tensor {
        result.append((renamed[name] ?? name, tensor))
      } else if let tensors = value as? [Tensor] {
        for (i, tensor) in tensors.enumerated() { result.append(("\(name).\(i)", tensor)) }
      }
    }
    return result
  }

  /// Every parameter of this module and its descendants, with its dotted name; each
  /// distinct tensor appears once, under the first name it is reached by.
  public func namedParameters() -> [(name: String, tensor: Tensor)] {
    var seenTensors = Set<ObjectIdentifier>()
    var seenModules = Set<ObjectIdentifier>()
    var result: [(String, Tensor)] = []
    func walk(_ module: Module, _ prefix: String) {
      guard seenModules.insert(ObjectIdentifier(module)).inserted else { return }
      for (name, tensor) in module.namedOwnTensors()
      where seenTensors.insert(ObjectIdentifier(tensor)).inserted {
        result.append((prefix + name, tensor))
      }
      for (name, child) in module.namedChildren() { walk(child, prefix + name + ".") }
    }
    walk(self, "")
    return result
  }

  /// Every distinct parameter.
  public func parameters() -> [Tensor] {
    namedParameters().map { $0.tensor }
  }

  /// The number of scalar parameters, each shared tensor counted once.
  public var parameterCount: Int {
    parameters().reduce(0) { $0 + $1.count }
  }

  /// This module and all its descendants, each once, parents first.
  public func modules() -> [Module] {
    var seen = Set<ObjectIdentifier>()
    var result: [Module] = []
    func walk(_ module: Module) {
      guard seen.insert(ObjectIdentifier(module)).inserted else { return }
      result.append(module)
      for (_, child) in module.namedChildren() { walk(child) }
    }
    walk(self)
    return result
  }

  /// Switches this module and its descendants to training mode (or evaluation mode when
  /// `on` is false).
  public func train(_ on: Bool = true) {
    for module in modules() { module.isTraining = on }
  }

  /// Switches to evaluation mode: dropout off.
  public func eval() {
    train(false)
  }

  /// Forgets the gradients of every parameter.
  public func zeroGrad() {
    for p in parameters() { p.zeroGrad() }
  }

  /// Calls `body` with each stored property's name and value, unwrapping optionals,
  /// for this class and its superclasses up to `Module`.
  func visitProperties(_ body: (String, Any) -> Void) {
    var mirror: Mirror? = Mirror(reflecting: self)
    var levels: [Mirror] = []
    while let m = mirror, m.subjectType != Module.self {
      levels.append(m)
      mirror = m.superclassMirror
    }
    for level in levels.reversed() {
      for child in level.children {
        guard let label = child.label else { continue }
        if let value = unwrapped(child.value) { body(label, value) }
      }
    }
  }

  func unwrapped(_ value: Any) -> Any? {
    let mirror = Mirror(reflecting: value)
    guard mirror.displayStyle == .optional else { return value }
    return mirror.children.first.map { $0.value }
  }
}

/// A tensor a module keeps but does not train or list as a parameter, such as a fixed
/// table of positional encodings.
public struct Buffer {
  public let tensor: Tensor
  public init(_ tensor: Tensor) { self.tensor = tensor }
}

/// A module with one input and one output, so it can be chained in a `Sequential`.
public protocol UnaryLayer: Module {
  func callAsFunction(_ input: Tensor) -> Tensor
}
