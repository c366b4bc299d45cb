import BanditBlendPlugin
import BusinessRulesPlugin
import ContentTFIDFPlugin
import DiversityCapPlugin
import ExplorationPlugin
import MatrixFactorizationPlugin
import MaximalMarginalRelevancePlugin
public import ShortlistCore
import TripletEmbeddingPlugin
import WeightedAveragePlugin
import WeightedRatingPlugin
import WideAndDeepPlugin

/// Every plugin a pipeline file can name. Adding a plugin is one import and one line here.
public let builtInPlugins = PluginRegistry([
    .generator(WeightedRating.self),
    .generator(MatrixFactorization.self),
    .generator(ContentTFIDF.self),
    .generator(TripletEmbedding.self),
    .ranker(WeightedAverage.self),
    .ranker(WideAndDeep.self),
    .ranker(BanditBlend.self),
    .rerankStep(MaximalMarginalRelevance.self),
    .rerankStep(DiversityCap.self),
    .rerankStep(BusinessRules.self),
    .rerankStep(Exploration.self),
])
