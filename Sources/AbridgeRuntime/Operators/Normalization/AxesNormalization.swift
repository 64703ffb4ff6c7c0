import AbridgeIR
import AbridgeKernels

/// Iteration over the groups of elements that share all coordinates except those on a set of
/// axes (the reduced axes of MeanVarianceNormalization, or the one axis of LpNormalization).
struct AxesNormalization {
    /// Offsets of the first element of each group.
    let groupStarts: [Int]
    /// Offsets, relative to a group start, of the group's elements.
    let members: [Int]

    init(shape: [Int], axes: Set<Int>) {
        let strides = ShapeMath.strides(shape)
        func offsets(_ dims: [Int]) -> [Int] {
            var result = [0]
            for d in dims { result = result.flatMap { base in (0..<shape[d]).map { base + $0 * strides[d] } } }
            return result
        }
        let reduced = (0..<shape.count).filter { axes.contains($0) }
        let kept = (0..<shape.count).filter { !axes.contains($0) }
        groupStarts = offsets(kept)
        members = offsets(reduced)
    }
}
