import AbridgeKernels

/// `Sub` (onnx.ai/onnx/operators/onnx__Sub.html, since-versions 1, 6, 7, 13, 14): C = A - B with
/// numpy broadcasting; integers wrap.
enum SubOp: BinaryArithmeticOp {
    static let sinceVersions = [1, 6, 7, 13, 14]
    static let name = "Sub"
    static func integer<T: FixedWidthInteger>(_ a: T, _ b: T) -> T { a &- b }
    static func floating<T: KernelFloat>(_ a: T, _ b: T) -> T { a - b }
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        // Built here, where the op is concrete, so the kernel runs specialized code (through
        // the OperatorKernel existential it would run unspecialized generic code per element).
        let kernel = BinaryArithmeticKernel<SubOp>()
        return ClosureKernel { try kernel.run($0, context: $1) }
    }
}
