// swift-tools-version:6.0
// The manifest of a course on language models: six lessons built on a small tensor library.
// There are no package dependencies: the toolchain's Foundation, Dispatch and test
// frameworks are all we use.
import Foundation
import PackageDescription

/// Compiler settings shared by every target.
///
/// Numeric loops are what this package spends its time in, so release builds skip
/// exclusivity checks, and on an x86-64 host whose processor has AVX2, FMA and BMI2 the code is
/// generated for that level (`haswell`: AVX2, FMA, BMI): the matrix kernels run about twice as fast. The
/// check reads the build host's `/proc/cpuinfo`, so the package still builds everywhere
/// else (Apple silicon, older x86) with portable code. `LM_PORTABLE=1` turns the CPU
/// target off.
let hostHasAVX2FMA: Bool = {
  #if arch(x86_64) && os(Linux)
    if ProcessInfo.processInfo.environment["LM_PORTABLE"] == "1" { return false }
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
      let flagsLine = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
    else { return false }
    let flags = Set(flagsLine.split(separator: " ").map(String.init))
    return ["avx2", "fma", "bmi2", "f16c", "movbe"].allSatisfy(flags.contains)
  #else
    return false
  #endif
}()

let swiftSettings: [SwiftSetting] =
  [
    .swiftLanguageMode(.v5),
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
  ]
  + (hostHasAVX2FMA
    ? [
      .unsafeFlags(["-target-cpu", "haswell"]),
      .define("FUSED_MULTIPLY_ADD"),
    ] : [])

/// What every lesson may import.
let lessonDependencies: [Target.Dependency] = [
  "TensorCore", "NeuralNetwork", "Optimizers", "Notebook", "TextData", "LanguageModels",
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
  library("TensorCore"),
  library("NeuralNetwork", ["TensorCore"]),
  library("Optimizers", ["TensorCore", "NeuralNetwork"]),
  library("TextData", ["TensorCore"]),
  library("LanguageModels", ["TensorCore", "NeuralNetwork", "TextData"]),
  library("Notebook", ["TensorCore"]),
  library("Exercises", ["TensorCore", "NeuralNetwork", "TextData", "LanguageModels"]),
  library("ExerciseSolutions", ["Exercises"]),
]

let lessons: [Target] = [
  executable("tour", "Lessons/0-Tour", ["TensorCore", "NeuralNetwork", "Optimizers", "Notebook"]),
  executable("bag-of-words", "Lessons/1-BagOfWords", lessonDependencies),
  executable("ngrams", "Lessons/2-NGrams", lessonDependencies),
  executable("rnn", "Lessons/3-RNN", lessonDependencies),
  executable("attention", "Lessons/4-Attention", lessonDependencies),
  executable("denoising", "Lessons/5-Denoising", lessonDependencies),
  executable("albert", "Lessons/6-ALBERT", lessonDependencies),
]

let tools: [Target] = [
  executable("lessons", "Lessons/Catalog", ["Notebook"]),
  executable("exercises", "Lessons/Exercises", ["Exercises", "Notebook"]),
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
  tests("ExercisesTests", ["Exercises", "ExerciseSolutions"]),
]

let package = Package(
  name: "LanguageModelsCourse",
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
