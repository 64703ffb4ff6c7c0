import AbridgeIR

/// A compiled operator: attributes parsed and defaulted once when the kernel is built, then run
/// many times.
public protocol OperatorKernel {
    /// Computes the node's outputs.
    /// - Parameters:
    ///   - inputs: one entry per node input; nil for an omitted optional input.
    ///   - context: threads, observation, and subgraph execution.
    /// - Returns: one entry per node output; nil for an optional output not produced.
    /// - Throws: `RuntimeError` naming what is wrong (the executor adds the node's label).
    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?]
}

/// What a kernel factory sees when it builds a kernel for a node.
public struct KernelBuildContext {
    /// The node.
    public let node: Node
    /// The opset version imported for the node's domain (by the model, or by the enclosing
    /// function).
    public let opset: Int
    /// Builds an execution plan for a subgraph of this node (If branches, Loop/Scan bodies).
    public let planSubgraph: (Graph) throws -> GraphPlan

    /// Attribute accessors that throw `RuntimeError.invalidAttribute` naming this node.
    public var attributes: NodeAttributes { NodeAttributes(node: node) }
}

/// Builds a kernel for a node.
public typealias KernelFactory = (KernelBuildContext) throws -> OperatorKernel

/// A kernel defined by a closure over its inputs, for simple operators.
public struct ClosureKernel: OperatorKernel {
    let body: ([RuntimeValue?], ExecutionContext) throws -> [RuntimeValue?]
    public init(_ body: @escaping ([RuntimeValue?], ExecutionContext) throws -> [RuntimeValue?]) { self.body = body }
    public func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        try body(inputs, context)
    }
}

/// Input helpers for kernels.
extension Array where Element == RuntimeValue? {
    /// Input `index` as a tensor.
    /// - Throws: `RuntimeError.invalidInput` when missing or not a tensor.
    public func tensor(_ index: Int, _ name: String = "") throws -> RuntimeTensor {
        guard index < count, let v = self[index] else {
            throw RuntimeError.invalidInput(node: "", reason: "required input \(index)\(name.isEmpty ? "" : " (\(name))") is missing")
        }
        guard case .tensor(let t) = v else {
            throw RuntimeError.invalidInput(node: "", reason: "input \(index)\(name.isEmpty ? "" : " (\(name))") is not a tensor")
        }
        return t
    }

    /// Input `index` as a tensor, or nil when omitted.
    public func optionalTensor(_ index: Int) throws -> RuntimeTensor? {
        guard index < count, let v = self[index] else { return nil }
        guard case .tensor(let t) = v else { throw RuntimeError.invalidInput(node: "", reason: "input \(index) is not a tensor") }
        return t
    }
}
