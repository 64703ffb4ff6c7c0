/// Sequence operators: registration (one file per operator beside this one).
enum SequenceOperators {
    static func register(_ r: OperatorRegistry) {
    }
}
