/// Quantization operators: registration (one file per operator beside this one).
enum QuantizationOperators {
    static func register(_ r: OperatorRegistry) {
    }
}
