import AbridgeIR

/// The scale and zero point of a quantized tensor: `x ≈ (q - zeroPoint) * scale`
/// (ONNX QuantizeLinear / DequantizeLinear). One entry per tensor, or per channel along `axis`.
public struct QuantParameters: Codable, Sendable, Equatable {
    public var type: QuantizedType
    public var scale: [Float]
    public var zeroPoint: [Int32]
    /// The channel axis for per-channel parameters; nil for per-tensor.
    public var axis: Int?

    public init(type: QuantizedType, scale: [Float], zeroPoint: [Int32], axis: Int? = nil) {
        self.type = type; self.scale = scale; self.zeroPoint = zeroPoint; self.axis = axis
    }

    /// Asymmetric parameters covering `[min(rmin, 0), max(rmax, 0)]` (zero must be exact):
    /// `scale = (rmax - rmin) / (qmax - qmin)`, `zeroPoint = round(qmin - rmin / scale)`
    /// clamped to the type's range. Symmetric: `scale = max(|rmin|, |rmax|) / qmax` for signed types (zero point 0),
    /// `/ ((qmax - qmin) / 2)` with the middle zero point for unsigned ones. A zero range gets scale 1 so the
    /// result is always valid (the ONNX spec requires a positive scale).
    public static func forRange(_ rmin: Float, _ rmax: Float, type: QuantizedType, symmetric: Bool) -> QuantParameters {
        let lo = Swift.min(rmin.isFinite ? rmin : 0, 0)
        let hi = Swift.max(rmax.isFinite ? rmax : 0, 0)
        let qmin = Float(type.range.lowerBound), qmax = Float(type.range.upperBound)
        if symmetric {
            let m = Swift.max(abs(lo), abs(hi))
            let scale = m > 0 ? m / (qmin < 0 ? qmax : (qmax - qmin) / 2) : 1
            let zp: Int32 = type.range.lowerBound < 0 ? 0 : Int32((qmax + qmin + 1) / 2)
            return QuantParameters(type: type, scale: [scale], zeroPoint: [zp])
        }
        guard hi > lo else { return QuantParameters(type: type, scale: [1], zeroPoint: [type.range.lowerBound < 0 ? 0 : type.range.lowerBound]) }
        let scale = (hi - lo) / (qmax - qmin)
        let zpFloat = (qmin - lo / scale).rounded(.toNearestOrEven)
        let zp = Int32(Swift.min(Swift.max(zpFloat, qmin), qmax))
        return QuantParameters(type: type, scale: [scale], zeroPoint: [zp])
    }
}
