import AbridgeIR
import COnnxProto
import CProtobufC

/// A value of ONNX test data (onnx-data.proto): a tensor, a sequence, or an optional.
/// Maps are not supported (no ONNX operator produces them outside ai.onnx.ml).
public indirect enum DataValue {
    case tensor(Tensor)
    case sequence([DataValue])
    /// An optional holding a value or nothing.
    case optional(DataValue?)
}

extension ONNXReader {
    /// Loads a serialized `SequenceProto` (ONNX test data for sequence-typed inputs/outputs).
    /// - Throws: `ONNXError.unreadable`, `.invalidModel` (malformed, too deeply nested, or holding
    ///   maps/sparse tensors, which test data never use).
    public static func readSequence(path: String) throws -> DataValue {
        let region = try map(path)
        var scanner = WireScanner(bytes: region.bytes, path: path, stripThreshold: mappedPayloadThreshold)
        let skeleton = try scanner.scan(root: .sequence)
        let unpacked: UnsafeMutablePointer<Onnx__SequenceProto>? = {
            if let skeleton { return skeleton.withUnsafeBufferPointer { onnx__sequence_proto__unpack(nil, $0.count, $0.baseAddress) } }
            return onnx__sequence_proto__unpack(nil, region.bytes.count, region.bytes.baseAddress?.assumingMemoryBound(to: UInt8.self))
        }()
        guard let unpacked else { throw ONNXError.invalidModel(path: path, reason: "protobuf-c could not decode the SequenceProto") }
        defer { onnx__sequence_proto__free_unpacked(unpacked, nil) }
        return try ProtoDecoder(path: path, scanner: scanner, region: region).sequenceValue(unpacked)
    }

    /// Loads a serialized `OptionalProto` (ONNX test data for optional-typed inputs/outputs).
    /// - Throws: as `readSequence`.
    public static func readOptional(path: String) throws -> DataValue {
        let region = try map(path)
        var scanner = WireScanner(bytes: region.bytes, path: path, stripThreshold: mappedPayloadThreshold)
        let skeleton = try scanner.scan(root: .optional)
        let unpacked: UnsafeMutablePointer<Onnx__OptionalProto>? = {
            if let skeleton { return skeleton.withUnsafeBufferPointer { onnx__optional_proto__unpack(nil, $0.count, $0.baseAddress) } }
            return onnx__optional_proto__unpack(nil, region.bytes.count, region.bytes.baseAddress?.assumingMemoryBound(to: UInt8.self))
        }()
        guard let unpacked else { throw ONNXError.invalidModel(path: path, reason: "protobuf-c could not decode the OptionalProto") }
        defer { onnx__optional_proto__free_unpacked(unpacked, nil) }
        return try ProtoDecoder(path: path, scanner: scanner, region: region).optionalValue(unpacked)
    }

    /// Loads a test-data file whose kind is given by `type` (the graph input or output type):
    /// a tensor for tensor types (and when the type is unknown), a sequence or an optional.
    /// - Throws: as `readTensor`/`readSequence`.
    public static func readValue(path: String, type: TypeInfo?) throws -> DataValue {
        switch type?.kind {
        case .sequence?: return try readSequence(path: path)
        case .optional?: return try readOptional(path: path)
        default: return .tensor(try readTensor(path: path))
        }
    }
}

extension ProtoDecoder {
    func sequenceValue(_ s: UnsafeMutablePointer<Onnx__SequenceProto>) throws -> DataValue {
        let p = s.pointee
        if p.n_map_values > 0 || p.n_sparse_tensor_values > 0 {
            throw fail("sequences of maps or sparse tensors are not supported")
        }
        if p.n_tensor_values > 0 {
            return .sequence(try messages(p.n_tensor_values, p.tensor_values).map { .tensor(try tensor($0, what: "sequence element")) })
        }
        if p.n_sequence_values > 0 {
            return .sequence(try messages(p.n_sequence_values, p.sequence_values).map { try sequenceValue($0) })
        }
        if p.n_optional_values > 0 {
            return .sequence(try messages(p.n_optional_values, p.optional_values).map { try optionalValue($0) })
        }
        return .sequence([])
    }

    func optionalValue(_ o: UnsafeMutablePointer<Onnx__OptionalProto>) throws -> DataValue {
        let p = o.pointee
        if let t = p.tensor_value { return .optional(.tensor(try tensor(t, what: "optional element"))) }
        if let s = p.sequence_value { return .optional(try sequenceValue(s)) }
        if let v = p.optional_value { return .optional(try optionalValue(v)) }
        if p.map_value != nil || p.sparse_tensor_value != nil {
            throw fail("optionals of maps or sparse tensors are not supported")
        }
        return .optional(nil)
    }
}
