/// A node or function attribute (`AttributeProto`).
public struct Attribute {
    public var name: String?
    /// `ref_attr_name`: inside a function body, the attribute takes the caller's attribute of
    /// this name.
    public var refAttributeName: String?
    public var docString: String?
    /// The `type` field as in the file (nil when absent; numbers this version does not know are
    /// kept).
    public var type: AttributeType?
    public var value: AttributeValue
    public var unknownFields: [UnknownField] = []

    public init(name: String?, value: AttributeValue, type: AttributeType? = nil, refAttributeName: String? = nil,
                docString: String? = nil) {
        self.name = name; self.value = value; self.type = type ?? value.impliedType
        self.refAttributeName = refAttributeName; self.docString = docString
    }

    /// The float value, when this is a FLOAT attribute.
    public var float: Float? { if case .float(let v) = value { return v }; return nil }
    /// The integer value, when this is an INT attribute.
    public var int: Int64? { if case .int(let v) = value { return v }; return nil }
    /// The integers, when this is an INTS attribute.
    public var ints: [Int64]? { if case .ints(let v) = value { return v }; return nil }
    /// The floats, when this is a FLOATS attribute.
    public var floats: [Float]? { if case .floats(let v) = value { return v }; return nil }
    /// The string as UTF-8 text, when this is a STRING attribute holding valid UTF-8.
    public var string: String? { if case .string(let v) = value { return String(validating: v, as: UTF8.self) }; return nil }
    /// The tensor, when this is a TENSOR attribute.
    public var tensor: Tensor? { if case .tensor(let v) = value { return v }; return nil }
    /// The graph, when this is a GRAPH attribute.
    public var graph: Graph? { if case .graph(let v) = value { return v }; return nil }
}

/// `AttributeProto.AttributeType`, kept as its number.
public struct AttributeType: RawRepresentable, Hashable, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let undefined = AttributeType(rawValue: 0)
    public static let float = AttributeType(rawValue: 1)
    public static let int = AttributeType(rawValue: 2)
    public static let string = AttributeType(rawValue: 3)
    public static let tensor = AttributeType(rawValue: 4)
    public static let graph = AttributeType(rawValue: 5)
    public static let sparseTensor = AttributeType(rawValue: 11)
    public static let typeProto = AttributeType(rawValue: 13)
    public static let floats = AttributeType(rawValue: 6)
    public static let ints = AttributeType(rawValue: 7)
    public static let strings = AttributeType(rawValue: 8)
    public static let tensors = AttributeType(rawValue: 9)
    public static let graphs = AttributeType(rawValue: 10)
    public static let sparseTensors = AttributeType(rawValue: 12)
    public static let typeProtos = AttributeType(rawValue: 14)
}

/// The value of an attribute, one case per attribute kind.
public enum AttributeValue {
    case float(Float)
    case int(Int64)
    /// Bytes; usually UTF-8 text.
    case string([UInt8])
    case tensor(Tensor)
    case graph(Graph)
    case sparseTensor(SparseTensor)
    case typeProto(TypeInfo)
    case floats([Float])
    case ints([Int64])
    case strings([[UInt8]])
    case tensors([Tensor])
    case graphs([Graph])
    case sparseTensors([SparseTensor])
    case typeProtos([TypeInfo])
    /// No value field present (a reference attribute, or an attribute of unknown type).
    case none

    /// The `AttributeType` this value implies.
    public var impliedType: AttributeType? {
        switch self {
        case .float: return .float
        case .int: return .int
        case .string: return .string
        case .tensor: return .tensor
        case .graph: return .graph
        case .sparseTensor: return .sparseTensor
        case .typeProto: return .typeProto
        case .floats: return .floats
        case .ints: return .ints
        case .strings: return .strings
        case .tensors: return .tensors
        case .graphs: return .graphs
        case .sparseTensors: return .sparseTensors
        case .typeProtos: return .typeProtos
        case .none: return nil
        }
    }

    /// The subgraphs this value holds (GRAPH or GRAPHS).
    public var subgraphs: [Graph] {
        switch self {
        case .graph(let g): return [g]
        case .graphs(let gs): return gs
        default: return []
        }
    }
}
