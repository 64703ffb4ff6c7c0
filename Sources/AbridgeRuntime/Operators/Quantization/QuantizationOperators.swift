/// Quantization operators: registration (one file per operator beside this one).
enum QuantizationOperators {
    static func register(_ r: OperatorRegistry) {
        r.register("QuantizeLinear", since: QuantizeLinear.sinceVersions) { try QuantizeLinear($0) }
        r.register("DequantizeLinear", since: DequantizeLinear.sinceVersions) { try DequantizeLinear($0) }
        r.register("DynamicQuantizeLinear", since: DynamicQuantizeLinear.sinceVersions, DynamicQuantizeLinear.make)
        r.register("MatMulInteger", since: MatMulInteger.sinceVersions) { MatMulInteger($0) }
        r.register("ConvInteger", since: ConvInteger.sinceVersions) { try ConvInteger($0) }
        r.register("QLinearMatMul", since: QLinearMatMul.sinceVersions) { QLinearMatMul($0) }
        r.register("QLinearConv", since: QLinearConv.sinceVersions) { try QLinearConv($0) }
    }
}
