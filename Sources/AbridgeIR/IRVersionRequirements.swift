/// The lowest IR version a model file may declare for what it uses, from onnx's release table
/// (`onnx.helper.VERSION_TABLE`, onnx 1.23: each release's IR version and opset versions): an
/// opset version first shipped in a release needs at least that release's IR version.
public enum IRVersionRequirements {
    /// `(highest ai.onnx opset, IR version)` per release group, ascending.
    static let onnxOpsets: [(opset: Int64, ir: Int64)] = [
        (8, 3), (9, 4), (10, 5), (11, 6), (14, 7), (18, 8), (20, 9), (22, 10), (23, 11), (24, 12), (27, 13), (28, 14),
    ]
    /// `(highest ai.onnx.ml opset, IR version)`, ascending.
    static let mlOpsets: [(opset: Int64, ir: Int64)] = [(1, 3), (2, 6), (3, 8), (4, 9), (5, 10)]
    /// `ai.onnx.training` version 1 came with IR version 7.
    static let trainingOpsets: [(opset: Int64, ir: Int64)] = [(1, 7)]
    /// Model-local functions (`ModelProto.functions`) came with IR version 8.
    public static let modelFunctions: Int64 = 8
    /// Sparse initializers (`GraphProto.sparse_initializer`) came with IR version 6.
    public static let sparseInitializers: Int64 = 6
    /// From IR version 4 on, initializers need not be listed as graph inputs.
    public static let initializersWithoutInputs: Int64 = 4

    /// The lowest IR version that allows importing `version` of `domain` ("" or "ai.onnx",
    /// "ai.onnx.ml", "ai.onnx.training"); nil for other domains (custom operator sets have no
    /// requirement). A version newer than the table needs the newest IR version the table knows.
    public static func minimumIRVersion(domain: String, version: Int64) -> Int64? {
        let table: [(opset: Int64, ir: Int64)]
        switch domain {
        case "", "ai.onnx": table = onnxOpsets
        case "ai.onnx.ml": table = mlOpsets
        case "ai.onnx.training", "ai.onnx.preview.training": table = trainingOpsets
        default: return nil
        }
        return table.first(where: { version <= $0.opset })?.ir ?? table.last?.ir
    }

    /// What in `model` needs an IR version above `cap`, one phrase per item, e.g.
    /// "opset 17 of ai.onnx needs IR version >= 8". Empty when `cap` suffices.
    public static func violations(of model: Model, cap: Int64) -> [String] {
        var out: [String] = []
        for o in model.opsetImports {
            let domain = o.domain ?? ""
            guard let version = o.version, let need = minimumIRVersion(domain: domain, version: version), need > cap else { continue }
            out.append("opset \(version) of \(domain.isEmpty ? "ai.onnx" : domain) needs IR version >= \(need)")
        }
        if !model.functions.isEmpty && modelFunctions > cap {
            out.append("model-local functions need IR version >= \(modelFunctions)")
        }
        if model.allGraphs.contains(where: { !$0.sparseInitializers.isEmpty }) && sparseInitializers > cap {
            out.append("sparse initializers need IR version >= \(sparseInitializers)")
        }
        return out
    }
}
