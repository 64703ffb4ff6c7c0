import ArgumentParser

/// Options every command shares.
public struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Worker threads for our runtime and the BLAS (default: all cores).")
    public var threads: Int?

    @Flag(name: .shortAndLong, help: "Print only results and errors.")
    public var quiet = false

    @Flag(name: .shortAndLong, help: "Print more detail about each step.")
    public var verbose = false

    public init() {}

    public func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if quiet && verbose { throw ValidationError("--quiet and --verbose cannot be used together") }
    }

    var console: Console { Console(quiet: quiet, verbose: verbose) }
}

/// Runs a command body, turning any error into one message and the exit status of the table.
func runReportingErrors(_ console: Console, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as ExitCode {
        throw e
    } catch {
        console.error(String(describing: error))
        throw ExitCode(ErrorReport.status(for: error).rawValue)
    }
}
