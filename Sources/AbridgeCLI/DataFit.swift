import AbridgeRuntime

/// Names the data file when its samples do not fit the model's inputs.
enum DataFit {
    /// Runs `body`; a feed the runtime refuses becomes `<data> does not fit <model>: input ...`
    /// (exit 65).
    static func naming<R>(_ data: String?, model: String, _ body: () throws -> R) throws -> R {
        do { return try body() } catch RuntimeError.invalidFeed(let input, let reason) {
            guard let data else { throw RuntimeError.invalidFeed(input: input, reason: reason) }
            throw CLIError(status: .dataError, message: "\(data) does not fit \(model): input '\(input)': \(reason)")
        }
    }
}
