import AbridgeIR
import AbridgeKernels

/// Options of a session.
public struct SessionOptions: Sendable {
    /// Worker threads (our kernels and the BLAS); nil keeps the current setting.
    public var threads: Int?
    public init(threads: Int? = nil) { self.threads = threads }
}

/// Runs a model's main graph: compiled once, run many times.
///
/// Execution order is topological; each intermediate is released after its last use; If, Loop
/// and Scan run their subgraphs, which read values of enclosing graphs. Initializers listed also
/// as graph inputs (IR version < 4) take a feed when one is given, as the spec says.
public final class InferenceSession {
    public let model: Model
    let plan: GraphPlan
    /// Graph inputs that need a feed (not initializers), in order.
    public let requiredInputs: [Value]
    /// Graph outputs, in order.
    public var outputs: [Value] { plan.outputs }

    /// Compiles the model.
    /// - Throws: `RuntimeError.unsupportedOperator` naming the first node without a kernel,
    ///   `.invalidModel`, `.invalidAttribute`.
    public init(model: Model, registry: OperatorRegistry = .standard(), options: SessionOptions = SessionOptions()) throws {
        guard let graph = model.graph else { throw RuntimeError.invalidModel("the model has no graph") }
        if let n = options.threads { KernelThreads.set(n) }
        self.model = model
        var opsets: [String: Int] = [:]
        for o in model.opsetImports {
            opsets[OperatorRegistry.normalize(o.domain ?? "")] = Int(clamping: o.version ?? 1)
        }
        plan = try GraphPlan(graph: graph, opsets: opsets, registry: registry,
                             functions: model.functions.isEmpty ? nil : ModelFunctionLibrary(model: model))
        requiredInputs = graph.inputs.filter { !$0.isInitializer }
    }

    /// Runs the model once.
    /// - Parameters:
    ///   - feeds: values by graph input name. Every required input must be present, with the
    ///     declared element type and a shape matching the declared static dimensions.
    ///   - observer: sees every intermediate value.
    /// - Returns: the outputs in graph order, with their names.
    /// - Throws: `RuntimeError.invalidFeed` (missing input, wrong type or shape, unknown name),
    ///   or the error of the failing node.
    public func run(_ feeds: [String: RuntimeValue], observer: ExecutionObserver? = nil) throws -> [(name: String, value: RuntimeValue)] {
        let inputs = plan.inputs
        let known = Set(inputs.map(\.name))
        for name in feeds.keys where !known.contains(name) {
            throw RuntimeError.invalidFeed(input: name, reason: "the model has no input of this name (inputs: \(requiredInputs.map(\.name).joined(separator: ", ")))")
        }
        var bound: [RuntimeValue?] = []
        for v in inputs {
            if let f = feeds[v.name] {
                try FeedValidation.check(f, against: v)
                bound.append(f)
            } else if v.isInitializer {
                bound.append(nil)
            } else {
                throw RuntimeError.invalidFeed(input: v.name, reason: "missing (expected \(FeedValidation.describe(v.type)))")
            }
        }
        let results = try plan.execute(inputs: bound, parent: nil, observer: observer)
        return zip(plan.outputs, results).map { ($0.name, $1) }
    }
}

/// Checks a feed against a graph input's declared type.
enum FeedValidation {
    static func describe(_ t: TypeInfo?) -> String {
        guard let t else { return "any type" }
        switch t.kind {
        case .tensor(let tt)?:
            return "\((tt.elementType ?? .undefined).shortName) \(tt.shape?.description ?? "of any shape")"
        default: return "a non-tensor value"
        }
    }

    static func check(_ feed: RuntimeValue, against v: Value) throws {
        guard case .tensor(let tt)? = v.type?.kind else { return }
        guard case .tensor(let t) = feed else {
            throw RuntimeError.invalidFeed(input: v.name, reason: "expected a tensor")
        }
        if let e = tt.elementType, e != .undefined, e != t.dataType {
            throw RuntimeError.invalidFeed(input: v.name, reason: "expected \(describe(v.type)), got \(t.dataType.shortName) \(t.shape)")
        }
        if let shape = tt.shape {
            guard shape.rank == t.rank else {
                throw RuntimeError.invalidFeed(input: v.name, reason: "expected \(describe(v.type)) (rank \(shape.rank)), got \(t.dataType.shortName) \(t.shape) (rank \(t.rank))")
            }
            for (i, d) in shape.dims.enumerated() {
                if case .value(let s)? = d.value, s >= 0, Int(s) != t.shape[i] {
                    throw RuntimeError.invalidFeed(input: v.name, reason: "expected \(describe(v.type)), got \(t.dataType.shortName) \(t.shape) (dimension \(i) differs)")
                }
            }
        }
    }
}
