/// Normalization operators: registration (one file per operator beside this one).
enum NormalizationOperators {
    static func register(_ r: OperatorRegistry) {
    }
}
