import AbridgeIR
import AbridgeKernels

/// `QLinearConv` (onnx.ai/onnx/operators/onnx__QLinearConv.html, since-version 10):
/// `y = saturate(rint((Conv(x - x_zero_point, w - w_zero_point) + B) * (x_scale * w_scale[m] /
/// y_scale)) + y_zero_point)` with Conv's attributes. x, w, y UINT8 or INT8; `w_scale` and
/// `w_zero_point` scalars or `[M]` (per output channel); B optional INT32 `[M]`. The convolution
/// is exact (Int32); requantization in double precision, rounding half to even (onnx reference).
struct QLinearConv: OperatorKernel {
    static let sinceVersions = [10]
    let attributes: ConvAttributes

    init(_ context: KernelBuildContext) throws { attributes = try ConvAttributes(context) }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try inputs.tensor(0, "x"), xScale = try inputs.tensor(1, "x_scale"), zx = try inputs.optionalTensor(2)
        let w = try inputs.tensor(3, "w"), wScale = try inputs.tensor(4, "w_scale"), zw = try inputs.optionalTensor(5)
        let yScale = try inputs.tensor(6, "y_scale"), zy = try inputs.optionalTensor(7), bias = try inputs.optionalTensor(8)
        guard xScale.count == 1, yScale.count == 1, zy.map({ $0.count == 1 }) ?? true else {
            throw RuntimeError.invalidInput(node: "", reason: "QLinearConv: x_scale, y_scale and y_zero_point must be scalars")
        }
        let acc = try ConvInteger.accumulate(x: x, w: w, xZero: zx, wZero: zw, attributes: attributes, op: "QLinearConv")
        let m = acc.shape[1], inner = acc.shape[2...].reduce(1, *)
        guard wScale.count == 1 || wScale.count == m else {
            throw RuntimeError.invalidInput(node: "", reason: "QLinearConv: w_scale has \(wScale.count) values; expected 1 or \(m)")
        }
        if let bias {
            guard bias.dataType == .int32, bias.count == m else {
                throw RuntimeError.invalidInput(node: "", reason: "QLinearConv: B must be int32 [\(m)], got \(bias.dataType.shortName) \(bias.shape)")
            }
            let bs = bias.elements(as: Int32.self)
            acc.withUnsafeMutableBuffer(as: Int32.self) { p in
                for i in 0..<p.count { p[i] &+= bs[(i / inner) % m] }
            }
        }
        let multipliers = try QLinearMultiplier.values(xScale, wScale, yScale)
        let outType = zy?.dataType ?? x.dataType
        let zero = try zy.map { Int32(clamping: try $0.int64Values()[0]) } ?? 0
        let y = try RuntimeTensor.allocate(outType, acc.shape)
        switch outType {
        case .uint8: IntegerOperands.requantize(acc, multipliers: multipliers, channels: m, inner: inner, zeroPoint: zero, UInt8.self, into: y)
        case .int8: IntegerOperands.requantize(acc, multipliers: multipliers, channels: m, inner: inner, zeroPoint: zero, Int8.self, into: y)
        default: throw RuntimeError.typeMismatch("QLinearConv: output type must be uint8 or int8, got \(outType.shortName)")
        }
        return [.tensor(y)]
    }
}
