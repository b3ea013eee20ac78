import Foundation
import Testing

@testable import TensorCore
@testable import TextData

struct BytePairEncodingTests {
  /// GPT-2's pre-tokens, worked out by hand from its regular expression.
  @Test(arguments: [
    ("Hello world", ["Hello", " world"]),
    ("it's 2024!!", ["it", "'s", " 2024", "!!"]),
    ("a  b", ["a", " ", " b"]),
    ("end.\n\nNext", ["end", ".", "\n", "\n", "Next"]),
    ("tabs\t\tx ", ["tabs", "\t", "\t", "x", " "]),
    ("''s don't", ["''", "s", " don", "'t"]),
    ("", []),
  ])
  func pretokens(_ text: String, _ expected: [String]) {
    #expect(BytePairEncoding.pretokenize(text) == expected)
  }

  /// The first merges are the commonest pairs, counted here independently.
  @Test func firstMergesAreTheCommonestPairs() {
    let texts = ["low lower lowest", "newer wider lower", "low low"]
    let bpe = BytePairEncoding(learningFrom: texts, merges: 3)
    // Pairs inside the pre-tokens, counted by hand: "low" x3, " low" x2, " lower" x2,
    // " lowest", "newer", " wider": "lo" and "ow" occur 6 times each, then "Ġl" 4 times.
    var counts: [String: Int] = [:]
    for text in texts {
      for piece in BytePairEncoding.pretokenize(text) {
        let symbols = piece.utf8.map { BytePairEncoding.symbol(forByte: $0) }
        for i in 0..<(symbols.count - 1) {
          counts[symbols[i] + "|" + symbols[i + 1], default: 0] += 1
        }
      }
    }
    #expect(counts["l|o"] == 6 && counts["o|w"] == 6 && counts["Ġ|l"] == 4)
    #expect(bpe.merges.count == 3)
    // Ties go to the pair whose symbols came first (bytes in order: "l" 108 < "o" 111).
    #expect(bpe.merges[0] == ("l", "o"))
    #expect(bpe.merges[1] == ("lo", "w"))
    #expect(bpe.merges[2] == ("Ġ", "low"))
    #expect(bpe.encode("low lower") == ["low", "Ġlow", "e", "r"])
  }

  /// Decoding undoes encoding on any text, characters never seen in training included.
  @Test func encodeThenDecodeIsTheIdentityOnFuzzedText() {
    let bpe = BytePairEncoding(
      learningFrom: ["the cat sat on the mat.", "The cats' mats aren't flat!"], merges: 40)
    for string in Self.fuzzed(count: 300, seed: 7) {
      #expect(BytePairEncoding.pretokenize(string).joined() == string)
      #expect(bpe.decode(bpe.encode(string)) == string)
    }
  }

  /// Random strings of letters, digits, punctuation, white space of several kinds,
  /// combining marks, emoji and scripts the training text never had.
  static func fuzzed(count: Int, seed: UInt64) -> [String] {
    var g = SplitMix64(seed: seed)
    let alphabet: [Unicode.Scalar] =
      Array("aeiou thecsmAT.,!?'\n\t0123456789-".unicodeScalars) + [
        "é", "ß", "中", "文", "😀", "\u{301}", "\u{200D}", "\u{00A0}", "\u{2028}", "Ω", "٣", "\r",
      ]
    return (0..<count).map { _ in
      var text = String.UnicodeScalarView()
      for _ in 0..<g.index(40) { text.append(alphabet[g.index(alphabet.count)]) }
      return String(text)
    }
  }

  /// A tokenizer written as `tokenizer.json` and read back encodes the same; with
  /// `LM_INTEROP_DIR` set (as `.ci/run` does when `tokenizers` is installed), the file, the
  /// texts and our ids are left there for Hugging Face to encode.
  @Test func huggingFaceFileRoundTrips() throws {
    var g = SplitMix64(seed: 3)
    let sentences = SentenceCorpus.course.generate(count: 400, using: &g).map(\.text)
    let corpus = Array(sentences[..<300])
    let held =
      Array(sentences[300...]) + [
        "Unseen WORDS, digits 12345 and ünïcödé — all encoded!", "  spaces   inside\tand tabs ",
        "it's the cats' toy; they'll play.",
      ] + Self.fuzzed(count: 200, seed: 11)
    let bpe = BytePairEncoding(learningFrom: corpus, merges: 120)
    let vocabulary = Vocabulary(tokens: Vocabulary.specials + bpe.symbols)
    let json = bpe.huggingFaceJSON(vocabulary: vocabulary)
    let back = try BytePairEncoding.fromHuggingFaceJSON(Data(json.utf8))
    #expect(back.merges.count == bpe.merges.count)
    for text in held { #expect(back.encode(text) == bpe.encode(text)) }
    if let folder = ProcessInfo.processInfo.environment["LM_INTEROP_DIR"] {
      let url = URL(fileURLWithPath: folder)
      try Data(json.utf8).write(to: url.appendingPathComponent("tokenizer.json"))
      let ids = held.map { vocabulary.encode(bpe.encode($0)) }
      let cases = try JSONSerialization.data(withJSONObject: ["texts": held, "ids": ids])
      try cases.write(to: url.appendingPathComponent("tokenizer-cases.json"))
    }
  }
}
