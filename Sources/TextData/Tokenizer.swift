/// Turning text into tokens.
///
/// Two levels, both documented exactly so that anyone can reproduce a token count:
///
/// - **Words**: the text is lower-cased; a run of letters, digits and apostrophes is one
///   word; every other character that is not white space is a token by itself
///   (`"Don't stop!"` → `["don't", "stop", "!"]`).
/// - **Characters**: every character (Unicode grapheme cluster) is a token, spaces
///   included, and the text is kept as it is.
public enum TokenLevel: String, Sendable, CaseIterable {
  case word, char

  /// Splits `text` into tokens at this level.
  public func tokenize(_ text: String) -> [String] {
    switch self {
    case .word: return Tokenizer.words(text)
    case .char: return Tokenizer.characters(text)
    }
  }

  /// Joins tokens back into text: words with spaces, characters directly.
  public func join(_ tokens: [String]) -> String {
    self == .word ? tokens.joined(separator: " ") : tokens.joined()
  }
}

public enum Tokenizer {
  /// Word tokens by the rule above.
  public static func words(_ text: String) -> [String] {
    var tokens: [String] = []
    var current = ""
    for character in text.lowercased() {
      if character.isLetter || character.isNumber || character == "'" {
        current.append(character)
        continue
      }
      if !current.isEmpty {
        tokens.append(current)
        current = ""
      }
      if !character.isWhitespace { tokens.append(String(character)) }
    }
    if !current.isEmpty { tokens.append(current) }
    return tokens
  }

  /// Character tokens.
  public static func characters(_ text: String) -> [String] {
    text.map { String($0) }
  }
}
