import AbridgeIR
import AbridgeKernels

/// `Resize` (onnx.ai/onnx/operators/onnx__Resize.html, since-versions 10, 11, 13, 18, 19): resamples
/// X to sizes given by `scales` (`out = floor(in * scale)`) or `sizes`, one axis at a time, in
/// double precision.
///
/// - `mode`: nearest (with `nearest_mode` round_prefer_floor, round_prefer_ceil, floor, ceil),
///   linear, cubic (`cubic_coeff_a`, `exclude_outside`).
/// - `coordinate_transformation_mode`: half_pixel (default), half_pixel_symmetric,
///   pytorch_half_pixel, align_corners, asymmetric, tf_crop_and_resize (with `roi` and
///   `extrapolation_value`).
/// - Opset 18+: `antialias` (linear/cubic downsampling with a widened kernel), `axes`,
///   `keep_aspect_ratio_policy` (stretch, not_larger, not_smaller; sizes rounded half up).
/// - Opset 10 takes (X, scales) and resamples like Upsample: asymmetric coordinates, nearest
///   flooring when upsampling and ceiling when downsampling (onnxruntime).
/// Float types, and INT8/UINT8 (results truncated into range, as the reference's saturating cast).
struct Resize: OperatorKernel {
    static let sinceVersions = [10, 11, 13, 18, 19]
    let settings: ResizeSettings
    let axes: [Int]?
    let keepAspect: String
    let legacyInputs: Bool

    init(_ context: KernelBuildContext) throws {
        let a = context.attributes, label = context.node.label
        legacyInputs = context.opset < 11
        let modeName = try a.string("mode", default: "nearest")
        guard let mode = ResizeSettings.Mode(rawValue: modeName) else {
            throw RuntimeError.invalidAttribute(node: label, name: "mode", reason: "unknown value \"\(modeName)\"")
        }
        if legacyInputs {
            settings = ResizeSettings(mode: mode, coordinates: .asymmetric, nearest: .simple)
            axes = nil; keepAspect = "stretch"
            return
        }
        let coordinateName = try a.string("coordinate_transformation_mode", default: "half_pixel")
        guard let coordinates = ResizeSettings.Coordinates(rawValue: coordinateName) else {
            throw RuntimeError.invalidAttribute(node: label, name: "coordinate_transformation_mode", reason: "unknown value \"\(coordinateName)\"")
        }
        let nearestName = try a.string("nearest_mode", default: "round_prefer_floor")
        guard let nearest = ResizeSettings.Nearest(rawValue: nearestName), nearest != .simple else {
            throw RuntimeError.invalidAttribute(node: label, name: "nearest_mode", reason: "unknown value \"\(nearestName)\"")
        }
        var s = ResizeSettings(mode: mode, coordinates: coordinates, nearest: nearest)
        s.cubicA = Double(try a.float("cubic_coeff_a", default: -0.75))
        s.excludeOutside = try a.int("exclude_outside", default: 0) != 0
        s.extrapolation = Double(try a.float("extrapolation_value", default: 0))
        s.antialias = context.opset >= 18 ? try a.int("antialias", default: 0) != 0 : false
        settings = s
        axes = context.opset >= 18 ? try a.ints("axes")?.map { Int(clamping: $0) } : nil
        keepAspect = context.opset >= 18 ? try a.string("keep_aspect_ratio_policy", default: "stretch") : "stretch"
        guard ["stretch", "not_larger", "not_smaller"].contains(keepAspect) else {
            throw RuntimeError.invalidAttribute(node: label, name: "keep_aspect_ratio_policy", reason: "unknown value \"\(keepAspect)\"")
        }
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try inputs.tensor(0, "X")
        let scales: RuntimeTensor?, sizes: RuntimeTensor?, roi: RuntimeTensor?
        if legacyInputs {
            scales = try inputs.tensor(1, "scales"); sizes = nil; roi = nil
        } else {
            roi = try inputs.optionalTensor(1).flatMap { $0.count == 0 ? nil : $0 }
            scales = try inputs.optionalTensor(2).flatMap { $0.count == 0 ? nil : $0 }
            sizes = try inputs.optionalTensor(3).flatMap { $0.count == 0 ? nil : $0 }
        }
        let rank = x.rank
        let axes = try (self.axes ?? Array(0..<rank)).map { a -> Int in
            guard a >= -rank && a < rank else { throw RuntimeError.invalidInput(node: "", reason: "Resize: axis \(a) out of range for rank \(rank)") }
            return a < 0 ? a + rank : a
        }
        var scale = [Double](repeating: 1, count: rank), output = x.shape
        if let sizes {
            let v = try sizes.int64Values()
            guard v.count == axes.count, v.allSatisfy({ $0 >= 0 }) else {
                throw RuntimeError.invalidInput(node: "", reason: "Resize: sizes \(v) must have \(axes.count) non-negative values")
            }
            for (i, a) in axes.enumerated() { output[a] = Int(clamping: v[i]); scale[a] = Double(output[a]) / Double(x.shape[a]) }
            if keepAspect != "stretch" {
                let chosen = axes.map { scale[$0] }
                let s = (keepAspect == "not_larger" ? chosen.min() : chosen.max()) ?? 1
                for a in axes { scale[a] = s; output[a] = try Self.length(s * Double(x.shape[a]) + 0.5, axis: a) }
            }
        } else if let scales {
            let v = try QuantizationParameters.doubles(scales, "scales")
            guard v.count == axes.count, v.allSatisfy({ $0 > 0 }) else {
                throw RuntimeError.invalidInput(node: "", reason: "Resize: scales \(v) must have \(axes.count) positive values")
            }
            for (i, a) in axes.enumerated() { scale[a] = v[i]; output[a] = try Self.length(v[i] * Double(x.shape[a]), axis: a) }
        } else {
            throw RuntimeError.invalidInput(node: "", reason: "Resize: one of scales and sizes is required")
        }
        var box = [(Double, Double)](repeating: (0, 1), count: rank)
        if let roi {
            let v = try QuantizationParameters.doubles(roi, "roi")
            guard v.count == 2 * axes.count else {
                throw RuntimeError.invalidInput(node: "", reason: "Resize: roi has \(v.count) values, expected \(2 * axes.count)")
            }
            for (i, a) in axes.enumerated() { box[a] = (v[i], v[axes.count + i]) }
        }
        return [.tensor(try Self.resample(x, axes: axes.sorted(), scale: scale, output: output, roi: box, settings: settings))]
    }

    /// An output length `floor(value)` (value = scale × input length) as an `Int`.
    /// - Throws: `RuntimeError.invalidInput` for NaN or a negative value, `.tooLarge` for a
    ///   length no tensor could have (beyond 2^62, where `Int(_:)` would trap).
    static func length(_ value: Double, axis: Int) throws -> Int {
        guard !value.isNaN, value >= 0 else {
            throw RuntimeError.invalidInput(node: "", reason: "Resize: output length \(value) of axis \(axis) is not a non-negative number")
        }
        guard value < 0x1p62 else {
            throw RuntimeError.tooLarge(what: "the output (axis \(axis) of length \(value))", bytes: nil, limit: MemoryLimit.current)
        }
        return Int(value.rounded(.down))
    }

    /// Resamples X along `axes` (ascending, as the reference) to `output`.
    /// - Throws: `RuntimeError.tooLarge` before any work when the output (or the DOUBLE buffer
    ///   the axes are resampled in) exceeds `MemoryLimit`.
    static func resample(_ x: RuntimeTensor, axes: [Int], scale: [Double], output: [Int], roi: [(Double, Double)],
                         settings: ResizeSettings) throws -> RuntimeTensor {
        guard x.dataType == .int8 || x.dataType == .uint8 || FloatOperand.types.contains(x.dataType) else {
            throw RuntimeError.typeMismatch("Resize: unsupported input type \(x.dataType.shortName)")
        }
        // Every intermediate shape lies between the input's and the output's, dimension by
        // dimension, so the largest DOUBLE buffer is that of their dimension-wise maximum.
        let largest = zip(x.shape, output).map { Swift.max($0, $1) }
        _ = try RuntimeTensor.checkedByteCount(shape: largest, elementSize: MemoryLayout<Double>.stride,
                                               what: "the resampling buffer of shape \(largest) (output \(output))")
        var data = try QuantizationParameters.doubles(x, "X")
        var shape = x.shape
        for a in axes {
            let identity = scale[a] == 1 && output[a] == shape[a] && roi[a] == (0, 1)
            if identity { continue }
            guard shape[a] > 0 || output[a] == 0 else {
                throw RuntimeError.invalidInput(node: "", reason: "Resize: cannot resample an empty axis \(a) to \(output[a])")
            }
            let plan = ResizeAxisPlan(input: shape[a], output: output[a], scale: scale[a], roi: roi[a], settings: settings)
            (data, shape) = ResizeResampler.resample(data, shape: shape, axis: a, plan: plan, output: output[a],
                                                     extrapolation: settings.extrapolation)
        }
        let y = try RuntimeTensor.allocate(x.dataType, shape)
        switch x.dataType {
        case .double: y.withUnsafeMutableBuffer(as: Double.self) { for i in 0..<data.count { $0[i] = data[i] } }
        case .float: y.withUnsafeMutableBuffer(as: Float.self) { for i in 0..<data.count { $0[i] = Float(data[i]) } }
        case .float16: y.withUnsafeMutableBuffer(as: Float16.self) { for i in 0..<data.count { $0[i] = Float16(Float(data[i])) } }
        case .bfloat16: y.withUnsafeMutableBuffer(as: UInt16.self) { for i in 0..<data.count { $0[i] = FloatFormats.encodeBFloat16(Float(data[i])) } }
        case .uint8: y.withUnsafeMutableBuffer(as: UInt8.self) { for i in 0..<data.count { $0[i] = UInt8(Swift.min(255, Swift.max(0, data[i].isNaN ? 0 : data[i]))) } }
        default: y.withUnsafeMutableBuffer(as: Int8.self) { for i in 0..<data.count { $0[i] = Int8(Swift.min(127, Swift.max(-128, data[i].isNaN ? 0 : data[i]))) } }
        }
        return y
    }
}
