import Logging

extension AgentLogLevel {
    /// The swift-log level this configuration value stands for (`warn` is `.warning`).
    public var loggerLevel: Logger.Level {
        switch self {
        case .error: .error
        case .warn: .warning
        case .info: .info
        case .debug: .debug
        case .trace: .trace
        }
    }
}
