import BuiltInPlugins
import ShortlistConfig
import Testing

/// Parses `text` as `pipelines.yaml` and returns the error's full text, or nil if it is valid.
func configurationError(_ text: String) -> String? {
    do {
        _ = try PipelinesFile.parse(
            text, name: "pipelines.yaml", baseDirectory: ".", registry: builtInPlugins)
        return nil
    } catch {
        return error.description
    }
}

let dataset = """
    dataset:
      format: recbole
      path: data/ml-100k

    """

@Suite struct ConfigurationErrorTests {
    @Test func yamlSyntaxErrorCarriesLibyamlsProblem() {
        let text = dataset + "pipelines:\n  default:\n    n: [1, 2\n"
        #expect(
            configurationError(text) == """
                pipelines.yaml:7:1: error: YAML syntax: did not find expected ',' or ']' (while parsing a flow sequence at line 6)

                ^
                """)
    }

    @Test func aTabThatIndentsSaysItIsATab() {
        let text = dataset + "pipelines:\n  default:\n\tn: 3\n"
        #expect(
            configurationError(text) == """
                pipelines.yaml:6:1: error: YAML syntax: found character that cannot start any token (while scanning for the next token at line 6); it is a tab, and YAML indents with spaces only
                \tn: 3
                ^
                """)
    }

    @Test func unknownTopLevelKeySuggestsTheNearest() {
        #expect(
            configurationError("seeds: 3\n" + dataset) == """
                pipelines.yaml:1:1: error: unknown key 'seeds' in the pipelines file. Did you mean 'seed'?
                seeds: 3
                ^
                """)
    }

    @Test func unknownPipelineKey() {
        let text =
            dataset + """
                pipelines:
                  default:
                    candidate:
                      - {name: popular, type: weighted-rating, limit: 10}
                    ranker: {type: weighted-average}
                """
        #expect(
            configurationError(text) == """
                pipelines.yaml:6:5: error: unknown key 'candidate' in pipeline 'default'. Did you mean 'candidates'?
                    candidate:
                    ^
                """)
    }

    @Test func unknownPluginTypeSuggestsTheNearest() {
        let text =
            dataset + """
                pipelines:
                  default:
                    candidates:
                      - name: popular
                        type: weighted-ratings
                    ranker: {type: weighted-average}
                """
        #expect(
            configurationError(text) == """
                pipelines.yaml:8:15: error: unknown candidate generator type 'weighted-ratings'. Did you mean 'weighted-rating'?
                        type: weighted-ratings
                              ^
                """)
    }

    @Test func rankerUsedAsGeneratorIsNamedAsSuch() {
        let text =
            dataset + """
                pipelines:
                  default:
                    candidates:
                      - {name: popular, type: weighted-average}
                    ranker: {type: weighted-average}
                """
        #expect(
            configurationError(text) == """
                pipelines.yaml:7:31: error: 'weighted-average' is a ranker, not a candidate generator
                      - {name: popular, type: weighted-average}
                                              ^
                """)
    }

    @Test func unknownParameterKeySuggestsTheNearest() {
        let text =
            dataset + """
                pipelines:
                  default:
                    candidates:
                      - name: popular
                        type: weighted-rating
                        min-vote: 50
                    ranker: {type: weighted-average}
                """
        #expect(
            configurationError(text) == """
                pipelines.yaml:9:9: error: unknown key 'min-vote' in 'weighted-rating'. Did you mean 'min-votes'?
                        min-vote: 50
                        ^
                """)
    }

    @Test func factersSuggestsFactors() {
        let text =
            dataset + """
                pipelines:
                  default:
                    candidates:
                      - name: als
                        type: matrix-factorization
                        facters: 64
                    ranker: {type: weighted-average}
                """
        #expect(
            configurationError(text) == """
                pipelines.yaml:9:9: error: unknown key 'facters' in 'matrix-factorization'. Did you mean 'factors'?
                        facters: 64
                        ^
                """)
    }

    @Test func unknownParameterKeyWithNothingCloseListsTheValidKeys() {
        let text =
            dataset + """
                pipelines:
                  default:
                    candidates:
                      - name: popular
                        type: weighted-rating
                        zzz: 64
                    ranker: {type: weighted-average}
                """
        #expect(
            configurationError(text) == """
                pipelines.yaml:9:9: error: unknown key 'zzz' in 'weighted-rating'; valid keys: half-life-days, limit, min-votes, min-votes-quantile, name, type
                        zzz: 64
                        ^
                """)
    }

    @Test func wrongValueTypeSaysWhatWasExpected() {
        let text =
            dataset + """
                pipelines:
                  default:
                    candidates:
                      - {name: popular, type: weighted-rating, limit: fifty}
                    ranker: {type: weighted-average}
                """
        #expect(
            configurationError(text) == """
                pipelines.yaml:7:55: error: 'limit' in a candidate stage of pipeline 'default' expects an integer, found 'fifty'
                      - {name: popular, type: weighted-rating, limit: fifty}
                                                                      ^
                """)
    }

    @Test func wrongChoiceListsTheChoicesAndSuggests() {
        let text =
            dataset + """
                pipelines:
                  default:
                    candidates:
                      - {name: popular, type: weighted-rating}
                    ranker:
                      type: weighted-average
                      normalization: minmax
                """
        #expect(
            configurationError(text) == """
                pipelines.yaml:10:22: error: 'normalization' in 'weighted-average' expects one of min-max, z-score, reciprocal-rank, found 'minmax'. Did you mean 'min-max'?
                      normalization: minmax
                                     ^
                """)
    }

    @Test func missingRequiredKey() {
        let text =
            dataset + """
                pipelines:
                  default:
                    candidates:
                      - name: popular
                        limit: 10
                    ranker: {type: weighted-average}
                """
        #expect(
            configurationError(text) == """
                pipelines.yaml:7:9: error: missing required key 'type' in a candidate stage of pipeline 'default'
                      - name: popular
                        ^
                """)
    }

    @Test func duplicateStageName() {
        let text =
            dataset + """
                pipelines:
                  default:
                    candidates:
                      - {name: popular, type: weighted-rating}
                      - {name: popular, type: weighted-rating, half-life-days: 30}
                    ranker: {type: weighted-average}
                """
        #expect(
            configurationError(text) == """
                pipelines.yaml:8:16: error: duplicate stage name 'popular' in pipeline 'default' (first at line 7)
                      - {name: popular, type: weighted-rating, half-life-days: 30}
                               ^
                """)
    }

    @Test func duplicatePipelineName() {
        let text =
            dataset + """
                pipelines:
                  default:
                    candidates: [{name: popular, type: weighted-rating}]
                    ranker: {type: weighted-average}
                  default:
                    candidates: [{name: popular, type: weighted-rating}]
                    ranker: {type: weighted-average}
                """
        #expect(
            configurationError(text) == """
                pipelines.yaml:8:3: error: duplicate pipeline name 'default' in 'pipelines' (first at line 5)
                  default:
                  ^
                """)
    }

    @Test func rankerNamingAMissingSource() {
        let text =
            dataset + """
                pipelines:
                  default:
                    candidates: [{name: popular, type: weighted-rating}]
                    ranker:
                      type: weighted-average
                      weights: {populr: 2}
                """
        #expect(
            configurationError(text) == """
                pipelines.yaml:9:17: error: 'weights' names 'populr', which is not a candidate stage of pipeline 'default'. Did you mean 'popular'?
                      weights: {populr: 2}
                                ^
                """)
    }

    @Test func pipelineWithoutCandidateGenerator() {
        let text =
            dataset + """
                pipelines:
                  default:
                    candidates: []
                    ranker: {type: weighted-average}
                """
        #expect(
            configurationError(text) == """
                pipelines.yaml:6:17: error: pipeline 'default' has no candidate generator; 'candidates' is empty
                    candidates: []
                                ^
                """)
        #expect(
            configurationError(
                dataset + "pipelines:\n  default:\n    ranker: {type: weighted-average}\n") == """
                    pipelines.yaml:6:5: error: pipeline 'default' has no candidate generator; add a 'candidates' list
                        ranker: {type: weighted-average}
                        ^
                    """)
    }

    @Test func anExposuresShareOutsideZeroToOneIsLocated() {
        let text =
            dataset + """
                pipelines:
                  default:
                    exposures: 1.5
                    candidates: [{name: popular, type: weighted-rating}]
                    ranker: {type: weighted-average}
                """
        #expect(
            configurationError(text) == """
                pipelines.yaml:6:16: error: 'exposures' in pipeline 'default' is the share of \
                responses logged, from 0 to 1, found 1.5
                    exposures: 1.5
                               ^
                """)
    }

    @Test func nonPositiveLimit() {
        let text =
            dataset + """
                pipelines:
                  default:
                    candidates: [{name: popular, type: weighted-rating, limit: 0}]
                    ranker: {type: weighted-average}
                """
        #expect(
            configurationError(text) == """
                pipelines.yaml:6:64: error: 'limit' of stage 'popular' must be positive, found 0
                    candidates: [{name: popular, type: weighted-rating, limit: 0}]
                                                                               ^
                """)
    }

    @Test func pluginParameterValidation() {
        let text =
            dataset + """
                pipelines:
                  default:
                    candidates:
                      - name: popular
                        type: weighted-rating
                        min-votes-quantile: 1.5
                    ranker: {type: weighted-average}
                """
        #expect(
            configurationError(text) == """
                pipelines.yaml:9:29: error: 'min-votes-quantile' must be between 0 and 1, found 1.5
                        min-votes-quantile: 1.5
                                            ^
                """)
    }

    @Test func anOutOfRangeValueBeforeOtherKeysIsReportedAsSuch() {
        let text =
            dataset + """
                pipelines:
                  default:
                    candidates:
                      - {name: als, type: matrix-factorization, factors: 0, epochs: 3, alpha: 2}
                    ranker: {type: weighted-average}
                """
        #expect(
            configurationError(text) == """
                pipelines.yaml:7:58: error: 'factors' must be between 1 and 512, found 0
                      - {name: als, type: matrix-factorization, factors: 0, epochs: 3, alpha: 2}
                                                                         ^
                """)
    }

    @Test func secondDocumentIsRejected() {
        let text = dataset + "pipelines: {}\n---\nseed: 1\n"
        #expect(
            configurationError(text) == """
                pipelines.yaml:5:1: error: a second YAML document ('---'); put every pipeline in one document
                ---
                ^
                """)
    }

    @Test func aYAMLTagIsALocatedError() {
        let text =
            dataset + """
                pipelines:
                  default:
                    candidates:
                      - {name: pop, type: weighted-rating, limit: !foo 20}
                """
        #expect(
            configurationError(text)?.hasPrefix(
                "pipelines.yaml:7:51: error: a YAML tag ('!foo'); a pipelines file reads each value by "
                    + "its key, so write the value without a tag") == true,
            "\(configurationError(text) ?? "")")
        #expect(
            configurationError(dataset + "pipelines: !!map {}\n")?.contains(
                "error: a YAML tag ('tag:yaml.org,2002:map')") == true)
    }

    @Test func emptyFile() {
        #expect(
            configurationError("# nothing\n")
                == "pipelines.yaml: error: the file is empty; it needs a 'dataset' and a 'pipelines' section"
        )
    }

    @Test func deepNestingIsALocatedErrorNotACrash() {
        let text = String(repeating: "[", count: 40_000)
        #expect(
            configurationError(text)?.hasPrefix(
                "pipelines.yaml:1:65: error: the YAML nests more than 64 lists and mappings deep")
                == true)
    }

    @Test func aHugeBadValueIsQuotedAsAShortExcerpt() throws {
        let huge = String(repeating: "9", count: 100_000) + "x"
        let text =
            dataset + """
                pipelines:
                  default:
                    candidates: [{name: als, type: matrix-factorization, factors: \(huge)}]
                    ranker: {type: weighted-average}
                """
        let message = try #require(configurationError(text))
        #expect(message.count < 600, "\(message.count) characters")
        #expect(
            message.contains(
                "found '999999999999999999999999999999999999999999999999999999999999… (100001 characters)'"
            ))
    }

    @Test func everySizeAndCountHasAMaximum() {
        for (parameter, message) in [
            (
                "epochs: 9223372036854775807",
                "'epochs' must be between 1 and 1000, found 9223372036854775807"
            ),
            ("cg-steps: 100000", "'cg-steps' must be between 1 and 100, found 100000"),
            ("factors: 4096", "'factors' must be between 1 and 512, found 4096"),
            (
                "learning-rate: 1e308",
                "'learning-rate' must be positive and at most 10, found 1e+308"
            ),
            ("regularization: 1e308", "'regularization' must be between 0 and 10000, found 1e+308"),
            ("init-std: 1e308", "'init-std' must be between 0 and 10, found 1e+308"),
        ] {
            let text =
                dataset + """
                    pipelines:
                      default:
                        candidates: [{name: als, type: matrix-factorization, \(parameter)}]
                        ranker: {type: weighted-average}
                    """
            #expect(configurationError(text)?.contains("error: \(message)") == true, "\(parameter)")
        }
    }

    @Test func stageNamesMustBeUsable() {
        for name in ["\"\"", "ranker"] {
            let text =
                dataset + """
                    pipelines:
                      default:
                        candidates: [{name: \(name), type: weighted-rating}]
                        ranker: {type: weighted-average}
                    """
            #expect(
                configurationError(text)?.contains(
                    "error: a candidate stage needs a name other than") == true, "\(name)")
        }
    }

    @Test func rankerWeightsMustBeFiniteAndBounded() {
        let text =
            dataset + """
                pipelines:
                  default:
                    candidates: [{name: popular, type: weighted-rating}]
                    ranker: {type: weighted-average, weights: {popular: 1e308}}
                """
        #expect(
            configurationError(text)?.contains(
                "error: the weight of 'popular' must be between -1000000 and 1000000, found 1e+308")
                == true)
    }

    @Test func datasetPathsAndFetchMustFitTheFormat() {
        let pipelines = """
            pipelines:
              default:
                candidates: [{name: popular, type: weighted-rating}]
                ranker: {type: weighted-average}
            """
        #expect(
            configurationError("dataset: {format: recbole, path: \"\"}\n" + pipelines)?.contains(
                "error: 'path' in 'dataset' is empty") == true)
        #expect(
            configurationError(
                "dataset: {format: grouplens, path: d, fetch: movielens-100k}\n" + pipelines)?
                .contains(
                    "error: 'fetch' gives RecBole files; it needs 'format: recbole', not grouplens")
                == true)
    }
}
