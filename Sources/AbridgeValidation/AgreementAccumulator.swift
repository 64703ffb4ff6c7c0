import Foundation

/// How closely a converted tensor follows the original, accumulated over batches in `Double`
/// without keeping the values (sums only).
///
/// With x the original's elements and y the converted's, over all n elements seen:
/// - max abs error = maxᵢ |xᵢ − yᵢ|; mean abs error = (1/n) Σ |xᵢ − yᵢ|;
/// - cosine similarity = Σ xᵢyᵢ / (‖x‖ ‖y‖), undefined when either vector is all zeros
///   (as `torch.nn.functional.cosine_similarity` on the flattened tensors, without its epsilon);
/// - SQNR (dB) = 10 log₁₀(Σ xᵢ² / Σ (xᵢ − yᵢ)²), the original as signal and the difference as
///   noise, as PyTorch's `torch.ao.ns.fx.utils.compute_sqnr` (20 log₁₀(‖x‖ / ‖x − y‖)); infinite,
///   so undefined, when the tensors are identical;
/// - top-1 agreement (when `classes` > 1): the fraction of rows (the last axis holds `classes`
///   scores) whose argmax is the same in both, the first maximum winning ties as `numpy.argmax`.
public struct AgreementAccumulator: Sendable, Equatable {
    /// Length of the last axis for top-1 agreement; nil when not a score axis.
    public let classes: Int?
    public private(set) var count = 0
    public private(set) var maxAbsolute = 0.0
    public private(set) var sumAbsolute = 0.0
    public private(set) var sumSquaredError = 0.0
    public private(set) var signalPower = 0.0
    public private(set) var convertedPower = 0.0
    public private(set) var dot = 0.0
    public private(set) var rows = 0
    public private(set) var agreeingRows = 0
    /// True once a NaN or infinity was seen in either tensor.
    public private(set) var sawNonFinite = false

    /// - Parameter classes: the last axis' length when top-1 agreement applies (2 or more).
    public init(classes: Int? = nil) { self.classes = (classes ?? 0) > 1 ? classes : nil }

    /// Adds element pairs from the same positions of the two tensors.
    /// - Precondition: equal counts (callers check shapes first); with `classes`, a multiple of it.
    public mutating func add(original x: UnsafeBufferPointer<Float>, converted y: UnsafeBufferPointer<Float>) {
        let n = Swift.min(x.count, y.count)
        var mx = maxAbsolute, sa = 0.0, se = 0.0, sp = 0.0, cp = 0.0, d = 0.0
        for i in 0..<n {
            let a = Double(x[i]), b = Double(y[i])
            let e = a - b
            let ae = abs(e)
            if ae > mx { mx = ae }
            if !ae.isFinite { sawNonFinite = true }
            sa += ae; se += e * e; sp += a * a; cp += b * b; d += a * b
        }
        maxAbsolute = mx; sumAbsolute += sa; sumSquaredError += se
        signalPower += sp; convertedPower += cp; dot += d
        count += n
        if let c = classes {
            var r = 0
            while (r + 1) * c <= n {
                if Self.argmax(x, r * c, c) == Self.argmax(y, r * c, c) { agreeingRows += 1 }
                rows += 1
                r += 1
            }
        }
    }

    /// Index of the first maximum of `p[start..<start+n]` (a NaN at the front wins, else NaN never
    /// wins; numpy returns the first NaN, which only matters for broken outputs).
    static func argmax(_ p: UnsafeBufferPointer<Float>, _ start: Int, _ n: Int) -> Int {
        var best = 0
        var bestValue = p[start]
        for j in 1..<Swift.max(1, n) where p[start + j] > bestValue {
            best = j; bestValue = p[start + j]
        }
        return best
    }

    private var nonFiniteReason: String { "the outputs hold NaN or infinite values" }

    public var maxAbsoluteError: MetricValue {
        if count == 0 { return .undefined("no elements") }
        return sawNonFinite ? .undefined(nonFiniteReason) : MetricValue(maxAbsolute, ifNotFinite: nonFiniteReason)
    }

    public var meanAbsoluteError: MetricValue {
        if count == 0 { return .undefined("no elements") }
        return MetricValue(sumAbsolute / Double(count), ifNotFinite: nonFiniteReason)
    }

    public var cosineSimilarity: MetricValue {
        if count == 0 { return .undefined("no elements") }
        if !(signalPower.isFinite && convertedPower.isFinite && dot.isFinite) { return .undefined(nonFiniteReason) }
        if signalPower == 0 { return .undefined("the original is all zeros (cosine of a zero vector)") }
        if convertedPower == 0 { return .undefined("the converted is all zeros (cosine of a zero vector)") }
        let c = dot / (signalPower.squareRoot() * convertedPower.squareRoot())
        return MetricValue(Swift.min(1, Swift.max(-1, c)))
    }

    public var sqnrDecibels: MetricValue {
        if count == 0 { return .undefined("no elements") }
        if !(signalPower.isFinite && sumSquaredError.isFinite) { return .undefined(nonFiniteReason) }
        if sumSquaredError == 0 { return .undefined("the tensors are identical (noise power 0): SQNR is infinite") }
        if signalPower == 0 { return .undefined("the original is all zeros (signal power 0): SQNR is minus infinity") }
        return MetricValue(10 * log10(signalPower / sumSquaredError))
    }

    public var top1Agreement: MetricValue {
        guard classes != nil else { return .undefined("not a score output (the last axis has fewer than 2 entries, or it is not floating point)") }
        if rows == 0 { return .undefined("no rows") }
        return MetricValue(Double(agreeingRows) / Double(rows))
    }
}
