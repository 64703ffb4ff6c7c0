import AbridgeIR
import AbridgeKernels

/// `GlobalLpPool` (onnx.ai/onnx/operators/onnx__GlobalLpPool.html, since-versions 1, 2, 22): X `[N, C, D1..Dn]` ->
/// Y `[N, C, 1, ..., 1]`, (sum |x|^p)^(1/p) of each (n, c) plane (`p` float in opset 1, int from 2; default 2).
enum GlobalLpPool {
    static let sinceVersions = [1, 2, 22]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        GlobalPoolKernel(kind: .lp(p: try LpPool.exponent(context)), name: "GlobalLpPool")
    }
}
