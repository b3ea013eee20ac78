import Foundation

/// The command line of a program that takes no options: `--help` explains it, anything else
/// is refused, so `xor --frob` says so (exit 2) instead of running as if nothing was typed.
public enum PlainCommand {
  /// Prints `about` and exits 0 for `--help` or `-h`; refuses every other argument.
  /// - Parameters:
  ///   - name: the program's name, as the user types it.
  ///   - about: what the program does and how to run it.
  ///   - arguments: the arguments after the program's name.
  public static func handle(
    name: String, about: String, arguments: [String] = Array(CommandLine.arguments.dropFirst())
  ) {
    guard let first = arguments.first else { return }
    if first == "--help" || first == "-h" {
      Console.print("usage: \(name)\n\n\(about)")
      exit(0)
    }
    Console.writeError(
      "\(name): unknown argument '\(first)'; it takes no options\nusage: \(name) (or --help)\n")
    exit(2)
  }
}
