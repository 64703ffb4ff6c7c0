import AbridgeIR
import COnnxProto
import CProtobufC

extension ProtoDecoder {
    func tensor(_ t: UnsafeMutablePointer<Onnx__TensorProto>, what: String) throws -> Tensor {
        let p = t.pointee
        let name = try optString(p.has_name, p.name, "\(what) tensor name")
        let label = "\(what) tensor '\(name ?? "")'"
        let content: TensorContent
        if p.has_raw_data != 0 {
            content = .raw(rawData(p.raw_data))
        } else if p.n_float_data > 0 {
            content = .floatData(array(p.n_float_data, p.float_data))
        } else if p.n_int32_data > 0 {
            content = .int32Data(array(p.n_int32_data, p.int32_data))
        } else if p.n_string_data > 0 {
            content = .stringData(array(p.n_string_data, p.string_data).map(bytes))
        } else if p.n_int64_data > 0 {
            content = .int64Data(array(p.n_int64_data, p.int64_data))
        } else if p.n_double_data > 0 {
            content = .doubleData(array(p.n_double_data, p.double_data))
        } else if p.n_uint64_data > 0 {
            content = .uint64Data(array(p.n_uint64_data, p.uint64_data))
        } else {
            content = .none
        }
        let tensor = Tensor(name: name, dataType: p.has_data_type != 0 ? DataType(rawValue: p.data_type) : nil,
                            dims: array(p.n_dims, p.dims), content: content,
                            dataLocation: p.has_data_location != 0 ? Int32(bitPattern: p.data_location.rawValue) : nil,
                            externalData: try entries(p.n_external_data, p.external_data, "\(label) external_data"),
                            docString: try optString(p.has_doc_string, p.doc_string, "\(label) doc_string"),
                            metadataProps: try entries(p.n_metadata_props, p.metadata_props, "\(label) metadata_props"),
                            unknownFields: unknown(p.base))
        if let s = p.segment {
            tensor.segment = (s.pointee.has_begin != 0 ? s.pointee.begin : nil, s.pointee.has_end != 0 ? s.pointee.end : nil)
            tensor.segmentUnknownFields = unknown(s.pointee.base)
        }
        return tensor
    }

    /// `raw_data` as tensor bytes: a view into the mapping when it is a scanner placeholder,
    /// otherwise a copy.
    func rawData(_ d: ProtobufCBinaryData) -> TensorBytes {
        guard d.len > 0, let ptr = d.data else { return .empty }
        let buffer = UnsafeRawBufferPointer(start: ptr, count: d.len)
        if let scanner, let region, let i = scanner.payloadIndex(of: buffer) {
            let payload = scanner.payloads[i]
            return .mapped(region, offset: payload.offset, count: payload.count)
        }
        return .owned(Array(buffer))
    }

    func sparseTensor(_ s: UnsafeMutablePointer<Onnx__SparseTensorProto>, what: String) throws -> SparseTensor {
        let p = s.pointee
        return SparseTensor(values: try p.values.map { try tensor($0, what: "\(what) sparse") },
                            indices: try p.indices.map { try tensor($0, what: "\(what) sparse") },
                            dims: array(p.n_dims, p.dims), unknownFields: unknown(p.base))
    }

    func typeInfo(_ t: UnsafeMutablePointer<Onnx__TypeProto>, depth: Int) throws -> TypeInfo {
        guard depth < 64 else { throw fail("type nested more than 64 levels deep") }
        let p = t.pointee
        var kind: TypeInfo.Kind? = nil
        switch p.value_case {
        case ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE:
            if let x = p.tensor_type { kind = .tensor(try tensorType(x.pointee.has_elem_type, x.pointee.elem_type, x.pointee.shape, x.pointee.base)) }
        case ONNX__TYPE_PROTO__VALUE_SPARSE_TENSOR_TYPE:
            if let x = p.sparse_tensor_type { kind = .sparseTensor(try tensorType(x.pointee.has_elem_type, x.pointee.elem_type, x.pointee.shape, x.pointee.base)) }
        case ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE:
            if let x = p.sequence_type { kind = .sequence(try x.pointee.elem_type.map { try typeInfo($0, depth: depth + 1) }, unknownFields: unknown(x.pointee.base)) }
        case ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE:
            if let x = p.optional_type { kind = .optional(try x.pointee.elem_type.map { try typeInfo($0, depth: depth + 1) }, unknownFields: unknown(x.pointee.base)) }
        case ONNX__TYPE_PROTO__VALUE_MAP_TYPE:
            if let x = p.map_type {
                kind = .map(key: x.pointee.has_key_type != 0 ? DataType(rawValue: x.pointee.key_type) : nil,
                            value: try x.pointee.value_type.map { try typeInfo($0, depth: depth + 1) }, unknownFields: unknown(x.pointee.base))
            }
        case ONNX__TYPE_PROTO__VALUE_OPAQUE_TYPE:
            if let x = p.opaque_type {
                kind = .opaque(domain: try optString(x.pointee.has_domain, x.pointee.domain, "opaque type domain"),
                               name: try optString(x.pointee.has_name, x.pointee.name, "opaque type name"), unknownFields: unknown(x.pointee.base))
            }
        default:
            kind = nil
        }
        var info = TypeInfo(kind: kind, denotation: try optString(p.has_denotation, p.denotation, "type denotation"))
        info.unknownFields = unknown(p.base)
        return info
    }

    private func tensorType(_ hasElem: protobuf_c_boolean, _ elem: Int32, _ shape: UnsafeMutablePointer<Onnx__TensorShapeProto>?,
                            _ base: ProtobufCMessage) throws -> TensorTypeInfo {
        var t = TensorTypeInfo(elementType: hasElem != 0 ? DataType(rawValue: elem) : nil, shape: try shape.map { try self.shape($0) })
        t.unknownFields = unknown(base)
        return t
    }

    private func shape(_ s: UnsafeMutablePointer<Onnx__TensorShapeProto>) throws -> Shape {
        let dims = try messages(s.pointee.n_dim, s.pointee.dim).map { d -> Dimension in
            let p = d.pointee
            var value: Dimension.Value? = nil
            if p.value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE { value = .value(p.dim_value) }
            if p.value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM { value = .param(try string(p.dim_param, "dim_param")) }
            var dim = Dimension(value, denotation: try optString(p.has_denotation, p.denotation, "dimension denotation"))
            dim.unknownFields = unknown(p.base)
            return dim
        }
        var shape = Shape(dims: dims)
        shape.unknownFields = unknown(s.pointee.base)
        return shape
    }
}
