import AbridgeIR
import AbridgeKernels
#if canImport(Glibc)
import Glibc
#endif

/// `Mod` (onnx.ai/onnx/operators/onnx__Mod.html, since-versions 10, 13): element-wise remainder
/// with numpy broadcasting. `fmod` = 0 (default): the result has the sign of the divisor (numpy
/// `mod`, Python `%`); `fmod` = 1: the sign of the dividend (C `fmod`). Integer division by zero
/// gives 0 instead of trapping; floats follow IEEE `fmod` (NaN for a zero divisor).
enum ModOp {
    static let sinceVersions = [10, 13]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let fmod = try context.attributes.int("fmod", default: 0) != 0
        return ClosureKernel { inputs, _ in
            let a = try inputs.tensor(0, "A"), b = try inputs.tensor(1, "B")
            return [.tensor(fmod ? try BinaryArithmeticKernel<TruncatedRemainder>.apply(a, b)
                                 : try BinaryArithmeticKernel<FlooredRemainder>.apply(a, b))]
        }
    }

    /// `fmod` = 1: remainder with the sign of the dividend.
    enum TruncatedRemainder: BinaryArithmeticOp {
        static let name = "Mod"
        static func integer<T: FixedWidthInteger>(_ a: T, _ b: T) -> T {
            b == 0 ? 0 : a.remainderReportingOverflow(dividingBy: b).partialValue
        }
        static func floating<T: KernelFloat>(_ a: T, _ b: T) -> T { a.truncatingRemainder(dividingBy: b) }
    }

    /// `fmod` = 0: remainder with the sign of the divisor.
    enum FlooredRemainder: BinaryArithmeticOp {
        static let name = "Mod"
        static func integer<T: FixedWidthInteger>(_ a: T, _ b: T) -> T {
            if b == 0 { return 0 }
            let r = a.remainderReportingOverflow(dividingBy: b).partialValue
            if r != 0 && ((r < 0) != (b < 0)) { return r &+ b }
            return r
        }
        static func floating<T: KernelFloat>(_ a: T, _ b: T) -> T {
            let r = a.truncatingRemainder(dividingBy: b)
            if r != 0 && ((r < 0) != (b < 0)) { return r + b }
            return r
        }
    }
}
