"""The intermediate model: naming, scoping, parameters, streaming, pagination, discriminators."""

import pytest

from codegen import spec as spec_mod

from .mini_openapi import doc


@pytest.fixture(scope="module")
def spec() -> spec_mod.Spec:
    return spec_mod.load(doc())


def op(spec: spec_mod.Spec, name: str) -> spec_mod.Operation:
    return next(o for o in spec.operations if o.name == name)


def test_component_names_and_type_name_override(spec: spec_mod.Spec) -> None:
    assert "HttpValidationError" in spec.types
    assert "PaginatedDataWidgetResponse" in spec.types
    assert spec.types["ChatToolType"].kind == "literal"
    assert spec.types["Opaque"].kind == "any"
    assert spec.types["Legacy"].kind == "any"  # x-fern-type: unknown


def test_request_body_used_once_is_inlined_and_its_inline_types_are_scoped(spec: spec_mod.Spec) -> None:
    assert "WidgetLogRequest" not in spec.types
    choice = spec.types["WidgetLogRequestChoice"]
    assert (choice.kind, choice.scope) == ("union", "widgets")
    assert [m.kind for m in choice.members] == ["literal", "literal", "named"]


def test_inline_enum_and_array_item_names(spec: spec_mod.Spec) -> None:
    assert spec.types["WidgetResponseSize"].kind == "enum"
    assert spec.types["WidgetResponseSize"].values == ["small", "large"]
    assert spec.types["ValidationErrorLocItem"].kind == "union"


def test_union_of_string_constants_is_an_enum(spec: spec_mod.Spec) -> None:
    assert spec.types["WidgetsCallRequestMode"].kind == "enum"
    assert spec.types["WidgetsCallRequestMode"].values == ["fast", "slow"]


def test_body_name_colliding_with_query_gets_the_request_prefix(spec: spec_mod.Spec) -> None:
    params = {p.py: p for p in op(spec, "log").params}
    assert params["environment"].location == "query"
    aliased = params["widget_log_request_environment"]
    assert (aliased.wire, aliased.location, aliased.required) == ("environment", "body", False)
    assert params["output"].nullable


def test_streaming_operation_becomes_two_methods(spec: spec_mod.Spec) -> None:
    call, stream = op(spec, "call"), op(spec, "call_stream")
    assert (call.stream, call.constant_body) == (False, {"stream": False})
    assert (stream.stream, stream.constant_body) == (True, {"stream": True})
    assert call.response == spec_mod.Ref("named", name="WidgetResponse")
    assert stream.response == spec_mod.Ref("named", name="WidgetChunk")
    assert "stream" not in {p.wire for p in call.params}
    assert {p.py for p in stream.params} >= {"widgets_call_stream_request_environment"}
    assert {p.py for p in call.params} >= {"widgets_call_request_environment"}
    assert "WidgetsCallStreamRequestMode" in spec.types


def test_pagination_multipart_and_no_content(spec: spec_mod.Spec) -> None:
    listing = op(spec, "list")
    assert listing.pagination == spec_mod.Pagination(
        "PaginatedDataWidgetResponse", spec_mod.Ref("named", name="WidgetResponse"), "records"
    )
    tag = next(p for p in listing.params if p.py == "tag")
    assert tag.multi and not tag.required  # repeated query parameters are optional, as in Fern
    upload = op(spec, "upload_csv")
    assert [(p.py, p.location) for p in upload.params] == [("id", "path"), ("file", "file"), ("commit_message", "form")]
    assert op(spec, "delete").response is None
    assert op(spec, "touch").response is None  # an untyped inline answer is no answer
    assert op(spec, "poke").response == spec_mod.Ref("any")  # unless marked as any JSON value
    assert op(spec, "log").errors == [(422, "HttpValidationError")]
    assert listing.path == "widgets" and spec.base_url == "https://api.humanloop.com/v5"


def test_discriminators(spec: spec_mod.Spec) -> None:
    thing = spec.types["ThingResponse"]
    assert (thing.disc_mode, thing.disc_field) == ("by_value", "kind")
    assert thing.discriminator == [("WidgetResponse", "widget"), ("GadgetResponse", "gadget")]
    log = spec.types["LogResponse"]
    assert log.disc_mode == "by_key"
    assert log.discriminator == [("WidgetLogResponse", "widget"), ("GadgetLogResponse", "gadget")]
    # where pydantic-core reads the tag itself: the literal field, or the one of the body under each key
    assert thing.fast_tags == [(("kind",), "widget", "WidgetResponse"), (("kind",), "gadget", "GadgetResponse")]
    assert log.fast_tags == [
        (("widget", "kind"), "widget", "WidgetLogResponse"),
        (("gadget", "kind"), "gadget", "GadgetLogResponse"),
    ]
    assert spec.types["ValidationErrorLocItem"].disc_mode is None


def test_missing_sdk_names_is_an_error() -> None:
    broken = doc()
    del broken["paths"]["/v5/widgets"]["get"]["x-fern-sdk-method-name"]
    with pytest.raises(spec_mod.SpecError):
        spec_mod.load(broken)


def test_method_aliases_make_more_methods_of_one_operation() -> None:
    aliased = doc()
    listing = aliased["paths"]["/v5/widgets"]["get"]
    listing[spec_mod.METHOD_ALIASES] = ["list_widgets"]
    loaded = spec_mod.load(aliased)
    first, second = op(loaded, listing["x-fern-sdk-method-name"]), op(loaded, "list_widgets")
    assert (first.method, first.path, first.resource) == (second.method, second.path, second.resource)
    assert [p.py for p in first.params] == [p.py for p in second.params]
    assert first.response == second.response and first.pagination == second.pagination


def test_a_body_that_is_not_an_object_is_one_request_parameter() -> None:
    rooted = doc()
    rooted["paths"]["/v5/widgets/{id}/fill"] = {
        "post": {
            "x-fern-sdk-group-name": "widgets",
            "x-fern-sdk-method-name": "fill",
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "environment", "in": "query", "required": False, "schema": {"type": "string"}},
            ],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"type": "array", "items": {"type": "string"}}}},
            },
            "responses": {"200": {"content": {"application/json": {"schema": {"type": "string"}}}}},
        }
    }
    fill = op(spec_mod.load(rooted), "fill")
    assert [(p.py, p.location, p.required) for p in fill.params] == [
        ("id", "path", True),
        ("environment", "query", False),
        ("request", "body_root", True),
    ]
    assert fill.body_kind == "json_root" and fill.params[-1].ref.kind == "list"


def test_type_aliases_give_a_union_a_second_name() -> None:
    aliased = doc()
    aliased["components"]["schemas"]["ThingResponse"][spec_mod.TYPE_ALIASES] = ["ItemResponse"]
    loaded = spec_mod.load(aliased)
    thing, item = loaded.types["ThingResponse"], loaded.types["ItemResponse"]
    assert (item.kind, item.scope) == ("union", thing.scope)
    assert item.members == thing.members
    # it is told apart like the original, so both parse a value into the same member
    assert (item.disc_mode, item.discriminator) == (thing.disc_mode, thing.discriminator)
    assert "ItemResponse" not in spec_mod.load(doc()).types
