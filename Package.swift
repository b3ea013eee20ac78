// swift-tools-version:6.0
// The manifest of a course on language models: six lessons built on a small tensor library.
// There are no package dependencies: the toolchain's Foundation, Dispatch and test
// frameworks are all we use.
import Foundation
import PackageDescription

/// Compiler settings shared by every target.
///
/// No unsafe flags: the package must build as a versioned dependency of other packages. The
/// processor-specific code is in `CKernels`, compiled for each instruction-set level and
/// chosen when the program runs.
let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v5)]

/// What every lesson may import.
let lessonDependencies: [Target.Dependency] = [
  "TensorCore", "NeuralNetwork", "Optimizers", "Notebook", "TextData", "LanguageModels", "Course",
]

// The targets, grouped: the libraries from the bottom layer up, the lessons in teaching
// order, the tools, the tests. Every target gets the same settings.

/// A library under `Sources/NAME`.
func library(_ name: String, _ dependencies: [Target.Dependency] = []) -> Target {
  .target(name: name, dependencies: dependencies, swiftSettings: swiftSettings)
}

/// An executable at `path`.
func executable(_ name: String, _ path: String, _ dependencies: [Target.Dependency]) -> Target {
  .executableTarget(
    name: name, dependencies: dependencies, path: path, swiftSettings: swiftSettings)
}

/// A test target under `Tests/NAME`, with the modules its files import.
func tests(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
  .testTarget(name: name, dependencies: dependencies, swiftSettings: swiftSettings)
}

let libraries: [Target] = [
  .target(name: "CKernels"),
  library("TensorCore", ["CKernels"]),
  library("NeuralNetwork", ["TensorCore"]),
  library("Optimizers", ["TensorCore", "NeuralNetwork"]),
  library("TextData", ["TensorCore"]),
  library("LanguageModels", ["TensorCore", "NeuralNetwork", "Optimizers", "TextData"]),
  library("Notebook", ["TensorCore"]),
  // The lessons of this course, in teaching order: what `Notebook` runs knows no lesson.
  library("Course", ["Notebook"]),
  library("Exercises", ["TensorCore", "NeuralNetwork", "TextData", "LanguageModels"]),
  library("ExerciseSolutions", ["Exercises"]),
]

let lessons: [Target] = [
  executable(
    "tour", "Lessons/0-Tour", ["TensorCore", "NeuralNetwork", "Optimizers", "Notebook", "Course"]),
  executable("bag-of-words", "Lessons/1-BagOfWords", lessonDependencies),
  executable("ngrams", "Lessons/2-NGrams", lessonDependencies),
  executable("rnn", "Lessons/3-RNN", lessonDependencies),
  executable("attention", "Lessons/4-Attention", lessonDependencies),
  executable("gpt", "Lessons/4b-GPT", lessonDependencies),
  executable("denoising", "Lessons/5-Denoising", lessonDependencies),
  executable("albert", "Lessons/6-ALBERT", lessonDependencies),
]

let tools: [Target] = [
  executable("lessons", "Lessons/Catalog", ["Course", "Notebook"]),
  executable("exercises", "Lessons/Exercises", ["Exercises", "Notebook", "TensorCore"]),
  executable("xor", "Lessons/Examples/XOR", ["TensorCore", "Notebook"]),
  executable(
    "bench", "Sources/Benchmark", ["TensorCore", "NeuralNetwork", "Optimizers", "Notebook"]),
]

let testTargets: [Target] = [
  tests("TensorCoreTests", ["TensorCore"]),
  tests("NeuralNetworkTests", ["NeuralNetwork", "TensorCore"]),
  tests("OptimizersTests", ["Optimizers", "NeuralNetwork", "TensorCore"]),
  tests("TextDataTests", ["TextData", "TensorCore"]),
  tests(
    "LanguageModelsTests",
    ["LanguageModels", "TextData", "TensorCore", "NeuralNetwork", "Optimizers"]),
  tests("NotebookTests", ["Notebook", "TensorCore"]),
  tests("CourseTests", ["Course"]),
  tests("ExercisesTests", ["Exercises", "ExerciseSolutions"]),
]

let package = Package(
  name: "LanguageModelsCourse",
  // @TaskLocal and JSONSerialization's .withoutEscapingSlashes need macOS 10.15 or later.
  platforms: [.macOS(.v10_15)],
  products: [
    .library(name: "TensorCore", targets: ["TensorCore"]),
    .library(name: "NeuralNetwork", targets: ["NeuralNetwork"]),
    .library(name: "Optimizers", targets: ["Optimizers"]),
    .library(name: "Notebook", targets: ["Notebook"]),
    .library(name: "TextData", targets: ["TextData"]),
    .library(name: "LanguageModels", targets: ["LanguageModels"]),
  ],
  targets: libraries + lessons + tools + testTargets
)
