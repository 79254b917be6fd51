import LogstagCore

/// Step 2 of the install-command flow: pick an existing asset or create one.
///
/// Contract: lists the organisation's assets a page at a time (`pageSize`), numbered; the
/// answer is a number from the list, `new` (create one), `>`/`<` (next/previous page), `*`
/// (clear the search) or any other text, which searches names and servers through the API.
/// A wrong number or a page past the end is explained and asked again. With no asset at all
/// it goes straight to creating one.
struct AssetPicker {
    static let pageSize = 20

    let prompter: Prompter
    let session: SignedIn

    enum Answer: Equatable {
        case pick(Int)
        case create
        case page(Int)
        case search(String?)
    }

    func pickOrCreate(creator: AssetCreator) throws(SetupStop) -> AssetResource {
        var search: String?
        var page = 1
        while true {
            let current = search, number = page
            let result = try session.call { client throws(SetupAPIError) in
                try client.assets(search: current, page: number, perPage: Self.pageSize)
            }
            if result.total == 0 && search == nil {
                prompter.say("There are no assets in \(session.organizationName) yet; let's create the first one.")
                return try creator.create()
            }
            showList(result, search: search)
            let answer = try prompter.ask("Asset") { text throws(AnswerProblem) in
                try Self.interpret(text, itemCount: result.items.count, page: result.page, pages: result.pages)
            }
            switch answer {
            case .pick(let index):
                let asset = result.items[index]
                prompter.say("Selected \"\(asset.name)\" (\(asset.engineKind?.displayName ?? asset.engine), \(asset.environment)).")
                if let engine = asset.engineKind, !SetupMenus.enginesWithCollectors.contains(engine) {
                    prompter.say("  Note: the agent does not collect from \(engine.displayName) yet; it enrols, and collection starts once its collectors ship.")
                }
                return asset
            case .create:
                return try creator.create()
            case .page(let newPage):
                page = newPage
            case .search(let text):
                search = text
                page = 1
            }
        }
    }

    private func showList(_ result: AssetPageResource, search: String?) {
        prompter.say()
        if let search {
            prompter.say(result.total == 0 ? "No asset matches \"\(search)\"." : "Assets matching \"\(search)\" (\(result.total)):")
        } else {
            prompter.say("Assets in \(session.organizationName) (\(result.total)):")
        }
        let width = result.items.map(\.name.count).max() ?? 0
        for (index, asset) in result.items.enumerated() {
            let engine = asset.engineKind?.displayName ?? asset.engine
            let name = asset.name.padding(toLength: max(width, asset.name.count), withPad: " ", startingAt: 0)
            prompter.say("  \(index + 1)) \(name)  \(engine), \(asset.environment), \(asset.status)")
        }
        var hints: [String] = []
        if !result.items.isEmpty { hints.append("a number to pick an asset") }
        hints.append("new to create one")
        if result.page < result.pages { hints.append("> for the next page") }
        if result.page > 1 { hints.append("< for the previous page") }
        if search != nil { hints.append("* to list all") }
        hints.append("other text to search by name")
        if result.pages > 1 { prompter.say("  (page \(result.page) of \(result.pages))") }
        prompter.say("Type " + hints.joined(separator: ", ") + ".")
    }

    /// What a typed answer means in the list shown.
    static func interpret(_ text: String, itemCount: Int, page: Int, pages: Int) throws(AnswerProblem) -> Answer {
        switch text.lowercased() {
        case "":
            throw AnswerProblem("Type a number from the list, new, or text to search.")
        case "new", "n", "create":
            return .create
        case ">":
            guard page < pages else { throw AnswerProblem("This is the last page.") }
            return .page(page + 1)
        case "<":
            guard page > 1 else { throw AnswerProblem("This is the first page.") }
            return .page(page - 1)
        case "*":
            return .search(nil)
        default:
            if let number = Int(text) {
                guard itemCount > 0 else { throw AnswerProblem("The list is empty; type new to create an asset, or other text to search.") }
                guard (1...itemCount).contains(number) else {
                    throw AnswerProblem("\(number) is not in the list; type a number from 1 to \(itemCount).")
                }
                return .pick(number - 1)
            }
            return .search(text)
        }
    }
}
