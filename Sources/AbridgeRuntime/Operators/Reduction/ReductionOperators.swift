/// Reduction operators: registration (one file per operator beside this one).
enum ReductionOperators {
    static func register(_ r: OperatorRegistry) {
        r.register("ReduceSum", since: ReduceSumOp.sinceVersions, ReduceSumOp.make)
        r.register("ReduceMean", since: ReduceMeanOp.sinceVersions, ReduceMeanOp.make)
        r.register("ReduceMax", since: ReduceMaxOp.sinceVersions, ReduceMaxOp.make)
        r.register("ReduceMin", since: ReduceMinOp.sinceVersions, ReduceMinOp.make)
        r.register("ReduceProd", since: ReduceProdOp.sinceVersions, ReduceProdOp.make)
        r.register("ReduceL1", since: ReduceL1Op.sinceVersions, ReduceL1Op.make)
        r.register("ReduceL2", since: ReduceL2Op.sinceVersions, ReduceL2Op.make)
        r.register("ReduceLogSum", since: ReduceLogSumOp.sinceVersions, ReduceLogSumOp.make)
        r.register("ReduceLogSumExp", since: ReduceLogSumExpOp.sinceVersions, ReduceLogSumExpOp.make)
        r.register("ReduceSumSquare", since: ReduceSumSquareOp.sinceVersions, ReduceSumSquareOp.make)
        r.register("ArgMax", since: ArgMaxOp.sinceVersions, ArgMaxOp.make)
        r.register("ArgMin", since: ArgMinOp.sinceVersions, ArgMinOp.make)
        r.register("CumSum", since: CumSumOp.sinceVersions, CumSumOp.make)
        r.register("CumProd", since: CumProdOp.sinceVersions, CumProdOp.make)
        r.register("NegativeLogLikelihoodLoss", since: NegativeLogLikelihoodLossOp.sinceVersions, NegativeLogLikelihoodLossOp.make)
        r.register("SoftmaxCrossEntropyLoss", since: SoftmaxCrossEntropyLossOp.sinceVersions, SoftmaxCrossEntropyLossOp.make)
        r.register("TopK", since: TopKOp.sinceVersions, TopKOp.make)
    }
}
