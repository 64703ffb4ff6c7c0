import AbridgeIR

/// `IsInf` (onnx.ai/onnx/operators/onnx__IsInf.html, since-versions 10, 20): BOOL, true where X
/// is +Inf (when `detect_positive`, default 1) or -Inf (when `detect_negative`, default 1).
enum IsInfOp {
    static let sinceVersions = [10, 20]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let positive = try context.attributes.int("detect_positive", default: 1) != 0
        let negative = try context.attributes.int("detect_negative", default: 1) != 0
        return ClosureKernel { inputs, _ in
            let x = try IsNaNOp.floatInput(try inputs.tensor(0, "X"), "IsInf")
            if x.dataType == .double {
                return [.tensor(try NumericDispatch.unary(x, as: Double.self, into: .bool, Bool.self) { $0.isInfinite && ($0 > 0 ? positive : negative) })]
            }
            return [.tensor(try NumericDispatch.unary(x, as: Float.self, into: .bool, Bool.self) { $0.isInfinite && ($0 > 0 ? positive : negative) })]
        }
    }
}
