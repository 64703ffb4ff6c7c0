import AbridgeIR
import AbridgeRuntime

/// Mixup blends of stacked samples: `x̃ = (1 − λ)·x_i + λ·x_j` with `λ ~ U(0, maxWeight)` and
/// `j` a random partner of `i`, the same `λ` and `j` for every input of a sample (Zhang et al.
/// 2018, "mixup: Beyond Empirical Risk Minimization"). Matching a model's function on such
/// blends rather than on the samples alone is the "function matching" of Beyer et al. 2022
/// ("Knowledge distillation: A good teacher is patient and consistent"): no labels are
/// needed, the original model supplies the targets. Abridge uses the blends to widen small
/// calibration sets for pruning recovery.
public enum Mixup {
    /// Why `tensors` cannot be blended, or nil when they can: every tensor must be
    /// floating-point (`RuntimeTensor.floatingPointTypes`) with a sample axis 0 of the same length ≥ 2.
    public static func unsupportedReason(_ tensors: [String: RuntimeTensor]) -> String? {
        for (name, t) in tensors.sorted(by: { $0.key < $1.key }) {
            guard RuntimeTensor.floatingPointTypes.contains(t.dataType) else {
                return "input '\(name)' is \(t.dataType) data, not floating-point: blends would not be valid inputs"
            }
        }
        let counts = Set(tensors.values.map { $0.shape.first ?? 0 })
        guard counts.count == 1, let n = counts.first, n >= 2 else { return "blends need at least 2 samples" }
        return nil
    }

    /// `copies × N` blends of the `N` samples in `tensors` (every tensor `[N, ...]`), in
    /// FLOAT (float32), blend `c·N + i` mixing sample `i` with a partner from a fresh
    /// permutation of round `c` (of the samples whose values are all finite).
    ///   `copies` 0 gives tensors of 0 rows.
    /// - Throws: `DataError(.invalidArgument)` with `unsupportedReason` when the tensors cannot
    ///   be blended or `copies` is negative; `RuntimeError` when the result would exceed the
    ///   memory limit.
    public static func blends(of tensors: [String: RuntimeTensor], copies: Int, maxWeight: Float = 0.5,
                              using rng: inout some RandomNumberGenerator) throws -> [String: RuntimeTensor] {
        if let why = unsupportedReason(tensors) { throw DataError(.invalidArgument, why) }
        guard copies >= 0 else { throw DataError(.invalidArgument, "blend copies must be >= 0, not \(copies)") }
        guard let n = tensors.values.first?.shape.first else { return [:] }
        var values: [String: [Float]] = [:]
        var finite = [Bool](repeating: true, count: n)
        for (name, t) in tensors {
            let x = try t.floatValues()
            let row = x.count / n
            for i in 0..<n where finite[i] { finite[i] = !x[(i * row)..<((i + 1) * row)].contains { !$0.isFinite } }
            values[name] = x
        }
        // Partners are drawn among the finite samples only, so that one NaN or infinite sample
        // does not spread into other samples' blends (its own blends stay non-finite).
        let pool = (0..<n).filter { finite[$0] }
        var weights: [Float] = []
        var partners: [Int] = []
        for _ in 0..<copies {
            let perm = (pool.isEmpty ? Array(0..<n) : pool).shuffled(using: &rng)
            for i in 0..<n {
                weights.append(Float.random(in: 0...maxWeight, using: &rng))
                partners.append(perm[i % perm.count])
            }
        }
        var out: [String: RuntimeTensor] = [:]
        for (name, t) in tensors {
            guard let x = values[name] else { continue }
            let row = x.count / n
            var shape = t.shape
            shape[0] = copies * n
            let blended = try RuntimeTensor.allocate(.float, shape)
            blended.withUnsafeMutableBuffer(as: Float.self) { dst in
                x.withUnsafeBufferPointer { src in
                    for b in 0..<(copies * n) {
                        let i = b % n, j = partners[b], w = weights[b]
                        for k in 0..<row { dst[b * row + k] = (1 - w) * src[i * row + k] + w * src[j * row + k] }
                    }
                }
            }
            out[name] = blended
        }
        return out
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a small, fast, seedable generator so that blends,
/// and everything computed from them, are the same on every run.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
