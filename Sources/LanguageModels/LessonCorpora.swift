import TextData

/// The corpora of a lesson that reads a learner's text or, without one, the built-in
/// grammar, at the level and size a learner chooses: each built once, the last one kept.
///
/// Two places of a lesson need its corpus: the check of its settings, before the first cell
/// and again whenever a knob changes while stepping (how long would training take on this
/// text?), and the first cell, which uses it. Asked here with the same settings, both get
/// one corpus; other settings build another.
public final class LessonCorpora {
  /// What a corpus is built from, besides the learner's text.
  struct Settings: Equatable {
    let count: Int
    let level: TextTokenizer.Level
    let merges: Int
  }

  /// The learner's text, read when the lesson starts; `nil` for the built-in grammar or
  /// a file that could not be read.
  public let text: ReadText?
  let path: String?
  /// Why the learner's file could not be read.
  let problem: Error?
  let seed: UInt64
  let minimumTokens: Int
  let purpose: String
  var kept: (settings: Settings, corpus: LanguageModelCorpus)?

  /// Reads the learner's file at `path`, if one is given.
  /// - Parameters:
  ///   - quick: read only the first `TextFile.quickSentences` sentences.
  ///   - minimumTokens: the training tokens a learner's text must give for `purpose`.
  public init(
    path: String?, quick: Bool, seed: UInt64, minimumTokens: Int, for purpose: String
  ) {
    var text: ReadText? = nil
    var problem: Error? = nil
    if let path {
      do {
        text = try TextFile.read(at: path).first(quick ? TextFile.quickSentences : .max)
      } catch {
        problem = error
      }
    }
    self.text = text
    self.problem = problem
    self.path = path
    self.seed = seed
    self.minimumTokens = minimumTokens
    self.purpose = purpose
  }

  /// The corpus at `level` (`merges` subwords at the `bpe` level): the learner's text, or
  /// `builtInCount` sentences of the built-in grammar (see `LanguageModelCorpus.builtIn`).
  /// - Throws: the error that kept the learner's file from being read, or `CorpusError`
  ///   when its text is too small (see `requireTokens`).
  public func corpus(builtInCount: Int, level: TextTokenizer.Level, merges: Int) throws
    -> LanguageModelCorpus
  {
    if let problem { throw problem }
    let settings = Settings(count: builtInCount, level: level, merges: merges)
    if let kept, kept.settings == settings { return kept.corpus }
    let corpus: LanguageModelCorpus
    if let text, let path {
      corpus = LanguageModelCorpus(lines: text.sentences, level: level, merges: merges, seed: seed)
      try corpus.requireTokens(minimumTokens, for: purpose, path: path)
    } else {
      corpus = .builtIn(count: builtInCount, level: level, merges: merges, seed: seed)
    }
    kept = (settings, corpus)
    return corpus
  }
}
