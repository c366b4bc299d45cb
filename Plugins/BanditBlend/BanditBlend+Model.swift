public import ShortlistCore

extension BanditBlend {
    /// The arms (candidate stages by position) and how they are blended.
    public struct Model: BanditRankerModel {
        public let arms: [String]
        public let armSources: [Int?]
        public let blend: ArmBlend

        public static let formatVersion = 1

        public func write(to writer: inout ArtifactWriter) {
            writer.write(arms)
            writer.write(armSources.map { $0 ?? -1 })
            writer.write(blend.mode.rawValue)
            writer.write(blend.sticky ? 1 : 0)
            switch blend.policy {
            case .thompson(let prior, let draws):
                writer.write("thompson")
                writer.write([prior.alpha, prior.beta, Double(draws)])
            case .ucb1:
                writer.write("ucb1")
                writer.write([Double]())
            case .epsilonGreedy(let epsilon, let decay):
                writer.write("epsilon-greedy")
                writer.write([epsilon, decay])
            }
        }

        public init(reading reader: inout ArtifactReader) throws(ArtifactError) {
            arms = try reader.readStrings()
            let sources = try reader.readArray(of: Int.self)
            let mode = BanditMode(rawValue: try reader.readString())
            let sticky = try reader.readInt()
            let policy = try reader.readString()
            let numbers = try reader.readFiniteArray(of: Double.self, "bandit: the policy")
            guard let mode, sticky == 0 || sticky == 1, arms.count >= 2,
                sources.count == arms.count, sources.allSatisfy({ (-1..<1024).contains($0) })
            else {
                throw ArtifactError(.corrupt, "bandit: unreadable arms or mode")
            }
            if let shape = reader.shape, !sources.allSatisfy({ $0 < shape.sources.count }) {
                throw ArtifactError(.mismatched, "bandit: an arm's stage is not in the pipeline")
            }
            armSources = sources.map { $0 < 0 ? nil : $0 }
            let decoded: BanditPolicy
            switch (policy, numbers.count) {
            case ("thompson", 3)
            where numbers[0] > 0 && numbers[1] > 0 && (10...100_000).contains(numbers[2]):
                decoded = .thompson(
                    prior: BetaPrior(alpha: numbers[0], beta: numbers[1]), draws: Int(numbers[2]))
            case ("ucb1", 0): decoded = .ucb1
            case ("epsilon-greedy", 2)
            where (0...1).contains(numbers[0]) && (0...1000).contains(numbers[1]):
                decoded = .epsilonGreedy(epsilon: numbers[0], decay: numbers[1])
            default:
                throw ArtifactError(.corrupt, "bandit: unreadable policy '\(excerpt(policy))'")
            }
            blend = ArmBlend(policy: decoded, mode: mode, sticky: sticky == 1)
        }

        init(arms: [String], armSources: [Int?], blend: ArmBlend) {
            self.arms = arms
            self.armSources = armSources
            self.blend = blend
        }
    }
}
