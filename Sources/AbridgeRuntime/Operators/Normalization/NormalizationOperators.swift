/// Normalization operators: registration (one file per operator beside this one).
enum NormalizationOperators {
    static func register(_ r: OperatorRegistry) {
        r.register("BatchNormalization", since: BatchNormalization.sinceVersions) { try BatchNormalization($0) }
        r.register("LayerNormalization", since: LayerNormalization.sinceVersions) { try LayerNormalization($0) }
        r.register("InstanceNormalization", since: InstanceNormalization.sinceVersions) { try InstanceNormalization($0) }
        r.register("GroupNormalization", since: GroupNormalization.sinceVersions) { try GroupNormalization($0) }
        r.register("LRN", since: LRN.sinceVersions) { try LRN($0) }
        r.register("MeanVarianceNormalization", since: MeanVarianceNormalization.sinceVersions) { try MeanVarianceNormalization($0) }
        r.register("LpNormalization", since: LpNormalization.sinceVersions) { try LpNormalization($0) }
    }
}
