/// What one output column of a Redis signal holds, as declared in the manifest's field map.
///
/// Contract: `gauge` and `counter` become JSON numbers when the server's text is a finite
/// number (a trailing `%` is dropped) and stay text otherwise; `counter` marks a cumulative
/// value the server turns into a rate. `label` names the row and is sent as `tag_<column>`.
/// `text` is sent as a string. `flag` becomes a JSON boolean (`yes`/`no`, `on`/`off`,
/// `1`/`0`, `true`/`false`) and stays text when it is none of those.
public enum RedisFieldKind: String, CaseIterable, Sendable {
    case gauge, counter, label, text, flag
}
