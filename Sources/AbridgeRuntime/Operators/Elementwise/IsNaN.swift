import AbridgeIR

/// `IsNaN` (onnx.ai/onnx/operators/onnx__IsNaN.html, since-versions 9, 13, 20): BOOL, true where
/// X is NaN (float types; FLOAT16/BFLOAT16 and the float8 types are decoded to FLOAT first).
enum IsNaNOp {
    static let sinceVersions = [9, 13, 20]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        ClosureKernel { inputs, _ in
            let x = try floatInput(try inputs.tensor(0, "X"), "IsNaN")
            if x.dataType == .double { return [.tensor(try NumericDispatch.unary(x, as: Double.self, into: .bool, Bool.self) { $0.isNaN })] }
            return [.tensor(try NumericDispatch.unary(x, as: Float.self, into: .bool, Bool.self) { $0.isNaN })]
        }
    }

    /// X as FLOAT or DOUBLE (other float types decoded to FLOAT).
    static func floatInput(_ x: RuntimeTensor, _ op: String) throws -> RuntimeTensor {
        if x.dataType == .float || x.dataType == .double { return x }
        guard x.dataType.isFloatingPoint else { throw NumericDispatch.unsupported(op, x.dataType) }
        return try CastOp.convert(x, to: .float)
    }
}
