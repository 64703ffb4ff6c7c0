import AbridgeIR
import AbridgeKernels

/// `DequantizeLinear` (onnx.ai/onnx/operators/onnx__DequantizeLinear.html, since-versions 10, 13,
/// 19, 21, 23, 24, 25): `y = (x - x_zero_point) * x_scale`.
///
/// - x: the integer types (uint8, int8, uint16, int16, int32, uint4, int4, uint2, int2) or the
///   float8/float4 types; the zero point has x's type (absent: 0; for float8 it must be 0).
/// - `x - x_zero_point` is computed in FLOAT, the product in the wider of FLOAT and the scale's
///   type, and the result is stored as the scale's type, or `output_dtype` (opset 23+), as the
///   onnx reference does.
/// - Granularity as QuantizeLinear: per-tensor, per-axis (`axis`, opset 13+), blocked
///   (`block_size`, opset 21+).
struct DequantizeLinear: OperatorKernel {
    static let sinceVersions = [10, 13, 19, 21, 23, 24, 25]

    let axis: Int
    let blockSize: Int
    let outputType: DataType?
    let allowPerAxis: Bool

    init(_ context: KernelBuildContext) throws {
        let a = context.attributes, opset = context.opset, label = context.node.label
        allowPerAxis = opset >= 13
        axis = Int(clamping: opset >= 13 ? try a.int("axis", default: 1) : 1)
        blockSize = Int(clamping: opset >= 21 ? try a.int("block_size", default: 0) : 0)
        guard blockSize >= 0 else { throw RuntimeError.invalidAttribute(node: label, name: "block_size", reason: "must be >= 0") }
        let output = opset >= 23 ? try a.int("output_dtype", default: 0) : 0
        outputType = output == 0 ? nil : DataType(rawValue: Int32(clamping: output))
        if let outputType, !FloatOperand.types.contains(outputType) {
            throw RuntimeError.invalidAttribute(node: label, name: "output_dtype", reason: "must be a float type, got \(outputType.shortName)")
        }
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try inputs.tensor(0, "x"), scale = try inputs.tensor(1, "x_scale"), zero = try inputs.optionalTensor(2)
        let type = outputType ?? scale.dataType
        guard FloatOperand.types.contains(type) else {
            throw RuntimeError.typeMismatch("DequantizeLinear: x_scale must be a float tensor, got \(scale.dataType.shortName)")
        }
        let params = try QuantizationParameters(x: x.shape, scale: scale, axis: axis, blockSize: blockSize,
                                                allowPerAxis: allowPerAxis, op: "DequantizeLinear")
        if let zero {
            try params.check(zeroPoint: zero, scale: scale, op: "DequantizeLinear")
            guard zero.dataType == x.dataType else {
                throw RuntimeError.typeMismatch("DequantizeLinear: x is \(x.dataType.shortName) but x_zero_point is \(zero.dataType.shortName)")
            }
        }
        // Differences x - zero_point in FLOAT, by a 256-entry table for the 8-bit-or-narrower types.
        let zeros: [Float]
        var table: [Float]? = nil
        if let format = QuantizationParameters.floatFormat(x.dataType) {
            table = (0..<256).map { FloatFormats.decode(UInt8($0), from: format) }
            zeros = zero.map { $0.elements(as: UInt8.self).map { FloatFormats.decode($0, from: format) } } ?? [0]
        } else if x.dataType == .float8e8m0 {
            table = (0..<256).map { FloatFormats.decodeE8M0(UInt8($0)) }
            zeros = [0]
        } else {
            guard x.dataType.isInteger else {
                throw RuntimeError.typeMismatch("DequantizeLinear: x must be a quantized type, got \(x.dataType.shortName)")
            }
            zeros = try zero.map { try $0.int64Values().map(Float.init) } ?? [0]
        }
        let zeroStep = zero == nil ? 0 : 1
        let wide = scale.dataType == .double || type == .double
        let y = try RuntimeTensor.allocate(wide ? .double : .float, x.shape)
        let v = try values(x, table)
        let scales = params.scales
        v.withUnsafeBufferPointer { px in
            if wide {
                y.withUnsafeMutableBuffer(as: Double.self) { py in
                    params.forEachRun { run, p0, step in
                        var p = p0
                        for i in run { py[i] = Double(px[i] - zeros[p * zeroStep]) * scales[p]; p += step }
                    }
                }
            } else {
                let fs = scales.map { Float($0) }
                y.withUnsafeMutableBuffer(as: Float.self) { py in
                    params.forEachRun { run, p0, step in
                        var p = p0
                        if step == 0 {
                            let s = fs[p], z = zeros[p * zeroStep]
                            for i in run { py[i] = (px[i] - z) * s }
                        } else {
                            for i in run { py[i] = (px[i] - zeros[p * zeroStep]) * fs[p]; p += step }
                        }
                    }
                }
            }
        }
        return [.tensor(try FloatOperand.narrowed(y, to: type))]
    }

    /// x's elements as FLOAT (small float codes decoded through `table`).
    func values(_ x: RuntimeTensor, _ table: [Float]?) throws -> [Float] {
        if let table {
            return x.withUnsafeBuffer(as: UInt8.self) { p in p.map { table[Int($0)] } }
        }
        switch x.dataType {
        case .uint8, .uint4, .uint2: return Self.widen(x, UInt8.self)
        case .int8, .int4, .int2: return Self.widen(x, Int8.self)
        case .uint16: return Self.widen(x, UInt16.self)
        case .int16: return Self.widen(x, Int16.self)
        case .int32: return Self.widen(x, Int32.self)
        default: throw RuntimeError.typeMismatch("DequantizeLinear: unsupported x type \(x.dataType.shortName)")
        }
    }

    static func widen<E: BinaryInteger>(_ x: RuntimeTensor, _: E.Type) -> [Float] {
        x.withUnsafeBuffer(as: E.self) { p in
            [Float](unsafeUninitializedCapacity: p.count) { out, n in
                for i in 0..<p.count { out[i] = Float(p[i]) }
                n = p.count
            }
        }
    }
}
