/// Sequence and optional operators: registration (one file per operator beside this one).
enum SequenceOperators {
    static func register(_ r: OperatorRegistry) {
        r.register("SequenceConstruct", since: SequenceConstructOp.sinceVersions, SequenceConstructOp.make)
        r.register("SequenceEmpty", since: SequenceEmptyOp.sinceVersions, SequenceEmptyOp.make)
        r.register("SequenceAt", since: SequenceAtOp.sinceVersions, SequenceAtOp.make)
        r.register("SequenceInsert", since: SequenceInsertOp.sinceVersions, SequenceInsertOp.make)
        r.register("SequenceErase", since: SequenceEraseOp.sinceVersions, SequenceEraseOp.make)
        r.register("SequenceLength", since: SequenceLengthOp.sinceVersions, SequenceLengthOp.make)
        r.register("SplitToSequence", since: SplitToSequenceOp.sinceVersions, SplitToSequenceOp.make)
        r.register("ConcatFromSequence", since: ConcatFromSequenceOp.sinceVersions, ConcatFromSequenceOp.make)
        r.register("SequenceMap", since: SequenceMapKernel.sinceVersions) { try SequenceMapKernel(context: $0) }
        r.register("Optional", since: OptionalOp.sinceVersions, OptionalOp.make)
        r.register("OptionalHasElement", since: OptionalHasElementOp.sinceVersions, OptionalHasElementOp.make)
        r.register("OptionalGetElement", since: OptionalGetElementOp.sinceVersions, OptionalGetElementOp.make)
    }
}
