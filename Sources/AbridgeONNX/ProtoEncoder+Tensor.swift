import AbridgeIR
import COnnxProto
import CProtobufC

/// Where a tensor's data go when a model is written.
enum TensorPlacement {
    /// In the model file, in the representation the tensor holds (`raw_data` or a typed field).
    case inline
    /// In an external data file at `offset`, `length` bytes.
    case external(location: String, offset: Int, length: Int)
}

extension ProtoEncoder {
    func tensor(_ t: Tensor, name: String?) throws -> UnsafeMutablePointer<Onnx__TensorProto> {
        let p = arena.allocate(Onnx__TensorProto.self)
        onnx__tensor_proto__init(p)
        p.pointee.n_dims = t.dims.count
        p.pointee.dims = arena.array(t.dims)
        if let d = t.dataType { p.pointee.has_data_type = 1; p.pointee.data_type = d.rawValue }
        if let s = t.segment {
            let sp = arena.allocate(Onnx__TensorProto__Segment.self)
            onnx__tensor_proto__segment__init(sp)
            if let b = s.begin { sp.pointee.has_begin = 1; sp.pointee.begin = b }
            if let e = s.end { sp.pointee.has_end = 1; sp.pointee.end = e }
            setUnknown(&sp.pointee.base, t.segmentUnknownFields)
            p.pointee.segment = sp
        }
        (p.pointee.has_name, p.pointee.name) = opt(name)
        (p.pointee.has_doc_string, p.pointee.doc_string) = opt(t.docString)
        (p.pointee.n_metadata_props, p.pointee.metadata_props) = entries(t.metadataProps)
        switch try placement(t) {
        case .external(let location, let offset, let length):
            p.pointee.has_data_location = 1
            p.pointee.data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL
            var list = [StringStringEntry(key: "location", value: location),
                        StringStringEntry(key: "offset", value: String(offset)),
                        StringStringEntry(key: "length", value: String(length))]
            if offset == 0 && length == 0 { list = [list[0]] }
            (p.pointee.n_external_data, p.pointee.external_data) = entries(list)
        case .inline:
            // Data from an external file go inline now (as onnx.load + onnx.save do): the
            // location fields are dropped. Other tensors keep data_location as they had it.
            if t.usesExternalData {
                if case .none = t.content {
                    throw ONNXError.invalidExternalData(path: "<model>", tensor: name ?? "", reason: "data were not loaded")
                }
            } else {
                if let loc = t.dataLocation { p.pointee.has_data_location = 1; p.pointee.data_location = Onnx__TensorProto__DataLocation(rawValue: UInt32(bitPattern: loc)) }
                (p.pointee.n_external_data, p.pointee.external_data) = entries(t.externalData)
            }
            setContent(p, t.content)
        }
        setUnknown(&p.pointee.base, t.unknownFields)
        return p
    }

    private func setContent(_ p: UnsafeMutablePointer<Onnx__TensorProto>, _ content: TensorContent) {
        switch content {
        case .none: break
        case .raw(let bytes):
            p.pointee.has_raw_data = 1
            switch bytes {
            case .mapped:
                retainer.items.append(bytes)
                p.pointee.raw_data = bytes.withUnsafeBytes { arena.borrowed($0) }
            case .owned(let a):
                p.pointee.raw_data = arena.binary(a)
            }
        case .floatData(let a): p.pointee.n_float_data = a.count; p.pointee.float_data = arena.array(a)
        case .int32Data(let a): p.pointee.n_int32_data = a.count; p.pointee.int32_data = arena.array(a)
        case .int64Data(let a): p.pointee.n_int64_data = a.count; p.pointee.int64_data = arena.array(a)
        case .doubleData(let a): p.pointee.n_double_data = a.count; p.pointee.double_data = arena.array(a)
        case .uint64Data(let a): p.pointee.n_uint64_data = a.count; p.pointee.uint64_data = arena.array(a)
        case .stringData(let a): p.pointee.n_string_data = a.count; p.pointee.string_data = arena.array(a.map { arena.binary($0) })
        }
    }

    func sparseTensor(_ s: SparseTensor, name: String?) throws -> UnsafeMutablePointer<Onnx__SparseTensorProto> {
        let p = arena.allocate(Onnx__SparseTensorProto.self)
        onnx__sparse_tensor_proto__init(p)
        p.pointee.values = try s.values.map { try tensor($0, name: name ?? $0.name) }
        p.pointee.indices = try s.indices.map { try tensor($0, name: $0.name) }
        p.pointee.n_dims = s.dims.count
        p.pointee.dims = arena.array(s.dims)
        setUnknown(&p.pointee.base, s.unknownFields)
        return p
    }

    func typeInfo(_ t: TypeInfo) -> UnsafeMutablePointer<Onnx__TypeProto> {
        let p = arena.allocate(Onnx__TypeProto.self)
        onnx__type_proto__init(p)
        (p.pointee.has_denotation, p.pointee.denotation) = opt(t.denotation)
        switch t.kind {
        case .tensor(let tt)?:
            let x = arena.allocate(Onnx__TypeProto__Tensor.self)
            onnx__type_proto__tensor__init(x)
            if let e = tt.elementType { x.pointee.has_elem_type = 1; x.pointee.elem_type = e.rawValue }
            x.pointee.shape = tt.shape.map { shape($0) }
            setUnknown(&x.pointee.base, tt.unknownFields)
            p.pointee.value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE
            p.pointee.tensor_type = x
        case .sparseTensor(let tt)?:
            let x = arena.allocate(Onnx__TypeProto__SparseTensor.self)
            onnx__type_proto__sparse_tensor__init(x)
            if let e = tt.elementType { x.pointee.has_elem_type = 1; x.pointee.elem_type = e.rawValue }
            x.pointee.shape = tt.shape.map { shape($0) }
            setUnknown(&x.pointee.base, tt.unknownFields)
            p.pointee.value_case = ONNX__TYPE_PROTO__VALUE_SPARSE_TENSOR_TYPE
            p.pointee.sparse_tensor_type = x
        case .sequence(let e, let unknown)?:
            let x = arena.allocate(Onnx__TypeProto__Sequence.self)
            onnx__type_proto__sequence__init(x)
            x.pointee.elem_type = e.map { typeInfo($0) }
            setUnknown(&x.pointee.base, unknown)
            p.pointee.value_case = ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE
            p.pointee.sequence_type = x
        case .optional(let e, let unknown)?:
            let x = arena.allocate(Onnx__TypeProto__Optional.self)
            onnx__type_proto__optional__init(x)
            x.pointee.elem_type = e.map { typeInfo($0) }
            setUnknown(&x.pointee.base, unknown)
            p.pointee.value_case = ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE
            p.pointee.optional_type = x
        case .map(let key, let value, let unknown)?:
            let x = arena.allocate(Onnx__TypeProto__Map.self)
            onnx__type_proto__map__init(x)
            if let k = key { x.pointee.has_key_type = 1; x.pointee.key_type = k.rawValue }
            x.pointee.value_type = value.map { typeInfo($0) }
            setUnknown(&x.pointee.base, unknown)
            p.pointee.value_case = ONNX__TYPE_PROTO__VALUE_MAP_TYPE
            p.pointee.map_type = x
        case .opaque(let domain, let name, let unknown)?:
            let x = arena.allocate(Onnx__TypeProto__Opaque.self)
            onnx__type_proto__opaque__init(x)
            (x.pointee.has_domain, x.pointee.domain) = opt(domain)
            (x.pointee.has_name, x.pointee.name) = opt(name)
            setUnknown(&x.pointee.base, unknown)
            p.pointee.value_case = ONNX__TYPE_PROTO__VALUE_OPAQUE_TYPE
            p.pointee.opaque_type = x
        case nil: break
        }
        setUnknown(&p.pointee.base, t.unknownFields)
        return p
    }

    func shape(_ s: Shape) -> UnsafeMutablePointer<Onnx__TensorShapeProto> {
        let p = arena.allocate(Onnx__TensorShapeProto.self)
        onnx__tensor_shape_proto__init(p)
        let dims = s.dims.map { d -> UnsafeMutablePointer<Onnx__TensorShapeProto__Dimension> in
            let dp = arena.allocate(Onnx__TensorShapeProto__Dimension.self)
            onnx__tensor_shape_proto__dimension__init(dp)
            (dp.pointee.has_denotation, dp.pointee.denotation) = opt(d.denotation)
            switch d.value {
            case .value(let v)?: dp.pointee.value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE; dp.pointee.dim_value = v
            case .param(let s)?: dp.pointee.value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM; dp.pointee.dim_param = arena.binary(s)
            case nil: break
            }
            setUnknown(&dp.pointee.base, d.unknownFields)
            return dp
        }
        p.pointee.n_dim = dims.count
        p.pointee.dim = arena.pointers(dims)
        setUnknown(&p.pointee.base, s.unknownFields)
        return p
    }
}
