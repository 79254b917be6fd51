import LogstagCore
import LogstagResources

extension SignalColumnKinds {
    /// The counter columns of every collector manifest embedded in this binary. A manifest that
    /// does not parse is a build defect caught by the collector tests; here it only loses its counters.
    public static let bundled: SignalColumnKinds = {
        BundledResources.paths(under: "collectors/").filter { $0.hasSuffix("/manifest.toml") }.reduce(SignalColumnKinds()) { kinds, path in
            guard let text = BundledResources.text(path), let parsed = try? SignalColumnKinds.parse(manifest: text) else { return kinds }
            return kinds.merging(parsed)
        }
    }()
}
