/// A value's type (`TypeProto`): tensor, sequence, map, optional, sparse tensor or opaque, with
/// an optional denotation.
public struct TypeInfo: Hashable, Sendable {
    /// The kind; nil when the `value` oneof is not set.
    public var kind: Kind?
    /// `denotation` (e.g. `TENSOR`, `IMAGE`).
    public var denotation: String?
    public var unknownFields: [UnknownField] = []

    public init(kind: Kind?, denotation: String? = nil) { self.kind = kind; self.denotation = denotation }

    /// The type kinds of ONNX IR (docs/IR.md, "Types").
    public indirect enum Kind: Hashable, Sendable {
        /// `tensor_type`: element type and optional shape.
        case tensor(TensorTypeInfo)
        /// `sparse_tensor_type`.
        case sparseTensor(TensorTypeInfo)
        /// `sequence_type` of the element type (nil when absent).
        case sequence(TypeInfo?, unknownFields: [UnknownField])
        /// `map_type`: key element type and value type.
        case map(key: DataType?, value: TypeInfo?, unknownFields: [UnknownField])
        /// `optional_type` of the element type.
        case optional(TypeInfo?, unknownFields: [UnknownField])
        /// `opaque_type`: domain and name.
        case opaque(domain: String?, name: String?, unknownFields: [UnknownField])
    }

    /// A tensor type of `elementType` and `shape`.
    public static func tensor(_ elementType: DataType, shape: Shape?) -> TypeInfo {
        TypeInfo(kind: .tensor(TensorTypeInfo(elementType: elementType, shape: shape)))
    }

    /// The tensor element type, when this is a tensor or sparse tensor type.
    public var tensorElementType: DataType? {
        switch kind {
        case .tensor(let t), .sparseTensor(let t): return t.elementType
        default: return nil
        }
    }

    /// The tensor shape, when this is a tensor type with a shape.
    public var tensorShape: Shape? {
        switch kind {
        case .tensor(let t), .sparseTensor(let t): return t.shape
        default: return nil
        }
    }
}

/// `TypeProto.Tensor` / `TypeProto.SparseTensor`.
public struct TensorTypeInfo: Hashable, Sendable {
    public var elementType: DataType?
    /// nil: rank unknown. An empty dims list: a scalar.
    public var shape: Shape?
    public var unknownFields: [UnknownField] = []
    public init(elementType: DataType?, shape: Shape?) { self.elementType = elementType; self.shape = shape }
}

/// A tensor shape (`TensorShapeProto`) whose dimensions are static, symbolic or unknown.
public struct Shape: Hashable, Sendable, CustomStringConvertible {
    public var dims: [Dimension]
    public var unknownFields: [UnknownField] = []
    public init(dims: [Dimension]) { self.dims = dims }
    /// A fully static shape.
    public init(_ values: [Int64]) { self.dims = values.map { Dimension(.value($0)) } }

    /// Rank.
    public var rank: Int { dims.count }

    /// The static sizes, or nil when any dimension is symbolic or unknown.
    public var staticSizes: [Int64]? {
        var out: [Int64] = []
        for d in dims { guard case .value(let v)? = d.value else { return nil }; out.append(v) }
        return out
    }

    /// `[N, 3, 224, 224]`, with `?` for unknown dimensions.
    public var description: String { "[" + dims.map(\.description).joined(separator: ", ") + "]" }
}

/// One dimension of a `Shape`.
public struct Dimension: Hashable, Sendable, CustomStringConvertible {
    /// Static size or symbol; nil when unknown.
    public var value: Value?
    /// `denotation` (e.g. `DATA_BATCH`).
    public var denotation: String?
    public var unknownFields: [UnknownField] = []

    public init(_ value: Value?, denotation: String? = nil) { self.value = value; self.denotation = denotation }

    /// `dim_value` or `dim_param`.
    public enum Value: Hashable, Sendable {
        case value(Int64)
        case param(String)
    }

    public var description: String {
        switch value {
        case .value(let v)?: return String(v)
        case .param(let p)?: return p
        case nil: return "?"
        }
    }
}
