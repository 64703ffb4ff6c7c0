/// `Less` (onnx.ai/onnx/operators/onnx__Less.html, since-versions 1, 7, 9, 13): C = a < b
/// element-wise with numpy broadcasting, BOOL output; see `ComparisonKernel` for types.
enum LessOp: ComparisonOp {
    static let sinceVersions = [1, 7, 9, 13]
    static let name = "Less"
    @inline(__always) static func compare<T: Comparable>(_ a: T, _ b: T) -> Bool { a < b }
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel { ComparisonKernel<LessOp>() }
}
