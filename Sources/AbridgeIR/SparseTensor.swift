/// A sparse tensor (`SparseTensorProto`): non-zero `values` (`[NNZ]`) at `indices`, either
/// `[NNZ]` linearized (row-major) or `[NNZ, rank]` coordinates, INT64; `dims` is the dense shape.
public final class SparseTensor {
    public var values: Tensor?
    public var indices: Tensor?
    public var dims: [Int64]
    public var unknownFields: [UnknownField]

    public init(values: Tensor?, indices: Tensor?, dims: [Int64], unknownFields: [UnknownField] = []) {
        self.values = values; self.indices = indices; self.dims = dims; self.unknownFields = unknownFields
    }

    /// The name (that of `values`, as the spec says).
    public var name: String? { values?.name }
}
