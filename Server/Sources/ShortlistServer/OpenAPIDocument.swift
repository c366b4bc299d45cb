/// The OpenAPI 3.1 document of every endpoint, served at `GET /openapi.json`; a test checks the
/// real responses against it. It is compiled into the binary, so the server needs no files
/// beside it.
enum OpenAPIDocument {
    static let json = #"""
        {
          "openapi": "3.1.0",
          "info": {
            "title": "Shortlist",
            "version": "1",
            "description": "Recommendations, explanations and feedback from every pipeline of a pipelines file. Every error is {\"error\": {\"status\", \"message\"}} with a message that names the problem; a path no endpoint serves is a 404 and a method an endpoint does not take a 405 (with Allow), in the same shape. Query parameters an endpoint does not take are refused (400)."
          },
          "paths": {
            "/v1/recommend": {
              "post": {
                "summary": "Recommend items to a user through a pipeline's request path",
                "description": "An unknown user is a cold user, not an error. `history` lists interactions seen after the last fit; the stages that can fold them in do so for this request.",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/RecommendRequest"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "The list, best first",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/RecommendResponse"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound"
                  },
                  "413": {
                    "$ref": "#/components/responses/TooLarge"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/v1/explain": {
              "get": {
                "summary": "Why an item was recommended to a user, or why not: every stage's view of it",
                "description": "A dry run: nothing is logged. The same JSON as `shortlist explain --format json`.",
                "parameters": [
                  {
                    "name": "user",
                    "in": "query",
                    "required": true,
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "item",
                    "in": "query",
                    "required": true,
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "pipeline",
                    "in": "query",
                    "schema": {
                      "type": "string"
                    },
                    "description": "The first pipeline of the file when absent."
                  },
                  {
                    "name": "n",
                    "in": "query",
                    "schema": {
                      "type": "integer",
                      "minimum": 1,
                      "maximum": 1000
                    },
                    "description": "The length of the list the item is explained against; the pipeline's n when absent."
                  },
                  {
                    "name": "history",
                    "in": "query",
                    "schema": {
                      "type": "string"
                    },
                    "description": "Fresh interactions, as ITEM[:RATING] separated by commas, as in recommend's history."
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The item's verdict and every stage's view of it",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/ItemExplanation"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/v1/items/{id}/similar": {
              "get": {
                "summary": "Items similar to an item, one list per candidate stage that can tell",
                "parameters": [
                  {
                    "name": "id",
                    "in": "path",
                    "required": true,
                    "description": "The item id, percent-encoded (a%20b%2Fc is the id a b/c); invalid percent-encoding is a 400.",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "n",
                    "in": "query",
                    "schema": {
                      "type": "integer",
                      "minimum": 1,
                      "maximum": 1000,
                      "default": 10
                    }
                  },
                  {
                    "name": "stage",
                    "in": "query",
                    "schema": {
                      "type": "string"
                    },
                    "description": "Only this candidate stage's list."
                  },
                  {
                    "name": "pipeline",
                    "in": "query",
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "One list per stage",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "array",
                          "items": {
                            "$ref": "#/components/schemas/SimilarList"
                          }
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound"
                  }
                }
              }
            },
            "/v1/feedback": {
              "post": {
                "summary": "Reward an item a bandit's response showed",
                "description": "202 once the reward is durably recorded in the feedback store the bandits learn from. Sending the same feedback again is accepted and not counted twice.",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/FeedbackRequest"
                      }
                    }
                  }
                },
                "responses": {
                  "202": {
                    "description": "Recorded (or recorded before)",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/FeedbackResponse"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound"
                  },
                  "413": {
                    "$ref": "#/components/responses/TooLarge"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/v1/ab/report": {
              "get": {
                "summary": "Each arm of a bandit pipeline: pulls, rewards, reward rate with its 95% interval, the probability that it is best, and what it would have earned serving all the traffic",
                "description": "The same JSON as `shortlist ab report --format json`, from the feedback store every replica shares.",
                "parameters": [
                  {
                    "name": "pipeline",
                    "in": "query",
                    "schema": {
                      "type": "string"
                    },
                    "description": "The file's first bandit pipeline when absent."
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The arms",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/ArmReport"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest"
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound"
                  },
                  "503": {
                    "$ref": "#/components/responses/Unavailable"
                  }
                }
              }
            },
            "/v1/pipelines": {
              "get": {
                "summary": "Each pipeline served, its stages and artifacts, and the last reload's error",
                "responses": {
                  "200": {
                    "description": "The pipelines",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PipelineList"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/healthz": {
              "get": {
                "summary": "Whether the server is up",
                "responses": {
                  "200": {
                    "description": "Up",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Health"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/metrics": {
              "get": {
                "summary": "Requests, errors and latency per endpoint, pipeline and stage, in Prometheus text",
                "responses": {
                  "200": {
                    "description": "Prometheus exposition text",
                    "content": {
                      "text/plain": {
                        "schema": {
                          "type": "string"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/openapi.json": {
              "get": {
                "summary": "This document",
                "responses": {
                  "200": {
                    "description": "OpenAPI 3.1",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/": {
              "get": {
                "summary": "A page to try the pipelines: recommendations with every stage's contribution drawn",
                "responses": {
                  "200": {
                    "description": "HTML",
                    "content": {
                      "text/html": {
                        "schema": {
                          "type": "string"
                        }
                      }
                    }
                  }
                }
              }
            }
          },
          "components": {
            "responses": {
              "BadRequest": {
                "description": "Malformed JSON, a wrong field type, an unknown key or item, or n out of range",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Error"
                    }
                  }
                }
              },
              "NotFound": {
                "description": "An unknown pipeline (with a suggestion) or item",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Error"
                    }
                  }
                }
              },
              "TooLarge": {
                "description": "A body over 1 MiB",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Error"
                    }
                  }
                }
              },
              "Unavailable": {
                "description": "The feedback store failed, did not answer in time, or is out of reach",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Error"
                    }
                  }
                }
              }
            },
            "schemas": {
              "Error": {
                "type": "object",
                "additionalProperties": false,
                "required": [
                  "error"
                ],
                "properties": {
                  "error": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": [
                      "status",
                      "message"
                    ],
                    "properties": {
                      "status": {
                        "type": "integer"
                      },
                      "message": {
                        "type": "string"
                      }
                    }
                  }
                }
              },
              "RecommendRequest": {
                "type": "object",
                "additionalProperties": false,
                "required": [
                  "user"
                ],
                "properties": {
                  "user": {
                    "type": "string",
                    "minLength": 1,
                    "description": "Any id; one the data lacks is a cold user."
                  },
                  "pipeline": {
                    "type": "string",
                    "description": "The first pipeline of the file when absent."
                  },
                  "n": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 1000
                  },
                  "explain": {
                    "type": "boolean",
                    "default": false
                  },
                  "exclude": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    },
                    "description": "Items not to recommend."
                  },
                  "history": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/FreshInteraction"
                    }
                  }
                }
              },
              "FreshInteraction": {
                "type": "object",
                "additionalProperties": false,
                "required": [
                  "item"
                ],
                "properties": {
                  "item": {
                    "type": "string"
                  },
                  "rating": {
                    "type": "number",
                    "description": "The data's highest rating when absent."
                  },
                  "timestamp": {
                    "type": "integer",
                    "description": "Seconds since 1970."
                  }
                }
              },
              "RecommendResponse": {
                "type": "object",
                "additionalProperties": false,
                "required": [
                  "pipeline",
                  "items"
                ],
                "properties": {
                  "request_id": {
                    "type": "string",
                    "description": "The id a bandit logged the response under, for feedback; absent without a bandit."
                  },
                  "pipeline": {
                    "type": "string"
                  },
                  "items": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/RecommendedItem"
                    }
                  }
                }
              },
              "RecommendedItem": {
                "type": "object",
                "additionalProperties": false,
                "required": [
                  "item",
                  "title",
                  "score",
                  "rank"
                ],
                "properties": {
                  "item": {
                    "type": "string"
                  },
                  "title": {
                    "type": "string"
                  },
                  "score": {
                    "type": "number"
                  },
                  "rank": {
                    "type": "integer",
                    "minimum": 1
                  },
                  "arm": {
                    "type": "string",
                    "description": "The bandit arm that placed it."
                  },
                  "propensity": {
                    "type": "number",
                    "minimum": 0,
                    "maximum": 1
                  },
                  "explanation": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": [
                      "summary",
                      "stages",
                      "contributions"
                    ],
                    "properties": {
                      "summary": {
                        "type": "string",
                        "description": "One plain-language sentence."
                      },
                      "stages": {
                        "type": "array",
                        "items": {
                          "$ref": "#/components/schemas/StageView"
                        }
                      },
                      "contributions": {
                        "type": "array",
                        "items": {
                          "$ref": "#/components/schemas/Contribution"
                        }
                      }
                    }
                  }
                }
              },
              "StageView": {
                "type": "object",
                "additionalProperties": false,
                "required": [
                  "stage",
                  "type",
                  "nominated"
                ],
                "properties": {
                  "stage": {
                    "type": "string"
                  },
                  "type": {
                    "type": "string"
                  },
                  "rank": {
                    "type": "integer",
                    "minimum": 1,
                    "description": "The item's rank in the stage's full ordering."
                  },
                  "score": {
                    "type": "number"
                  },
                  "nominated": {
                    "type": "boolean"
                  },
                  "explanation": {
                    "$ref": "#/components/schemas/StageExplanation"
                  },
                  "unavailable": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": [
                      "code"
                    ],
                    "properties": {
                      "code": {
                        "enum": [
                          "unknown-user",
                          "no-history",
                          "user-not-fitted",
                          "nothing-liked",
                          "no-positive-score",
                          "all-excluded"
                        ]
                      },
                      "threshold": {
                        "type": "number"
                      }
                    }
                  }
                }
              },
              "StageExplanation": {
                "type": "object",
                "additionalProperties": false,
                "required": [
                  "total",
                  "terms",
                  "details"
                ],
                "properties": {
                  "total": {
                    "type": "number"
                  },
                  "terms": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/Reason"
                    }
                  },
                  "details": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/Reason"
                    }
                  }
                }
              },
              "Reason": {
                "type": "object",
                "additionalProperties": false,
                "required": [
                  "kind",
                  "value"
                ],
                "properties": {
                  "kind": {
                    "type": "string"
                  },
                  "value": {
                    "type": "number"
                  },
                  "subject": {
                    "type": "string"
                  },
                  "historyItem": {
                    "type": "string"
                  },
                  "historyTitle": {
                    "type": "string"
                  }
                }
              },
              "Contribution": {
                "type": "object",
                "additionalProperties": false,
                "required": [
                  "name",
                  "value",
                  "factors"
                ],
                "properties": {
                  "name": {
                    "type": "string"
                  },
                  "value": {
                    "type": "number",
                    "description": "An item's contributions add up to its score."
                  },
                  "factors": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/Factor"
                    }
                  },
                  "source": {
                    "type": "string",
                    "description": "The candidate stage the term comes from."
                  }
                }
              },
              "Factor": {
                "type": "object",
                "additionalProperties": false,
                "required": [
                  "name",
                  "value"
                ],
                "properties": {
                  "name": {
                    "type": "string"
                  },
                  "value": {
                    "type": "number"
                  }
                }
              },
              "ItemExplanation": {
                "type": "object",
                "additionalProperties": false,
                "required": [
                  "user",
                  "item",
                  "title",
                  "pipeline",
                  "verdict",
                  "stages"
                ],
                "properties": {
                  "user": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": [
                      "id",
                      "known",
                      "interactions"
                    ],
                    "properties": {
                      "id": {
                        "type": "string"
                      },
                      "known": {
                        "type": "boolean"
                      },
                      "interactions": {
                        "type": "integer",
                        "minimum": 0
                      }
                    }
                  },
                  "item": {
                    "type": "string"
                  },
                  "title": {
                    "type": "string"
                  },
                  "pipeline": {
                    "type": "string"
                  },
                  "verdict": {
                    "enum": [
                      "recommended",
                      "below-cutoff",
                      "filtered",
                      "not-nominated"
                    ]
                  },
                  "rank": {
                    "type": "integer",
                    "minimum": 1,
                    "description": "In the list when recommended; in the ranked pool when below the cutoff."
                  },
                  "cutoffScore": {
                    "type": "number",
                    "description": "The last listed item's score, when below the cutoff."
                  },
                  "filteredBy": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "stages": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/StageView"
                    }
                  },
                  "summary": {
                    "type": "string"
                  },
                  "score": {
                    "type": "number"
                  },
                  "contributions": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/Contribution"
                    }
                  },
                  "placement": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": [
                      "arm",
                      "propensity",
                      "contributions"
                    ],
                    "properties": {
                      "arm": {
                        "type": "string"
                      },
                      "propensity": {
                        "type": "number",
                        "minimum": 0,
                        "maximum": 1
                      },
                      "contributions": {
                        "type": "array",
                        "items": {
                          "$ref": "#/components/schemas/Contribution"
                        }
                      }
                    }
                  },
                  "bandit": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": [
                      "policy",
                      "arms"
                    ],
                    "properties": {
                      "policy": {
                        "type": "string"
                      },
                      "arms": {
                        "type": "array",
                        "items": {
                          "type": "object",
                          "additionalProperties": false,
                          "required": [
                            "arm",
                            "pulls",
                            "successes",
                            "failures",
                            "posteriorMean",
                            "interval"
                          ],
                          "properties": {
                            "arm": {
                              "type": "string"
                            },
                            "pulls": {
                              "type": "integer",
                              "minimum": 0
                            },
                            "successes": {
                              "type": "number"
                            },
                            "failures": {
                              "type": "number"
                            },
                            "posteriorMean": {
                              "type": "number"
                            },
                            "interval": {
                              "type": "array",
                              "items": {
                                "type": "number"
                              },
                              "minItems": 2,
                              "maxItems": 2
                            },
                            "upperConfidenceBound": {
                              "type": "number"
                            }
                          }
                        }
                      }
                    }
                  }
                }
              },
              "SimilarList": {
                "type": "object",
                "additionalProperties": false,
                "required": [
                  "stage",
                  "type",
                  "similar"
                ],
                "properties": {
                  "stage": {
                    "type": "string"
                  },
                  "type": {
                    "type": "string"
                  },
                  "similar": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "additionalProperties": false,
                      "required": [
                        "item",
                        "title",
                        "similarity"
                      ],
                      "properties": {
                        "item": {
                          "type": "string"
                        },
                        "title": {
                          "type": "string"
                        },
                        "similarity": {
                          "type": "number"
                        }
                      }
                    }
                  }
                }
              },
              "FeedbackRequest": {
                "type": "object",
                "additionalProperties": false,
                "required": [
                  "request_id",
                  "item",
                  "reward"
                ],
                "properties": {
                  "request_id": {
                    "type": "string",
                    "description": "A bandit response's request_id."
                  },
                  "item": {
                    "type": "string",
                    "description": "An item that response showed."
                  },
                  "reward": {
                    "type": "number",
                    "minimum": 0,
                    "maximum": 1
                  }
                }
              },
              "FeedbackResponse": {
                "type": "object",
                "additionalProperties": false,
                "required": [
                  "recorded"
                ],
                "properties": {
                  "recorded": {
                    "type": "boolean",
                    "description": "False when the same feedback was recorded before."
                  }
                }
              },
              "PipelineList": {
                "type": "object",
                "additionalProperties": false,
                "required": [
                  "file",
                  "loaded_at",
                  "pipelines"
                ],
                "properties": {
                  "file": {
                    "type": "string"
                  },
                  "loaded_at": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "last_reload_error": {
                    "type": "string",
                    "description": "Why the latest reload failed, as file:line:column: error: …; the pipelines listed are the older ones."
                  },
                  "pipelines": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "additionalProperties": false,
                      "required": [
                        "name",
                        "stages",
                        "ranker"
                      ],
                      "properties": {
                        "name": {
                          "type": "string"
                        },
                        "stages": {
                          "type": "array",
                          "items": {
                            "$ref": "#/components/schemas/Stage"
                          }
                        },
                        "ranker": {
                          "$ref": "#/components/schemas/Stage"
                        }
                      }
                    }
                  }
                }
              },
              "Stage": {
                "type": "object",
                "additionalProperties": false,
                "required": [
                  "name",
                  "type"
                ],
                "properties": {
                  "name": {
                    "type": "string"
                  },
                  "type": {
                    "type": "string"
                  },
                  "limit": {
                    "type": "integer",
                    "minimum": 1
                  },
                  "artifact": {
                    "type": "string",
                    "description": "The artifact's content key, TYPE-KEY."
                  }
                }
              },
              "Health": {
                "type": "object",
                "additionalProperties": false,
                "required": [
                  "status",
                  "pipelines"
                ],
                "properties": {
                  "status": {
                    "const": "ok"
                  },
                  "pipelines": {
                    "type": "integer",
                    "minimum": 1
                  }
                }
              },
              "ArmReport": {
                "type": "object",
                "additionalProperties": false,
                "required": [
                  "pipeline",
                  "store",
                  "arms"
                ],
                "properties": {
                  "pipeline": {
                    "type": "string"
                  },
                  "store": {
                    "type": "string",
                    "description": "The store's file or database URL, without its password."
                  },
                  "arms": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "additionalProperties": false,
                      "required": [
                        "arm",
                        "pulls",
                        "rewards",
                        "interval",
                        "probabilityBest"
                      ],
                      "properties": {
                        "arm": {
                          "type": "string"
                        },
                        "pulls": {
                          "type": "integer",
                          "minimum": 0
                        },
                        "rewards": {
                          "type": "number",
                          "minimum": 0
                        },
                        "rate": {
                          "type": "number",
                          "minimum": 0,
                          "maximum": 1,
                          "description": "rewards / pulls; absent before the first pull."
                        },
                        "interval": {
                          "type": "array",
                          "items": {
                            "type": "number"
                          },
                          "minItems": 2,
                          "maxItems": 2
                        },
                        "probabilityBest": {
                          "type": "number",
                          "minimum": 0,
                          "maximum": 1
                        },
                        "offPolicy": {
                          "type": "object",
                          "additionalProperties": false,
                          "required": [
                            "estimate",
                            "interval",
                            "impressions"
                          ],
                          "properties": {
                            "estimate": {
                              "type": "number"
                            },
                            "interval": {
                              "type": "array",
                              "items": {
                                "type": "number"
                              },
                              "minItems": 2,
                              "maxItems": 2
                            },
                            "impressions": {
                              "type": "integer",
                              "minimum": 0
                            }
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
        """#
}
