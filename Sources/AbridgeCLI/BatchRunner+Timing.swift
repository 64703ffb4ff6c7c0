import AbridgeRuntime
import Foundation

/// Benchmark timing of `abridge run --repeat` (see `scripts/bench/runtime_benchmark.py`).
struct RunTiming {
    /// Wall seconds of each timed run of the whole data set (session runs only).
    let seconds: [Double]
    /// Outputs of the last run, as `BatchRunner.runAll` returns them.
    let results: [(name: String, value: RuntimeValue)]
    /// Session runs per timed run (1 for a stacked batch, else the sample count).
    let sessionRuns: Int
    let batched: Bool

    /// Writes `{"runs_s": [...], "session_runs": n, "batched": b, "threads": t}`.
    func writeJSON(to path: String, threads: Int?) throws {
        var object: [String: Any] = ["runs_s": seconds, "session_runs": sessionRuns, "batched": batched]
        if let threads { object["threads"] = threads }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        try data.write(to: URL(fileURLWithPath: path))
    }
}

extension BatchRunner {
    /// Builds the feeds once, runs the data set `warmup` times untimed and `count` times timed.
    /// A run is one session run on the stacked batch when the model accepts it, otherwise one
    /// session run per sample (as `runAll`). Times are monotonic-clock wall seconds.
    func timedRuns(_ count: Int, warmup: Int) throws -> RunTiming {
        let n = data.count
        let batched = n == 0 || (data.isBatchable && acceptsBatch(n))
        let feeds: [[String: RuntimeValue]]
        if n == 0 { feeds = [[:]] } else if batched { feeds = [try data.feed(0..<n)] } else {
            feeds = try (0..<n).map { try data.feed($0..<($0 + 1)) }
        }
        var seconds: [Double] = []
        seconds.reserveCapacity(count)
        for _ in 0..<warmup { for f in feeds { _ = try session.run(f) } }
        for _ in 0..<count {
            let start = DispatchTime.now().uptimeNanoseconds
            for f in feeds { _ = try session.run(f) }
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }
        return RunTiming(seconds: seconds, results: try runAll(), sessionRuns: feeds.count, batched: batched)
    }
}
