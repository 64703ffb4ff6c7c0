import AbridgeIR
import AbridgeKernels

/// `GlobalAveragePool` (onnx.ai/onnx/operators/onnx__GlobalAveragePool.html, since-versions 1, 22): X `[N, C, D1..Dn]` ->
/// Y `[N, C, 1, ..., 1]`, the mean of each (n, c) plane.
enum GlobalAveragePool {
    static let sinceVersions = [1, 22]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        GlobalPoolKernel(kind: .average, name: "GlobalAveragePool")
    }
}
