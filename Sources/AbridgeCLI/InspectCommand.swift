import AbridgeIR
import AbridgeONNX
import ArgumentParser
import Foundation

/// `abridge inspect MODEL [--json]`: what is inside a model.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what a model holds: versions, inputs and outputs, operators, parameters, sizes, metadata.",
        discussion: "External data files are checked for presence and size limits only when they are read; inspect reads none of their bytes.")

    @Argument(help: "The .onnx model.")
    var model: String

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let console = global.console
        try runReportingErrors(console) {
            let m = try ONNXReader.readModel(path: model, loadExternalData: false, logger: console.logger)
            let report = InspectReport(model: m, path: model)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                console.print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                console.print(report.text)
            }
        }
    }
}

/// The content of `inspect`'s report (also its JSON form).
struct InspectReport: Codable {
    struct IO: Codable { var name: String; var type: String; var shape: String? }
    var file: String
    var fileBytes: Int
    var irVersion: Int64?
    var opsetImports: [String: Int64]
    var producer: String?
    var modelVersion: Int64?
    var inputs: [IO]
    /// Initializers also listed as graph inputs, which a feed may override (IR >= 4).
    var overridableInitializers: [String]
    /// Initializers listed as graph inputs (any IR version).
    var initializersListedAsInputs: Int
    var outputs: [IO]
    var functions: [String]
    var statistics: ModelStatistics
    var metadata: [String: String]

    init(model m: Model, path: String) {
        file = path
        fileBytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        irVersion = m.irVersion
        var opsets: [String: Int64] = [:]
        for o in m.opsetImports { opsets[(o.domain ?? "").isEmpty ? "ai.onnx" : o.domain!] = o.version ?? 0 }
        opsetImports = opsets
        producer = [m.producerName, m.producerVersion].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        if producer?.isEmpty == true { producer = nil }
        modelVersion = m.modelVersion
        func io(_ v: Value) -> IO {
            switch v.type?.kind {
            case .tensor(let t)?: return IO(name: v.name, type: (t.elementType ?? .undefined).shortName, shape: t.shape?.description)
            case .sparseTensor(let t)?: return IO(name: v.name, type: "sparse " + (t.elementType ?? .undefined).shortName, shape: t.shape?.description)
            case .sequence?: return IO(name: v.name, type: "sequence", shape: nil)
            case .map?: return IO(name: v.name, type: "map", shape: nil)
            case .optional?: return IO(name: v.name, type: "optional", shape: nil)
            case .opaque?: return IO(name: v.name, type: "opaque", shape: nil)
            case nil: return IO(name: v.name, type: "unknown", shape: nil)
            }
        }
        let g = m.graph
        inputs = (g?.inputs ?? []).filter { !$0.isInitializer }.map(io)
        // Initializers also listed as inputs: defaults a feed may override (IR >= 4), or, before
        // IR 4, how every constant was declared.
        let listed = (g?.inputs ?? []).filter(\.isInitializer)
        let overridable = m.overridableInitializers
        overridableInitializers = listed.filter { overridable.contains(ObjectIdentifier($0)) }.map(\.name)
        initializersListedAsInputs = listed.count
        outputs = (g?.outputs ?? []).map(io)
        functions = m.functions.map { "\($0.domain ?? "")::\($0.name ?? "")" }
        statistics = ModelStatistics(model: m)
        var meta: [String: String] = [:]
        for p in m.metadataProps { meta[p.key ?? ""] = p.value ?? "" }
        metadata = meta
    }

    var text: String {
        var lines: [String] = []
        lines.append("model:       \(file) (\(Bytes.format(fileBytes)))")
        lines.append("ir_version:  \(irVersion.map(String.init) ?? "absent")")
        lines.append("opsets:      " + opsetImports.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        if let producer { lines.append("producer:    \(producer)") }
        lines.append("inputs:")
        for i in inputs { lines.append("  \(i.name): \(i.type) \(i.shape ?? "")") }
        if !overridableInitializers.isEmpty {
            let shown = overridableInitializers.prefix(8).joined(separator: ", ")
            lines.append("  (and \(overridableInitializers.count) initializers also listed as inputs, which a feed may override: \(shown)\(overridableInitializers.count > 8 ? ", ..." : ""))")
        } else if initializersListedAsInputs > 0 {
            lines.append("  (and \(initializersListedAsInputs) initializers listed as inputs, constants before IR version 4)")
        }
        lines.append("outputs:")
        for o in outputs { lines.append("  \(o.name): \(o.type) \(o.shape ?? "")") }
        let s = statistics
        lines.append("nodes:       \(s.mainGraphNodes) in the main graph, \(s.totalNodes) in all (subgraphs and functions included)")
        lines.append("operators:")
        for (op, n) in s.opTypes.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            lines.append("  \(op.padding(toLength: max(op.count, 28), withPad: " ", startingAt: 0)) \(n)")
        }
        lines.append("parameters:  \(s.denseParameters) in \(s.initializerCount) initializers (\(s.sparseInitializerCount) sparse)")
        for (t, v) in s.parametersByType.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(t.padding(toLength: 12, withPad: " ", startingAt: 0)) \(v.parameters) parameters, \(Bytes.format(v.bytes))")
        }
        lines.append("tensor data: \(Bytes.format(s.inlineBytes)) inline, \(Bytes.format(s.sparseBytes)) sparse, \(Bytes.format(s.externalBytes)) external")
        if !functions.isEmpty { lines.append("functions:   " + functions.joined(separator: ", ")) }
        if !metadata.isEmpty {
            lines.append("metadata:")
            for (k, v) in metadata.sorted(by: { $0.key < $1.key }) { lines.append("  \(k): \(v)") }
        }
        return lines.joined(separator: "\n")
    }
}

/// Human-readable byte counts.
enum Bytes {
    static func format(_ n: Int) -> String {
        if n < 1024 { return "\(n) B" }
        let units = ["KiB", "MiB", "GiB", "TiB"]
        var v = Double(n) / 1024; var i = 0
        while v >= 1024 && i < units.count - 1 { v /= 1024; i += 1 }
        return String(format: "%.1f %@", v, units[i])
    }
}
