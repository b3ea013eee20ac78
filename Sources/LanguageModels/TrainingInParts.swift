import NeuralNetwork
import TensorCore

/// What a classifier on an encoder reuses from a pre-trained encoder, and what it trains.
///
/// Pre-training and the task need not train the same parts. Reusing everything and
/// training everything is *full fine-tuning*; reusing everything and training only the new
/// classifier is a *linear probe* (the encoder is a fixed feature extractor); reusing only
/// the word vectors in an encoder trained from scratch is the older recipe of pre-trained
/// word embeddings. Frozen parameters are marked `requiresGrad = false`, so no gradient is
/// computed for them, and no graph is recorded through a part where none of its inputs
/// needs one: a frozen encoder costs a forward pass per step and no backward pass.
public enum FineTuningRecipe: String, Sendable, CaseIterable {
  /// Nothing reused: a freshly initialised encoder, every parameter trained.
  case scratch = "from scratch"
  /// The whole pre-trained encoder reused, every parameter trained.
  case full = "full fine-tuning"
  /// The whole pre-trained encoder reused and frozen; only the classifier trained.
  case linearProbe = "linear probe"
  /// Only the pre-trained word table reused, frozen, in a fresh encoder; the rest (position
  /// and segment tables, layers, pooler, classifier) trained from scratch.
  case wordVectors = "embeddings only"

  /// Whether the recipe reads anything from a pre-trained encoder.
  public var reusesPretraining: Bool { self != .scratch }

  /// Copies into `classifier`'s encoder what the recipe reuses from `source`, freezes what
  /// it keeps fixed, and returns the parameters left to train, one group per depth, bottom
  /// (embeddings) to top (the classifier), as `ParameterGroup.layerwise` takes them. A
  /// group may be empty.
  /// - Parameters:
  ///   - classifier: a classifier on a freshly initialised encoder.
  ///   - source: the pre-trained encoder, of the same configuration; ignored by `scratch`.
  public func prepare(
    _ classifier: SequenceClassifier, from source: TransformerEncoderModel?
  ) -> [[Tensor]] {
    let encoder = classifier.encoder
    if reusesPretraining {
      guard let source else {
        preconditionFailure("FineTuningRecipe: '\(rawValue)' needs a pre-trained encoder")
      }
      precondition(
        source.configuration == encoder.configuration,
        "FineTuningRecipe: the pre-trained encoder is \(source.configuration.name), "
          + "the classifier's \(encoder.configuration.name)")
    }
    switch self {
    case .scratch:
      break
    case .full:
      for (p, q) in zip(encoder.parameters(), source!.parameters()) { p.assign(q) }
    case .linearProbe:
      for (p, q) in zip(encoder.parameters(), source!.parameters()) { p.assign(q) }
      for p in encoder.parameters() { p.requiresGrad = false }
    case .wordVectors:
      let word = encoder.embeddings.word.weight
      word.assign(source!.embeddings.word.weight)
      word.requiresGrad = false
    }
    return (encoder.parameterGroupsByDepth() + [classifier.head.parameters()]).map {
      $0.filter { $0.requiresGrad }
    }
  }
}
