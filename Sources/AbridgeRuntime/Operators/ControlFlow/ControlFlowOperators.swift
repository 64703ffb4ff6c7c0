/// Identity-like and control-flow operators.
enum ControlFlowOperators {
    static func register(_ r: OperatorRegistry) {
        r.register("Identity", since: [1, 13, 14, 16, 19, 21, 23, 24, 25]) { _ in IdentityKernel() }
        r.register("If", since: [1, 11, 13, 16, 19, 21, 23, 24, 25]) { try IfKernel(context: $0) }
        r.register("Loop", since: [1, 11, 13, 16, 19, 21, 23, 24, 25]) { try LoopKernel(context: $0) }
        r.register("Scan", since: [8, 9, 11, 16, 19, 21, 23, 24, 25]) { try ScanKernel(context: $0) }
    }
}

/// `Identity` (all versions): the output is the input value (tensor, sequence or optional).
struct IdentityKernel: OperatorKernel {
    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        guard let v = inputs.first ?? nil else { throw RuntimeError.invalidInput(node: "", reason: "Identity needs an input") }
        return [v]
    }
}
