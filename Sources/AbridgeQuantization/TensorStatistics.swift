import Foundation

/// Streaming statistics of one activation over the calibration samples: running (or
/// moving-average) min and max, and a histogram for Percentile and Entropy calibration. NaN and
/// infinite values are counted and skipped.
public struct TensorStatistics: Sendable, Codable, Equatable {
    public private(set) var min: Float = .infinity
    public private(set) var max: Float = -.infinity
    public private(set) var averageMin: Float?
    public private(set) var averageMax: Float?
    public private(set) var histogram: Histogram?
    public private(set) var samples = 0
    /// NaN or infinite values seen (ignored).
    public private(set) var nonFinite = 0

    public init(histogram: Bool) { if histogram { self.histogram = Histogram() } }

    /// Folds one sample's values in.
    public mutating func add(_ values: UnsafeBufferPointer<Float>, averagingConstant: Float) {
        var lo = Float.infinity, hi = -Float.infinity
        var bad = 0
        for v in values {
            if v.isFinite { if v < lo { lo = v }; if v > hi { hi = v } } else { bad += 1 }
        }
        nonFinite += bad
        guard lo <= hi else { return }
        min = Swift.min(min, lo); max = Swift.max(max, hi)
        if let a = averageMin, let b = averageMax {
            averageMin = a + averagingConstant * (lo - a); averageMax = b + averagingConstant * (hi - b)
        } else { averageMin = lo; averageMax = hi }
        histogram?.add(values)
        samples += 1
    }

    /// The calibrated range for `method`.
    public func range(_ method: CalibrationMethod) -> (Float, Float) {
        guard min <= max else { return (0, 0) }
        switch method {
        case .minMax(let moving, _):
            if moving, let a = averageMin, let b = averageMax { return (a, b) }
            return (min, max)
        case .percentile(let p):
            guard let h = histogram else { return (min, max) }
            let f = p / 100
            let lo = min >= 0 ? 0 : h.quantile(1 - f)
            return (Swift.min(lo, 0), h.quantile(f))
        case .entropy:
            guard let h = histogram else { return (min, max) }
            // One-sided (non-negative) tensors use all 256 levels of 8 bits on [0, t];
            // signed ones have 128 levels a side.
            let t = EntropyCalibration.threshold(h, levels: min >= 0 ? 256 : 128)
            return (min >= 0 ? 0 : Swift.max(min, -t), Swift.min(max, t))
        }
    }
}

/// KL-divergence threshold search (Migacz, "8-bit Inference with TensorRT", GTC 2017), as
/// onnxruntime's Entropy calibrator: over the histogram of |x|, for each candidate threshold
/// bin `i`, clip the reference distribution P at `i` (outliers added to the last bin), quantize
/// it to the available levels (128 a side for signed data, 256 for non-negative data) (Q), and
/// keep the `i` minimising KL(P || Q).
enum EntropyCalibration {
    static func threshold(_ h: Histogram, levels quantizedBins: Int) -> Float {
        // Fold the signed histogram onto |x|.
        var abs: [Double] = []
        for (k, c) in h.counts.enumerated() where c > 0 {
            let i = h.firstBin + k
            let j = i >= 0 ? i : -i - 1
            if j >= abs.count { abs.append(contentsOf: [Double](repeating: 0, count: j - abs.count + 1)) }
            abs[j] += c
        }
        let n = abs.count
        guard n > quantizedBins else { return Float(Double(n) * h.width) }
        var best = n, bestKL = Double.infinity
        var tail = abs.reduce(0, +)
        for i in 0..<quantizedBins { tail -= abs[i] }
        for i in quantizedBins...n {
            if i > quantizedBins { tail -= abs[i - 1] }
            var p = Array(abs[0..<i])
            p[i - 1] += tail
            // Quantize the clipped histogram (without the outliers P folds into its last bin) into
            // 128 chunks, spreading each chunk's mass over its non-empty bins: the outliers are
            // what clipping at `i` loses, so Q must not hold them.
            var q = [Double](repeating: 0, count: i)
            let step = Double(i) / Double(quantizedBins)
            for b in 0..<quantizedBins {
                let start = Int((Double(b) * step).rounded(.down)), end = b == quantizedBins - 1 ? i : Int((Double(b + 1) * step).rounded(.down))
                guard end > start else { continue }
                var mass = 0.0, nonzero = 0
                for k in start..<end { mass += abs[k]; if abs[k] > 0 { nonzero += 1 } }
                guard nonzero > 0 else { continue }
                for k in start..<end where abs[k] > 0 { q[k] = mass / Double(nonzero) }
            }
            let kl = divergence(p, q)
            if kl < bestKL { bestKL = kl; best = i }
        }
        return Float((Double(best) + 0.5) * h.width)
    }

    static func divergence(_ p: [Double], _ q: [Double]) -> Double {
        let ps = p.reduce(0, +), qs = q.reduce(0, +)
        guard ps > 0, qs > 0 else { return .infinity }
        var kl = 0.0
        for k in 0..<p.count where p[k] > 0 {
            let pk = p[k] / ps
            let qk = q[k] / qs
            if qk <= 0 { kl += pk * 1e3; continue }   // P has mass where Q has none: heavy penalty
            kl += pk * log(pk / qk)
        }
        return kl
    }
}
