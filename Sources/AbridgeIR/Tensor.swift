/// A tensor value as ONNX stores it (`TensorProto`): element type, dims and data.
///
/// The data keep the representation the file used (`raw_data`, or one of the typed repeated
/// fields such as `float_data`), so a model round-trips unchanged; `packedBytes()` gives the
/// canonical little-endian `raw_data` form whatever the representation.
public final class Tensor {
    /// `TensorProto.name`. For an initializer the writer uses the owning value's name.
    public var name: String?
    /// Element type (`data_type`); nil when the field is absent.
    public var dataType: DataType?
    /// Shape (`dims`), each >= 0 in a valid tensor.
    public var dims: [Int64]
    /// Where the data live.
    public var content: TensorContent
    /// `data_location` as in the file (0 DEFAULT, 1 EXTERNAL), nil when absent.
    public var dataLocation: Int32?
    /// `external_data` entries as in the file (location, offset, length, checksum...).
    /// After loading, `content` holds the resolved bytes; these record where they came from.
    public var externalData: [StringStringEntry]
    public var docString: String?
    /// `segment` (begin, end) of a tensor split across messages; rarely used.
    public var segment: (begin: Int64?, end: Int64?)?
    /// Unknown fields of `segment`.
    public var segmentUnknownFields: [UnknownField] = []
    public var metadataProps: [StringStringEntry]
    public var unknownFields: [UnknownField]

    public init(name: String? = nil, dataType: DataType?, dims: [Int64], content: TensorContent,
                dataLocation: Int32? = nil, externalData: [StringStringEntry] = [], docString: String? = nil,
                metadataProps: [StringStringEntry] = [], unknownFields: [UnknownField] = []) {
        self.name = name; self.dataType = dataType; self.dims = dims; self.content = content
        self.dataLocation = dataLocation; self.externalData = externalData; self.docString = docString
        self.metadataProps = metadataProps; self.unknownFields = unknownFields
    }

    /// A tensor holding `bytes` as `raw_data`.
    public convenience init(name: String? = nil, dataType: DataType, dims: [Int64], rawData: TensorBytes) {
        self.init(name: name, dataType: dataType, dims: dims, content: .raw(rawData))
    }

    /// The element type, `.undefined` when absent.
    public var elementType: DataType { dataType ?? .undefined }

    /// Number of elements (product of dims; 1 for a scalar), or nil when a dim is negative or the
    /// product overflows.
    public var elementCount: Int? {
        var n = 1
        for d in dims {
            guard d >= 0, let v = Int(exactly: d) else { return nil }
            let (r, o) = n.multipliedReportingOverflow(by: v)
            if o { return nil }
            n = r
        }
        return n
    }

    /// The byte count `raw_data` must have for this type and shape, or nil when unknown.
    public var expectedByteCount: Int? {
        guard let n = elementCount else { return nil }
        return elementType.byteCount(forElements: n)
    }

    /// True when the data came from (or is meant for) an external file.
    public var usesExternalData: Bool { dataLocation == 1 }

    /// Total bytes of data this tensor holds in its current representation (used for size
    /// reports and the 2 GiB check).
    public var storedByteCount: Int {
        switch content {
        case .none: return 0
        case .raw(let b): return b.count
        case .floatData(let a): return a.count * 4
        case .int32Data(let a): return a.count * 4
        case .int64Data(let a): return a.count * 8
        case .doubleData(let a): return a.count * 8
        case .uint64Data(let a): return a.count * 8
        case .stringData(let a): return a.reduce(0) { $0 + $1.count }
        }
    }
}

/// The data of a `TensorProto`, in the field the file used.
public enum TensorContent {
    /// No data field present (an empty tensor, or external data not yet resolved).
    case none
    /// `raw_data`: little-endian, sub-byte types packed.
    case raw(TensorBytes)
    /// `float_data` (FLOAT, COMPLEX64).
    case floatData([Float])
    /// `int32_data` (INT32, INT16, INT8, UINT16, UINT8, BOOL, FLOAT16, BFLOAT16, float8, 4-bit and
    /// 2-bit types: the bit patterns, packed as the spec says).
    case int32Data([Int32])
    /// `string_data` (STRING).
    case stringData([[UInt8]])
    /// `int64_data` (INT64).
    case int64Data([Int64])
    /// `double_data` (DOUBLE, COMPLEX128).
    case doubleData([Double])
    /// `uint64_data` (UINT32, UINT64).
    case uint64Data([UInt64])
}
