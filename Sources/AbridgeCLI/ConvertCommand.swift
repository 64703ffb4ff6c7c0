import AbridgeIR
import AbridgeONNX
import AbridgePasses
import AbridgeSupport
import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

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

    @Option(name: .long, help: "Graph passes to run, comma-separated: \((PassManager.all + PassManager.extra).map(\.name).joined(separator: ", ")).")
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
                try IRVersionCap.lower(m, to: cap, model: model)
                console.status("lowering ir_version from \(v) to \(cap)")
            }
            var options = WriteOptions()
            options.externalData = externalData ? .always : .automatic
            options.sizeThreshold = sizeThreshold
            options.externalDataName = externalDataName
            options.overwrite = force
            let dataFile = externalDataName.map { "\(AtomicFile.directory(of: output))/\($0)" } ?? ModelFiles.defaultDataFile(for: output)
            try OutputGuard.check(outputs: externalData ? [output, dataFile] : [output], mayWrite: externalData ? [] : [dataFile],
                                  models: [(model, m)], force: force)
            let report = try ONNXWriter.write(m, to: output, options: options, logger: console.logger)
            var line = "wrote \(output) (\(Bytes.format(report.modelBytes)))"
            if let f = report.externalDataFile {
                line += " and \(f) (\(report.externalTensorCount) tensors, \(Bytes.format(report.externalDataBytes)))"
            }
            console.status(line)
        }
    }
}

/// Lowering a model's IR version (`convert --max-ir-version`).
enum IRVersionCap {
    /// Sets `m.irVersion` to `cap`, listing the main graph's initializers as graph inputs (with
    /// their element type and dimensions as the input type) when `cap` is below 4, as IR version 3
    /// requires.
    /// - Throws: `CLIError` with status 69 (nothing changed) when `m` uses something `cap` cannot
    ///   express: an opset newer than `cap` allows (onnx's release table), model-local functions,
    ///   sparse initializers, or, below IR 4, initializers inside a subgraph (whose inputs are the
    ///   operator's parameters, so the initializers cannot be listed there).
    static func lower(_ m: Model, to cap: Int64, model path: String) throws {
        var problems = IRVersionRequirements.violations(of: m, cap: cap)
        let main = m.graph
        if cap < IRVersionRequirements.initializersWithoutInputs {
            for g in m.allGraphs where g !== main && !g.initializers.isEmpty {
                problems.append("graph '\(g.name ?? "")' is a subgraph with initializers, which IR version < 4 would need listed as its inputs")
            }
        }
        guard problems.isEmpty else {
            throw CLIError(status: .unavailable,
                           message: "\(path): cannot lower the IR version to \(cap): \(problems.joined(separator: "; "))")
        }
        m.irVersion = cap
        guard cap < IRVersionRequirements.initializersWithoutInputs, let main else { return }
        for v in main.initializers where !main.inputs.contains(where: { $0 === v }) {
            if v.type == nil, let t = v.initializer {
                v.type = TypeInfo.tensor(t.elementType, shape: Shape(t.dims))
            }
            main.inputs.append(v)
        }
    }
}

/// Refuses outputs that would replace an input: the input models, their external data files,
/// data sets and plans are never written, `--force` or not; and an existing output must be a
/// regular file (never a device or a folder).
enum OutputGuard {
    /// - Parameters:
    ///   - outputs: every file the command will write.
    ///   - inputs: every file or folder the command reads.
    ///   - models: the input models (their external data files are protected too).
    /// - Throws: `CLIError` (status 73) naming the output and the input it would replace.
    ///   - force: existing outputs may be replaced (by rename); without it they are refused here,
    ///     before any work is done.
    ///   - mayWrite: files the command writes only in some cases (the external data file a model
    ///     over 2 GB switches to): checked against the inputs only.
    static func check(outputs: [String], mayWrite: [String] = [], inputs: [String] = [],
                      models: [(path: String, model: Model)] = [], force: Bool) throws {
        var protected: [(String, String)] = inputs.map { ($0, $0) }
        for (path, model) in models {
            protected.append((path, path))
            let dir = AtomicFile.directory(of: path)
            for loc in ModelFiles.externalDataLocations(of: model) {
                protected.append(("\(dir)/\(loc)", "'\(loc)', an external data file of \(path)"))
            }
        }
        for output in mayWrite {
            for (path, label) in protected where identity(path) == identity(output) {
                throw CLIError(status: .cannotCreate, message: "\(output): would replace \(label) if the output needs external data; choose another output name or --external-data-name")
            }
        }
        if outputs.contains(where: { $0.isEmpty }) { throw CLIError(status: .usage, message: "the output path is empty") }
        var seen: [String: String] = [:]
        for output in outputs {
            let key = identity(output)
            if let other = seen[key] { throw CLIError(status: .usage, message: "\(output): the same file is given for two outputs (\(other))") }
            seen[key] = output
            for (path, label) in protected where identity(path) == key {
                throw CLIError(status: .cannotCreate, message: "\(output): is an input of this command (\(label)); inputs are never replaced, choose another output")
            }
            var st = stat()
            if lstat(output, &st) == 0 {
                if (st.st_mode & S_IFMT) != S_IFREG {
                    throw CLIError(status: .cannotCreate, message: "\(output): exists and is not a regular file")
                }
                if !force { throw CLIError(status: .cannotCreate, message: "\(output): file exists (use --force to replace it)") }
            }
            let dir = AtomicFile.directory(of: output)
            var isDir: ObjCBool = false
            if !FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) || !isDir.boolValue {
                throw CLIError(status: .cannotCreate, message: "\(output): folder '\(dir)' does not exist")
            }
        }
    }

    /// Device and inode when the file exists, else the path with its folder's symlinks resolved.
    private static func identity(_ path: String) -> String {
        var st = stat()
        if stat(path, &st) == 0 { return "inode:\(st.st_dev):\(st.st_ino)" }
        let dir = AtomicFile.directory(of: path)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return "path:" + URL(fileURLWithPath: dir).resolvingSymlinksInPath().path + "/" + name
    }
}
