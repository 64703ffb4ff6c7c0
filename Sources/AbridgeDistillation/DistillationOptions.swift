/// Settings of `Distiller`: Adam on the mean squared error between student and teacher outputs,
/// over the calibration samples plus fresh mixup blends of them at every step.
///
/// Defaults are those of the torch prototype on samples/digits-cnn.onnx pruned 50% of its
/// channels with least-squares recovery: 600 full-batch steps, Adam lr 1e-3, 3 blends per sample,
/// λ ~ U(0, 0.5) (held-out accuracy +0.25 to +0.5 points on average over calibration sets; plain
/// KD without blends helped much less).
public struct DistillationOptions: Sendable {
    /// Number of full-batch gradient steps (≥ 0; 0 only measures the errors).
    public var steps: Int
    /// Adam step size `α` (Kingma & Ba 2015), > 0.
    public var learningRate: Float
    /// Adam `β1` (first-moment decay), in [0, 1).
    public var beta1: Float
    /// Adam `β2` (second-moment decay), in [0, 1).
    public var beta2: Float
    /// Adam `ε`, added to `√v̂`, > 0.
    public var epsilon: Float
    /// Mixup blends per calibration sample and step (`Mixup.blends(copies:)`), ≥ 0; 0 is plain KD.
    public var blends: Int
    /// Upper bound of the mixup weight `λ ~ U(0, maxBlendWeight)`, in [0, 1].
    public var maxBlendWeight: Float
    /// Seed of the `SplitMix64` generator drawing the blends: same seed, same result.
    public var seed: UInt64
    /// When true, weight elements that are exactly 0 before training stay 0 (pruned weights keep
    /// their sparsity): their updates are masked.
    public var keepZeros: Bool
    /// Memory for one forward/backward pass (bytes, ≥ 1 MiB): a step whose rows need more is run in
    /// chunks whose gradients are summed (the same step, less memory).
    public var workingSetBytes: Int = 1 << 30

    public init(steps: Int = 600, learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, blends: Int = 3, maxBlendWeight: Float = 0.5, seed: UInt64 = 0,
                keepZeros: Bool = true) {
        self.steps = steps; self.learningRate = learningRate; self.beta1 = beta1; self.beta2 = beta2
        self.epsilon = epsilon; self.blends = blends; self.maxBlendWeight = maxBlendWeight; self.seed = seed
        self.keepZeros = keepZeros
    }

    /// Why the options are invalid, or nil.
    var invalidReason: String? {
        if steps < 0 { return "steps must be >= 0, got \(steps)" }
        if !(learningRate > 0) || !learningRate.isFinite { return "learning rate must be a positive number, got \(learningRate)" }
        if !(beta1 >= 0 && beta1 < 1) { return "beta1 must be in [0, 1), got \(beta1)" }
        if !(beta2 >= 0 && beta2 < 1) { return "beta2 must be in [0, 1), got \(beta2)" }
        if !(epsilon > 0) || !epsilon.isFinite { return "epsilon must be a positive number, got \(epsilon)" }
        if blends < 0 { return "blends must be >= 0, got \(blends)" }
        if workingSetBytes < 1 << 20 { return "working set must be at least 1 MiB, got \(workingSetBytes) bytes" }
        if !(maxBlendWeight >= 0 && maxBlendWeight <= 1) { return "maxBlendWeight must be in [0, 1], got \(maxBlendWeight)" }
        return nil
    }
}
