/// A streaming histogram whose bins are anchored at zero: bin `i` covers `[i*w, (i+1)*w)`.
/// When values fall outside the covered range and the bin count would pass `maxBins`, the bin
/// width doubles and pairs of bins merge exactly, so histograms of samples with different
/// ranges combine without re-binning error. Memory is O(maxBins), independent of the number of
/// samples.
public struct Histogram: Sendable, Codable, Equatable {
    /// Bin width (0 until the first non-zero value).
    public private(set) var width: Double = 0
    /// Index of the first bin.
    public private(set) var firstBin: Int = 0
    /// Counts from `firstBin`.
    public private(set) var counts: [Double] = []
    /// Count of exact zeros (kept apart so a zero-width start works).
    public private(set) var total: Double = 0
    public let maxBins: Int
    public private(set) var minValue: Float = .infinity
    public private(set) var maxValue: Float = -.infinity

    public init(maxBins: Int = 2048) { self.maxBins = maxBins }

    /// Adds finite values.
    public mutating func add(_ values: UnsafeBufferPointer<Float>) {
        var lo = Float.infinity, hi = -Float.infinity
        for v in values where v.isFinite { lo = Swift.min(lo, v); hi = Swift.max(hi, v) }
        guard lo <= hi else { return }
        minValue = Swift.min(minValue, lo); maxValue = Swift.max(maxValue, hi)
        if width == 0 {
            let span = Double(Swift.max(abs(lo), abs(hi)))
            width = span > 0 ? span / Double(maxBins / 2) : 1e-30
            // Round the width to a power of two so merges stay aligned.
            width = Double(sign: .plus, exponent: Int(ceil(log2(width))), significand: 1)
            firstBin = 0; counts = []
        }
        ensureCovers(Double(lo), Double(hi))
        for v in values where v.isFinite {
            let b = Int((Double(v) / width).rounded(.down)) - firstBin
            counts[Swift.min(Swift.max(b, 0), counts.count - 1)] += 1
            total += 1
        }
    }

    private mutating func ensureCovers(_ lo: Double, _ hi: Double) {
        while true {
            let needFirst = Swift.min(firstBin, Int((lo / width).rounded(.down)))
            let needLast = Swift.max(firstBin + counts.count - 1, Int((hi / width).rounded(.down)))
            if counts.isEmpty || needLast - needFirst + 1 <= maxBins {
                if counts.isEmpty {
                    let f = Int((lo / width).rounded(.down)), l = Int((hi / width).rounded(.down))
                    if l - f + 1 <= maxBins { firstBin = f; counts = [Double](repeating: 0, count: l - f + 1); return }
                } else {
                    let pre = firstBin - needFirst
                    let post = needLast - (firstBin + counts.count - 1)
                    if pre > 0 { counts.insert(contentsOf: [Double](repeating: 0, count: pre), at: 0) }
                    if post > 0 { counts.append(contentsOf: [Double](repeating: 0, count: post)) }
                    firstBin = needFirst
                    return
                }
            }
            // Double the width: bin i -> floor(i / 2).
            if !counts.isEmpty {
                let newFirst = Int((Double(firstBin) / 2).rounded(.down))
                let newLast = Int((Double(firstBin + counts.count - 1) / 2).rounded(.down))
                var merged = [Double](repeating: 0, count: newLast - newFirst + 1)
                for (k, c) in counts.enumerated() {
                    let i = firstBin + k
                    merged[Int((Double(i) / 2).rounded(.down)) - newFirst] += c
                }
                counts = merged; firstBin = newFirst
            }
            width *= 2
        }
    }

    /// Lower edge of bin `k` (index into `counts`).
    public func lowerEdge(_ k: Int) -> Double { Double(firstBin + k) * width }

    /// The value below which `fraction` (0...1) of the samples lie, interpolated within a bin.
    public func quantile(_ fraction: Double) -> Float {
        guard total > 0 else { return 0 }
        let target = fraction * total
        var acc = 0.0
        for (k, c) in counts.enumerated() {
            if acc + c >= target {
                let within = c > 0 ? (target - acc) / c : 0
                let v = lowerEdge(k) + within * width
                return Float(Swift.min(Swift.max(v, Double(minValue)), Double(maxValue)))
            }
            acc += c
        }
        return maxValue
    }
}

import Foundation
