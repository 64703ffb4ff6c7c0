/// Image operators: registration (one file per operator beside this one).
enum ImageOperators {
    static func register(_ r: OperatorRegistry) {
    }
}
