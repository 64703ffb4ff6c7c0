import AbridgeKernels

/// `Div` (onnx.ai/onnx/operators/onnx__Div.html, since-versions 1, 6, 7, 13, 14): C = A / B with
/// numpy broadcasting. Integer division truncates toward zero (as C and onnxruntime); division
/// by zero gives 0 and `min / -1` wraps, instead of trapping.
enum DivOp: BinaryArithmeticOp {
    static let sinceVersions = [1, 6, 7, 13, 14]
    static let name = "Div"
    static func integer<T: FixedWidthInteger>(_ a: T, _ b: T) -> T {
        if b == 0 { return 0 }
        return a.dividedReportingOverflow(by: b).partialValue
    }
    static func floating<T: KernelFloat>(_ a: T, _ b: T) -> T { a / b }
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        // Built here, where the op is concrete, so the kernel runs specialized code (through
        // the OperatorKernel existential it would run unspecialized generic code per element).
        let kernel = BinaryArithmeticKernel<DivOp>()
        return ClosureKernel { try kernel.run($0, context: $1) }
    }
}
