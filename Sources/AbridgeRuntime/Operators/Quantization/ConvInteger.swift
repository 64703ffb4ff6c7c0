import AbridgeIR
import AbridgeKernels

/// `ConvInteger` (onnx.ai/onnx/operators/onnx__ConvInteger.html, since-version 10): Y int32 =
/// Conv(x - x_zero_point, w - w_zero_point) with Conv's attributes (`group`, `strides`,
/// `dilations`, `pads`, `auto_pad`); x and w UINT8 or INT8, `x_zero_point` a scalar,
/// `w_zero_point` a scalar or `[M]` (per output channel). Pads contribute 0 (they take the x zero
/// point before subtraction). Exact Int32 accumulation.
struct ConvInteger: OperatorKernel {
    static let sinceVersions = [10]
    let attributes: ConvAttributes

    init(_ context: KernelBuildContext) throws { attributes = try ConvAttributes(context) }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try inputs.tensor(0, "x"), w = try inputs.tensor(1, "w")
        let zx = try inputs.optionalTensor(2), zw = try inputs.optionalTensor(3)
        let y = try Self.accumulate(x: x, w: w, xZero: zx, wZero: zw, attributes: attributes, op: "ConvInteger")
        return [.tensor(y)]
    }

    /// The Int32 convolution of `(x - xZero)` and `(w - wZero)`, shared with QLinearConv.
    static func accumulate(x: RuntimeTensor, w: RuntimeTensor, xZero: RuntimeTensor?, wZero: RuntimeTensor?,
                           attributes: ConvAttributes, op: String) throws -> RuntimeTensor {
        try IntegerOperands.check(xZero, x, "x_zero_point", op: op)
        try IntegerOperands.check(wZero, w, "w_zero_point", op: op)
        if let xZero, xZero.count != 1 {
            throw RuntimeError.invalidInput(node: "", reason: "\(op): x_zero_point must be a scalar, has shape \(xZero.shape)")
        }
        let g = try attributes.convGeometry(x: x, kernel: try attributes.kernel(from: w, op: op), op: op)
        let group = attributes.group
        let shape = try FloatOperand.guarded(op) { try Convolution.outputShape(xShape: x.shape, wShape: w.shape, geometry: g, group: group) }
        let y = try RuntimeTensor.allocate(.int32, shape)
        try IntegerOperands.dispatch(x.dataType, w.dataType, op: op,
                                     Body(x: x, w: w, xZero: xZero, wZero: wZero, geometry: g, group: group, y: y, op: op))
        return y
    }

    struct Body: IntegerOperands.Pair {
        let x: RuntimeTensor, w: RuntimeTensor, xZero: RuntimeTensor?, wZero: RuntimeTensor?
        let geometry: ConvGeometry, group: Int, y: RuntimeTensor, op: String

        func run<X: FixedWidthInteger, W: FixedWidthInteger>(_: X.Type, _: W.Type) throws {
            let zx: X = xZero?.elements(as: X.self).first ?? 0
            let zw: [W]? = wZero?.elements(as: W.self)
            try FloatOperand.guarded(op) {
                try x.withUnsafeBuffer(as: X.self) { px in
                    try w.withUnsafeBuffer(as: W.self) { pw in
                        try y.withUnsafeMutableBuffer(as: Int32.self) { py in
                            try IntegerOperands.withBuffer(zw) { pzw in
                                try IntegerConvolution.run(x: px, xShape: x.shape, xZeroPoint: zx, w: pw, wShape: w.shape, wZeroPoint: pzw,
                                                           geometry: geometry, group: group, into: py)
                            }
                        }
                    }
                }
            }
        }
    }
}
