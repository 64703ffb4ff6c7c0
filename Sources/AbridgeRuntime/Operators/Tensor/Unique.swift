import AbridgeIR

/// `Unique` (onnx.ai/onnx/operators/onnx__Unique.html, since-version 11): the unique elements of
/// X (flattened) or unique slices along `axis`, sorted ascending (`sorted` = 1, default; slices
/// lexicographically) or in order of first occurrence; outputs Y, `indices` (first occurrence),
/// `inverse_indices` and `counts`, all INT64. Numeric types are ordered by value, STRING by
/// Unicode scalars.
enum UniqueOp {
    static let sinceVersions = [11]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let axis = try context.attributes.int("axis").map { Int(clamping: $0) }
        let sorted = try context.attributes.int("sorted", default: 1) != 0
        return ClosureKernel { inputs, _ in
            var x = try inputs.tensor(0, "X")
            var a = 0
            if let axis { a = try NumericDispatch.axis(axis, rank: x.rank, "Unique") } else { x = x.reshaped([x.count]) }
            let d = x.shape[a]
            let outer = x.shape[..<a].reduce(1, *), inner = x.shape[(a + 1)...].reduce(1, *)
            // Key of slice s: its elements in row-major order over (outer, inner).
            let numbers: [Double] = x.dataType == .string ? [] : try CastOp.convert(x, to: .double).elements(as: Double.self)
            let texts = x.strings ?? []
            func element(_ s: Int, _ e: Int) -> Int { (e / inner) * d * inner + s * inner + e % inner }
            let width = outer * inner
            func less(_ p: Int, _ q: Int) -> Bool {
                for e in 0..<width {
                    let i = element(p, e), j = element(q, e)
                    if x.dataType == .string {
                        if texts[i] != texts[j] { return texts[i] < texts[j] }
                    } else if numbers[i] != numbers[j] {
                        return numbers[i] < numbers[j]
                    }
                }
                return false
            }
            func equal(_ p: Int, _ q: Int) -> Bool { !less(p, q) && !less(q, p) }
            var firsts: [Int] = []
            var inverse = [Int](repeating: 0, count: d)
            var counts: [Int] = []
            for s in 0..<d {
                if let u = firsts.firstIndex(where: { equal($0, s) }) {
                    inverse[s] = u; counts[u] += 1
                } else {
                    inverse[s] = firsts.count; firsts.append(s); counts.append(1)
                }
            }
            var order = Array(0..<firsts.count)
            if sorted { order.sort { less(firsts[$0], firsts[$1]) } }
            var rank = [Int](repeating: 0, count: order.count)
            for (newIndex, old) in order.enumerated() { rank[old] = newIndex }
            let picked = order.map { firsts[$0] }
            let y = try GatherOp.apply(x, RuntimeTensor(int64s: picked.map { Int64($0) }, shape: [picked.count]), axis: a)
            return [.tensor(y),
                    .tensor(RuntimeTensor(int64s: picked.map { Int64($0) }, shape: [picked.count])),
                    .tensor(RuntimeTensor(int64s: inverse.map { Int64(rank[$0]) }, shape: [d])),
                    .tensor(RuntimeTensor(int64s: order.map { Int64(counts[$0]) }, shape: [order.count]))]
        }
    }
}
