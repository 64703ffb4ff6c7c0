import AbridgeIR
import COnnxProto
import CProtobufC

extension ProtoEncoder {
    func graph(_ g: Graph) throws -> UnsafeMutablePointer<Onnx__GraphProto> {
        let p = arena.allocate(Onnx__GraphProto.self)
        onnx__graph_proto__init(p)
        let nodes = try g.nodes.map { try node($0) }
        p.pointee.n_node = nodes.count
        p.pointee.node = arena.pointers(nodes)
        (p.pointee.has_name, p.pointee.name) = opt(g.name)
        let inits = try g.initializers.compactMap { v -> UnsafeMutablePointer<Onnx__TensorProto>? in
            guard let t = v.initializer else { return nil }
            return try tensor(t, name: v.name)
        }
        p.pointee.n_initializer = inits.count
        p.pointee.initializer = arena.pointers(inits)
        let sparse = try g.sparseInitializers.compactMap { v -> UnsafeMutablePointer<Onnx__SparseTensorProto>? in
            guard let s = v.sparseInitializer else { return nil }
            return try sparseTensor(s, name: v.name)
        }
        p.pointee.n_sparse_initializer = sparse.count
        p.pointee.sparse_initializer = arena.pointers(sparse)
        (p.pointee.has_doc_string, p.pointee.doc_string) = opt(g.docString)
        let ins = try g.inputs.map { try valueInfo($0) }
        p.pointee.n_input = ins.count
        p.pointee.input = arena.pointers(ins)
        let outs = try g.outputs.map { try valueInfo($0) }
        p.pointee.n_output = outs.count
        p.pointee.output = arena.pointers(outs)
        let vis = try g.valueInfo.map { try valueInfo($0) }
        p.pointee.n_value_info = vis.count
        p.pointee.value_info = arena.pointers(vis)
        let anns = g.quantizationAnnotations.map { a -> UnsafeMutablePointer<Onnx__TensorAnnotation> in
            let ap = arena.allocate(Onnx__TensorAnnotation.self)
            onnx__tensor_annotation__init(ap)
            (ap.pointee.has_tensor_name, ap.pointee.tensor_name) = opt(a.tensorName)
            (ap.pointee.n_quant_parameter_tensor_names, ap.pointee.quant_parameter_tensor_names) = entries(a.quantParameterTensorNames)
            setUnknown(&ap.pointee.base, a.unknownFields)
            return ap
        }
        p.pointee.n_quantization_annotation = anns.count
        p.pointee.quantization_annotation = arena.pointers(anns)
        (p.pointee.n_metadata_props, p.pointee.metadata_props) = entries(g.metadataProps)
        setUnknown(&p.pointee.base, g.unknownFields)
        return p
    }

    func valueInfo(_ v: Value) throws -> UnsafeMutablePointer<Onnx__ValueInfoProto> {
        let p = arena.allocate(Onnx__ValueInfoProto.self)
        onnx__value_info_proto__init(p)
        p.pointee.has_name = 1
        p.pointee.name = arena.binary(v.name)
        p.pointee.type = v.type.map { typeInfo($0) }
        (p.pointee.has_doc_string, p.pointee.doc_string) = opt(v.docString)
        (p.pointee.n_metadata_props, p.pointee.metadata_props) = entries(v.metadataProps)
        setUnknown(&p.pointee.base, v.valueInfoUnknownFields)
        return p
    }

    func node(_ n: Node) throws -> UnsafeMutablePointer<Onnx__NodeProto> {
        let p = arena.allocate(Onnx__NodeProto.self)
        onnx__node_proto__init(p)
        (p.pointee.n_input, p.pointee.input) = strings(n.inputs.map { $0?.name ?? "" })
        (p.pointee.n_output, p.pointee.output) = strings(n.outputs.map(\.name))
        (p.pointee.has_name, p.pointee.name) = opt(n.name)
        (p.pointee.has_op_type, p.pointee.op_type) = opt(n.opType)
        (p.pointee.has_domain, p.pointee.domain) = opt(n.domain)
        (p.pointee.has_overload, p.pointee.overload) = opt(n.overload)
        let attrs = try n.attributes.map { try attribute($0) }
        p.pointee.n_attribute = attrs.count
        p.pointee.attribute = arena.pointers(attrs)
        (p.pointee.has_doc_string, p.pointee.doc_string) = opt(n.docString)
        (p.pointee.n_metadata_props, p.pointee.metadata_props) = entries(n.metadataProps)
        let devs = try n.deviceConfigurations.map { try opaque($0, unpack: onnx__node_device_configuration_proto__unpack, what: "device_configurations of \(n.label)") }
        p.pointee.n_device_configurations = devs.count
        p.pointee.device_configurations = arena.pointers(devs)
        setUnknown(&p.pointee.base, n.unknownFields)
        return p
    }

    func attribute(_ a: Attribute) throws -> UnsafeMutablePointer<Onnx__AttributeProto> {
        let p = arena.allocate(Onnx__AttributeProto.self)
        onnx__attribute_proto__init(p)
        (p.pointee.has_name, p.pointee.name) = opt(a.name)
        (p.pointee.has_ref_attr_name, p.pointee.ref_attr_name) = opt(a.refAttributeName)
        (p.pointee.has_doc_string, p.pointee.doc_string) = opt(a.docString)
        if let t = a.type { p.pointee.has_type = 1; p.pointee.type = Onnx__AttributeProto__AttributeType(rawValue: UInt32(bitPattern: t.rawValue)) }
        switch a.value {
        case .float(let v): p.pointee.has_f = 1; p.pointee.f = v
        case .int(let v): p.pointee.has_i = 1; p.pointee.i = v
        case .string(let v): p.pointee.has_s = 1; p.pointee.s = arena.binary(v)
        case .tensor(let t): p.pointee.t = try tensor(t, name: t.name)
        case .graph(let g): p.pointee.g = try graph(g)
        case .sparseTensor(let s): p.pointee.sparse_tensor = try sparseTensor(s, name: s.values?.name)
        case .typeProto(let t): p.pointee.tp = typeInfo(t)
        case .floats(let v): p.pointee.n_floats = v.count; p.pointee.floats = arena.array(v)
        case .ints(let v): p.pointee.n_ints = v.count; p.pointee.ints = arena.array(v)
        case .strings(let v): p.pointee.n_strings = v.count; p.pointee.strings = arena.array(v.map { arena.binary($0) })
        case .tensors(let ts):
            let items = try ts.map { try tensor($0, name: $0.name) }
            p.pointee.n_tensors = items.count; p.pointee.tensors = arena.pointers(items)
        case .graphs(let gs):
            let items = try gs.map { try graph($0) }
            p.pointee.n_graphs = items.count; p.pointee.graphs = arena.pointers(items)
        case .sparseTensors(let ss):
            let items = try ss.map { try sparseTensor($0, name: $0.values?.name) }
            p.pointee.n_sparse_tensors = items.count; p.pointee.sparse_tensors = arena.pointers(items)
        case .typeProtos(let ts):
            let items = ts.map { typeInfo($0) }
            p.pointee.n_type_protos = items.count; p.pointee.type_protos = arena.pointers(items)
        case .none: break
        }
        setUnknown(&p.pointee.base, a.unknownFields)
        return p
    }
}
