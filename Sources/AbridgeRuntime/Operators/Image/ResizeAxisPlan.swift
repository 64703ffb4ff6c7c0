import AbridgeIR
import AbridgeKernels

/// How Resize and Upsample map output coordinates to input coordinates and weight the input
/// neighbours, along one axis (ONNX Resize page, opsets 10-19; weights as the onnx reference
/// `op_resize.py` computes them, including `exclude_outside` and antialiasing).
struct ResizeSettings {
    enum Mode: String { case nearest, linear, cubic }
    enum Coordinates: String {
        case halfPixel = "half_pixel", halfPixelSymmetric = "half_pixel_symmetric"
        case pytorchHalfPixel = "pytorch_half_pixel", alignCorners = "align_corners"
        case asymmetric, tfCropAndResize = "tf_crop_and_resize"
    }
    enum Nearest: String {
        case roundPreferFloor = "round_prefer_floor", roundPreferCeil = "round_prefer_ceil", floor, ceil
        /// Resize-10 / Upsample: floor when upsampling, ceil when downsampling (onnxruntime).
        case simple
    }

    var mode: Mode
    var coordinates: Coordinates
    var nearest: Nearest
    var cubicA: Double = -0.75
    var excludeOutside = false
    var extrapolation: Double = 0
    var antialias = false
}

/// The input taps and weights of every output index along one axis.
struct ResizeAxisPlan {
    /// Taps per output index (the same count for every index).
    let taps: Int
    /// `indices[o * taps + k]`, clamped into the input.
    let indices: [Int]
    /// `weights[o * taps + k]`.
    let weights: [Double]
    /// Output indices whose coordinate falls outside the crop box (tf_crop_and_resize).
    let extrapolated: [Bool]

    /// - Parameters: input length, output length, scale (output / input, as the spec computes it),
    ///   and the axis's `[start, end]` region of interest for tf_crop_and_resize.
    init(input: Int, output: Int, scale: Double, roi: (Double, Double), settings s: ResizeSettings) {
        let outputWidth = scale * Double(input)
        var taps = 1
        var indices: [Int] = [], weights: [Double] = [], extrapolated: [Bool] = []
        let antialias = s.antialias && scale < 1 && s.mode != .nearest
        for o in 0..<output {
            let x = Double(o)
            var xo: Double
            switch s.coordinates {
            case .alignCorners: xo = outputWidth == 1 ? 0 : x * Double(input - 1) / (outputWidth - 1)
            case .asymmetric: xo = x / scale
            case .tfCropAndResize:
                xo = output == 1 ? (roi.1 - roi.0) * Double(input - 1) / 2 : x * (roi.1 - roi.0) * Double(input - 1) / Double(output - 1)
                xo += roi.0 * Double(input - 1)
            case .pytorchHalfPixel: xo = outputWidth == 1 ? -0.5 : (x + 0.5) / scale - 0.5
            case .halfPixel: xo = (x + 0.5) / scale - 0.5
            case .halfPixelSymmetric:
                let adjustment = Double(output) / outputWidth, center = Double(input) / 2
                xo = center * (1 - adjustment) + (x + 0.5) / scale - 0.5
            }
            let outside = s.coordinates == .tfCropAndResize && (xo < 0 || xo > Double(input - 1) || xo.isNaN)
            // A roi of huge or non-finite values must not trap in Int(_:); indices are clamped
            // into the input below, so any coordinate beyond ±2^40 reads the same edge.
            xo = xo.isNaN ? 0 : Swift.min(Swift.max(xo, -0x1p40), 0x1p40)
            extrapolated.append(outside)
            let base = xo.rounded(.down), t = xo - base
            var idx: [Int], w: [Double]
            switch s.mode {
            case .nearest:
                var pick: Double
                switch s.nearest {
                case .roundPreferFloor: pick = t <= 0.5 ? base : base + 1
                case .roundPreferCeil: pick = t < 0.5 ? base : base + 1
                case .floor: pick = base
                case .ceil: pick = t == 0 ? base : base + 1
                case .simple: pick = scale < 1 ? xo.rounded(.up) : base
                }
                idx = [Int(pick)]; w = [1]
            case .linear:
                if antialias {
                    let start = Int((-1 / scale).rounded(.down)) + 1, footprint = 2 - 2 * start
                    idx = []; w = []
                    for i in start..<(start + footprint) {
                        idx.append(Int(base) + i)
                        w.append(Swift.max(0, Swift.min(1, 1 - Swift.abs((Double(i) - t) * scale))))
                    }
                } else {
                    idx = [Int(base), Int(base) + 1]; w = [1 - t, t]
                }
            case .cubic:
                if antialias {
                    let start = Int((-2 / scale).rounded(.down)) + 1, end = 2 - start
                    idx = []; w = []
                    for i in start..<end {
                        idx.append(Int(base) + i)
                        w.append(Self.cubic(Swift.abs(scale * (Double(i) - t)), s.cubicA))
                    }
                } else {
                    idx = [Int(base) - 1, Int(base), Int(base) + 1, Int(base) + 2]
                    w = [Self.cubic(t + 1, s.cubicA), Self.cubic(t, s.cubicA), Self.cubic(1 - t, s.cubicA), Self.cubic(2 - t, s.cubicA)]
                }
            }
            if antialias {
                let total = w.reduce(0, +)
                if total != 0 { w = w.map { $0 / total } }
            }
            if s.excludeOutside && s.mode != .nearest {
                for k in 0..<idx.count where idx[k] < 0 || idx[k] >= input { w[k] = 0 }
                let total = w.reduce(0, +)
                if total != 0 { w = w.map { $0 / total } }
            }
            taps = idx.count
            indices += idx.map { Swift.min(Swift.max($0, 0), input - 1) }
            weights += w
        }
        self.taps = taps; self.indices = indices; self.weights = weights; self.extrapolated = extrapolated
    }

    /// The cubic convolution kernel with parameter `a` at distance `d >= 0` (Keys 1981).
    static func cubic(_ d: Double, _ a: Double) -> Double {
        if d <= 1 { return ((a + 2) * d - (a + 3)) * d * d + 1 }
        if d < 2 { return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a }
        return 0
    }
}

/// Separable resampling of a DOUBLE buffer, one axis at a time.
enum ResizeResampler {
    /// Resamples `data` of `shape` along `axis` to `plan`'s output length.
    static func resample(_ data: [Double], shape: [Int], axis: Int, plan: ResizeAxisPlan, output: Int,
                         extrapolation: Double) -> ([Double], [Int]) {
        let outer = shape[0..<axis].reduce(1, *), length = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
        var out = [Double](repeating: 0, count: outer * output * inner)
        let taps = plan.taps
        data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let (ps, pd) = (UncheckedPointers(src.baseAddress), UncheckedPointers(dst.baseAddress))
                ParallelFor.run(outer, minChunk: max(1, 16384 / max(1, output * inner))) { range in
                    guard let s = ps.read, let d = pd.write else { return }
                    for o in range {
                        for j in 0..<output {
                            let row = d + (o * output + j) * inner
                            if plan.extrapolated[j] {
                                for i in 0..<inner { row[i] = extrapolation }
                                continue
                            }
                            for i in 0..<inner { row[i] = 0 }
                            for k in 0..<taps {
                                let w = plan.weights[j * taps + k]
                                if w == 0 { continue }
                                let from = s + (o * length + plan.indices[j * taps + k]) * inner
                                for i in 0..<inner { row[i] += w * from[i] }
                            }
                        }
                    }
                }
            }
        }
        var newShape = shape
        newShape[axis] = output
        return (out, newShape)
    }

    /// Pointers shared with the `ParallelFor` workers (each writes disjoint rows).
    struct UncheckedPointers: @unchecked Sendable {
        let raw: UnsafeMutableRawPointer?
        init(_ p: UnsafePointer<Double>?) { raw = p.map { UnsafeMutableRawPointer(mutating: $0) } }
        init(_ p: UnsafeMutablePointer<Double>?) { raw = p.map { UnsafeMutableRawPointer($0) } }
        var read: UnsafePointer<Double>? { raw.map { UnsafePointer($0.assumingMemoryBound(to: Double.self)) } }
        var write: UnsafeMutablePointer<Double>? { raw?.assumingMemoryBound(to: Double.self) }
    }
}
