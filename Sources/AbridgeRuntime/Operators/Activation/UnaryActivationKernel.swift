import AbridgeIR
import AbridgeKernels

/// A kernel applying one element-wise float function (`UnaryOp`, with its attributes already
/// parsed) to X, giving Y of the same shape and type. FLOAT and DOUBLE run in their own type;
/// FLOAT16 and BFLOAT16 are computed in FLOAT and rounded back.
struct UnaryActivationKernel: OperatorKernel {
    let op: UnaryOp
    let name: String

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        [.tensor(try Self.apply(op, try inputs.tensor(0, "X"), name: name))]
    }

    /// Y = op(X). - Throws: `RuntimeError.typeMismatch` for a non-float X.
    static func apply(_ op: UnaryOp, _ x: RuntimeTensor, name: String) throws -> RuntimeTensor {
        try FloatOperand.check(x, "\(name) input")
        let w = try FloatOperand.widened(x)
        let y = try RuntimeTensor.allocate(w.dataType, w.shape)
        try FloatOperand.guarded(name) {
            if w.dataType == .double {
                try w.withUnsafeBuffer(as: Double.self) { src in
                    try y.withUnsafeMutableBuffer(as: Double.self) { try Elementwise.apply(op, src, into: $0) }
                }
            } else {
                try w.withUnsafeBuffer(as: Float.self) { src in
                    try y.withUnsafeMutableBuffer(as: Float.self) { try Elementwise.apply(op, src, into: $0) }
                }
            }
        }
        return try FloatOperand.narrowed(y, to: x.dataType)
    }
}
