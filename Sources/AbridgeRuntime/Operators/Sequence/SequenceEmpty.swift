import AbridgeIR

/// `SequenceEmpty` (onnx.ai/onnx/operators/onnx__SequenceEmpty.html, since-version 11): an empty
/// sequence (the `dtype` attribute only matters for type inference).
enum SequenceEmptyOp {
    static let sinceVersions = [11]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel { ClosureKernel { _, _ in [.sequence([])] } }
}
