import AbridgeIR
import AbridgeKernels

/// `MatMulInteger` (onnx.ai/onnx/operators/onnx__MatMulInteger.html, since-version 10):
/// Y int32 = (A - a_zero_point) @ (B - b_zero_point) with numpy matmul broadcasting; A and B
/// UINT8 or INT8; `a_zero_point` a scalar or `[M]` (per row), `b_zero_point` a scalar or `[N]`
/// (per column). Exact Int32 accumulation.
struct MatMulInteger: OperatorKernel {
    static let sinceVersions = [10]

    init(_ context: KernelBuildContext) {}

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let a = try inputs.tensor(0, "A"), b = try inputs.tensor(1, "B")
        let za = try inputs.optionalTensor(2), zb = try inputs.optionalTensor(3)
        try IntegerOperands.check(za, a, "a_zero_point", op: "MatMulInteger")
        try IntegerOperands.check(zb, b, "b_zero_point", op: "MatMulInteger")
        let shape = try FloatOperand.guarded("MatMulInteger") { try AbridgeKernels.MatMul.outputShape(a.shape, b.shape) }
        let y = try RuntimeTensor.allocate(.int32, shape)
        try IntegerOperands.dispatch(a.dataType, b.dataType, op: "MatMulInteger", Product(a: a, b: b, za: za, zb: zb, y: y))
        return [.tensor(y)]
    }

    /// `Y = (A - za) @ (B - zb)` for typed operands.
    struct Product: IntegerOperands.Pair {
        let a: RuntimeTensor, b: RuntimeTensor, za: RuntimeTensor?, zb: RuntimeTensor?, y: RuntimeTensor

        func run<A: FixedWidthInteger, B: FixedWidthInteger>(_: A.Type, _: B.Type) throws {
            let zas: [A]? = za?.elements(as: A.self), zbs: [B]? = zb?.elements(as: B.self)
            try FloatOperand.guarded("MatMulInteger") {
                try a.withUnsafeBuffer(as: A.self) { pa in
                    try b.withUnsafeBuffer(as: B.self) { pb in
                        try y.withUnsafeMutableBuffer(as: Int32.self) { py in
                            try IntegerOperands.withBuffer(zas) { pza in
                                try IntegerOperands.withBuffer(zbs) { pzb in
                                    try IntegerGemm.matMul(pa, a.shape, aZeroPoint: pza, pb, b.shape, bZeroPoint: pzb, into: py)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

extension IntegerOperands {
    /// Calls `body` with a buffer over `values`, or nil.
    static func withBuffer<T, R>(_ values: [T]?, _ body: (UnsafeBufferPointer<T>?) throws -> R) rethrows -> R {
        guard let values else { return try body(nil) }
        return try values.withUnsafeBufferPointer { try body($0) }
    }
}
