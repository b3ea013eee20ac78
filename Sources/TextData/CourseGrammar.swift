/// The built-in text of lessons 2 and 3: the five topics of `SentenceCorpus`, with optional
/// words and phrases that make over half a million distinct sentences, so that a corpus of a
/// few thousand holds almost no sentence twice and held-out text is really new.
///
/// Its relative clauses put the verb far from the noun it must agree with: in "the little
/// puppies that the girls from the farm fed last night are hungry", `are` agrees with
/// `puppies`, nine words back, and not with `girls`, the nearer noun. An n-gram model sees
/// only its last few words; a model that carries a state can do better.
extension SentenceCorpus {
  /// The grammar of lessons 2 and 3.
  public static let course = TopicGrammar(topics: topics, templates: courseTemplates)

  /// Optional words at the end of a sentence.
  static let lately = ["", "today", "again", "now", "all day"]
  /// Optional words after a relative clause's verb (two of them are two words long).
  static let when = ["", "yesterday", "this morning", "last night", "every day"]
  /// Optional phrases after a relative clause's subject.
  static let from = ["", "from the farm", "next door", "from the village", "in the red coat"]
  static let people = ["girl", "boy", "farmer", "vet"]
  static let peoplePlural = ["girls", "boys", "farmers", "vets"]

  /// `the [adjective] NOUN VERB ...`: a plural and a singular version of the same template.
  static func agreeing(
    _ adjectives: [String], _ plural: [String], _ singular: [String],
    _ rest: [TopicGrammar.Part]
  ) -> [[TopicGrammar.Part]] {
    [
      [.text("the"), .slot(adjectives), .slot(plural), .text("are")] + rest,
      [.text("the"), .slot(adjectives), .slot(singular), .text("is")] + rest,
    ]
  }

  /// `the [adjective] NOUN that the PERSON [from ...] VERBED [when] are/is MOOD .`, in both
  /// numbers, with people of both numbers in between.
  static func relative(
    _ adjectives: [String], _ plural: [String], _ singular: [String], who: [String],
    did: [String], moods: [String]
  ) -> [[TopicGrammar.Part]] {
    let clause: [TopicGrammar.Part] = [
      .text("that the"), .slot(who), .slot(from), .slot(did), .slot(when),
    ]
    return [
      [.text("the"), .slot(adjectives), .slot(plural)] + clause
        + [.text("are"), .slot(moods), .text(".")],
      [.text("the"), .slot(adjectives), .slot(singular)] + clause
        + [.text("is"), .slot(moods), .text(".")],
    ]
  }

  static let courseTemplates: [[[TopicGrammar.Part]]] = [
    // pets
    agreeing(
      ["", "little", "small", "young", "old", "brown"], pets, pet,
      [.slot(petActions), .slot(petPlaces), .slot(lately), .text(".")])
      + relative(
        ["", "little", "small", "young", "old", "brown"], pets, pet,
        who: people + peoplePlural, did: cared, moods: moods),
    // weather
    agreeing(
      ["", "cold", "heavy", "light", "strange"], skiesPlural, skies,
      [.slot(skyActions), .text("over the"), .slot(lands), .slot(lately), .text(".")])
      + [
        [
          .text("it is"), .slot(["", "very"]), .slot(weatherWords), .text("and"),
          .slot(["", "very"]), .slot(weatherWords),
          .slot(["", "in the hills", "by the river", "in the city", "at the harbour"]),
          .text("today ."),
        ]
      ],
    // food
    [
      [
        .text("we are cooking"), .slot(["", "some", "more"]), .slot(dishes),
        .slot(["", "with cheese", "with herbs", "with butter"]), .text("for"), .slot(meals),
        .slot(lately), .text("."),
      ],
      [
        .text("the"), .slot(["", "apple", "lemon", "cherry"]), .slot(bakes), .text("on the"),
        .slot(["", "big", "small"]),
        .slot(surfaces), .text("is"), .slot(["", "very", "still"]), .slot(tastes), .text("."),
      ],
    ]
      + relative(
        ["", "old", "new"], cooks, ["cook", "baker", "child", "neighbour"],
        who: people + peoplePlural, did: ["thanked", "met", "paid"], moods: cookMoods),
    // school
    agreeing(
      ["", "new", "young", "older"], students, student,
      [
        .slot(studying), .slot(subjects), .text("in the"), .slot(rooms), .slot(lately),
        .text("."),
      ])
      + relative(
        ["", "new", "young", "older"], students, student,
        who: teachers + ["teachers", "coaches", "heads"], did: praised, moods: studentMoods),
    // city
    agreeing(
      ["", "red", "blue", "old", "new"], vehicles, vehicle,
      [.slot(moving), .text("along the"), .slot(streets), .slot(lately), .text(".")])
      + [
        [
          .text("the"), .slot(["", "small", "old", "new"]), .slot(shops), .text("near the"),
          .slot(landmarks), .text("opens at"),
          .slot(times), .slot(["", "on sunday", "every day"]), .text("."),
        ]
      ]
      + relative(
        ["", "red", "blue", "old", "new"], vehicles, vehicle,
        who: ["driver", "mechanic", "drivers", "mechanics"], did: ["washed", "fixed", "parked"],
        moods: ["clean", "late", "full", "empty"]),
  ]
}

extension SentenceCorpus {
  /// Groups of words that fill the same slot of the course grammar (the pets, the dishes…):
  /// words a model should learn to treat alike, since they occur in the same places.
  public static let wordGroups: [(name: String, words: [String])] = [
    ("pets", pets), ("pet", pet), ("pet actions", petActions), ("moods", moods),
    ("weather", skies), ("weather, plural", skiesPlural), ("places", lands),
    ("dishes", dishes), ("bakes", bakes), ("tastes", tastes), ("students", students),
    ("subjects", subjects), ("rooms", rooms), ("vehicles", vehicles), ("vehicle", vehicle),
    ("shops", shops), ("times", times),
  ]
}
