public import ShortlistCore
import WeightedAveragePlugin
import WeightedRatingPlugin

/// Every plugin a pipeline file can name. Adding a plugin is one import and one line here.
public let builtInPlugins = PluginRegistry([
    .generator(WeightedRating.self),
    .ranker(WeightedAverage.self),
])
