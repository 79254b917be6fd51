import Foundation
import ServiceLifecycle

/// The background task that drives health checks while the server runs: the runner every
/// `tickInterval`, the scheduler every `scheduleInterval`.
struct HealthLifecycleService: Service {
    let services: AppServices
    var tickInterval: Duration = .seconds(1)
    var scheduleInterval: Duration = .seconds(60)

    func run() async throws {
        let runner = HealthRunner(services: services)
        let scheduler = HealthScheduler(services: services)
        var lastSchedule: ContinuousClock.Instant?
        while !Task.isCancelled {
            if lastSchedule.map({ ContinuousClock.now - $0 >= scheduleInterval }) ?? true {
                scheduler.tick()
                lastSchedule = .now
            }
            runner.tick()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: tickInterval) }
            if Task.isShuttingDownGracefully { return }
        }
    }
}
