import Foundation
import ArgumentParser

/// The `abridge` command: subcommands for inspecting, converting, running and compressing ONNX
/// models.
public struct AbridgeCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "abridge",
        abstract: "Make ONNX models smaller and faster, and prove the result is still right.",
        version: AbridgeVersion.string,
        subcommands: [InspectCommand.self, ConvertCommand.self, RunCommand.self, QuantizeCommand.self, CompareCommand.self, PruneCommand.self])
    public init() {}

    /// Parses the command line, runs the command and exits. Like `main()`, but a usage error
    /// reads like every other error (`abridge: error: ...`, then the usage), on standard error
    /// with exit status 64; help and version go to standard output with status 0.
    public static func runMain() -> Never {
        do {
            var command = try parseAsRoot()
            try command.run()
            exit()
        } catch let e as ExitCode {
            exit(withError: e)   // the command already printed its message
        } catch {
            let code = exitCode(for: error)
            guard code != .success else { exit(withError: error) }
            var text = fullMessage(for: error)
            if text.hasPrefix("Error: ") { text.removeFirst("Error: ".count) }
            FileHandle.standardError.write(Data(("abridge: error: " + text + (text.hasSuffix("\n") ? "" : "\n")).utf8))
            Foundation.exit(code.rawValue)
        }
    }
}

/// The version printed by `abridge --version`.
public enum AbridgeVersion {
    public static let string = "0.1.0"
}
