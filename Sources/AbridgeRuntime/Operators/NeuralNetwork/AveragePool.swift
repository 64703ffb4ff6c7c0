import AbridgeIR
import AbridgeKernels

/// `AveragePool` (onnx.ai/onnx/operators/onnx__AveragePool.html, since-versions 1, 7, 10, 11, 19,
/// 22): X `[N, C, D1..Dn]` -> Y `[N, C, O1..On]`, the mean of each window, with `kernel_shape`,
/// `strides`, `pads`, `auto_pad`, `count_include_pad` (opset 7+: divide by the taps inside the
/// padded extent rather than inside X), `ceil_mode` (10+) and `dilations` (19+).
struct AveragePool: OperatorKernel {
    static let sinceVersions = [1, 7, 10, 11, 19, 22]
    let attributes: ConvAttributes
    let countIncludePad: Bool

    init(_ context: KernelBuildContext) throws {
        attributes = try ConvAttributes(context)
        countIncludePad = try context.attributes.int("count_include_pad", default: 0) != 0
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try inputs.tensor(0, "X")
        try FloatOperand.check(x, "AveragePool X")
        let g = try attributes.poolGeometry(x: x, op: "AveragePool")
        let w = try FloatOperand.widened(x)
        let y = try RuntimeTensor.allocate(w.dataType, Array(x.shape[0..<2]) + g.output)
        let include = countIncludePad
        try FloatOperand.guarded("AveragePool") {
            if w.dataType == .double {
                try w.withUnsafeBuffer(as: Double.self) { px in
                    try y.withUnsafeMutableBuffer(as: Double.self) { try Pooling.averagePool(px, shape: x.shape, geometry: g, countIncludePad: include, into: $0) }
                }
            } else {
                try w.withUnsafeBuffer(as: Float.self) { px in
                    try y.withUnsafeMutableBuffer(as: Float.self) { try Pooling.averagePool(px, shape: x.shape, geometry: g, countIncludePad: include, into: $0) }
                }
            }
        }
        return [.tensor(try FloatOperand.narrowed(y, to: x.dataType))]
    }
}
