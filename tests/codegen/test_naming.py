from codegen.naming import pascal, py_identifier, snake


def test_pascal_splits_underscores_case_and_acronyms() -> None:
    assert pascal("HTTPValidationError") == "HttpValidationError"
    assert pascal("PaginatedData_PromptResponse_") == "PaginatedDataPromptResponse"
    assert pascal("LLMEvaluatorRequest") == "LlmEvaluatorRequest"
    assert (
        pascal("PaginatedData_Union_PromptResponse__ToolResponse__DatasetResponse__EvaluatorResponse__FlowResponse__")
        == "PaginatedDataUnionPromptResponseToolResponseDatasetResponseEvaluatorResponseFlowResponse"
    )
    assert pascal("src__external__app__models__v5__evaluators__EvaluatorRequest") == (
        "SrcExternalAppModelsV5EvaluatorsEvaluatorRequest"
    )
    assert pascal("tool_choice") == "ToolChoice"


def test_snake_module_names_split_digits() -> None:
    assert snake("HttpValidationError") == "http_validation_error"
    assert snake("SrcExternalAppModelsV5EvaluatorsEvaluatorRequestSpec") == (
        "src_external_app_models_v_5_evaluators_evaluator_request_spec"
    )
    assert snake("PromptsCallStreamRequest") == "prompts_call_stream_request"


def test_python_names_of_wire_names() -> None:
    assert py_identifier("top_p") == "top_p"
    assert py_identifier("ai21") == "ai_21"
    assert py_identifier("class") == "class_"
    assert py_identifier("openai-azure") == "openai_azure"
