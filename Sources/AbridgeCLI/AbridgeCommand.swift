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
}

/// The version printed by `abridge --version`.
public enum AbridgeVersion {
    public static let string = "0.1.0"
}
