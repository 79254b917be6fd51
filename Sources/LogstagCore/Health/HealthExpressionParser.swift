/// Pratt parser from tokens to a `HealthExpression`.
///
/// Contract: precedence, lowest first: `or`; `and`; `not`; `== != < <= > >=`; `||`; `+ -`;
/// `* / %`; unary `-`. Binary operators are left-associative. Function names, argument counts
/// and the literal arguments of signal functions are checked here, and every error names the
/// position and the offending token.
struct HealthExpressionParser {
    private let tokens: [HealthExpressionToken]
    private let bindsValue: Bool
    private var index = 0

    /// `not` binds looser than comparisons: `not a == b` is `not (a == b)`.
    private static let notOperandPower = 25
    /// Unary minus binds tighter than every binary operator.
    private static let negateOperandPower = 70

    init(_ text: String, bindsValue: Bool) throws(HealthExpressionError) {
        tokens = try HealthExpressionLexer.tokens(text)
        self.bindsValue = bindsValue
    }

    mutating func parseAll() throws(HealthExpressionError) -> HealthExpression {
        if case .end = current.kind { throw error(at: current, "the expression is empty") }
        let expression = try parseExpression(minimumPower: 0)
        guard case .end = current.kind else { throw error(at: current, "expected an operator or the end of the expression") }
        return expression
    }

    private var current: HealthExpressionToken { tokens[index] }

    private func error(at token: HealthExpressionToken, _ message: String) -> HealthExpressionError {
        HealthExpressionError(position: token.position, token: token.text, message: message)
    }

    private mutating func parseExpression(minimumPower: Int) throws(HealthExpressionError) -> HealthExpression {
        var left = try parsePrefix()
        while let op = Self.infixOperator(current), op.bindingPower > minimumPower {
            index += 1
            let right = try parseExpression(minimumPower: op.bindingPower)
            left = .binary(op, left, right)
        }
        return left
    }

    private static func infixOperator(_ token: HealthExpressionToken) -> HealthBinaryOperator? {
        switch token.kind {
        case .keyword("and"): .and
        case .keyword("or"): .or
        case .symbol(let symbol): HealthBinaryOperator(rawValue: symbol)
        default: nil
        }
    }

    private mutating func parsePrefix() throws(HealthExpressionError) -> HealthExpression {
        let token = current
        switch token.kind {
        case .number(let number):
            index += 1
            return .literal(.number(number))
        case .string(let text):
            index += 1
            return .literal(.string(text))
        case .keyword("true"):
            index += 1
            return .literal(.bool(true))
        case .keyword("false"):
            index += 1
            return .literal(.bool(false))
        case .keyword("null"):
            index += 1
            return .literal(.null)
        case .keyword("not"):
            index += 1
            return .not(try parseExpression(minimumPower: Self.notOperandPower))
        case .symbol("-"):
            index += 1
            let operand = try parseExpression(minimumPower: Self.negateOperandPower)
            if case .literal(.number(let number)) = operand { return .literal(.number(-number)) }
            return .negate(operand)
        case .symbol("("):
            index += 1
            let inner = try parseExpression(minimumPower: 0)
            try expect(")", "expected \")\"")
            return inner
        case .name(let name):
            index += 1
            if case .symbol("(") = current.kind {
                index += 1
                return try parseCall(name, token)
            }
            if bindsValue, name == "value" { return .measured }
            return .column(name)
        case .end:
            throw error(at: token, "expected a value, a name or \"(\"")
        default:
            throw error(at: token, "expected a value, a name or \"(\"")
        }
    }

    private mutating func expect(_ symbol: String, _ message: String) throws(HealthExpressionError) {
        guard case .symbol(symbol) = current.kind else { throw error(at: current, message) }
        index += 1
    }

    /// Arguments after `name(`, with their tokens for messages.
    private mutating func parseArguments() throws(HealthExpressionError) -> [(HealthExpression, HealthExpressionToken)] {
        var arguments: [(HealthExpression, HealthExpressionToken)] = []
        if case .symbol(")") = current.kind {
            index += 1
            return arguments
        }
        while true {
            let start = current
            arguments.append((try parseExpression(minimumPower: 0), start))
            if case .symbol(",") = current.kind {
                index += 1
                continue
            }
            try expect(")", "expected \",\" or \")\" after a function argument")
            return arguments
        }
    }

    private mutating func parseCall(_ name: String, _ nameToken: HealthExpressionToken) throws(HealthExpressionError) -> HealthExpression {
        let arguments = try parseArguments()
        func count(_ range: ClosedRange<Int>) throws(HealthExpressionError) {
            guard range.contains(arguments.count) else {
                let wanted = range.upperBound == Int.max ? "at least \(range.lowerBound)" : range.count == 1 ? "\(range.lowerBound)" : "\(range.lowerBound) or \(range.upperBound)"
                throw error(at: nameToken, "\(name) takes \(wanted) argument\(range.lowerBound == 1 && range.count == 1 ? "" : "s"), not \(arguments.count)")
            }
        }
        func text(_ position: Int, _ what: String) throws(HealthExpressionError) -> String {
            guard case .literal(.string(let value)) = arguments[position].0 else {
                throw error(at: arguments[position].1, "argument \(position + 1) of \(name) must be the \(what) as text in single quotes")
            }
            return value
        }
        func column(_ position: Int) throws(HealthExpressionError) -> String {
            switch arguments[position].0 {
            case .column(let column): return column
            case .literal(.string(let column)): return column
            case .measured: return "value"
            default: throw error(at: arguments[position].1, "argument \(position + 1) of \(name) must be a column name")
            }
        }
        switch name {
        case "delta":
            try count(1...1)
            return .delta(column: try column(0))
        case "rate":
            try count(1...1)
            return .rate(column: try column(0))
        case "first":
            try count(2...2)
            return .first(signal: try text(0, "signal name"), column: try text(1, "column name"))
        case "lookup":
            try count(4...4)
            return .lookup(signal: try text(0, "signal name"), matchColumn: try text(1, "column name"), match: arguments[2].0, column: try text(3, "column name"))
        case "count", "sum", "max", "min", "sum_delta":
            let kind = HealthAggregate.Kind(rawValue: name)!
            let hasColumn = kind != .count
            try count(hasColumn ? 2...3 : 1...2)
            let signal = try text(0, "signal name")
            let column = hasColumn ? try text(1, "column name") : nil
            let filterPosition = hasColumn ? 2 : 1
            var filter: HealthExpression?
            var filterSource: String?
            if arguments.count > filterPosition {
                let source = try text(filterPosition, "condition")
                do {
                    filter = try HealthExpression.parse(source)
                } catch {
                    let token = arguments[filterPosition].1
                    throw HealthExpressionError(
                        position: token.position, token: token.text,
                        message: "the condition of \(name) does not parse (\(error.description))")
                }
                filterSource = source
            }
            return .aggregate(HealthAggregate(kind: kind, signal: signal, column: column, filter: filter, filterSource: filterSource))
        default:
            guard let function = HealthFunction(rawValue: name) else {
                throw error(at: nameToken, "unknown function \(name)")
            }
            try count(function.arity)
            var expressions = arguments.map(\.0)
            if function == .secondsSince, case .literal(.string(let column)) = expressions[0] {
                expressions[0] = .column(column)
            }
            return .call(function, expressions)
        }
    }
}
