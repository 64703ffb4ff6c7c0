/// The message-typed fields of each ONNX message (onnx-ml.proto and onnx-data.proto of onnx
/// 1.23.2), which the wire scanner needs to recurse and check nesting depth.
enum WireMessage: Int, Sendable {
    case model, graph, node, attribute, valueInfo, tensor, segment, sparseTensor, typeProto
    case typeTensor, typeSequence, typeMap, typeOptional, typeSparseTensor, typeOpaque
    case shape, dimension, operatorSetId, function, stringStringEntry, tensorAnnotation, trainingInfo
    case deviceConfiguration, nodeDeviceConfiguration, shardingSpec, shardedDim, simpleShardedDim, intIntListEntry
    case sequence, map, optional

    /// Field number -> message type of that field, for message-typed fields.
    var messageFields: [UInt32: WireMessage] {
        switch self {
        case .attribute: return [5: .tensor, 6: .graph, 22: .sparseTensor, 14: .typeProto, 10: .tensor, 11: .graph, 23: .sparseTensor, 15: .typeProto]
        case .valueInfo: return [2: .typeProto, 4: .stringStringEntry]
        case .node: return [5: .attribute, 9: .stringStringEntry, 10: .nodeDeviceConfiguration]
        case .nodeDeviceConfiguration: return [2: .shardingSpec]
        case .shardingSpec: return [3: .intIntListEntry, 4: .shardedDim]
        case .shardedDim: return [2: .simpleShardedDim]
        case .trainingInfo: return [1: .graph, 2: .graph, 3: .stringStringEntry, 4: .stringStringEntry]
        case .model: return [8: .operatorSetId, 7: .graph, 14: .stringStringEntry, 20: .trainingInfo, 25: .function, 26: .deviceConfiguration]
        case .tensorAnnotation: return [2: .stringStringEntry]
        case .graph: return [1: .node, 5: .tensor, 15: .sparseTensor, 11: .valueInfo, 12: .valueInfo, 13: .valueInfo, 14: .tensorAnnotation, 16: .stringStringEntry]
        case .tensor: return [3: .segment, 13: .stringStringEntry, 16: .stringStringEntry]
        case .sparseTensor: return [1: .tensor, 2: .tensor]
        case .shape: return [1: .dimension]
        case .typeProto: return [1: .typeTensor, 4: .typeSequence, 5: .typeMap, 9: .typeOptional, 8: .typeSparseTensor, 7: .typeOpaque]
        case .typeTensor, .typeSparseTensor: return [2: .shape]
        case .typeSequence, .typeOptional: return [1: .typeProto]
        case .typeMap: return [2: .typeProto]
        case .function: return [11: .attribute, 7: .node, 9: .operatorSetId, 12: .valueInfo, 14: .stringStringEntry]
        case .sequence, .optional: return [3: .tensor, 4: .sparseTensor, 5: .sequence, 6: .map, 7: .optional]
        case .map: return [5: .sequence]
        default: return [:]
        }
    }
}
