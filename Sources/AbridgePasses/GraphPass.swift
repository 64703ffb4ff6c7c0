import AbridgeIR

/// A model rewrite with a name the CLI uses (`--passes fold-batch-norm,...`).
///
/// A pass checks its preconditions per match and skips (without changing anything) where they
/// do not hold; it reports whether it changed the model so a driver can iterate to a fixed point.
public protocol GraphPass {
    /// Kebab-case name (`eliminate-identity`).
    var name: String { get }
    /// Applies the pass to every graph of the model (subgraphs and function bodies included).
    /// - Returns: true when the model changed.
    /// - Throws: `PassError` when the model is inconsistent.
    func run(on model: Model) throws -> Bool
}

/// Errors of graph passes.
public enum PassError: Error, CustomStringConvertible, Sendable {
    case unknownPass(String, available: [String])
    case invalidModel(String)
    public var description: String {
        switch self {
        case .unknownPass(let n, let a): return "unknown pass '\(n)' (available: \(a.joined(separator: ", ")))"
        case .invalidModel(let r): return "pass failed: \(r)"
        }
    }
}

/// Runs passes by name, in order.
public enum PassManager {
    /// Every pass, in the default pre-quantization order.
    public static var all: [GraphPass] {
        [InferShapesPass(), DensifySparseWeightsPass(), EliminateIdentityPass(), FoldBatchNormPass(), FoldConstantsPass(), EliminateDeadNodesPass()]
    }

    /// Passes not run by default, available by name (`upcast-float16`).
    public static var extra: [GraphPass] { [UpcastFloat16Pass()] }

    /// The passes with these names.
    /// - Throws: `PassError.unknownPass`.
    public static func passes(named names: [String]) throws -> [GraphPass] {
        let known = all + extra
        return try names.map { n in
            guard let p = known.first(where: { $0.name == n }) else { throw PassError.unknownPass(n, available: known.map(\.name)) }
            return p
        }
    }

    /// Runs `passes` in order, repeating the sequence until nothing changes (at most 8 rounds).
    /// - Returns: the names of passes that changed the model.
    @discardableResult
    public static func run(_ passes: [GraphPass], on model: Model) throws -> [String] {
        var changed: [String] = []
        for _ in 0..<8 {
            var any = false
            for p in passes where try p.run(on: model) {
                any = true
                if !changed.contains(p.name) { changed.append(p.name) }
            }
            if !any { break }
        }
        return changed
    }
}
