/// Tensor operators: registration (one file per operator beside this one).
enum TensorOperators {
    static func register(_ r: OperatorRegistry) {
    }
}
