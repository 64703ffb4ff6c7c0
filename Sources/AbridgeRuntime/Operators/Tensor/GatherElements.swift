import AbridgeIR
import AbridgeKernels

/// `GatherElements` (onnx.ai/onnx/operators/onnx__GatherElements.html, since-versions 11, 13):
/// output of `indices`' shape with `out[i] = data[i with axis coordinate replaced by
/// indices[i]]` (negative indices count from the back). Any element type.
enum GatherElementsOp {
    static let sinceVersions = [11, 13]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let axis = Int(clamping: try context.attributes.int("axis", default: 0))
        return ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "data"), indices = try inputs.tensor(1, "indices")
            guard indices.rank == x.rank else {
                throw RuntimeError.invalidInput(node: "", reason: "GatherElements: indices \(indices.shape) and data \(x.shape) differ in rank")
            }
            let a = try NumericDispatch.axis(axis, rank: x.rank, "GatherElements")
            let offsets = try ElementIndexing.offsets(dataShape: x.shape, indexShape: indices.shape, indices: try indices.int64Values(), axis: a, op: "GatherElements")
            return [.tensor(try ElementIndexing.gather(x, offsets: offsets, shape: indices.shape))]
        }
    }
}

/// Shared element addressing of GatherElements/ScatterElements/GatherND/ScatterND.
enum ElementIndexing {
    /// For every position of an index tensor of `indexShape`, the linear offset into data of
    /// `dataShape` with the `axis` coordinate replaced by the index there.
    /// - Throws: `RuntimeError.invalidInput` for indices out of range or shapes that do not fit.
    static func offsets(dataShape: [Int], indexShape: [Int], indices: [Int64], axis: Int, op: String) throws -> [Int] {
        let rank = dataShape.count
        for d in 0..<rank where d != axis && indexShape[d] > dataShape[d] {
            throw RuntimeError.invalidInput(node: "", reason: "\(op): indices \(indexShape) exceed data \(dataShape) on axis \(d)")
        }
        let strides = StridedCopy.strides(dataShape)
        let dim = dataShape[axis]
        var out = [Int](repeating: 0, count: indices.count)
        var coords = [Int](repeating: 0, count: rank)
        for p in 0..<indices.count {
            let v = indices[p]
            let i = v < 0 ? Int(v) + dim : Int(clamping: v)
            guard i >= 0 && i < dim else { throw RuntimeError.invalidInput(node: "", reason: "\(op): index \(v) is out of range for axis \(axis) of size \(dim)") }
            var o = 0
            for d in 0..<rank { o += (d == axis ? i : coords[d]) * strides[d] }
            out[p] = o
            var d = rank - 1
            while d >= 0 {
                coords[d] += 1
                if coords[d] < indexShape[d] { break }
                coords[d] = 0
                d -= 1
            }
        }
        return out
    }

    /// A tensor of `shape` whose element p is `x`'s element at `offsets[p]`.
    static func gather(_ x: RuntimeTensor, offsets: [Int], shape: [Int]) throws -> RuntimeTensor {
        if x.dataType == .string {
            let s = x.strings ?? []
            return RuntimeTensor(strings: offsets.map { s[$0] }, shape: shape)
        }
        guard let size = RuntimeTensor.elementSize(x.dataType) else { throw NumericDispatch.unsupported("gather", x.dataType) }
        let out = try RuntimeTensor.allocate(x.dataType, shape)
        let src = UnsafeRawPointer(x.storage.base), dst = out.storage.base
        for (p, o) in offsets.enumerated() { (dst + p * size).copyMemory(from: src + o * size, byteCount: size) }
        return out
    }

    /// Scatter reductions (`reduction` attribute of ScatterElements/ScatterND).
    enum Reduction: String { case none, add, mul, max, min }

    static func reduction(_ context: KernelBuildContext) throws -> Reduction {
        let name = try context.attributes.string("reduction", default: "none")
        guard let r = Reduction(rawValue: name) else {
            throw RuntimeError.invalidAttribute(node: context.node.label, name: "reduction", reason: "'\(name)' is not none, add, mul, max or min")
        }
        return r
    }

    /// A copy of `data` with `updates[p]` written (or combined by `reduction`) at `offsets[p]`
    /// for each element of `updates`, in order.
    static func scatter(_ data: RuntimeTensor, offsets: [Int], updates: RuntimeTensor, reduction: Reduction, op: String) throws -> RuntimeTensor {
        guard updates.dataType == data.dataType else { throw RuntimeError.typeMismatch("\(op): updates are \(updates.dataType.shortName), data is \(data.dataType.shortName)") }
        guard updates.count == offsets.count else { throw RuntimeError.invalidInput(node: "", reason: "\(op): updates \(updates.shape) do not match the indices") }
        if data.dataType == .string {
            guard reduction == .none else { throw NumericDispatch.unsupported(op, data.dataType) }
            var s = data.strings ?? []
            let u = updates.strings ?? []
            for (p, o) in offsets.enumerated() { s[o] = u[p] }
            return RuntimeTensor(strings: s, shape: data.shape)
        }
        guard let size = RuntimeTensor.elementSize(data.dataType) else { throw NumericDispatch.unsupported(op, data.dataType) }
        if reduction != .none {
            if NumericDispatch.isHalf(data.dataType) {
                let r = try scatter(try NumericDispatch.widen(data), offsets: offsets, updates: try NumericDispatch.widen(updates), reduction: reduction, op: op)
                return try NumericDispatch.narrow(r, to: data.dataType)
            }
            guard let r = try NumericDispatch.run(data.dataType, ReduceBody(data: data, offsets: offsets, updates: updates, reduction: reduction)) else {
                throw NumericDispatch.unsupported(op, data.dataType)
            }
            return r
        }
        let out = try RuntimeTensor.allocate(data.dataType, data.shape)
        out.storage.base.copyMemory(from: data.storage.base, byteCount: data.count * size)
        let src = UnsafeRawPointer(updates.storage.base), dst = out.storage.base
        for (p, o) in offsets.enumerated() { (dst + o * size).copyMemory(from: src + p * size, byteCount: size) }
        return out
    }

    struct ReduceBody: NumericBody {
        let data: RuntimeTensor, offsets: [Int], updates: RuntimeTensor, reduction: Reduction
        func integer<T: FixedWidthInteger & Sendable>(_ type: T.Type) throws -> RuntimeTensor {
            switch reduction {
            case .add: return try apply(T.self) { $0 &+ $1 }
            case .mul: return try apply(T.self) { $0 &* $1 }
            case .max: return try apply(T.self) { Swift.max($0, $1) }
            case .min: return try apply(T.self) { Swift.min($0, $1) }
            case .none: return try apply(T.self) { $1 }
            }
        }
        func floating<T: KernelFloat>(_ type: T.Type) throws -> RuntimeTensor {
            switch reduction {
            case .add: return try apply(T.self) { $0 + $1 }
            case .mul: return try apply(T.self) { $0 * $1 }
            case .max: return try apply(T.self) { Swift.max($0, $1) }
            case .min: return try apply(T.self) { Swift.min($0, $1) }
            case .none: return try apply(T.self) { $1 }
            }
        }
        func apply<T>(_: T.Type, _ f: (T, T) -> T) throws -> RuntimeTensor {
            var values = data.elements(as: T.self)
            let u = updates.elements(as: T.self)
            for (p, o) in offsets.enumerated() { values[o] = f(values[o], u[p]) }
            return RuntimeTensor(data.dataType, shape: data.shape, values: Array(values.prefix(data.count)))
        }
    }
}
