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

    /// Checks parameters read from a plan: one zero point per scale, every scale finite and
    /// positive (the ONNX spec requires it), zero points within the type's range, `axis` given
    /// when there are several scales.
    /// - Throws: `QuantizationError.invalidPlan` naming the tensor.
    public func validate(tensor: String, plan: String) throws {
        func fail(_ r: String) -> QuantizationError { .invalidPlan(path: plan, reason: "tensor '\(tensor)': \(r)") }
        guard !scale.isEmpty else { throw fail("no scale") }
        guard scale.count == zeroPoint.count else { throw fail("\(scale.count) scales but \(zeroPoint.count) zero points") }
        if let bad = scale.first(where: { !($0.isFinite && $0 > 0) }) { throw fail("scale \(bad) is not a finite positive number") }
        if let bad = zeroPoint.first(where: { !type.range.contains($0) }) { throw fail("zero point \(bad) is outside the \(type.rawValue) range \(type.range)") }
        if scale.count > 1 && axis == nil { throw fail("\(scale.count) scales need an axis") }
    }
}
