import AbridgeIR
import AbridgeRuntime

/// Weights that are constant but not initializers, as old exporters wrote them: the output of a
/// `Constant` node, or of a `ConstantOfShape` whose shape is an initializer or a `Constant`
/// (the onnx light models). Such a weight is materialized only when it is quantized.
enum ConstantWeights {
    /// The float value of `v` when it is a dense or sparse initializer or one of the constant
    /// forms above; nil otherwise.
    static func value(of v: Value) throws -> RuntimeTensor? {
        if let t = v.initializer { return try TensorConversion.runtimeTensor(from: t) }
        if let s = v.sparseInitializer { return try TensorConversion.densify(s) }
        guard let p = v.producer, p.normalizedDomain.isEmpty, p.outputs.count == 1 else { return nil }
        switch p.opType {
        case "Constant":
            guard let t = p.attribute("value")?.tensor else { return nil }
            return try TensorConversion.runtimeTensor(from: t)
        case "ConstantOfShape":
            guard let shapeValue = p.inputs.first ?? nil, let shapeTensor = try value(of: shapeValue) else { return nil }
            let dims = try shapeTensor.int64Values().map { Int(clamping: $0) }
            guard dims.allSatisfy({ $0 >= 0 }), let count = Checked(dims) else { return nil }
            var fill: Float = 0
            if let t = p.attribute("value")?.tensor {
                let r = try TensorConversion.runtimeTensor(from: t)
                guard r.dataType == .float, r.count == 1 else { return nil }
                fill = r.elements(as: Float.self)[0]
            }
            return RuntimeTensor(floats: [Float](repeating: fill, count: count), shape: dims)
        default:
            return nil
        }
    }

    /// The shape of `v` when `value(of:)` would give a float tensor, without materializing it.
    static func floatShape(of v: Value) -> [Int]? {
        if let t = v.initializer { return t.elementType == .float ? t.dims.map { Int(clamping: $0) } : nil }
        if let s = v.sparseInitializer { return s.values?.elementType == .float ? s.dims.map { Int(clamping: $0) } : nil }
        guard let p = v.producer, p.normalizedDomain.isEmpty, p.outputs.count == 1 else { return nil }
        switch p.opType {
        case "Constant":
            guard let t = p.attribute("value")?.tensor, t.elementType == .float else { return nil }
            return t.dims.map { Int(clamping: $0) }
        case "ConstantOfShape":
            if let t = p.attribute("value")?.tensor, t.elementType != .float { return nil }
            guard let s = p.inputs.first ?? nil, let r = try? value(of: s), let dims = try? r.int64Values() else { return nil }
            return dims.map { Int(clamping: $0) }
        default:
            return nil
        }
    }

    private static func Checked(_ dims: [Int]) -> Int? {
        var n = 1
        for d in dims {
            let (r, o) = n.multipliedReportingOverflow(by: d)
            if o || r > (1 << 31) { return nil }
            n = r
        }
        return n
    }
}
