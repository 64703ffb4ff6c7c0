import AbridgeKernels

/// `Add` (onnx.ai/onnx/operators/onnx__Add.html, since-versions 1, 6, 7, 13, 14): C = A + B with
/// numpy broadcasting (opset 7+; the legacy `broadcast` attribute of opsets 1 and 6 is not
/// needed for numpy-compatible shapes); integers wrap.
enum AddOp: BinaryArithmeticOp {
    static let sinceVersions = [1, 6, 7, 13, 14]
    static let name = "Add"
    static func integer<T: FixedWidthInteger>(_ a: T, _ b: T) -> T { a &+ b }
    static func floating<T: KernelFloat>(_ a: T, _ b: T) -> T { a + b }
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        // Built here, where the op is concrete, so the kernel runs specialized code (through
        // the OperatorKernel existential it would run unspecialized generic code per element).
        let kernel = BinaryArithmeticKernel<AddOp>()
        return ClosureKernel { try kernel.run($0, context: $1) }
    }
}
