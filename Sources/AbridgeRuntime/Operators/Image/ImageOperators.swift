/// Image operators: registration (one file per operator beside this one).
enum ImageOperators {
    static func register(_ r: OperatorRegistry) {
        r.register("Resize", since: Resize.sinceVersions) { try Resize($0) }
        r.register("Upsample", since: Upsample.sinceVersions) { try Upsample($0) }
    }
}
