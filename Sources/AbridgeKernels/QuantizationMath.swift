/// Linear quantization arithmetic of ONNX QuantizeLinear / DequantizeLinear (opsets 10-25) and
/// DynamicQuantizeLinear (opset 11).
///
/// Quantize: `y = saturate(round(x / scale) + zero_point)`; the division is done in Float, rounding is
/// half to even (2.5 -> 2, -2.5 -> -2, 3.5 -> 4), saturation to the type's range. A NaN quotient is treated
/// as 0 (the spec leaves it undefined). Dequantize: `y = (x - zero_point) * scale` in Float.
/// Scale and zero point indexing follows `QuantizationGranularity`. Elements are independent, so results
/// never depend on the thread count.
public enum QuantizationMath {
    /// Quantizes one value. - Returns: the saturated integer.
    @inlinable
    public static func quantize(_ x: Float, scale: Float, zeroPoint: Int32, range: ClosedRange<Int32>) -> Int32 {
        let q = (x / scale).rounded(.toNearestOrEven)
        let shifted = (q.isNaN ? 0 : q) + Float(zeroPoint)
        return Int32(Swift.min(Swift.max(shifted, Float(range.lowerBound)), Float(range.upperBound)))
    }

    /// QuantizeLinear to an integer type: X `shape` float32, scale and optional zero point shaped by
    /// `granularity.parameterShape(for: shape)`, Y like X. `Q` holds the type's values one per element
    /// (Int8 for int4/int2, UInt8 for uint4/uint2).
    /// - Throws: `KernelError.invalidArgument`, `.bufferSize`, or `.invalidArgument` when `Q` cannot hold
    ///   the type's range.
    @inlinable
    public static func quantize<Q: FixedWidthInteger>(
        _ x: UnsafeBufferPointer<Float>, shape: [Int], scale: UnsafeBufferPointer<Float>,
        zeroPoint: UnsafeBufferPointer<Q>?, granularity: QuantizationGranularity, type: QuantizedIntegerType,
        into y: UnsafeMutableBufferPointer<Q>
    ) throws {
        guard Int64(Q.min) <= Int64(type.range.lowerBound), Int64(Q.max) >= Int64(type.range.upperBound) else {
            throw KernelError.invalidArgument(kernel: "QuantizeLinear", message: "\(Q.self) cannot hold \(type.rawValue)")
        }
        let layout = try checked(shape, x.count, y.count, scale.count, zeroPoint?.count, granularity, "QuantizeLinear")
        let range = type.range
        guard let px = x.baseAddress, let py = y.baseAddress else { return }
        layout.forEachRun { run, p in
            let s = scale[p], z = zeroPoint.map { Int32($0[p]) } ?? 0
            for i in run { py[i] = Q(truncatingIfNeeded: quantize(px[i], scale: s, zeroPoint: z, range: range)) }
        }
    }

    /// DequantizeLinear from an integer type: `y = (Float(x) - Float(zero_point)) * scale`.
    /// - Throws: `KernelError.invalidArgument`, `.bufferSize`.
    @inlinable
    public static func dequantize<Q: FixedWidthInteger>(
        _ x: UnsafeBufferPointer<Q>, shape: [Int], scale: UnsafeBufferPointer<Float>,
        zeroPoint: UnsafeBufferPointer<Q>?, granularity: QuantizationGranularity,
        into y: UnsafeMutableBufferPointer<Float>
    ) throws {
        let layout = try checked(shape, x.count, y.count, scale.count, zeroPoint?.count, granularity, "DequantizeLinear")
        guard let px = x.baseAddress, let py = y.baseAddress else { return }
        layout.forEachRun { run, p in
            let s = scale[p], z = zeroPoint.map { Float($0[p]) } ?? 0
            for i in run { py[i] = (Float(px[i]) - z) * s }
        }
    }

    /// QuantizeLinear to a small float format (float8/float6/float4 codes, one per byte):
    /// `y = encode(x / scale + zero_point)` with `zero_point` given as codes of the same format (decoded
    /// before adding; onnx's reference ignores the float8 zero point, which is 0 in practice) and the Cast
    /// `saturate` rules of `FloatFormats.encode`.
    /// - Throws: `KernelError.invalidArgument`, `.bufferSize`.
    public static func quantize(
        _ x: UnsafeBufferPointer<Float>, shape: [Int], scale: UnsafeBufferPointer<Float>,
        zeroPoint: UnsafeBufferPointer<UInt8>?, granularity: QuantizationGranularity, format: MiniFloatFormat,
        saturate: Bool = true, into y: UnsafeMutableBufferPointer<UInt8>
    ) throws {
        let layout = try checked(shape, x.count, y.count, scale.count, zeroPoint?.count, granularity, "QuantizeLinear")
        guard let px = x.baseAddress, let py = y.baseAddress else { return }
        layout.forEachRun { run, p in
            let s = scale[p], z = zeroPoint.map { FloatFormats.decode($0[p], from: format) } ?? 0
            for i in run { py[i] = FloatFormats.encode(px[i] / s + z, as: format, saturate: saturate) }
        }
    }

    /// DequantizeLinear from small float codes: `y = (decode(x) - decode(zero_point)) * scale`.
    /// - Throws: `KernelError.invalidArgument`, `.bufferSize`.
    public static func dequantize(
        _ x: UnsafeBufferPointer<UInt8>, shape: [Int], scale: UnsafeBufferPointer<Float>,
        zeroPoint: UnsafeBufferPointer<UInt8>?, granularity: QuantizationGranularity, format: MiniFloatFormat,
        into y: UnsafeMutableBufferPointer<Float>
    ) throws {
        let layout = try checked(shape, x.count, y.count, scale.count, zeroPoint?.count, granularity, "DequantizeLinear")
        let table = (0..<256).map { FloatFormats.decode(UInt8($0), from: format) }
        guard let px = x.baseAddress, let py = y.baseAddress else { return }
        layout.forEachRun { run, p in
            let s = scale[p], z = zeroPoint.map { table[Int($0[p])] } ?? 0
            for i in run { py[i] = (table[Int(px[i])] - z) * s }
        }
    }

    /// Scale and zero point chosen by DynamicQuantizeLinear.
    public struct DynamicParameters: Sendable, Equatable {
        /// `(max(0, max(x)) - min(0, min(x))) / 255`, or `1 / 255` when that range is 0 (onnx reference).
        public var scale: Float
        /// `rint(clamp(0 - min(0, min(x)) / scale, 0, 255))`.
        public var zeroPoint: UInt8
    }

    /// ONNX `DynamicQuantizeLinear` (uint8): computes the parameters from X (any shape) and writes
    /// `y = saturate(round(x / scale) + zero_point)`. NaN inputs are ignored for min/max.
    /// - Throws: `KernelError.bufferSize`.
    @discardableResult
    public static func dynamicQuantize(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<UInt8>) throws -> DynamicParameters {
        try ShapeMath.checkCount(y.count, x.count, kernel: "DynamicQuantizeLinear", buffer: "Y")
        var lo: Float = 0, hi: Float = 0
        for v in x where !v.isNaN { lo = Swift.min(lo, v); hi = Swift.max(hi, v) }
        let scale = (hi == lo ? 1 : hi - lo) / 255
        let initial = 0 - lo / scale
        let zero = Swift.min(255, Swift.max(0, initial)).rounded(.toNearestOrEven)
        let zp = Int32(zero)
        try Elementwise.map(x, into: y) { UInt8(quantize($0, scale: scale, zeroPoint: zp, range: 0...255)) }
        return DynamicParameters(scale: scale, zeroPoint: UInt8(zp))
    }

    /// Validates counts and returns the parameter layout.
    @usableFromInline
    static func checked(_ shape: [Int], _ xCount: Int, _ yCount: Int, _ scaleCount: Int, _ zeroCount: Int?,
                        _ granularity: QuantizationGranularity, _ kernel: String) throws -> ParameterLayout {
        let n = try ShapeMath.elementCount(shape, kernel: kernel)
        try ShapeMath.checkCount(xCount, n, kernel: kernel, buffer: "x")
        try ShapeMath.checkCount(yCount, n, kernel: kernel, buffer: "y")
        let layout = try granularity.layout(shape)
        try ShapeMath.checkCount(scaleCount, layout.parameters, kernel: kernel, buffer: "scale")
        if let zeroCount { try ShapeMath.checkCount(zeroCount, layout.parameters, kernel: kernel, buffer: "zero_point") }
        return layout
    }
}
