/// One numbered choice of a menu.
///
/// Contract: `key` is an identifier a person may type instead of the number (matched without
/// regard to case, e.g. `postgresql`); `note` is shown after the label; an option with a
/// `refusal` is listed but not accepted: choosing it prints the refusal and asks again.
struct MenuOption<Value> {
    let value: Value
    let label: String
    let key: String?
    let note: String?
    let refusal: String?

    init(_ value: Value, label: String, key: String? = nil, note: String? = nil, refusal: String? = nil) {
        self.value = value
        self.label = label
        self.key = key
        self.note = note
        self.refusal = refusal
    }
}
