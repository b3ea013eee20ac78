/// Cutting a long line of a learner's text into pieces a batch can hold.
///
/// One paragraph-long line would make every padded batch as long as itself, so lines of
/// more than `maximumCharacters` are cut, at the last white space before the limit (or at
/// the limit, in a run with no space), and the white space at the cut is dropped.
public enum LongLines {
  /// The longest piece, in characters.
  public static let maximumCharacters = 240

  /// `line` cut into pieces of at most `maximumCharacters` characters. Linear in the
  /// line's length: each cut looks only at the next `maximumCharacters` characters.
  public static func pieces(_ line: String) -> [String] {
    var rest = Substring(line)
    var result: [String] = []
    while let limit = rest.index(
      rest.startIndex, offsetBy: maximumCharacters, limitedBy: rest.endIndex),
      limit != rest.endIndex
    {
      let cut = rest[..<limit].lastIndex(where: \.isWhitespace) ?? limit
      let piece = rest[..<cut]
      if !piece.isEmpty { result.append(String(piece)) }
      rest = rest[cut...].drop(while: \.isWhitespace)
    }
    if !rest.isEmpty { result.append(String(rest)) }
    return result
  }

  /// About how many pieces `line` will be cut into, without cutting it: at least this many
  /// (a cut at a space before the limit can make a piece shorter, and so one more).
  public static func pieceCount(_ line: String) -> Int {
    Swift.max(1, (line.count + maximumCharacters - 1) / maximumCharacters)
  }
}
