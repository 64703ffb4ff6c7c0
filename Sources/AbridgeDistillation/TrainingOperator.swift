import AbridgeIR

/// One node's forward and backward pass in the training engine (float32 only).
///
/// Operators are classes so a forward pass can keep what its backward pass needs (Conv keeps its
/// im2col columns, MaxPool its argmax); the engine runs one forward then one backward at a time.
protocol TrainingOperator: AnyObject {
    /// `Y` from the node's inputs (nil: an absent optional input, or a non-float constant such as
    /// Reshape's shape, which the operator read when it was built).
    /// - Throws: `DistillationError.unsupportedShape` naming the node.
    func forward(_ inputs: [TrainingTensor?]) throws -> TrainingTensor
    /// `∂L/∂input` for every input whose `needs` flag is set (nil for the others), from `∂L/∂Y`.
    /// Called after `forward` on the same inputs; `output` is what `forward` returned.
    /// - Throws: `DistillationError.unsupportedShape`; kernel errors as `unsupportedShape`.
    func backward(_ gradient: TrainingTensor, inputs: [TrainingTensor?], output: TrainingTensor,
                  needs: [Bool]) throws -> [TrainingTensor?]
}
