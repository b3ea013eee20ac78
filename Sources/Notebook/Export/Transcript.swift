/// What a run showed, in order, ready to be written as Markdown or as a notebook.
struct Transcript {
  enum Entry {
    case markdown(String)
    case code(number: Int, title: String, prose: String, source: [String], output: [String])
  }

  let title: String
  let introduction: String
  var entries: [Entry] = []
}
