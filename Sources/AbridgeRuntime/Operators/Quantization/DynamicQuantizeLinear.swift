import AbridgeIR
import AbridgeKernels

/// `DynamicQuantizeLinear` (onnx.ai/onnx/operators/onnx__DynamicQuantizeLinear.html, since-version
/// 11): x FLOAT (any shape) -> y UINT8, y_scale FLOAT scalar, y_zero_point UINT8 scalar, with
/// `y_scale = (max(0, max(x)) - min(0, min(x))) / 255` (1/255 when that range is 0),
/// `y_zero_point = rint(clamp(-min(0, min(x)) / y_scale, 0, 255))` and
/// `y = saturate(rint(x / y_scale) + y_zero_point)`, rounding half to even.
enum DynamicQuantizeLinear {
    static let sinceVersions = [11]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        ClosureKernel { inputs, _ in
            let x0 = try inputs.tensor(0, "x")
            try FloatOperand.check(x0, "DynamicQuantizeLinear x")
            let x = try FloatOperand.asFloat(x0)
            let y = try RuntimeTensor.allocate(.uint8, x.shape)
            let params = try FloatOperand.guarded("DynamicQuantizeLinear") {
                try x.withUnsafeBuffer(as: Float.self) { px in
                    try y.withUnsafeMutableBuffer(as: UInt8.self) { try QuantizationMath.dynamicQuantize(px, into: $0) }
                }
            }
            let scale = try FloatOperand.narrowed(RuntimeTensor(floats: [params.scale], shape: []), to: x0.dataType)
            return [.tensor(y), .tensor(scale), .tensor(RuntimeTensor(.uint8, shape: [], values: [params.zeroPoint]))]
        }
    }
}
