/// `GreaterOrEqual` (onnx.ai/onnx/operators/onnx__GreaterOrEqual.html, since-versions 12, 16): C = a >= b
/// element-wise with numpy broadcasting, BOOL output; see `ComparisonKernel` for types.
enum GreaterOrEqualOp: ComparisonOp {
    static let sinceVersions = [12, 16]
    static let name = "GreaterOrEqual"
    @inline(__always) static func compare<T: Comparable>(_ a: T, _ b: T) -> Bool { a >= b }
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel { ComparisonKernel<GreaterOrEqualOp>() }
}
