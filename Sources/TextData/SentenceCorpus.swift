import Foundation
import TensorCore

/// A sentence of the built-in corpus, with the topic it was generated from.
public struct Sentence: Sendable, Equatable {
  public let text: String
  /// An index into `SentenceCorpus.topics`.
  public let topic: Int

  public init(text: String, topic: Int) {
    self.text = text
    self.topic = topic
  }
}

/// Short English sentences on five topics, generated from a small grammar written for
/// this course ("the puppies are playing outside the house .").
///
/// Each sentence is made by choosing a topic, then one of its templates, then a word or
/// phrase for every slot of the template — each choice uniformly at random. Some
/// templates link words far apart: in "the puppies that the girl fed are hungry", the
/// verb must agree with a noun seven words back, and every sentence keeps to its topic's
/// vocabulary. A model that carries information across the sentence can use this; one
/// that sees only the last few tokens cannot.
///
/// Because we wrote the grammar, we know the exact probability of every sentence it can
/// produce (`distribution()`), and so the lowest perplexity any model can reach on
/// held-out text (`bestPerplexity(level:)`).
public enum SentenceCorpus {
  public static let topics = ["pets", "weather", "food", "school", "city"]

  /// A piece of a template: fixed text, or a slot filled from a list.
  enum Part {
    case text(String)
    case slot([String])
  }

  static let pets = ["puppies", "kittens", "rabbits", "hamsters", "parrots", "ponies"]
  static let pet = ["puppy", "kitten", "rabbit", "hamster", "parrot", "pony"]
  static let petActions = ["playing", "sleeping", "running", "hiding", "eating", "waiting"]
  static let petPlaces = [
    "outside the house", "in the garden", "under the table", "near the door", "on the sofa",
    "behind the fence",
  ]
  static let carers = ["girl", "boy", "farmer", "vet"]
  static let cared = ["saw", "fed", "found", "washed"]
  static let moods = ["hungry", "tired", "happy", "sleepy", "noisy"]

  static let skies = ["rain", "wind", "snow", "fog", "storm", "mist"]
  static let skiesPlural = ["clouds", "winds", "storms", "showers"]
  static let skyActions = ["falling", "blowing", "drifting", "moving", "rolling"]
  static let lands = ["hills", "city", "river", "valley", "harbour", "fields"]
  static let weatherWords = ["cold", "warm", "windy", "cloudy", "sunny", "wet", "grey"]

  static let dishes = ["soup", "rice", "pasta", "bread", "eggs", "beans", "noodles"]
  static let meals = ["breakfast", "lunch", "dinner", "the party", "the guests"]
  static let bakes = ["cake", "pie", "bread", "tart", "salad"]
  static let surfaces = ["plate", "table", "stove", "counter"]
  static let tastes = ["hot", "sweet", "salty", "fresh", "cold"]
  static let cooks = ["cooks", "bakers", "children", "neighbours"]
  static let cookMoods = ["proud", "busy", "tired", "happy"]

  static let students = ["students", "pupils", "twins", "girls", "boys"]
  static let student = ["student", "pupil", "girl", "boy"]
  static let studying = ["reading", "learning", "writing", "practising"]
  static let subjects = ["maths", "history", "music", "science", "french"]
  static let rooms = ["library", "classroom", "hall", "garden"]
  static let teachers = ["teacher", "coach", "head"]
  static let praised = ["praised", "helped", "tested"]
  static let studentMoods = ["clever", "quiet", "curious", "ready"]

  static let vehicles = ["buses", "bikes", "cars", "trams", "taxis"]
  static let vehicle = ["bus", "bike", "car", "tram", "taxi"]
  static let moving = ["moving", "waiting", "turning", "racing"]
  static let streets = ["main road", "bridge", "high street", "station road"]
  static let shops = ["bakery", "market", "library", "museum", "cafe"]
  static let landmarks = ["station", "park", "bridge", "square"]
  static let times = ["nine", "ten", "noon", "eight"]

  /// The templates of each topic, in the order of `topics`.
  static let grammar: [[[Part]]] = [
    [
      [.text("the"), .slot(pets), .text("are"), .slot(petActions), .slot(petPlaces), .text(".")],
      [.text("the"), .slot(pet), .text("is"), .slot(petActions), .slot(petPlaces), .text(".")],
      [
        .text("the"), .slot(pets), .text("that the"), .slot(carers), .slot(cared), .text("are"),
        .slot(moods), .text("."),
      ],
      [
        .text("the"), .slot(pet), .text("that the"), .slot(carers), .slot(cared), .text("is"),
        .slot(moods), .text("."),
      ],
    ],
    [
      [
        .text("the"), .slot(skies), .text("is"), .slot(skyActions), .text("over the"), .slot(lands),
        .text("."),
      ],
      [
        .text("the"), .slot(skiesPlural), .text("are"), .slot(skyActions), .text("over the"),
        .slot(lands), .text("."),
      ],
      [.text("it is"), .slot(weatherWords), .text("and"), .slot(weatherWords), .text("today .")],
    ],
    [
      [.text("we are cooking"), .slot(dishes), .text("for"), .slot(meals), .text(".")],
      [
        .text("the"), .slot(bakes), .text("on the"), .slot(surfaces), .text("is"), .slot(tastes),
        .text("."),
      ],
      [
        .text("the"), .slot(cooks), .text("who made the"), .slot(bakes), .text("are"),
        .slot(cookMoods), .text("."),
      ],
    ],
    [
      [
        .text("the"), .slot(students), .text("are"), .slot(studying), .slot(subjects),
        .text("in the"), .slot(rooms), .text("."),
      ],
      [
        .text("the"), .slot(student), .text("is"), .slot(studying), .slot(subjects),
        .text("in the"), .slot(rooms), .text("."),
      ],
      [
        .text("the"), .slot(students), .text("that the"), .slot(teachers), .slot(praised),
        .text("are"), .slot(studentMoods), .text("."),
      ],
    ],
    [
      [
        .text("the"), .slot(vehicles), .text("are"), .slot(moving), .text("along the"),
        .slot(streets), .text("."),
      ],
      [
        .text("the"), .slot(vehicle), .text("is"), .slot(moving), .text("along the"),
        .slot(streets), .text("."),
      ],
      [
        .text("the"), .slot(shops), .text("near the"), .slot(landmarks), .text("opens at"),
        .slot(times), .text("."),
      ],
    ],
  ]

  /// A piece of an echo: a part of the template (by index) or fixed text.
  enum EchoPiece {
    case part(Int)
    case text(String)
  }

  /// For every template, the same content in another order: a second sentence that repeats
  /// each slot's word. Used for the denoising lesson's documents, where a word hidden in
  /// one sentence can be found again in the other.
  static let echoes: [[[EchoPiece]]] = [
    [
      [.part(4), .text(","), .part(0), .part(1), .part(2), .part(3), .part(5)],
      [.part(4), .text(","), .part(0), .part(1), .part(2), .part(3), .part(5)],
      [
        .text("the"), .part(3), .part(4), .text("the"), .part(1), .text("and they"), .part(5),
        .part(6), .part(7),
      ],
      [
        .text("the"), .part(3), .part(4), .text("the"), .part(1), .text("and it"), .part(5),
        .part(6), .part(7),
      ],
    ],
    [
      [.part(4), .part(5), .text(","), .part(0), .part(1), .part(2), .part(3), .part(6)],
      [.part(4), .part(5), .text(","), .part(0), .part(1), .part(2), .part(3), .part(6)],
      [.text("today it is"), .part(1), .text("and"), .part(3), .text(".")],
    ],
    [
      [.text("for"), .part(3), .text(", we are cooking"), .part(1), .part(4)],
      [.text("on the"), .part(3), .text(", the"), .part(1), .part(4), .part(5), .part(6)],
      [
        .text("the"), .part(3), .text("was made by the"), .part(1), .text("and they are"), .part(5),
        .part(6),
      ],
    ],
    [
      [.part(5), .part(6), .text(","), .part(0), .part(1), .part(2), .part(3), .part(4), .part(7)],
      [.part(5), .part(6), .text(","), .part(0), .part(1), .part(2), .part(3), .part(4), .part(7)],
      [
        .text("the"), .part(3), .part(4), .text("the"), .part(1), .text("and they are"), .part(6),
        .part(7),
      ],
    ],
    [
      [.part(4), .part(5), .text(","), .part(0), .part(1), .part(2), .part(3), .part(6)],
      [.part(4), .part(5), .text(","), .part(0), .part(1), .part(2), .part(3), .part(6)],
      [.text("at"), .part(5), .text(", the"), .part(1), .part(2), .part(3), .text("opens .")],
    ],
  ]

  /// `count` two-sentence documents: a sentence from the grammar followed by its echo,
  /// which says the same with the words in another order ("the puppies are playing in the
  /// garden . in the garden , the puppies are playing ."). Every chosen word appears in
  /// both sentences.
  public static func documents(count: Int, using generator: inout SplitMix64) -> [Sentence] {
    (0..<count).map { _ in
      let topic = generator.index(topics.count)
      let templates = grammar[topic]
      let index = generator.index(templates.count)
      let parts = templates[index].map { part -> String in
        switch part {
        case .text(let text): return text
        case .slot(let choices): return choices[generator.index(choices.count)]
        }
      }
      let echo = echoes[topic][index].map { piece -> String in
        switch piece {
        case .part(let i): return parts[i]
        case .text(let text): return text
        }
      }
      return Sentence(text: (parts + echo).joined(separator: " "), topic: topic)
    }
  }

  /// `count` sentences drawn from the grammar.
  public static func generate(count: Int, using generator: inout SplitMix64) -> [Sentence] {
    (0..<count).map { _ in
      let topic = generator.index(topics.count)
      let templates = grammar[topic]
      let template = templates[generator.index(templates.count)]
      let words = template.map { part -> String in
        switch part {
        case .text(let text): return text
        case .slot(let choices): return choices[generator.index(choices.count)]
        }
      }
      return Sentence(text: words.joined(separator: " "), topic: topic)
    }
  }

  /// Every sentence the grammar can produce, with its exact probability.
  ///
  /// A sentence reachable in two ways (two templates, or two slot choices, giving the
  /// same words) gets the sum of both ways' probabilities.
  public static func distribution() -> [String: Double] {
    var result: [String: Double] = [:]
    for templates in grammar {
      let templateProbability = 1 / Double(topics.count) / Double(templates.count)
      for template in templates {
        var partial: [(String, Double)] = [("", templateProbability)]
        for part in template {
          switch part {
          case .text(let text):
            partial = partial.map { ($0.0.isEmpty ? text : $0.0 + " " + text, $0.1) }
          case .slot(let choices):
            partial = partial.flatMap { prefix, p in
              choices.map { (prefix.isEmpty ? $0 : prefix + " " + $0, p / Double(choices.count)) }
            }
          }
        }
        for (sentence, p) in partial { result[sentence, default: 0] += p }
      }
    }
    return result
  }

  /// The lowest perplexity a model can reach, in expectation, on sentences from the
  /// grammar, counting one prediction per token plus one for the end of the sentence:
  /// `exp(H / L)` with `H = −Σ p(s) ln p(s)` over all sentences and `L = Σ p(s) (tokens(s) + 1)`.
  public static func bestPerplexity(level: TokenLevel) -> Double {
    var entropy = 0.0
    var length = 0.0
    for (sentence, p) in distribution() {
      entropy -= p * Foundation.log(p)
      length += p * Double(level.tokenize(sentence).count + 1)
    }
    return Foundation.exp(entropy / length)
  }
}
