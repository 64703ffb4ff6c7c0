import AbridgeIR
import AbridgeKernels

/// `QLinearMatMul` (onnx.ai/onnx/operators/onnx__QLinearMatMul.html, since-versions 10, 21):
/// `y = saturate(rint((a - a_zero_point) @ (b - b_zero_point) * (a_scale * b_scale / y_scale)) +
/// y_zero_point)` with numpy matmul broadcasting. a, b, y UINT8 or INT8; a's parameters are
/// scalars, b's scalars or `[N]` (per column). The integer product is exact (Int32); the
/// multiplier is computed in the scales' type (FLOAT16 scales from opset 21 multiply and divide
/// in FLOAT16) and applied in double precision, rounding half to even, as the onnx reference.
struct QLinearMatMul: OperatorKernel {
    static let sinceVersions = [10, 21]

    init(_ context: KernelBuildContext) {}

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let a = try inputs.tensor(0, "a"), aScale = try inputs.tensor(1, "a_scale"), za = try inputs.optionalTensor(2)
        let b = try inputs.tensor(3, "b"), bScale = try inputs.tensor(4, "b_scale"), zb = try inputs.optionalTensor(5)
        let yScale = try inputs.tensor(6, "y_scale"), zy = try inputs.optionalTensor(7)
        try IntegerOperands.check(za, a, "a_zero_point", op: "QLinearMatMul")
        try IntegerOperands.check(zb, b, "b_zero_point", op: "QLinearMatMul")
        guard aScale.count == 1, yScale.count == 1, za.map({ $0.count == 1 }) ?? true, zy.map({ $0.count == 1 }) ?? true else {
            throw RuntimeError.invalidInput(node: "", reason: "QLinearMatMul: a_scale, a_zero_point, y_scale and y_zero_point must be scalars")
        }
        let shape = try FloatOperand.guarded("QLinearMatMul") { try AbridgeKernels.MatMul.outputShape(a.shape, b.shape) }
        let n = b.rank == 1 ? 1 : b.shape[b.rank - 1]
        guard bScale.count == 1 || bScale.count == n else {
            throw RuntimeError.invalidInput(node: "", reason: "QLinearMatMul: b_scale has \(bScale.count) values; expected 1 or \(n)")
        }
        let acc = try RuntimeTensor.allocate(.int32, shape)
        try IntegerOperands.dispatch(a.dataType, b.dataType, op: "QLinearMatMul", MatMulInteger.Product(a: a, b: b, za: za, zb: zb, y: acc))
        let multipliers = try QLinearMultiplier.values(aScale, bScale, yScale)
        let outType = zy?.dataType ?? a.dataType
        let zero = try zy.map { Int32(clamping: try $0.int64Values()[0]) } ?? 0
        let y = try RuntimeTensor.allocate(outType, shape)
        switch outType {
        case .uint8: IntegerOperands.requantize(acc, multipliers: multipliers, channels: n, inner: 1, zeroPoint: zero, UInt8.self, into: y)
        case .int8: IntegerOperands.requantize(acc, multipliers: multipliers, channels: n, inner: 1, zeroPoint: zero, Int8.self, into: y)
        default: throw RuntimeError.typeMismatch("QLinearMatMul: output type must be uint8 or int8, got \(outType.shortName)")
        }
        return [.tensor(y)]
    }
}

/// The requantization multipliers `a_scale * b_scale[c] / y_scale` of QLinearMatMul and
/// QLinearConv, each operation rounded to the scales' type (FLOAT, FLOAT16, BFLOAT16 or DOUBLE),
/// returned exactly as Double.
enum QLinearMultiplier {
    static func values(_ aScale: RuntimeTensor, _ bScale: RuntimeTensor, _ yScale: RuntimeTensor) throws -> [Double] {
        let type = aScale.dataType
        let sa = try QuantizationParameters.doubles(aScale, "scale")[0], sy = try QuantizationParameters.doubles(yScale, "y_scale")[0]
        return try QuantizationParameters.doubles(bScale, "scale").map { sb in round(round(sa * sb, type) / sy, type) }
    }

    static func round(_ v: Double, _ type: DataType) -> Double {
        switch type {
        case .double: return v
        case .float16: return Double(Float16(v))
        case .bfloat16: return Double(FloatFormats.decodeBFloat16(FloatFormats.encodeBFloat16(Float(v))))
        default: return Double(Float(v))
        }
    }
}
