import AbridgeIR
import AbridgeKernels
import AbridgeRuntime

/// Symmetric quantization of weights and int32 quantization of biases.
enum WeightQuantization {
    /// Quantizes `w` (`shape`) symmetrically, one scale per index of `axis` (nil: per tensor):
    /// `scale_c = max|w_c| / qmax` for signed types (the restricted range [-127, 127] for int8,
    /// as onnxruntime's symmetric weights), `max|w_c| / ((qmax - qmin) / 2)` with the middle zero
    /// point for unsigned ones; 1 for an all-zero channel. Values are rounded half to even and
    /// saturated (ONNX QuantizeLinear).
    static func parameters(_ w: [Float], shape: [Int], axis: Int?, type: QuantizedType) -> QuantParameters {
        let half = type.range.lowerBound < 0 ? Float(type.range.upperBound) : Float(type.range.upperBound - type.range.lowerBound) / 2
        let zp: Int32 = type.range.lowerBound < 0 ? 0 : Int32((type.range.upperBound + 1) / 2)
        guard let axis else {
            let m = w.reduce(Float(0)) { Swift.max($0, abs($1)) }
            return QuantParameters(type: type, scale: [m > 0 ? m / half : 1], zeroPoint: [zp])
        }
        let channels = shape[axis]
        let inner = shape[(axis + 1)...].reduce(1, *)
        var maxAbs = [Float](repeating: 0, count: channels)
        for i in 0..<w.count {
            let c = (i / inner) % channels
            maxAbs[c] = Swift.max(maxAbs[c], abs(w[i]))
        }
        return QuantParameters(type: type, scale: maxAbs.map { $0 > 0 ? $0 / half : 1 },
                               zeroPoint: [Int32](repeating: zp, count: channels), axis: axis)
    }

    /// The quantized values of `w` with `p` (per-tensor or along `p.axis`).
    static func quantize(_ w: [Float], shape: [Int], _ p: QuantParameters) -> [Int32] {
        let inner = p.axis.map { shape[($0 + 1)...].reduce(1, *) } ?? 1
        let channels = p.scale.count
        return w.indices.map { i in
            let c = p.axis == nil ? 0 : (i / inner) % channels
            return QuantizationMath.quantize(w[i], scale: p.scale[c], zeroPoint: p.zeroPoint[c], range: p.type.range)
        }
    }

    /// Packs quantized values as a tensor of the type.
    static func tensor(_ q: [Int32], shape: [Int], type: QuantizedType, name: String) -> Tensor {
        let r: RuntimeTensor
        switch type {
        case .int8: r = RuntimeTensor(.int8, shape: shape, values: q.map { Int8(truncatingIfNeeded: $0) })
        case .uint8: r = RuntimeTensor(.uint8, shape: shape, values: q.map { UInt8(truncatingIfNeeded: $0) })
        case .int16: r = RuntimeTensor(.int16, shape: shape, values: q.map { Int16(truncatingIfNeeded: $0) })
        case .uint16: r = RuntimeTensor(.uint16, shape: shape, values: q.map { UInt16(truncatingIfNeeded: $0) })
        case .int32: r = RuntimeTensor(.int32, shape: shape, values: q)
        }
        return TensorConversion.tensor(from: r, name: name)
    }
}
