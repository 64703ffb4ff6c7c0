/// Reduction operators: registration (one file per operator beside this one).
enum ReductionOperators {
    static func register(_ r: OperatorRegistry) {
    }
}
