import AbridgeIR
import AbridgeRuntime

/// Stores a pruned weight as a `sparse_initializer` (ONNX IR.md, "Sparse initializers";
/// onnx.proto `SparseTensorProto`): `values` FLOAT `[NNZ]` named like the weight, `indices` INT64
/// `[NNZ]` linearized row-major, ascending and distinct, `dims` the dense shape. Nodes keep
/// reading the value by name; onnxruntime (checked with 1.32) densifies it when the session
/// loads.
///
/// Size: a dense FLOAT costs 4 bytes per element; a sparse one 4 + 8 = 12 bytes per non-zero, so
/// sparse storage is smaller only when more than 2/3 of the weights are zero.
enum SparseInitializerConversion {
    /// Bytes of the tensor data stored densely (FLOAT).
    static func denseBytes(_ count: Int) -> Int { count * 4 }
    /// Bytes of values plus INT64 linear indices.
    static func sparseBytes(nonZeros: Int) -> Int { nonZeros * 12 }

    /// The sparse form of a dense FLOAT tensor.
    static func sparse(_ values: [Float], dims: [Int], name: String) -> SparseTensor {
        var nz: [Float] = [], idx: [Int64] = []
        for (i, x) in values.enumerated() where x != 0 { nz.append(x); idx.append(Int64(i)) }
        let v = TensorConversion.tensor(from: RuntimeTensor(floats: nz, shape: [nz.count]), name: name)
        let ix = TensorConversion.tensor(from: RuntimeTensor(int64s: idx, shape: [idx.count]), name: nil)
        return SparseTensor(values: v, indices: ix, dims: dims.map { Int64($0) })
    }

    /// Moves `v` from the graph's dense initializers to its sparse initializers.
    /// - Returns: false (changing nothing) when `v` is not a dense initializer of `graph`, or is
    ///   also a graph input (a sparse initializer cannot back an input).
    @discardableResult
    static func makeSparse(_ v: Value, in graph: Graph) throws -> Bool {
        guard let t = v.initializer, t.elementType == .float, let i = graph.initializers.firstIndex(where: { $0 === v }),
              !graph.inputs.contains(where: { $0 === v }) else { return false }
        let values = try TensorConversion.runtimeTensor(from: t).floatValues()
        v.sparseInitializer = sparse(values, dims: t.dims.map { Int($0) }, name: v.name)
        v.initializer = nil
        graph.initializers.remove(at: i)
        graph.sparseInitializers.append(v)
        return true
    }
}
