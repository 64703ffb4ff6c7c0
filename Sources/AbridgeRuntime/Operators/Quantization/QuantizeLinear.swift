import AbridgeIR
import AbridgeKernels

/// `QuantizeLinear` (onnx.ai/onnx/operators/onnx__QuantizeLinear.html, since-versions 10, 13, 19,
/// 21, 23, 24, 25): `y = saturate(round(x / y_scale) + y_zero_point)`.
///
/// - Rounding is half to even (`rint`); integer outputs saturate to the type's range (uint8
///   [0, 255], int8 [-128, 127], 16-bit, 4-bit and 2-bit ranges alike). A NaN quotient gives the
///   zero point (the spec leaves it undefined).
/// - The division is rounded to the `precision` attribute's type (opset 23+), else to y_scale's
///   type (a FLOAT16 scale divides in FLOAT16), as the spec says.
/// - Output type: the zero point's type, else `output_dtype` (21+), else UINT8.
/// - Float8 outputs (opset 19+) use `saturate` (default 1: out-of-range values become ±max;
///   0: ±Inf or NaN as Cast does); FLOAT4E2M1 (23+) always saturates; the zero point, when given,
///   is added in float.
/// - Granularity: per-tensor (scalar scale), per-axis (1-D scale along `axis`, opset 13+),
///   blocked (`block_size` > 0, opset 21+: scale shaped like x with `x.shape[axis]` replaced by
///   `ceil(x.shape[axis] / block_size)`).
struct QuantizeLinear: OperatorKernel {
    static let sinceVersions = [10, 13, 19, 21, 23, 24, 25]

    let axis: Int
    let saturate: Bool
    let blockSize: Int
    let outputType: DataType?
    let precision: DataType?
    let allowPerAxis: Bool

    init(_ context: KernelBuildContext) throws {
        let a = context.attributes, opset = context.opset, label = context.node.label
        allowPerAxis = opset >= 13
        axis = Int(clamping: opset >= 13 ? try a.int("axis", default: 1) : 1)
        saturate = opset >= 19 ? try a.int("saturate", default: 1) != 0 : true
        blockSize = Int(clamping: opset >= 21 ? try a.int("block_size", default: 0) : 0)
        guard blockSize >= 0 else { throw RuntimeError.invalidAttribute(node: label, name: "block_size", reason: "must be >= 0") }
        let output = opset >= 21 ? try a.int("output_dtype", default: 0) : 0
        outputType = output == 0 ? nil : DataType(rawValue: Int32(clamping: output))
        let p = opset >= 23 ? try a.int("precision", default: 0) : 0
        precision = p == 0 ? nil : DataType(rawValue: Int32(clamping: p))
        if let precision, !FloatOperand.types.contains(precision) {
            throw RuntimeError.invalidAttribute(node: label, name: "precision", reason: "must be a float type, got \(precision.shortName)")
        }
        if let outputType, QuantizationParameters.integerType(outputType) == nil, QuantizationParameters.floatFormat(outputType) == nil {
            throw RuntimeError.invalidAttribute(node: label, name: "output_dtype", reason: "\(outputType.shortName) is not a quantized type")
        }
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try inputs.tensor(0, "x"), scale = try inputs.tensor(1, "y_scale"), zero = try inputs.optionalTensor(2)
        let type: DataType
        if let zero {
            if let outputType, outputType != zero.dataType {
                throw RuntimeError.typeMismatch("QuantizeLinear: output_dtype \(outputType.shortName) differs from the zero point's type \(zero.dataType.shortName)")
            }
            type = zero.dataType
        } else {
            type = outputType ?? .uint8
        }
        let params = try QuantizationParameters(x: x.shape, scale: scale, axis: axis, blockSize: blockSize,
                                                allowPerAxis: allowPerAxis, op: "QuantizeLinear")
        if let zero { try params.check(zeroPoint: zero, scale: scale, op: "QuantizeLinear") }
        let rounding = precision ?? scale.dataType
        let y = try RuntimeTensor.allocate(type, x.shape)
        let source = x.dataType == .bfloat16 ? try FloatOperand.asFloat(x) : x
        switch source.dataType {
        case .float: try quantize(source, Float.self, params, zero, rounding, y)
        case .double: try quantize(source, Double.self, params, zero, rounding, y)
        case .float16: try quantize(source, Float16.self, params, zero, rounding, y)
        case .int32: try quantize(source, Int32.self, params, zero, rounding, y)
        default: throw RuntimeError.typeMismatch("QuantizeLinear: x must be float, double, float16, bfloat16 or int32, got \(x.dataType.shortName)")
        }
        return [.tensor(y)]
    }

    func quantize<X: QuantizeLinearInput>(_ x: RuntimeTensor, _: X.Type, _ params: QuantizationParameters, _ zero: RuntimeTensor?,
                                                 _ rounding: DataType, _ y: RuntimeTensor) throws {
        if let range = QuantizationParameters.integerType(y.dataType)?.range {
            let zeros = try zero.map { try $0.int64Values().map { Int32(clamping: $0) } } ?? [0]
            let zeroStep = zero == nil ? 0 : 1
            switch y.dataType {
            case .uint8, .uint4, .uint2: integer(x, X.self, UInt8.self, params, zeros, zeroStep, range, rounding, y)
            case .int8, .int4, .int2: integer(x, X.self, Int8.self, params, zeros, zeroStep, range, rounding, y)
            case .uint16: integer(x, X.self, UInt16.self, params, zeros, zeroStep, range, rounding, y)
            default: integer(x, X.self, Int16.self, params, zeros, zeroStep, range, rounding, y)
            }
            return
        }
        guard let format = QuantizationParameters.floatFormat(y.dataType) else {
            throw RuntimeError.typeMismatch("QuantizeLinear: \(y.dataType.shortName) is not a quantized type")
        }
        let zeros: [Float] = try zero.map { z in
            guard z.dataType == y.dataType else { throw RuntimeError.typeMismatch("QuantizeLinear: zero point type \(z.dataType.shortName)") }
            return z.elements(as: UInt8.self).map { FloatFormats.decode($0, from: format) }
        } ?? [0]
        let zeroStep = zero == nil ? 0 : 1
        let saturate = self.saturate || format.bitWidth < 8
        let scales = params.scales
        x.withUnsafeBuffer(as: X.self) { px in
            y.withUnsafeMutableBuffer(as: UInt8.self) { py in
                params.forEachRun { run, p0, step in
                    var p = p0
                    for i in run {
                        let q = Self.quotient(px[i].doubleValue, scales[p], rounding)
                        py[i] = FloatFormats.encode(Float(q) + zeros[p * zeroStep], as: format, saturate: saturate)
                        p += step
                    }
                }
            }
        }
    }

    func integer<X: QuantizeLinearInput, Q: FixedWidthInteger>(_ x: RuntimeTensor, _: X.Type, _: Q.Type, _ params: QuantizationParameters,
                                                   _ zeros: [Int32], _ zeroStep: Int, _ range: ClosedRange<Int32>,
                                                   _ rounding: DataType, _ y: RuntimeTensor) {
        let scales = params.scales
        let lo = Double(range.lowerBound), hi = Double(range.upperBound)
        x.withUnsafeBuffer(as: X.self) { px in
            y.withUnsafeMutableBuffer(as: Q.self) { py in
                params.forEachRun { run, p0, step in
                    var p = p0
                    if rounding == .float && step == 0 {
                        // Common case: FLOAT division, one parameter for the whole run.
                        let s = Float(scales[p]), z = Double(zeros[p * zeroStep])
                        for i in run {
                            let q = Double((Float(px[i].doubleValue) / s).rounded(.toNearestOrEven))
                            let v = (q.isNaN ? 0 : q) + z
                            py[i] = Q(truncatingIfNeeded: Int32(Swift.min(Swift.max(v, lo), hi)))
                        }
                        return
                    }
                    for i in run {
                        let q = Self.quotient(px[i].doubleValue, scales[p], rounding).rounded(.toNearestOrEven)
                        let v = (q.isNaN ? 0 : q) + Double(zeros[p * zeroStep])
                        py[i] = Q(truncatingIfNeeded: Int32(Swift.min(Swift.max(v, lo), hi)))
                        p += step
                    }
                }
            }
        }
    }

    /// `x / scale` rounded to the precision type (Double division is exact enough that rounding
    /// it to FLOAT, FLOAT16 or BFLOAT16 equals dividing in that type).
    @inline(__always)
    static func quotient(_ x: Double, _ scale: Double, _ precision: DataType) -> Double {
        let q = x / scale
        switch precision {
        case .double: return q
        case .float16: return Double(Float16(q))
        case .bfloat16: return Double(FloatFormats.decodeBFloat16(FloatFormats.encodeBFloat16(Float(q))))
        default: return Double(Float(q))
        }
    }
}

/// Element types QuantizeLinear reads x as, widened exactly to Double.
protocol QuantizeLinearInput {
    var doubleValue: Double { get }
}
extension Float: QuantizeLinearInput { var doubleValue: Double { Double(self) } }
extension Double: QuantizeLinearInput { var doubleValue: Double { self } }
extension Float16: QuantizeLinearInput { var doubleValue: Double { Double(self) } }
extension Int32: QuantizeLinearInput { var doubleValue: Double { Double(self) } }
