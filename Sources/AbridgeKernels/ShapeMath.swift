/// Shape arithmetic shared by the kernels: element counts, strides, axis normalisation.
///
/// Shapes are `[Int]`, row-major (C-contiguous); a rank-0 shape `[]` describes a scalar with one element.
public enum ShapeMath {
    /// Number of elements of `shape` (1 for `[]`).
    /// - Throws: `KernelError.invalidShape` for a negative dimension, `.overflow` when the product overflows `Int`.
    public static func elementCount(_ shape: [Int], kernel: String = "shape") throws -> Int {
        var count = 1
        for d in shape {
            guard d >= 0 else { throw KernelError.invalidShape(kernel: kernel, message: "negative dimension in \(shape)") }
            let (p, o) = count.multipliedReportingOverflow(by: d)
            guard !o else { throw KernelError.overflow(kernel: kernel, message: "element count of \(shape)") }
            count = p
        }
        return count
    }

    /// Row-major strides (in elements) of `shape`; the last axis has stride 1.
    public static func strides(_ shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            s[i] = acc
            acc &*= shape[i]
        }
        return s
    }

    /// Maps an ONNX-style axis in `[-rank, rank)` to `[0, rank)`.
    /// - Throws: `KernelError.invalidArgument` when out of range.
    public static func normalizeAxis(_ axis: Int, rank: Int, kernel: String) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0 && a < rank else {
            throw KernelError.invalidArgument(kernel: kernel, message: "axis \(axis) out of range for rank \(rank)")
        }
        return a
    }

    /// Normalises a set of axes, rejecting duplicates; the result is sorted ascending.
    /// - Throws: `KernelError.invalidArgument` for an out-of-range or repeated axis.
    public static func normalizeAxes(_ axes: [Int], rank: Int, kernel: String) throws -> [Int] {
        var seen = [Bool](repeating: false, count: rank)
        for axis in axes {
            let a = try normalizeAxis(axis, rank: rank, kernel: kernel)
            guard !seen[a] else { throw KernelError.invalidArgument(kernel: kernel, message: "axis \(axis) repeated") }
            seen[a] = true
        }
        return (0..<rank).filter { seen[$0] }
    }

    /// Product of `shape[range]` (1 for an empty range). Assumes a shape already validated by `elementCount`.
    public static func product(_ shape: [Int], _ range: Range<Int>) -> Int {
        var p = 1
        for i in range { p &*= shape[i] }
        return p
    }

    /// Checks that `actual == expected` for buffer `name`.
    /// - Throws: `KernelError.bufferSize`.
    public static func checkCount(_ actual: Int, _ expected: Int, kernel: String, buffer: String) throws {
        guard actual == expected else {
            throw KernelError.bufferSize(kernel: kernel, buffer: buffer, expected: expected, actual: actual)
        }
    }

    /// Checks that `actual >= needed` for buffer `name`.
    /// - Throws: `KernelError.bufferSize`.
    public static func checkAtLeast(_ actual: Int, _ needed: Int, kernel: String, buffer: String) throws {
        guard actual >= needed else {
            throw KernelError.bufferSize(kernel: kernel, buffer: buffer, expected: needed, actual: actual)
        }
    }
}
