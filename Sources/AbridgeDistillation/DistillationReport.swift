/// What `Distiller.distill` did and how close the student came to the teacher.
public struct DistillationReport: Sendable, Codable, Equatable {
    /// Gradient steps taken.
    public var steps: Int
    /// Calibration samples (axis 0 of the feeds).
    public var samples: Int
    /// Mixup blends added per step (`blends × samples`).
    public var blendsPerStep: Int
    /// Names of the outputs matched: graph outputs, or the input (logits) of a Softmax/LogSoftmax
    /// producing a graph output.
    public var matchedOutputs: [String]
    /// Initializers trained, in graph order.
    public var trainedTensors: [String]
    /// Weight/bias initializers left fixed, each with the reason (`"w: used by 2 nodes"`).
    public var fixedTensors: [String]
    /// Trainable elements (elements kept at zero by `keepZeros` excluded).
    public var parameters: Int
    /// `Σ‖s − t‖² / Σ‖t‖²` over the matched outputs of the calibration samples (no blends), before training.
    public var relativeErrorBefore: Double
    /// The same after training.
    public var relativeErrorAfter: Double
    /// False when training diverged or ended with a larger error than it started with: the
    /// student's weights were then left as they were.
    public var applied: Bool
    /// Calibration samples left out because an input held NaN or infinite values.
    public var samplesLeftOut: Int
    /// Wall-clock seconds of `distill`, teacher runs included.
    public var seconds: Double
}
