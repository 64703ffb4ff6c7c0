import AbridgeIR
import AbridgeONNX
import AbridgePasses
import AbridgeSupport
import ArgumentParser
import Foundation

/// `abridge convert MODEL -o OUT`: load and save, optionally moving tensors to external data.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Load a model and write it back (optionally with external data or a capped IR version).",
        discussion: """
            The output is written to a temporary file and renamed into place; the input is never \
            modified. A model whose protobuf would pass 2 GB switches to external data automatically. \
            Without --external-data, tensors read from external data are written inline (use \
            --external-data to write a new data file beside the output; an input's data file is never \
            written to).
            """)

    @Argument(help: "The input .onnx model.")
    var model: String

    @Option(name: .shortAndLong, help: "The output .onnx file.")
    var output: String

    @Flag(name: .long, help: "Move tensors of at least --size-threshold bytes into one data file beside the model.")
    var externalData = false

    @Option(name: .long, help: "Smallest tensor (bytes) moved to external data.")
    var sizeThreshold: Int = 1024

    @Option(name: .long, help: "File name of the external data file (default: <output file name>.data).")
    var externalDataName: String?

    @Option(name: .long, help: "Lower the IR version to at most N (for runtimes that refuse newer files).")
    var maxIrVersion: Int64?

    @Option(name: .long, help: "Graph passes to run, comma-separated: \(PassManager.all.map(\.name).joined(separator: ", ")).")
    var passes: String?

    @Flag(name: .long, help: "Replace an existing output file.")
    var force = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if sizeThreshold < 0 { throw ValidationError("--size-threshold must be >= 0") }
        if let maxIrVersion, maxIrVersion < 1 { throw ValidationError("--max-ir-version must be >= 1") }
        if externalDataName != nil && !externalData { throw ValidationError("--external-data-name needs --external-data") }
    }

    func run() throws {
        let console = global.console
        try runReportingErrors(console) {
            let m = try ONNXReader.readModel(path: model, logger: console.logger)
            if let passes {
                let list = try PassManager.passes(named: passes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                let changed = try PassManager.run(list, on: m)
                console.status(changed.isEmpty ? "passes changed nothing" : "passes applied: \(changed.joined(separator: ", "))")
            }
            if let cap = maxIrVersion, let v = m.irVersion, v > cap {
                console.status("lowering ir_version from \(v) to \(cap)")
                m.irVersion = cap
            }
            var options = WriteOptions()
            options.externalData = externalData ? .always : .automatic
            options.sizeThreshold = sizeThreshold
            options.externalDataName = externalDataName
            options.overwrite = force
            try OutputGuard.check(output: output, dataName: options.externalDataName, inputs: [(model, m)])
            let report = try ONNXWriter.write(m, to: output, options: options, logger: console.logger)
            var line = "wrote \(output) (\(Bytes.format(report.modelBytes)))"
            if let f = report.externalDataFile {
                line += " and \(f) (\(report.externalTensorCount) tensors, \(Bytes.format(report.externalDataBytes)))"
            }
            console.status(line)
        }
    }
}

/// Refuses outputs that would replace a data file an input model points to.
enum OutputGuard {
    /// - Throws: `CLIError` (status 73) when the output model or its data file is an external
    ///   data file of an input model.
    static func check(output: String, dataName: String?, inputs: [(path: String, model: Model)]) throws {
        let outDir = AtomicFile.directory(of: output)
        let outName = output.split(separator: "/").last.map(String.init) ?? output
        let candidates = [output, "\(outDir)/\(dataName ?? outName + ".data")"].map(canonical)
        for (path, model) in inputs {
            let dir = AtomicFile.directory(of: path)
            var locations = Set<String>()
            model.forEachTensor { t in
                if t.usesExternalData, let loc = t.externalData.last(where: { $0.key == "location" })?.value { locations.insert(loc) }
            }
            for loc in locations where candidates.contains(canonical("\(dir)/\(loc)")) {
                throw CLIError(status: .cannotCreate, message: "\(output): would replace '\(loc)', an external data file of the input model \(path); choose another output name or --external-data-name")
            }
        }
    }

    private static func canonical(_ path: String) -> String {
        let dir = AtomicFile.directory(of: path)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let resolvedDir = URL(fileURLWithPath: dir).resolvingSymlinksInPath().path
        return resolvedDir + "/" + name
    }
}
