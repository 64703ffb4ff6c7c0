import AbridgeIR

/// The BOOL binary operators And, Or, Xor: numpy broadcasting, BOOL in and out.
struct LogicalKernel: OperatorKernel {
    let name: String
    let op: (Bool, Bool) -> Bool

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let a = try inputs.tensor(0, "A"), b = try inputs.tensor(1, "B")
        guard a.dataType == .bool, b.dataType == .bool else {
            throw RuntimeError.typeMismatch("\(name) needs bool inputs, got \(a.dataType.shortName) and \(b.dataType.shortName)")
        }
        return [.tensor(try NumericDispatch.binary(a, b, as: Bool.self, Bool.self, into: .bool, Bool.self, op))]
    }
}

/// `And` (onnx.ai/onnx/operators/onnx__And.html, since-versions 1, 7): logical and, broadcasting.
enum AndOp {
    static let sinceVersions = [1, 7]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel { LogicalKernel(name: "And") { $0 && $1 } }
}

/// `Or` (onnx.ai/onnx/operators/onnx__Or.html, since-versions 1, 7): logical or, broadcasting.
enum OrOp {
    static let sinceVersions = [1, 7]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel { LogicalKernel(name: "Or") { $0 || $1 } }
}

/// `Xor` (onnx.ai/onnx/operators/onnx__Xor.html, since-versions 1, 7): logical xor, broadcasting.
enum XorOp {
    static let sinceVersions = [1, 7]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel { LogicalKernel(name: "Xor") { $0 != $1 } }
}

/// `Not` (onnx.ai/onnx/operators/onnx__Not.html, since-version 1): logical negation of a BOOL
/// tensor.
enum NotOp {
    static let sinceVersions = [1]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "X")
            guard x.dataType == .bool else { throw RuntimeError.typeMismatch("Not needs a bool input, got \(x.dataType.shortName)") }
            return [.tensor(try NumericDispatch.unary(x, as: Bool.self, into: .bool, Bool.self) { !$0 })]
        }
    }
}
