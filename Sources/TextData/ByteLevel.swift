/// The two fixed steps before byte-pair encoding, as GPT-2 defined them: cutting text into
/// pre-tokens, and writing each byte as a visible character.
extension BytePairEncoding {
  /// The visible character GPT-2 writes for `byte`: the printable bytes `!`…`~`, `¡`…`¬`
  /// and `®`…`ÿ` stand for themselves; the other 68 (controls, the space, …) take the
  /// characters from U+0100 on, in byte order, so the space (byte 32) is `Ġ` (U+0120).
  /// A merge list of such characters never holds a space or a control character.
  public static func symbol(forByte byte: UInt8) -> String {
    String(Character(byteSymbols[Int(byte)]))
  }

  static let byteSymbols: [Unicode.Scalar] = {
    let printable = Set(Array(33...126) + Array(161...172) + Array(174...255))
    var next = 256
    return (0..<256).map { byte in
      if printable.contains(byte) { return Unicode.Scalar(UInt32(byte))! }
      defer { next += 1 }
      return Unicode.Scalar(UInt32(next))!
    }
  }()

  static let byteForSymbol: [Unicode.Scalar: UInt8] = {
    var result: [Unicode.Scalar: UInt8] = [:]
    for (byte, scalar) in byteSymbols.enumerated() { result[scalar] = UInt8(byte) }
    return result
  }()

  /// Cuts `text` into pre-tokens by GPT-2's rule, so that merges never cross a word's edge.
  ///
  /// At each position, the first of these that matches is taken: an English contraction
  /// (`'s`, `'t`, `'re`, `'ve`, `'m`, `'ll`, `'d`); an optional space and a run of letters;
  /// an optional space and a run of digits; an optional space and a run of other
  /// characters (not letters, digits or white space); a run of white space that is not
  /// followed by other text (the last space before a word stays with the word); any
  /// remaining run of white space. This is the regular expression
  /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`, written out
  /// so it needs no regular-expression engine. The pre-tokens joined give back `text`.
  public static func pretokenize(_ text: String) -> [String] {
    let scalars = Array(text.unicodeScalars)
    var pieces: [String] = []
    var i = 0
    while i < scalars.count {
      let end = pieceEnd(scalars, from: i)
      var piece = String.UnicodeScalarView()
      piece.append(contentsOf: scalars[i..<end])
      pieces.append(String(piece))
      i = end
    }
    return pieces
  }

  /// Where the pre-token starting at `start` ends (exclusive).
  static func pieceEnd(_ s: [Unicode.Scalar], from start: Int) -> Int {
    let n = s.count
    if s[start] == "'" {
      for suffix in ["s", "t", "re", "ve", "m", "ll", "d"] {
        let letters = Array(suffix.unicodeScalars)
        let end = start + 1 + letters.count
        if end <= n, Array(s[(start + 1)..<end]) == letters { return end }
      }
    }
    // An optional space, then a run of one class.
    let body = s[start] == " " && start + 1 < n ? start + 1 : start
    for kind in [CharacterKind.letter, .number, .other] where kind.matches(s[body]) {
      var end = body + 1
      while end < n, kind.matches(s[end]) { end += 1 }
      return end
    }
    // White space: the whole run if text does not follow it, else all but its last.
    var end = start
    while end < n, s[end].properties.isWhitespace { end += 1 }
    if end == n || end - start == 1 { return end }
    return end - 1
  }

  /// The classes of GPT-2's rule: `\p{L}`, `\p{N}`, and neither (nor white space).
  enum CharacterKind {
    case letter, number, other

    func matches(_ scalar: Unicode.Scalar) -> Bool {
      switch self {
      case .letter: return scalar.isLetterCategory
      case .number: return scalar.isNumberCategory
      case .other:
        return !scalar.properties.isWhitespace && !scalar.isLetterCategory
          && !scalar.isNumberCategory
      }
    }
  }
}

extension Unicode.Scalar {
  /// In a Unicode letter category (`\p{L}`).
  var isLetterCategory: Bool {
    switch properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
      return true
    default: return false
    }
  }

  /// In a Unicode number category (`\p{N}`).
  var isNumberCategory: Bool {
    switch properties.generalCategory {
    case .decimalNumber, .letterNumber, .otherNumber: return true
    default: return false
    }
  }
}
