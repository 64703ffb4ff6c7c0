/// Activation operators: registration (one file per operator beside this one).
enum ActivationOperators {
    static func register(_ r: OperatorRegistry) {
    }
}
