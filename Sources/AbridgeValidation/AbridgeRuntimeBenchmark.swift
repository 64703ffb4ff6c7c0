import AbridgeKernels
import AbridgeRuntime
import Dispatch

/// Times a session of Abridge's reference runtime: warm-up, then `plan.runs` batch-1 runs
/// (latency) and `plan.throughputRuns` runs at the plan's batch (throughput), each timed with
/// the monotonic clock (`DispatchTime`). Energy is read from RAPL around the latency runs when a
/// meter is given.
public struct AbridgeRuntimeBenchmark {
    public let plan: TimingPlan

    public init(plan: TimingPlan) { self.plan = plan }

    /// Threads the runtime's kernels and OpenBLAS use now.
    public static var threads: Int { KernelThreads.count }

    /// Measures one model.
    /// - Parameters:
    ///   - single: a batch-1 feed; batch: a feed of `plan.batch` samples.
    ///   - meter: RAPL counters, or nil when unavailable (`unavailableReason` is then reported).
    ///   - progress: called after each timed run with (done, total).
    /// - Throws: the runtime's errors.
    public func measure(_ session: InferenceSession, single: [String: RuntimeValue], batch: [String: RuntimeValue],
                        meter: RAPLEnergyMeter?, unavailableReason: String,
                        progress: (Int, Int) -> Void) throws -> ModelTiming {
        let total = plan.runs + plan.throughputRuns
        for _ in 0..<plan.warmupRuns { _ = try session.run(single) }
        var latency: [Double] = []
        var joules: MetricValue = .undefined(unavailableReason)
        var before: [UInt64]? = nil
        if let meter { before = try? meter.read() }
        for i in 0..<plan.runs {
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = try session.run(single)
            latency.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
            progress(i + 1, total)
        }
        if let meter, let before, plan.runs > 0 {
            if let after = try? meter.read() {
                joules = MetricValue(meter.joules(from: before, to: after) / Double(plan.runs))
            } else {
                joules = .undefined("the RAPL counters could not be read after the runs")
            }
        } else if plan.runs == 0 {
            joules = .undefined("no timed runs")
        }
        for _ in 0..<Swift.min(1, plan.warmupRuns) { _ = try session.run(batch) }
        var throughput: [Double] = []
        for i in 0..<plan.throughputRuns {
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = try session.run(batch)
            throughput.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
            progress(plan.runs + i + 1, total)
        }
        return ModelTiming(latencySeconds: latency, batch: plan.batch, throughputSeconds: throughput, joulesPerInference: joules)
    }
}
