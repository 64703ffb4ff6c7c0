/// Elementwise operators: registration (one file per operator beside this one).
enum ElementwiseOperators {
    static func register(_ r: OperatorRegistry) {
    }
}
