import AbridgeIR
import AbridgeKernels

/// `GlobalMaxPool` (onnx.ai/onnx/operators/onnx__GlobalMaxPool.html, since-versions 1, 22): X `[N, C, D1..Dn]` ->
/// Y `[N, C, 1, ..., 1]`, the maximum of each (n, c) plane.
enum GlobalMaxPool {
    static let sinceVersions = [1, 22]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        GlobalPoolKernel(kind: .max, name: "GlobalMaxPool")
    }
}
